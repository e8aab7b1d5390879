"""bench/ppo_learning.py's printout of a run: the learning curve and how greedy first attempts end."""

from __future__ import annotations

import json
from pathlib import Path

from scripts import load_script

BENCH = Path(__file__).resolve().parents[2] / "bench" / "ppo_learning.py"


def load():
    return load_script(BENCH)


def episode(split: str, step: int, first: dict) -> str:
    return json.dumps({"split": split, "step": step, "turns": [first, {"reward": 5}]})


def test_first_attempts_are_shared_out_by_failure_mode_per_split_and_step(tmp_path: Path) -> None:
    lines = [
        episode("id", 0, {"reward": -2, "failureMode": "wrong-numbers"}),
        episode("id", 0, {"reward": -2, "failureMode": "wrong-numbers"}),
        episode("id", 0, {"reward": -1, "failureMode": "arithmetic"}),
        episode("id", 0, {"reward": 5}),
        episode("id", 8, {"reward": 5}),
        episode("train", 1, {"reward": -2, "failureMode": "wrong-numbers"}),  # rollouts are not evaluations
    ]
    (tmp_path / "episodes.jsonl").write_text("\n".join(lines) + "\n")
    assert load().first_attempts(tmp_path) == [
        "first attempts of the evaluations (share of episodes):",
        "     0   id        wrong-numbers 0.50, arithmetic 0.25, solved 0.25",
        "     8   id        solved 1.00",
    ]


def test_tuning_runs_the_tasks_ppo_config_on_seeds_apart_from_the_demos(tmp_path: Path) -> None:
    from ptlab import demo

    bench = load()
    for task, env in (("gp-l", "generalpoints"), ("virl-l", "virl")):
        config = bench.config_for(tmp_path / "init", 3, 16, 1, ["ppo.learningRate=1e-5"], task)
        held_out = demo.experiment_configs(Path("."), "full", task=task)["ppo.ptlab.json"]
        assert config["environment"]["env"] == env and config["model"] == held_out["model"]
        assert config["evaluation"]["seed"] == bench.TUNING_EVAL_SEED != held_out["evaluation"]["seed"]
        assert config["ppo"]["learningRate"] == 1e-5 and config["ppo"]["updates"] == 3
        assert [split["episodes"] for split in config["evaluation"]["splits"]] == [16, 16]
