"""The pretrained bases: embedded:gp-base's synthetic corpus (deterministic, right, never
GeneralPoints' target), embedded:virl-base's (V-IRL-L's prompt on other cities' routes, the
experts' answers under the stated action space), their published weights (intact, the size the
issue allows) and their recipes (the first steps reproduce the published run's losses on the
same corpus, and from the same init: virl-base's starts from gp-base, until its republication
the gp-base before the current one)."""

import collections
import json
import os
import re
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from ptlab import corpus, models
from ptlab.envs import generalpoints as gp

# the bases whose weights ship: virl-base's recipe does not yet give a base that reads V-IRL-L's prompt (docs/base-model.md)
SHIPPED = ["gp-base", "virl-base"]

def test_the_corpus_is_a_pure_function_of_seed_and_index():
    assert list(corpus.corpus(7, 300)) == list(corpus.corpus(7, 300))
    assert corpus.example(7, 5) == list(corpus.corpus(7, 6))[5] and corpus.example(8, 5) != corpus.example(7, 5)
    tasks = {e["meta"]["task"] for e in corpus.corpus(7, 300)}
    assert tasks == {task for task, _ in corpus.MIX}


def _answer(text: str) -> tuple[list[int], str]:
    numbers = [int(n) for n in re.search(r'"number": \[([^\]]*)\]', text).group(1).split(", ")]
    return numbers, re.search(r'"formula": "([^"]*)"', text).group(1)


def _uses(formula: str) -> list[int]:
    return sorted(int(t) for t in re.findall(r"\d+", formula))


def test_every_corpus_answer_is_right_and_no_example_asks_for_24():
    """Arithmetic is exact, every puzzle's trained answer reaches its target with each card's
    number once (non-face cards by rank), a revision's wrong answers are context only and
    wrong, and the target 24 (GeneralPoints') never appears."""
    for example in corpus.corpus(3, 3000):
        messages, task = example["messages"], example["meta"]["task"]
        prompt, answer = messages[0]["content"], messages[-1]["content"]
        assert messages[-1]["role"] == "assistant" and messages[-1].get("train", True)
        assert not re.search(r"\b24 points|make 24\b|equals 24'", prompt), prompt
        if task == "arithmetic":
            formula, value = answer.split(" = ")
            assert corpus.show(corpus.exact_value(formula)) == value
        elif task == "make-target":
            target = int(re.search(r"to make (\d+)\.$", prompt).group(1))
            listed = sorted(int(n) for n in re.findall(r"\d+", prompt.split(" each ")[0]))
            assert target != 24 and corpus.exact_value(answer) == target and _uses(answer) == listed
        elif task == "card-values":
            cards = re.findall(r"'([^']+)'", prompt.splitlines()[0])
            values = [int(v) for v in answer.strip("[]").split(", ")]
            assert all(v == gp.RANKS.index(c) + 1 for c, v in zip(cards, values) if c not in corpus.FACES)
        else:
            target = int(re.search(r"expert (\d+) points", prompt).group(1))
            cards = re.findall(r"'([^']+)'", re.search(r"Cards: (\[.*\])", prompt).group(1))
            numbers, formula = _answer(answer)
            assert target != 24 and corpus.exact_value(formula) == Fraction(target) and _uses(formula) == sorted(numbers)
            assert all(n == gp.RANKS.index(c) + 1 for c, n in zip(cards, numbers) if c not in corpus.FACES)
            wrong = [m for m in messages[1:-1] if m["role"] == "assistant"]
            assert task == "revision" or not wrong  # (a revision whose random attempts all came out right has none)
            for attempt, reply in zip(wrong, [m for m in messages[2:] if m["role"] == "user"]):
                assert attempt["train"] is False and reply["content"].startswith("You failed this trial because ")
                if '"formula"' in attempt["content"]:  # a formula: wrong value, numbers or syntax
                    value = re.search(r"evaluates to (\S+), not (\d+)\.$", reply["content"])
                    assert (value and value.group(1) != value.group(2) == str(target)) or re.search(r"card's number|illegal", reply["content"]), reply


def test_the_twenty_four_task_is_the_24_game_under_rules_the_evaluation_never_uses():
    """Asked for in a mix: GeneralPoints' prompt with the target 24, a hand with a face card,
    a face rule (stated in the prompt) under which the hand's numbers are neither all-10's nor
    11-12-13's, so no evaluation episode, half the rules J = Q = K, so the ID prompt's wording of
    its rule is as common as the OOD prompt's; the expert's answer: the first solution of the
    hand's values, as GeneralPoints' SFT data answers that multiset."""
    mix = {"card-puzzle": 200, "twenty-four": 800}
    examples = [e for e in corpus.corpus(5, 600, mix) if e["meta"]["task"] == "twenty-four"]
    assert 420 < len(examples) < 540
    rules, same_value, id_wording = set(), 0, 0
    for example in examples:
        prompt, answer = example["messages"][0]["content"], example["messages"][-1]["content"]
        assert "expert 24 points card game player" in prompt and "equals 24'" in prompt
        cards = re.findall(r"'([^']+)'", re.search(r"Cards: (\[.*\])", prompt).group(1))
        assert any(c in corpus.FACES for c in cards)
        numbers, formula = _answer(answer)
        assert corpus.exact_value(formula) == 24 and _uses(formula) == sorted(numbers)
        assert formula == gp.solutions(numbers, 24, "strict")[0]
        assert all(n == gp.RANKS.index(c) + 1 for c, n in zip(cards, numbers) if c not in corpus.FACES)
        rule = _stated_rule(prompt)
        assert all(rule[c] == n for c, n in zip(cards, numbers) if c in corpus.FACES)
        assert all(numbers != [gp.card_value(c, evaluation_rule) for c in cards] for evaluation_rule in ("all-10", "11-12-13")), (cards, rule)
        rules.add(tuple(rule.values()))
        same_value += rule["J"] == rule["Q"] == rule["K"]
        id_wording += bool(re.search(r"count as '\d+'\.", prompt))
    assert len(rules) > 100  # rules vary
    assert 0.4 < same_value / len(examples) < 0.6 and 0.2 < id_wording / len(examples) < 0.4


def _stated_rule(prompt: str) -> dict[str, int]:
    """The face rule a corpus prompt states, read back through every wording the corpus uses."""
    wordings = (*corpus.RULE_WORDINGS, *corpus.SAME_VALUE_WORDINGS, "'J', 'Q', and 'K' count as '{J}', '{Q}', and '{K}' respectively.", "'J', 'Q', and 'K' count as '{J}'.")
    for wording in wordings:
        pattern = re.escape(wording).replace(r"\{J\}", r"(?P<J>\d+)").replace(r"\{Q\}", r"(?P<Q>\d+)").replace(r"\{K\}", r"(?P<K>\d+)")
        found = re.search(pattern, prompt)
        if found:
            values = {face: int(v) for face, v in found.groupdict().items()}
            return {face: values.get(face, values["J"]) for face in corpus.FACES}
    raise AssertionError(f"no rule stated in {prompt!r}")


def test_the_default_mix_is_v1s_and_a_mix_is_checked(tmp_path):
    """The default corpus is the one gp-base v1 was built from whatever tasks follow it; a mix names known tasks adding up to 1000."""
    assert corpus.resolve_mix(None) == corpus.MIX
    assert list(corpus.corpus(3, 50)) == list(corpus.corpus(3, 50, dict(corpus.MIX)))
    with pytest.raises(corpus.CorpusMixError, match="add up to 1000; they add up to 900"):
        corpus.resolve_mix({"card-puzzle": 900})
    from ptlab.config import load_experiment
    from ptlab.contracts import ContractViolation

    recipe = json.loads((Path(__file__).parents[2] / "examples" / "gp-base.pretrain.ptlab.json").read_text())
    recipe["sft"]["data"]["mix"] = {"card-puzzle": 600, "twenty-four": 300}
    path = tmp_path / "mix.ptlab.json"
    path.write_text(json.dumps(recipe))
    with pytest.raises(ContractViolation, match=r"mix\.ptlab\.json: /sft/data/mix: the shares are thousandths .* add up to 900"):
        load_experiment(path)
    recipe["sft"]["data"]["mix"] = {"card-puzzle": 700, "twenty-four": 300}
    path.write_text(json.dumps(recipe))
    assert load_experiment(path).sft.data.mix == {"card-puzzle": 700, "twenty-four": 300}
    recipe["sft"]["data"]["source"] = "environment"
    path.write_text(json.dumps(recipe))
    with pytest.raises(ContractViolation, match='/sft/data/mix: a mix of corpus tasks applies only to "source": "pretraining-corpus"'):
        load_experiment(path)


def test_gp_base_without_its_weights_names_the_command_that_builds_them(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "WEIGHTS_DIR", tmp_path)
    with pytest.raises(models.ModelFamilyError, match=r"embedded:gp-base.*not in this installation.*python -m ptlab pretrain"):
        models.resolve_model_path("embedded:gp-base")


@pytest.mark.parametrize("base", SHIPPED)
def test_the_published_base_is_intact_and_loads(base):
    from ptlab import pretrain

    folder = models.WEIGHTS_DIR / base
    manifest = json.loads((folder / models.MANIFEST).read_text())
    assert manifest["name"] == f"embedded:{base}" and pretrain.verify(folder) == []
    assert (folder / "model.safetensors").stat().st_size <= 25 * 2**20
    from ptlab.config import Model

    model, _ = models.load(Model(name=f"embedded:{base}", dtype="fp32"), "cpu")
    assert models.parameter_count(model) == manifest["parameters"]
    if base == "gp-base":  # 24 is never a target unless the mix asks for the 24 game (under face rules the evaluation never uses)
        assert manifest["corpus"]["excludedTarget"] == (None if manifest["corpus"]["mix"].get("twenty-four") else 24)
    assert len(manifest["firstLosses"]) == pretrain.FIRST_STEPS


# virl-base's recipe starts from gp-base, and the published virl-base was trained from gp-base v4
# (the weights before its republication from the fixed corpus; docs/base-model.md): its first
# steps' losses are those of that gp-base. Republishing virl-base (python -m ptlab pretrain --base
# virl-base) makes its recipe's init the shipped gp-base again; set this to that gp-base's hash.
VIRL_BASE_TRAINED_FROM_GP_BASE = "be16af09ad0f8c1b4d8ffc3d7d7a5c5399cddb8133bd756043f590d6ff4ab122"


def _recorded(fields: Any, record: Any) -> Any:
    """The record's values of these (nested) fields."""
    return {key: _recorded(value, record.get(key)) for key, value in fields.items()} if isinstance(fields, dict) and isinstance(record, dict) else record


def _gp_base_weights() -> str:
    from ptlab import pretrain

    return pretrain.sha256(models.WEIGHTS_DIR / "gp-base" / "model.safetensors")


def test_virl_base_was_trained_from_the_gp_base_its_test_names():
    """The published virl-base's recipe started from the gp-base recorded above: either the
    shipped one (its first steps then reproduce below) or gp-base v4, before its republication."""
    v4 = "be16af09ad0f8c1b4d8ffc3d7d7a5c5399cddb8133bd756043f590d6ff4ab122"
    assert VIRL_BASE_TRAINED_FROM_GP_BASE in (_gp_base_weights(), v4)


@pytest.mark.parametrize("base", SHIPPED)
def test_the_recipe_reproduces_the_published_corpus_and_first_steps(tmp_path, ptlab_cache, base):
    """The recipe's first stage run again from scratch (cancelled after its first steps): the
    same corpus file byte for byte, and the same losses as the published run's first steps,
    where the stage starts from the weights the published run started from (virl-base's from
    gp-base: until virl-base is republished, from gp-base v4, which no longer ships)."""
    from ptlab import pretrain

    manifest = json.loads((models.WEIGHTS_DIR / base / models.MANIFEST).read_text())
    first_corpus = manifest["stages"][0]["corpus"] if "stages" in manifest else manifest["corpus"]
    run = tmp_path / base
    env = {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache)}
    process = subprocess.Popen([sys.executable, "-m", "ptlab", "sft", "--config", str(pretrain.STAGES[f"embedded:{base}"][0].recipe), "--run-dir", str(run)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 600
    while not ((run / "metrics.jsonl").exists() and len((run / "metrics.jsonl").read_text().splitlines()) >= 2):
        assert process.poll() is None and time.time() < deadline, process.stderr.read() if process.poll() is not None else "no second step in time"
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=300) == 130
    assert pretrain.sha256(run / "sft.jsonl") == first_corpus["sha256"]
    if base == "virl-base" and _gp_base_weights() != VIRL_BASE_TRAINED_FROM_GP_BASE:
        return
    losses = [r["metrics"]["train/loss"] for r in pretrain.train_records(run)]
    assert len(losses) >= 2 and losses == pytest.approx(manifest["firstLosses"][: len(losses)], rel=1e-4)


# ---------------------------------------------------------------- embedded:virl-base's corpus

VIRL_MIX = {"navigation": 400, "navigation-revision": 100, "route-reading": 300, "repeat": 200}


def _exact_action(convention, action: str) -> str:
    """A convention's action in V-IRL's own names."""
    for name, exact in ((convention.forward, "forward()"), (convention.stop, "stop()")):
        if action == name:
            return exact
    return action.replace(f"{convention.turn}(", "turn_direction(", 1)


def test_virl_corpus_answers_are_the_experts_under_the_stated_action_space():
    """Each navigation example is V-IRL-L's prompt at a point of a route, renamed to its
    convention's action names, and the expert's answer, which the strict verifier accepts once
    its action is written in V-IRL's names; the action space it states is the one the answer
    and the history use."""
    from ptlab import corpus_virl
    from ptlab.envs import virl
    from ptlab.envs.prng import Rng

    kinds = set()
    for seed in range(400):
        s = corpus_virl.situation(Rng(seed))
        assert corpus_virl.navigation(Rng(seed)) == [{"role": "user", "content": s.prompt()}, {"role": "assistant", "content": s.answer()}]
        c = s.convention
        prompt, answer = s.prompt(), s.answer()
        action = re.search(r'"action": "([^"]*)"', answer).group(1)
        assert virl.verify_strict(s.config, s.rail[s.position], answer.replace(action, _exact_action(c, action))).correct
        assert f'"{c.forward}": indicates moving forward one step' in prompt and f'"{c.turn}(x)"' in prompt and f'"{c.stop}": indicates' in prompt
        listed = virl.ABSOLUTE if c.space == "absolute" else virl.RELATIVE
        assert str(list(listed)) in prompt
        if c.exact:
            assert prompt == virl.prompt(s.config, s.route, s.rail, s.position) and answer == virl.expert_response(s.config, s.route, s.rail, s.position)
        else:
            assert not re.search(r"turn_direction|(?<!\w)forward\(\)|(?<!\w)stop\(\)", prompt + answer)
        kinds.add((c.space, c.exact))
    assert kinds == {("absolute", True), ("relative", True), ("absolute", False), ("relative", False)}


def test_virl_corpus_turns_name_every_compass_direction_about_as_often():
    """Each route's street grid is turned at random, so that a turn names any of the eight
    compass directions about equally often (the cities' own grids name mostly the four
    cardinal ones; V-IRL-L's nyc, only the four diagonal ones)."""
    counts = collections.Counter()
    for example in corpus.corpus(0, 3000, {"navigation": 1000}):
        prompt, answer = example["messages"][0]["content"], example["messages"][-1]["content"]
        turn = re.search(r'"action": "\w+\(([a-z ]+)\)"', answer)
        if turn and "8 directions" in prompt:
            counts[turn.group(1)] += 1
    from ptlab.envs import virl

    assert set(counts) == set(virl.ABSOLUTE) and min(counts.values()) > 0.08 * sum(counts.values()), counts


def test_route_reading_answers_are_read_from_the_question():
    """Each route-reading answer is what the route's text in the question says: the sentence
    after the one naming the observed landmark, sentence k, the turn sentence's action in the
    stated action space (the expert's, which the strict verifier accepts in V-IRL's names), the
    observation O_k of the history."""
    from ptlab import corpus_virl
    from ptlab.envs import virl
    from ptlab.envs.prng import Rng

    kinds = collections.Counter()
    for seed in range(400):
        (user, assistant) = corpus_virl.route_reading(Rng(seed))
        question, answer = user["content"], assistant["content"]
        numbered = dict(re.findall(r"^(\d+)\. (.*)$", question, re.M))
        if observed := re.search(r"You observe: (.*)\. Which sentence", question):
            (k,) = [int(i) for i, sentence in numbered.items() if sentence.endswith(f"where {observed.group(1)}.")]
            assert answer == numbered[str(k + 1)] and answer.startswith("Turn ")
            kinds["after a landmark"] += 1
        elif quoted := re.search(r"Quote sentence (\d+) of the instruction", question):
            assert answer == numbered[quoted.group(1)]
            kinds["sentence"] += 1
        elif sentence := re.search(r"Sentence: (First, turn|Turn) (.*) to face (\w+)\.", question):
            convention = corpus_virl.Convention("absolute" if "8 directions" in question else "relative", *re.match(r'\[Action space\]\n"([^"]*)": indicates moving.*\n"(\w+)\(x\)".*\n"([^"]*)": indicates the navigation', question).group(2, 1, 3))
            assert answer == f"{convention.turn}({sentence.group(3) if convention.space == 'absolute' else sentence.group(2)})"
            kinds["action"] += 1
        else:
            which = re.search(r"Quote (the latest observation|observation O_(\d+)) exactly", question)
            lines = dict(re.findall(r"^O_(\d+): (.*)$", question, re.M))
            latest = max(lines, key=int)
            assert answer == lines[which.group(2) or latest]
            kinds["observation"] += 1
    assert min(kinds.values()) > 60 and len(kinds) == 4, kinds


def test_repeat_is_its_text_word_for_word_with_names_no_text_predicts():
    from ptlab import corpus_virl
    from ptlab.envs.prng import Rng

    for seed in range(200):
        (user, assistant) = corpus_virl.repeat(Rng(seed))
        assert user["content"] == f"Repeat exactly:\n{assistant['content']}" and len(assistant["content"]) > 10
    names = {corpus_virl.made_up_name(Rng(seed)) for seed in range(200)}
    assert len(names) > 150 and all(re.fullmatch(r"[A-Z][a-z]+( [A-Z][a-z]+)?", n) for n in names)


def test_long_repeats_reach_as_far_back_as_a_virl_prompt_and_fit_their_stage(tmp_path):
    """repeat-long: 40-90 items, the same chat as repeat's; the whole chat within the
    long-copying stage's maxLength (never truncated), the look-up distance up to V-IRL-L's."""
    from ptlab import corpus_virl, pretrain
    from ptlab.config import load_experiment
    from ptlab.envs.prng import Rng
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(models.WEIGHTS_DIR / "gp-base")
    (stage,) = [stage for stage in pretrain.STAGES["embedded:virl-base"] if stage.name == "long-copying"]
    max_length = load_experiment(stage.recipe).model.maxLength
    answers = []
    for seed in range(150):
        items, separator = corpus_virl.repeat_items(Rng(seed), corpus_virl.LONG_REPEAT)
        chat = corpus_virl.repeat_long(Rng(seed))
        assert 40 <= len(items) <= 90 and chat[1]["content"] == separator.join(items) and chat[0]["content"] == f"Repeat exactly:\n{chat[1]['content']}"
        assert len(tokenizer.apply_chat_template(chat, tokenize=True, return_dict=False)) <= max_length
        answers.append(len(tokenizer(chat[1]["content"], add_special_tokens=False)["input_ids"]))
    assert min(answers) < 200 and max(answers) > 400  # the distances V-IRL-L's answer reads back over


def test_virl_corpus_never_visits_the_evaluation_city_and_revisions_train_only_the_right_answer():
    """No example's route is in nyc (the city V-IRL-L's presets and demo train and evaluate on);
    a revision's first answer is context (not trained) that the strict verifier rejects, with
    its message as the environment's failure turn; route-reading is a question and its answer."""
    from ptlab import corpus_virl
    from ptlab.envs import cities

    nyc = cities.CITIES["nyc"]
    names = set(nyc.places) | set(nyc.streets)
    others = {n for city, style in cities.CITIES.items() if city != "nyc" for n in (*style.places, *style.streets)}
    assert corpus_virl.EVALUATION_CITY == "nyc" and "nyc" not in corpus_virl.CORPUS_CITIES
    tasks = []
    for example in corpus.corpus(5, 600, VIRL_MIX):
        messages, task = example["messages"], example["meta"]["task"]
        tasks.append(task)
        prompt = messages[0]["content"]
        assert not any(name in prompt for name in names - others), prompt
        assert messages[-1]["role"] == "assistant" and messages[-1].get("train", True)
        if task == "navigation-revision":
            wrong, failure = messages[1], messages[2]
            assert wrong["train"] is False and failure["content"].startswith("You failed this trial because ")
            assert wrong["content"] != messages[-1]["content"]
        else:
            assert len(messages) == 2
    assert [round(tasks.count(task) / len(tasks), 1) for task in VIRL_MIX] == [0.4, 0.1, 0.3, 0.2]
    assert list(corpus.corpus(5, 50, VIRL_MIX)) == list(corpus.corpus(5, 50, VIRL_MIX))


def test_every_pretrained_base_has_a_recipe_and_pretrain_names_it(tmp_path, monkeypatch):
    from ptlab import pretrain
    from ptlab.config import load_experiment

    assert set(pretrain.RECIPES) == set(pretrain.STAGES) == {"embedded:gp-base", "embedded:virl-base"}
    assert [stage.name for stage in pretrain.STAGES["embedded:virl-base"]] == ["copying", "long-copying", "navigation"]
    copying, long_copying, navigation = (load_experiment(stage.recipe) for stage in pretrain.STAGES["embedded:virl-base"])
    assert copying.model.name == "embedded:gp-base" and copying.sft.init is None  # gp-base reads its prompt already
    assert set(copying.sft.data.mix) == {"repeat"} and copying.sft.globalBatchSize <= 8  # a small batch: the look-up by content forms
    assert long_copying.sft.init is None and set(long_copying.sft.data.mix) == {"repeat", "repeat-long"} and long_copying.model.maxLength >= navigation.model.maxLength
    assert navigation.sft.data.source == "pretraining-corpus" and set(navigation.sft.data.mix) == set(VIRL_MIX)
    assert navigation.sft.init is None and pretrain.RECIPES["embedded:virl-base"] == pretrain.STAGES["embedded:virl-base"][-1].recipe  # pretrain starts it from the copying stage
    for recipe in (copying, long_copying, navigation):
        assert recipe.sft.assistantOnlyLoss is False  # the loss on the prompts too: each history teaches its actions
    monkeypatch.setattr(models, "WEIGHTS_DIR", tmp_path)
    with pytest.raises(models.ModelFamilyError, match=r"embedded:virl-base.*not in this installation.*python -m ptlab pretrain --base virl-base"):
        models.resolve_model_path("embedded:virl-base")


def _small(stage, folder: Path, steps: int):
    """The stage's recipe at a few steps of a few examples (at its own maxLength: the later
    stages' chats can start their answer past 256 tokens, and an example cut before its
    answer is refused)."""
    from ptlab import pretrain

    config = json.loads(stage.recipe.read_text())
    config["sft"].update(steps=steps, globalBatchSize=2, microBatchSize=2, saveEverySteps=steps)
    config["sft"]["data"]["examples"] = 8
    path = folder / stage.recipe.name
    path.write_text(json.dumps(config))
    return pretrain.Stage(stage.name, path)


def test_pretrain_runs_each_stage_from_the_one_before_and_publishes_the_last(tmp_path, monkeypatch, ptlab_cache):
    """virl-base's stages, small: the copying stage from gp-base, each later stage from the
    final checkpoint of the one before, the manifest with each stage's record; a second call
    keeps the finished stages; a stage's recipe with its own init is refused by name."""
    from ptlab import cli, pretrain
    from ptlab.config import load_experiment

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    copying, long_copying, navigation = pretrain.STAGES["embedded:virl-base"]
    stages = (_small(copying, tmp_path, 3), _small(long_copying, tmp_path, 1), _small(navigation, tmp_path, 2))
    monkeypatch.setitem(pretrain.STAGES, "embedded:virl-base", stages)
    run, target = tmp_path / "runs", tmp_path / "weights" / "virl-base"
    assert cli.main(["pretrain", "--base", "virl-base", "--run-dir", str(run), "--publish-to", str(target)]) == 0

    for before, stage in (("copying", "long-copying"), ("long-copying", "navigation")):
        config = load_experiment(run / f"{stage}.ptlab.json")
        assert config.resolve(config.sft.init) == (run / before / "checkpoints" / "final").resolve()
        assert json.loads((run / stage / "run.json").read_text())["init"] == str((run / before / "checkpoints" / "final").resolve())
    manifest = json.loads((target / models.MANIFEST).read_text())
    copy_losses = [r["metrics"]["train/loss"] for r in pretrain.train_records(run / "copying")]
    assert [stage["name"] for stage in manifest["stages"]] == ["copying", "long-copying", "navigation"]
    assert manifest["steps"] == 6 and [stage["steps"] for stage in manifest["stages"]] == [3, 1, 2]
    assert manifest["firstLosses"] == copy_losses and manifest["stages"][0]["firstLosses"] == copy_losses
    assert manifest["recipe"]["sft"]["data"]["mix"] == json.loads(navigation.recipe.read_text())["sft"]["data"]["mix"] and manifest["stages"][0]["recipe"]["sft"]["data"]["mix"] == {"repeat": 1000}
    assert manifest["trainTokens"] == sum(stage["trainTokens"] for stage in manifest["stages"])
    assert pretrain.verify(target) == [] and manifest["publishedFrom"] == str(run / "navigation" / "checkpoints" / "final")

    before = (run / "copying" / "run.json").read_text()
    assert cli.main(["pretrain", "--base", "virl-base", "--run-dir", str(run), "--publish-to", str(target)]) == 0
    assert (run / "copying" / "run.json").read_text() == before  # finished stages are kept, not rerun

    with_init = json.loads(stages[2].recipe.read_text())
    with_init["sft"]["init"] = "elsewhere"
    stages[2].recipe.write_text(json.dumps(with_init))
    with pytest.raises(pretrain.PretrainError, match=r"virl-base.pretrain.ptlab.json: /sft/init: a later stage.*remove sft.init"):
        pretrain.stage_config(stages[2], tmp_path / "other" / "navigation", run / "long-copying" / "checkpoints" / "final")


def test_publishing_an_unfinished_stage_names_the_command_that_finishes_it(tmp_path):
    from ptlab import pretrain

    (tmp_path / "copying").mkdir()
    (tmp_path / "copying" / "run.json").write_text(json.dumps({"status": "cancelled"}))
    with pytest.raises(pretrain.PretrainError, match=r"copying: the pretraining run is not finished.*--base virl-base --run-dir .* --resume"):
        pretrain.publish(tmp_path, tmp_path / "weights", "embedded:virl-base")


def test_pretrain_as_two_processes_runs_every_stage_in_one_process_group(tmp_path, ptlab_cache):
    """`accelerate launch` of `ptlab pretrain`: each stage's SFT job in the same two processes
    (accelerate makes the process group once, so the stages share it and it ends after the
    last), the main process alone writing the stages' configs and publishing."""
    from ptlab import pretrain

    import two_processes

    stages = [_small(stage, tmp_path, steps) for stage, steps in zip(pretrain.STAGES["embedded:virl-base"], (2, 1, 2))]
    for stage in stages:  # a step's batch: a micro-batch of 2 in each process
        config = json.loads(stage.recipe.read_text())
        config["sft"].update(globalBatchSize=4, microBatchSize=2)
        stage.recipe.write_text(json.dumps(config))
    driver = tmp_path / "pretrain_small.py"
    driver.write_text(
        "import json, sys\nfrom pathlib import Path\nfrom ptlab import cli, pretrain\n"
        "pretrain.STAGES['embedded:virl-base'] = tuple(pretrain.Stage(n, Path(p)) for n, p in json.loads(sys.argv[1]))\n"
        "sys.exit(cli.main(sys.argv[2:]))\n"
    )
    run, target = tmp_path / "runs", tmp_path / "weights" / "virl-base"
    listed = json.dumps([[stage.name, str(stage.recipe)] for stage in stages])
    env = two_processes.environment({**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache)})
    done = subprocess.run([*two_processes.launch(), str(driver), listed, "pretrain", "--base", "virl-base", "--run-dir", str(run), "--publish-to", str(target)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    assert done.stdout.count("published to") == 1, done.stdout
    for stage, steps in zip(("copying", "long-copying", "navigation"), (2, 1, 2)):
        assert json.loads((run / stage / "run.json").read_text())["status"] == "finished"
        assert [r["step"] for r in pretrain.train_records(run / stage)] == list(range(1, steps + 1))
    manifest = json.loads((target / models.MANIFEST).read_text())
    assert [stage["name"] for stage in manifest["stages"]] == ["copying", "long-copying", "navigation"]
    assert pretrain.verify(target) == []
