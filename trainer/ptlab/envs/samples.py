"""Write sample observations: `python -m ptlab.envs.samples OUT_DIR [--width 900]`.

A GP-VL hand and a V-IRL-VL street-view grid at an intersection with a landmark, for
documentation and for eyeballing a change to the renderers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ptlab.envs import streetview, virl
from ptlab.envs.cards import render_hand
from ptlab.envs.generalpoints import GeneralPointsConfig, deal


def write_samples(out: Path, width: int) -> list[Path]:
    config = GeneralPointsConfig(modality="vision", suits="all")
    hand = deal(config, 7)
    cards = render_hand(hand.cards, hand.suits)
    vconfig = virl.VirlConfig.from_dict({"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 50}}, "modality": "vision"})
    episode = virl.VirlEpisode(vconfig, virl.routes_for(vconfig, Path(".")), 5)
    index = next(i for i, p in enumerate(episode.rail) if p.at_intersection and " is on your " in p.landmark)
    p = episode.rail[index]
    grid = streetview.observation_grid(episode.route.city, episode.route.route_id, p.place, p.landmark, p.at_intersection, p.heading)
    written = []
    for name, image in (("gp-vl-cards.png", cards), ("virl-vl-grid.png", grid)):
        scaled = image.resize((width, round(image.height * width / image.width)))
        written.append(streetview.save_png(scaled, out / name))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=900)
    args = parser.parse_args()
    for path in write_samples(args.out, args.width):
        print(path)


if __name__ == "__main__":
    main()
