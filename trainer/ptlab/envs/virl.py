"""V-IRL: navigating city routes by instructions, in reference and strict modes.

The TypeScript twin is src/core/envs/virl.ts; both give byte-identical prompts, rewards,
messages and episodes. shared/spec/environments.md and shared/spec/virl-reference.md are
the definition. Where they are silent, this module decides and says so:
  - the rail: at the start, turn; then up to `maxStraight` forward() points per straight
    segment (its `maxStraight` interpolated points, each dropped with probability `dropRate`,
    drawn in order from the episode's PRNG after the route index; no departure point, as
    the reference); at each intersection, turn; at the destination, stop();
  - a rail point's panorama is its place, its index on the route's full rail (no point
    dropped), so a place looks the same on every seed (`{route_id}/{place}.jpg`);
  - the destination's observation is "{landmarks}; " (it is not an intersection);
  - an intersection whose landmarks are "" (the synthetic cities' none) is told as one
    with the platform's "No landmark nearby" (no landmark clause; the reference would write
    "where ."), and observed as "; You observe an intersection";
  - strict mode compares actions ignoring case and spaces, wraps heading differences to
    [-180, 180), and ends an episode at the `maxVerify`-th failure at one position.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any, Callable, ClassVar, Literal

from ptlab.envs.generalpoints import EnvConfigError
from ptlab.envs.generalpoints import json_integer, json_object, json_text, reference_field  # one JSON reading for every environment
from ptlab.envs.prng import Rng
from ptlab.envs.virl_geometry import ABSOLUTE, direction_name

RELATIVE = ("left", "right", "slightly left", "slightly right")
NO_LANDMARKS = "No landmarks nearby"
NO_LANDMARK_FOUND = "No landmark nearby"  # the V-IRL platform's words for an intersection without one
AT_INTERSECTION = "You observe an intersection"

PROMPT_L_FIRST_LINE = "You are an expert in navigation. You will receive a sequence of instructions to follow. You"
PROMPT_VL_FIRST_LINE = "You are an expert in navigation. You will receive a sequence of instructions to follow while observing your surrounding stree tviews. You"

ACTION_SPACE_TEXT = {
    "absolute": (
        '"forward()": indicates moving forward one step\n'
        '"turn_direction(x)": indicates adjust the ego agent direction towards x direction. x could be any following 8 directions '
        "['north', 'northeast', 'east', 'southeast', 'south', 'southwest', 'west', 'northwest']\n"
        '"stop()": indicates the navigation is finished.'
    ),
    "relative": (
        '"forward()": indicates moving forward one step\n'
        '"turn_direction(x)": indicates adjust the ego agent direction towards x direction. x could be any following '
        "['left', 'right', 'slightly left', 'slightly right']\n"
        '"stop()": indicates the navigation is finished.'
    ),
}

# quirk: the double braces are literal; the reference never formats this template.
FMT = (
    "\n[Output]\n{{\n"
    '  "current observation": latest observation from the streetview grid,\n'
    '  "current instruction": analyze the full instruction and identify the sentence to be executed,\n'
    '  "action": the action to be taken chosen from the action space,\n'
    "}}"
)
CORRECT = "Correct action."
NOT_AT_INTERSECTION = "you are not at any intersection. Please avoid this observation and try again in the same format:" + FMT + "."
AT_AN_INTERSECTION = "you are at an intersection. Please avoid this observation and try again in the same format:" + FMT + "."
INCORRECT = "you make incorrect action. Please avoid this action and try again in the same format:" + FMT + "."
BUDGET = "Exceed maximum verify steps"


# ---------------------------------------------------------------------------- config


@dataclass(frozen=True)
class VirlConfig:
    env: ClassVar[str] = "virl"
    routes: Any = None  # {"file": path} or {"synthetic": {...}}
    actionSpace: Literal["absolute", "relative"] = "absolute"
    maxStraight: int = 5
    dropRate: float = 0.5
    modality: Literal["language", "vision"] = "language"
    maxVerify: int = 2
    verifier: Literal["reference", "strict"] = "strict"
    panoramas: str | None = None

    @staticmethod
    def from_dict(raw: dict[str, Any]) -> VirlConfig:
        if not isinstance(raw, dict):
            raise EnvConfigError("environment: must be an object")
        allowed = set(VirlConfig.__dataclass_fields__)
        unknown = sorted(key for key in raw if key not in allowed)  # one order in both languages
        if unknown:
            raise EnvConfigError(f"environment.{unknown[0]}: unknown key for virl (known: {', '.join(sorted(allowed))})")
        if raw.get("env", "virl") != "virl":
            raise EnvConfigError(f"environment.env: expected 'virl', got {json_text(raw.get('env'))}")
        for key, options in (("actionSpace", ("absolute", "relative")), ("modality", ("language", "vision")), ("verifier", ("reference", "strict"))):
            if key in raw and raw[key] not in options:
                raise EnvConfigError(f"environment.{key}: must be one of {', '.join(map(repr, options))}, got {json_text(raw[key])}")
        for key, low, high in (("maxStraight", 0, 100), ("maxVerify", 1, 100)):
            if key in raw:
                value = json_integer(raw[key])
                if value is None or not low <= value <= high:
                    raise EnvConfigError(f"environment.{key}: must be an integer in [{low}, {high}], got {json_text(raw[key])}")
                raw = {**raw, key: value}
        if "dropRate" in raw and (isinstance(raw["dropRate"], bool) or not isinstance(raw["dropRate"], (int, float)) or not 0 <= raw["dropRate"] <= 1):
            raise EnvConfigError(f"environment.dropRate: must be a number in [0, 1], got {json_text(raw['dropRate'])}")
        if "panoramas" in raw and not (isinstance(raw["panoramas"], str) and raw["panoramas"]):
            raise EnvConfigError(f"environment.panoramas: must be a non-empty string (a folder, relative to the config), got {json_text(raw['panoramas'])}")
        routes = raw.get("routes")
        _check_routes(routes)
        if "file" not in routes:
            synthetic = routes["synthetic"]
            _check_synthetic(synthetic)
            raw = {**raw, "routes": {**routes, "synthetic": {k: v if k == "city" else json_integer(v) for k, v in synthetic.items()}}}
        return VirlConfig(**{k: v for k, v in raw.items() if k != "env"})

    def to_dict(self) -> dict[str, Any]:
        return {"env": "virl", **{k: v for k, v in asdict(self).items() if v is not None}}

    def episodes(self, base_dir: Path, training: Any = None) -> Callable[..., VirlEpisode]:
        """This environment's episode for a seed, on the route the seed draws or on `route`
        (an index in the routes' order); the routes are read once and the panoramas found,
        relative to `base_dir` (the config's folder). `training` (the training environment,
        GeneralPoints' rule collapse) changes nothing here."""
        routes = routes_for(self, base_dir)
        panoramas = (base_dir / self.panoramas).resolve() if self.panoramas else None
        if panoramas is not None and not panoramas.is_dir():
            what = "is not a folder" if panoramas.exists() else "does not exist"
            raise EnvConfigError(f"environment.panoramas: {panoramas} {what}: name the folder of {{route_id}}/{{place}}.jpg panoramas, relative to the config")
        return lambda seed, route=None: VirlEpisode(self, routes, seed, route, panoramas)

    def route_count(self, base_dir: Path) -> int:
        return len(routes_for(self, base_dir))


_ROUTES_KEYS = ("file", "synthetic")
_SYNTHETIC_KEYS = ("city", "routes", "seed")


def _check_routes(routes: Any) -> None:
    """The schema's routeSource: {"file": ...} or {"synthetic": {...}}, one of them; the same
    words as the TypeScript twin (virlConfig)."""
    at = "environment.routes"
    if not (isinstance(routes, dict) and any(key in routes for key in _ROUTES_KEYS)):
        raise EnvConfigError(f'{at}: required, {{"file": "route_infos.json"}} or {{"synthetic": {{"city": ...}}}}')
    unknown = sorted(key for key in routes if key not in _ROUTES_KEYS)
    if unknown:
        raise EnvConfigError(f"{at}.{unknown[0]}: unknown key (known: {', '.join(_ROUTES_KEYS)})")
    if "file" in routes and "synthetic" in routes:
        raise EnvConfigError(f'{at}: either "file" or "synthetic", not both')
    if "file" in routes and not (isinstance(routes["file"], str) and routes["file"]):
        raise EnvConfigError(f"{at}.file: must be a non-empty string (a route file, relative to the config), got {json_text(routes['file'])}")
    if "synthetic" in routes and not isinstance(routes["synthetic"], dict):
        raise EnvConfigError(f'{at}.synthetic: must be an object, {{"city": ...}}, got {json_text(routes["synthetic"])}')


def _check_synthetic(synthetic: dict[str, Any]) -> None:
    """The schema's bounds; the same words as the TypeScript twin (virlConfig)."""
    at = "environment.routes.synthetic"
    unknown = sorted(key for key in synthetic if key not in _SYNTHETIC_KEYS)
    if unknown:
        raise EnvConfigError(f"{at}.{unknown[0]}: unknown key (known: {', '.join(_SYNTHETIC_KEYS)})")
    if not isinstance(synthetic.get("city"), str) or synthetic["city"] == "":
        raise EnvConfigError(f"{at}.city: required, a non-empty string")
    for key, low, high in (("routes", 1, 1_000_000), ("seed", 0, 0xFFFFFFFF)):
        if key in synthetic and not ((value := json_integer(synthetic[key])) is not None and low <= value <= high):
            raise EnvConfigError(f"{at}.{key}: must be an integer in [{low}, {high}]")


# ---------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class Milestone:
    landmarks: str  # what is seen at the end of this segment (next intersection or destination)
    distance_m: int
    previous_heading: float  # heading before turning onto this segment
    heading: float  # heading along this segment
    direction: str  # absolute direction name of this segment


@dataclass(frozen=True)
class Route:
    route_id: str
    start: str
    destination: str
    milestones: tuple[Milestone, ...]
    city: str = ""  # synthetic cities name their style; reference files have none


class RouteFormatError(ValueError):
    """A route file does not follow the reference route_infos.json format; says where."""


# ASCII digits and spacing, spelled out: Python's \d and \s take other scripts' digits and
# spaces, and JavaScript's \s other spaces than Python's; both languages read the same files.
_SPACE = "[ \t\n\r\f\v]*"
_MILESTONE_BLOCK_RE = re.compile(r"\{([^{}]*)\}")
_MILESTONE_FIELD_RE = re.compile(rf'"([a-z_]+)":{_SPACE}"([^"]*)"')
_HEADING_RE = re.compile(rf"{_SPACE}(-?[0-9]+(?:\.[0-9]+)?){_SPACE}(?:\(([a-z]+)\))?{_SPACE}")
_DISTANCE_RE = re.compile(rf"{_SPACE}([0-9]+(?:\.[0-9]+)?){_SPACE}meters?{_SPACE}")
MAX_SAFE_INTEGER = 2**53 - 1  # beyond it JavaScript reads an integer inexactly


def _heading(text: str, where: str) -> tuple[float, str | None]:
    match = _HEADING_RE.fullmatch(text)
    if not match:
        raise RouteFormatError(f"{where}: heading '{text}' is not like '298 (northwest)'")  # quoted as the TypeScript twin quotes it
    return _finite(match.group(1), f"{where}: heading '{text}' is not a finite number of degrees"), match.group(2)


def _finite(digits: str, refusal: str) -> float:
    """The number the digits write, refused beyond a double's range (over 308 digits: infinity)."""
    number = float(digits)
    if not math.isfinite(number):
        raise RouteFormatError(refusal)
    return number


def parse_milestones(info: str, where: str) -> tuple[Milestone, ...]:
    milestones = []
    for index, block in enumerate(_MILESTONE_BLOCK_RE.findall(info)):
        fields = dict(_MILESTONE_FIELD_RE.findall(block))
        at = f"{where}.milestone_info[{index}]"
        for key in ("distance", "human_heading", "to_next_intersection_heading"):
            if key not in fields:
                raise RouteFormatError(f'{at}: missing "{key}"')
        distance = _DISTANCE_RE.fullmatch(fields["distance"])
        if not distance:
            raise RouteFormatError(f"{at}: distance '{fields['distance']}' is not like '16 meters'")
        meters = _finite(distance.group(1), f"{at}: distance '{fields['distance']}' is not a finite number of meters")
        previous, _ = _heading(fields["human_heading"], at)
        heading, name = _heading(fields["to_next_intersection_heading"], at)
        landmarks = fields.get("landmarks", NO_LANDMARK_FOUND)  # as the reference reads a block without one
        milestones.append(Milestone(landmarks, int(meters), previous, heading, name or direction_name(heading)))
    if not milestones:
        raise RouteFormatError(f"{where}.milestone_info: no milestone blocks")
    return tuple(milestones)


def _route_items(data: Any, source: str) -> tuple[list[Any], str | None]:
    """The route values of a route file, and where its list is (None: one route dict). The
    authors' files are [[route, ...], count]: their environment reads [0] as the routes and
    keeps [1] unread, so any integer count is taken."""
    if not isinstance(data, list):
        return [data], None
    if data and isinstance(data[0], list):
        if len(data) != 2 or _safe_integer(data[1]) is None:
            raise RouteFormatError(f"{source}: a list that starts with a list is the authors' [[route, ...], count]: two items, the routes and their count (an integer)")
        return data[0], f"{source}[0]"
    return data, source


def _safe_integer(value: Any) -> int | None:
    number = json_integer(value)
    return number if number is not None and abs(number) <= MAX_SAFE_INTEGER else None


def _route_id(item: dict[str, Any], index: int, where: str) -> str:
    """A string as it is, an integer in digits (7 and 7.0 alike); route-{index} without one."""
    if "route_id" not in item:
        return f"route-{index}"
    value = item["route_id"]
    if isinstance(value, str):
        return value
    number = _safe_integer(value)
    if number is None:
        raise RouteFormatError(f"{where}.route_id: must be a string or an integer of at most 2**53 - 1, got {json_text(value)}")
    return str(number)


def parse_routes(data: Any, source: str) -> list[Route]:
    """Routes from a reference route_infos.json value: one route dict, a list of them, or the
    authors' [[route, ...], count]."""
    items, at = _route_items(data, source)
    routes = []
    for i, item in enumerate(items):
        where = source if at is None else f"{at}[{i}]"
        if not isinstance(item, dict):
            raise RouteFormatError(f"{where}: a route must be an object")
        for key in ("start_place", "dest_place", "milestone_info"):
            if key not in item:
                raise RouteFormatError(f'{where}: missing "{key}"')
        start = item["start_place"].get("name", "start") if isinstance(item["start_place"], dict) else "start"
        dest = item["dest_place"].get("name", "destination") if isinstance(item["dest_place"], dict) else "destination"
        if not isinstance(item["milestone_info"], str):
            raise RouteFormatError(f"{where}.milestone_info: must be a string of milestone blocks")
        city = item.get("city") if isinstance(item.get("city"), str) else ""
        routes.append(Route(_route_id(item, i, where), start, dest, parse_milestones(item["milestone_info"], where), city))
    if not routes:
        raise RouteFormatError(f"{source}: no routes")
    return routes


MAX_ROUTE_FILE_BYTES = 64 * 2**20  # the largest route file read: the published V-IRL route sets are a few MiB (routeFiles.ts)
_ROUTE_CACHE: dict[tuple[str, int, int], list[Route]] = {}
_SYNTHETIC_CACHE: dict[tuple[str, str], list[Route]] = {}


def routes_for(config: VirlConfig, base: Path) -> list[Route]:
    """The config's routes; files are read relative to `base` (the config's folder)."""
    source = config.routes
    if "file" in source:
        path = (base / source["file"]).resolve()
        try:
            stat = path.stat()
        except OSError as exc:
            raise EnvConfigError(f"environment.routes.file: cannot read {path}: {exc.strerror or exc}") from exc
        _check_readable_size(path, stat)
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _ROUTE_CACHE:
            _ROUTE_CACHE.clear()
            _ROUTE_CACHE[key] = load_routes(path)
        return _ROUTE_CACHE[key]
    from ptlab.envs import cities

    synthetic = source["synthetic"]
    key = ("synthetic", json.dumps(synthetic, sort_keys=True))
    if key not in _SYNTHETIC_CACHE:
        try:
            generated = cities.generate_routes(synthetic["city"], int(synthetic.get("routes", 1000)), int(synthetic.get("seed", 0)))
        except cities.UnknownCity as exc:
            raise EnvConfigError(str(exc)) from exc
        _SYNTHETIC_CACHE.clear()
        _SYNTHETIC_CACHE[key] = parse_routes(generated, f"synthetic city {synthetic.get('city')}")
    return _SYNTHETIC_CACHE[key]


def _check_readable_size(path: Path, stat: os.stat_result) -> None:
    """Only a regular file of a bounded size is read, as TypeScript's loader reads them
    (routeFiles.ts): a device such as /dev/zero would be read until memory runs out."""
    if not S_ISREG(stat.st_mode):
        raise EnvConfigError(f"environment.routes.file: {path} is not a regular file; name a JSON file of routes")
    if stat.st_size > MAX_ROUTE_FILE_BYTES:
        raise EnvConfigError(f"environment.routes.file: {path} is larger than {MAX_ROUTE_FILE_BYTES // 2**20} MiB ({stat.st_size} bytes); name a JSON file of routes")


def load_routes(path: Path) -> list[Route]:
    """NaN, Infinity and -Infinity are read as numbers, as the reference's json.load reads them:
    the V-IRL platform writes its files with json.dump, which writes NaN for a missing number.
    The numbers the environment reads are checked where they are read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RouteFormatError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise RouteFormatError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    return parse_routes(data, str(path))


# ---------------------------------------------------------------------------- the expert rail


def relative_direction(previous: float, heading: float, wrap: bool) -> str:
    d = heading - previous
    if wrap:  # strict: the short way round
        d = (d + 180) % 360 - 180
    if d < -45:
        return "left"
    if d > 45:
        return "right"
    return "slightly left" if d <= 0 else "slightly right"


@dataclass(frozen=True)
class Position:
    landmark: str
    at_intersection: bool
    absolute_action: str
    relative_action: str
    sentence: int  # index of the instruction sentence being executed
    heading: float  # the agent's heading here (before turning, at a turn)
    place: int  # index on the route's full rail (no point dropped), the same on every seed: names its panorama

    @property
    def observation(self) -> str:
        return f"{self.landmark}; {AT_INTERSECTION if self.at_intersection else ''}"

    def action(self, space: str) -> str:
        return self.absolute_action if space == "absolute" else self.relative_action


def instruction_sentences(route: Route, wrap: bool) -> list[str]:
    sentences = []
    last = len(route.milestones) - 1
    for s, m in enumerate(route.milestones):
        rel = relative_direction(m.previous_heading, m.heading, wrap)
        first = s == 0 and s < last  # the reference tests for the last milestone first: one alone says "Turn"
        sentences.append(f"{'First, turn' if first else 'Turn'} {rel} to face {m.direction}.")
        if s < last:
            said = m.landmarks not in ("", NO_LANDMARK_FOUND)  # "": the synthetic cities' word for none
            sentences.append(f"Move forward until you reach next intersection where {m.landmarks}." if said else "Move forward until you reach next intersection.")
        else:
            sentences.append(f"Move forward until you reach destination where {m.landmarks}.")
    return sentences


def build_rail(route: Route, config: VirlConfig, rng: Rng) -> list[Position]:
    wrap = config.verifier == "strict"
    rail = []
    last = len(route.milestones) - 1
    stride = config.maxStraight + 1  # a segment's places on the full rail: its turn, then its forward() points
    for s, m in enumerate(route.milestones):
        turn_abs, turn_rel = f"turn_direction({m.direction})", f"turn_direction({relative_direction(m.previous_heading, m.heading, wrap)})"
        landmark = NO_LANDMARKS if s == 0 else route.milestones[s - 1].landmarks
        rail.append(Position(landmark, s > 0, turn_abs, turn_rel, 2 * s, m.previous_heading, s * stride))
        kept = [i for i in range(config.maxStraight) if rng.random() >= config.dropRate]  # up to maxStraight, as the reference
        rail.extend(Position(NO_LANDMARKS, False, "forward()", "forward()", 2 * s + 1, m.heading, s * stride + 1 + i) for i in kept)
        if s == last:
            rail.append(Position(m.landmarks, False, "stop()", "stop()", 2 * s + 1, m.heading, (s + 1) * stride))
    return rail


# ---------------------------------------------------------------------------- prompts


def obs_act_sequence(rail: list[Position], position: int, space: str, vision: bool) -> str:
    lines = []
    for i, p in enumerate(rail[:position], start=1):
        lines += [f"O_{i}: {p.observation}", f"A_{i}: {p.action(space)}"]
    current = rail[position]
    observation = f"You observe an image of 4 views; {AT_INTERSECTION if current.at_intersection else ''}" if vision else current.observation
    lines += [f"O_{position + 1}: {observation}", f"A_{position + 1}: "]
    return "".join(line + "\n" for line in lines)


def prompt(config: VirlConfig, route: Route, rail: list[Position], position: int) -> str:
    vision = config.modality == "vision"
    instruction = "".join(f"{i}. {s}\n" for i, s in enumerate(instruction_sentences(route, config.verifier == "strict"), start=1))  # each line ends with one, as the reference's
    observation_format = (
        "[Observation format]\nYou observe a 2x2 grid of streetview images with the following headings:\n"
        "[front, right\n back, left]\n"
        "You need to identify if any of the landmarks in the instruction are visible in the street view grid.\n\n"
        if vision
        else ""
    )
    latest = "latest observation from the street view grid," if vision else "latest observation from the observation sequence,"
    return (
        "\n[Task Description]\n"
        f"{PROMPT_VL_FIRST_LINE if vision else PROMPT_L_FIRST_LINE}\n"
        "are also provided with your observation and action history in text. Your goal is to first analyze the instruction "
        "and identify the next sentence to be executed. \n"
        "Then, you need to provide the action to be taken based on the current observation and instruction.\n\n"
        f"[Instruction]\n{instruction}\n\n"
        f"{observation_format}"
        f"[Action space]\n{ACTION_SPACE_TEXT[config.actionSpace]}\n\n"
        f"[Observations and actions sequence]\n{obs_act_sequence(rail, position, config.actionSpace, vision)}\n\n"
        "[Output]\n{\n"
        f'  "current observation": {latest}\n'
        '  "current instruction": analyze the full instruction and identify the sentence to be executed,\n'
        '  "action": the action to be taken chosen from the action space,\n'
        "}\n"
    )


def expert_response(config: VirlConfig, route: Route, rail: list[Position], position: int) -> str:
    """The SFT target: the reference's ResponseVIRL, which ends with a newline after its brace."""
    p = rail[position]
    sentence = instruction_sentences(route, config.verifier == "strict")[p.sentence]
    return f'\n{{\n  "current observation": "{p.observation}",\n  "current instruction": "{sentence}",\n  "action": "{p.action(config.actionSpace)}",\n}}\n'


# ---------------------------------------------------------------------------- verifiers

_ACTION_RE = re.compile(r'"action": "([^\n]*?)"')
_OBSERVATION_RE = re.compile(r'"current observation": "([^\n]*?)"')


def _field(output: str, key: str, pattern: re.Pattern[str]) -> str | None:
    parsed = json_object(output)
    if parsed is not None and isinstance(parsed.get(key), str):
        return parsed[key]
    match = pattern.search(output)
    return match.group(1) if match else None


def _ascii_lower(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def _normalize_action(action: str) -> str:
    """Strict: case (ASCII) and spacing do not matter: ` Turn_Direction( North ) ` is `turn_direction(north)`."""
    text = _ascii_lower(re.sub(r"[ \t\n\r\f\v]+", " ", action).strip(" "))
    return re.sub(r" ?([()]) ?", r"\1", text)


def _turn_target(action: str) -> str | None:
    match = re.fullmatch(r"turn_direction\(([^\n]*)\)", action)
    return match.group(1) if match else None


_WELL_FORMED = frozenset(["forward()", "stop()", *(f"turn_direction({d})" for d in ABSOLUTE + RELATIVE)])


def failure_mode(expert: str, action: str | None, space: str, claims_intersection: bool, at_intersection: bool) -> str:
    if action is None or action not in _WELL_FORMED:
        return "format"
    target = _turn_target(action)
    other = RELATIVE if space == "absolute" else ABSOLUTE
    if target is not None and target in other:
        return "action-space-confusion"
    if action == "stop()" and expert != "stop()":
        return "premature-stop"
    if claims_intersection and not at_intersection:
        return "phantom-intersection"
    if expert == "stop()":
        return "missed-stop"  # went on at the destination
    if expert.startswith("turn_direction("):
        # the start's orientation turn is at no intersection: answered otherwise, a wrong turn
        return "missed-intersection" if target is None and at_intersection else "wrong-turn"
    return "phantom-intersection"  # a turn where the rail goes straight


@dataclass(frozen=True)
class Verdict:
    reward: float
    message: str
    correct: bool
    failure_mode: str | None


def _python_in(needle: str, container: Any) -> bool | None:
    """`needle in container` as Python evaluates it on a JSON value (a substring, a list's
    item, an object's key); None where it raises TypeError (a number, true, false, null)."""
    return needle in container if isinstance(container, (str, list, dict)) else None


def verify_reference(config: VirlConfig, p: Position, output: str) -> Verdict:
    """The reference's step_rewards_virl, its fields as re_match reads them: any JSON value
    (json.loads reads NaN and Infinity), else the patterns' strings, else "None"."""
    expert = p.action(config.actionSpace)
    action = reference_field(output, "action", _ACTION_RE, python_constants=True)
    observation = reference_field(output, "current observation", _OBSERVATION_RE, python_constants=True)
    # quirk: on a number, true, false or null observation the reference's `in` raises and its
    # run stops; read here as no claim
    claims = bool(_python_in("intersection", observation))
    if action == expert:
        return Verdict(1, CORRECT, True, None)
    mode = failure_mode(expert, action if isinstance(action, str) else None, config.actionSpace, claims, p.at_intersection)
    # quirk: the expert's landmark text never says "intersection", so the second branch
    # fires for any wrong answer that mentions one, at an intersection or not.
    if claims and "intersection" not in p.landmark:
        return Verdict(-1.5, NOT_AT_INTERSECTION, False, mode)
    if "intersection" in p.landmark and not claims:
        return Verdict(-1.5, AT_AN_INTERSECTION, False, mode)
    return Verdict(-1, INCORRECT, False, mode)


def verify_strict(config: VirlConfig, p: Position, output: str) -> Verdict:
    expert = p.action(config.actionSpace)
    raw_action = _field(output, "action", _ACTION_RE)
    observation = _field(output, "current observation", _OBSERVATION_RE)
    action = None if raw_action is None else _normalize_action(raw_action)
    claims = observation is not None and "intersection" in _ascii_lower(observation)
    if action == expert:
        return Verdict(1, CORRECT, True, None)
    mode = failure_mode(expert, action, config.actionSpace, claims, p.at_intersection)
    if action is None:
        return Verdict(-1, 'no action found: answer with a JSON object that has an "action" field.', False, mode)
    if observation is not None and claims != p.at_intersection:
        where = "not at an intersection" if not p.at_intersection else "at an intersection"
        return Verdict(-1.5, f"you are {where}; look at the observation again and answer in the same format.", False, mode)
    if mode == "action-space-confusion":
        return Verdict(-1, "that direction is not in the action space; use the directions the action space lists.", False, mode)
    return Verdict(-1, "incorrect action; follow the instruction sentence for this position.", False, mode)


def verify(config: VirlConfig, p: Position, output: str) -> Verdict:
    """Reward and message of one attempt at a position. Defined for every string."""
    return verify_reference(config, p, output) if config.verifier == "reference" else verify_strict(config, p, output)


# ---------------------------------------------------------------------------- episodes


@dataclass(frozen=True)
class Step:
    reward: float
    message: str
    done: bool
    success: bool
    truncated: bool
    next_prompt: str | None
    new_chat: bool  # the next prompt starts a fresh chat (after a move) instead of appending
    correct: bool
    failure_mode: str | None
    recognized: None = None  # V-IRL does not check what the model read from the image


class VirlEpisode:
    def __init__(self, config: VirlConfig, routes: list[Route], seed: int, route: int | None = None, panoramas: Path | None = None) -> None:
        """On the route the seed draws, or on routes[route] (the draw still happens, so the
        rail's dropped points come from the same random stream either way). `panoramas`: the
        folder config.panoramas names, found (default: relative to the working folder)."""
        rng = Rng(seed)
        self.config = config
        self.panoramas = panoramas if panoramas is not None else Path(config.panoramas) if config.panoramas else None
        self.seed = seed
        drawn = rng.below(len(routes))
        self.route = routes[drawn if route is None else route]
        self.rail = build_rail(self.route, config, rng)
        self.position = 0
        self.attempts_here = 0
        self.attempts = 0
        self.correct = 0
        self.done = False
        self.success = False
        self.prompt = prompt(config, self.route, self.rail, 0)

    @property
    def expert_action(self) -> str:
        return self.rail[self.position].action(self.config.actionSpace)

    def step(self, output: str) -> Step:
        if self.done:
            raise RuntimeError("the episode is over; reset to start another")
        if self.attempts_here >= self.config.maxVerify:  # reference only: strict ends before
            self.done = True
            return Step(-1, BUDGET, True, False, True, None, False, False, "budget-exhausted")
        self.attempts_here += 1
        self.attempts += 1
        verdict = verify(self.config, self.rail[self.position], output)
        if verdict.correct:
            self.correct += 1
            finished = self.rail[self.position].absolute_action == "stop()"
            self.position += 1
            self.attempts_here = 0
            self.done = self.success = finished
            next_prompt = None if finished else prompt(self.config, self.route, self.rail, self.position)
            self.prompt = next_prompt or self.prompt
            return Step(verdict.reward, verdict.message, finished, finished, False, next_prompt, not finished, True, None)
        out_of_attempts = self.config.verifier == "strict" and self.attempts_here >= self.config.maxVerify
        self.done = out_of_attempts
        next_prompt = None if out_of_attempts else f"You failed this trial because {verdict.message}"
        return Step(verdict.reward, verdict.message, out_of_attempts, False, out_of_attempts, next_prompt, False, False, verdict.failure_mode)

    def image(self) -> dict[str, Any] | None:
        """Vision: what the street-view grid shows here (ptlab.envs.streetview renders it)."""
        if self.config.modality != "vision" or self.done:
            return None
        p = self.rail[self.position]
        return {"type": "virl-streetview", "city": self.route.city, "routeId": self.route.route_id, "position": self.position, "place": p.place,
                "landmark": p.landmark, "atIntersection": p.at_intersection, "heading": p.heading}

    def observation_image(self) -> Any:
        """Vision: the 2x2 street-view grid at the current rail position; None for language."""
        if self.config.modality != "vision":
            return None
        from ptlab.envs import streetview

        p = self.rail[min(self.position, len(self.rail) - 1)]
        return streetview.observation_grid(self.route.city, self.route.route_id, p.place, p.landmark, p.at_intersection, p.heading, self.panoramas)

    def record_state(self) -> dict[str, Any]:
        """The episode record's `state`: the route, how far along it the episode got, its instruction."""
        instruction = "\n".join(instruction_sentences(self.route, self.config.verifier == "strict"))
        return {"routeId": self.route.route_id, "city": self.route.city, "position": min(self.position, len(self.rail) - 1), "railLength": len(self.rail), "instruction": instruction}

    def state(self) -> dict[str, Any]:
        return {
            "routeId": self.route.route_id,
            "position": self.position,
            "railLength": len(self.rail),
            "expertAction": self.expert_action if not self.done else None,
            "attempts": self.attempts,
            "correct": self.correct,
        }
