"""GeneralPoints against the shared vectors (test/vectors/generalpoints.json) and its spec."""

import json

import pytest

import env_vectors as vectors
from ptlab.envs.generalpoints import (
    EnvConfigError,
    GeneralPointsConfig,
    GeneralPointsEpisode,
    Hand,
    complete_solutions,
    deal,
    expert_response,
    prompt,
    reference_solutions,
    solutions,
    verify,
)
from ptlab.envs.prng import Rng

VECTORS = json.loads(vectors.VECTORS_FILE.read_text(encoding="utf-8"))


def test_vectors_file_is_current():
    assert vectors.VECTORS_FILE.read_text(encoding="utf-8") == vectors.render(), "run: .venv/bin/python trainer/tests/env_vectors.py --write"


def test_vectors_cover_every_reward_branch():
    rewards = {c["expect"]["reward"] for c in VECTORS["verify"]}
    assert {5, 1, 0, -1, -1.5, -2, -3} <= rewards
    modes = {c["expect"]["failureMode"] for c in VECTORS["verify"]}
    assert {None, "format", "illegal-formula", "wrong-numbers", "arithmetic", "rule-collapse", "recognition"} <= modes
    assert len(VECTORS["verify"]) >= 500


def test_prng_known_values():
    # Pinned so a change to the generator cannot go unnoticed (TypeScript pins the same).
    rng = Rng(42)
    assert [rng.next_u32() for _ in range(3)] == [660444221, 3652823732, 77672526]
    rng = Rng(0)
    assert [rng.below(13) for _ in range(8)] == [4, 6, 7, 12, 5, 9, 9, 10]


@pytest.mark.parametrize("case", VECTORS["solutions"], ids=lambda c: ",".join(map(str, c["values"])))
def test_solver_vector(case):
    values = tuple(case["values"])
    assert list(reference_solutions(values, case["target"])) == case["reference"]
    assert list(complete_solutions(values, case["target"])) == case["complete"]


def test_complete_solver_agrees_with_a_plain_search():
    """The complete solver finds a solution exactly when an independent exhaustive search
    over pairs (Fractions) does, on a spread of multisets."""
    from fractions import Fraction
    from itertools import combinations_with_replacement

    def solvable(nums: list[Fraction]) -> bool:
        if len(nums) == 1:
            return nums[0] == 24
        for i in range(len(nums)):
            for j in range(len(nums)):
                if i == j:
                    continue
                rest = [n for k, n in enumerate(nums) if k not in (i, j)]
                a, b = nums[i], nums[j]
                results = [a + b, a - b, a * b] + ([a / b] if b != 0 else [])
                if any(solvable(rest + [r]) for r in results):
                    return True
        return False

    for m in list(combinations_with_replacement(range(1, 14), 4))[::23]:
        assert bool(complete_solutions(m, 24)) == solvable([Fraction(x) for x in m]), m


def test_reference_quirk_8_3_8_3():
    config = GeneralPointsConfig(verifier="reference")
    hand = Hand(["8", "3", "8", "3"], ["spades"] * 4, [8, 3, 8, 3], reference_solutions((3, 3, 8, 8), 24))
    assert "8/(3-8/3)" in hand.solutions
    verdict = verify(config, hand, '{"formula": "8/(3-8/3)"}')
    assert (verdict.reward, verdict.message) == (0, ".")
    strict = verify(GeneralPointsConfig(), Hand(["8", "3", "8", "3"], ["spades"] * 4, [8, 3, 8, 3], ()), '{"formula": "8/(3-8/3)"}')
    assert (strict.reward, strict.message) == (5, "Correct solution.")


def test_prompt_matches_the_spec_text():
    config = GeneralPointsConfig(verifier="reference")
    hand = Hand(["A", "5", "10", "K"], ["spades"] * 4, [1, 5, 10, 10], ())
    text = prompt(config, hand)
    assert text.startswith("\n[Task Description]\nYou are an expert 24 points card game player. You will receive a set of 4 cards.\n")
    assert "Note that 'J', 'Q', and 'K' count as '10'., and each card must be used once." in text
    assert "[Input]\nCards: ['A', '5', '10', 'K']\n\n[Output]\n{\n" in text
    assert text.endswith("  \"formula\": 'an equation that equals 24',\n}\n\n")
    vision = prompt(GeneralPointsConfig(modality="vision"), hand)
    assert "[Input]" not in vision
    assert "You are observing these four cards in the image.\n" in vision
    assert "[Output]\nYour response should be a valid json file in the following format:\n{" in vision


def test_the_expert_answer_is_one_the_verifier_rewards():
    """The first exact solution of J 2 6 5 is 2/5*6*10, 24.000000000000004 in Python's floats,
    which the reference verifier scores 0: the expert answers with the first that eval makes 24."""
    config = GeneralPointsConfig(verifier="reference")
    hand = Hand(["J", "2", "6", "5"], ["spades"] * 4, [10, 2, 6, 5], reference_solutions((10, 2, 6, 5), 24))
    assert hand.solutions[0] == "2/5*6*10" and verify(config, hand, expert_response(hand, hand.solutions[0])).reward == 0
    assert verify(config, hand, expert_response(hand)).reward == 5
    for raw in ({"verifier": "reference"}, {"verifier": "strict"}, {"verifier": "reference", "faceCards": "11-12-13", "modality": "vision"}):
        config = GeneralPointsConfig.from_dict({"env": "generalpoints", **raw})
        rewards = [verify(config, hand, expert_response(hand)).reward for hand in (deal(config, seed) for seed in range(1000))]
        assert rewards.count(5) >= 998, raw  # the rest: hands no float-exact formula solves (8/(3-8/3))


def test_expert_response_format():
    hand = Hand(["A", "5", "10", "K"], ["spades"] * 4, [1, 5, 10, 10], ("10+10+5-1",))
    assert expert_response(hand) == '\n{\n  "cards": [\'A\', \'5\', \'10\', \'K\'],\n  "number": [1, 5, 10, 10],\n  "formula": "10+10+5-1",\n}'


@pytest.mark.parametrize("case", VECTORS["verify"], ids=lambda c: f"{c['config']['verifier']}-{c['config']['modality']}-{c['config']['faceCards']}-{''.join(c['cards'])}: {c['name']}")
def test_verify_vector(case):
    config = GeneralPointsConfig.from_dict(case["config"])
    from ptlab.envs.server import _hand

    verdict = verify(config, _hand(config, {"cards": case["cards"], "suits": ["spades", "hearts", "clubs", "diamonds"]}), case["output"], case["trainingFaceCards"])
    got = {"reward": verdict.reward, "message": verdict.message, "recognized": verdict.recognized, "failureMode": verdict.failure_mode}
    assert got == case["expect"]


@pytest.mark.parametrize("case", VECTORS["deal"], ids=lambda c: f"{json.dumps(c['config'])}-{c['seed']}")
def test_deal_vector(case):
    config = GeneralPointsConfig.from_dict(case["config"])
    hand = deal(config, case["seed"])
    assert [hand.cards, hand.suits, hand.values, len(hand.solutions), hand.solutions[0]] == [case["cards"], case["suits"], case["values"], case["solutions"], case["firstSolution"]]
    assert vectors._sha256(prompt(config, hand)) == case["promptSha256"]
    if config.sampling == "at-least-one-face":
        assert any(c in ("J", "Q", "K") for c in hand.cards)
    if config.suits != "all":
        assert set(hand.suits) <= ({"spades", "clubs"} if config.suits == "black" else {"hearts", "diamonds"})


@pytest.mark.parametrize("case", VECTORS["trajectories"], ids=lambda c: f"{json.dumps(c['config'])}-{c['seed']}-{c['wrongAttempts']}")
def test_trajectory_vector(case):
    from dataclasses import asdict

    from ptlab.envs.generalpoints import suboptimal_trajectory

    config = GeneralPointsConfig.from_dict(case["config"])
    turns = suboptimal_trajectory(config, deal(config, case["seed"]), case["seed"], case["wrongAttempts"])
    assert [asdict(t) for t in turns] == case["turns"]
    assert all(t.reward != 5 for t in turns[:-1])
    assert len(turns) - 1 <= min(case["wrongAttempts"], config.maxVerify - 1)


def test_episode_budget_reference_vs_strict():
    ref = GeneralPointsEpisode(GeneralPointsConfig(verifier="reference", maxVerify=2), 3)
    assert [ref.step("x").done for _ in range(2)] == [False, False]
    last = ref.step("x")
    assert (last.reward, last.message, last.done, last.truncated, last.failure_mode) == (-1, "step_limit_reached", True, True, "budget-exhausted")
    strict = GeneralPointsEpisode(GeneralPointsConfig(verifier="strict", maxVerify=2), 3)
    assert [strict.step("x").done for _ in range(2)] == [False, True]
    with pytest.raises(RuntimeError):
        strict.step("x")


@pytest.mark.parametrize("verifier", ["reference", "strict"])
def test_vision_output_with_no_cards_field_is_format_not_recognition(verifier):
    config = GeneralPointsConfig(verifier=verifier, modality="vision")
    hand = deal(config, 0)
    misread = verify(config, hand, '{"cards": ["2", "2", "2", "2"], "formula": "1+2"}')
    assert misread.failure_mode == "recognition"
    for output in ("I am not sure.", "", '{"formula": "1+2"}'):
        verdict = verify(config, hand, output)
        assert (verdict.reward, verdict.message, verdict.recognized, verdict.failure_mode) == (misread.reward, misread.message, False, "format"), output


def test_reference_formulas_python_cannot_evaluate_are_illegal_with_the_reference_s_score():
    config = GeneralPointsConfig(verifier="reference")
    hand = Hand(["6"] * 4, ["spades"] * 4, [6] * 4, solutions([6] * 4, 24, "reference"))
    cases = {
        "(6+6)+(6+6": (1, "partial solution.", "illegal-formula"),
        "(6+6+6+6": (-1, "(6+6+6 is partially correct but the full formula does not match any solution.", "illegal-formula"),
        "6+6+6+6+": (-1, "6+6+6+6 is partially correct but the full formula does not match any solution.", "illegal-formula"),
        "6/(6-6)+6": (-1, "6 is partially correct but the full formula does not match any solution.", "illegal-formula"),
        "6+6+6-6": (-1, "6+6+6 is partially correct but the full formula does not match any solution.", "arithmetic"),
    }
    for formula, expected in cases.items():
        verdict = verify(config, hand, '{"formula": "' + formula + '"}')
        assert (verdict.reward, verdict.message, verdict.failure_mode) == expected, formula


def test_strict_division_by_zero_with_every_card_is_an_illegal_formula_not_arithmetic():
    """The strict verifier reads the formula whole (exact rationals) and checks the cards first:
    one that uses every card and divides by zero is an illegal formula, never a wrong value."""
    config = GeneralPointsConfig(verifier="strict")
    hand = Hand(["10", "A", "10", "3"], ["spades"] * 4, [10, 1, 10, 3], solutions([10, 1, 10, 3], 24, "strict"))
    for formula in ("1*3/(10-10)", "(3-1)/(10-10)"):
        verdict = verify(config, hand, '{"formula": "' + formula + '"}')
        assert (verdict.reward, verdict.message, verdict.failure_mode) == (-3, "illegal formula: division by zero.", "illegal-formula"), formula


def test_reference_an_illegal_open_parenthesis_is_not_opened():
    """The reference pushes '(' only when it is legal, so its ')' is unmatched too."""
    config = GeneralPointsConfig(verifier="reference")
    hand = Hand(["2", "3", "4", "10"], ["spades"] * 4, [2, 3, 4, 10], reference_solutions((2, 3, 4, 10), 24))
    both = "invalid sequence before '(', unmatched closing parenthesis."
    cases = {"2(10+4)-3": (-6, both), "(2)(10+4)-3": (-6, both), "2*(10+4)(-3)": (-9, "invalid sequence before '(', invalid sequence after operator, unmatched closing parenthesis.")}
    for formula, expected in cases.items():
        verdict = verify(config, hand, '{"formula": "' + formula + '"}')
        assert (verdict.reward, verdict.message) == expected, formula


def test_reference_reads_json_with_python_s_constants_as_json_loads_does():
    """NaN and Infinity make the output no JSON in JavaScript, but the reference's json.loads
    reads them: its fields are the JSON's (the last of two formulas), not the patterns'."""
    config = GeneralPointsConfig(verifier="reference")
    hand = Hand(["2", "3", "4", "10"], ["spades"] * 4, [2, 3, 4, 10], reference_solutions((2, 3, 4, 10), 24))
    verdict = verify(config, hand, '{"formula": "2*3*4", "formula": "10+2*(4+3)", "number": [2, 3, 4, NaN]}')
    assert (verdict.reward, verdict.message) == (5, "Correct solution.")
    verdict = verify(config, hand, '{"cards": -Infinity, "formula": "2*3*4", "formula": "2*10+4"}')
    assert (verdict.reward, verdict.message) == (-2, "you didn't use numbers: [3].")
    vision = GeneralPointsConfig(verifier="reference", modality="vision")
    assert verify(vision, hand, '{"cards": Infinity, "formula": "2*3*4"}').failure_mode == "recognition"


@pytest.mark.parametrize("verifier", ["reference", "strict"])
def test_rule_collapse_of_some_face_cards_is_rule_collapse(verifier):
    config = GeneralPointsConfig(verifier=verifier, faceCards="11-12-13")  # a rule-OOD split, trained on all-10
    hand = Hand(["J", "Q", "2", "3"], ["spades"] * 4, [11, 12, 2, 3], solutions([11, 12, 2, 3], 24, verifier))
    for formula in ("10+12+2*3", "11+10+2+3", "10+10+2+3"):
        assert verify(config, hand, '{"formula": "' + formula + '"}', "all-10").failure_mode == "rule-collapse", formula
    for formula in ("10+12+2*4", "10+13+2+3"):
        assert verify(config, hand, '{"formula": "' + formula + '"}', "all-10").failure_mode == "wrong-numbers", formula


def test_failure_turn_is_the_sequential_revision_message():
    ep = GeneralPointsEpisode(GeneralPointsConfig(verifier="reference"), 5)
    step = ep.step("nothing")
    assert step.next_prompt == "You failed this trial because illegal characters."


@pytest.mark.parametrize(
    "raw,field",
    [
        ({"env": "generalpoints", "faceCards": "all-11"}, "environment.faceCards"),
        ({"env": "generalpoints", "target": 0}, "environment.target"),
        ({"env": "generalpoints", "maxVerify": True}, "environment.maxVerify"),
        ({"env": "generalpoints", "actionSpace": "relative"}, "environment.actionSpace"),
        ({"env": "virl"}, "environment.env"),
    ],
)
def test_invalid_config_names_the_field(raw, field):
    with pytest.raises(EnvConfigError, match=field.replace(".", r"\.")):
        GeneralPointsConfig.from_dict(raw)


@pytest.mark.parametrize("depth", [199, 200, 201, 5000])
def test_the_reference_evaluates_as_python_s_eval_at_its_parser_s_nesting_limit(depth):
    from ptlab.envs.generalpoints import _python_eval

    formula = "(" * depth + "6*4" + ")" * depth
    try:
        expected = eval(formula)  # noqa: S307 (the reference's own evaluation, on a formula made here)
    except (SyntaxError, RecursionError, MemoryError):
        expected = None
    assert _python_eval(["("] * depth + ["6", "*", "4"] + [")"] * depth) == expected


@pytest.mark.parametrize("output", ["", "\x00" * 10, "\ud800", "9" * 100_000, "(" * 50_000, '{"formula": "' + "(" * 50_000 + "6*4" + ")" * 50_000 + '"}', "{" * 5000, "٣" * 1000, "{\"formula\": \"" + "1+" * 20000 + "1\"}"])
@pytest.mark.parametrize("verifier", ["reference", "strict"])
def test_any_output_gets_a_defined_verdict(output, verifier):
    config = GeneralPointsConfig(verifier=verifier, modality="vision")
    hand = deal(config, 0)
    verdict = verify(config, hand, output)
    assert isinstance(verdict.reward, (int, float)) and isinstance(verdict.message, str)
