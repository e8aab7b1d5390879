"""The extension sampler's reference vectors (test/vectors/sampling.json) are current: the
trainer's keyed draws still sample what the TypeScript unit tests check sampling.ts against."""

import json

import pytest

pytest.importorskip("torch")

import sampling_vectors  # noqa: E402


def test_sampling_vectors_file_is_current():
    recorded = json.loads(sampling_vectors.VECTORS_FILE.read_text(encoding="utf-8"))
    assert recorded == json.loads(sampling_vectors.render()), "run .venv/bin/python trainer/tests/sampling_vectors.py --write"


def test_the_vectors_draw_each_answer_from_its_own_key():
    vectors = json.loads(sampling_vectors.render())
    heads = sum(vectors["fairCoin"]["tokens"])
    assert 70 < heads < 130  # 200 episodes' fair coins: about half heads, not one outcome for all
    for case in vectors["sampling"]:
        assert len({tuple(a["tokens"]) for a in case["answers"]}) == len(case["answers"])
