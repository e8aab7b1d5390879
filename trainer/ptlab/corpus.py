"""The synthetic corpus `embedded:gp-base` is pretrained on (docs/base-model.md).

What a pretrained instruction model brings to GeneralPoints, and nothing of its evaluation:
  - card-values  read card labels under a face-card rule stated in the prompt, in varied
                 wording and with varied values (J, Q, K each worth 1-13; sometimes the
                 10/10/10 or 11/12/13 conventions), and list the numbers;
  - arithmetic   evaluate an expression over small integers exactly (fractions as a/b);
  - make-target  combine four numbers with + - * / and brackets into a target;
  - card-puzzle  the same in GeneralPoints' prompt and answer format, with a stated rule
                 and a target other than 24;
  - revision     a card puzzle answered wrongly first (a wrong value, a wrong or repeated
                 number, an illegal formula or no formula; context, not trained:
                 `"train": false`), the verifier's message, then a right answer;
  - twenty-four  the 24 game as a pretrained model knows it: GeneralPoints' prompt with the
                 target 24, a solvable hand with at least one face card, under a face rule
                 that gives the hand's face cards numbers neither evaluation rule (all 10;
                 11, 12, 13) gives them, so no episode of either rule (ID or OOD, any seed)
                 is in it; half the rules J = Q = K (worded as the ID prompt words its
                 rule), half not (as the OOD prompt does); not in the default mix.
The default mix (MIX, the one embedded:gp-base v1 was built from) has no example with the
target 24. A recipe may name another mix (`sft.data.mix`); tasks keep their order, so the
default mix's corpus is the same whatever tasks are added after it.
Each example is a chat (the SFT data format) generated from its own seed by the portable
PRNG, so the corpus is a pure function of (seed, index).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable, Iterator

from ptlab import corpus_virl
from ptlab.envs import generalpoints as gp
from ptlab.envs.prng import Rng

FACES = ("J", "Q", "K")
GP_TARGET = 24  # GeneralPoints' target: only the twenty-four task asks for it

# (task, share of the corpus in thousandths): the default mix
MIX = (("card-values", 150), ("arithmetic", 200), ("make-target", 150), ("card-puzzle", 350), ("revision", 150))
EVALUATION_RULES = ({"J": 10, "Q": 10, "K": 10}, {"J": 11, "Q": 12, "K": 13})  # GeneralPoints' two face rules

RULE_WORDINGS = (
    "Note that 'J', 'Q', and 'K' count as '{J}', '{Q}', and '{K}' respectively.",
    "Here J is worth {J}, Q is worth {Q} and K is worth {K}.",
    "Face cards: J = {J}, Q = {Q}, K = {K}; every other card counts its rank (A = 1).",
    "In this game a Jack counts as {J}, a Queen as {Q} and a King as {K}.",
    "Count 'J' as {J}, 'Q' as {Q} and 'K' as {K}.",
)
SAME_VALUE_WORDINGS = (
    "Note that 'J', 'Q', and 'K' count as '{J}'.",
    "All face cards (J, Q, K) are worth {J}.",
)
VALUE_QUESTIONS = (
    "What numbers are on these cards?",
    "List the value of each card, in order.",
    "Give the numbers of the cards as a list.",
)


def face_values(rng: Rng) -> dict[str, int]:
    """A face-card rule: the two conventions sometimes, otherwise each face any value 1-13."""
    kind = rng.below(10)
    if kind < 2:
        return {"J": 10, "Q": 10, "K": 10}
    if kind < 4:
        return {"J": 11, "Q": 12, "K": 13}
    return {face: rng.between(1, 13) for face in FACES}


def rule_sentence(rng: Rng, faces: dict[str, int]) -> str:
    same = faces["J"] == faces["Q"] == faces["K"]
    wordings = SAME_VALUE_WORDINGS + RULE_WORDINGS if same else RULE_WORDINGS
    return wordings[rng.below(len(wordings))].format(**faces)


def value_of(card: str, faces: dict[str, int]) -> int:
    return faces.get(card, gp.RANKS.index(card) + 1)


def random_formula(rng: Rng, numbers: list[int]) -> str:
    """The numbers shuffled, joined by random operators, with one of the solver's bracket placements."""
    values = [str(v) for v in numbers]
    rng.shuffle(values)
    tokens = [values[0]]
    for value in values[1:]:
        tokens += [gp.OPERATORS[rng.below(4)], value]
    if len(numbers) == 4:
        brackets = gp.REFERENCE_BRACKETS[rng.below(len(gp.REFERENCE_BRACKETS))]
        for point, bracket in zip(brackets, "()" * (len(brackets) // 2)):
            tokens.insert(point, bracket)
    return "".join(tokens)


def exact_value(formula: str) -> Fraction | None:
    """The formula's exact value (None on division by zero)."""
    value = gp._eval_tokens(gp._STRICT_TOKEN_RE.findall(formula))
    return None if value is None else Fraction(*value)


def show(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def puzzle(rng: Rng) -> tuple[list[str], dict[str, int], int, str]:
    """Four cards, a face rule, a target other than 24 reachable from them, and a formula reaching it."""
    while True:
        cards = [gp.RANKS[rng.below(13)] for _ in range(4)]
        faces = face_values(rng)
        formula = random_formula(rng, [value_of(c, faces) for c in cards])
        value = exact_value(formula)
        if value is not None and value.denominator == 1 and 1 <= value <= 100 and value != GP_TARGET:
            return cards, faces, int(value), formula


def card_values(rng: Rng) -> list[dict[str, Any]]:
    cards = [gp.RANKS[rng.below(13)] for _ in range(4)]
    faces = face_values(rng)
    question = VALUE_QUESTIONS[rng.below(len(VALUE_QUESTIONS))]
    numbers = ", ".join(str(value_of(c, faces)) for c in cards)
    return [{"role": "user", "content": f"Cards: {gp._py_list_repr(cards)}\n{rule_sentence(rng, faces)}\n{question}"}, {"role": "assistant", "content": f"[{numbers}]"}]


def arithmetic(rng: Rng) -> list[dict[str, Any]]:
    while True:
        formula = random_formula(rng, [rng.between(1, 13) for _ in range(rng.between(2, 4))])
        value = exact_value(formula)
        if value is not None:
            return [{"role": "user", "content": f"Compute {formula}."}, {"role": "assistant", "content": f"{formula} = {show(value)}"}]


def make_target(rng: Rng) -> list[dict[str, Any]]:
    while True:
        numbers = [rng.between(1, 13) for _ in range(4)]
        formula = random_formula(rng, numbers)
        value = exact_value(formula)
        if value is not None and value.denominator == 1 and 1 <= value <= 100 and value != GP_TARGET:
            listed = ", ".join(map(str, numbers[:3])) + f" and {numbers[3]}"
            return [{"role": "user", "content": f"Use {listed} each exactly once with + - * / and brackets to make {value}."}, {"role": "assistant", "content": formula}]


def gp_face_text(faces: dict[str, int]) -> str:
    """The rule as GeneralPoints' prompt words its two rules (gp.FACE_TEXT), for any values."""
    if faces["J"] == faces["Q"] == faces["K"]:
        return "'J', 'Q', and 'K' count as '{J}'.".format(**faces)
    return "'J', 'Q', and 'K' count as '{J}', '{Q}', and '{K}' respectively.".format(**faces)


def card_prompt(rng: Rng, cards: list[str], faces: dict[str, int], target: int) -> str:
    """GeneralPoints' language prompt with this target and rule: half the time word for word as
    the environment writes it (its rule sentence in two places), else with the rule reworded once."""
    if rng.below(2):
        face = gp_face_text(faces)
        note, where = f"Note that {face}, and each card must be used once.", f", where {face}"
    else:
        note, where = f"{rule_sentence(rng, faces)} Each card must be used once.", ""
    return (
        "\n[Task Description]\n"
        f"You are an expert {target} points card game player. You will receive a set of 4 cards.\n"
        f"{note}\n"
        f"Your goal is to output a formula that evaluates to {target} using numbers from the cards "
        "and operators such as '+', '-', '*', '/', '(', ')', and '='.\n\n"
        f"[Input]\nCards: {gp._py_list_repr(cards)}\n\n"
        "[Output]\n{\n"
        f'  "cards": [x, y, z, w]{where},\n'
        '  "number": [a, b, c, d], where a, b, c, and d are the numbers on the cards,\n'
        f"  \"formula\": 'an equation that equals {target}',\n"
        "}\n\n"
    )


def _hand(cards: list[str], faces: dict[str, int]) -> gp.Hand:
    return gp.Hand(cards, ["spades"] * 4, [value_of(c, faces) for c in cards], ())


def card_puzzle(rng: Rng) -> list[dict[str, Any]]:
    cards, faces, target, formula = puzzle(rng)
    return [{"role": "user", "content": card_prompt(rng, cards, faces, target)}, {"role": "assistant", "content": gp.expert_response(_hand(cards, faces), formula)}]


def mistake(rng: Rng, hand: gp.Hand) -> str:
    """A wrong answer of the kinds a model gives: a wrong value, a wrong or missing number, an
    illegal formula, or no formula at all (what the verifier's messages answer)."""
    kind = rng.below(10)
    numbers = list(hand.values)
    if kind < 4:
        return gp.expert_response(hand, random_formula(rng, numbers))
    if kind < 7:  # a number that is not a card's, or a card's twice
        numbers[rng.below(4)] = rng.between(1, 13) if rng.below(2) else numbers[rng.below(4)]
        return gp.expert_response(hand, random_formula(rng, numbers))
    if kind < 9:  # unbalanced brackets or a dangling operator
        formula = random_formula(rng, numbers)
        broken = "(" + formula if rng.below(2) else formula + gp.OPERATORS[rng.below(4)]
        return gp.expert_response(hand, broken)
    return "\n}"


def revision(rng: Rng) -> list[dict[str, Any]]:
    """A card puzzle with 1-2 wrong answers (context only) and the strict verifier's messages."""
    cards, faces, target, formula = puzzle(rng)
    hand, config = _hand(cards, faces), gp.GeneralPointsConfig(target=target)
    messages: list[dict[str, Any]] = [{"role": "user", "content": card_prompt(rng, cards, faces, target)}]
    for _ in range(rng.between(1, 2)):
        wrong = mistake(rng, hand)
        verdict = gp.verify_strict(config, hand, wrong)
        if verdict.reward == gp.CORRECT_REWARD:
            continue
        messages += [{"role": "assistant", "content": wrong, "train": False}, {"role": "user", "content": gp.failure_turn(verdict.message)}]
    messages.append({"role": "assistant", "content": gp.expert_response(hand, formula)})
    return messages


def other_face_values(rng: Rng, cards: list[str], same_value: bool) -> dict[str, int]:
    """A face rule under which these cards' numbers are neither evaluation rule's, so the hand
    with its answer is no episode of either. A rule differing from both is not enough: under
    J, Q, K = 11, 10, 13 a hand whose one face card is a J is the OOD rule's episode.
    same_value: J = Q = K (never 10, the ID rule), else each face any value."""
    while True:
        if same_value:
            faces = dict.fromkeys(FACES, rng.between(1, 13))
        else:
            faces = {face: rng.between(1, 13) for face in FACES}
        values = [value_of(card, faces) for card in cards]
        if all(values != [value_of(card, rule) for card in cards] for rule in EVALUATION_RULES):
            return faces


def twenty_four(rng: Rng) -> list[dict[str, Any]]:
    """GeneralPoints' prompt with the target 24 for a solvable hand holding a face card, under
    a rule under which the hand's numbers are neither evaluation rule's; half the rules give J,
    Q and K one value, so GeneralPoints' wording of a one-value rule (the ID prompt's) is as
    common as its three-value one (the OOD prompt's). The answer is the expert's (the first
    solution of the hand's value multiset, as GeneralPoints' SFT data writes it): one answer
    per multiset is what a small model can learn in CPU minutes, where random solutions split
    its probability."""
    same_value = rng.below(2) == 0
    while True:
        cards = [gp.RANKS[rng.below(13)] for _ in range(4)]
        if not any(card in FACES for card in cards):
            continue
        faces = other_face_values(rng, cards, same_value)
        hand = _hand(cards, faces)
        found = gp.solutions(list(hand.values), GP_TARGET, "strict")
        if found:
            return [{"role": "user", "content": card_prompt(rng, cards, faces, GP_TARGET)}, {"role": "assistant", "content": gp.expert_response(hand, found[0])}]


# V-IRL's tasks (ptlab.corpus_virl, embedded:virl-base) come after GeneralPoints': a mix's order, and so its corpus, stays as it was
TASKS: dict[str, Callable[[Rng], list[dict[str, Any]]]] = {"card-values": card_values, "arithmetic": arithmetic, "make-target": make_target, "card-puzzle": card_puzzle, "revision": revision, "twenty-four": twenty_four, **corpus_virl.TASKS}


class CorpusMixError(ValueError):
    pass


def resolve_mix(mix: dict[str, int] | None) -> tuple[tuple[str, int], ...]:
    """A recipe's mix (task -> thousandths) in TASKS' order; the default MIX when None.
    The shares must be known tasks and add up to 1000."""
    if mix is None:
        return MIX
    unknown = sorted(set(mix) - set(TASKS))
    if unknown:
        raise CorpusMixError(f"unknown task {', '.join(map(repr, unknown))} (the corpus's tasks: {', '.join(TASKS)})")
    if sum(mix.values()) != 1000:
        raise CorpusMixError(f"the shares are thousandths of the corpus and must add up to 1000; they add up to {sum(mix.values())}")
    return tuple((task, mix[task]) for task in TASKS if mix.get(task))


def example(seed: int, index: int, mix: tuple[tuple[str, int], ...] = MIX) -> dict[str, Any]:
    """The corpus's example number `index` (an SFT data record: messages and meta)."""
    rng = Rng((seed * 1_000_003 + index * 2_654_435_761) & 0xFFFFFFFF)
    pick, task = rng.below(1000), mix[-1][0]
    for name, share in mix:
        if pick < share:
            task = name
            break
        pick -= share
    return {"messages": TASKS[task](rng), "meta": {"task": task, "corpusSeed": seed, "index": index}}


def corpus(seed: int, count: int, mix: dict[str, int] | None = None) -> Iterator[dict[str, Any]]:
    shares = resolve_mix(mix)
    return (example(seed, i, shares) for i in range(count))
