"""The run's metric records sent on to the experiment trackers people already use
(`logging.reportTo` in the experiment config; none by default).

`tensorboard`: event files in RUN/tensorboard, written with torch's SummaryWriter (the
`tensorboard` package, `pip install -e 'trainer[tensorboard]'`). Tags are the record's own
names: a training record's metrics as they are (`train/loss`, `ppo/approx_kl`, ...), an
evaluation record's rates as `eval/{split}/success` (and `_stderr`, `per_step_accuracy`,
`recognition`, `mean_reward`), and `compute/gflops` with both; the step is the record's step,
the wall time the record's time. On resume the writer purges what TensorBoard holds past the
checkpoint the run resumed from, as metrics.jsonl drops those records (from the checkpoint's
own step where the resumed run redoes its evaluations, writing that step's kept records again).

`wandb`: a W&B run in RUN/wandb under the same names, offline (WANDB_MODE overrides it): project
the experiment's name, group the run id, the run's config as W&B config; `wandb sync` uploads it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

TRACKERS = ("tensorboard", "wandb")
_MODULE = {"tensorboard": "tensorboard", "wandb": "wandb"}  # what each needs importable
_INSTALL = {"tensorboard": "pip install -e 'trainer[tensorboard]' (or pip install tensorboard)", "wandb": "pip install -e 'trainer[wandb]' (or pip install wandb)"}


class TrackerError(RuntimeError):
    """A tracker asked for in logging.reportTo cannot run; the message says how to fix it."""


def scalars(record: dict[str, Any]) -> dict[str, float]:
    """A metric record (schemas/metric-record.schema.json) as tag -> value; nulls left out."""
    out: dict[str, float] = {}
    if record["kind"] == "train":
        out.update({name: float(value) for name, value in record["metrics"].items() if value is not None})
    else:
        prefix = f"eval/{_tag_part(record['split'])}"
        for field, name in (("success", "success"), ("perStepAccuracy", "per_step_accuracy"), ("perStepAccuracyReference", "per_step_accuracy_reference"), ("recognition", "recognition")):
            if field in record:
                out[f"{prefix}/{name}"] = float(record[field]["rate"])
                out[f"{prefix}/{name}_stderr"] = float(record[field]["stderr"])
        if record.get("meanReward") is not None:
            out[f"{prefix}/mean_reward"] = float(record["meanReward"])
    out["compute/gflops"] = float(record["compute"]["gflops"])
    return out


def _tag_part(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _seconds(time: str) -> float:
    return datetime.fromisoformat(time.replace("Z", "+00:00")).timestamp()


class Tracker(Protocol):
    def log(self, record: dict[str, Any]) -> None: ...
    def close(self) -> None: ...


class TensorBoard:
    def __init__(self, run_dir: Path, purge_step: int) -> None:
        from torch.utils.tensorboard import SummaryWriter

        self.writer = SummaryWriter(log_dir=str(run_dir / "tensorboard"), purge_step=purge_step)

    def log(self, record: dict[str, Any]) -> None:
        walltime = _seconds(record["time"])
        for tag, value in scalars(record).items():
            self.writer.add_scalar(tag, value, global_step=record["step"], walltime=walltime)
        self.writer.flush()  # records come at most once per update: keep the files current

    def close(self) -> None:
        self.writer.close()


class WandB:
    """A W&B run in RUN/wandb, offline unless WANDB_MODE says otherwise (`wandb sync` uploads it).
    A resumed run is a new W&B run in the same group (W&B cannot rewind an offline run to the
    checkpoint's step, and drops steps below its last one)."""

    def __init__(self, run_dir: Path, manifest: dict[str, Any]) -> None:
        import os

        import wandb

        segment = len(manifest.get("segments", [])) - 1
        run_id = re.sub(r"[^A-Za-z0-9_-]", "-", manifest["runId"]) + (f"-resume{segment}" if segment > 0 else "")
        self.run = wandb.init(
            mode=os.environ.get("WANDB_MODE", "offline"),  # type: ignore[arg-type]
            dir=str(run_dir),
            project=re.sub(r"[^A-Za-z0-9_.-]", "-", manifest["experiment"]) or "ptlab",
            group=manifest["runId"],
            job_type=manifest["job"],
            name=run_id,
            id=run_id,
            config=manifest.get("config", {}),
            settings=wandb.Settings(console="off", silent=True),
        )

    def log(self, record: dict[str, Any]) -> None:
        self.run.log(scalars(record), step=record["step"])

    def close(self) -> None:
        """Finish the run and wait until its records are in RUN/wandb.

        `run.finish()` returns once wandb-core has the run's exit, but wandb-core writes the
        run's .wandb file as it closes the run's stream, on a message finish() sends without
        waiting for it: the file can still hold only its header when finish() returns.
        `wandb.teardown()` shuts the service down and waits for it to exit, every stream
        closed and written (it also clears the WANDB_SERVICE this process exported, so that
        processes started later own their service). A service this process did not start
        (WANDB_SERVICE inherited) is its owner's to close."""
        import wandb

        self.run.finish()
        try:
            wandb.teardown()
        except SystemExit as exc:  # teardown exits the process when wandb-core exited non-zero
            print(f"ptlab: wandb's service exited with code {exc.code}; RUN/wandb may be incomplete", file=sys.stderr)


def check_available(names: list[str] | tuple[str, ...], where: str) -> None:
    """Fail at the run's start, not at its first record, when a tracker cannot be imported."""
    for name in names:
        if name not in TRACKERS:
            raise TrackerError(f"{where}: logging.reportTo: unknown tracker {name!r} (known: {', '.join(TRACKERS)})")
        try:
            __import__(_MODULE[name])
        except ImportError as exc:
            raise TrackerError(f"{where}: logging.reportTo asks for {name}, which is not installed here ({exc}); {_INSTALL[name]}") from exc


@dataclass(frozen=True)
class Resume:
    """Where a resumed segment's records start: past `step` (its checkpoint's), or at it where
    the segment redoes that step's evaluations (`redone`: a final checkpoint's, or step 0's
    without one); `kept` are the records of that step metrics.jsonl keeps (its train record),
    which TensorBoard's purge takes with the evaluations and are written to it again."""

    step: int
    redone: bool = False
    kept: tuple[dict[str, Any], ...] = ()


class Trackers:
    """The trackers of one run, opened at its first record (a resumed run knows by then the
    step it resumed from)."""

    def __init__(self, names: list[str] | tuple[str, ...], run_dir: Path, manifest: dict[str, Any] | None = None) -> None:
        self.names = tuple(names)
        self.run_dir = run_dir
        self.manifest = manifest or {}
        self.open: list[Tracker] | None = None

    def log(self, record: dict[str, Any], resumed: Resume | None) -> None:
        if not self.names:
            return
        if self.open is None:
            self.open = [self._start(name, resumed) for name in self.names]
        for tracker in self.open:
            tracker.log(record)

    def _start(self, name: str, resumed: Resume | None) -> Tracker:
        if name == "wandb":
            return WandB(self.run_dir, self.manifest)  # a resumed segment is a new W&B run of the group
        # TensorBoard takes a run's first SessionLog START as its start and purges at later
        # ones only: a fresh run writes that first START (purge_step 0) so that a resume's
        # START purges what came after the checkpoint (its step too where that step's
        # evaluations are redone: what the run keeps of that step is written again).
        if resumed is None:
            return TensorBoard(self.run_dir, 0)
        board = TensorBoard(self.run_dir, resumed.step if resumed.redone else resumed.step + 1)
        for kept in resumed.kept if resumed.redone else ():
            board.log(kept)
        return board

    def close(self) -> None:
        for tracker in self.open or []:
            tracker.close()
        self.open = None
