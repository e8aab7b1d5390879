"""Learning-rate schedules stepped as a training loop steps them (imported by the tests)."""

from __future__ import annotations

from typing import Any


def rates_per_step(optimizer: Any, scheduler: Any, steps: int, scheduler_steps: int = 1) -> list[float]:
    """The learning rate of each of `steps` optimizer steps (a PPO update, an SFT step), the
    scheduler stepped `scheduler_steps` times after each (the reference's accelerate steps its
    cosine once per process)."""
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        for _ in range(scheduler_steps):
            scheduler.step()
    return rates
