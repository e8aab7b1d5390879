"""logging.reportTo: the run's metric records reach TensorBoard event files under the same names,
read back with TensorBoard's own reader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("tensorboard")

from tensorboard.backend.event_processing.plugin_event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

from ptlab import trackers  # noqa: E402
from ptlab.config import load_experiment  # noqa: E402
from ptlab.contracts import ContractViolation  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def tensorboard_scalars(folder: Path) -> dict[str, list[tuple[int, float]]]:
    """What TensorBoard's scalars dashboard shows (its plugin accumulator, purges applied)."""
    events = EventAccumulator(str(folder), size_guidance={"tensors": 0})
    events.Reload()
    return {tag: [(e.step, tensor_util.make_ndarray(e.tensor_proto).item()) for e in events.Tensors(tag)] for tag in events.PluginTagToContent("scalars")}


def tiny_config(tmp_path: Path, report_to: list[str]) -> Path:
    data = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    data["sft"].update(steps=6, globalBatchSize=8, microBatchSize=4, saveEverySteps=6)
    data["sft"]["data"]["examples"] = 48
    data["evaluation"].update(everySteps=3, maxNewTokens=16)
    for split in data["evaluation"]["splits"]:
        split["episodes"] = 2
    data["logging"] = {"reportTo": report_to}
    path = tmp_path / "tiny.ptlab.json"
    path.write_text(json.dumps(data))
    return path


def wandb_history(run_dir: Path) -> dict[str, list[tuple[int, float]]]:
    """The history rows of the W&B offline run under run_dir, read from its .wandb file (a
    LevelDB-style log of wandb's own protobuf Records: 32 KiB blocks, 7-byte record headers).
    The file must be the whole run, its exit record included: wandb-core writes it as the run's
    stream closes, which trackers.WandB.close waits for (wandb.teardown)."""
    import struct

    from wandb.proto import wandb_internal_pb2

    [path] = run_dir.glob("wandb/offline-run-*/run-*.wandb")
    data = path.read_bytes()
    assert data[:4] == b":W&B", f"{path} is not a W&B datastore"
    block, pos, pending = 32768, 7, b""
    history: dict[str, list[tuple[int, float]]] = {}
    exited = False
    while pos + 7 <= len(data):
        if block - pos % block < 7:
            pos += block - pos % block
            continue
        _, length, kind = struct.unpack("<IHB", data[pos : pos + 7])
        chunk, pos = data[pos + 7 : pos + 7 + length], pos + 7 + length
        if kind in (2, 3):  # FIRST, MIDDLE of a record split over blocks
            pending = (pending if kind == 3 else b"") + chunk
            continue
        if kind not in (1, 4):  # FULL, LAST; 0 is padding
            continue
        record = wandb_internal_pb2.Record()
        record.ParseFromString(pending + chunk if kind == 4 else chunk)
        exited = exited or record.WhichOneof("record_type") == "exit"
        if record.WhichOneof("record_type") == "history":
            for item in record.history.item:
                key = item.key or "/".join(item.nested_key)
                if not key.startswith("_"):
                    history.setdefault(key, []).append((record.history.step.num, json.loads(item.value_json)))
    assert exited, f"{path} ({len(data)} bytes) has no exit record: the run was read before wandb wrote all of it"
    return history


def test_an_sft_runs_records_reach_tensorboard_and_wandb_under_their_own_names(tmp_path: Path, ptlab_cache: Path) -> None:
    pytest.importorskip("wandb")
    run = tmp_path / "run"
    env = {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache), "OMP_NUM_THREADS": "1", "WANDB_MODE": "offline"}
    env.pop("WANDB_SERVICE", None)  # the job starts (and at its end waits for) its own wandb service, not one of this process's
    result = subprocess.run([sys.executable, "-m", "ptlab", "sft", "--config", str(tiny_config(tmp_path, ["tensorboard", "wandb"])), "--run-dir", str(run)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert {r["kind"] for r in records} == {"train", "eval"}
    expected: dict[str, list[tuple[int, float]]] = {}
    for record in records:
        for tag, value in trackers.scalars(record).items():
            expected.setdefault(tag, []).append((record["step"], value))
    assert "train/loss" in expected and "eval/id/success" in expected and "eval/id/success_stderr" in expected
    # W&B keeps one row per step: a tag logged twice at a step (compute/gflops of the training
    # record and of each split's evaluation) holds its last value there.
    one_per_step = {tag: list({step: (step, v) for step, v in points}.values()) for tag, points in expected.items()}
    for tracker, seen, want in (("tensorboard", tensorboard_scalars(run / "tensorboard"), expected), ("wandb", wandb_history(run), one_per_step)):
        assert sorted(seen) == sorted(want), tracker
        for tag, points in want.items():
            assert [step for step, _ in seen[tag]] == [step for step, _ in points], (tracker, tag)
            assert [v for _, v in seen[tag]] == pytest.approx([v for _, v in points], rel=1e-6, abs=1e-6), (tracker, tag)
    manifest = json.loads((run / "run.json").read_text())
    [wandb_run] = run.glob("wandb/offline-run-*")
    assert wandb_run.name.endswith(f"-{manifest['runId']}")


def record(step: int, loss: float) -> dict:
    return {"kind": "train", "step": step, "time": f"2026-12-02T08:00:{step:02d}.000Z", "compute": {"parameters": 1, "trainTokens": step, "inferenceTokens": 0, "gflops": step / 10}, "metrics": {"train/loss": loss, "train/lr": None}}


def test_a_resumed_run_replaces_what_tensorboard_holds_past_its_checkpoint(tmp_path: Path) -> None:
    first = trackers.Trackers(["tensorboard"], tmp_path)
    for step in range(1, 6):
        first.log(record(step, 10.0 + step), None)
    first.close()
    resumed = trackers.Trackers(["tensorboard"], tmp_path)  # resumed from the checkpoint at step 3
    for step in (4, 5, 6):
        resumed.log(record(step, 20.0 + step), trackers.Resume(3))
    resumed.close()
    seen = tensorboard_scalars(tmp_path / "tensorboard")
    assert seen["train/loss"] == [(1, 11.0), (2, 12.0), (3, 13.0), (4, 24.0), (5, 25.0), (6, 26.0)]
    assert "train/lr" not in seen  # a null metric is not a point


def test_a_run_resumed_from_its_final_checkpoint_redoes_that_step_s_evaluation_once_in_tensorboard(tmp_path: Path) -> None:
    """Resumed from `final` (or from nothing: step 0), the run redoes that step's evaluation,
    as metrics.jsonl drops it: TensorBoard held it twice (its purge started past the step). It
    now purges from the step and gets that step's kept train record again."""
    evaluation = lambda step, rate: {"kind": "eval", "step": step, "time": f"2026-12-02T08:01:{step:02d}.000Z", "split": "id", "splitKind": "id", "compute": {"parameters": 1, "trainTokens": step, "inferenceTokens": 0, "gflops": step / 10}, "success": {"rate": rate, "stderr": 0.1, "successes": 1, "n": 2}, "episodesEvaluated": 2, "meanReward": 0.0, "failureModes": {}}  # noqa: E731
    first = trackers.Trackers(["tensorboard"], tmp_path)
    for step in (1, 2):
        first.log(record(step, 10.0 + step), None)
    first.log(evaluation(2, 0.5), None)
    first.close()
    resumed = trackers.Trackers(["tensorboard"], tmp_path)
    resumed.log(evaluation(2, 0.5), trackers.Resume(2, redone=True, kept=(record(2, 12.0),)))
    resumed.close()
    seen = tensorboard_scalars(tmp_path / "tensorboard")
    assert seen["train/loss"] == [(1, 11.0), (2, 12.0)] and seen["eval/id/success"] == [(2, 0.5)]


def test_an_sft_run_resumed_from_final_holds_in_tensorboard_what_metrics_jsonl_holds(tmp_path: Path, ptlab_cache: Path) -> None:
    """--resume of a finished run goes on from its final checkpoint and redoes that step's
    evaluation: metrics.jsonl and TensorBoard each hold it once, the step's train record too."""
    run = tmp_path / "run"
    env = {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache), "OMP_NUM_THREADS": "1"}
    config = str(tiny_config(tmp_path, ["tensorboard"]))
    for extra in ((), ("--resume",)):
        result = subprocess.run([sys.executable, "-m", "ptlab", "sft", "--config", config, "--run-dir", str(run), *extra], capture_output=True, text=True, env=env, timeout=600)
        assert result.returncode == 0, result.stderr
    expected: dict[str, list[int]] = {}
    for record in map(json.loads, (run / "metrics.jsonl").read_text().splitlines()):
        for tag in trackers.scalars(record):
            expected.setdefault(tag, []).append(record["step"])
    assert expected["eval/id/success"] == [0, 3, 6] and expected["train/loss"] == [1, 2, 3, 4, 5, 6]
    assert {tag: [step for step, _ in points] for tag, points in tensorboard_scalars(run / "tensorboard").items()} == expected


def test_eval_records_name_their_split_and_rates() -> None:
    rate = {"rate": 0.25, "stderr": 0.1, "n": 20}
    got = trackers.scalars({"kind": "eval", "step": 4, "split": "ood rule", "compute": {"gflops": 1.5}, "success": rate, "perStepAccuracy": rate, "meanReward": -2.0})
    assert got == {"eval/ood_rule/success": 0.25, "eval/ood_rule/success_stderr": 0.1, "eval/ood_rule/per_step_accuracy": 0.25, "eval/ood_rule/per_step_accuracy_stderr": 0.1, "eval/ood_rule/mean_reward": -2.0, "compute/gflops": 1.5}


@pytest.mark.parametrize("name", ["tensorboard", "wandb"])
def test_a_tracker_that_is_not_installed_stops_the_run_before_it_starts(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ptlab.runlog import RunLog

    monkeypatch.setitem(sys.modules, name, None)  # the import now raises ImportError
    with pytest.raises(trackers.TrackerError, match=rf"logging\.reportTo asks for {name}, which is not installed.*pip install -e 'trainer\[{name}\]'"):
        RunLog(tmp_path / "run", experiment="x", job="sft", config={"logging": {"reportTo": [name]}}, config_path=tmp_path / "x.ptlab.json", command=[], seeds={})
    assert not (tmp_path / "run").exists()  # not even the folder


def test_a_missing_tracker_is_a_one_line_error_naming_the_fix(tmp_path: Path) -> None:
    path = tiny_config(tmp_path, ["wandb"])
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "wandb.py").write_text("raise ImportError('no wandb here')\n")
    result = subprocess.run([sys.executable, "-m", "ptlab", "data", "--config", str(path), "--run-dir", str(tmp_path / "run")], capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")])})
    assert result.returncode == 2 and result.stderr.startswith("ptlab data: ") and "Traceback" not in result.stderr and "pip install -e 'trainer[wandb]'" in result.stderr
    assert not (tmp_path / "run").exists()


def test_an_evaluation_redone_whole_on_resume_replaces_its_step_0_points_in_tensorboard(tmp_path: Path) -> None:
    """ptlab eval --resume redoes the evaluation whole (clear_records): TensorBoard held the
    failed attempt's step-0 points beside the new ones (its purge started at step 1)."""
    from ptlab.runlog import RunLog

    evaluation = lambda rate: {"kind": "eval", "step": 0, "time": "2026-12-02T08:01:00Z", "split": "id", "splitKind": "id", "compute": {"parameters": 1, "trainTokens": 0, "inferenceTokens": 0, "gflops": 0.0}, "success": {"rate": rate, "stderr": 0.1, "n": 4}, "episodesEvaluated": 4, "meanReward": 0.0}  # noqa: E731
    config = {"logging": {"reportTo": ["tensorboard"]}}
    with RunLog(tmp_path / "run", experiment="x", job="eval", config=config, config_path=None, command=["ptlab"], seeds={"global": 0}) as run:
        run.metric(evaluation(0.25))
    with RunLog(tmp_path / "run", experiment="x", job="eval", config=config, config_path=None, command=["ptlab"], seeds={"global": 0}, resume=True) as run:
        run.clear_records()
        run.metric(evaluation(0.75))
    assert tensorboard_scalars(tmp_path / "run" / "tensorboard")["eval/id/success"] == [(0, 0.75)]


def test_the_config_names_an_unknown_tracker(tmp_path: Path) -> None:
    path = tiny_config(tmp_path, ["mlflow"])
    with pytest.raises(ContractViolation, match=r"logging/reportTo/0|logging\.reportTo\[0\]"):
        load_experiment(path)
    assert load_experiment(tiny_config(tmp_path, ["tensorboard"])).logging.reportTo == ("tensorboard",)


def test_the_dashboards_tensorboard_fixture_is_what_tensorboard_reads() -> None:
    """test/unit/tensorboard.test.ts checks our TypeScript reader against expected.json: it must
    be TensorBoard's own reading of the committed event files (a regenerated fixture included)."""
    from scripts import load_script

    module = load_script(EXAMPLES.parent / "test" / "fixtures" / "scripts" / "make_tensorboard_logs.py")
    expected = json.loads((module.ROOT / "expected.json").read_text())
    assert sorted(expected) == ["histogram-first", "ppo-new-style", "restarted-without-a-start", "sft-classic"]
    for run, tags in expected.items():
        assert module.read_back(module.ROOT / run) == tags, run


def test_a_resumed_run_is_a_new_wandb_run_in_the_runs_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("wandb")
    monkeypatch.setenv("WANDB_MODE", "offline")
    manifest = {"runId": "ppo s1", "experiment": "gp-l rl", "job": "ppo", "config": {"seed": 1}, "segments": [{"index": 0}, {"index": 1}]}
    resumed = trackers.Trackers(["wandb"], tmp_path, manifest)
    for step in (4, 5):
        resumed.log(record(step, 1.0 / step), trackers.Resume(3))
    resumed.close()
    [folder] = tmp_path.glob("wandb/offline-run-*")
    assert folder.name.endswith("-ppo-s1-resume1")
    assert wandb_history(tmp_path)["train/loss"] == [(4, 0.25), (5, 0.2)]
