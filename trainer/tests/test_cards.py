"""GP-VL card images: the reference layout, suit colours, atomic writes."""

import pytest

from ptlab.envs.cards import DESIGN, render_hand, save_hand_png


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def test_layout_and_colours():
    image = render_hand(["A", "5", "10", "K"], ["spades", "hearts", "clubs", "diamonds"])
    assert image.size == (1200, 1200)
    assert image.getpixel((2, 2)) == _rgb(DESIGN["canvas"]["color"])
    for x in (5, 302, 599, 896):
        assert image.getpixel((x + 10, 411 + 200)) == _rgb(DESIGN["card"]["face"])
    red, black = _rgb(DESIGN["ink"]["red"]), _rgb(DESIGN["ink"]["black"])
    inks = []
    for x in (5, 302, 599, 896):
        pixels = {image.getpixel((px, py)) for px in range(x, x + 270, 3) for py in range(411, 411 + 378, 3)}
        inks.append("red" if red in pixels else "black" if black in pixels else "?")
    assert inks == ["black", "red", "black", "red"]


def test_same_hand_same_pixels():
    a = render_hand(["Q", "J", "2", "A"], ["hearts"] * 4).tobytes()
    b = render_hand(["Q", "J", "2", "A"], ["hearts"] * 4).tobytes()
    assert a == b


def test_save_is_atomic(tmp_path):
    path = save_hand_png(["A", "5", "10", "K"], ["spades"] * 4, tmp_path / "img" / "hand.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in path.parent.iterdir()] == ["hand.png"]


def test_a_save_that_fails_leaves_no_temp_file(tmp_path, full_disk_image_saves):
    """A save cut short (a full disk) left `hand.png.tmp`, half a PNG, beside the images."""
    (tmp_path / "img").mkdir()
    with pytest.raises(OSError, match="No space left"):
        save_hand_png(["A", "5", "10", "K"], ["spades"] * 4, tmp_path / "img" / "hand.png")
    assert list((tmp_path / "img").iterdir()) == []
