"""Shared test vectors for the environments: test/vectors/generalpoints.json.

Python writes them (`.venv/bin/python trainer/tests/env_vectors.py --write`); the Python
tests check the file is what this module produces, and the TypeScript tests check their own environment
against every case. A case names each reward branch and quirk of shared/spec/environments.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ptlab.envs.generalpoints import (
    MAX_NESTING,
    EnvConfigError,
    GeneralPointsConfig,
    deal,
    GeneralPointsEpisode,
    Hand,
    card_value,
    expert_response,
    nesting,
    solutions,
    verify,
)

VECTORS_FILE = Path(__file__).resolve().parents[2] / "test" / "vectors" / "generalpoints.json"

HANDS = [
    ["A", "5", "10", "K"],
    ["8", "3", "8", "3"],
    ["Q", "J", "2", "A"],
    ["4", "4", "7", "7"],
    ["6", "6", "6", "6"],
    ["K", "Q", "J", "A"],
]

CONFIGS = [
    {"env": "generalpoints", "verifier": verifier, "modality": modality, "faceCards": face}
    for verifier in ("reference", "strict")
    for modality in ("language", "vision")
    for face in ("all-10", "11-12-13")
]


def _answer(formula: str, cards: list[str] | None = None, numbers: str = "[1, 2, 3, 4]") -> str:
    """The reference's response layout (single quotes, trailing comma: not JSON)."""
    shown = "[" + ", ".join(f"'{c}'" for c in (cards or [])) + "]"
    return f'\n{{\n  "cards": {shown},\n  "number": {numbers},\n  "formula": "{formula}",\n}}'


def _first_face(cards: list[str]) -> int | None:
    return next((i for i, c in enumerate(cards) if c in "JQK"), None)


def _other_value(card: str, value: int) -> str:
    """A face card's value by the other rule than the one that gave it `value`."""
    return str(card_value(card, "all-10" if value > 10 else "11-12-13"))


def _nested(formula: str, depth: int) -> str:
    """The formula in as many parentheses as make it `depth` deep."""
    wrap = depth - nesting(re.findall(r"[0-9]+|[+\-*/()]", formula))
    return "(" * wrap + formula + ")" * wrap


def _outputs(hand: Hand, target: int) -> list[tuple[str, str]]:
    """(what it tests, model output) for one hand."""
    cards = hand.cards
    v = [str(x) for x in hand.values]
    first = hand.solutions[0] if hand.solutions else "+".join(v)
    wrong_value = "+".join(v)
    unclosed = "(" + "+".join(v)
    cases = [
        ("expert response", expert_response(hand, first)),
        ("formula with =target", _answer(f"{first}={target}", cards)),
        ("formula with = and junk", _answer(f"{first}=25 or so", cards)),
        ("every solution-prefix but unclosed", _answer(unclosed, cards)),
        ("wrong value", _answer(wrong_value, cards)),
        ("wrong value, valid JSON", json.dumps({"cards": cards, "number": hand.values, "formula": wrong_value})),
        ("solution, valid JSON with a card list (quirk: VL recognition fails)", json.dumps({"cards": cards, "formula": first})),
        ("solution, JSON with the card list as a string", json.dumps({"cards": str(cards), "formula": first})),
        ("solution, single-quoted JSON", "{'cards': " + str(cards) + ", 'formula': '" + first + "'}"),
        ("solution with spaces", _answer(" ".join(first), cards)),
        ("solution with x and division signs", _answer(first.replace("*", "\u00d7").replace("/", "\u00f7"), cards)),
        ("no formula field", "I think the answer is 24."),
        ("empty output", ""),
        ("formula None literal", _answer("None", cards)),
        ("empty formula", _answer("", cards)),
        ("letters in formula", _answer(f"{v[0]}+x", cards)),
        ("number after parenthesis", _answer(f"({v[0]}+{v[1]}){v[2]}*{v[3]}", cards)),
        ("two numbers in a row via parentheses", _answer(f"({v[0]})({v[1]})+{v[2]}+{v[3]}", cards)),
        ("leading operator", _answer(f"-{v[0]}+{v[1]}+{v[2]}+{v[3]}", cards)),
        ("double operator", _answer(f"{v[0]}+*{v[1]}+{v[2]}+{v[3]}", cards)),
        ("operator after (", _answer(f"(+{v[0]}+{v[1]})+{v[2]}+{v[3]}", cards)),
        ("unmatched )", _answer(f"{v[0]}+{v[1]})+{v[2]}+{v[3]}", cards)),
        ("empty parentheses", _answer(f"(){v[0]}+{v[1]}+{v[2]}+{v[3]}", cards)),
        ("trailing operator", _answer(f"{wrong_value}+", cards)),
        ("leading zero", _answer("0" + wrong_value, cards)),
        ("all-zero number", _answer(f"00+{wrong_value}", cards)),
        ("invalid number", _answer(f"{v[0]}+{v[1]}+{v[2]}+99", cards)),
        ("invalid numbers twice", _answer(f"77+{v[1]}+77+99", cards)),
        ("overused number", _answer(f"{v[0]}+{v[0]}+{v[1]}+{v[2]}+{v[3]}", cards)),
        ("unused number", _answer(f"{v[0]}+{v[1]}+{v[2]}", cards)),
        ("overused and unused", _answer(f"{v[0]}+{v[0]}+{v[1]}+{v[2]}", cards)),
        ("division by zero", _answer(f"{v[0]}/({v[1]}-{v[1]})+{v[2]}+{v[3]}", cards)),
        ("all-10 values", _answer("+".join(str(card_value(c, "all-10")) for c in cards), cards)),
        ("11-12-13 values", _answer("+".join(str(card_value(c, "11-12-13")) for c in cards), cards)),
        ("the first face card's other values", _answer("+".join(_other_value(c, int(x)) if i == _first_face(cards) else x for i, (c, x) in enumerate(zip(cards, v))), cards)),
        ("Arabic-Indic digits", _answer("+".join("".join(chr(0x660 + int(d)) for d in x) for x in v), cards)),
        ("fullwidth digits", _answer("+".join("".join(chr(0xFF10 + int(d)) for d in x) for x in v), cards)),
        ("wrong cards recognized", _answer(first, ["2", "2", "2", "2"])),
        ("card labels in other spellings", "{'cards': ['t', 'ace', 'king', 'q'], 'formula': '" + first + "'}"),
        ("three cards", _answer(first, cards[:3])),
        ("script tag", f'{{"formula": "<script>alert(1)</script>", "cards": {json.dumps(cards)}}}'),
        ("NaN in JSON (not JSON in JavaScript)", '{"formula": "' + first + '", "x": NaN}'),
        ("formula is a number", '{"formula": 24}'),
        ("NaN in JSON with two formula fields (Python's json reads it: the last counts)", f'{{"formula": "{wrong_value}", "formula": "{first}", "number": [{", ".join(v[:3])}, NaN]}}'),
        ("-Infinity cards in JSON (Python's json reads it: cards found, none recognized)", f'{{"cards": -Infinity, "formula": "{first}"}}'),
        ("lone surrogate and emoji", _answer(first + "\ud800\U0001f600", cards)),
        ("control characters", _answer(first + "\u0000\u001b", cards)),
        ("two formula fields", f'"formula": "{wrong_value}" and "formula": "{first}"'),
        ("deeply nested JSON", '{"formula": "' + first + '", "x": ' + "[" * 600 + "]" * 600 + "}"),
        ("unquoted card labels (quirk: all-numeric ones are Python ints, VL recognition fails)", _answer(first).replace("[]", "[" + ", ".join(cards) + "]", 1)),
        ("card labels in Python int spellings (quirk: ints)", _answer(first).replace("[]", f"[+{v[0]}, {v[1]} , \u3000{v[2]}, {v[3]}\x85]", 1)),
        ("card labels almost in Python int spellings", _answer(first).replace("[]", f"[1__0, {v[1]}, {v[2]}, {v[3]}]", 1)),
        ("a formula as deep as Python's parser takes", _answer(_nested(first, MAX_NESTING), cards)),
        ("a formula deeper than Python's parser takes", _answer(_nested(first, MAX_NESTING + 1), cards)),
        ("a formula a thousand parentheses deep", _answer(_nested(first, 1000), cards)),
    ]
    partial = next((s[:-1] for s in hand.solutions if s.endswith(")")), None)
    if partial is not None:
        cases.append(("a solution without its last ')' (partial solution)", _answer(partial, cards)))
    if len(hand.solutions) > 1:
        cases.append(("another solution", _answer(hand.solutions[-1], cards)))
    return cases


def _hand(config: GeneralPointsConfig, cards: list[str]) -> Hand:
    values = [card_value(c, config.faceCards) for c in cards]
    return Hand(list(cards), ["spades", "hearts", "clubs", "diamonds"], values, solutions(values, config.target, config.verifier))


def _verdict(v: Any) -> dict[str, Any]:
    return {"reward": v.reward, "message": v.message, "recognized": v.recognized, "failureMode": v.failure_mode}


TRAINING_RULE = "all-10"  # the paper's; a case named "(trained on ...)" says another


def verify_cases() -> list[dict[str, Any]]:
    """Every output under every config, trained on all-10: under 11-12-13, a rule-OOD split;
    the face-card values' cases under the other training rule too (rule collapse is against it)."""
    cases = []
    for raw in CONFIGS:
        config = GeneralPointsConfig.from_dict(raw)
        for cards in HANDS:
            hand = _hand(config, cards)
            for name, output in _outputs(hand, config.target):
                trainings = ("all-10", "11-12-13") if name.endswith("values") else (TRAINING_RULE,)
                for training in trainings:
                    named = name if training == TRAINING_RULE else f"{name} (trained on {training})"
                    expect = _verdict(verify(config, hand, output, training))
                    cases.append({"name": named, "config": raw, "cards": cards, "trainingFaceCards": training, "output": output, "expect": expect})
    return cases


EPISODE_CONFIGS = [
    {"env": "generalpoints", "verifier": "reference"},
    {"env": "generalpoints", "verifier": "strict"},
    {"env": "generalpoints", "verifier": "reference", "faceCards": "11-12-13", "sampling": "at-least-one-face"},
    {"env": "generalpoints", "verifier": "strict", "draw": "deck", "suits": "black", "modality": "vision"},
    {"env": "generalpoints", "verifier": "strict", "draw": "deck", "sampling": "at-least-one-face", "suits": "red", "faceCards": "11-12-13"},
    {"env": "generalpoints", "verifier": "reference", "target": 10, "maxVerify": 2},
]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def deal_cases(seeds: int = 40) -> list[dict[str, Any]]:
    cases = []
    for raw in EPISODE_CONFIGS:
        config = GeneralPointsConfig.from_dict(raw)
        for seed in [*range(seeds), 4294967295]:
            ep = GeneralPointsEpisode(config, seed)
            cases.append({
                "config": raw,
                "seed": seed,
                "cards": ep.hand.cards,
                "suits": ep.hand.suits,
                "values": ep.hand.values,
                "solutions": len(ep.hand.solutions),
                "firstSolution": ep.hand.solutions[0],
                "promptSha256": _sha256(ep.prompt),
                "expert": expert_response(ep.hand),
            })
    return cases


def episode_cases() -> list[dict[str, Any]]:
    """Whole multi-turn episodes: wrong answers until the budget runs out, or a late success."""
    cases = []
    for raw in EPISODE_CONFIGS:
        config = GeneralPointsConfig.from_dict(raw)
        for seed, succeed_at in ((1, None), (2, 2)):
            ep = GeneralPointsEpisode(config, seed)
            outputs = ['{"formula": "1+2"}', "no idea", _answer("(" + ep.hand.solutions[0])]
            steps, actions = [], []
            while not ep.done:
                action = expert_response(ep.hand) if succeed_at is not None and len(actions) == succeed_at else outputs[len(actions) % len(outputs)]
                s = ep.step(action)
                actions.append(action)
                steps.append({"reward": s.reward, "message": s.message, "done": s.done, "success": s.success, "truncated": s.truncated, "prompt": s.next_prompt, "recognized": s.recognized, "failureMode": s.failure_mode})
            cases.append({"config": raw, "seed": seed, "prompt": ep.prompt, "actions": actions, "steps": steps})
    return cases


def solver_cases(every: int = 15) -> list[dict[str, Any]]:
    """Full solution lists of both solvers for every 15th of the 1820 rank multisets."""
    from itertools import combinations_with_replacement

    from ptlab.envs.generalpoints import complete_solutions, reference_solutions

    multisets = list(combinations_with_replacement(range(1, 14), 4))[::every]
    return [
        {"values": list(m), "target": 24, "reference": list(reference_solutions(m, 24)), "complete": list(complete_solutions(m, 24))}
        for m in multisets
    ]


REPO = VECTORS_FILE.parents[2]
VIRL_VECTORS_FILE = VECTORS_FILE.with_name("virl.json")
VIRL_ROUTES = "test/vectors/virl-routes.json"
VIRL_CONFIGS = [
    {"env": "virl", "routes": {"file": VIRL_ROUTES}, "verifier": verifier, "actionSpace": space, "modality": modality}
    for verifier in ("reference", "strict")
    for space in ("absolute", "relative")
    for modality in ("language", "vision")
] + [{"env": "virl", "routes": {"file": VIRL_ROUTES}, "verifier": "strict", "maxStraight": 2, "dropRate": 0.0, "maxVerify": 3}]
# routes as the V-IRL platform writes them ("No landmark nearby" where it found none, or no
# landmarks key), in the authors' file format: [[route, ...], count], one with an integer id
VIRL_PLATFORM_ROUTES = "test/vectors/virl-routes-platform.json"
VIRL_CONFIGS += [{"env": "virl", "routes": {"file": VIRL_PLATFORM_ROUTES}, "verifier": verifier} for verifier in ("reference", "strict")]


def _virl_outputs(expert: str, observation: str, other_space_turn: str) -> list[tuple[str, str]]:
    json_answer = lambda action, obs=observation: json.dumps({"current observation": obs, "current instruction": "x", "action": action})  # noqa: E731
    compact = lambda value: json.dumps(value, separators=(",", ":"))  # noqa: E731  (no layout the field patterns read)
    layout = lambda action, obs=observation: f'\n{{\n  "current observation": "{obs}",\n  "current instruction": "x",\n  "action": "{action}",\n}}'  # noqa: E731
    return [
        ("expert action, reference layout", layout(expert)),
        ("expert action, JSON", json_answer(expert)),
        ("expert action, other case and spacing", json_answer(" " + expert.upper().replace("(", " ( ") + " ")),
        ("forward", json_answer("forward()")),
        ("stop", json_answer("stop()")),
        ("turn north", json_answer("turn_direction(north)")),
        ("turn left", json_answer("turn_direction(left)")),
        ("turn from the other action space", json_answer(other_space_turn)),
        ("claims an intersection", json_answer("forward()", "Big Sign is on your left; You observe an intersection")),
        ("denies an intersection", json_answer("forward()", "No landmarks nearby; ")),
        ("no action field", "I would go forward."),
        ("empty", ""),
        ("action with a newline", json_answer(expert + "\n")),
        ("script tag", json_answer("<script>alert(1)</script>")),
        # JSON fields of other types, and Python's NaN: the reference keeps what json.loads
        # gives and applies Python's `in` to it
        ("observation a list naming an intersection", compact({"current observation": ["intersection"], "action": "forward()"})),
        ("observation an object keyed intersection", compact({"current observation": {"intersection": 1}, "action": "forward()"})),
        ("observation a number", compact({"current observation": 5, "action": "forward()"})),
        ("action a list", compact({"current observation": observation, "action": [expert]})),
        ("expert action beside a NaN", compact({"action": expert})[:-1] + ',"confidence":NaN}'),
    ]


def virl_cases() -> dict[str, Any]:
    from ptlab.envs import virl

    rails, verifies, episodes = [], [], []
    for raw in VIRL_CONFIGS:
        config = virl.VirlConfig.from_dict(raw)
        routes = virl.routes_for(config, REPO)
        other = "turn_direction(left)" if config.actionSpace == "absolute" else "turn_direction(north)"
        first_seed_of_route: dict[str, int] = {}
        for seed in range(40):
            first_seed_of_route.setdefault(virl.VirlEpisode(config, routes, seed).route.route_id, seed)
        verify_seeds = {0, 1, 2, *first_seed_of_route.values()}
        for seed in sorted(set(range(12)) | verify_seeds):
            ep = virl.VirlEpisode(config, routes, seed)
            rails.append({
                "config": raw,
                "seed": seed,
                "routeId": ep.route.route_id,
                "rail": [[p.observation, p.action(config.actionSpace)] for p in ep.rail],
                "places": [p.place for p in ep.rail],
                "promptSha256": [_sha256(virl.prompt(config, ep.route, ep.rail, i)) for i in range(len(ep.rail))],
                "expert": [virl.expert_response(config, ep.route, ep.rail, i) for i in range(len(ep.rail))],
            })
            if seed in verify_seeds:
                intersections = [i for i, p in enumerate(ep.rail) if p.at_intersection][:2]
                for position in sorted({0, 1, len(ep.rail) // 2, len(ep.rail) - 2, len(ep.rail) - 1, *intersections}):
                    p = ep.rail[position]
                    for name, output in _virl_outputs(p.action(config.actionSpace), p.observation, other):
                        v = virl.verify(config, p, output)
                        verifies.append({"name": name, "config": raw, "seed": seed, "position": position, "output": output,
                                         "expect": {"reward": v.reward, "message": v.message, "correct": v.correct, "failureMode": v.failure_mode}})
        for seed, mistakes in ((0, (0, 3)), (1, (2, 2, 5)), (2, ())):
            ep = virl.VirlEpisode(config, routes, seed)
            actions, steps = [], []
            wrong_at = list(mistakes)
            while not ep.done:
                if wrong_at and ep.position == wrong_at[0]:
                    wrong_at.pop(0)
                    action = '{"action": "stop()", "current observation": "an intersection"}'
                else:
                    action = virl.expert_response(config, ep.route, ep.rail, ep.position)
                step = ep.step(action)
                actions.append(action)
                steps.append({"reward": step.reward, "message": step.message, "done": step.done, "success": step.success, "truncated": step.truncated,
                              "prompt": step.next_prompt, "newChat": step.new_chat, "correct": step.correct, "failureMode": step.failure_mode})
            episodes.append({"config": raw, "seed": seed, "prompt": virl.VirlEpisode(config, routes, seed).prompt, "actions": actions, "steps": steps,
                             "state": ep.state()})
    from ptlab.envs import cities

    generated = [{"city": c, "routes": n, "seed": seed, "generated": cities.generate_routes(c, n, seed)} for c, n, seed in (("nyc", 30, 0), ("vln-mini", 18, 0), ("london", 10, 7))]
    synthetic = {"env": "virl", "routes": {"synthetic": {"city": "vln-mini", "routes": 18}}, "verifier": "reference"}
    config = virl.VirlConfig.from_dict(synthetic)
    for seed in range(6):
        ep = virl.VirlEpisode(config, virl.routes_for(config, REPO), seed)
        rails.append({
            "config": synthetic,
            "seed": seed,
            "routeId": ep.route.route_id,
            "rail": [[p.observation, p.action(config.actionSpace)] for p in ep.rail],
            "places": [p.place for p in ep.rail],
            "promptSha256": [_sha256(virl.prompt(config, ep.route, ep.rail, i)) for i in range(len(ep.rail))],
            "expert": [virl.expert_response(config, ep.route, ep.rail, i) for i in range(len(ep.rail))],
        })
    return {
        "about": "Shared V-IRL vectors, written by `.venv/bin/python trainer/tests/env_vectors.py --write`; checked by trainer/tests/test_virl.py and test/unit/virl.test.ts.",
        "routesFile": VIRL_ROUTES,
        "rails": rails,
        "verify": verifies,
        "episodes": episodes,
        "cities": generated,
        "refused": virl_refusal_cases(),
        "routeFiles": virl_route_file_cases(),
    }


VIRL_REFUSED_SYNTHETIC = [
    {"city": "nyc", "routes": "10"},
    {"city": "nyc", "routes": 2.5},
    {"city": "nyc", "routes": 0},
    {"city": "nyc", "routes": 1000001},
    {"city": "nyc", "routes": True},
    {"city": "nyc", "seed": "7"},
    {"city": "nyc", "seed": -1},
    {"city": "nyc", "seed": 4294967296},
    {"city": "nyc", "seed": 1.5},
    {"city": "nyc", "seed": None},
    {"city": "nyc", "route": 5},
    {"city": "nyc", "zz": 1, "count": 2},
    {"city": 7},
    {"city": ""},
    {"routes": 5},
]


def _milestone_block(index: int, heading: str, landmarks: str | None = "Oak St is on your front", distance: str = "40 meters", separator: str = " ") -> str:
    landmark_line = "" if landmarks is None else f'"landmarks": "{landmarks}",\n'
    return f'\n{{\n"intersection_idx": "{index}",\n{landmark_line}"distance": "{distance}",\n"human_heading": "0",\n"to_next_intersection_heading":{separator}"{heading}",\n}}\n'


_NO_ID = object()


def _route(route_id: Any = _NO_ID, milestone_info: str = _milestone_block(1, "90 (east)")) -> dict[str, Any]:
    route = {"start_place": {"name": "Pier"}, "dest_place": {"name": "Kiosk"}, "milestone_info": milestone_info}
    return route if route_id is _NO_ID else {"route_id": route_id, **route}


# route-file values: the formats a file may take, and what is refused (naming the place)
VIRL_ROUTE_FILES = [
    ("one route dict", _route("solo")),
    ("a list of route dicts", [_route("a"), _route()]),
    ("the authors' [[route, ...], count]", [[_route("a"), _route("b")], 2]),
    ("the authors' format, the count unread as theirs", [[_route("a")], 1000]),
    ("the authors' format with no routes", [[], 0]),
    ("the authors' format without its count", [[_route("a")]]),
    ("the authors' format with a count that is not an integer", [[_route("a")], "1"]),
    ("the authors' format with a third item", [[_route("a")], 1, 1]),
    ("a route in the authors' list that is not an object", [[_route("a"), 5], 2]),
    ("the authors' count beyond JavaScript's exact integers", [[_route("a")], 2**53]),
    # route ids: strings, and integers written alike in both languages; nothing else
    ("an integer route_id", [_route(7)]),
    ("an integer route_id written 7.0", [_route(7.0)]),
    ("a route_id of null", [_route(None)]),
    ("a route_id of true", [_route(True)]),
    ("a route_id that is a list", [_route("a"), _route([1])]),
    ("a route_id of 1.5", [_route(1.5)]),
    ("a route_id beyond JavaScript's exact integers", [_route(2**53)]),
    # headings and distances: ASCII digits and ASCII spacing only, in both languages
    ("a heading with tabs and newlines around it", [_route("t", _milestone_block(1, "\t90 (east)\n"))]),
    ("a heading in Arabic-Indic digits", [_route("d", _milestone_block(1, "\u0669\u0660 (east)"))]),
    ("a heading after a no-break space", [_route("s", _milestone_block(1, "\u00a090 (east)"))]),
    ("a heading after an information separator", [_route("s", _milestone_block(1, "\x1c90 (east)"))]),
    ("a heading after a byte-order mark", [_route("s", _milestone_block(1, "\ufeff90 (east)"))]),
    ("a distance in Arabic-Indic digits", [_route("d", _milestone_block(1, "90 (east)", distance="\u0661\u0666 meters"))]),
    ("a field after a no-break space", [_route("s", _milestone_block(1, "90 (east)", separator="\u00a0"))]),
    # digits beyond a double read as infinity: refused where the heading or distance is read
    ("a heading too large to be a finite number", [_route("h", _milestone_block(1, "9" * 400 + " (east)"))]),
    ("a heading too large to be a finite number, without its direction's name", [_route("h", _milestone_block(1, "9" * 400))]),
    ("a distance too large to be a finite number", [_route("d", _milestone_block(1, "90 (east)", distance="9" * 400 + " meters"))]),
]


def virl_route_file_cases() -> list[dict[str, Any]]:
    """Route-file values parsed: each route's id, instruction and observations at its turns, or
    the error naming the place."""
    from ptlab.envs import virl

    cases = []
    for name, data in VIRL_ROUTE_FILES:
        try:
            routes = virl.parse_routes(data, "routes.json")
        except virl.RouteFormatError as exc:
            cases.append({"name": name, "data": data, "error": str(exc)})
            continue
        config = virl.VirlConfig(routes={"file": "routes.json"}, maxStraight=0)
        parsed = [{"routeId": r.route_id, "instruction": {"reference": virl.instruction_sentences(r, False), "strict": virl.instruction_sentences(r, True)},
                   "observations": [p.observation for p in virl.build_rail(r, config, virl.Rng(0))]} for r in routes]
        cases.append({"name": name, "data": data, "routes": parsed})
    return cases


_FILE = {"file": "route_infos.json"}
VIRL_REFUSED_CONFIGS = [
    {"env": "virl", "routes": {"file": 5, "synthetic": {"city": "nyc"}}},
    {"env": "virl", "routes": {"file": "route_infos.json", "synthetic": {"city": "nyc"}}},
    {"env": "virl", "routes": {"file": 5}},
    {"env": "virl", "routes": {"file": ""}},
    {"env": "virl", "routes": {"synthetic": "nyc"}},
    {"env": "virl", "routes": {"file": "route_infos.json", "count": 3}},
    {"env": "virl", "routes": {}},
    {"env": "virl", "routes": _FILE, "panoramas": 5},
    {"env": "virl", "routes": _FILE, "panoramas": ""},
    {"env": "virl", "routes": _FILE, "panoramas": None},
    {"env": "VIRL", "routes": _FILE},
    {"env": "virl", "routes": _FILE, "faceCards": "all-10"},
    {"env": "virl", "routes": _FILE, "zeta": 1, "0": 2},  # the first unknown key in sorted order
    {"env": "virl", "routes": _FILE, "actionSpace": "diagonal"},
    {"env": "virl", "routes": _FILE, "verifier": True},
    {"env": "virl", "routes": _FILE, "modality": {"b": [1, 2.5, None, "\u00e9\n"], "2": False, "1": 0.000001}},
    {"env": "virl", "routes": _FILE, "maxStraight": True},
    {"env": "virl", "routes": _FILE, "maxStraight": 1e21},
    {"env": "virl", "routes": _FILE, "maxVerify": 0.5},
    {"env": "virl", "routes": _FILE, "dropRate": 2.0},
    {"env": "virl", "routes": _FILE, "dropRate": -1e-7},
    {"env": "virl", "routes": _FILE, "dropRate": "0.5"},
]


def virl_refusal_cases() -> list[dict[str, Any]]:
    """Configs refused as they load, with the error naming the field."""
    from ptlab.envs import virl

    cases = []
    for raw in [*({"env": "virl", "routes": {"synthetic": synthetic}} for synthetic in VIRL_REFUSED_SYNTHETIC), *VIRL_REFUSED_CONFIGS]:
        try:
            virl.VirlConfig.from_dict(raw)
        except EnvConfigError as exc:
            cases.append({"config": raw, "error": str(exc)})
        else:
            raise AssertionError(f"{raw} was accepted")
    return cases


def trajectory_cases() -> list[dict[str, Any]]:
    from dataclasses import asdict

    from ptlab.envs.generalpoints import suboptimal_trajectory

    cases = []
    for raw in EPISODE_CONFIGS:
        config = GeneralPointsConfig.from_dict(raw)
        for seed in range(8):
            hand = deal(config, seed)
            for wrong in (0, 2, 4):
                turns = suboptimal_trajectory(config, hand, seed, wrong)
                cases.append({"config": raw, "seed": seed, "wrongAttempts": wrong, "turns": [asdict(t) for t in turns]})
    return cases


REFUSED_CONFIGS = [
    ({"env": "generalpoints", "target": 10001}, 0),
    ({"env": "generalpoints", "target": 28562, "faceCards": "11-12-13"}, 0),
    ({"env": "generalpoints", "target": 9973, "verifier": "strict"}, 0),
    ({"env": "generalpoints", "target": 28561, "faceCards": "11-12-13", "draw": "deck", "suits": "black"}, 3),
    # the error quotes the value as JSON, and names the first unknown key in sorted order
    # (JavaScript's objects list integer-like keys first, Python's dicts keep the file's order)
    ({"env": "generalpoints", "zeta": 1, "0": 2}, 0),
    ({"env": "generalpoints", "verifier": True}, 0),
    ({"env": "generalpoints", "target": "24"}, 0),
    ({"env": "generalpoints", "maxVerify": 0.0}, 0),
    ({"env": "virl"}, 0),
]


def refusal_cases() -> list[dict[str, Any]]:
    """Configs refused as they load, or as an episode deals (a target no hand reaches)."""
    cases = []
    for raw, seed in REFUSED_CONFIGS:
        try:
            deal(GeneralPointsConfig.from_dict(raw), seed)
        except EnvConfigError as exc:
            cases.append({"config": raw, "seed": seed, "error": str(exc)})
        else:
            raise AssertionError(f"{raw} dealt a hand")
    return cases


def build() -> dict[str, Any]:
    return {
        "about": "Shared GeneralPoints vectors, written by `.venv/bin/python trainer/tests/env_vectors.py --write`; checked by trainer/tests/test_generalpoints.py and test/unit/generalpoints.test.ts.",
        "verify": verify_cases(),
        "deal": deal_cases(),
        "episodes": episode_cases(),
        "solutions": solver_cases(),
        "trajectories": trajectory_cases(),
        "refused": refusal_cases(),
    }


def _render(sections: dict[str, Any]) -> str:
    """JSON with one case per line: compact, and diffs show which cases changed."""
    parts = []
    for key, value in sections.items():
        if isinstance(value, list):
            body = ",\n".join("  " + json.dumps(item, separators=(",", ":")) for item in value)
            parts.append(f"{json.dumps(key)}: [\n{body}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def render() -> str:
    return _render(build())


def render_virl() -> str:
    return _render(virl_cases())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"write {VECTORS_FILE}")
    args = parser.parse_args()
    for path, text in ((VECTORS_FILE, render()), (VIRL_VECTORS_FILE, render_virl())):
        if args.write:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
            print(f"wrote {path}")
        else:
            print(text)


if __name__ == "__main__":
    main()
