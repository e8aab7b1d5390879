"""Supervised fine-tuning on expert data, with the loss on assistant tokens only.

`python -m ptlab sft --config X.ptlab.json --run-dir R [--resume]`. The loop, step by step:
  1. data: R/sft.jsonl (written by `ptlab data` steps when missing), tokenized with the
     model's chat template; labels are -100 outside the assistant's tokens; vision examples
     (image-text-to-text models) keep their image files, read into pixel inputs per batch;
  2. an epoch's order is a permutation seeded by (seed, epoch); the data position counts
     examples consumed, so a resumed run sees exactly the examples it would have (DataOrder:
     which examples make each step); without sft.steps the run ends where the position
     reaches epochs x examples, however many examples a packed sequence holds;
  3. each optimizer step accumulates microBatchSize-sized forward passes up to
     globalBatchSize sequences; the loss is the mean over the global batch's assistant tokens.
     Once a step's work is queued, the host makes the next step's batches (collated, copied
     from pinned memory) while the device runs it, then reads the step's loss and gradient
     norm in one transfer: the device never waits for the host's collation;
  4. AdamW, warmup (linear, or DeepSpeed's log) then cosine (or linear, constant), gradient clipping;
  5. a metric record per step with exact token counts and GFLOPs (6 N D);
  6. checkpoints (weights, tokenizer, optimizer, scheduler, RNG, data position) every
     saveEverySteps and at the end, written under a temp name and renamed.
SIGTERM checkpoints and ends the run as cancelled; --resume continues from the last
checkpoint and drops metric records past it, so no step is duplicated or missing.
Under `accelerate launch` (ptlab/parallel.py) every process walks the same data position and
takes its contiguous share of each global batch (globalBatchSize / processes sequences);
the loss is normalized by the global assistant-token count, so the update equals the
single-process one; the main process writes records and saves checkpoints; each process
evaluates its share of the episodes (evaluate.play_split). Under DeepSpeed the engine takes
the step at the global batch's last micro-batch (clipping at sft.maxGradNorm) and every
process writes its optimizer shard; under ZeRO-3 all processes gather the full weights a
checkpoint holds.
"""

from __future__ import annotations

import json
import math
import random
import sys
from functools import lru_cache
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ptlab import chat, checkpoints, optimizers, parallel, seeds
from ptlab.config import LAUNCH_REFUSED, Experiment, Sft, launch_refused
from ptlab.data import SFT_FILE, write_sft_data
from ptlab.evaluate import due, evaluate
from ptlab.models import load_trainable, parameter_count, visual_tokens_per_image
from ptlab.runlog import RunLog, now

IGNORE = -100
DEFAULT_MAX_LENGTH = 1024
TARGETS = "targets"  # a micro-batch's loss targets beside its model inputs (loss_inputs), copied to the device with them
KEEP = "keep"  # and the positions they are predicted from


class SftError(ValueError):
    """The config asks for something this SFT cannot do; the message says what to change."""


@dataclass
class Example:
    input_ids: list[int]
    labels: list[int]
    images: tuple[Path, ...] = ()  # image files, in the order of their placeholders
    pieces: tuple[str, ...] = ()  # the chat as the processor reads it with the images (vision), in chat.encode's pieces


@dataclass
class StepBatch:
    """An optimizer step's micro-batches on the device, with this process's counts of them."""

    micro_batches: list[dict[str, Any]]
    assistant_tokens: int  # positions whose next token is an assistant token: the loss's
    sequence_tokens: int  # the examples' own tokens
    positions_read: int  # padding included
    images: int
    end_position: int  # the data position after the step


def tokenize(encoder: Any, messages: list[dict[str, Any]], max_length: int, base_dir: Path | None = None, example: str = "an example", assistant_only: bool = True) -> Example:
    paths = tuple((base_dir or Path()) / item["path"] for m in messages if not isinstance(m["content"], str) for item in m["content"] if item.get("type") == "image")
    if paths and not chat.is_multimodal(encoder):
        raise SftError("vision examples need an image-text-to-text model (model.kind \"image-text-to-text\", e.g. embedded:tiny-vlm); this model reads text only")
    encoded = chat.encode(encoder, messages, chat.images_in(messages, base_dir), generation_prompt=False, example=example, whole_chat=not assistant_only)
    if paths and len(encoded["input_ids"]) > max_length:
        raise SftError(f"model.maxLength ({max_length}) would cut a vision example of {len(encoded['input_ids'])} tokens (image tokens included); raise it")
    ids = list(encoded["input_ids"])[:max_length]
    mask = list(encoded["assistant_masks"])[:max_length]
    if not any(encoded["replies"][:max_length]):  # with assistantOnlyLoss false the prompt alone would still be learned
        raise SftError(f"{example}: model.maxLength ({max_length}) cuts every assistant token of this example ({len(encoded['input_ids'])} tokens); raise it")
    return Example(ids, [t if m else IGNORE for t, m in zip(ids, mask)], paths, encoded["pieces"] if paths else ())


def load_examples(path: Path, tokenizer: Any, max_length: int, assistant_only: bool = True) -> list[Example]:
    examples = []
    with open(path, encoding="utf-8") as f:
        for line_number, line in enumerate(f, start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SftError(f"{path}:{line_number}: invalid JSON: {exc.msg}") from exc
            examples.append(tokenize(tokenizer, record["messages"], max_length, path.parent, f"{path}:{line_number}", assistant_only))
    if not examples:
        raise SftError(f"{path}: no examples")
    return examples


@lru_cache(maxsize=4)
def epoch_order(n: int, seed: int, epoch: int) -> tuple[int, ...]:
    import torch

    generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    return tuple(torch.randperm(n, generator=generator).tolist())


@dataclass(frozen=True)
class DataOrder:
    """Which examples make each step, from a data position (examples consumed along the epochs'
    seeded orders, epoch_order): a step holds `rows` sequences, each one example or, with
    `packing`, as many consecutive examples as fit in `max_length` tokens. No sequence reads at
    or past `end` (sft.epochs' passes, in examples): the last step's sequences hold what is left
    and the rest are empty."""

    lengths: tuple[int, ...]  # each example's tokens
    seed: int
    rows: int
    max_length: int
    packing: bool
    end: int | None  # None: the orders go on (sft.steps)

    def example(self, position: int) -> int:
        epoch, offset = divmod(position, len(self.lengths))
        return epoch_order(len(self.lengths), self.seed, epoch)[offset]

    def step(self, position: int) -> tuple[list[list[int]], int]:
        """The step's sequences (example indices) from a data position, and the position after it."""
        rows: list[list[int]] = []
        for _ in range(self.rows):
            row: list[int] = []
            used = 0
            while self.end is None or position < self.end:
                n = self.lengths[self.example(position)]
                if row and (not self.packing or used + n > self.max_length):
                    break
                row.append(self.example(position))
                used += n
                position += 1
            rows.append(row)
        return rows, position

    def steps(self) -> int:
        """The steps that reach `end`: packed sequences counted by the examples they hold."""
        assert self.end is not None, "the orders go on: sft.steps says how many steps"
        steps = position = 0
        while position < self.end:
            position = self.step(position)[1]
            steps += 1
        return steps


def data_order(sft: Any, examples: list[Example], seed: int, max_length: int) -> DataOrder:
    end = None if sft.steps else max(1, round(sft.epochs * len(examples)))
    return DataOrder(tuple(len(e.input_ids) for e in examples), seed, sft.globalBatchSize, max_length, sft.packing, end)


def idle(example: Example) -> Example:
    """The example with no loss target: the pass of a micro-batch whose sequences the data's end
    left empty, so that every process runs as many passes as the others (DDP's reduction,
    ZeRO-3's gathers) and the update gets nothing from it."""
    return replace(example, labels=[IGNORE] * len(example.labels))


def collate(batch: list[Example], pad_id: int, encoder: Any = None) -> dict[str, Any]:
    """Right-padded ids, labels and mask; with `encoder` (a processor), every image input it returns."""
    import torch

    rows = [(e.pieces, _open(e.images), e.input_ids) for e in batch]
    labels = torch.full((len(batch), max(len(e.input_ids) for e in batch)), IGNORE, dtype=torch.long)
    for i, e in enumerate(batch):
        labels[i, : len(e.labels)] = torch.tensor(e.labels)
    return {**chat.batch_inputs(encoder, rows, pad_id), "labels": labels}


def _open(paths: tuple[Path, ...]) -> list[Any]:
    return chat.images_in([{"role": "user", "content": [{"type": "image", "path": str(p)} for p in paths]}]) if paths else []


def collate_packed(rows: list[list[Example]], pad_id: int) -> dict[str, Any]:
    """Several examples per row, their positions restarting at each example, and so do the
    padding's after the last one. Without an attention mask transformers reads the restarts
    as packed sequences (masking_utils.find_packed_sequence_indices) and keeps attention
    within each, in the way of the model's attention implementation: a block-diagonal causal
    mask under SDPA or eager, a block mask under flex_attention. The rows also carry their
    segments (attention.segments: transformers' FlashAttentionKwargs), which flash_attention_2/3
    and "varlen" attend by without reading the positions: variable-length kernels, no padding
    FLOPs. A packed row computes what its examples would alone (the forward needs
    use_cache=False: a cache turns the detection off) where the model's decoder reads the
    positions into its mask, which run_sft checks first (attention.packed_rows_refused)."""
    import torch

    from ptlab.attention import segments

    width = max(sum(len(e.input_ids) for e in row) for row in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    positions = torch.zeros((len(rows), width), dtype=torch.long)
    tokens = 0
    for i, row in enumerate(rows):
        at = 0
        for e in row:
            n = len(e.input_ids)
            ids[i, at : at + n] = torch.tensor(e.input_ids)
            labels[i, at : at + n] = torch.tensor(e.labels)
            labels[i, at] = IGNORE  # nothing before an example predicts its first token (alone, no position does)
            positions[i, at : at + n] = torch.arange(n)
            at += n
        positions[i, at:] = torch.arange(width - at)
        tokens += at
    lengths = [[len(e.input_ids) for e in row] for row in rows]
    return {"input_ids": ids, "labels": labels, "position_ids": positions, **segments(lengths, width), "tokens": tokens}


def token_loss_sum(model: Any, batch: dict[str, Any], fused: bool = False) -> tuple[Any, int]:
    """Sum of the next-token cross-entropy over assistant tokens, and their count."""
    inputs, targets, keep = loss_inputs(batch)
    return predicted_loss(model, inputs, targets, keep, fused), int((targets != IGNORE).sum())


def loss_inputs(batch: dict[str, Any]) -> tuple[dict[str, Any], Any, Any]:
    """The model inputs of a collated batch, the positions where some row predicts an
    assistant token (`keep`) and every row's targets there. The logits are computed only at
    those positions (the LM head and its softmax over the prompts cost as much as a layer,
    and their fp32 logits are the largest tensor at a 128k vocabulary; in a packed row the
    prompts of every example lie between the answers); text-only right-padded rows go
    without a mask (chat.causal_inputs: SDPA's causal kernel). Read on the host: the
    micro-batch's pass then reads nothing."""
    import torch

    targets = batch["labels"][:, 1:]
    keep = (targets != IGNORE).any(dim=0).nonzero().flatten()
    if not len(keep):
        keep = torch.zeros(1, dtype=torch.long)  # no assistant token in the batch: one position, its targets all ignored
    inputs = chat.causal_inputs({k: v for k, v in batch.items() if k != "labels"})
    return inputs, targets[:, keep], keep


def predicted_loss(model: Any, inputs: dict[str, Any], targets: Any, keep: Any, fused: bool = False) -> Any:
    """The summed cross-entropy of `targets`, predicted from positions `keep` (loss_inputs).
    `fused`: the model's forward is Liger's (models.apply_liger_kernels), which, given the
    targets as shift_labels, returns their cross-entropy summed over the tokens (a mean over
    num_items_in_batch, here 1) from the hidden states, chunk by chunk, without the logits."""
    import torch.nn.functional as F

    if fused:
        return model(**inputs, logits_to_keep=keep, shift_labels=targets.contiguous(), num_items_in_batch=1, skip_logits=True, use_cache=False).loss
    logits = model(**inputs, logits_to_keep=keep, use_cache=False).logits
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1), ignore_index=IGNORE, reduction="sum")


def compute(state: dict[str, Any], parameters: int) -> dict[str, Any]:
    """Token counts and GFLOPs of an SFT run's state (6 N D; visual tokens that input_ids do
    not hold, models.visual_tokens_per_image, added to D)."""
    visual = state.get("visualTrainTokens", 0)
    gflops = 6 * parameters * (state["compute"]["initTokens"] + state["trainTokens"] + visual) / 1e9
    return {"parameters": parameters, "initTokens": state["compute"]["initTokens"], "trainTokens": state["trainTokens"], "inferenceTokens": 0, "visualTrainTokens": visual, "visualInferenceTokens": 0, "gflops": gflops, "gflopsPaperApprox": gflops}


class StepRecord:
    """A step's train record (metrics.jsonl) and run.json's progress, held until the next step's
    first pass is queued: writing them (a schema check, a line appended) then takes host time
    while the device is busy instead of while it waits for that pass, and a crash loses no more
    than before (the record is held for the time the host takes to queue one pass). Flushed
    before an evaluation, a checkpoint and the run's end (an error included: run_sft's caller
    sees the records of every step that ended)."""

    def __init__(self, run: RunLog, total_steps: int) -> None:
        self.run, self.total_steps = run, total_steps
        self.held: dict[str, Any] | None = None

    def hold(self, record: dict[str, Any]) -> None:
        self.flush()
        self.held = record

    def flush(self) -> None:
        if self.held is not None:
            record, self.held = self.held, None
            self.run.metric(record)
            self.run.progress(record["step"], self.total_steps)


def refuse_other_engine_processes(checkpoint: Path, processes: int) -> None:
    """CheckpointError for a DeepSpeed resume of `checkpoint` by another number of processes than
    saved its ZeRO optimizer shards (one per process): the engine cannot partition them anew.
    A checkpoint without shards is left to restore_engine; under DDP the optimizer state is
    whole (optimizer.pt) and each step the same global batch, so any number resumes."""
    if (checkpoint / checkpoints.ENGINE_DIR).is_dir():
        checkpoints.refuse_other_processes(
            checkpoint, processes, "its optimizer state is DeepSpeed's ZeRO shards, one per process",
            "start a new run from the checkpoint with sft.init (under DDP a run resumes under any number of processes)",
        )


def warmup_steps(sft: Sft, total_steps: int) -> int:
    """HF's Trainer's count (TrainingArguments.get_warmup_steps): ceil(steps x warmupRatio)."""
    return math.ceil(total_steps * sft.warmupRatio)


def log_warmup(step: int, warmup: int) -> float:
    """DeepSpeed's WarmupLR, warmup_type "log": the optimizer's step `step` follows the
    scheduler's step()-th call, at ln(step) / ln(warmup) of the rate (0 at step 0)."""
    return math.log(step) / math.log(warmup) if step > 0 else 0.0


def lr_schedule(optimizer: Any, sft: Sft, total_steps: int) -> Any:
    """sft.schedule after a warmup of warmup_steps, linear as HF's Trainer warms up or log as
    DeepSpeed's WarmupLR does (over at least 2 steps, as it does), stepped once per step.
    A change to the rates it gives a config is a new runlog.SCHEDULE_VERSION."""
    from torch.optim.lr_scheduler import LambdaLR
    from transformers import get_scheduler

    warmup = warmup_steps(sft, total_steps)
    if sft.warmupShape == "log" and warmup > 0:
        warmup = max(2, warmup)
    after = get_scheduler(sft.schedule if sft.schedule != "constant" else "constant_with_warmup", optimizer, num_warmup_steps=warmup, num_training_steps=total_steps)
    if sft.warmupShape == "linear":
        return after
    decay = after.lr_lambdas[0]
    return LambdaLR(optimizer, lambda step: log_warmup(step, warmup) if step < warmup else decay(step))


def run_sft(experiment: Experiment, run: RunLog, resume: bool) -> str:
    """Train; returns the final status ("finished" or "cancelled")."""
    import torch

    from ptlab.attention import dense_mask_note, packed_rows_refused

    sft = experiment.sft
    acc = parallel.accelerator(experiment.model)
    if refused := launch_refused(experiment, parallel.launch(acc), (*LAUNCH_REFUSED, "/sft/globalBatchSize")):
        raise SftError(refused)
    world, main = acc.num_processes, acc.is_main_process
    # 1. data (written by the main process; the others wait for it)
    data_path = run.dir / SFT_FILE
    written = data_path.exists() or not main or write_sft_data(experiment, run, as_progress=False) is not None
    acc.wait_for_everyone()
    if not written or not data_path.exists():
        return "cancelled"
    checkpoint = checkpoints.latest(run) if resume else None
    engine = acc.distributed_type == "DEEPSPEED"  # its optimizer state is sharded: saved and restored by the engine
    if engine and checkpoint is not None:
        refuse_other_engine_processes(checkpoint, world)
    model, tokenizer = load_trainable(experiment.model, str(acc.device), experiment.resolve(sft.init) if sft.init else None, checkpoint, experiment.seed)
    # Seed after loading: building the embedded model on first use draws from the global RNG.
    # Each process its own stream (its dropout masks); the weights are loaded already.
    torch.manual_seed(seeds.process_seed("sft", experiment.seed, acc.process_index))
    random.seed(seeds.process_seed("sft", experiment.seed, acc.process_index))
    device = next(model.parameters()).device
    max_length = experiment.model.maxLength or DEFAULT_MAX_LENGTH
    pad_id = chat.text_tokenizer(tokenizer).pad_token_id
    examples = load_examples(data_path, tokenizer, max_length, sft.assistantOnlyLoss)
    for flag in ("packing", "paddingFree"):
        if getattr(sft, flag) and any(e.images for e in examples):
            raise SftError(f"sft.{flag}: vision examples are not packed (their image inputs are per sequence); set it to false")
        if getattr(sft, flag) and (refused := packed_rows_refused(f"sft.{flag}", model)):
            raise SftError(refused)
    if sft.paddingFree and (note := dense_mask_note("sft.paddingFree", experiment.model.attention)):
        print(note, file=sys.stderr, flush=True)

    # 2-4. schedule, optimizer
    share = sft.globalBatchSize // world  # sequences (packed rows) per process per step
    order = data_order(sft, examples, experiment.seed, max_length)
    total_steps = sft.steps or order.steps()
    optimizer = optimizers.adam(torch.optim.AdamW, [p for p in model.parameters() if p.requires_grad], sft.learningRate, sft.adam, "sft.adam.implementation", SftError, acc.distributed_type, getattr(acc, "scaler", None) is not None)
    scheduler = lr_schedule(optimizer, sft, total_steps)
    parameters = parameter_count(model)
    init_tokens = checkpoints.trained_tokens(experiment.resolve(sft.init)) if sft.init else 0
    state = {"dataPosition": 0, "trainTokens": 0, "wallSeconds": 0.0, "compute": {"initTokens": init_tokens}}
    step = 0
    if checkpoint is not None:
        state = checkpoints.restore(checkpoint, None if engine else optimizer, scheduler, process=acc.process_index, scaler=getattr(acc, "scaler", None))
        step = state["step"]
    parallel.configure_deepspeed(acc, sft.microBatchSize, share // sft.microBatchSize, sft.maxGradNorm)
    model, optimizer = acc.prepare(model, optimizer)  # the scheduler steps once per step, ours
    if engine and checkpoint is not None:
        checkpoints.restore_engine(checkpoint, model)
    plain = acc.unwrap_model(model)
    training_pass = parallel.for_training(model, experiment.model)
    if resume:  # records written after the checkpoint are redone (step 0's evaluation without one, a final checkpoint's too)
        run.truncate_records_after(step, evaluations_at_step=checkpoint is not None and checkpoint.name != "final", splits=tuple(s.name for s in experiment.evaluation.splits) if experiment.evaluation else ())
    run.update(parameters=parameters, **({"init": str(experiment.resolve(sft.init))} if sft.init else {}))
    run.progress(step, total_steps)
    segment = len(run.manifest.get("segments", [])) - 1
    status = "finished"

    visual_per_image = visual_tokens_per_image(plain)  # tokens an image adds beyond input_ids (cross-attention models)

    evaluation = experiment.evaluation

    record = StepRecord(run, total_steps)

    def maybe_evaluate(at_step: int, final: bool) -> bool:
        """Evaluate at a step when due; True when a cancel stopped a mid-run evaluation (the run
        then ends there: its checkpoint is at that step, and a resume drops the step's partial
        evaluation and plays it whole). The final one runs to its end."""
        if evaluation is None:
            return False
        record.flush()  # the step's train record before its evaluation's
        stopped = False
        if due(evaluation, at_step, sft.saveEverySteps, final):  # every process plays its share of the episodes
            stopped = evaluate(experiment, run, plain, tokenizer, at_step, compute(state, parameters), acc=acc, synced_gpus=parallel.sharded(acc), cancellable=not final) is None
        acc.wait_for_everyone()
        return stopped

    def save(name: str) -> None:
        record.flush()  # a resumed run keeps the records up to its checkpoint's step
        rng, weights = parallel.rng_states(acc), parallel.full_state_dict(acc, model)  # every process takes part
        engine_state = checkpoints.save_engine(run, name, model) if engine else None  # every process writes its shard
        if main:
            snapshot = {**state, "compute": {**state["compute"], "totalTrainTokens": state["compute"]["initTokens"] + state["trainTokens"] + state.get("visualTrainTokens", 0)}}
            checkpoints.save(run, name, step, plain, tokenizer, parallel.saved_optimizer(acc, optimizer), scheduler, snapshot, rng_states=rng, weights=weights, engine_state=engine_state, scaler=getattr(acc, "scaler", None))
        acc.wait_for_everyone()

    def prepare(position: int) -> StepBatch:
        """A step's micro-batches from a data position (order.step), collated and copied to the
        device. Every process draws the whole global batch (the same data position) and keeps its share."""
        drawn, end_position = order.step(position)
        mine = [[examples[i] for i in row] for row in drawn[acc.process_index * share : (acc.process_index + 1) * share]]
        batch = StepBatch([], 0, 0, 0, sum(len(e.images) for row in mine for e in row), end_position)
        for start in range(0, share, sft.microBatchSize):
            micro = [row for row in mine[start : start + sft.microBatchSize] if row]
            trains = bool(micro)
            if not trains:  # the data ended before these sequences: one pass that trains nothing
                micro = [[idle(examples[order.example(position)])]]
            if sft.paddingFree:  # the micro-batch's examples end to end in one row
                micro = [[e for row in micro for e in row]]
            # counted and spanned on the host, before the copy: a micro-batch's pass reads no device value
            if sft.packing or sft.paddingFree:
                collated = collate_packed(micro, pad_id)
                tokens = collated.pop("tokens")
            else:
                collated = collate([row[0] for row in micro], pad_id, tokenizer)
                tokens = int(collated["attention_mask"].sum())
            batch.sequence_tokens += tokens if trains else 0
            batch.positions_read += collated["input_ids"].numel()
            batch.assistant_tokens += int((collated["labels"][:, 1:] != IGNORE).sum())
            inputs, targets, keep = loss_inputs(collated)  # the loss's positions, read here on the host
            batch.micro_batches.append(parallel.to_device({**inputs, TARGETS: targets, KEEP: keep}, device))
        return batch

    if step == 0:
        stopped = maybe_evaluate(0, final=False)  # the starting point of every curve
    else:  # a cancelled run stopped before (or during) this step's evaluation
        stopped = step < total_steps and parallel.any_process(acc, main and not run.has_evaluation(step)) and maybe_evaluate(step, final=False)
    if stopped:
        status = "cancelled"
    model.train()
    started = time.perf_counter()
    batch = prepare(state["dataPosition"])
    global_assistant_tokens = int(parallel.totals(acc, batch.assistant_tokens)[0])
    try:
        while step < total_steps and status == "finished":
            optimizer.zero_grad(set_to_none=True)
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
            total_loss: Any = 0.0
            for i, on_device in enumerate(batch.micro_batches):
                # gradients are averaged over processes: scale so the sum is over the global batch's tokens
                with parallel.micro_batch(acc, model, last=i == len(batch.micro_batches) - 1):
                    inputs = {k: v for k, v in on_device.items() if k not in (TARGETS, KEEP)}
                    loss_sum = predicted_loss(training_pass, inputs, on_device[TARGETS], on_device[KEEP], experiment.model.ligerKernel)
                    parallel.backward(acc, loss_sum * world / max(1, global_assistant_tokens) if world > 1 else loss_sum / max(1, global_assistant_tokens))
                total_loss = total_loss + loss_sum.detach()  # read once per step, below
                if i == 0:
                    record.flush()  # the last step's record, while the device runs this pass
            # DeepSpeed clipped and stepped in the last backward (at sft.maxGradNorm, its config's) and reports that norm
            # all the parameters (frozen ones have no gradient): accelerate clips an FSDP model through it only when given its whole list
            norm = acc.clip_grad_norm_(list(model.parameters()), sft.maxGradNorm)
            learning_rate = scheduler.get_last_lr()[0]  # this step's (as HF's Trainer logs it), before the schedule moves on
            optimizer.step()
            # fp16's loss scaler skips a step whose gradient overflowed (it read that already): the schedule waits too, as HF's Trainer's
            overflowed = parallel.loss_scaled(acc) and acc.optimizer_step_was_skipped
            if not overflowed:
                scheduler.step()
            step += 1
            state["dataPosition"] = batch.end_position
            # the host makes the next step's batches while the device runs this one: the read below waits for it
            upcoming = prepare(state["dataPosition"]) if step < total_steps else None
            total_loss, grad_norm = parallel.host_values(total_loss, norm)
            # one reduction a step: its sums, the next step's assistant tokens (its loss's divisor), a cancel anywhere
            total_loss, sequence_tokens, positions_read, images, next_assistant_tokens, cancelled = parallel.totals(
                acc, total_loss, batch.sequence_tokens, batch.positions_read, batch.images, upcoming.assistant_tokens if upcoming else 0, float(run.cancel_requested)
            )
            if not math.isfinite(total_loss):
                raise SftError(f"the SFT loss is not finite at step {step}: lower sft.learningRate, or check the model's dtype (fp16 overflows where bf16 does not)")
            if norm is not None and not math.isfinite(grad_norm) and not overflowed:  # without loss scaling a diverged run: DDP stepped on it, DeepSpeed's engine skipped it unsaid
                raise SftError(f"the SFT gradient is not finite at step {step} (its loss is): lower sft.learningRate, or check the model's dtype")
            assistant_tokens, sequence_tokens, global_assistant_tokens = global_assistant_tokens, int(sequence_tokens), int(next_assistant_tokens)
            elapsed = time.perf_counter() - started
            state["trainTokens"] += sequence_tokens
            state["visualTrainTokens"] = state.get("visualTrainTokens", 0) + int(images) * visual_per_image
            state["wallSeconds"] += elapsed
            record.hold({
                "kind": "train",
                "step": step,
                "time": now(),
                "wallSeconds": round(state["wallSeconds"], 3),
                "segment": segment,
                "episodes": state["dataPosition"],
                "compute": compute(state, parameters),
                "metrics": {
                    "train/loss": total_loss / max(1, assistant_tokens),
                    "train/lr": learning_rate,
                    "train/grad_norm": grad_norm if math.isfinite(grad_norm) else None,
                    **({"train/fp16_overflow_steps": int(overflowed)} if parallel.loss_scaled(acc) else {}),
                    "train/assistant_tokens": assistant_tokens,
                    "perf/tokens_per_second": sequence_tokens / elapsed if elapsed > 0 else None,
                    "perf/padding_fraction": 1 - sequence_tokens / positions_read,
                    **parallel.peak_memory_metric(device),
                },
            })
            if cancelled:
                status = "cancelled"
                break
            if step < total_steps and maybe_evaluate(step, final=False):
                status = "cancelled"
                break
            if sft.saveEverySteps and step % sft.saveEverySteps == 0 and step < total_steps:
                save(f"step-{step:06d}")
            batch, started = upcoming, time.perf_counter()
    finally:
        record.flush()  # the last step that ended, whatever ended the loop
    save("final" if status == "finished" else f"step-{step:06d}")
    if status == "finished":
        maybe_evaluate(step, final=True)
    return status

