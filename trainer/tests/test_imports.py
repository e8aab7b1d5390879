"""The other trainers' runs our views read (test/unit/tensorboard.test.ts, trainerState.test.ts)
come from the real tools: the committed TRL fixtures are what the pinned TRL writes today."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from scripts import load_script

pytest.importorskip("trl")

SCRIPT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "scripts" / "make_trl_run.py"


def _script(path: Path) -> ModuleType:
    """A fixture script, imported as a module (its main() writes the fixture)."""
    return load_script(path)


def test_the_trl_fixture_is_what_grpo_trainer_writes(tmp_path: Path, ptlab_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    module = _script(SCRIPT)
    fresh = module.main(tmp_path / "grpo")
    committed = module.OUT

    def layout(run: Path) -> list[str]:
        return sorted(str(p.relative_to(run).parent) if "runs" in p.parts else str(p.relative_to(run)) for p in run.rglob("*") if p.is_file() and p.name != "README.md")

    def state(run: Path) -> dict:
        return json.loads((run / "checkpoint-6" / "trainer_state.json").read_text())

    runs_dir = lambda run: [str(p.parent.parent.relative_to(run)) for p in run.rglob("events.out.tfevents.*")]  # noqa: E731
    assert [p for p in layout(fresh) if not p.startswith("runs")] == [p for p in layout(committed) if not p.startswith("runs")]
    assert runs_dir(fresh) == runs_dir(committed) == ["runs"]
    ours, theirs = state(fresh), state(committed)
    assert (ours["global_step"], ours["max_steps"]) == (theirs["global_step"], theirs["max_steps"]) == (6, 6)
    assert [sorted(e) for e in ours["log_history"]] == [sorted(e) for e in theirs["log_history"]]


def test_the_trl_log_extra_fixture_is_what_grpo_trainer_writes(tmp_path: Path, ptlab_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reward functions' columns beside numeric log_extra columns; trainer_state.json names the reward functions."""
    pandas = pytest.importorskip("pandas")
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    module = _script(SCRIPT.with_name("make_trl_log_extra_run.py"))
    fresh = module.main(tmp_path / "grpo-log-extra")

    def columns(run: Path) -> list[str]:
        return list(pandas.read_parquet(run / "completions" / "completions_00001.parquet").columns)

    def reward_keys(run: Path) -> list[str]:
        state = json.loads((run / "checkpoint-1" / "trainer_state.json").read_text())
        return sorted(k for entry in state["log_history"] for k in entry if k.startswith("rewards/"))

    expected = ["step", "prompt", "completion", "accuracy", "brevity", "golden_answer", "num_tokens", "advantage"]
    assert columns(fresh) == columns(module.OUT) == expected
    assert reward_keys(fresh) == reward_keys(module.OUT) == ["rewards/accuracy/mean", "rewards/accuracy/std", "rewards/brevity/mean", "rewards/brevity/std"]


VERL_SCRIPT = SCRIPT.with_name("make_verl_dumps.py")
# verl's trainer writes these keys per sample (RayPPOTrainer._dump_generations), then the reward extras.
VERL_FIELDS = {"input", "output", "gts", "score", "step"}


def test_the_verl_fixture_has_verls_layout_and_field_names(tmp_path: Path, ptlab_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    module = _script(VERL_SCRIPT)
    fresh = module.main(tmp_path / "gp-l")

    def files(run: Path) -> list[str]:
        return sorted(str(p.relative_to(run)) for p in run.rglob("*.jsonl"))

    assert files(fresh) == files(module.OUT) == ["rollouts/1.jsonl", "rollouts/2.jsonl", "rollouts/3.jsonl", "validation/0.jsonl", "validation/3.jsonl"]
    for name in files(fresh):
        ours = [json.loads(line) for line in (fresh / name).read_text(encoding="utf-8").splitlines()]
        committed = [json.loads(line) for line in (module.OUT / name).read_text(encoding="utf-8").splitlines()]
        assert [sorted(r) for r in ours] == [sorted(r) for r in committed]
        step = int(Path(name).stem)
        for record in ours:
            assert VERL_FIELDS <= set(record) and record["step"] == step
            assert isinstance(record["input"], str) and isinstance(record["output"], str) and isinstance(record["score"], float)
        # greedy validation answers are the same wherever the script runs
        if name.startswith("validation"):
            assert [r["output"] for r in ours] == [r["output"] for r in committed]
