"""`ptlab plan CONFIG`: the memory each GPU needs for a job, per stage, before a GPU is held.

Model states come from the model's exact parameter counts and the launcher's strategy (what
each GPU keeps of the weights, gradients and optimizer state: `state_bytes`). Activations,
the generation KV cache and the temporaries of each stage are measured, not estimated: the
trainer's own forward (and backward) runs once on fake tensors (torch's FakeTensorMode, which
gives every tensor its shape and dtype and no storage), at the job's real shapes, and the
peak of the storage it allocates is recorded (_PeakBytes). The shapes are the worst the config allows:
the longest of the first SFT examples repeated to the micro-batch, or for PPO an episode
whose every attempt runs to maxNewTokens, each rendered by the model's own tokenizer.

Stages (per GPU, each with the states alive at that time):
  sft/step       a micro-batch's forward and backward (gradient checkpointing as configured)
  ppo/rollout    one generate call's rows at the longest context: KV cache and prefill
                 (model.kvCache "paged": its session's footprint as transformers sizes it)
  ppo/update     a micro-batch's forward and backward through the policy and value head (the
                 KL reference's log-probs are scored before the update, without a gradient,
                 so its forwards never run beside these activations)
  sft/optimizer step, ppo/optimizer step
                 the step itself: the fp32 gradients it reads and Adam's temporaries
                 (`step_bytes`), without the activations, which backward has freed
  evaluation     greedy generation at the evaluation's maxNewTokens

What the states assume (`state_bytes`): DDP keeps everything on every GPU, Adam's two moments
in fp32 and, for bf16 or fp16 weights, an fp32 copy of each trained one that the optimizer
steps (optimizers.MasterWeights: 12 bytes per trained parameter); FSDP shards all three (in
fp32: the job refuses low-precision trained weights under FSDP);
DeepSpeed with bf16 keeps fp32 master weights and moments (12 bytes per trained parameter,
the ZeRO paper's K) sharded, ZeRO-2 the gradients too, ZeRO-3 the weights as well. Sharded
weights are gathered a layer at a time: the planner adds two of the largest layers (the
one computing and the one prefetched), FSDP's in the launch's mixed precision (its param_dtype).
Not counted: communication buckets, the CUDA context and allocator fragmentation (typically
1-3 GiB together).

Mixed precision (`launch_precision`): an accelerate or Slurm launch other than DeepSpeed runs
the trained module's forward under autocast in launcher.mixedPrecision, its outputs cast back
to fp32, and generation under autocast (parallel.computing); the planner measures its passes
the same way (FSDP's with the weights in that dtype, as it gathers them). It measures on CPU,
under CPU autocast, whose lists of ops kept in fp32 differ from CUDA's (CUDA also keeps softmax,
log-softmax, sums and a few others in fp32): a GPU's activations may differ somewhat.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

GIB = 2**30
DTYPE_BYTES = {"bf16": 2, "fp16": 2, "fp32": 4, "auto": 2}  # auto: bf16 on a GPU that supports it
SFT_EXAMPLES_READ = 64


class PlanError(ValueError):
    pass


@dataclass(frozen=True)
class Counts:
    parameters: int  # every weight of the model
    trained: int  # those the optimizer steps (LoRA: the adapters)
    largest_layer: int  # parameters of the largest repeated block (what FSDP and ZeRO-3 gather at once)
    largest_trained: int = 0  # elements of the largest trained tensor (Adam's for-loop kernel's temporaries)


@dataclass(frozen=True)
class Stage:
    name: str
    rows: int
    tokens: int  # per row
    parts: dict[str, int]  # bytes per GPU

    @property
    def total(self) -> int:
        return sum(self.parts.values())


@dataclass(frozen=True)
class Plan:
    config: str
    job: str
    model: str
    strategy: str
    processes: int
    gpu_bytes: int
    counts: Counts
    stages: list[Stage]
    notes: list[str] = field(default_factory=list)

    @property
    def peak(self) -> Stage:
        return max(self.stages, key=lambda s: s.total)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "stages": [{**asdict(s), "total": s.total} for s in self.stages], "peak": self.peak.name, "fits": self.peak.total <= self.gpu_bytes}


def processes(launcher: Any) -> int:
    """The training processes, one per GPU (or launcher.cpuProcesses): a local job has one."""
    if launcher.kind == "local":
        return 1
    if launcher.cpuProcesses:
        return int(launcher.cpuProcesses)
    if launcher.kind == "slurm":
        return launcher.slurm.nodes * launcher.slurm.gpusPerNode
    gpus = launcher.gpus
    return len(gpus) if isinstance(gpus, tuple) else int(gpus or 1)


def distributed_strategy(launcher: Any, world: int) -> str:
    """What keeps the training state: DeepSpeed's engine wherever accelerate launches it (on
    one GPU too: fp32 master weights and moments), FSDP or DDP over several processes; a
    local job or a single accelerate process without DeepSpeed, plain PyTorch (as "ddp")."""
    if launcher.kind != "local" and launcher.distributed.startswith("deepspeed"):
        return launcher.distributed
    return launcher.distributed if world > 1 else "ddp"


def state_bytes(counts: Counts, dtype: str, strategy: str, world: int) -> dict[str, int]:
    """Weights, gradients and optimizer state each GPU keeps between steps (see the module's docstring)."""
    w = DTYPE_BYTES[dtype]
    adam = 12 if w < 4 else 8  # Adam's fp32 moments, and fp32 copies of bf16/fp16 weights (optimizers.MasterWeights)
    if strategy == "ddp":
        return {"weights": counts.parameters * w, "gradients": counts.trained * w, "optimizer": adam * counts.trained}
    if strategy == "fsdp":
        return {"weights": counts.parameters * w // world, "gradients": counts.trained * w // world, "optimizer": adam * counts.trained // world}
    master = 12 * counts.trained // world  # fp32 weights, momentum and variance
    if strategy == "deepspeed-zero2":
        return {"weights": counts.parameters * w, "gradients": counts.trained * w // world, "optimizer": master}
    return {"weights": counts.parameters * w // world, "gradients": counts.trained * w // world, "optimizer": master}


DEEPSPEED_SUB_GROUP = 10**9  # ZeRO-3's sub_group_size default: the fp32 gradients it steps at once


def step_bytes(counts: Counts, dtype: str, strategy: str, world: int, implementation: str) -> dict[str, int]:
    """The optimizer step's gradients and temporaries per GPU (it holds the model states but no
    activations). Gradients: low-precision ones are read as fp32 ones, which the step holds
    all at once (optimizers.MasterWeights frees each bf16 gradient once it has read it; DeepSpeed
    makes its partition's fp32 gradients beside the bf16 ones, ZeRO-3 a sub-group at a time).
    Adam's temporaries, fp32 like the stepped parameters: "foreach" takes the square root of
    every second moment at once, "for-loop" one tensor at a time (the root and its quotient,
    beside the previous tensor's quotient: three of the largest at most; DeepSpeed's partition
    is one flat tensor: two), "fused" none."""
    w = DTYPE_BYTES[dtype]
    states = state_bytes(counts, dtype, strategy, world)
    if strategy.startswith("deepspeed"):
        shard = counts.trained // world
        gradients = states["gradients"] + 4 * (min(shard, DEEPSPEED_SUB_GROUP) if strategy == "deepspeed-zero3" else shard) if w < 4 else states["gradients"]
        loop = 2 * 4 * shard
    else:
        gradients = 4 * counts.trained // (world if strategy == "fsdp" else 1)
        if w < 4 and strategy == "ddp":  # each bf16 gradient is freed once its fp32 one is made: one of them at most beside those
            gradients += w * counts.largest_trained
        loop = 3 * 4 * counts.largest_trained
    stepped = 4 * (counts.trained if strategy == "ddp" else counts.trained // world)
    temporaries = {"fused": 0, "foreach": stepped, "for-loop": loop}[implementation]
    return {"gradients": gradients, "optimizer temporaries": temporaries}


def gathered_bytes(counts: Counts, dtype: str, strategy: str, world: int) -> int:
    """Whole layers held while sharded weights compute, in `dtype` (Precision.weights): the current one and the prefetched one."""
    if world > 1 and strategy in ("fsdp", "deepspeed-zero3"):
        return 2 * counts.largest_layer * DTYPE_BYTES[dtype]
    return 0


@dataclass(frozen=True)
class Precision:
    """How a launch computes its passes: under autocast in `autocast` ("bf16", "fp16"; None:
    without), with the weights in `weights` (FSDP's param_dtype; None: model.dtype)."""

    autocast: str | None = None
    weights: str | None = None


def launch_precision(launcher: Any, strategy: str) -> Precision:
    """launcher.mixedPrecision as the launch applies it: accelerate's autocast, under FSDP with
    the shards gathered in it too; nothing for a local job (no accelerate launch) or DeepSpeed
    (its engine keeps the weights in their dtype and adds no autocast)."""
    mixed = launcher.mixedPrecision
    if launcher.kind == "local" or mixed == "no" or strategy.startswith("deepspeed"):
        return Precision()
    return Precision(mixed, mixed if strategy == "fsdp" else None)


def _as_launched(module: Any, precision: Precision) -> Any:
    """`module` with its forward as accelerate's prepare makes it under mixed precision:
    autocast, the outputs cast back to fp32 (accelerate's own convert_outputs_to_fp32)."""
    if precision.autocast is not None:
        from accelerate.utils import convert_outputs_to_fp32

        module.forward = convert_outputs_to_fp32(_autocast(module, precision)(module.forward))
    return module


def _autocast(module: Any, precision: Precision) -> Any:
    """torch.autocast in the launch's dtype on the module's device type; nothing without mixed precision."""
    if precision.autocast is None:
        return contextlib.nullcontext()
    import torch

    from ptlab.models import torch_dtype

    return torch.autocast(next(module.parameters()).device.type, dtype=torch_dtype(precision.autocast, "cuda"))


# ---- the model, on fake tensors -------------------------------------------------------------


def model_config(experiment: Any, config_file: Path | None) -> Any:
    """The model's transformers config: `config_file` (a config.json) when given, else the
    model's own (an embedded model, a local folder, or the Hugging Face cache)."""
    from transformers import AutoConfig

    from ptlab.models import resolve_model_path

    if config_file is not None:
        return given_config(config_file)
    try:
        return AutoConfig.from_pretrained(resolve_model_path(experiment.model.name), revision=experiment.model.revision, trust_remote_code=experiment.model.trustRemoteCode)
    except OSError as exc:
        raise PlanError(f"model {experiment.model.name}: its config.json is not on this machine ({exc.__class__.__name__}); pass --model-config with a copy of it (only its sizes are read)") from exc


def given_config(config_file: Path) -> Any:
    """--model-config's file (or a folder holding config.json), read as transformers reads a
    model's config.json."""
    from transformers import AutoConfig

    where = f"--model-config {config_file}"
    if config_file.is_dir() and (config_file / "config.json").is_file():
        config_file = config_file / "config.json"
    if not config_file.is_file():
        found = "a folder without a config.json" if config_file.is_dir() else "no such file"
        raise PlanError(f"{where}: {found}; pass the path of the model's config.json (a copy of the one in its repository), or a folder holding it")
    try:
        return AutoConfig.from_pretrained(str(config_file))
    except (OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise PlanError(f"{where}: not a transformers model config ({reason}); pass the model's own config.json, which names its model_type") from exc


def fake_model(experiment: Any, config: Any, dtype: str | None = None) -> Any:
    """The model with LoRA and gradient checkpointing as the trainer sets them, on fake tensors
    inside a FakeTensorMode (`_tensors`), else real with random weights; its weights in
    `dtype` (default model.dtype)."""
    from transformers import AutoModelForCausalLM, AutoModelForImageTextToText

    from ptlab.models import add_lora, torch_dtype

    spec = experiment.model
    auto = AutoModelForImageTextToText if spec.kind == "image-text-to-text" else AutoModelForCausalLM
    options = {}
    if spec.attention == "varlen":  # planned as it attends: rows laid end to end one sequence at a time (others: SDPA)
        from ptlab import attention

        attention.register()
        options["attn_implementation"] = "varlen"
    dtype = dtype or spec.dtype
    model = auto.from_config(config, dtype=torch_dtype("bf16" if dtype == "auto" else dtype, "cuda"), trust_remote_code=spec.trustRemoteCode, **options)
    if spec.attention == "varlen":
        attention.attach(model)
    if spec.lora is not None:
        from torch._subclasses.fake_tensor import FakeTensor

        if isinstance(next(model.parameters()), FakeTensor):
            raise PlanError(
                "model.lora: LoRA configs are not planned yet: peft moves its adapters with Module.to, which torch cannot do to "
                "parameters on fake tensors. Plan the config without the lora section: its activations are about the same, and its "
                "gradients and optimizer state (every weight trained) an upper bound"
            )
        model = add_lora(model, spec.lora, seed=0)
    if (checkpointing := spec.checkpointing()) is not None:
        model.activation_checkpointing_enable(**checkpointing)  # transformers 5.x: gradient_checkpointing_enable is its deprecated alias
    return model


def counts_of(model: Any) -> Counts:
    repeated = set(getattr(model, "_no_split_modules", None) or getattr(getattr(model, "base_model", None), "_no_split_modules", None) or [])
    layers = [m for m in model.modules() if type(m).__name__ in repeated]
    largest = max((sum(p.numel() for p in m.parameters()) for m in layers), default=0)
    trained = [p.numel() for p in model.parameters() if p.requires_grad]
    return Counts(sum(p.numel() for p in model.parameters()), sum(trained), largest, max(trained, default=0))


@contextlib.contextmanager
def _tensors(fake: bool, device: str = "cpu", position_ids_given: bool = False) -> Iterator[Callable[[Any], Any]]:
    """Inside: models are built on fake tensors, or real ones on `device` when not `fake`;
    yields the conversion of an input tensor made outside. transformers reads the position ids
    it derives (when none are given) to see whether rows pack several sequences, and builds a
    full attention mask when it cannot read them (fake tensors): the planner's rows never pack
    unless they carry their own position ids, so it is told so, and attends as a real run does."""
    if not fake:
        import torch

        with torch.device(device):
            yield lambda t: t.to(device)
        return
    from unittest import mock

    from torch._subclasses.fake_tensor import DataDependentOutputException, FakeTensorMode
    from transformers import masking_utils

    unpacked = mock.patch.object(masking_utils, "find_packed_sequence_indices", lambda position_ids: None) if not position_ids_given else contextlib.nullcontext()
    try:
        with FakeTensorMode(allow_non_fake_inputs=True) as mode, unpacked:
            yield mode.from_tensor
    except DataDependentOutputException as exc:
        raise PlanError(
            "the model's forward reads the values of its inputs (e.g. it counts image tokens in the ids to place image "
            f"features: {exc.func}), which fake tensors do not hold, so it cannot be measured without running it; the planner "
            "measures text models and Mllama. Measure the job on a smaller replica of the model instead (`ptlab replica`)"
        ) from exc


class _PeakBytes:
    """The most bytes of tensor storage alive at once among those made inside (a dispatch
    mode sees every op's outputs, backward and recomputed checkpoints included; a storage
    counts until it is freed). The `existing` tensors' storage (weights, gradients), which
    views and in-place ops return too, is not counted. Torch's MemTracker does this and more, but assumes training: its hooks fail in
    a forward without gradients."""

    def __init__(self, existing: Any) -> None:
        import weakref

        from torch.utils._python_dispatch import TorchDispatchMode
        from torch.utils._pytree import tree_leaves
        from torch.utils.weak import WeakIdKeyDictionary

        tracker = self
        self.live = self.peak = 0
        self._seen = WeakIdKeyDictionary()
        for t in existing:  # their views and in-place results are theirs, not new storage
            self._seen[t.untyped_storage()] = None

        def freed(size: int, _ref: Any) -> None:
            tracker.live -= size

        class Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
                out = func(*args, **(kwargs or {}))
                for t in tree_leaves(out):
                    if hasattr(t, "untyped_storage"):
                        storage = t.untyped_storage()
                        if storage not in tracker._seen:
                            size = storage.nbytes()
                            tracker._seen[storage] = weakref.ref(storage, lambda ref, size=size: freed(size, ref))
                            tracker.live += size
                            tracker.peak = max(tracker.peak, tracker.live)
                return out

        self.mode = Mode()


def _peak_beyond_states(model: Any, step: Any, training: bool) -> int:
    """Bytes `step()` allocates at its peak beyond the model's weights and, when `training`,
    gradients (made beforehand, as after a first micro-batch): activations, KV cache,
    temporaries. On a GPU, its caching allocator's count."""
    import torch

    if training:
        for p in model.parameters():
            if p.requires_grad:
                p.grad = torch.zeros_like(p)
    if next(model.parameters()).is_cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        step()
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - before
    tracker = _PeakBytes([*model.parameters(), *(p.grad for p in model.parameters() if p.grad is not None), *model.buffers()])
    with tracker.mode:
        step()
    return tracker.peak


# ---- the job's shapes ---------------------------------------------------------------------------


def sft_batch(experiment: Any, encoder: Any) -> tuple[dict[str, Any], int, int]:
    """The longest of the first SFT examples, repeated to a micro-batch (packed when
    sft.packing, in one row when sft.paddingFree), collated as the trainer does; its rows and
    tokens per row."""
    from ptlab import chat
    from ptlab.data import sft_examples
    from ptlab.sft import DEFAULT_MAX_LENGTH, collate, collate_packed, tokenize

    max_length = experiment.model.maxLength or DEFAULT_MAX_LENGTH
    with tempfile.TemporaryDirectory() as tmp:
        examples = []
        for i, record in zip(range(SFT_EXAMPLES_READ), sft_examples(experiment, Path(tmp))):
            examples.append(tokenize(encoder, record["messages"], max_length, Path(tmp), f"example {i}"))
        longest = max(examples, key=lambda e: len(e.input_ids))
        rows, pad_id = experiment.sft.microBatchSize, chat.text_tokenizer(encoder).pad_token_id
        per_row = max(1, max_length // len(longest.input_ids)) if experiment.sft.packing else 1  # as many of it as max_length holds
        if experiment.sft.paddingFree:  # the micro-batch end to end in one row
            per_row, rows = per_row * rows, 1
        if per_row > 1:
            batch = collate_packed([[longest] * per_row] * rows, pad_id)
            batch.pop("tokens")
            return batch, rows, per_row * len(longest.input_ids)
        batch = collate([longest] * rows, pad_id, encoder)
    return batch, rows, len(longest.input_ids)


def longest_episode(experiment: Any, encoder: Any, max_new_tokens: int, env: Any = None) -> list[tuple[list[int], tuple[str, ...], list[Any]]]:
    """The prompts of an environment's first episode (default: the training one) when every attempt runs to
    `max_new_tokens` without a valid answer (the longest an episode gets): ids, text (in chat.encode's pieces), images."""
    from ptlab import chat, episodes
    from ptlab.ppo import _prompt

    env = env or experiment.environment_for()
    slot = episodes.start(env.episodes(experiment.base_dir)(experiment.seed), 0)
    text = chat.text_tokenizer(encoder)
    filler = text.decode([text.encode(" x", add_special_tokens=False)[-1]] * max_new_tokens)
    prompts = []
    while True:
        ids, rendered = _prompt(encoder, slot.messages)
        prompts.append((ids, rendered, chat.images_in(slot.messages)))
        step = slot.env.step(filler)
        if step.done or len(prompts) >= 100:
            return prompts
        slot.messages, slot.shown = episodes.follow_up(slot.messages, filler, step, slot.env)


def longest_prompt(experiment: Any, encoder: Any, max_new_tokens: int, environments: list[Any] | None = None) -> tuple[list[int], tuple[str, ...], list[Any]]:
    """The longest prompt of longest_episode over `environments` (default: the training one;
    an evaluation's: each split's, whose overrides may raise maxVerify or lengthen routes)."""
    return max((p for env in environments or [None] for p in longest_episode(experiment, encoder, max_new_tokens, env)), key=lambda p: len(p[0]))


# ---- stages -------------------------------------------------------------------------------------


def measure_training_step(experiment: Any, config: Any, encoder: Any, job: str, fake: bool = True, device: str = "cpu", precision: Precision = Precision()) -> tuple[int, int, int, Counts]:
    """A micro-batch's forward and backward of the job, the trained module computing in the
    launch's `precision`: (peak bytes beyond the weights and gradients, rows, tokens per row,
    the model's counts). On fake tensors unless `fake` is false: then a real model with
    random weights runs it on `device` (a check at a small size)."""
    import torch

    from ptlab.models import hidden_size
    from ptlab.ppo import PolicyAndValue, ScoreInputs, Transition, ValueHead, score, score_inputs
    from ptlab.sft import loss_inputs, predicted_loss

    if job == "sft":
        batch, rows, tokens = sft_batch(experiment, encoder)
        inputs, targets, keep = loss_inputs(batch)
        tensors = {**inputs, "targets": targets, "keep": keep}
    else:
        cfg = experiment.ppo
        prompt_ids, prompt_pieces, images = longest_prompt(experiment, encoder, cfg.maxNewTokens)
        response = [chat_eos(encoder)] * cfg.maxNewTokens
        rows, tokens = cfg.microBatchSize, len(prompt_ids) + len(response)
        transitions = [Transition(i, prompt_ids, response, [1.0] * len(response), 0.0, False, episode=i, images=tuple(images), prompt_pieces=prompt_pieces) for i in range(rows)]
        tensors = score_inputs(transitions, encoder, chat_pad(encoder), "padding-free" if cfg.paddingFree else "padded").tensors  # shared openings only lower the peak: planned without
        if cfg.paddingFree:  # the micro-batch end to end in one row
            rows, tokens = 1, rows * tokens
    with _tensors(fake, device, "position_ids" in tensors) as convert:
        model = fake_model(experiment, config, precision.weights)
        model.train()
        # the segments stay real: varlen reads their bounds on the host where the kernel does not run
        given = {k: convert(v) if isinstance(v, torch.Tensor) and not k.startswith("cu_seq_lens") else v for k, v in tensors.items()}
        if job == "sft":
            targets, keep = given.pop("targets"), given.pop("keep")
            _as_launched(model, precision)
            peak = _peak_beyond_states(model, lambda: predicted_loss(model, given, targets, keep).backward(), training=True)
        else:
            head = None if cfg.advantage == "group" else ValueHead(hidden_size(model), cfg.valueHead.hidden)
            joint = _as_launched(PolicyAndValue(model, head), precision)

            def step() -> None:
                scored = score(joint, transitions, cfg.temperature, chat_pad(encoder), with_entropy=True, encoder=encoder, entropy_grad=cfg.entropyCoef != 0, prepared=ScoreInputs(given), rows="padding-free" if cfg.paddingFree else "padded", head_chunk=cfg.headChunk)
                (scored.logprobs.sum() + (scored.values.sum() if scored.values is not None else 0)).backward()

            peak = _peak_beyond_states(joint, step, training=True)
        counts = counts_of(model)
    return peak, rows, tokens, counts


def measure_generation(experiment: Any, config: Any, encoder: Any, rows: int, max_new_tokens: int, fake: bool = True, device: str = "cpu", precision: Precision = Precision(), environments: list[Any] | None = None) -> tuple[int, int]:
    """One generate call's peak beyond the weights: `rows` chats at the longest prompt of
    `environments`' episodes (longest_prompt) plus `max_new_tokens`, prefilled at once without
    gradients in the launch's `precision`, the KV cache kept (the cache at its longest, and a
    prefill's temporaries); and the tokens per row."""
    import torch

    from ptlab import chat

    prompt_ids, prompt_pieces, images = longest_prompt(experiment, encoder, max_new_tokens, environments)
    ids = prompt_ids + [chat_eos(encoder)] * max_new_tokens
    inputs = chat.batch_inputs(encoder, [(prompt_pieces, images, ids)] * rows, chat_pad(encoder))
    with _tensors(fake, device, "position_ids" in inputs) as convert:
        model = fake_model(experiment, config, precision.weights)
        model.eval()
        given = {k: convert(v) for k, v in inputs.items()}

        def step() -> None:
            with torch.no_grad(), _autocast(model, precision):
                model(**given, use_cache=True, logits_to_keep=1)

        peak = _peak_beyond_states(model, step, training=False)
    return peak, len(ids)


def paged_generation(experiment: Any, config: Any, encoder: Any, rows: int, max_new_tokens: int, record_logprobs: bool, environments: list[Any] | None = None) -> tuple[int, int]:
    """model.kvCache "paged": the footprint (paged_footprint) of the continuous-batching
    session a generate call of `rows` chats at the longest prompt of `environments`'
    episodes opens, and the tokens per row."""
    from ptlab.generation import paged_cache_sizes

    prompt_ids, _, _ = longest_prompt(experiment, encoder, max_new_tokens, environments)
    sizes = paged_cache_sizes([len(prompt_ids)] * rows, max_new_tokens, rows)
    return paged_footprint(config, sizes, experiment.model.attention, experiment.model.dtype, record_logprobs), len(prompt_ids) + max_new_tokens


def paged_footprint(config: Any, sizes: dict[str, int], attention: str, dtype: str, record_logprobs: bool) -> int:
    """Bytes transformers plans for a continuous-batching session of these sizes
    (generation.paged_cache_sizes), computed by its own PagedAttentionMemoryHandler from the
    model's config: the paged cache, the buffers and activations of its largest forward, and
    under SDPA or eager attention its dense attention masks."""
    import copy
    from unittest import mock

    import torch
    from transformers import ContinuousBatchingConfig
    from transformers.generation.continuous_batching import cache as paged
    from transformers.generation.continuous_batching.distributed import DistributedHelper

    settings = ContinuousBatchingConfig(**sizes, return_logprobs=record_logprobs, auto_switch_to_flash=False)
    text = copy.deepcopy(config.get_text_config())
    text._attn_implementation = "sdpa" if attention == "auto" else attention
    torch_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32, "auto": torch.bfloat16}[dtype]
    unlimited = mock.patch.object(paged.PagedAttentionMemoryHandler, "get_available_memory", lambda _self: 1 << 62)  # sized by the config, not the device
    with unlimited:
        cache = paged.PagedAttentionCache(text, settings, "meta", DistributedHelper(None, None), dtype=torch_dtype, model_supports_logits_to_keep=True)
        handler = paged.PagedAttentionMemoryHandler(text, settings, torch_dtype, cache.bytes_per_sector, cache.tokens_per_sector, 0, list(cache.cache_allocators), True)
    return handler.compute_memory_footprint(cache.max_batch_tokens, cache.num_sectors)


def generation_stage(experiment: Any, config: Any, encoder: Any, rows: int, max_new_tokens: int, record_logprobs: bool, precision: Precision, environments: list[Any] | None = None) -> tuple[int, int, str]:
    """A generate call's memory beyond the states, its tokens per row, and what the memory is.
    (The paged cache is allocated in model.dtype, whatever autocast computes in.)"""
    if experiment.model.kvCache == "paged":
        return (*paged_generation(experiment, config, encoder, rows, max_new_tokens, record_logprobs, environments), "paged session")
    return (*measure_generation(experiment, config, encoder, rows, max_new_tokens, precision=precision, environments=environments), "kv cache and prefill")


def chat_pad(encoder: Any) -> int:
    from ptlab import chat

    return chat.text_tokenizer(encoder).pad_token_id


def chat_eos(encoder: Any) -> int:
    from ptlab import chat

    return chat.text_tokenizer(encoder).eos_token_id


def given_tokenizer(folder: Path, trust_remote_code: bool) -> Any:
    """--tokenizer's folder, read as the job reads the model's tokenizer or processor."""
    from ptlab.models import load_tokenizer

    fix = "pass the folder of the model's tokenizer or processor files (a copy of them from its repository)"
    if not folder.is_dir():
        raise PlanError(f"--tokenizer {folder}: no such folder; {fix}")
    try:
        return load_tokenizer(str(folder), None, trust_remote_code)
    except (OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise PlanError(f"--tokenizer {folder}: not a tokenizer or processor folder ({reason}); {fix}") from exc


def plan(experiment: Any, job: str, gpu_gib: float, config_file: Path | None = None, tokenizer: Path | None = None) -> Plan:
    """The job's memory per GPU, stage by stage (the module's docstring)."""
    from ptlab.models import load_tokenizer, resolve_model_path

    spec, launcher = experiment.model, experiment.launcher
    config = model_config(experiment, config_file)
    source = str(tokenizer) if tokenizer is not None else resolve_model_path(spec.name)
    if tokenizer is not None:
        encoder = given_tokenizer(tokenizer, spec.trustRemoteCode)
    else:
        try:
            encoder = load_tokenizer(source, spec.revision, spec.trustRemoteCode)
        except OSError as exc:
            raise PlanError(f"model {spec.name}: its tokenizer is not on this machine, and the job's lengths are measured with it; pass --tokenizer with a local copy (a folder with its tokenizer or processor files)") from exc
    world = processes(launcher)
    strategy = distributed_strategy(launcher, world)
    if strategy == "fsdp" and DTYPE_BYTES[spec.dtype] < 4:
        raise PlanError(f'model.dtype "{spec.dtype}" under FSDP: the job refuses low-precision trained weights there (FSDP steps its shards in their dtype, where Adam\'s steps round away); set model.dtype to "fp32" (FSDP computes in launcher.mixedPrecision), or use DeepSpeed')
    precision = launch_precision(launcher, strategy)
    peak, rows, tokens, counts = measure_training_step(experiment, config, encoder, job, precision=precision)
    states = state_bytes(counts, spec.dtype, strategy, world)
    gathered = gathered_bytes(counts, precision.weights or spec.dtype, strategy, world)
    w = DTYPE_BYTES[spec.dtype]
    extras: dict[str, int] = {}
    if job == "ppo" and experiment.ppo.klCoef > 0:
        extras["reference model"] = counts.parameters * w  # a whole copy on every process (ppo.load_policy); its forwards run in the scoring stage
    stages = [Stage(f"{job}/{'step' if job == 'sft' else 'update'}", rows, tokens, {**states, **extras, "gathered layers": gathered, "activations": peak})]
    between_steps = {"weights": states["weights"], "optimizer": states["optimizer"], **extras, "gathered layers": gathered}
    adam = (experiment.sft if job == "sft" else experiment.ppo).adam
    stages.append(Stage(f"{job}/optimizer step", 0, 0, {"weights": states["weights"], "optimizer": states["optimizer"], **extras, **step_bytes(counts, spec.dtype, strategy, world, adam.implementation)}))
    if job == "ppo":
        cfg = experiment.ppo
        gen_rows = min(spec.generateBatch, cfg.parallelEnvs)
        kv, gen_tokens, name = generation_stage(experiment, config, encoder, gen_rows, cfg.maxNewTokens, True, precision)
        stages.insert(0, Stage("ppo/rollout", gen_rows, gen_tokens, {**between_steps, name: kv}))
    if experiment.evaluation is not None:
        ev = experiment.evaluation
        ev_rows = min(spec.generateBatch, max(s.episodes for s in ev.splits))
        kv, ev_tokens, name = generation_stage(experiment, config, encoder, ev_rows, ev.maxNewTokens, False, precision, [experiment.environment_for(split) for split in ev.splits])
        stages.append(Stage("evaluation", ev_rows, ev_tokens, {**between_steps, name: kv}))
    notes = [
        f"lengths measured with the tokenizer of {source}",
        "not counted: communication buckets, the CUDA context and allocator fragmentation (typically 1-3 GiB)",
    ]
    if job == "ppo" and not experiment.ppo.headChunk:
        notes.append(whole_logits_note(experiment.ppo, config.get_text_config().vocab_size, strategy))
    if precision.autocast is not None:
        notes.append(f"activations and KV cache measured under {precision.autocast} autocast (launcher.mixedPrecision) on CPU, whose ops kept in fp32 differ from CUDA's (which also keeps softmax, log-softmax and sums in fp32): a GPU's may differ somewhat")
    if spec.kvCache == "paged":
        notes.append("paged session: transformers' own plan of the continuous-batching session a generate call opens (its cache, its largest forward's buffers and activations, and under SDPA or eager attention its dense attention masks)")
    return Plan(str(experiment.source), job, spec.name, strategy, world, int(gpu_gib * GIB), counts, stages, notes)


def whole_logits_note(cfg: Any, vocab: int, strategy: str) -> str:
    """How much of a PPO update's activations its scoring pass's logits are (the fp32,
    temperature-scaled logits of each micro-batch's response tokens, kept for backward), which
    ppo.headChunk does not keep."""
    logits = cfg.microBatchSize * cfg.maxNewTokens * vocab * 4
    where = " (not under fsdp, which refuses it)" if strategy == "fsdp" else ""
    return f"ppo/update's activations include {_size(logits).strip()} of logits kept for backward ({cfg.microBatchSize} x {cfg.maxNewTokens} response tokens x {vocab:,} vocabulary, fp32): ppo.headChunk keeps none{where}"


def _size(n: int) -> str:
    return f"{n / GIB:8.2f} GiB" if n >= GIB else f"{n / 2**20:8.1f} MiB"


def render(result: Plan) -> str:
    """The plan as a table, per GPU."""
    c = result.counts
    lines = [
        f"{result.config}: {result.job} of {result.model}",
        f"  {c.parameters:,} parameters, {c.trained:,} trained; {result.processes} process(es), {result.strategy}",
    ]
    for stage in result.stages:
        shape = f" {stage.rows} rows x {stage.tokens} tokens" if stage.rows else ""
        lines.append(f"  {stage.name:<12}{shape}: {_size(stage.total)}")
        lines += [f"    {name:<22} {_size(value)}" for name, value in stage.parts.items() if value]
    peak = result.peak
    verdict = "fits" if peak.total <= result.gpu_bytes else "does NOT fit"
    lines.append(f"  peak: {peak.name}, {peak.total / GIB:.2f} GiB per GPU: {verdict} in {result.gpu_bytes / GIB:g} GiB")
    lines += [f"  ({note})" for note in result.notes]
    return "\n".join(lines)
