"""The trainer's optimizers: torch.optim.Adam (PPO) and AdamW (SFT) with a config's `adam` options,
its kernel (`adam.implementation`) checked where the job runs before the first step, stepping
fp32 copies of bf16 or fp16 trained weights (MasterWeights) where no engine keeps them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from ptlab.config import Adam

LOW_PRECISION = (torch.bfloat16, torch.float16)


def adam(kind: type[torch.optim.Optimizer], params: list[Any], lr: float, options: Adam, field: str, error: type[Exception], distributed: str = "NO", grad_scaler: bool = False) -> torch.optim.Optimizer:
    """`kind` over `params`, under `distributed` (accelerate's distributed type). Weights in bf16
    or fp16 are stepped through fp32 copies (MasterWeights); DeepSpeed's engine keeps its own.
    Refused: FSDP's (it steps its shards in their dtype) and accelerate's fp16 `grad_scaler`
    (launcher.mixedPrecision "fp16": it unscales the gradients of the optimizer's parameters,
    the copies, which get theirs in the step). PyTorch checks the fused
    kernel's device and dtype only at the first step, mid-job: a one-element probe of each
    (device, dtype) the stepped parameters have steps here first, and a kernel missing there
    fails with `error` naming `field`."""
    low = sorted({str(p.dtype).removeprefix("torch.") for p in params if p.dtype in LOW_PRECISION})
    if low and distributed == "FSDP":
        raise error(f"model.dtype: FSDP would step the {' and '.join(low)} trained weights in their own precision, where an Adam step (about the learning rate) rounds away for most weights; set model.dtype to \"fp32\" (FSDP computes in launcher.mixedPrecision), or use launcher.distributed \"deepspeed-zero2\"/\"deepspeed-zero3\"")
    masters = bool(low) and distributed != "DEEPSPEED"
    if masters and grad_scaler:
        raise error(f'model.dtype: {" and ".join(low)} trained weights under launcher.mixedPrecision "fp16" (its loss scaling): set model.dtype to "fp32", which mixed precision computes in fp16, or launcher.mixedPrecision to "bf16"')
    stepped = [MasterWeights.copy_of(p) for p in params] if masters else params
    if options.implementation == "fused":
        for device, dtype in {(p.device, p.dtype) for p in stepped}:
            probe = torch.zeros(1, device=device, dtype=dtype, requires_grad=True)
            probe.grad = torch.zeros_like(probe)
            try:
                kind([probe], lr=lr, fused=True).step()
            except RuntimeError as exc:
                raise error(f"{field}: PyTorch has no fused Adam kernel for {dtype} parameters on {device.type} ({exc}); set it to \"foreach\" or \"for-loop\"") from exc
    if masters:
        return MasterWeights(params, stepped, lambda copies: kind(copies, lr=lr, **options.torch_options()))
    return kind(params, lr=lr, **options.torch_options())


class MasterWeights(torch.optim.Optimizer):
    """An optimizer over fp32 copies of the bf16/fp16 trained weights, as DeepSpeed's bf16
    optimizer keeps them (12 bytes a trained parameter: the copy, Adam's two moments). An Adam
    step moves a weight by about the learning rate, under half of bf16's spacing for most of
    a model's weights (1e-6 against 6e-5 at 0.016): stepped in place, they stay as they were
    (1.9% of a model's entries moved in 8 steps at 1e-6). Each step reads the weights'
    gradients in fp32, steps the copies and writes them back rounded to the weights' dtype.
    The inner optimizer (torch's Adam/AdamW over the copies) shares this one's param_groups
    and state, which learning-rate schedules and accelerate read and set; a state dict holds
    the copies too, so a resumed run goes on from them."""

    def __init__(self, weights: list[torch.nn.Parameter], copies: list[torch.nn.Parameter], make: Callable[[list[torch.nn.Parameter]], torch.optim.Optimizer]) -> None:
        self.weights, self.copies = weights, copies
        self.inner = make(copies)  # the update's arithmetic; its groups and state are this optimizer's
        super().__init__(copies, self.inner.defaults)
        self._share()

    def _share(self) -> None:
        self.inner.param_groups, self.inner.state = self.param_groups, self.state

    @staticmethod
    def copy_of(weight: torch.nn.Parameter) -> torch.nn.Parameter:
        """The fp32 copy a low-precision weight is stepped through (the weight itself otherwise)."""
        return torch.nn.Parameter(weight.detach().float()) if weight.dtype in LOW_PRECISION else weight

    def _copied(self) -> list[tuple[torch.nn.Parameter, torch.nn.Parameter]]:
        return [(w, c) for w, c in zip(self.weights, self.copies) if c is not w]

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        for weight, copy in self._copied():
            copy.grad = None if weight.grad is None else weight.grad.float()
            weight.grad = None  # read: its fp32 copy steps (the step holds 2 more bytes a weight, not 4)
        loss = self.inner.step(closure)
        for weight, copy in self._copied():
            weight.copy_(copy)
            copy.grad = None  # made again from the weight's gradient at the next step
        return loss

    def zero_grad(self, set_to_none: bool = True) -> None:
        for weight in self.weights:
            if set_to_none:
                weight.grad = None
            elif weight.grad is not None:
                weight.grad.zero_()
        super().zero_grad(set_to_none)

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "copies": [copy.detach() for _, copy in self._copied()]}

    @torch.no_grad()
    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Adam's state and the copies; a checkpoint of an optimizer that stepped the weights
        themselves (no copies) goes on from the weights."""
        saved = state_dict.get("copies")
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "copies"})
        self._share()
        pairs = self._copied()
        if saved is not None and len(saved) != len(pairs):
            raise ValueError(f"the optimizer state holds {len(saved)} fp32 copies of weights for {len(pairs)} low-precision trained weights")
        for i, (weight, copy) in enumerate(pairs):
            copy.copy_(saved[i] if saved is not None else weight)
            weight.copy_(copy)
