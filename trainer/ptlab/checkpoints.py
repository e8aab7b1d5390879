"""Training checkpoints: weights (or LoRA adapters), tokenizer, optimizer, scheduler, RNG
and the loop's own state, written whole under a temp name and renamed into place."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import torch

from ptlab.runlog import RunLog, atomic_write_text, now, replace_dir

STATE_FILE = "trainer_state.json"


def latest(run: RunLog) -> Path | None:
    """The run's most recent checkpoint folder, if it has one."""
    checkpoints = sorted(run.manifest.get("checkpoints", []), key=lambda c: c["step"])
    return run.dir / checkpoints[-1]["path"] if checkpoints else None


def save(run: RunLog, name: str, step: int, model: Any, tokenizer: Any, optimizer: Any, scheduler: Any, state: dict[str, Any], modules: dict[str, Any] | None = None, rng_states: list[dict[str, Any]] | None = None) -> Path:
    """Write checkpoints/NAME; `modules` are extra torch modules saved as NAME.pt (e.g. the value
    head); `rng_states`, one per process of a distributed job (this process's alone by default)."""
    target = run.dir / "checkpoints" / name
    staging = target.with_name(f".{name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    for file, module in (modules or {}).items():
        torch.save(module.state_dict(), staging / f"{file}.pt")
    torch.save(optimizer.state_dict(), staging / "optimizer.pt")
    torch.save(scheduler.state_dict(), staging / "scheduler.pt")
    rng = {"torch": torch.get_rng_state(), "python": random.getstate()}
    if rng_states and len(rng_states) > 1:
        rng = {**rng_states[0], "processes": rng_states}
    torch.save(rng, staging / "rng.pt")
    atomic_write_text(staging / STATE_FILE, json.dumps({**state, "step": step, "savedAt": now()}, indent=2) + "\n")
    replace_dir(staging, target)
    run.checkpoint_saved(step, target)
    return target


def restore(checkpoint: Path, optimizer: Any, scheduler: Any, modules: dict[str, Any] | None = None, process: int = 0) -> dict[str, Any]:
    """Load the optimizer, scheduler, RNG (this process's) and extra modules; returns the loop's state."""
    for file, module in (modules or {}).items():
        module.load_state_dict(torch.load(checkpoint / f"{file}.pt", weights_only=True))
    optimizer.load_state_dict(torch.load(checkpoint / "optimizer.pt", weights_only=False))
    scheduler.load_state_dict(torch.load(checkpoint / "scheduler.pt", weights_only=False))
    rng = torch.load(checkpoint / "rng.pt", weights_only=False)
    rng = rng["processes"][process] if process < len(rng.get("processes", [])) else rng
    torch.set_rng_state(rng["torch"])
    random.setstate(rng["python"])
    return json.loads((checkpoint / STATE_FILE).read_text())


def trained_tokens(checkpoint: Path) -> int:
    """Tokens a checkpoint was trained on (D_init for runs that start from it)."""
    state = checkpoint / STATE_FILE
    return json.loads(state.read_text())["compute"].get("totalTrainTokens", 0) if state.exists() else 0
