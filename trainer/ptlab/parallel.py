"""Several training processes (`accelerate launch`, see launch.py): who writes, how numbers
add up, how the processes agree.

Every process runs the same loop on its share of the data; gradients are averaged by
accelerate (DDP). Only the main process writes the run folder (`RunLog`; the others get a
`RunLogFollower`), evaluates and saves checkpoints; counts and losses are summed over the
processes first, so records show global numbers. In a single process every helper here
returns its input unchanged, so single-process runs compute exactly what they did before.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

import torch


# The other processes wait while the main one evaluates: give collectives that long.
COLLECTIVE_TIMEOUT = datetime.timedelta(hours=2)


def _state() -> Any:
    """The process group, made once: `accelerate launch` on CPUs says so in ACCELERATE_USE_CPU."""
    from accelerate import PartialState
    from accelerate.utils import parse_flag_from_env

    return PartialState(cpu=parse_flag_from_env("ACCELERATE_USE_CPU"), timeout=COLLECTIVE_TIMEOUT)


def accelerator() -> Any:
    """The job's Accelerator (device, process group, mixed precision from `accelerate launch`)."""
    from accelerate import Accelerator

    _state()
    return Accelerator()


def is_main_process() -> bool:
    return bool(_state().is_main_process)


def totals(acc: Any, *values: float) -> list[float]:
    """Each value summed over the processes (float64: token counts stay exact)."""
    if acc.num_processes == 1:
        return list(values)
    summed = acc.reduce(torch.tensor(values, dtype=torch.float64, device=acc.device), reduction="sum")
    return [float(v) for v in summed.tolist()]


def any_process(acc: Any, flag: bool) -> bool:
    """True on every process when it is true on one (e.g. SIGTERM reached one of them)."""
    return totals(acc, float(flag))[0] > 0


def gathered(acc: Any, items: list[Any]) -> list[Any]:
    """Every process's items, concatenated in process order (on every process)."""
    if acc.num_processes == 1:
        return items
    from accelerate.utils import gather_object

    return list(gather_object(items))


def rng_state() -> dict[str, Any]:
    return {"torch": torch.get_rng_state(), "python": random.getstate()}


def rng_states(acc: Any) -> list[dict[str, Any]]:
    """Every process's RNG state, in process order (checkpoints keep one per process)."""
    return gathered(acc, [rng_state()])
