"""bench/rollout_reference.py: ptlab's rollouts and the reference's one-step-per-generate loop
on the same model, environment and episodes, with their ratio."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts import load_script

ROOT = Path(__file__).resolve().parents[2]


def test_both_loops_run_the_config_s_model_and_print_their_rates_and_ratio(tmp_path, monkeypatch, capsys, ptlab_cache):
    pytest.importorskip("torch")
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    config = json.loads((ROOT / "examples" / "tiny.ptlab.json").read_text())
    del config["ppo"]["init"]
    config["ppo"].update(stepsPerUpdate=16, parallelEnvs=8, epochs=1, miniBatchSize=8, microBatchSize=8, maxNewTokens=8)
    path = tmp_path / "tiny.ptlab.json"
    path.write_text(json.dumps(config))
    bench = load_script(ROOT / "bench" / "rollout_reference.py")
    monkeypatch.setattr("sys.argv", ["rollout_reference.py", "--config", str(path), "--updates", "1", "--reference-steps", "6"])
    assert bench.main() == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"bench": "rollout-reference')]
    ours, theirs, ratio = lines
    assert (ours["loop"], theirs["loop"]) == ("ptlab", "reference")
    assert ours["transitions"] >= 16 and theirs["transitions"] == 6
    for loop in (ours, theirs):
        assert 0 < loop["answerTokens"] <= 8 * loop["transitions"]
    assert ratio["answerTokensPerSecond"] == pytest.approx(ours["answerTokensPerSecond"] / theirs["answerTokensPerSecond"], rel=0.02)


def test_ptlab_s_rates_count_every_wave_it_generated_not_only_the_sample_it_trained_on(tmp_path, monkeypatch, capsys, ptlab_cache):
    """With group advantages a rollout generates whole waves and ppo.train then cuts its
    transitions to stepsPerUpdate in place: the bench counts them as collect returned them,
    the transitions its seconds were spent on."""
    pytest.importorskip("torch")
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    config = json.loads((ROOT / "examples" / "tiny.ptlab.json").read_text())
    del config["ppo"]["init"]
    config["ppo"].update(advantage="group", groupSize=4, stepsPerUpdate=4, parallelEnvs=8, epochs=1, miniBatchSize=4, microBatchSize=4, maxNewTokens=8)
    path = tmp_path / "group.ptlab.json"
    path.write_text(json.dumps(config))
    bench = load_script(ROOT / "bench" / "rollout_reference.py")
    monkeypatch.setattr("sys.argv", ["rollout_reference.py", "--config", str(path), "--updates", "1", "--reference-steps", "1"])
    assert bench.main() == 0
    ours = next(json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"bench": "rollout-reference", "loop": "ptlab"'))
    assert ours["transitions"] >= 8  # a wave of 8 episodes answers at least once each; the update trains on 4
    assert 0 < ours["answerTokens"] <= 8 * ours["transitions"]
