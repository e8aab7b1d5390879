"""The preview's street-view grid server: the same grid as streetview.observation_grid, errors answered."""

import base64
import io
import json

from PIL import Image

from ptlab.envs import grid_server, streetview

REQUEST = {"city": "nyc", "routeId": "nyc-1", "position": 3, "place": 5, "landmark": "Aritzia is on your left front", "atIntersection": True, "heading": 29.0, "panoramas": None}


def _serve(*requests: object) -> list[dict]:
    out = io.StringIO()
    grid_server.serve(io.StringIO("".join(json.dumps(r) + "\n" for r in requests)), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_answers_the_grid_the_model_sees() -> None:
    [answer] = _serve(REQUEST)
    image = Image.open(io.BytesIO(base64.b64decode(answer["png"])))
    expected = streetview.observation_grid("nyc", "nyc-1", 5, "Aritzia is on your left front", True, 29.0)
    assert image.size == expected.size
    assert image.convert("RGB").tobytes() == expected.convert("RGB").tobytes()


def test_scales_to_the_width_asked_and_survives_bad_requests() -> None:
    bad, missing, scaled = _serve([1], {"city": "nyc"}, {**REQUEST, "width": 300})
    assert "error" in bad and "error" in missing
    assert Image.open(io.BytesIO(base64.b64decode(scaled["png"]))).width == 300


def test_missing_panorama_is_an_error_naming_the_place_s_file(tmp_path) -> None:
    [answer] = _serve({**REQUEST, "panoramas": str(tmp_path)})
    assert "nyc-1" in answer["error"] and "5.jpg" in answer["error"]
