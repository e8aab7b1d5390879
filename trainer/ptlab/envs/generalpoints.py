"""GeneralPoints: the 24-points card game of the paper, in reference and strict modes.

The TypeScript twin is src/core/envs/generalpoints.ts; both must give byte-identical
prompts, rewards, messages and episodes (shared vectors in test/vectors and a
differential fuzz test keep them honest). shared/spec/environments.md is the definition;
every behaviour of the authors' reference code that the paper does not state is marked
"quirk" there and here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import permutations, product
from pathlib import Path
from typing import Any, Callable, ClassVar, Literal

from ptlab.envs.prng import Rng

RANKS = ("A", "2", "3", "4", "5", "6", "7", "8", "9", "10", "J", "Q", "K")
SUITS = {"all": ("spades", "hearts", "clubs", "diamonds"), "black": ("spades", "clubs"), "red": ("hearts", "diamonds")}
FACE_TEXT = {
    "all-10": "'J', 'Q', and 'K' count as '10'.",
    "11-12-13": "'J', 'Q', and 'K' count as '11', '12', and '13' respectively.",
}
CORRECT_REWARD = 5


class EnvConfigError(ValueError):
    """An environment config value is invalid; the message names the field."""


# ---------------------------------------------------------------------------- config


@dataclass(frozen=True)
class GeneralPointsConfig:
    env: ClassVar[str] = "generalpoints"
    target: int = 24
    faceCards: Literal["all-10", "11-12-13"] = "all-10"
    sampling: Literal["any", "at-least-one-face"] = "any"
    draw: Literal["deck", "independent"] = "independent"
    suits: Literal["all", "black", "red"] = "all"
    modality: Literal["language", "vision"] = "language"
    maxVerify: int = 5
    verifier: Literal["reference", "strict"] = "strict"

    @staticmethod
    def from_dict(raw: dict[str, Any]) -> GeneralPointsConfig:
        """Build from the experiment schema's environment object (`env` may be present)."""
        if not isinstance(raw, dict):
            raise EnvConfigError("environment: must be an object")
        allowed = set(GeneralPointsConfig.__dataclass_fields__)  # `env` included
        unknown = sorted(key for key in raw if key not in allowed)  # one order in both languages
        if unknown:
            raise EnvConfigError(f"environment.{unknown[0]}: unknown key for generalpoints (known: {', '.join(sorted(allowed))})")
        if raw.get("env", "generalpoints") != "generalpoints":
            raise EnvConfigError(f"environment.env: expected 'generalpoints', got {json_text(raw.get('env'))}")
        choices = {
            "faceCards": ("all-10", "11-12-13"),
            "sampling": ("any", "at-least-one-face"),
            "draw": ("deck", "independent"),
            "suits": ("all", "black", "red"),
            "modality": ("language", "vision"),
            "verifier": ("reference", "strict"),
        }
        for key, options in choices.items():
            if key in raw and raw[key] not in options:
                raise EnvConfigError(f"environment.{key}: must be one of {', '.join(map(repr, options))}, got {json_text(raw[key])}")
        for key, high in (("target", 1_000_000), ("maxVerify", 100)):
            if key in raw:
                value = json_integer(raw[key])
                if value is None or not 1 <= value <= high:
                    raise EnvConfigError(f"environment.{key}: must be an integer in [1, {high}], got {json_text(raw[key])}")
                raw = {**raw, key: value}
        config = GeneralPointsConfig(**{k: v for k, v in raw.items() if k != "env"})
        if config.target > highest_reachable(config.faceCards):
            raise EnvConfigError(f"environment.target: four cards reach at most {highest_reachable(config.faceCards)} under faceCards {config.faceCards!r} (the four highest multiplied), got {config.target}")
        return config

    def to_dict(self) -> dict[str, Any]:
        return {"env": "generalpoints", **asdict(self)}

    def episodes(self, base_dir: Path, training: Any = None) -> Callable[[int], GeneralPointsEpisode]:
        """This environment's episode for a seed (`base_dir` is where V-IRL finds route files);
        `training`, the experiment's training environment when this is an evaluation split's:
        its faceCards is the rule an answer collapses to (default: this one's)."""
        trained_on = training.faceCards if isinstance(training, GeneralPointsConfig) else None
        return lambda seed: GeneralPointsEpisode(self, seed, trained_on)


def highest_reachable(face_cards: str) -> int:
    """The largest number four cards make: the highest value's fourth power."""
    return card_value("K", face_cards) ** 4


def card_value(rank: str, face_cards: str) -> int:
    index = RANKS.index(rank) + 1
    return min(index, 10) if face_cards == "all-10" else index


# ---------------------------------------------------------------------------- exact arithmetic


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return abs(a)


Rational = tuple[int, int]  # (numerator, positive denominator), reduced


def _rat(n: int, d: int = 1) -> Rational:
    g = _gcd(n, d) or 1
    if d < 0:
        g = -g
    return (n // g, d // g)


def _apply(op: str, a: Rational, b: Rational) -> Rational | None:
    (an, ad), (bn, bd) = a, b
    if op == "+":
        return _rat(an * bd + bn * ad, ad * bd)
    if op == "-":
        return _rat(an * bd - bn * ad, ad * bd)
    if op == "*":
        return _rat(an * bn, ad * bd)
    if bn == 0:
        return None  # division by zero
    return _rat(an * bd, ad * bn)


def format_rational(r: Rational) -> str:
    return str(r[0]) if r[1] == 1 else f"{r[0]}/{r[1]}"


MAX_NESTING = 200  # CPython's parser: "too many nested parentheses" beyond it


def nesting(tokens: list[str]) -> int:
    """The deepest parenthesis level among the tokens (unbalanced ones counted as they open)."""
    depth = deepest = 0
    for t in tokens:
        if t == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif t == ")":
            depth -= 1
    return deepest


class _ExactParser:
    """Recursive descent over tokens (numbers as digit strings, operators, parentheses)
    with the usual precedence, evaluated exactly. Raises _FormulaError on bad syntax, and on
    nesting deeper than MAX_NESTING (which the recursion could not descend)."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.division_by_zero = False

    def parse(self) -> Rational:
        if nesting(self.tokens) > MAX_NESTING:
            raise _FormulaError(f"parentheses nested deeper than {MAX_NESTING} levels")
        value = self._sum()
        if self.pos != len(self.tokens):
            raise _FormulaError(f"unexpected '{self.tokens[self.pos]}' at token {self.pos + 1}")
        return value

    def _sum(self) -> Rational:
        value = self._product()
        while self.pos < len(self.tokens) and self.tokens[self.pos] in "+-":
            op = self.tokens[self.pos]
            self.pos += 1
            value = self._combine(op, value, self._product())
        return value

    def _product(self) -> Rational:
        value = self._atom()
        while self.pos < len(self.tokens) and self.tokens[self.pos] in "*/":
            op = self.tokens[self.pos]
            self.pos += 1
            value = self._combine(op, value, self._atom())
        return value

    def _atom(self) -> Rational:
        if self.pos >= len(self.tokens):
            raise _FormulaError("the formula ends where a number or '(' is expected")
        token = self.tokens[self.pos]
        self.pos += 1
        if token == "(":
            value = self._sum()
            if self.pos >= len(self.tokens) or self.tokens[self.pos] != ")":
                raise _FormulaError("unbalanced parentheses: a '(' is never closed")
            self.pos += 1
            return value
        if token.isdigit():
            significant = token.lstrip("0") or "0"
            # Longer numbers can never be card values; the numbers check rejects them later.
            return (int(significant), 1) if len(significant) <= 15 else (10**15, 1)
        raise _FormulaError(f"unexpected '{token}' at token {self.pos}")

    def _combine(self, op: str, a: Rational, b: Rational) -> Rational:
        result = _apply(op, a, b)
        if result is None:
            self.division_by_zero = True
            return (0, 1)
        return result


class _FormulaError(Exception):
    pass


# ---------------------------------------------------------------------------- solvers

# The reference's bracket placements (Rosetta Code "24 game/Solve"), inserted in order into
# the 7-slot sequence d o d o d o d; each insertion shifts the later slots.
REFERENCE_BRACKETS: tuple[tuple[int, ...], ...] = ((), (0, 4), (0, 6), (2, 6), (2, 8), (4, 8), (0, 4, 6, 10))
OPERATORS = "+-*/"


def _distinct_permutations(values: tuple[int, ...]) -> list[tuple[int, ...]]:
    return sorted(set(permutations(values)))


def _eval_tokens(tokens: list[str]) -> Rational | None:
    parser = _ExactParser(tokens)
    value = parser.parse()
    return None if parser.division_by_zero else value


def _float_op(op: str, x: float, y: float) -> float:
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    return x / y if y != 0 else _NAN


_NAN = float("nan")


def _flat(values: list[float], ops: list[str]) -> float:
    """a o b o c ... with * and / before + and -, left to right (floats, NaN on x/0)."""
    terms = [values[0]]
    pending: list[str] = []
    for op, value in zip(ops, values[1:]):
        if op in "*/":
            terms[-1] = _float_op(op, terms[-1], value)
        else:
            pending.append(op)
            terms.append(value)
    result = terms[0]
    for op, value in zip(pending, terms[1:]):
        result = _float_op(op, result, value)
    return result


def _reference_forms(a: float, b: float, c: float, d: float, o1: str, o2: str, o3: str) -> tuple[float, ...]:
    """The value of each REFERENCE_BRACKETS placement, in order, as floats."""
    return (
        _flat([a, b, c, d], [o1, o2, o3]),
        _flat([_float_op(o1, a, b), c, d], [o2, o3]),
        _flat([_flat([a, b, c], [o1, o2]), d], [o3]),
        _flat([a, _float_op(o2, b, c), d], [o1, o3]),
        _flat([a, _flat([b, c, d], [o2, o3])], [o1]),
        _flat([a, b, _float_op(o3, c, d)], [o1, o2]),
        _float_op(o2, _float_op(o1, a, b), _float_op(o3, c, d)),
    )


def _near(value: float, target: int) -> bool:
    return abs(value - target) < 1e-6  # a float screen; candidates are then checked exactly


@lru_cache(maxsize=4096)
def reference_solutions(values: tuple[int, ...], target: int) -> tuple[str, ...]:
    """Every formula of the reference enumeration equal to target, in enumeration order."""
    found: dict[str, None] = {}
    for perm in _distinct_permutations(tuple(sorted(values))):
        a, b, c, d = (float(x) for x in perm)
        for ops in product(OPERATORS, repeat=3):
            for brackets, value in zip(REFERENCE_BRACKETS, _reference_forms(a, b, c, d, *ops)):
                if not _near(value, target):
                    continue
                tokens = [str(perm[0]), ops[0], str(perm[1]), ops[1], str(perm[2]), ops[2], str(perm[3])]
                for point, bracket in zip(brackets, "()" * (len(brackets) // 2)):
                    tokens.insert(point, bracket)
                if _eval_tokens(tokens) == (target, 1):
                    found.setdefault("".join(tokens), None)
    return tuple(found)


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _render(node: Any) -> tuple[str, int]:
    """(text, precedence) of an expression tree with the fewest parentheses."""
    if isinstance(node, int):
        return str(node), 3
    op, left, right = node
    lt, lp = _render(left)
    rt, rp = _render(right)
    p = _PRECEDENCE[op]
    if lp < p:
        lt = f"({lt})"
    if rp < p or (rp == p and op in "-/"):
        rt = f"({rt})"
    return f"{lt}{op}{rt}", p


def _shapes(a: int, b: int, c: int, d: int, o1: str, o2: str, o3: str) -> list[Any]:
    return [
        (o3, (o2, (o1, a, b), c), d),
        (o3, (o1, a, (o2, b, c)), d),
        (o2, (o1, a, b), (o3, c, d)),
        (o1, a, (o3, (o2, b, c), d)),
        (o1, a, (o2, b, (o3, c, d))),
    ]


def _shape_values(a: float, b: float, c: float, d: float, o1: str, o2: str, o3: str) -> tuple[float, ...]:
    """The float value of each of _shapes' trees, in order, without building them (the
    enumeration's hot loop): the shared sub-results computed once."""
    ab, bc, cd = _float_op(o1, a, b), _float_op(o2, b, c), _float_op(o3, c, d)
    return (
        _float_op(o3, _float_op(o2, ab, c), d),
        _float_op(o3, _float_op(o1, a, bc), d),
        _float_op(o2, ab, cd),
        _float_op(o1, a, _float_op(o3, bc, d)),
        _float_op(o1, a, _float_op(o2, b, cd)),
    )


@lru_cache(maxsize=4096)
def complete_solutions(values: tuple[int, ...], target: int) -> tuple[str, ...]:
    """Every formula over all five expression shapes equal to target (strict mode), each
    written with the fewest parentheses, in enumeration order."""
    found: dict[str, None] = {}
    for perm in _distinct_permutations(tuple(sorted(values))):
        floats = [float(x) for x in perm]
        for ops in product(OPERATORS, repeat=3):
            for shape, value in enumerate(_shape_values(*floats, *ops)):
                if not _near(value, target):
                    continue
                tree = _shapes(*perm, *ops)[shape]
                text, _ = _render(tree)
                if _eval_tokens(re.findall(r"[0-9]+|[+\-*/()]", text)) == (target, 1):
                    found.setdefault(text, None)
    return tuple(found)


def solutions(values: list[int], target: int, verifier: str) -> tuple[str, ...]:
    key = tuple(sorted(values))
    return reference_solutions(key, target) if verifier == "reference" else complete_solutions(key, target)


# ---------------------------------------------------------------------------- hands


@dataclass(frozen=True)
class Hand:
    cards: list[str]  # rank labels, e.g. ["A", "5", "10", "K"]
    suits: list[str]
    values: list[int]  # under the config's face-card rule
    solutions: tuple[str, ...] = field(repr=False)


def _draw_ranks_and_suits(config: GeneralPointsConfig, rng: Rng) -> tuple[list[int], list[str]]:
    suits = SUITS[config.suits]
    if config.draw == "deck":
        deck = [(rank, suit) for suit in suits for rank in range(1, 14)]
        for i in range(4):  # partial Fisher-Yates: the first 4 positions
            j = i + rng.below(len(deck) - i)
            deck[i], deck[j] = deck[j], deck[i]
        return [r for r, _ in deck[:4]], [s for _, s in deck[:4]]
    if config.sampling == "at-least-one-face":
        ranks = [rng.between(1, 13) for _ in range(3)] + [rng.between(11, 13)]
        rng.shuffle(ranks)
    else:
        ranks = [rng.between(1, 13) for _ in range(4)]
    return ranks, [suits[rng.below(len(suits))] for _ in range(4)]


MAX_DEALS = 1000  # hands drawn for one episode before its target counts as one no hand reaches


def deal(config: GeneralPointsConfig, seed: int) -> Hand:
    """The hand of the episode with this seed: drawn until the solver finds a solution
    (and, for `deck` draws with `at-least-one-face`, until a face card is in it); a target
    that none of MAX_DEALS hands reaches is refused rather than drawn for forever."""
    rng = Rng(seed)
    for _ in range(MAX_DEALS):
        ranks, suits = _draw_ranks_and_suits(config, rng)
        if config.sampling == "at-least-one-face" and max(ranks) < 11:
            continue
        cards = [RANKS[r - 1] for r in ranks]
        values = [card_value(c, config.faceCards) for c in cards]
        found = solutions(values, config.target, config.verifier)
        if found:
            return Hand(cards, suits, values, found)
    raise EnvConfigError(f"environment.target: none of {MAX_DEALS} hands dealt for seed {seed} reaches {config.target} under faceCards {config.faceCards!r}: choose a target more hands reach (24 in the paper)")


# ---------------------------------------------------------------------------- prompts


def _py_list_repr(items: list[str]) -> str:
    """Python's repr of a list of plain strings (the labels never need escaping)."""
    return "[" + ", ".join(f"'{s}'" for s in items) + "]"


def prompt(config: GeneralPointsConfig, hand: Hand) -> str:
    face = FACE_TEXT[config.faceCards]
    target = config.target
    if config.modality == "vision":
        observe = "You are observing these four cards in the image."
        given = ""
        output_intro = "Your response should be a valid json file in the following format:\n"
    else:
        observe = "You will receive a set of 4 cards."
        given = f"[Input]\nCards: {_py_list_repr(hand.cards)}\n\n"
        output_intro = ""
    return (
        "\n[Task Description]\n"
        f"You are an expert {target} points card game player. {observe}\n"
        f"Note that {face}, and each card must be used once.\n"
        f"Your goal is to output a formula that evaluates to {target} using numbers from the cards "
        "and operators such as '+', '-', '*', '/', '(', ')', and '='.\n\n"
        f"{given}"
        "[Output]\n"
        f"{output_intro}"
        "{\n"
        f'  "cards": [x, y, z, w], where {face},\n'
        '  "number": [a, b, c, d], where a, b, c, and d are the numbers on the cards,\n'
        f"  \"formula\": 'an equation that equals {target}',\n"
        "}\n\n"
    )


def expert_formula(hand: Hand) -> str:
    """The expert's formula: the first solution that Python's float eval (the reference
    verifier's) also makes exact. Solutions equal the target in exact fractions, and about 1%
    of hands' first one does not in floats (2/5*6*10 is 24.000000000000004), which the
    reference verifier scores 0; where no solution does (8/(3-8/3)), the first."""
    for formula in hand.solutions:
        tokens = _STRICT_TOKEN_RE.findall(formula)
        exact, value = _eval_tokens(tokens), _python_eval(tokens)
        if exact is not None and value is not None and value == exact[0] / exact[1]:
            return formula
    return hand.solutions[0]


def expert_response(hand: Hand, formula: str | None = None) -> str:
    """The SFT target, in the reference's format (quirk: a trailing comma, not valid JSON)."""
    formula = expert_formula(hand) if formula is None else formula
    numbers = ", ".join(str(v) for v in hand.values)
    return f'\n{{\n  "cards": {_py_list_repr(hand.cards)},\n  "number": [{numbers}],\n  "formula": "{formula}",\n}}'


def failure_turn(message: str) -> str:
    return f"You failed this trial because {message}"


@dataclass(frozen=True)
class Turn:
    output: str  # the assistant's answer
    reward: float
    message: str  # the verifier's message; the next user turn is failure_turn(message) unless it is the last


def suboptimal_trajectory(config: GeneralPointsConfig, hand: Hand, seed: int, wrong_attempts: int) -> list[Turn]:
    """An SFT trajectory with wrong answers first (figure 15's ablation): 1..wrong_attempts
    wrong formulas (cards shuffled, random operators and brackets), each with the verifier's
    message, then the expert's answer. At most maxVerify - 1 wrong answers fit an episode."""
    rng = Rng(seed)
    count = min(rng.between(1, max(1, wrong_attempts)), config.maxVerify - 1) if wrong_attempts > 0 else 0
    turns = []
    for _ in range(count):
        for _try in range(50):
            values = [str(v) for v in hand.values]
            rng.shuffle(values)
            ops = [OPERATORS[rng.below(4)] for _ in range(3)]
            tokens = [values[0], ops[0], values[1], ops[1], values[2], ops[2], values[3]]
            brackets = REFERENCE_BRACKETS[rng.below(len(REFERENCE_BRACKETS))]
            for point, bracket in zip(brackets, "()" * (len(brackets) // 2)):
                tokens.insert(point, bracket)
            output = expert_response(hand, "".join(tokens))
            verdict = verify(config, hand, output)
            if verdict.reward != CORRECT_REWARD:
                turns.append(Turn(output, verdict.reward, verdict.message))
                break
    final = expert_response(hand)
    verdict = verify(config, hand, final)
    turns.append(Turn(final, verdict.reward, verdict.message))
    return turns


# ---------------------------------------------------------------------------- parsing


MAX_JSON_DEPTH = 512


def _json_depth_within(text: str, limit: int) -> bool:
    """Deepest [ or { nesting outside strings; beyond MAX_JSON_DEPTH the JSON path is not
    taken in either language (Python's json recursion would give up somewhere past it)."""
    depth = 0
    in_string = False
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > limit:
                return False
        elif c in "]}":
            depth -= 1
        i += 1
    return True


def json_integer(value: Any) -> int | None:
    """A JSON integer as JSON Schema and TypeScript read one (5.0 included: JSON.parse makes it
    the number 5), as an int; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, float) and value.is_integer() else None


def json_text(value: Any) -> str:
    """A JSON value as JavaScript's JSON.stringify writes it (true, "x", 2, 1e+21), so that a
    message quoting a config value reads the same in both languages (repr writes True, 'x', 2.0)."""
    if value is None or value is True or value is False:
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, (int, float)):
        return _js_number(value)
    if isinstance(value, str):
        return _js_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(json_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_js_string(key)}:{json_text(value[key])}" for key in _js_key_order(list(value))) + "}"
    return _js_string(str(value))


def _js_number(value: int | float) -> str:
    """Number.prototype.toString of the double JSON.parse makes of it (Python's repr has the
    same shortest digits, laid out otherwise)."""
    try:
        x = float(value)
    except OverflowError:
        return "null"  # JSON.parse makes Infinity of it, which JSON.stringify writes so
    if x != x or x in (float("inf"), float("-inf")):
        return "null"
    if x == 0:
        return "0"
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    n = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(digits))  # x = 0.digits * 10**n
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        text = digits[0] + (f".{digits[1:]}" if k > 1 else "") + f"e{'+' if n >= 1 else '-'}{abs(n - 1)}"
    return ("-" if x < 0 else "") + text


def _js_string(text: str) -> str:
    escaped = json.dumps(text, ensure_ascii=False)  # the same escapes as JSON.stringify, but for lone surrogates
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", escaped)


def _js_key_order(keys: list[str]) -> list[str]:
    """JavaScript's property order: integer-like keys ascending, then the rest as inserted."""
    index = [key for key in keys if re.fullmatch("0|[1-9][0-9]*", key) and int(key) < 2**32 - 1]
    return sorted(index, key=int) + [key for key in keys if key not in index]


def json_object(output: str, python_constants: bool = False) -> dict[str, Any] | None:
    """The output as a JSON object, parsed as JavaScript's JSON.parse does (no NaN or
    Infinity, numbers as doubles), or None; `python_constants`: NaN, Infinity and -Infinity
    read as numbers, as Python's json.loads (the reference's) reads them."""

    def reject(name: str) -> Any:
        raise ValueError(name)

    if not _json_depth_within(output, MAX_JSON_DEPTH):
        return None
    try:
        value = json.loads(output, parse_int=float, parse_constant=float if python_constants else reject)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


# `.` of Python's re excludes only "\n"; spelled out so TypeScript's regex means the same.
_FORMULA_RE = re.compile(r'"formula": "([^\n]*?)"')
_CARDS_RE = re.compile(r'"cards": \[([^\]]+)\]')
_NUMBER_RE = re.compile(r'"number": \[([^\]]+)\]')


def reference_field(output: str, key: str, pattern: re.Pattern[str], python_constants: bool = False) -> Any:
    """The reference's re_match: the JSON value of any type where the output is a JSON object
    with this key, else the pattern's group, else "None"."""
    parsed = json_object(output, python_constants)
    if parsed is not None and key in parsed:
        return parsed[key]
    match = pattern.search(output)
    return match.group(1) if match else "None"


def _reference_list(raw: Any) -> list[str]:
    """The reference's clean-up: strip [ ] ' and spaces, split on commas, 4 items or none
    (quirk: a JSON list is not a string, the clean-up fails, and the list is empty)."""
    if not isinstance(raw, str):
        return []
    items = raw.replace("[", "").replace("]", "").replace("'", "").replace(" ", "").split(",")
    return items if len(items) == 4 else []


def reference_formula(output: str) -> tuple[str, bool]:
    """The formula cut at its first '=', and whether a formula field was found at all
    (when not, the reference goes on with the string 'None')."""
    parsed = json_object(output, python_constants=True)
    if parsed is not None and isinstance(parsed.get("formula"), str):
        return parsed["formula"].split("=")[0], True
    match = _FORMULA_RE.search(output)
    return (match.group(1).split("=")[0], True) if match else ("None", False)


@dataclass(frozen=True)
class ParsedAnswer:
    formula: str | None  # None: no formula field found
    cards: list[str]  # recognized card labels ([] when absent or malformed)
    numbers: list[str]  # the "number" field's items ([] when absent or malformed)
    cards_found: bool  # False: no cards field at all (unreadable output, not a misread)


def _python_ints(items: list[str]) -> bool:
    """Whether Python's int() reads every item."""
    try:
        [int(item) for item in items]
    except ValueError:
        return False
    return True


def _reference_cards(output: str) -> list[str] | None:
    """The cards field as the reference reads it, None when there is none (quirk: a list the
    regex finds whose items are all Python ints, `"cards": [2, 3, 4, 10]`, becomes a list of
    ints, whose clean-up fails: no cards recognized)."""
    parsed = json_object(output, python_constants=True)
    if parsed is not None and "cards" in parsed:
        return _reference_list(parsed["cards"])
    match = _CARDS_RE.search(output)
    if match is None:
        return None
    if _python_ints(match.group(1).split(", ")):
        return []
    return _reference_list(match.group(1))


def parse_reference(output: str) -> ParsedAnswer:
    formula, found = reference_formula(output)
    cards = _reference_cards(output)
    numbers = _reference_list(reference_field(output, "number", _NUMBER_RE, python_constants=True))
    return ParsedAnswer(formula if found else None, cards or [], numbers, cards is not None)


# Strict parsing: JSON first, then tolerant field patterns (single or double quotes,
# any ASCII spacing, trailing commas); only ASCII classes so both languages agree.
_SPACE = "[ \\t\\r\\n]*"
_STRICT_FORMULA_RE = re.compile(rf"""["']formula["']{_SPACE}:{_SPACE}(?:"([^"\n]*)"|'([^'\n]*)')""")
_STRICT_LIST_RE = {k: re.compile(rf"""["']{k}["']{_SPACE}:{_SPACE}\[([^\]]*)\]""") for k in ("cards", "number")}
_LABEL_ALIASES = {"T": "10", "1": "A", "ACE": "A", "JACK": "J", "QUEEN": "Q", "KING": "K", "11": "J", "12": "Q", "13": "K"}


def _json_item(x: Any) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return str(int(x))
    return ""


def _strict_items(raw: Any) -> list[str]:
    if isinstance(raw, list):
        return [_json_item(x) for x in raw]
    if isinstance(raw, str):
        return [item.strip(" \t\r\n'\"") for item in raw.split(",")] if raw.strip(" \t\r\n") else []
    return []


def normalize_label(label: str) -> str:
    upper = "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in label.strip(" \t\r\n"))  # ASCII only
    return _LABEL_ALIASES.get(upper, upper)


def parse_strict(output: str) -> ParsedAnswer:
    parsed = json_object(output)
    formula: str | None = None
    if parsed is not None and isinstance(parsed.get("formula"), str):
        formula = parsed["formula"]
    else:
        match = _STRICT_FORMULA_RE.search(output)
        if match:
            formula = match.group(1) if match.group(1) is not None else match.group(2)
    lists: dict[str, list[str] | None] = {}
    for key, pattern in _STRICT_LIST_RE.items():
        if parsed is not None and key in parsed:
            lists[key] = _strict_items(parsed[key])
        else:
            match = pattern.search(output)
            lists[key] = _strict_items(match.group(1)) if match else None
    cards = lists["cards"]
    return ParsedAnswer(formula, [normalize_label(c) for c in cards or []], lists["number"] or [], cards is not None)


# ---------------------------------------------------------------------------- verifiers


@dataclass(frozen=True)
class Verdict:
    reward: float
    message: str
    recognized: bool | None  # vision: were the four cards recognized
    failure_mode: str | None  # None when correct


def _decimal_value(token: str) -> str:
    """int(token) of a Unicode decimal digit string, as canonical ASCII digits."""
    digits = "".join(str(unicodedata.decimal(ch)) for ch in token).lstrip("0")
    return digits or "0"


def _py_int_list(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _first_seen(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


_REFERENCE_TOKEN_RE = re.compile(r"\d+|[+\-*/()]")  # quirk: \d is any Unicode decimal digit
_OPERATOR_SET = frozenset("+-*/")
_OPENERS = frozenset("+-*/(")
_SYMBOLS = frozenset("+-*/()")


def _python_eval(tokens: list[str]) -> float | None:
    """Python's eval of a formula over these tokens: IEEE doubles with true division; None
    where eval raises (syntax error, a leading-zero number, division by zero, parentheses
    nested deeper than its parser takes)."""
    if nesting(tokens) > MAX_NESTING:
        return None
    for t in tokens:
        if t in _SYMBOLS:
            continue
        if not all("0" <= ch <= "9" for ch in t):
            return None  # SyntaxError: Python literals are ASCII digits only
        if len(t) > 1 and t[0] == "0" and t.strip("0"):
            return None  # SyntaxError: leading zeros in decimal integer literals
    pos = 0

    def atom() -> float:
        nonlocal pos
        if pos >= len(tokens):
            raise SyntaxError
        t = tokens[pos]
        pos += 1
        if t == "(":
            v = expr()
            if pos >= len(tokens) or tokens[pos] != ")":
                raise SyntaxError
            pos += 1
            return v
        if t in _SYMBOLS:
            raise SyntaxError
        return float(t)  # exact: every number here is a card value

    def term() -> float:
        nonlocal pos
        v = atom()
        while pos < len(tokens) and tokens[pos] in ("*", "/"):
            op = tokens[pos]
            pos += 1
            w = atom()
            if op == "*":
                v = v * w
            elif w == 0:
                raise ZeroDivisionError
            else:
                v = v / w
        return v

    def expr() -> float:
        nonlocal pos
        v = term()
        while pos < len(tokens) and tokens[pos] in ("+", "-"):
            op = tokens[pos]
            pos += 1
            w = term()
            v = v + w if op == "+" else v - w
        return v

    try:
        value = expr()
        if pos != len(tokens):
            return None
        return value
    except (SyntaxError, ZeroDivisionError):
        return None


def _rule_collapsed(numbers: list[str], hand: Hand, face_cards: str, training_face_cards: str | None) -> bool:
    """Rule collapse: under a rule other than the training one (None: this one, so none is), the
    formula's numbers are the hand's with one or more face cards valued by the training rule (J as
    10 when J = 11)."""
    if training_face_cards is None or training_face_cards == face_cards:
        return False
    trained = [card_value(c, training_face_cards) for c in hand.cards]
    collapsible = [i for i, (value, t) in enumerate(zip(hand.values, trained)) if value != t]
    used = sorted(numbers)
    for chosen in range(1, 1 << len(collapsible)):  # each non-empty set of face cards valued the training way
        values = [trained[i] if i in collapsible and chosen >> collapsible.index(i) & 1 else v for i, v in enumerate(hand.values)]
        if sorted(str(v) for v in values) == used:
            return True
    return False


def _recognized(config: GeneralPointsConfig, hand: Hand, answer: ParsedAnswer) -> bool | None:
    if config.modality != "vision":
        return None
    return sorted(answer.cards) == sorted(hand.cards)


def _unrecognized_mode(answer: ParsedAnswer) -> str:
    """A misread hand is recognition; an answer with no cards field at all is format."""
    return "recognition" if answer.cards_found else "format"


def verify_reference(config: GeneralPointsConfig, hand: Hand, output: str, training_face_cards: str | None = None) -> Verdict:
    answer = parse_reference(output)
    recognized = _recognized(config, hand, answer)
    if recognized is False:
        return Verdict(-1.5, "you recognized wrong cards", False, _unrecognized_mode(answer))
    formula = answer.formula if answer.formula is not None else "None"
    tokens = _REFERENCE_TOKEN_RE.findall(formula)
    if "".join(tokens) != formula:
        mode = "format" if answer.formula is None else "illegal-formula"
        return Verdict(-3, "illegal characters.", recognized, mode)

    reward = 0.0
    messages: list[str] = []
    illegal = False
    previous: str | None = None
    depth = 0
    for t in tokens:
        after_value = previous is not None and previous not in _OPENERS  # a number or ')'
        if t == "(":
            if after_value:
                reward -= 3
                messages.append("invalid sequence before '('")
                illegal = True
            else:
                depth += 1  # an illegal '(' is not opened, so its ')' is unmatched too
        elif t == ")":
            if after_value and depth > 0:
                depth -= 1
            elif after_value:
                reward -= 3
                messages.append("unmatched closing parenthesis")
                illegal = True
            else:
                reward -= 3
                messages.append("invalid sequence after ')'")
                illegal = True
        elif t in _OPERATOR_SET:
            if not after_value:
                reward -= 3
                messages.append("invalid sequence after operator")
                illegal = True
        elif after_value:
            reward -= 3
            messages.append("invalid sequence after number")
            illegal = True
        previous = t

    numbers = [_decimal_value(t) for t in tokens if t not in _SYMBOLS]
    card_numbers = [str(v) for v in hand.values]
    invalid = _first_seen([n for n in numbers if n not in card_numbers])
    if invalid:
        reward -= 2
        messages.append(f"you used invalid numbers: {_py_int_list(invalid)}")
    else:
        overused = _first_seen([n for n in numbers if numbers.count(n) > card_numbers.count(n)])
        if overused:
            reward -= 2
            messages.append(f"you used numbers: {_py_int_list(overused)} too many times")
    unused = _first_seen([n for n in card_numbers if numbers.count(n) < card_numbers.count(n)])
    if unused:
        reward -= 2
        messages.append(f"you didn't use numbers: {_py_int_list(unused)}")

    if messages:
        if _rule_collapsed(numbers, hand, config.faceCards, training_face_cards):
            mode = "rule-collapse"
        else:
            mode = "illegal-formula" if illegal else "wrong-numbers"
        return Verdict(reward, ", ".join(messages) + ".", recognized, mode)

    value = _python_eval(tokens)
    if value is not None and value == config.target:
        return Verdict(CORRECT_REWARD, "Correct solution.", recognized, None)
    # the reference scores a formula eval refuses (unclosed "(", a trailing operator, division by zero) as a wrong value
    mode = "illegal-formula" if value is None else "arithmetic"
    if value is None and any(s.startswith(formula) for s in hand.solutions):
        return Verdict(1, "partial solution.", recognized, mode)
    prefix = ""
    for i, t in enumerate(tokens):
        candidate = prefix + t
        if not any(s.startswith(candidate) for s in hand.solutions):
            message = (
                "your formula does not match any solution"
                if i == 0
                else f"{prefix} is partially correct but the full formula does not match any solution"
            )
            return Verdict(-1, message + ".", recognized, mode)
        prefix = candidate
    return Verdict(0, ".", recognized, mode)  # quirk: e.g. 8/(3-8/3) is 23.999...


_STRICT_SPACE = " \t\n\r\f\v"
_STRICT_TOKEN_RE = re.compile(r"[0-9]+|[+\-*/()]")
_STRICT_ALPHABET = frozenset("0123456789+-*/()")


def verify_strict(config: GeneralPointsConfig, hand: Hand, output: str, training_face_cards: str | None = None) -> Verdict:
    answer = parse_strict(output)
    recognized = _recognized(config, hand, answer)
    if recognized is False:
        return Verdict(-1.5, "you recognized the wrong cards.", False, _unrecognized_mode(answer))
    if answer.formula is None:
        return Verdict(-3, 'no formula found: answer with a JSON object that has a "formula" field.', recognized, "format")
    formula = answer.formula.split("=")[0].replace("\u00d7", "*").replace("\u00f7", "/")
    formula = "".join(ch for ch in formula if ch not in _STRICT_SPACE)
    if formula == "":
        return Verdict(-3, "the formula is empty.", recognized, "illegal-formula")
    bad = next((ch for ch in formula if ch not in _STRICT_ALPHABET), None)
    if bad is not None:
        return Verdict(-3, f"illegal character U+{ord(bad):04X} in the formula: use digits and + - * / ( ) only.", recognized, "illegal-formula")
    tokens = _STRICT_TOKEN_RE.findall(formula)
    try:
        parser = _ExactParser(tokens)
        value = parser.parse()
    except _FormulaError as exc:
        return Verdict(-3, f"illegal formula: {exc}.", recognized, "illegal-formula")
    numbers = [t.lstrip("0") or "0" for t in tokens if t.isdigit()]
    if sorted(numbers) != sorted(str(v) for v in hand.values):
        mode = "rule-collapse" if _rule_collapsed(numbers, hand, config.faceCards, training_face_cards) else "wrong-numbers"
        used = ", ".join(numbers)
        cards = ", ".join(str(v) for v in hand.values)
        return Verdict(-2, f"use each card's number exactly once: the cards are [{cards}], your formula uses [{used}].", recognized, mode)
    if parser.division_by_zero:
        return Verdict(-3, "illegal formula: division by zero.", recognized, "illegal-formula")
    if value == (config.target, 1):
        return Verdict(CORRECT_REWARD, "Correct solution.", recognized, None)
    return Verdict(-1, f"your formula evaluates to {format_rational(value)}, not {config.target}.", recognized, "arithmetic")


def verify(config: GeneralPointsConfig, hand: Hand, output: str, training_face_cards: str | None = None) -> Verdict:
    """Reward and message of one attempt. Defined for every string, never raises.
    `training_face_cards`: the training environment's faceCards, against which an answer is
    rule collapse (default: this environment's own, so none is)."""
    training = training_face_cards or config.faceCards
    if config.verifier == "reference":
        return verify_reference(config, hand, output, training)
    return verify_strict(config, hand, output, training)


# ---------------------------------------------------------------------------- episodes


@dataclass(frozen=True)
class Step:
    reward: float
    message: str
    done: bool
    success: bool
    truncated: bool
    next_prompt: str | None  # the user turn appended for the next attempt, None when done
    recognized: bool | None
    failure_mode: str | None
    new_chat: bool = False  # the next prompt always extends the chat (V-IRL's moves start a new one)

    @property
    def correct(self) -> bool:
        """The verifier accepted the attempt: in GeneralPoints, it solved the hand."""
        return self.success


class GeneralPointsEpisode:
    """One episode with sequential revision: up to maxVerify scored attempts."""

    def __init__(self, config: GeneralPointsConfig, seed: int, training_face_cards: str | None = None) -> None:
        self.config = config
        self.seed = seed
        self.training_face_cards = training_face_cards  # the rule collapse is measured against (None: config's)
        self.hand = deal(config, seed)
        self.prompt = prompt(config, self.hand)
        self.attempts = 0
        self.done = False
        self.success = False

    def step(self, output: str) -> Step:
        if self.done:
            raise RuntimeError("the episode is over; reset to start another")
        if self.attempts >= self.config.maxVerify:  # reference only: strict ends before
            self.done = True
            return Step(-1, "step_limit_reached", True, False, True, None, None, "budget-exhausted")
        self.attempts += 1
        verdict = verify(self.config, self.hand, output, self.training_face_cards)
        self.success = verdict.reward == CORRECT_REWARD
        out_of_attempts = self.config.verifier == "strict" and self.attempts >= self.config.maxVerify
        self.done = self.success or out_of_attempts
        next_prompt = None if self.done else failure_turn(verdict.message)
        return Step(verdict.reward, verdict.message, self.done, self.success, self.done and not self.success, next_prompt, verdict.recognized, verdict.failure_mode)

    expert_action = None  # no per-turn expert action: the record's state holds the solutions

    def observation_image(self) -> Any:
        """Vision: the four cards as one image; None for language."""
        if self.config.modality != "vision":
            return None
        from ptlab.envs.cards import render_hand

        return render_hand(self.hand.cards, self.hand.suits)

    def state(self) -> dict[str, Any]:
        return {"cards": self.hand.cards, "suits": self.hand.suits, "values": self.hand.values, "solutions": list(self.hand.solutions[:20])}

    record_state = state  # the episode record's `state`
