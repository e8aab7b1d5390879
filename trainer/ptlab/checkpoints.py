"""Training checkpoints: weights (or LoRA adapters), tokenizer, optimizer, scheduler, RNG
and the loop's own state, written whole under a temp name and renamed into place.

The weights are always full (what `from_pretrained` loads: evaluation, export, --resume),
gathered first where the training processes hold shards (ZeRO-3, FSDP). Under DeepSpeed the
optimizer state is sharded over the processes: each writes its shard with the engine's own
checkpointing into the checkpoint's ENGINE_DIR, read back by the engine on --resume."""

from __future__ import annotations

import json
import pickle
import random
import re
import shutil
from pathlib import Path
from typing import Any

import torch

from ptlab.runlog import RunLog, atomic_write_text, now, recovered, replace_dir

STATE_FILE = "trainer_state.json"
ENGINE_DIR = "deepspeed"  # DeepSpeed's optimizer shards (and its fp32 copy of the weights)
ENGINE_TAG = "state"


def staged(folder: Path, name: str) -> Path:
    """Where a save writes `name` before publishing it (save's checkpoint, save_engine's shards)."""
    return folder / f".{name}.tmp"


def remove_staged(run_dir: Path) -> None:
    """The staged folders of saves cut short (a kill, or a cancel's save at an irregular step:
    .step-000009.tmp), each checkpoint-sized, which no later save of another name replaces.
    Called by the run's writer (the main process) as a resumed job starts, before any save,
    and only once its RunLog has opened the run: that refuses a resume while run.json's job
    still runs (runlog.live_process), whose save under way would be one of these folders.
    (run.json is no lock: two resumes launched at the same instant would both pass.)"""
    folder = run_dir / "checkpoints"
    for path in folder.glob(".*.tmp") if folder.is_dir() else ():  # staged()'s names
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


class CheckpointError(ValueError):
    """A checkpoint that cannot be resumed as asked; the message names it and what to do."""


def latest(run: RunLog) -> Path | None:
    """The run's most recent checkpoint folder, if it has one: inside the run folder, since
    run.json may come from a shared or copied run and --resume loads what it names."""
    saved = run.manifest.get("checkpoints", [])
    if not saved:
        return None
    index = max(range(len(saved)), key=lambda i: (saved[i]["step"], i))  # the last saved of a step
    path = Path(saved[index]["path"])
    if path.is_absolute() or ".." in path.parts or not (run.dir / path).resolve().is_relative_to(run.dir.resolve()):
        raise CheckpointError(f"{run.dir / 'run.json'}: checkpoints[{index}].path {str(path)!r} names a folder outside the run folder; a checkpoint is a folder under the run's checkpoints/ (fix or remove that entry)")
    return recovered(run.dir / path)


def save(run: RunLog, name: str, step: int, model: Any, tokenizer: Any, optimizer: Any | None, scheduler: Any, state: dict[str, Any], modules: dict[str, Any] | None = None, rng_states: list[dict[str, Any]] | None = None, weights: dict[str, Any] | None = None, engine_state: Path | None = None, scaler: Any | None = None) -> Path:
    """Write checkpoints/NAME; `modules` are extra torch modules (or their state dicts) saved
    as NAME.pt (e.g. the value head); `rng_states`, one per process of a distributed job (this
    process's alone by default); `scaler`, fp16's gradient scaler (accelerate's, under DDP or
    FSDP: its scale and growth count, which a resumed run goes on from);
    `weights`, the model's full state dict when its own is sharded (parallel.full_state_dict);
    `engine_state`, the folder save_engine wrote (the optimizer is then None: the engine's)."""
    target = run.dir / "checkpoints" / name
    staging = staged(target.parent, name)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    model.save_pretrained(staging, **({"state_dict": weights} if weights is not None else {}))
    tokenizer.save_pretrained(staging)
    for file, module in (modules or {}).items():
        torch.save(module if isinstance(module, dict) else module.state_dict(), staging / f"{file}.pt")
    if optimizer is not None:
        torch.save(optimizer.state_dict(), staging / "optimizer.pt")
    if engine_state is not None:
        shutil.move(engine_state, staging / ENGINE_DIR)
    torch.save(scheduler.state_dict(), staging / "scheduler.pt")
    if scaler is not None:
        torch.save(scaler.state_dict(), staging / "scaler.pt")
    rng = rng_state()
    if rng_states and len(rng_states) > 1:
        rng = {**rng_states[0], "processes": rng_states}
    torch.save(rng, staging / "rng.pt")
    atomic_write_text(staging / STATE_FILE, json.dumps({**state, "step": step, "savedAt": now()}, indent=2) + "\n")
    replace_dir(staging, target)
    run.checkpoint_saved(step, target)
    return target


def _load(file: Path) -> Any:
    """A checkpoint file's tensors and plain values, on the host: nothing else is unpickled, so
    a crafted file in a shared or copied run folder cannot run code as --resume reads it."""
    try:
        return torch.load(file, weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as e:
        found = re.search(r"Unsupported global: GLOBAL (\S+)", str(e))
        holds = f"it names {found[1]}" if found else "it holds objects other than tensors and plain values"
        raise CheckpointError(f"{file}: not a checkpoint file ptlab saved ({holds}, refused unread); resume from a checkpoint this run saved, or start a new run") from None


def restore(checkpoint: Path, optimizer: Any | None, scheduler: Any, modules: dict[str, Any] | None = None, process: int = 0, scaler: Any | None = None) -> dict[str, Any]:
    """Load the optimizer (None: the engine's, restore_engine), scheduler, RNG (this process's),
    extra modules and fp16's `scaler` (a checkpoint saved without one leaves it at its initial
    scale); returns the loop's state. Tensors load on the host, and each goes to its
    parameter's device from there: saved from the main process's GPU, they would otherwise
    all land on that GPU first, in every process."""
    for file, module in (modules or {}).items():
        module.load_state_dict(_load(checkpoint / f"{file}.pt"))
    if optimizer is not None:
        if not (checkpoint / "optimizer.pt").is_file():
            saved_by = f"a DeepSpeed run (its optimizer state is the engine's shards in {ENGINE_DIR}/)" if (checkpoint / ENGINE_DIR).is_dir() else "no optimizer state (an FSDP run saves none: each process holds a shard of it)"
            raise CheckpointError(f"{checkpoint} has no optimizer.pt: it holds {saved_by}; resume it with the launcher it was trained with (launcher.distributed), or start a new run from it with init")
        optimizer.load_state_dict(_load(checkpoint / "optimizer.pt"))
    scheduler.load_state_dict(_load(checkpoint / "scheduler.pt"))
    if scaler is not None and (checkpoint / "scaler.pt").is_file():
        scaler.load_state_dict(_load(checkpoint / "scaler.pt"))
    rng = _load(checkpoint / "rng.pt")
    set_rng_state(rng["processes"][process] if process < len(rng.get("processes", [])) else rng)
    return loop_state(checkpoint)


def loop_state(checkpoint: Path) -> dict[str, Any]:
    """The loop's state a checkpoint saved (what restore returns), read without restoring anything."""
    return json.loads((checkpoint / STATE_FILE).read_text())


def saved_processes(checkpoint: Path) -> int:
    """How many processes saved a checkpoint: rng.pt holds each one's random state (save's
    rng_states; one process saves its own alone)."""
    rng = _load(checkpoint / "rng.pt")
    return len(rng.get("processes", [])) or 1


def refuse_other_processes(checkpoint: Path, processes: int, why: str, otherwise: str) -> None:
    """CheckpointError for a resume by another number of processes than saved `checkpoint`,
    whose state is each process's (`why` says how); `otherwise`: what else to do than relaunch
    with the saved number. Every process reads the checkpoint and refuses alike, before any
    collective: none is left waiting."""
    saved = saved_processes(checkpoint)
    if saved != processes:
        as_saved = f"{saved} process{'es' if saved > 1 else ''}"
        raise CheckpointError(
            f"{checkpoint}: saved by {as_saved}, resumed by {processes}: {why}, so it resumes only as {as_saved}; "
            f"relaunch with {as_saved} (launcher.gpus or launcher.cpuProcesses, accelerate launch --num_processes {saved}), or {otherwise}"
        )


def rng_state() -> dict[str, Any]:
    """This process's random state: Python's, torch's on the host and, once the job has used
    CUDA, its current GPU's (where generate samples and dropout draws)."""
    state = {"torch": torch.get_rng_state(), "python": random.getstate()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """rng_state's state back. A GPU state restores on a job that uses CUDA (a checkpoint saved
    on one and resumed on the host has nowhere to put it, and needs none)."""
    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.set_rng_state(state["cuda"])


def trained_tokens(checkpoint: Path) -> int:
    """Tokens a checkpoint was trained on (D_init for runs that start from it)."""
    state = checkpoint / STATE_FILE
    return json.loads(state.read_text())["compute"].get("totalTrainTokens", 0) if state.exists() else 0


def save_engine(run: RunLog, name: str, engine: Any) -> Path:
    """DeepSpeed's state (every process writes its optimizer shard; all must call it) in a
    folder beside the checkpoint's staging one, which `save` moves in."""
    folder = staged(run.dir / "checkpoints", f"{name}.{ENGINE_DIR}")
    if engine.global_rank == 0:
        shutil.rmtree(folder, ignore_errors=True)  # a crashed save's
    torch.distributed.barrier()
    engine.save_checkpoint(str(folder), tag=ENGINE_TAG)
    return folder


def restore_engine(checkpoint: Path, engine: Any) -> None:
    """The optimizer shards save_engine wrote, into the prepared DeepSpeed engine (every process)."""
    if not (checkpoint / ENGINE_DIR).is_dir():
        raise CheckpointError(f"{checkpoint} has no {ENGINE_DIR}/ optimizer state: it was not saved by a DeepSpeed run; resume it with the launcher it was trained with")
    path, _ = engine.load_checkpoint(str(checkpoint / ENGINE_DIR), tag=ENGINE_TAG, load_optimizer_states=True, load_lr_scheduler_states=False)
    if path is None:
        raise CheckpointError(f"{checkpoint / ENGINE_DIR}: DeepSpeed could not load its state from it")
