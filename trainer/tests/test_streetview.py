"""V-IRL-VL street views: the reference crop geometry, the grid layout, landmark placement."""

import json

import numpy as np
import pytest
from PIL import Image

from ptlab.envs import streetview
from ptlab.envs.streetview import CROP, GAP, TILE, grid, landmark_side, perspective_crop, synthetic_panorama

SIGN = (0xFB, 0xFB, 0xF2)


def _marker_panorama(heading: float) -> np.ndarray:
    pano = np.zeros((512, 1024, 3), dtype=np.uint8)
    column = int(heading / 360 * 1024)
    pano[:, column : column + 4] = 255
    return pano


@pytest.mark.parametrize("heading", [0.0, 90.0, 200.0, 359.0])
def test_crop_centres_the_requested_heading(heading):
    crop = perspective_crop(_marker_panorama(heading), heading)
    assert crop.shape == (CROP, CROP, 3)
    white = np.where(crop[CROP // 2, :, 0] == 255)[0]
    assert abs(white.mean() - CROP / 2) < 8  # the marker sits in the middle column


def test_crop_has_a_90_degree_field_of_view():
    crop = perspective_crop(_marker_panorama(44.0), 0.0)
    white = np.where(crop[CROP // 2, :, 0] == 255)[0]
    assert white.size and white.mean() > CROP - 20  # 44 degrees right is at the right edge


def test_grid_layout():
    image = grid(Image.fromarray(np.full((512, 1024, 3), 200, dtype=np.uint8)), 0.0)
    assert image.size == (2 * TILE + GAP, 2 * TILE + GAP)
    assert image.getpixel((TILE + 2, 10)) == (0, 0, 0)  # the vertical gap
    assert image.getpixel((10, TILE + 2)) == (0, 0, 0)  # the horizontal gap
    assert image.getpixel((10, 10)) == (200, 200, 200)


@pytest.mark.parametrize("text,expected", [
    ("Aritzia is on your left front", ("Aritzia", 315.0)),
    ("The destination MoMA Design Store is on your right", ("MoMA Design Store", 90.0)),
    ("No landmarks nearby", None),
    ("", None),
])
def test_landmark_side(text, expected):
    assert landmark_side(text) == expected


@pytest.mark.parametrize("side,tile", [("left behind", 0), ("left front", 1), ("right front", 2), ("right behind", 3)])
def test_landmark_sign_appears_in_the_tile_of_its_side(side, tile):
    image = np.asarray(grid(synthetic_panorama("london", f"Foyles is on your {side}", True, "t"), 0.0))
    tiles = [image[r * (TILE + GAP) : r * (TILE + GAP) + TILE, c * (TILE + GAP) : c * (TILE + GAP) + TILE] for r in (0, 1) for c in (0, 1)]
    has_sign = [bool(np.all(t == SIGN, axis=-1).sum() > 500) for t in tiles]
    assert has_sign == [i == tile for i in range(4)]


def test_cities_look_different():
    a = np.asarray(synthetic_panorama("nyc", "", False, "same")).reshape(-1, 3).mean(axis=0)
    b = np.asarray(synthetic_panorama("lagos", "", False, "same")).reshape(-1, 3).mean(axis=0)
    assert np.abs(a - b).sum() > 20


def test_real_panoramas_load_with_their_rotation(tmp_path):
    folder = tmp_path / "panos" / "route-0"
    folder.mkdir(parents=True)
    Image.fromarray(_marker_panorama(90.0)).save(folder / "3.jpg")
    (folder / "3.json").write_text(json.dumps({"rotation": 90}))
    image, rotation = streetview.load_panorama(tmp_path / "panos", "route-0", 3)
    assert rotation == 90.0 and image.size == (1024, 512)
    with pytest.raises(FileNotFoundError, match=r"route-0/4\.jpg"):
        streetview.load_panorama(tmp_path / "panos", "route-0", 4)


def test_samples_write_both_images(tmp_path):
    from ptlab.envs.samples import write_samples

    paths = write_samples(tmp_path, 300)
    assert [p.name for p in paths] == ["gp-vl-cards.png", "virl-vl-grid.png"]
    assert all(Image.open(p).size[0] == 300 for p in paths)


def test_a_save_that_fails_leaves_no_temp_file(tmp_path, full_disk_image_saves):
    """A save cut short (a full disk) left `view.png.tmp`, half a PNG, beside the images."""
    image = Image.new("RGB", (4, 4))
    (tmp_path / "img").mkdir()
    with pytest.raises(OSError, match="No space left"):
        streetview.save_png(image, tmp_path / "img" / "view.png")
    assert list((tmp_path / "img").iterdir()) == []
