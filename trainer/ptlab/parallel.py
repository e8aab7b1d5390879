"""Several training processes (`accelerate launch`, see launch.py): who writes, how numbers
add up, how the processes agree.

Every process runs the same loop on its share of the data; gradients are averaged by
accelerate (DDP). Only the main process writes the run folder (`RunLog`; the others get a
`RunLogFollower`), evaluates and saves checkpoints; counts and losses are summed over the
processes first, so records show global numbers. In a single process every helper here
returns its input unchanged, so single-process runs compute exactly what they did before.

DeepSpeed (ZeRO-2/3): the engine owns accumulation, clipping and the optimizer step, configured
from the experiment (configure_deepspeed) and stepped at the last micro-batch (micro_batch);
under ZeRO-3 each process holds a shard of the weights, so every forward (generation and
evaluation included) is a collective all processes take part in (sharded), and checkpoints
gather the full weights first (full_state_dict). FSDP goes through the same helpers; it needs
GPUs and is not exercised by the tests.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import math
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import torch


T = TypeVar("T")

# The other processes wait while the main one writes what they all read (sft.data: 100,000
# examples for the paper presets, images included) or a checkpoint: give collectives that long.
# A hang holds the GPUs as long: the extension's stalledProgress alert says so long before.
COLLECTIVE_TIMEOUT = datetime.timedelta(hours=2)


def _state() -> Any:
    """The process group, made once: `accelerate launch` on CPUs says so in ACCELERATE_USE_CPU.
    DeepSpeed without a GPU (its CPU accelerator: the tests' ZeRO-2/3 launches) needs gloo named
    here: left to accelerate, every process would find no backend and think it is alone."""
    from accelerate import PartialState
    from accelerate.utils import parse_flag_from_env

    _import_group_defaults()
    if parse_flag_from_env("ACCELERATE_USE_DEEPSPEED") and not torch.cuda.is_available():
        return PartialState(backend="gloo", timeout=COLLECTIVE_TIMEOUT)
    return PartialState(cpu=parse_flag_from_env("ACCELERATE_USE_CPU"), timeout=COLLECTIVE_TIMEOUT)


def _import_group_defaults() -> None:
    """Import, before the process group exists, the modules that take the default group as a
    default argument when they are imported (`def all_reduce(..., group=group.WORLD)`):
    torch.distributed.nn.functional (DDP imports it) and deepspeed.comm (accelerate's
    unwrap_model imports deepspeed when it is installed). Imported once the group exists, their
    defaults hold it for good: destroy_process_group (finish) then cannot free it, and gloo's
    threads outlive it into the interpreter's exit. Imported first, the defaults are None."""
    import importlib.util
    import os

    import torch.distributed as dist

    if "WORLD_SIZE" not in os.environ or not dist.is_available() or dist.is_initialized():
        return  # not under a launcher (no group to make), or made already
    import torch.distributed.nn.functional  # noqa: F401

    if importlib.util.find_spec("deepspeed") is not None:
        import deepspeed.comm  # noqa: F401


def main_first(make: Callable[[], T]) -> T:
    """`make()` in the main process first, then in the others (which find what it wrote)."""
    with _state().main_process_first():
        return make()


def main_only(make: Callable[[], T]) -> T | None:
    """`make()` in the main process alone, the others waiting until it is done; None in them."""
    state = _state()
    try:
        return make() if state.is_main_process else None
    finally:  # a failure in the main process lets the others go too (it ends the job itself)
        state.wait_for_everyone()


def computing(acc: Any) -> contextlib.AbstractContextManager[None]:
    """The launch's mixed precision (`accelerate launch --mixed_precision`: autocast, with
    fp32 weights under DDP or FSDP) for the forwards outside the prepared module: the rollout's
    decoding, the KL reference, evaluation. accelerate runs the prepared module's own forward
    under it; without this these ran in fp32, and the sampler's log-probs, the reference's and
    the evaluated answers were another precision's than training's. Nothing for one local
    process (no mixed precision) or DeepSpeed (the engine casts the weights)."""
    return acc.autocast() if acc is not None else contextlib.nullcontext()


def accelerator(model: Any = None) -> Any:
    """The job's Accelerator (device, process group, mixed precision from `accelerate launch`).
    For an image-text-to-text `model` (its config section) DDP looks for parameters a pass did
    not reach: a vision-language model carries some (LLaVA reads its vision tower's hidden
    states before the tower's final norm, and none past vision_feature_layer), and DDP would
    otherwise fail the second step waiting for their gradients. One search of the autograd
    graph per backward; a no-op for one process, DeepSpeed and FSDP. DDP does not broadcast the
    model's buffers (rotary frequencies, position ids: made alike from the config in every
    process, and never trained) before each forward: that made every synchronizing forward a
    collective, so a forward one process takes alone (PPO's pass again without a non-finite
    transition) waited forever for the others."""
    from accelerate import Accelerator
    from accelerate.utils import DistributedDataParallelKwargs

    _state()
    vision = model is not None and model.kind == "image-text-to-text"
    return Accelerator(kwargs_handlers=[DistributedDataParallelKwargs(find_unused_parameters=vision, broadcast_buffers=False)])


def deepspeed_stage(acc: Any) -> int:
    """The ZeRO stage of a DeepSpeed launch; 0 for any other (accelerate's DistributedType is a str enum)."""
    if acc.distributed_type != "DEEPSPEED":
        return 0
    return int(acc.state.deepspeed_plugin.deepspeed_config.get("zero_optimization", {}).get("stage", 0))


def _deepspeed_precision(acc: Any) -> str | None:
    """"bf16" or "fp16" where a DeepSpeed launch trains in that precision; None otherwise."""
    if getattr(acc, "distributed_type", None) != "DEEPSPEED":
        return None
    config = acc.state.deepspeed_plugin.deepspeed_config
    return next((name for name in ("bf16", "fp16") if str(config.get(name, {}).get("enabled", False)).lower() == "true"), None)


def companion_dtype(acc: Any, model: Any) -> torch.dtype:
    """The dtype of a module trained in one prepared module with `model` (PPO's value head).
    Under a sharding launch, that of `model`'s trained weights: DeepSpeed ZeRO-3 refuses
    trained weights of two dtypes (the model's are partitioned in the launch's precision as
    they load; LoRA's adapters stay float32, as PEFT keeps them), ZeRO-2's engine casts the
    whole module to its precision anyway, and FSDP flattens a unit's weights into one tensor
    (not run here: FSDP needs GPUs). float32 for any other launch (DDP keeps each weight's
    dtype)."""
    if getattr(acc, "distributed_type", None) not in ("DEEPSPEED", "FSDP"):
        return torch.float32
    return next((p.dtype for p in model.parameters() if p.requires_grad), torch.float32)


def loss_scaled(acc: Any) -> bool:
    """Whether fp16's dynamic loss scaling steps the optimizer: accelerate's GradScaler, or a
    DeepSpeed engine in fp16. Either starts at a scale of 2**16 and finds its scale by
    overflowing: a step whose gradient is not finite is skipped there, the scale lowered, not
    an error."""
    return getattr(acc, "scaler", None) is not None or _deepspeed_precision(acc) == "fp16"


def configure_deepspeed(acc: Any, micro_batch: int, accumulation: int, max_grad_norm: float) -> None:
    """Before `prepare` under DeepSpeed, the engine's config from the experiment: accelerate
    reads the micro-batch size from a prepared DataLoader and we prepare none; the gradient
    clipping would otherwise be accelerate's silent 1.0; ZeRO-3 gathers full weights to save
    (a ZeRO-3 module's own state_dict holds empty shards). A no-op for any other launch."""
    if acc.distributed_type != "DEEPSPEED":
        return
    config = acc.state.deepspeed_plugin.deepspeed_config
    config["train_micro_batch_size_per_gpu"] = micro_batch
    config["gradient_accumulation_steps"] = accumulation
    config["train_batch_size"] = micro_batch * accumulation * acc.num_processes
    config["gradient_clipping"] = max_grad_norm
    config.setdefault("zero_optimization", {})["stage3_gather_16bit_weights_on_model_save"] = True


@contextlib.contextmanager
def micro_batch(acc: Any, model: Any, last: bool) -> Iterator[None]:
    """One forward/backward of an optimizer step's accumulated micro-batches. DDP: the gradients
    stay local until the last one. DeepSpeed: the last one is the engine's accumulation boundary,
    where `backward` reduces the gradients, clips, steps and zeroes them (the optimizer's own
    step and zero_grad are then no-ops)."""
    if acc.distributed_type == "DEEPSPEED":
        acc.sync_gradients = last
        try:
            yield
        finally:
            acc.sync_gradients = True
    elif last:
        yield
    else:
        with acc.no_sync(model):
            yield


def backward(acc: Any, loss: Any) -> None:
    """`loss` is already the step's share (normalized by the loop): DeepSpeed must not divide it
    again by its accumulation steps."""
    if acc.distributed_type == "DEEPSPEED":
        acc.backward(loss, scale_wrt_gas=False)
    else:
        acc.backward(loss)


def sharded(acc: Any) -> bool:
    """Whether each process holds only a shard of the weights (DeepSpeed ZeRO-3), so that every
    forward pass (generation, evaluation) is a collective all the processes take part in."""
    return deepspeed_stage(acc) == 3


@contextlib.contextmanager
def whole_on_every_process(acc: Any) -> Iterator[None]:
    """Models loaded inside are whole on every process. Under ZeRO-3 transformers partitions
    what it loads (accelerate registers the DeepSpeed config with it): right for the trained
    model, which the engine then runs, wrong for one no engine runs (PPO's frozen KL reference:
    its forwards would see empty shards)."""
    if not sharded(acc):
        yield
        return
    from transformers.integrations import unset_hf_deepspeed_config

    unset_hf_deepspeed_config()
    try:
        yield
    finally:
        acc.state.deepspeed_plugin.set_deepspeed_weakref()


def launch(acc: Any) -> Any:
    """The launch this process runs in, as the config's refusals take it (ptlab.config.Launch)."""
    from ptlab.config import Launch

    strategy = {"FSDP": "fsdp", "DEEPSPEED": f"deepspeed-zero{deepspeed_stage(acc)}"}.get(acc.distributed_type, "ddp")
    return Launch(strategy, acc.num_processes)


def for_training(module: Any, spec: Any) -> Any:
    """The module the training passes call: with model.compile, torch.compile'd with dynamic
    shapes (its parameters and state dict are the module's own); the module itself otherwise.
    Rollouts, evaluation and checkpoints keep using the uncompiled module."""
    return torch.compile(module, dynamic=True) if spec.compile else module


def full_state_dict(acc: Any, model: Any) -> dict[str, Any] | None:
    """The prepared model's full weights where its own state_dict would not hold them (ZeRO-3,
    FSDP: sharded), gathered to the main process; every process must call it. None otherwise
    (the unwrapped model's state_dict is whole)."""
    if deepspeed_stage(acc) == 3 or acc.distributed_type == "FSDP":
        return acc.get_state_dict(model)
    return None


def saved_optimizer(acc: Any, optimizer: Any) -> Any:
    """The optimizer a checkpoint saves as optimizer.pt: None under DeepSpeed (the engine saves
    its shards) and FSDP, whose state each process holds a shard of (the main process's alone
    would resume every process on it: the checkpoint says it holds none instead)."""
    return None if acc.distributed_type in ("DEEPSPEED", "FSDP") else optimizer


def finish(failed: bool = False, error: BaseException | None = None) -> None:
    """The end of a job in every process: the process group is torn down before the interpreter
    exits, its gloo threads joined while Python still runs. Left to the interpreter's exit, a
    gloo thread that lets go of a collective's last tensor (one Python made: freeing it takes the
    GIL) is stopped by Python's finalization mid-destructor: `terminate called without an active
    exception`, SIGABRT, the launcher then SIGTERMs the others (seen under DDP and DeepSpeed
    ZeRO-3 on loaded machines). destroy_process_group frees the group only when nothing else
    holds it: _import_group_defaults sees to that.

    After a job's last collective every process first waits for the others (`barrier`). Not
    after an error (`failed`): the others may never get there. A failed process still destroys
    a gloo group, which is local (a collective of its own still pending, rare after a Python
    exception, is waited for as the interpreter's exit would); an NCCL group is left to torch,
    whose destructor aborts it without waiting for peers that may be stuck in a collective (a
    graceful NCCL destroy would wait for them). The `error`'s frames let go of their locals
    first (the job's model holds the group; the traceback keeps its lines)."""
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return
    if failed:
        if "nccl" not in str(dist.get_backend()):
            _clear_frames(error)
            dist.destroy_process_group()
        return
    dist.barrier()
    dist.destroy_process_group()


def _clear_frames(error: BaseException | None) -> None:
    """The locals of the frames an exception (and the ones it chains) went through."""
    import traceback

    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        error = error.__cause__ or error.__context__


def is_main_process() -> bool:
    return bool(_state().is_main_process)


def totals(acc: Any, *values: float) -> list[float]:
    """Each value summed over the processes (float64: token counts stay exact)."""
    if acc.num_processes == 1:
        return list(values)
    summed = acc.reduce(torch.tensor(values, dtype=torch.float64, device=acc.device), reduction="sum")
    return [float(v) for v in summed.tolist()]


def host_values(*values: Any) -> list[float]:
    """Scalars as host floats (None: NaN), the device's among them read in one transfer: each
    read waits for everything queued before it, so a step reads its scalars once, at its end."""
    tensors = [v.full_tensor() if hasattr(v, "full_tensor") else v for v in values if isinstance(v, torch.Tensor)]  # a DTensor (FSDP2) whole
    read: Iterator[float] = iter(())
    if tensors:
        dtype = functools.reduce(torch.promote_types, (t.dtype for t in tensors))
        read = iter(torch.stack([t.detach().reshape(()).to(tensors[0].device, dtype) for t in tensors]).tolist())
    return [next(read) if isinstance(v, torch.Tensor) else math.nan if v is None else float(v) for v in values]


def any_process(acc: Any, flag: bool) -> bool:
    """True on every process when it is true on one (e.g. SIGTERM reached one of them)."""
    return totals(acc, float(flag))[0] > 0


def gathered(acc: Any, items: list[Any]) -> list[Any]:
    """Every process's items, concatenated in process order (on every process)."""
    if acc.num_processes == 1:
        return items
    from accelerate.utils import gather_object

    return list(gather_object(items))


def rng_states(acc: Any) -> list[dict[str, Any]]:
    """Every process's RNG state (checkpoints.rng_state), in process order (checkpoints keep one per process)."""
    from ptlab.checkpoints import rng_state

    return gathered(acc, [rng_state()])


def to_device(batch: dict[str, Any], device: Any) -> dict[str, Any]:
    """A collated batch's tensors on `device`; to CUDA from pinned host memory, asynchronously
    (the copy overlaps the work queued before it; a plain copy from pageable memory would wait
    for that work: a host-device sync)."""
    if torch.device(device).type != "cuda":
        return {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}
    return {k: (v.pin_memory() if v.device.type == "cpu" else v).to(device, non_blocking=True) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}


def peak_memory_metric(device: Any) -> dict[str, float]:
    """`perf/peak_memory_gib`: the most this process's CUDA allocator held since its peak was
    last reset (at the step's or update's start), in GiB; nothing on other devices."""
    if getattr(device, "type", str(device)) != "cuda":
        return {}
    return {"perf/peak_memory_gib": torch.cuda.max_memory_allocated(device) / 2**30}
