"""Street-view grids for the extension's environment preview, over JSON lines.

`python -m ptlab.envs.grid_server` reads one request per line on stdin, the V-IRL-VL image
descriptor of the environment server's `reset` answer plus where to find panoramas:
  {"city": "nyc", "routeId": "nyc-3", "position": 4, "place": 7, "landmark": "...", "atIntersection": true,
   "heading": 29.0, "panoramas": "/abs/folder" or null, "width": 640}
drawn at `place` (the point's index on the route's full rail, which names its panorama;
`position` is the index on this episode's rail), and answers one line each: {"png": BASE64}
(the grid the model sees, scaled to `width`) or {"error": "..."}; it keeps serving after
an error.
"""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ptlab.envs import streetview


def render(request: dict[str, Any]) -> dict[str, Any]:
    panoramas = request.get("panoramas")
    image = streetview.observation_grid(
        str(request["city"]),
        str(request["routeId"]),
        int(request["place"]),
        str(request["landmark"]),
        bool(request["atIntersection"]),
        float(request["heading"]),
        Path(panoramas) if panoramas else None,
    )
    width = int(request.get("width") or image.width)
    if width < image.width:
        image = image.resize((width, round(image.height * width / image.width)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return {"png": base64.b64encode(buffer.getvalue()).decode("ascii")}


def serve(lines: TextIO, out: TextIO) -> None:
    for line in lines:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request must be a JSON object")
            answer = render(request)
        except (ValueError, KeyError, TypeError, FileNotFoundError) as exc:
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
