"""GP-VL observations: the four cards on a casino-green table, drawn with Pillow.

The design (trainer/ptlab/envs/card_design.json) is shared with the SVG the webviews draw
(src/core/envs/cards.ts), so what a researcher sees is what the model saw.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

DESIGN: dict[str, Any] = json.loads((Path(__file__).with_name("card_design.json")).read_text(encoding="utf-8"))
RED_SUITS = ("hearts", "diamonds")


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font, never the machine's: the same pixels on every machine.
    return ImageFont.load_default(size=size)


def _suit(draw: ImageDraw.ImageDraw, suit: str, x: float, y: float, size: float, ink: str) -> None:
    shape = DESIGN["suits"][suit]
    for polygon in shape["polygons"]:
        draw.polygon([(x + px * size, y + py * size) for px, py in polygon], fill=ink)
    for cx, cy, r in shape["circles"]:
        draw.ellipse([x + (cx - r) * size, y + (cy - r) * size, x + (cx + r) * size, y + (cy + r) * size], fill=ink)


def render_hand(cards: list[str], suits: list[str]) -> Image.Image:
    canvas, card = DESIGN["canvas"], DESIGN["card"]
    image = Image.new("RGB", (canvas["width"], canvas["height"]), canvas["color"])
    draw = ImageDraw.Draw(image)
    for rank, suit, x in zip(cards, suits, card["xs"]):
        y, w, h = card["y"], card["width"], card["height"]
        draw.rounded_rectangle([x, y, x + w, y + h], radius=card["radius"], fill=card["face"], outline=card["edge"], width=card["edgeWidth"])
        ink = DESIGN["ink"]["red" if suit in RED_SUITS else "black"]
        r, c, center = DESIGN["rank"], DESIGN["cornerSuit"], DESIGN["centerSuit"]["size"]
        draw.text((x + r["x"], y + r["y"]), rank, font=_font(r["size"]), fill=ink)
        _suit(draw, suit, x + c["x"], y + c["y"], c["size"], ink)
        _suit(draw, suit, x + (w - center) / 2, y + (h - center) / 2 + 20, center, ink)
        # the corner repeated upside down, as on real cards
        text_w = draw.textlength(rank, font=_font(r["size"]))
        corner = Image.new("RGBA", (int(max(text_w, c["size"]) + 8), int(c["y"] + c["size"] + 4)), (0, 0, 0, 0))
        corner_draw = ImageDraw.Draw(corner)
        corner_draw.text((0, r["y"] - 14), rank, font=_font(r["size"]), fill=ink)
        _suit(corner_draw, suit, 4, c["y"] - 14 + 10, c["size"], ink)
        flipped = corner.rotate(180)
        image.paste(flipped, (int(x + w - flipped.width - 12), int(y + h - flipped.height - 12)), flipped)
    return image


def save_hand_png(cards: list[str], suits: list[str], path: Path) -> Path:
    """Write the image atomically (runlog.atomic_write_bytes: nothing left on an error)."""
    from ptlab.runlog import atomic_write_bytes

    png = io.BytesIO()
    render_hand(cards, suits).save(png, format="PNG")
    atomic_write_bytes(path, png.getvalue(), durable=False)
    return path
