"""The trainer's optimizers: torch.optim.Adam (PPO) and AdamW (SFT) with a config's `adam` options,
its kernel (`adam.implementation`) checked where the job runs before the first step."""

from __future__ import annotations

from typing import Any

import torch

from ptlab.config import Adam


def adam(kind: type[torch.optim.Optimizer], params: list[Any], lr: float, options: Adam, field: str, error: type[Exception]) -> torch.optim.Optimizer:
    """`kind` over `params`. PyTorch checks the fused kernel's device and dtype only at the first
    step, mid-job: a one-element probe of each (device, dtype) the parameters have steps here
    first, and a kernel missing there fails with `error` naming `field`."""
    if options.implementation == "fused":
        for device, dtype in {(p.device, p.dtype) for p in params}:
            probe = torch.zeros(1, device=device, dtype=dtype, requires_grad=True)
            probe.grad = torch.zeros_like(probe)
            try:
                kind([probe], lr=lr, fused=True).step()
            except RuntimeError as exc:
                raise error(f"{field}: PyTorch has no fused Adam kernel for {dtype} parameters on {device.type} ({exc}); set it to \"foreach\" or \"for-loop\"") from exc
    return kind(params, lr=lr, **options.torch_options())
