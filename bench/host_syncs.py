"""Where the trainer's loops make the host wait for the device (issue 18: no CPU-GPU syncs
inside the loops). A read of a device value on the host (`.item()`, `float()`, `.tolist()`,
`bool()`, `torch.equal`, a boolean index...) waits for every kernel queued before it, and the
device then idles while the host prepares the next pass.

    .venv/bin/python bench/host_syncs.py                 # CPU: the embedded tiny model
    python3 bench/host_syncs.py --size 0.5b              # CUDA: bench/gpu_trainer.py's 0.5B model

Runs `ptlab sft` and `ptlab ppo` in this process on examples/tiny.ptlab.json's recipe (small)
with every tensor the trainer sends to the device (ptlab.parallel.to_device) tagged, and the
tag carried by everything computed from it (a __torch_function__ subclass): each host read of
a tagged value is counted by where it happens (the innermost frame outside torch), and by
whether it happened inside a micro-batch's forward and backward (ptlab.parallel.micro_batch) or
between them. On CUDA, torch.cuda.set_sync_debug_mode("warn") inside micro-batches also counts
every synchronizing call (blocking copies from pageable memory included), wherever its values
come from. The gradient norm (computed from the parameters' gradients, which are not tagged) is
tagged where torch clips it. And the host's gaps: after a read the device has nothing queued,
so the host seconds from a read between micro-batches to the next micro-batch's forward, or
from a read inside one to its backward, are seconds a GPU sits idle; each gap is timed, with
the batches copied to the device inside it (a step whose next batches are collated and copied
while the device still works has none). Prints one JSON line per job:
micro-batches, reads per place, then the gaps (count, median and total seconds, copies in them)."""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import statistics
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Iterator

import torch

ROOT = Path(__file__).resolve().parents[1]
# reads of a value's data on the host; Tensor.to and __getitem__ count only when they read (below)
READS = {
    torch.Tensor.item, torch.Tensor.tolist, torch.Tensor.numpy, torch.Tensor.cpu, torch.Tensor.__bool__, torch.Tensor.__int__,
    torch.Tensor.__float__, torch.Tensor.__index__, torch.Tensor.nonzero, torch.nonzero, torch.equal, torch.Tensor.equal,
    torch.masked_select, torch.Tensor.masked_select, torch.unique, torch.Tensor.unique, torch.Tensor.__repr__, torch.Tensor.__format__,
}


class Counts:
    def __init__(self) -> None:
        self.stage = "between micro-batches"
        self.micro_batches = 0
        self.reads: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.gaps: list[float] = []  # host seconds from a read to the next micro-batch's forward
        self.copies_in_gaps = 0  # batches sent to the device inside those gaps
        self._read_at: float | None = None  # the last read's end, while no forward has started since
        self._copies = 0

    def record(self, what: str) -> None:
        self.reads[self.stage][f"{what} @ {place()}"] += 1

    def read_done(self) -> None:
        self._read_at, self._copies = time.perf_counter(), 0

    def copied(self) -> None:
        self._copies += 1

    def forward_starts(self) -> None:
        if self._read_at is not None:
            self.gaps.append(time.perf_counter() - self._read_at)
            self.copies_in_gaps += self._copies
        self._read_at = None

    def backward_starts(self) -> None:
        """A read inside a micro-batch (before its backward) leaves the device idle while the
        host builds the loss: timed up to the backward, as a gap."""
        self.forward_starts()

    def backward_queued(self) -> None:
        """A micro-batch ends with its backward queued: the device has work after any read in it."""
        self._read_at = None

    def summary(self) -> dict[str, Any]:
        gaps = {"count": len(self.gaps), "medianSeconds": round(statistics.median(self.gaps), 6) if self.gaps else None, "totalSeconds": round(sum(self.gaps), 4), "copies": self.copies_in_gaps}
        return {"microBatches": self.micro_batches, "reads": {stage: dict(counter.most_common()) for stage, counter in self.reads.items()}, "hostGaps": gaps}


def place() -> str:
    """The innermost frame outside torch and this file, as path:line (function)."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        name = frame.filename.replace("\\", "/")
        if "/torch/" in name or frame.filename == __file__ or name.endswith(("/contextlib.py", "/warnings.py")):
            continue
        for marker in ("/ptlab/", "/tests/", "/transformers/", "/peft/", "/accelerate/"):
            if marker in name:
                name = marker.strip("/") + "/" + name.split(marker, 1)[1]
                break
        return f"{name}:{frame.lineno} ({frame.name})"
    return "?"


class OnDevice(torch.Tensor):
    """A tensor the trainer sent to the device, or one computed from such a tensor."""

    counts: Counts | None = None

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        counts = cls.counts
        if counts is None or not _reads(func, args, kwargs):
            return super().__torch_function__(func, types, args, kwargs)
        counts.record(getattr(func, "__name__", str(func)))
        try:
            return super().__torch_function__(func, types, args, kwargs)
        finally:
            counts.read_done()


def _reads(func: Any, args: Any, kwargs: Any) -> bool:
    if func in READS:
        return True
    if func is torch.Tensor.to:  # to the host
        target = kwargs.get("device", args[1] if len(args) > 1 else None)
        return isinstance(target, (str, torch.device)) and torch.device(target).type == "cpu" and args[0].device.type != "cpu"
    if func is torch.Tensor.__getitem__:  # a boolean mask's size is read on the host
        index = args[1] if isinstance(args[1], tuple) else (args[1],)
        return any(isinstance(i, torch.Tensor) and i.dtype == torch.bool for i in index)
    return False


@contextlib.contextmanager
def watched() -> Iterator[Counts]:
    """Inside: ptlab's device copies are tagged and their reads counted (Counts)."""
    from ptlab import parallel

    counts = Counts()
    to_device, micro_batch, clip, backward = parallel.to_device, parallel.micro_batch, torch.nn.utils.clip_grad_norm_, parallel.backward

    def tagged(batch: dict[str, Any], device: Any) -> dict[str, Any]:
        counts.copied()
        return {k: v.as_subclass(OnDevice) if isinstance(v, torch.Tensor) else v for k, v in to_device(batch, device).items()}

    def clip_tagged(*args: Any, **kwargs: Any) -> Any:
        norm = clip(*args, **kwargs)
        return norm.as_subclass(OnDevice) if isinstance(norm, torch.Tensor) else norm

    def timed_backward(*args: Any, **kwargs: Any) -> Any:
        counts.backward_starts()
        return backward(*args, **kwargs)

    @contextlib.contextmanager
    def counted(*args: Any, **kwargs: Any) -> Iterator[None]:
        with micro_batch(*args, **kwargs), _cuda_syncs_counted(counts):
            counts.forward_starts()
            counts.stage, counts.micro_batches = "in micro-batches", counts.micro_batches + 1
            try:
                yield
            finally:
                counts.stage = "between micro-batches"
                counts.backward_queued()

    parallel.to_device, parallel.micro_batch, torch.nn.utils.clip_grad_norm_, parallel.backward, OnDevice.counts = tagged, counted, clip_tagged, timed_backward, counts
    try:
        yield counts
    finally:
        parallel.to_device, parallel.micro_batch, torch.nn.utils.clip_grad_norm_, parallel.backward, OnDevice.counts = to_device, micro_batch, clip, backward, None


@contextlib.contextmanager
def _cuda_syncs_counted(counts: Counts) -> Iterator[None]:
    if not torch.cuda.is_available():
        yield
        return
    shown = warnings.showwarning

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if "called a synchronizing" in str(message):
            counts.record("cuda sync")
        else:
            shown(message, category, *args, **kwargs)

    torch.cuda.set_sync_debug_mode("warn")
    warnings.showwarning = show
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show
            yield
    finally:
        torch.cuda.set_sync_debug_mode(0)
        warnings.showwarning = shown


def config(job: str, model: str | None, cuda: bool, sft_steps: int = 3, sft_batch: int = 8, ppo_updates: int = 2) -> dict[str, Any]:
    data = json.loads((ROOT / "examples" / "tiny.ptlab.json").read_text())
    del data["evaluation"]
    if model:
        data["model"].update(name=model, dtype="bf16" if cuda else "fp32")
    data["sft"].update(steps=sft_steps, globalBatchSize=sft_batch, microBatchSize=min(4, sft_batch), saveEverySteps=100_000)
    data["sft"]["data"]["examples"] = max(32, sft_steps * sft_batch)
    data["ppo"].update(updates=ppo_updates, stepsPerUpdate=16, parallelEnvs=8, miniBatchSize=8, microBatchSize=4, epochs=1, saveEverySteps=100_000, maxNewTokens=24)
    data["ppo"].pop("init", None)
    return data


def run_job(job: str, data: dict[str, Any], work: Path) -> Counts:
    from ptlab import cli

    path = work / f"{job}.ptlab.json"
    path.write_text(json.dumps(data))
    with watched() as counts:
        if cli.main([job, "--config", str(path), "--run-dir", str(work / job)]) != 0:
            sys.exit(f"ptlab {job} failed")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", default="sft,ppo")
    parser.add_argument("--size", help="bench/gpu_trainer.py's model of this size with random weights (default: the embedded tiny model)")
    parser.add_argument("--sft-steps", type=int, default=3, help="SFT steps (the gaps' count: one fewer)")
    parser.add_argument("--sft-batch", type=int, default=8, help="SFT examples per step, in micro-batches of 4")
    parser.add_argument("--ppo-updates", type=int, default=2, help="PPO updates (each 2 optimizer steps of 8 transitions, in micro-batches of 4)")
    args = parser.parse_args()
    cuda = torch.cuda.is_available()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model = None
        if args.size:
            sys.path.insert(0, str(ROOT / "bench"))
            from gpu_trainer import build_model

            build_model(args.size, work / "model")
            model = str(work / "model")
        print(json.dumps({"device": torch.cuda.get_device_name(0) if cuda else "cpu", "size": args.size or "tiny", "torch": torch.__version__}), flush=True)
        for job in args.jobs.split(","):
            counts = run_job(job, config(job, model, cuda, args.sft_steps, args.sft_batch, args.ppo_updates), work)
            print(json.dumps({"bench": "host-syncs", "job": job, **counts.summary()}), flush=True)


if __name__ == "__main__":
    main()
