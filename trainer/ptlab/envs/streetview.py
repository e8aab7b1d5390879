"""V-IRL-VL observations: the 2x2 street-view grid, cut from equirectangular panoramas.

As in the reference: four 640x640 perspective crops (90-degree field of view, pitch 0) at
headings h-135, h-45, h+45 and h+135 of the agent's heading h, each resized to 1200x1200
and tiled 2x2, row by row, with 5 px black gaps (the prompt calls the layout
[front, right / back, left]).

Panoramas come from a folder (`panoramas` in the config: `{route_id}/{place}.jpg` with an
optional `{place}.json` holding the panorama's north `rotation` in degrees; a place is a
point's index on the route's full rail, virl.Position.place), or are drawn here for
synthetic cities: sky, facades in the city's colours, the road ahead and behind, cross
streets at intersections, and a sign with the landmark's name on the side the route data
says it is ("on your left front" is 45 degrees left of the heading).
"""

from __future__ import annotations

import io
import json
import math
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ptlab.envs.cities import CITIES

PANORAMA_SIZE = (2048, 1024)
CROP = 640
TILE = 1200
GAP = 5
GRID_HEADINGS = (-135, -45, 45, 135)
SIDE_AZIMUTH = {"front": 0, "right front": 45, "right": 90, "right behind": 135, "behind": 180, "left behind": 225, "left": 270, "left front": 315}


def landmark_side(text: str) -> tuple[str, float] | None:
    """('Aritzia', 315.0) for 'Aritzia is on your left front'; None without a landmark."""
    marker = " is on your "
    if marker not in text:
        return None
    name, side = text.rsplit(marker, 1)
    azimuth = SIDE_AZIMUTH.get(side.strip())
    return None if azimuth is None else (name.removeprefix("The destination "), float(azimuth))


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def synthetic_panorama(city: str, landmark: str, at_intersection: bool, seed_text: str) -> Image.Image:
    """A 360-degree street scene facing north at column 0 (heading 0 = image centre left edge).

    Column c shows heading 360 * c / width; the agent's own heading is applied by the crop.
    `landmark` is the position's landmark text; headings in it are relative to the agent,
    so the caller renders with the agent facing north and crops at relative headings.
    """
    look = (CITIES.get(city) or CITIES["nyc"]).look
    width, height = PANORAMA_SIZE
    rng = np.random.default_rng(zlib.crc32(seed_text.encode("utf-8")))
    image = Image.new("RGB", (width, height), look["sky"])
    draw = ImageDraw.Draw(image)
    horizon = height // 2
    draw.rectangle([0, horizon, width, height], fill="#6f7a63")
    col = lambda azimuth: int((azimuth % 360) / 360 * width)  # noqa: E731
    # the road runs ahead (0) and behind (180); cross streets at 90 and 270 at intersections
    for center in (0, 180) + ((90, 270) if at_intersection else ()):
        left, right = col(center - 22), col(center + 22)
        spans = [(left, right)] if left < right else [(left, width), (0, right)]
        for a, b in spans:
            draw.rectangle([a, horizon, b, height], fill=look["road"])
    # facades on both sides, with gaps where the streets are
    azimuth = 0.0
    while azimuth < 360:
        span = float(rng.uniform(8, 20))
        open_street = any(abs(((azimuth + span / 2 - c) + 180) % 360 - 180) < 24 for c in (0, 180) + ((90, 270) if at_intersection else ()))
        if not open_street:
            top = horizon - int(rng.uniform(0.35, 0.9) * horizon)
            a, b = col(azimuth), col(azimuth + span)
            if b > a:
                shade = int(rng.uniform(-25, 25))
                base = tuple(max(0, min(255, int(look["facade"][i : i + 2], 16) + shade)) for i in (1, 3, 5))
                draw.rectangle([a, top, b, horizon + 40], fill=base, outline=look["accent"])
                for wy in range(top + 12, horizon + 20, 28):
                    for wx in range(a + 6, b - 10, 18):
                        draw.rectangle([wx, wy, wx + 8, wy + 14], fill=look["accent"])
        azimuth += span
    side = landmark_side(landmark)
    if side is not None:
        name, at = side
        font = _font(34)
        text_w = int(draw.textlength(name, font=font))
        cx = col(at)
        box = [cx - text_w // 2 - 14, horizon - 170, cx + text_w // 2 + 14, horizon - 110]
        draw.rectangle(box, fill="#fbfbf2", outline="#111111", width=4)
        draw.text((box[0] + 14, box[1] + 12), name, font=font, fill="#111111")
    return image


def perspective_crop(panorama: np.ndarray, heading: float, fov: float = 90.0, size: int = CROP) -> np.ndarray:
    """A pinhole view (pitch 0) looking at `heading` degrees of an equirectangular image
    whose column 0 is heading 0 and whose columns grow clockwise (east at a quarter)."""
    height, width = panorama.shape[:2]
    focal = (size / 2) / math.tan(math.radians(fov) / 2)
    xs = np.arange(size) - (size - 1) / 2
    ys = np.arange(size) - (size - 1) / 2
    u, v = np.meshgrid(xs, ys)
    yaw = np.degrees(np.arctan2(u, focal)) + heading
    pitch = np.degrees(np.arctan2(-v, np.hypot(u, focal)))
    cols = np.mod(yaw / 360.0 * width, width).astype(np.int64) % width
    rows = np.clip(((90.0 - pitch) / 180.0 * height).astype(np.int64), 0, height - 1)
    return panorama[rows, cols]


def grid(panorama: Image.Image, heading: float, north_rotation: float = 0.0) -> Image.Image:
    """The reference 2x2 grid: crops at heading-135, -45, +45, +135, tiled row by row."""
    array = np.asarray(panorama.convert("RGB"))
    canvas = Image.new("RGB", (2 * TILE + GAP, 2 * TILE + GAP), "black")
    for i, offset in enumerate(GRID_HEADINGS):
        crop = Image.fromarray(perspective_crop(array, heading + offset - north_rotation)).resize((TILE, TILE), Image.BILINEAR)
        canvas.paste(crop, ((i % 2) * (TILE + GAP), (i // 2) * (TILE + GAP)))
    return canvas


def load_panorama(folder: Path, route_id: str, place: int) -> tuple[Image.Image, float]:
    """A real panorama and its north rotation, from `{folder}/{route_id}/{place}.jpg`."""
    image_path = folder / route_id / f"{place}.jpg"
    try:
        image = Image.open(image_path)
        image.load()
    except OSError as exc:
        raise FileNotFoundError(f"environment.panoramas: cannot read {image_path}: {exc}") from exc
    meta = image_path.with_suffix(".json")
    rotation = float(json.loads(meta.read_text(encoding="utf-8")).get("rotation", 0.0)) if meta.exists() else 0.0
    return image, rotation


def observation_grid(city: str, route_id: str, place: int, landmark: str, at_intersection: bool, heading: float, panoramas: Path | None = None) -> Image.Image:
    """The agent's 2x2 grid at a place of the route (virl.Position.place). Real panoramas
    are cropped around the agent's heading (after their own north rotation); synthetic
    scenes are drawn relative to the agent, who faces their heading 0."""
    if panoramas is not None:
        image, rotation = load_panorama(panoramas, route_id, place)
        return grid(image, heading, rotation)
    return grid(synthetic_panorama(city, landmark, at_intersection, f"{route_id}/{place}"), 0.0)


def save_png(image: Image.Image, path: Path) -> Path:
    """Write atomically (runlog.atomic_write_bytes: nothing left on an error)."""
    from ptlab.runlog import atomic_write_bytes

    png = io.BytesIO()
    image.save(png, format="PNG")
    atomic_write_bytes(path, png.getvalue(), durable=False)
    return path
