"""bench/base_probe.py's copying measure on text to repeat: every answer token counted once,
under the kind of item it belongs to, right exactly when the model predicts it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import torch
from scripts import load_script

BENCH = Path(__file__).resolve().parents[2] / "bench" / "base_probe.py"


def load():
    return load_script(BENCH)


class Predictor(torch.nn.Module):
    """A model whose top-1 next token is the true next token (`copies`) or never is."""

    def __init__(self, vocabulary: int, copies: bool):
        super().__init__()
        self.vocabulary, self.copies = vocabulary, copies

    def forward(self, input_ids: torch.Tensor) -> SimpleNamespace:
        following = torch.roll(input_ids, -1, dims=1)
        target = following if self.copies else (following + 1) % self.vocabulary
        return SimpleNamespace(logits=torch.nn.functional.one_hot(target, self.vocabulary).float())


def test_repeat_rows_count_each_answer_token_once_by_its_item_kind():
    from ptlab import corpus_virl, models
    from ptlab.envs.prng import Rng
    from transformers import AutoTokenizer

    probe = load()
    tokenizer = AutoTokenizer.from_pretrained(models.WEIGHTS_DIR / "gp-base")
    n = 12
    perfect = dict(probe.repeat_rows(Predictor(len(tokenizer), True), tokenizer, n))
    never = dict(probe.repeat_rows(Predictor(len(tokenizer), False), tokenizer, n))
    assert len(perfect) == 8 and all(right == total and int(total) > 0 for right, total in (v.split("/") for v in perfect.values())), perfect
    assert all(v.startswith("0/") for v in never.values()), never
    names = sum(probe.item_kind(item) == "made-up names" for k in range(n) for item in corpus_virl.repeat_items(Rng(probe.HELD_OUT + k))[0])
    assert perfect["repeat, teacher-forced, next token right: made-up names: first token"] == f"{names}/{names}"
    long_names = sum(probe.item_kind(item) == "made-up names" for k in range(n // 2) for item in corpus_virl.repeat_items(Rng(probe.HELD_OUT + k), corpus_virl.LONG_REPEAT)[0])
    assert sum(int(v.split("/")[1]) for name, v in perfect.items() if name.startswith("repeat-long")) == long_names


def test_a_names_distance_is_how_far_back_its_first_copy_is():
    from ptlab import models
    from transformers import AutoTokenizer

    probe = load()
    tokenizer = AutoTokenizer.from_pretrained(models.WEIGHTS_DIR / "gp-base")
    items = ["Zorbu Kale", "north", "17", "Wimo"]
    found = probe.repeat_tokens(Predictor(len(tokenizer), True), tokenizer, items, ", ")
    firsts = [distance for label, _, distance in found if label == "made-up names: first token"]
    answer = ", ".join(items)
    between = len(tokenizer.apply_chat_template([{"role": "user", "content": f"Repeat exactly:\n{answer}"}], tokenize=True, add_generation_prompt=True, return_dict=False)) - len(tokenizer.apply_chat_template([{"role": "user", "content": "Repeat exactly:\n"}], tokenize=True, add_generation_prompt=True, return_dict=False))
    assert len(firsts) == 2 and all(abs(d - between) <= 2 for d in firsts), (firsts, between)


def test_item_kinds_are_read_from_the_corpus_vocabularies():
    from ptlab import corpus_virl
    from ptlab.envs import cities
    from ptlab.envs.prng import Rng

    probe = load()
    city = cities.CITIES[corpus_virl.CORPUS_CITIES[0]]
    assert [probe.item_kind(x) for x in ("northeast", "slightly left", "417", city.places[0], city.streets[0])] == ["directions", "directions", "numbers", "places and streets", "places and streets"]
    assert probe.item_kind(corpus_virl.made_up_name(Rng(3))) == "made-up names"


def test_virl_teacher_forced_rows_count_every_position_and_score_each_part_of_the_answer():
    from ptlab import demo, models
    from ptlab.envs import virl
    from transformers import AutoTokenizer

    probe = load()
    tokenizer = AutoTokenizer.from_pretrained(models.WEIGHTS_DIR / "gp-base")
    perfect = dict(probe.virl_teacher_forced_rows(Predictor(len(tokenizer), True), tokenizer, 2))
    never = dict(probe.virl_teacher_forced_rows(Predictor(len(tokenizer), False), tokenizer, 2))
    assert len(perfect) == 9 and all(v.split("/")[0] == v.split("/")[1] for v in perfect.values()) and all(v.startswith("0/") for v in never.values()), (perfect, never)
    config = virl.VirlConfig(**{**{k: v for k, v in demo.VIRL_BASE["environment"].items() if k != "env"}, "actionSpace": "absolute"})
    rails = [config.episodes(Path("."))(probe.PROBE_SEED + k).rail for k in range(2)]
    turns = sum(p.absolute_action.startswith("turn_direction") for rail in rails for p in rail)
    assert perfect["V-IRL-L ID, teacher-forced: turns: the action"] == f"{turns}/{turns}" and perfect["V-IRL-L ID, teacher-forced: turns: the sentence's first token"] == f"{turns}/{turns}"
    assert perfect["V-IRL-L ID, teacher-forced: stops: the action"] == "2/2"
