"""Synthetic cities: offline V-IRL routes in the reference route_infos.json format.

The paper's 1000 NYC routes and the VLN mini benchmark cannot be downloaded here, so
routes are generated: a street grid per city (its own rotation, block size, street and
place names, and colours for the street views), random walks of 1 to 4 straight segments
with named landmarks at the turns, and a named destination. The same (city, routes, seed)
gives the same routes in TypeScript (src/core/envs/cities.ts), milestone text included.
`vln-mini` is the visual-OOD benchmark shape: 18 routes, two in each of nine cities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ptlab.envs.prng import Rng
from ptlab.envs.virl_geometry import direction_name


@dataclass(frozen=True)
class CityStyle:
    name: str
    rotation: int  # degrees the street grid is turned from north
    block_m: int  # metres between intersections
    origin: tuple[float, float]  # latitude, longitude of the grid's corner
    streets: tuple[str, ...]
    places: tuple[str, ...]
    look: dict[str, str]  # colours for the street views: sky, facade, accent, road


CITIES: dict[str, CityStyle] = {
    style.name: style
    for style in (
        CityStyle("nyc", 29, 80, (40.72, -74.0), ("Prince St", "Spring St", "Broome St", "Grand St", "Houston St", "Bleecker St", "Mercer St", "Greene St", "Wooster St", "Broadway", "Lafayette St", "Crosby St"),
                  ("Aritzia", "Joe's Pizza", "Blue Bottle Coffee", "Housing Works Bookstore", "Apple SoHo", "Balthazar", "Dominique Ansel Bakery", "McNally Jackson", "Uniqlo", "Chase Bank", "Duane Reade", "Katz's Delicatessen", "Strand Books", "Le Pain Quotidien"),
                  {"sky": "#9cc3e6", "facade": "#8c6a56", "accent": "#2f2f2f", "road": "#555555"}),
        CityStyle("milan", 12, 110, (45.46, 9.19), ("Via Torino", "Via Dante", "Corso Magenta", "Via Manzoni", "Via Brera", "Via Montenapoleone"),
                  ("Duomo Cafe", "Libreria Hoepli", "Pasticceria Marchesi", "La Rinascente", "Trattoria Milanese"),
                  {"sky": "#b7cde0", "facade": "#d9b38c", "accent": "#7a4b2a", "road": "#6b6b6b"}),
        CityStyle("new-delhi", 45, 150, (28.61, 77.21), ("Janpath", "Rajpath", "Baba Kharak Singh Marg", "Tolstoy Marg", "Barakhamba Road"),
                  ("Haldiram's", "Palika Bazaar", "Indian Coffee House", "Khan Market Books", "Agrasen Ki Baoli"),
                  {"sky": "#d9d4c0", "facade": "#c98f5a", "accent": "#a33b2b", "road": "#7a6e5d"}),
        CityStyle("buenos-aires", 0, 100, (-34.6, -58.38), ("Avenida de Mayo", "Florida", "Corrientes", "Lavalle", "Tucuman", "Esmeralda"),
                  ("Cafe Tortoni", "El Ateneo", "Galerias Pacifico", "La Cabrera", "Teatro Colon"),
                  {"sky": "#a9c9ea", "facade": "#e0d2b8", "accent": "#5b6e8c", "road": "#4f4f4f"}),
        CityStyle("london", 17, 120, (51.51, -0.13), ("Oxford St", "Regent St", "Carnaby St", "Dean St", "Frith St", "Greek St"),
                  ("Liberty", "Pret A Manger", "Foyles", "Hamleys", "The Red Lion"),
                  {"sky": "#c4ccd4", "facade": "#a0523d", "accent": "#1f3b2d", "road": "#5a5a5a"}),
        CityStyle("hong-kong", 33, 70, (22.28, 114.16), ("Queen's Road Central", "Des Voeux Road", "Wellington St", "Stanley St", "Hollywood Road"),
                  ("Lan Fong Yuen", "Tai Cheong Bakery", "Mak's Noodle", "7-Eleven", "Man Mo Temple"),
                  {"sky": "#bfc8cf", "facade": "#9aa3a8", "accent": "#d1332d", "road": "#3f3f3f"}),
        CityStyle("melbourne", 0, 95, (-37.81, 144.96), ("Flinders Lane", "Collins St", "Bourke St", "Little Collins St", "Swanston St"),
                  ("Hardware Societe", "Brunetti", "The Paperback Bookshop", "Degraves Espresso", "Block Arcade"),
                  {"sky": "#8fb9e0", "facade": "#b98d6b", "accent": "#2e5e4e", "road": "#505050"}),
        CityStyle("lagos", 21, 130, (6.45, 3.4), ("Broad St", "Marina Road", "Awolowo Road", "Adeola Odeku", "Ozumba Mbadiwe"),
                  ("Terra Kulture", "Jazzhole", "Mega Plaza", "Nok by Alara", "Freedom Park"),
                  {"sky": "#cfd9c4", "facade": "#e6c35c", "accent": "#2d6a3e", "road": "#6e6256"}),
        CityStyle("san-francisco", 8, 105, (37.79, -122.41), ("Sutter St", "Post St", "Geary St", "Stockton St", "Powell St", "Grant Ave"),
                  ("Starbucks", "Apple Union Square", "Sears Fine Food", "Books Inc", "The Whisky Shop"),
                  {"sky": "#a8d0f0", "facade": "#e8e2d4", "accent": "#c0392b", "road": "#4a4a4a"}),
    )
}
VLN_MINI_CITIES = ("milan", "new-delhi", "buenos-aires", "london", "hong-kong", "nyc", "melbourne", "lagos", "san-francisco")
SIDES = ("left", "right", "front", "left front", "right front", "left behind", "right behind")
GRID = 12  # intersections per side
DESTINATION_SIDES = ("left", "right", "front", "left front", "right front")


def _pick(rng: Rng, items: tuple[str, ...]) -> str:
    return items[rng.below(len(items))]


def _milestone(index: int, landmarks: str, distance: int, previous: int, heading: int) -> str:
    return (
        f'\n{{\n"intersection_idx": "{index}",\n"landmarks": "{landmarks}",\n"distance": "{distance} meters",\n'
        f'"human_heading": "{previous}",\n"to_next_intersection_heading": "{heading} ({direction_name(heading)})",\n}}\n'
    )


def _geocode(style: CityStyle, x: int, y: int) -> list[float]:
    # about 111 km per degree; good enough for a map sketch, never used for navigation
    return [style.origin[0] + y * style.block_m / 111_000, style.origin[1] + x * style.block_m / 111_000]


def generate_route(style: CityStyle, rng: Rng, route_id: str) -> dict[str, Any]:
    x, y = rng.below(GRID), rng.below(GRID)
    start = (x, y)
    direction = rng.below(4)  # 0 north, 1 east, 2 south, 3 west, in grid terms
    segments = 1 + rng.below(4)
    previous = 0  # the agent starts facing north, as in the reference files
    blocks_moved = []
    info = []
    for s in range(segments):
        if s > 0:
            direction = (direction + (1 if rng.below(2) else 3)) % 4  # right or left turn
        blocks = 1 + rng.below(4)
        dx, dy = ((0, 1), (1, 0), (0, -1), (-1, 0))[direction]
        x, y = x + dx * blocks, y + dy * blocks
        heading = (style.rotation + 90 * direction) % 360
        distance = blocks * style.block_m + rng.below(16)
        if s == segments - 1:
            landmarks = ""
        elif rng.below(10) < 7:
            landmarks = f"{_pick(rng, style.places)} is on your {_pick(rng, SIDES)}"
        elif rng.below(2):
            landmarks = f"{_pick(rng, style.streets)} is on your front"
        else:
            landmarks = ""
        info.append((landmarks, distance, previous, heading))
        blocks_moved.append((x, y))
        previous = heading
    destination = _pick(rng, style.places)
    side = _pick(rng, DESTINATION_SIDES)
    last = info[-1]
    info[-1] = (f"The destination {destination} is on your {side}", last[1], last[2], last[3])
    return {
        "route_id": route_id,
        "city": style.name,
        "start_place": {"name": f"{_pick(rng, style.streets)} and {_pick(rng, style.streets)}", "geocode": _geocode(style, *start), "relocated_geocode": _geocode(style, *start)},
        "dest_place": {"name": destination, "geocode": _geocode(style, x, y), "relocated_geocode": _geocode(style, x, y)},
        "route_results": {
            "geocode_list": [_geocode(style, *p) for p in blocks_moved],  # segment ends, as the real files: the start is start_place's
            "distance_list": [d for _, d, _, _ in info],
            "landmark_list": [],
        },
        "init_heading": 0,
        "milestone_info": "".join(_milestone(i + 1, *m) for i, m in enumerate(info)),
    }


class UnknownCity(ValueError):
    pass


def generate_routes(city: str, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` routes of `city` (or of the nine `vln-mini` cities in turn), reproducibly."""
    if city != "vln-mini" and city not in CITIES:
        raise UnknownCity(f"environment.routes.synthetic.city: unknown city {city!r}; known: vln-mini, {', '.join(CITIES)}")
    rng = Rng(seed)
    routes = []
    for i in range(count):
        style = CITIES[VLN_MINI_CITIES[(i // 2) % len(VLN_MINI_CITIES)]] if city == "vln-mini" else CITIES[city]
        routes.append(generate_route(style, rng, f"{city}-{seed}-{i:04d}"))
    return routes
