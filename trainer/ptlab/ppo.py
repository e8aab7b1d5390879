"""Multi-turn PPO with verifier rewards and sequential revision (shared/spec/training.md).

`python -m ptlab ppo --config X.ptlab.json --run-dir R [--resume]`. Each update:
  1. rollout: `parallelEnvs` environment slots advance together, one batched `generate` call
     per round (sequential revision: a rejected answer gets the verifier's message appended;
     a V-IRL move starts a fresh chat); a finished episode's slot starts a new seeded one,
     until `stepsPerUpdate` transitions (verification attempts) are collected. Episodes
     continue across updates, as in the reference (one stream of episodes per process): an
     episode unfinished at the end of an update goes on in the next, so the late positions
     of long V-IRL routes are trained too;
  2. score: per transition, the old policy's log-prob of the whole response (the token ids
     as sampled, the stop token only when generated; temperature-
     scaled token log-probs, tokens before the answer key weighted `thoughtWeight`, found
     by character offsets) and the value head's estimate on the last prompt token (with
     `oldLogProbs: "sampling"` the log-probs are those the rollout sampled with; with group
     advantages only the transitions drawn for training are scored); with `klCoef` also the
     frozen Init's log-prob, in the same micro-batches: it never changes, so every epoch of
     the update reads it (one reference pass per micro-batch of the rollout, not per epoch). An
     episode's attempts whose prompts continue one another (the chat so far, the sampled ids
     rendered back) share one row of the forward pass (`shared_rows`): a 5-attempt GP
     episode is read once, not five times with its chat repeated;
  3. advantages: GAE (gamma, lambda) along each environment slot, episodes cut by the end
     of the update bootstrapped by their next state's value; normalized per rollout. Or,
     with `advantage: "group"` (GRPO-style), no value head: episodes start in groups of
     `groupSize` sharing a seed, run to their end (waves of `parallelEnvs` episodes until
     `stepsPerUpdate` transitions; when the waves ran past it, stepsPerUpdate of their transitions
     drawn at random are trained), and every step of an episode gets the episode's return
     minus its group's mean (over the group's standard deviation with `groupStd`), or with
     `groupCredit: "turn"` its return-to-go minus the group's mean at the same turn;
  4. update: `epochs` passes over the rollout in random mini-batches of `miniBatchSize`
     transitions (whole episodes shuffled, then cut, so that revisions share rows), one Adam step each, its gradient accumulated over forward/backward passes of
     `microBatchSize` (the reference: 128 passes of one transition per step): clipped
     surrogate (only the clipped term for a transition whose ratio exceeds `ratioGuard`) +
     valueCoef x clipped value loss (- entropyCoef x entropy, + klCoef x KL to Init);
     transitions whose log-prob is not finite are skipped and counted; gradient clipping;
     the learning rate follows torch's cosine from learningRate to finalLearningRate over
     `lrCosineUpdates` updates (and back up past them), stepped once per update;
  5. log: a metric record per update (reward, returns, losses, clip fraction, approx KL, the
     log-prob gap between the rollout and the training forward before the first step (0 when
     they agree, as they must), and per token over that first mini-batch the generation vs
     training mismatch: mean and max |log-prob difference| and KL(sampler || trainer),
     entropy, response lengths, tokens/s, exact token counts and GFLOPs), finished episodes
     as transcript records, evaluation on the schedule, checkpoints.
A checkpoint keeps each slot's episode in flight (its number, hence its seed, and its turns),
replayed through the deterministic environment on resume, so a resumed run is the
uninterrupted one. Under `accelerate launch` (ptlab/parallel.py) every process collects its
own stepsPerUpdate transitions from its own episode seeds and trains on them; gradients are
averaged (DDP, synchronized once per optimizer step; DeepSpeed, its engine stepping at the
last micro-batch of each mini-batch: the policy and its value head are one prepared module),
records carry the sums and means over all processes, and only the main process writes,
evaluates and saves (with every process's RNG, episode counter and episodes in flight, for
exact resume). Under ZeRO-3 every forward gathers the sharded weights, so all processes
generate, score and evaluate in lockstep (the same number of passes each).
"""

from __future__ import annotations

import itertools
import math
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NamedTuple

import torch

from ptlab import chat, checkpoints, episodes, optimizers, parallel, seeds, token_records
from ptlab.attention import dense_mask_note, packed_rows_refused, segments
from ptlab import ppo_core as core
from ptlab.config import Experiment, Model, Ppo, launch_refused, ppo_seeds_refused
from ptlab.envs.episode import Episode, Step
from ptlab.episodes import Slot
from ptlab.evaluate import due, evaluate
from ptlab.generation import PrefixCache, generate, placeholder_tokens
from ptlab.models import disable_dropout, hidden_size, load, load_trainable, parameter_count, visual_tokens_per_image
from ptlab.runlog import RunLog, moved, now
from ptlab.token_records import TurnTokens

PAPER_LAMBDA = {"generalpoints": 6.0, "virl": 5.1}


class PpoError(ValueError):
    """The config asks for something this PPO cannot do; the message says what to change."""


class ValueHead(torch.nn.Module):
    """hidden -> 1024 -> 512 -> 1 with ReLU (the paper's sizes by default)."""

    def __init__(self, hidden_size: int, sizes: tuple[int, ...]) -> None:
        super().__init__()
        layers: list[torch.nn.Module] = []
        width = hidden_size
        for size in sizes:
            layers += [torch.nn.Linear(width, size), torch.nn.ReLU()]
            width = size
        layers.append(torch.nn.Linear(width, 1))
        self.net = torch.nn.Sequential(*layers)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        """Values in float32. The head is float32 except under DeepSpeed, where it takes the
        dtype of the model's trained weights (parallel.companion_dtype) or the engine's."""
        return self.net(hidden.to(self.net[0].weight.dtype)).float().squeeze(-1)


class HeadPass(NamedTuple):
    """What a chunked LM-head pass scores (ppo.headChunk): the (row, index into the pass's
    positions) of each response token, the token each predicts, and how."""

    rows: torch.Tensor
    cols: torch.Tensor
    targets: torch.Tensor
    temperature: float
    chunk: int
    entropy: str  # core.ENTROPY_MODES
    calls: int  # head calls to make (core.head_scores): under ZeRO-3 every process's most


MASKED_LOGIT = -1e4  # exp(-1e4) is 0 in float32, whatever the temperature; representable in fp16 and bf16


class PolicyAndValue(torch.nn.Module):
    """The policy and its value head (None with group advantages) as one module: what is
    prepared for DDP or DeepSpeed (whose engine trains one module; accelerate refuses a second).
    Its state dict is `policy.*` and `value_head.*`; checkpoints keep each apart, as before."""

    def __init__(self, policy: Any, value_head: ValueHead | None) -> None:
        super().__init__()
        self.policy = policy
        self.value_head = value_head
        self.placeholders = placeholder_tokens(policy)
        self._placeholder_index: dict[torch.device, torch.Tensor] = {}

    @property
    def _no_split_modules(self) -> Any:
        """The policy's decoder layer classes: FSDP's transformer-based wrap (accelerate reads
        them from the module it prepares, this one) then wraps each of the policy's layers."""
        return getattr(self.policy, "_no_split_modules", None)

    def forward(self, inputs: dict[str, torch.Tensor], value_at: tuple[torch.Tensor, torch.Tensor], positions: torch.Tensor, head: HeadPass | None = None) -> tuple[Any, torch.Tensor | None]:
        """The logits at `positions` (B, len(positions), V), and the values at `value_at`, the
        (row, position) pairs of the transitions' last prompt tokens (None without a head).
        Only the responses' positions need logits: the LM head and its softmax over a long
        prompt cost as much as a layer. With `head` (ppo.headChunk) no logits are returned:
        the head runs in chunks on the final hidden states at the positions `head` picks, and
        the first of the pair is (their target log-probs, their entropies or None)."""
        inputs = dict(inputs)
        openings, opening_of = inputs.pop("opening_ids", None), inputs.pop("opening_of", None)
        cache = None if openings is None else self._openings_read(openings, opening_of)
        caching = {"use_cache": cache is not None, **({"cache": cache} if cache is not None else {})}
        if head is not None:
            out = self._decoder()(**inputs, **caching)
            hidden = out.last_hidden_state
        else:
            out = self.policy(**inputs, logits_to_keep=positions, output_hidden_states=self.value_head is not None, **caching)
            hidden = out.hidden_states[-1] if self.value_head is not None else None
        if cache is not None and cache.get_seq_length() != openings.shape[1] + inputs["input_ids"].shape[1]:
            raise PpoError("ppo.sharedPrefixes: the rows' pass did not read the shared openings' keys and values (a layer dropped its cache: gradient checkpointing does); set ppo.sharedPrefixes to false")
        values = None if self.value_head is None else self.value_head(hidden[value_at])
        if head is None:
            return self._without_placeholders(out.logits), values
        picked = hidden[head.rows, positions[head.cols]]
        lm_head = self._adapted().get_output_embeddings()
        scored_head = (lambda rows: self._without_placeholders(lm_head(rows))) if self.placeholders else lm_head
        return core.head_scores(scored_head, picked, head.targets, head.temperature, head.chunk, head.entropy, head.calls), values

    def _without_placeholders(self, logits: torch.Tensor) -> torch.Tensor:
        """The policy is the model's softmax over every token but its image placeholders, which
        generation never samples (generation.placeholder_tokens): their logits are set far
        below the rest (in place: the head's backward does not read its output), so that
        scoring and training give the log-probs the sampler drew with. Finite, so that an
        entropy's 0 * log 0 stays 0."""
        if not self.placeholders:
            return logits
        index = self._placeholder_index.get(logits.device)
        if index is None:
            index = self._placeholder_index[logits.device] = torch.tensor(self.placeholders, device=logits.device)
        return logits.index_fill_(-1, index, MASKED_LOGIT)

    def _adapted(self) -> Any:
        """The transformers model: under a LoRA wrapper, the model it adapts (its layers)."""
        return self.policy.get_base_model() if hasattr(self.policy, "get_base_model") else self.policy

    def _decoder(self) -> Any:
        """The model without its LM head, whose last_hidden_state is the head's input."""
        return self._adapted().base_model

    def _openings_read(self, openings: torch.Tensor, opening_of: torch.Tensor) -> Any:
        """The openings' keys and values, one forward for them all (gradients flow back through
        it), gathered per row into the cache the rows' pass continues: a row without an opening
        gets the first one's, which its attention mask hides."""
        from transformers import DynamicCache

        read = self._decoder()(input_ids=openings, use_cache=True).cache  # keys and values only: no head
        which = opening_of.clamp(min=0)
        cache = DynamicCache(config=self.policy.config)
        for index, layer in enumerate(read.layers):
            cache.update(layer.keys.index_select(0, which), layer.values.index_select(0, which), index)
        return cache


@dataclass
class Transition:
    slot: int
    prompt_ids: list[int]
    response_ids: list[int]
    weights: list[float]
    reward: float
    done: bool
    episode: int = 0  # the episode's number in this process (group mode: its group is episode // groupSize)
    images: tuple[Any, ...] = ()  # the prompt's images (vision), in placeholder order
    prompt_pieces: tuple[str, ...] = ()  # the prompt as the processor read it with its images (vision), in chat.encode's pieces
    old_logprob: float = 0.0
    old_token_logprobs: list[float] = field(default_factory=list)  # ppo.ratio "token"
    ref_logprob: float | None = None  # the frozen Init's log-prob of the response (ppo.klCoef), scored with the old ones (score_rollout)
    sampling_token_logprobs: list[float] = field(default_factory=list)  # each response token's log-prob under the distribution it was sampled from
    turn: int = 0  # the turn's index in its episode's record
    record_turn: dict[str, Any] | None = None  # that turn in the episode's transcript (episodes.Slot.turns): gets its advantage and return
    tokens: TurnTokens | None = None  # its per-token record, for an episode logging.tokenRecordRate sampled
    ratio_on_device: torch.Tensor | None = None  # its tokens' ratios in the update's last epoch, until the update reads them
    old_value: float = 0.0
    advantage: float = 0.0
    ret: float = 0.0


def stand_in(like: Transition, eos: int) -> Transition:
    """A pass that only keeps the processes in step: under ZeRO-3 each forward gathers every
    module's weights as it runs, and under ZeRO-2 each backward reduces the gradients in
    buckets filled as they come, so all processes must run the same modules. `like`'s prompt
    and images (a text-only pass would skip a vision model's tower and cross-attention layers)
    answered by `eos`, recording nothing."""
    return Transition(like.slot, like.prompt_ids, [eos], [1.0], 0.0, False, like.episode, like.images, like.prompt_pieces)


def trained_reward(step: Step, cfg: Ppo) -> float:
    """The reward PPO trains on for one attempt: the verifier's (the paper's), or with
    `reward: "outcome"` 1 for an accepted attempt and 0 otherwise; times rewardScale."""
    reward = float(step.correct) if cfg.reward == "outcome" else step.reward
    return reward * cfg.rewardScale


def _prompt(encoder: Any, messages: list[dict[str, Any]]) -> tuple[list[int], tuple[str, ...]]:
    """The chat's prompt ids (with the generation prompt) and its text as the template wrote it, in pieces (chat.turn_pieces)."""
    encoded = chat.encode(encoder, messages, chat.images_in(messages), generation_prompt=True)
    return list(encoded["input_ids"]), encoded["pieces"]


class Scored(NamedTuple):
    logprobs: torch.Tensor  # (T,) each response's weighted log-prob
    values: torch.Tensor | None  # (T,) on the last prompt token; None without a value head
    entropy: torch.Tensor | None
    token_logprobs: torch.Tensor  # (T, R) each response token's log-prob, from the response's start (0 past its end)
    token_weights: torch.Tensor  # (T, R) their weights (0 past the end)
    tokens: int  # the tokens the forward pass read (its rows', shared prompts once)
    images: int  # the images it read (its rows')
    token_entropy: torch.Tensor | None = None  # (T, R) the entropy at each response token (token_entropy=True)


def shared_rows(batch: list[Transition]) -> list[int]:
    """Each transition's row in a forward pass: a transition whose prompt continues the one
    before it (same episode, its prompt starting with that prompt and response, the same
    images first) shares its row, so a multi-turn episode's revisions are one sequence,
    scored once, instead of one sequence per attempt each repeating the chat so far. Causal
    attention gives every response the same log-probs either way."""
    rows: list[int] = []
    for i, t in enumerate(batch):
        before = batch[i - 1] if i else None
        shares = (
            before is not None
            and t.episode == before.episode
            and len(t.images) >= len(before.images)
            and all(a is b for a, b in zip(t.images, before.images))
            and t.prompt_ids[: len(before.prompt_ids) + len(before.response_ids)] == before.prompt_ids + before.response_ids
        )
        rows.append(rows[-1] if shares else rows[-1] + 1 if rows else 0)
    return rows


@dataclass
class ScoreInputs:
    """A scoring pass's model inputs (score_inputs), made apart from the pass itself where a
    caller must build them outside it (the memory planner runs the pass on fake tensors)."""

    tensors: dict[str, Any]  # tensors, and the segments' longest lengths (ints)


ROWS = ("padded", "padding-free", "shared-prefixes")
HEAD_CHUNK_MODEL_TYPES = ("llama", "qwen2", "mllama", "qwen2_vl", "llava")  # what test_families runs ppo.headChunk on
SHARED_OPENING_MIN = 16  # tokens: a shorter common opening is read per row


def pass_rows(cfg: Ppo) -> str:
    """How the config's scoring and training passes lay out their sequences (ROWS)."""
    return "padding-free" if cfg.paddingFree else "shared-prefixes" if cfg.sharedPrefixes else "padded"


def kept_together(cfg: Ppo) -> int:
    """The episodes a pass keeps side by side (in_episodes): a group's, when its passes read
    the group's shared first prompt once; otherwise each episode alone."""
    return cfg.groupSize if cfg.sharedPrefixes and cfg.advantage == "group" else 1


def _common_length(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


class Openings(NamedTuple):
    """The openings that consecutive rows of a pass share (ppo.sharedPrefixes), read once:
    each row's opening (`of`, -1 for none) and how many of its first tokens that covers."""

    ids: list[list[int]]
    of: list[int]
    lengths: list[int]


def shared_openings(batch: list[Transition]) -> Openings:
    """Runs of consecutive rows (shared_rows) that open alike: a row joins the run before it
    when it shares at least the run's opening with the run's first row (the second row sets
    the opening: at least SHARED_OPENING_MIN tokens). An opening ends before each row's first
    response's predecessor, so every scored position and value stays in the rows' own part. A
    GRPO group's episodes, kept together in a micro-batch, share their first prompt."""
    rows: dict[int, list[int]] = {}
    caps: dict[int, int] = {}
    for r, t in zip(shared_rows(batch), batch):
        caps.setdefault(r, len(t.prompt_ids) - 1)
        rows[r] = t.prompt_ids + t.response_ids
    sequences, limits = list(rows.values()), list(caps.values())
    runs: list[list[int]] = []  # row indices
    lengths: list[int] = []
    for i, sequence in enumerate(sequences):
        if runs:
            first = runs[-1][0]
            n = min(_common_length(sequences[first], sequence), limits[first], limits[i])
            if n >= (lengths[-1] if len(runs[-1]) > 1 else SHARED_OPENING_MIN):
                if len(runs[-1]) == 1:
                    lengths[-1] = n
                runs[-1].append(i)
                continue
        runs.append([i])
        lengths.append(0)
    ids: list[list[int]] = []
    of, length_of = [-1] * len(sequences), [0] * len(sequences)
    for run, n in zip(runs, lengths):
        if len(run) < 2:
            continue
        for i in run:
            of[i], length_of[i] = len(ids), n
        ids.append(sequences[run[0]][:n])
    return Openings(ids, of, length_of)


def score_inputs(batch: list[Transition], encoder: Any, pad_id: int, rows: str = "padded") -> ScoreInputs:
    """The model inputs of `score`: one right-padded row per sequence (shared_rows), its
    transitions' prompts and responses; with "padding-free" rows (text only) the sequences end
    to end in one row, positions restarting at each, with their segments (transformers keeps
    attention within each: variable-length kernels under "varlen" and flash-attention; run_ppo
    refuses a model whose decoder would not, attention.packed_rows_refused); with "shared-prefixes" (text only) the
    openings several rows share (shared_openings) are a pass of their own, `opening_ids`, and
    each row holds the rest of its sequence, attending to its opening through the mask, its
    positions continuing the opening's (PolicyAndValue.forward)."""
    if rows not in ROWS:
        raise ValueError(f"score rows {rows!r}: one of {ROWS}")
    last = {r: t for r, t in zip(shared_rows(batch), batch)}
    sequences = [t.prompt_ids + t.response_ids for t in last.values()]
    if rows != "padded" and any(t.images for t in batch):
        raise PpoError(f"ppo.{'paddingFree' if rows == 'padding-free' else 'sharedPrefixes'}: image inputs are per sequence; set it to false for vision")
    if rows == "padding-free":
        ids = torch.tensor([[token for sequence in sequences for token in sequence]])
        positions = torch.cat([torch.arange(len(sequence)) for sequence in sequences]).unsqueeze(0)
        return ScoreInputs({"input_ids": ids, "position_ids": positions, **segments([[len(s) for s in sequences]], ids.shape[1])})
    openings = shared_openings(batch) if rows == "shared-prefixes" else None
    if not openings or not openings.ids:
        return ScoreInputs(chat.causal_inputs(chat.batch_inputs(encoder, [(t.prompt_pieces, list(t.images), t.prompt_ids + t.response_ids) for t in last.values()], pad_id)))
    opened = max(len(o) for o in openings.ids)
    rests = [sequence[n:] for sequence, n in zip(sequences, openings.lengths)]
    width = max(len(rest) for rest in rests)
    opening_ids = torch.full((len(openings.ids), opened), pad_id, dtype=torch.long)
    for i, o in enumerate(openings.ids):
        opening_ids[i, : len(o)] = torch.tensor(o)
    ids = torch.full((len(rests), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rests), opened + width), dtype=torch.long)
    for i, (rest, n) in enumerate(zip(rests, openings.lengths)):
        ids[i, : len(rest)] = torch.tensor(rest)
        mask[i, :n] = 1
        mask[i, opened : opened + len(rest)] = 1
    positions = torch.tensor(openings.lengths).unsqueeze(1) + torch.arange(width)
    return ScoreInputs({"input_ids": ids, "attention_mask": mask, "position_ids": positions, "opening_ids": opening_ids, "opening_of": torch.tensor(openings.of)})


class Layout(NamedTuple):
    """Where a scoring pass finds each transition's response: its row, the position of the
    token before the response (where its value is read), the positions whose logits the pass
    computes (`keep`, the same for every row) and, per response token, its index in `keep`."""

    rows: list[int]
    starts: list[int]
    keep: torch.Tensor
    at: torch.Tensor  # (T, longest response) indices into keep, clamped past each response's end


def layout(batch: list[Transition], rows: str) -> Layout:
    """Padded rows: every position from the earliest response's predecessor to the longest
    sequence's last-but-one (with shared openings, counted from each row's own part). One
    padding-free row: exactly the responses' predecessors."""
    row_of = shared_rows(batch)
    lengths = [len(t.response_ids) for t in batch]
    offsets = torch.arange(max(lengths))
    if rows == "padding-free":
        at_row: dict[int, int] = {}
        for r, t in zip(row_of, batch):
            at_row[r] = len(t.prompt_ids) + len(t.response_ids)  # the row's sequence is its last transition's
        begins = dict(zip(at_row, [0, *itertools.accumulate(at_row.values())]))
        starts = [begins[r] + len(t.prompt_ids) - 1 for r, t in zip(row_of, batch)]
        keep = torch.cat([torch.arange(start, start + n) for start, n in zip(starts, lengths)])
        firsts = torch.tensor([0, *itertools.accumulate(lengths)][:-1])
        return Layout([0] * len(batch), starts, keep, (firsts.unsqueeze(1) + offsets).clamp(max=len(keep) - 1))
    opened = shared_openings(batch).lengths if rows == "shared-prefixes" else [0] * (row_of[-1] + 1)
    starts = [len(t.prompt_ids) - 1 - opened[r] for r, t in zip(row_of, batch)]
    first, end = min(starts), max(start + n for start, n in zip(starts, lengths))
    return Layout(row_of, starts, torch.arange(first, end), (torch.tensor(starts).unsqueeze(1) - first + offsets).clamp(max=end - first - 1))


def score(scorer: Any, batch: list[Transition], temperature: float, pad_id: int, with_entropy: bool = False, encoder: Any = None, token_entropy: bool = False, entropy_grad: bool = True, prepared: ScoreInputs | None = None, rows: str = "padded", head_chunk: int = 0, sharded: bool = False) -> Scored:
    """Response log-probs (weighted sums and per token), values, entropy (the mean, and with
    `token_entropy` each token's); `scorer` is a
    PolicyAndValue, prepared (training) or plain. Transitions that continue one another
    (shared_rows) share a row of the forward pass; `rows` (ROWS) lays the rows out: padded,
    all in one row, or with shared openings read once (score_inputs). Backward keeps the scaled logits and no
    other (positions x vocabulary) tensor (core.token_logprobs; autograd's log_softmax would
    keep its output too, the entropy two more: at the paper's 128k vocabulary each is
    gigabytes): the entropy is computed without a gradient unless `entropy_grad` (a loss with
    an entropy term). With `head_chunk` (ppo.headChunk) not even those: the LM head runs on
    the response tokens' hidden states that many at a time (core.head_scores); `sharded`
    (ZeRO-3: each head call is collective) makes every process call it as often."""
    device = next(scorer.parameters()).device
    host = (prepared if prepared is not None else score_inputs(batch, encoder, pad_id, rows)).tensors
    where = layout(batch, rows)
    weights = torch.zeros((host["input_ids"].shape[0], len(where.keep)))  # filled on the host, copied once
    for i, t in enumerate(batch):
        weights[where.rows[i], where.at[i, : len(t.response_ids)]] = torch.tensor(t.weights)
    # everything the pass indexes by is made on the host and copied without waiting for the device
    places = {"row_of": torch.tensor(where.rows), "starts": torch.tensor(where.starts), "lengths": torch.tensor([len(t.response_ids) for t in batch]), "keep": where.keep, "at": where.at, "weights": weights}
    if head_chunk:  # each response token's row and index in keep
        places["head_rows"] = torch.tensor([where.rows[i] for i, t in enumerate(batch) for _ in t.response_ids])
        places["head_cols"] = torch.cat([where.at[i, : len(t.response_ids)] for i, t in enumerate(batch)])
    inputs, placed = parallel.to_device(host, device), parallel.to_device(places, device)
    row_of, keep, at, weights = placed["row_of"], placed["keep"], placed["at"], placed["weights"]
    value_at = (row_of, placed["starts"])
    within = torch.arange(at.shape[1], device=device) < placed["lengths"].unsqueeze(1)
    mask = (weights > 0).float()
    if head_chunk:
        logp, entropies, values = _chunked_head_pass(scorer, inputs, value_at, keep, (placed["head_rows"], placed["head_cols"]), HeadPass(torch.empty(0), torch.empty(0), torch.empty(0), temperature, head_chunk, "grad" if with_entropy and entropy_grad else "value" if with_entropy or token_entropy else "none", 0), sharded)
        with nullcontext() if entropy_grad else torch.no_grad():
            entropy = (entropies * mask).sum() / mask.sum().clamp(min=1) if with_entropy else None
    else:
        # Logits at position p predict token p + 1.
        logits, values = scorer(inputs, value_at, keep)
        logits = logits.float() / temperature
        # Only response tokens are scored; a prompt may hold ids the head never predicts (Mllama's <|image|>).
        targets = torch.where(weights > 0, inputs["input_ids"][:, keep + 1], 0)
        logp = core.token_logprobs(logits, targets)
        with nullcontext() if entropy_grad else torch.no_grad():
            entropy = core.entropy(logits, mask) if with_entropy else None
    # per transition: its response's tokens, from its row
    token_weights = weights[row_of].gather(1, at) * within
    token_logprobs = logp[row_of].gather(1, at) * (token_weights > 0)
    logprobs = core.sequence_logprob(token_logprobs, token_weights, (token_weights > 0).float())
    per_token_entropy = None
    if token_entropy:
        with torch.no_grad():
            if head_chunk:
                per_token_entropy = entropies.detach()[row_of].gather(1, at) * within
            else:
                log_softmax = torch.log_softmax(logits, dim=-1)
                per_token_entropy = -(log_softmax.exp() * log_softmax).sum(-1)[row_of].gather(1, at) * within
    last = {r: t for r, t in zip(shared_rows(batch), batch)}
    read = sum(len(t.prompt_ids) + len(t.response_ids) for t in last.values())
    if rows == "shared-prefixes":  # each opening once
        openings = shared_openings(batch)
        read += sum(len(o) for o in openings.ids) - sum(openings.lengths)
    moved()
    return Scored(logprobs, values, entropy, token_logprobs, token_weights, read, sum(len(t.images) for t in last.values()), per_token_entropy)


def _chunked_head_pass(scorer: Any, inputs: dict[str, torch.Tensor], value_at: tuple[torch.Tensor, torch.Tensor], keep: torch.Tensor, tokens: tuple[torch.Tensor, torch.Tensor], how: HeadPass, sharded: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """score's pass with the LM head in chunks (`how`'s temperature, chunk and entropy): every
    response token (weighted or not: the per-token entropy reads them all; `tokens`: their rows
    and indices in `keep`) is scored from its predecessor's hidden state; returns the (rows,
    positions) log-probs and entropies (zero elsewhere) and the values. `sharded`: as many head
    calls as the process that needs most."""
    device = keep.device
    rows, cols = tokens
    targets = inputs["input_ids"][rows, keep[cols] + 1]
    calls = core.head_calls(len(rows), how.chunk)
    if sharded:
        most = torch.tensor([calls], device=device)
        torch.distributed.all_reduce(most, op=torch.distributed.ReduceOp.MAX)
        calls = int(most)
    (picked, entropies), values = scorer(inputs, value_at, keep, how._replace(rows=rows, cols=cols, targets=targets, calls=calls))
    shape = (inputs["input_ids"].shape[0], len(keep))
    logp = torch.zeros(shape, device=device, dtype=picked.dtype).index_put((rows, cols), picked)
    spread = torch.zeros(shape, device=device, dtype=picked.dtype)
    if entropies is not None:
        spread = spread.index_put((rows, cols), entropies)
    return logp, spread, values


@dataclass
class Policy:
    """What PPO samples with and trains. Training passes go through the prepared (DDP,
    DeepSpeed) PolicyAndValue; rollouts, scoring, evaluation and saving use the plain one
    (under ZeRO-3 its parameters are shards, gathered by every forward: all processes take part)."""

    joint: PolicyAndValue  # the model and its value head (None with group advantages)
    trained: Any  # `joint` prepared (itself until `prepare`)
    reference: PolicyAndValue | None  # the Init policy, frozen, for the KL penalty (klCoef > 0)
    tokenizer: Any  # a processor for image-text-to-text models
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LambdaLR  # once per update
    params: list[torch.nn.Parameter]  # the trained ones (gradient clipping)
    compiled: Any = None  # `trained` as the training forwards call it with model.compile (prepare)

    @property
    def plain(self) -> Any:
        return self.joint.policy

    @property
    def training_pass(self) -> Any:
        """What the training forwards call: `trained`, or its compiled form."""
        return self.compiled if self.compiled is not None else self.trained

    @property
    def plain_head(self) -> ValueHead | None:
        return self.joint.value_head

    @property
    def text(self) -> Any:
        return chat.text_tokenizer(self.tokenizer)

    @property
    def visual_tokens_per_image(self) -> int:
        return visual_tokens_per_image(self.plain)

    @property
    def modules(self) -> dict[str, torch.nn.Module]:
        """The checkpointed modules besides the model."""
        return {"value_head": self.plain_head} if self.plain_head is not None else {}

    def prepare(self, acc: Any, cfg: Ppo, spec: Any) -> None:
        """Wrap the trained module and the optimizer for DDP or DeepSpeed (after restoring a
        checkpoint); the training passes' module, compiled with model.compile (`spec`)."""
        parallel.configure_deepspeed(acc, cfg.microBatchSize, -(-cfg.miniBatchSize // cfg.microBatchSize), cfg.maxGradNorm)
        self.trained, self.optimizer = acc.prepare(self.joint, self.optimizer)
        self.compiled = parallel.for_training(self.trained, spec)


@dataclass(frozen=True)
class EpisodeSource:
    """This process's episodes: the k-th has seed base + k * processes + rank, apart from the
    other processes'; with group advantages `per_seed` (groupSize) consecutive ones share it.
    seeds.ppo_episode_seeds bounds the seeds a run takes (kept apart from evaluation's)."""

    new_episode: Callable[[int], Episode]
    base: int
    processes: int
    rank: int
    per_seed: int

    def episode(self, k: int) -> Episode:
        return self.new_episode((self.base + (k // self.per_seed) * self.processes + self.rank) & 0xFFFFFFFF)

    def open(self, state: dict[str, Any]) -> Slot:
        """This process's next episode (its index k counts them)."""
        k = state["episodesStarted"]
        state["episodesStarted"] += 1
        return episodes.start(self.episode(k), k)

    def replay(self, saved: dict[str, Any]) -> Slot:
        """An episode in flight at a checkpoint (episodes.saved), as it was."""
        return episodes.replay(self.episode(saved["episode"]), saved)


@dataclass
class Rollout:
    """One update's experience from this process."""

    transitions: list[Transition]  # (stepsPerUpdate,) in collection order
    finished: list[Slot]  # episodes that ended, in the order they ended
    slots: list[Slot]  # each environment slot's episode at the end (bootstraps a cut one; goes on next update)
    inference_tokens: int  # each generation's prompt and answer tokens: what the run's compute charges 2N for
    forwarded_tokens: int = 0  # the positions generation actually computed (Generation.forwarded_tokens)
    inference_images: int = 0  # each generation's prompt images (group advantages train on a sample of the transitions: counted here, not from them)


class Timeline:
    """Seconds this process spent in each stage of the loop since the last training record
    (its `time/<stage>_s` metrics): generation (generate calls), environment (stepping the
    episodes: verifier, messages), scoring (the no-grad old log-prob and value pass, and the
    KL reference's),
    token_records (the no-grad pass over the turns with per-token records), training (the update's forward and backward passes and steps), evaluation and checkpoint
    (those that ran after the previous update)."""

    STAGES = ("generation", "environment", "scoring", "token_records", "training", "evaluation", "checkpoint")

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(self.STAGES, 0.0)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start

    def take(self) -> dict[str, float]:
        """The seconds so far, then start again."""
        taken, self.seconds = self.seconds, dict.fromkeys(self.STAGES, 0.0)
        return taken


class TokenRecorder:
    """Per-token records (ptlab.token_records) of the episodes logging.tokenRecordRate samples:
    collect() starts a sampled turn's record, `before_update` adds the training forward's
    log-probs, entropy and value, update() the ratio in its last epoch, `after_update` keeps
    the complete ones until their episode's record is written (`lines`). An episode in flight
    at a checkpoint loses its earlier turns' records on resume (they are a sample)."""

    def __init__(self, rate: float, seed: int, process: int, clip: float) -> None:
        self.rate, self.seed, self.process, self.clip = rate, seed, process, clip
        self.pending: dict[int, dict[int, TurnTokens]] = {}  # episode number -> turn -> its record

    def wants(self, episode: int) -> bool:
        return token_records.sampled(self.seed, self.process, episode, self.rate)

    def before_update(self, cfg: Ppo, policy: Policy, transitions: list[Transition], acc: Any) -> None:
        """The training forward with the rollout's weights over the sampled turns (no grad):
        their log-probs, entropies and values. Under ZeRO-3 every forward is collective:
        every process runs as many."""
        traced = in_episodes([t for t in transitions if t.tokens is not None], shuffle=False, group_size=kept_together(cfg))
        batches = [traced[i : i + cfg.microBatchSize] for i in range(0, len(traced), cfg.microBatchSize)]
        rounds = int(max(parallel.gathered(acc, [len(batches)]))) if parallel.sharded(acc) else len(batches)
        passes = []  # read once every pass is queued (score_rollout's reason)
        with torch.no_grad():
            for r in range(rounds):
                batch = batches[r] if r < len(batches) else [stand_in(transitions[0], policy.text.eos_token_id)]
                scored = score(policy.joint, batch, cfg.temperature, policy.text.pad_token_id, encoder=policy.tokenizer, token_entropy=True, rows=pass_rows(cfg), head_chunk=cfg.headChunk, sharded=parallel.sharded(acc))
                assert scored.token_entropy is not None
                passes.append((batch, scored.token_logprobs, scored.token_entropy, scored.values))
        for batch, token_logprobs, token_entropy, values in passes:
            training, entropy = token_logprobs.tolist(), token_entropy.tolist()
            read_values = values.tolist() if values is not None else None
            for i, t in enumerate(batch):
                if t.tokens is not None:
                    n = len(t.response_ids)
                    t.tokens.training, t.tokens.entropy = training[i][:n], entropy[i][:n]
                    t.tokens.value = read_values[i] if read_values is not None else None

    @staticmethod
    def record_ratio(batch: list[Transition], scored: Scored) -> None:
        """Each sampled turn's per-token ratio to the old policy in this training pass, kept on
        the device until the update ends (read_ratios): reading it here would wait for the pass."""
        traced = [i for i, t in enumerate(batch) if t.tokens is not None]
        if not traced:
            return
        new = scored.token_logprobs.detach().float()
        old = torch.zeros(new.shape)
        for i in traced:
            old[i, : len(batch[i].old_token_logprobs)] = torch.tensor(batch[i].old_token_logprobs)
        ratios = torch.exp(new - parallel.to_device({"old": old}, new.device)["old"])
        for i in traced:
            batch[i].ratio_on_device = ratios[i, : len(batch[i].response_ids)]

    @staticmethod
    def read_ratios(transitions: list[Transition]) -> None:
        """The recorded ratios (record_ratio) to the host, after the update's loop."""
        for t in transitions:
            if t.ratio_on_device is not None:
                if t.tokens is not None:
                    t.tokens.ratio = t.ratio_on_device.tolist()
                t.ratio_on_device = None

    def after_update(self, transitions: list[Transition], update: int) -> None:
        for t in transitions:
            if t.tokens is not None and t.tokens.complete():
                t.tokens.advantage, t.tokens.ret, t.tokens.update = t.advantage, t.ret, update
                self.pending.setdefault(t.episode, {})[t.turn] = t.tokens
            t.tokens = None

    def lines(self, slot: Slot, run_id: str, step: int) -> list[dict[str, Any]]:
        """The lines of a finished episode's sampled turns under its record's step (its number
        is given when the main process numbers the records)."""
        turns = self.pending.pop(slot.index, {})
        return [tokens.line(run_id, step, "train", 0, turn, self.clip) for turn, tokens in sorted(turns.items())]


def run_ppo(experiment: Experiment, run: RunLog, resume: bool) -> str:
    cfg = experiment.ppo
    group = cfg.advantage == "group"
    env_config = experiment.environment_for()
    acc = parallel.accelerator(experiment.model)
    launch = parallel.launch(acc)
    if refused := launch_refused(experiment, launch) or ppo_seeds_refused(experiment, launch) or shared_prefixes_refused(experiment, acc):
        raise PpoError(refused)
    engine = acc.distributed_type == "DEEPSPEED"  # accelerate's DistributedType is a str enum; the engine owns the (sharded) optimizer state
    if cfg.paddingFree and acc.is_main_process and (note := dense_mask_note("ppo.paddingFree", experiment.model.attention)):
        print(note, file=sys.stderr, flush=True)
    checkpoint = checkpoints.latest(run) if resume else None
    if checkpoint is not None:
        refuse_other_processes(checkpoint, acc.num_processes)
    init = experiment.resolve(cfg.init) if cfg.init else None
    policy = load_policy(experiment, acc, init, checkpoint)
    if refused := head_chunk_model_refused(cfg, policy.plain) or (cfg.paddingFree and packed_rows_refused("ppo.paddingFree", policy.plain)):
        raise PpoError(refused)
    if cfg.sharedPrefixes and not plain_dynamic_cache(policy.plain):
        raise PpoError("ppo.sharedPrefixes: this model's KV cache has layers other than plain dynamic ones (sliding-window or linear attention), which a shared opening cannot be gathered into; set ppo.sharedPrefixes to false")
    parameters = parameter_count(policy.plain)
    state: dict[str, Any] = {"update": 0, "episodesStarted": 0, "trainTokens": 0, "inferenceTokens": 0, "wallSeconds": 0.0, "compute": {"initTokens": checkpoints.trained_tokens(init) if init else 0}}
    in_flight: list[dict[str, Any]] = []
    if checkpoint is not None:
        state = checkpoints.restore(checkpoint, None if engine else policy.optimizer, policy.scheduler, policy.modules, process=acc.process_index, scaler=getattr(acc, "scaler", None))
        state["episodesStarted"] = state.pop("episodesStartedByProcess", [state["episodesStarted"]] * acc.num_processes)[acc.process_index]
        in_flight = state.pop("inFlightByProcess", [[]] * acc.num_processes)[acc.process_index]
    policy.prepare(acc, cfg, experiment.model)
    if engine and checkpoint is not None:
        checkpoints.restore_engine(checkpoint, policy.trained)
    if resume:  # a final checkpoint's evaluation comes after it, step 0's without a checkpoint may be partial: redone below, so dropped here
        run.truncate_records_after(state["update"], evaluations_at_step=checkpoint is not None and checkpoint.name != "final", splits=tuple(s.name for s in experiment.evaluation.splits) if experiment.evaluation else ())
    run.update(parameters=parameters, **({"init": str(init)} if init else {}))
    run.progress(state["update"], cfg.updates)
    seed_base = seeds.ppo_episode_base(experiment.seed)  # apart from the evaluation's (config.training_seeds_refused)
    source = EpisodeSource(env_config.episodes(experiment.base_dir), seed_base, acc.num_processes, acc.process_index, cfg.groupSize if group else 1)
    slots = [source.replay(saved) for saved in in_flight]  # the episodes in flight go on (none yet: collect opens them)
    answer_key, lam = core.ANSWER_KEYS[env_config.env], PAPER_LAMBDA[env_config.env]
    segment = len(run.manifest.get("segments", [])) - 1

    # at the start, or the evaluation a cancelled run stopped before
    status = "finished"
    if state["update"] == 0 or (state["update"] < cfg.updates and parallel.any_process(acc, acc.is_main_process and not run.has_evaluation(state["update"]))):
        if maybe_evaluate(experiment, run, acc, policy, state["update"], compute(state, parameters, lam), final=False):
            status = "cancelled"
    timeline = Timeline()
    recorder = TokenRecorder(experiment.logging.tokenRecordRate, experiment.seed, acc.process_index, cfg.clip)
    if recorder.rate > 0:
        run.update(files={**run.manifest.get("files", {}), "tokens": token_records.FILE})
    device = next(policy.plain.parameters()).device
    while state["update"] < cfg.updates and status == "finished":
        started = time.perf_counter()
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        with parallel.computing(acc):  # the sampler's log-probs in training's precision
            rollout = collect(cfg, policy, source, state, slots, answer_key, experiment.model, parallel.sharded(acc), timeline=timeline, recorder=recorder)  # 1
        if group:  # 3, then 2 on the transitions trained
            group_advantages(rollout.transitions, cfg.groupSize, cfg.groupStd, cfg.groupCredit)
            note_advantages(rollout.transitions)
            rollout.transitions[:] = sample_transitions(rollout.transitions, cfg.stepsPerUpdate)  # whole waves ran; every process trains on stepsPerUpdate
            if rollout_scored(cfg, policy):  # else there is nothing to score: time/scoring_s stays 0
                with timeline.stage("scoring"):
                    score_rollout(cfg, policy, rollout, acc)
        else:  # 2, 3
            with timeline.stage("scoring"):
                bootstrap = score_rollout(cfg, policy, rollout, acc)
            gae_advantages(rollout.transitions, bootstrap, cfg.gamma, cfg.lambda_)
            note_advantages(rollout.transitions)
        with timeline.stage("token_records"):
            recorder.before_update(cfg, policy, rollout.transitions, acc)
        with timeline.stage("training"):
            sums, trained = update(cfg, policy, rollout.transitions, acc)  # 4
        state["update"] += 1
        recorder.after_update(rollout.transitions, state["update"])
        elapsed = time.perf_counter() - started
        state["wallSeconds"] += elapsed
        log(run, acc, cfg, policy, state, rollout, sums, trained, elapsed, segment, env_config, parameters, lam, timeline.take(), recorder)  # 5, with the update's learning rate
        policy.scheduler.step()
        if parallel.any_process(acc, run.cancel_requested):
            status = "cancelled"
            break
        if state["update"] < cfg.updates:  # evaluate, then save: a checkpoint's records are complete
            evaluating = experiment.evaluation is not None and due(experiment.evaluation, state["update"], cfg.saveEverySteps, False)
            with timeline.stage("evaluation") if evaluating else nullcontext():
                stopped = maybe_evaluate(experiment, run, acc, policy, state["update"], compute(state, parameters, lam), final=False)
            if stopped:
                status = "cancelled"
                break
        if cfg.saveEverySteps and state["update"] % cfg.saveEverySteps == 0 and state["update"] < cfg.updates:
            with timeline.stage("checkpoint"):
                save(run, acc, f"update-{state['update']:06d}", state, slots, policy)
    save(run, acc, "final" if status == "finished" else f"update-{state['update']:06d}", state, slots, policy)
    if status == "finished":
        maybe_evaluate(experiment, run, acc, policy, state["update"], compute(state, parameters, lam), final=True)
    return status


def refuse_other_processes(checkpoint: Path, processes: int) -> None:
    """CheckpointError for a resume by another number of processes than saved `checkpoint`: its
    episodes are each process's (EpisodeSource's seeds, the episodes in flight), so some would
    be played twice and others dropped, or a process would have none. `final` too: a resume
    from it trains no further (the run's config, ppo.updates included), but replays its
    episodes in flight to save it again before the final evaluation."""
    if checkpoint.name == "final":
        checkpoints.refuse_other_processes(
            checkpoint, processes,
            "a resume from the final checkpoint trains no further, but replays each process's episodes in flight from their seeds, which are each process's, to save it again before redoing the final evaluation",
            f"evaluate it under any number of processes with ptlab eval --checkpoint {checkpoint} (another --run-dir), or start a new run from it with ppo.init",
        )
    else:
        checkpoints.refuse_other_processes(checkpoint, processes, "PPO's episodes (their seeds, those in flight) are each process's", "start a new run from the checkpoint with ppo.init")


def shared_prefixes_refused(experiment: Experiment, acc: Any) -> str | None:
    """Why ppo.sharedPrefixes cannot apply to this run, if so. A pass reads the openings,
    then the rows through the openings' cache, in one forward of the prepared module: DDP
    sees one forward; FSDP's and DeepSpeed's hooks would see each layer run twice.
    Gradient checkpointing drops a layer's cache. (Images, per sequence: the config's check,
    config.end_to_end_refused.)"""
    cfg, where = experiment.ppo, "ppo.sharedPrefixes"
    if not cfg.sharedPrefixes:
        return None
    if cfg.paddingFree:
        return f"{where} and ppo.paddingFree are two layouts of one pass: set one of them to false"
    if experiment.model.gradientCheckpointing:
        return f"{where} with model.gradientCheckpointing: a checkpointed layer drops the shared openings' cache; set one of them to false"
    if acc.distributed_type in ("FSDP", "DEEPSPEED"):
        return f'{where} with launcher.distributed "{acc.distributed_type.lower()}": shared openings are read under local and DDP launches only; set it to false'
    return None


def head_chunk_model_refused(cfg: Ppo, model: Any) -> str | None:
    """Why ppo.headChunk cannot apply to this model, if so: the chunks apply the LM head to
    the decoder's last hidden state, which gives the model's logits only where its forward
    does nothing more (no soft-capping or scaling of the logits)."""
    model_type = model.config.model_type
    if not cfg.headChunk or model_type in HEAD_CHUNK_MODEL_TYPES:
        return None
    return f"ppo.headChunk: checked for model types {', '.join(HEAD_CHUNK_MODEL_TYPES)} (whose logits are their LM head's product and nothing more), not {model_type!r}; set it to 0"


def plain_dynamic_cache(model: Any) -> bool:
    """Whether the model's dynamic KV cache is made of plain layers (keys and values per
    position, which shared_openings' cache gathers per row)."""
    from transformers import DynamicCache
    from transformers.cache_utils import DynamicLayer

    return all(type(layer) is DynamicLayer for layer in DynamicCache(config=model.config).layers)


def load_policy(experiment: Experiment, acc: Any, init: Any, checkpoint: Any) -> Policy:
    """The policy, its value head, the frozen Init for the KL penalty (a full copy on every
    process, never prepared: its forwards are local, under ZeRO-3 too), Adam with its cosine
    schedule; not yet prepared."""
    cfg = experiment.ppo
    device = str(acc.device)
    model, tokenizer = load_trainable(experiment.model, device, init, checkpoint, experiment.seed)
    disable_dropout(model)  # the rollout and scoring run in eval mode: the update's forwards must compute what they did
    if experiment.environment_for().modality == "vision" and not chat.is_multimodal(tokenizer):
        raise PpoError("environment.modality: vision PPO needs an image-text-to-text model (model.kind \"image-text-to-text\", e.g. embedded:tiny-vlm); this model reads text only")
    # Seed after loading: building the embedded model on first use draws from the global RNG.
    torch.manual_seed(seeds.process_seed("ppo", experiment.seed, acc.process_index))
    random.seed(seeds.process_seed("ppo", experiment.seed, acc.process_index))
    head = None if cfg.advantage == "group" else ValueHead(hidden_size(model), cfg.valueHead.hidden).to(device, parallel.companion_dtype(acc, model))
    reference = None
    if cfg.klCoef > 0:
        with parallel.whole_on_every_process(acc):
            reference = load(experiment.model, device, init)[0].eval()
        reference.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad] + (list(head.parameters()) if head is not None else [])
    optimizer = optimizers.adam(torch.optim.Adam, params, cfg.learningRate, cfg.adam, "ppo.adam.implementation", PpoError, acc.distributed_type, getattr(acc, "scaler", None) is not None)
    scheduler = lr_schedule(optimizer, cfg)
    joint = PolicyAndValue(model, head)
    return Policy(joint, joint, PolicyAndValue(reference, None) if reference is not None else None, tokenizer, optimizer, scheduler, params)


def lr_schedule(optimizer: torch.optim.Optimizer, cfg: Ppo) -> torch.optim.lr_scheduler.LambdaLR:
    """The cosine from learningRate to finalLearningRate over lrCosineUpdates (default: all the
    updates) and back up past it, stepped once per update (ppo_core.cosine_lr). A change to the
    rates it gives a config is a new runlog.SCHEDULE_VERSION."""
    period = cfg.lrCosineUpdates or cfg.updates
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda u: core.cosine_lr(u, period, cfg.learningRate, cfg.finalLearningRate) / cfg.learningRate)


def collect(cfg: Ppo, policy: Policy, source: EpisodeSource, state: dict[str, Any], slots: list[Slot], answer_key: str, model: Model, sharded: bool = False, timeline: Timeline | None = None, recorder: TokenRecorder | None = None) -> Rollout:
    """1. rollout (see the module's docstring). `slots` are the environment slots, carried
    from one update to the next with their episodes in flight (with group advantages every
    update runs whole waves of new episodes instead). `sharded` (ZeRO-3): every process
    generates together, as many rounds each (all slots answer every round, until stepsPerUpdate)."""
    prefixes = PrefixCache()  # this rollout's: the weights change after it
    try:
        return _collect_rounds(cfg, policy, source, state, slots, answer_key, model, sharded, timeline, recorder, prefixes)
    finally:
        if prefixes is not None:
            prefixes.close()


def _collect_rounds(cfg: Ppo, policy: Policy, source: EpisodeSource, state: dict[str, Any], slots: list[Slot], answer_key: str, model: Model, sharded: bool, timeline: Timeline | None, recorder: TokenRecorder | None, prefixes: PrefixCache | None) -> Rollout:
    group = cfg.advantage == "group"
    policy.plain.eval()
    transitions: list[Transition] = []
    finished: list[Slot] = []
    if not group and not slots:  # the run's first update
        slots.extend(source.open(state) for _ in range(cfg.parallelEnvs))
    active = [] if group else list(range(len(slots)))
    inference_tokens = forwarded_tokens = inference_images = 0
    sampled_old = cfg.oldLogProbs == "sampling"
    while True:
        if group and not active and len(transitions) < cfg.stepsPerUpdate:
            slots[:] = [source.open(state) for _ in range(cfg.parallelEnvs)]  # a wave
            active = list(range(cfg.parallelEnvs))
        if not active or (not group and len(transitions) >= cfg.stepsPerUpdate):
            break
        prompts = [_prompt(policy.tokenizer, slots[i].messages) for i in active]
        with timeline.stage("generation") if timeline else nullcontext():
            answers = generate(policy.plain, policy.tokenizer, [slots[i].messages for i in active], cfg.maxNewTokens, cfg.temperature, model.kvCache, synced_gpus=sharded, prefixes=prefixes, keys=[slots[i].index for i in active], record_logprobs=True, batch_size=model.generateBatch)
        environment_started = time.perf_counter()
        still = []
        for i, (prompt_ids, prompt_pieces), generation in zip(active, prompts, answers):
            slot = slots[i]
            images = tuple(chat.images_in(slot.messages))  # the prompt's, before the slot moves on
            step = episodes.advance(slot, generation)
            inference_tokens += generation.prompt_tokens + generation.answer_tokens
            inference_images += len(images)
            forwarded_tokens += generation.forwarded_tokens
            response_ids = list(generation.ids)  # as sampled: the gradient is taken on what the policy did
            ends = chat.token_ends(policy.text, response_ids[: generation.answer_tokens])
            weights = core.token_weights(generation.text, ends, answer_key, cfg.thoughtWeight) + [1.0] * generation.stopped
            transitions.append(Transition(i, prompt_ids, response_ids, weights, trained_reward(step, cfg), step.done, slot.index, images, prompt_pieces, sampling_token_logprobs=list(generation.logprobs), turn=len(slot.turns) - 1, record_turn=slot.turns[-1]))
            if recorder is not None and recorder.wants(slot.index):
                transitions[-1].tokens = TurnTokens(response_ids, token_records.utf16_ends(generation.text, ends, len(response_ids)), list(generation.logprobs), weights, transitions[-1].reward)
            if sampled_old:
                _set_old_logprobs(transitions[-1], generation.logprobs)
            if step.done:
                finished.append(slot)
                if group:
                    continue  # a group runs to its end; its slot waits for the next wave
                slots[i] = source.open(state)
            still.append(i)
            if not group and len(transitions) >= cfg.stepsPerUpdate:
                break  # the slots not reached keep their episodes as they are: answered next update
        active = still
        if timeline:
            timeline.seconds["environment"] += time.perf_counter() - environment_started
    return Rollout(transitions, finished, list(slots), inference_tokens, forwarded_tokens, inference_images)


def _set_old_logprobs(t: Transition, token_logprobs: tuple[float, ...]) -> None:
    """The old log-probs as score() gives them (tokens weighted 0 score 0), from the sampler's (oldLogProbs "sampling")."""
    if len(token_logprobs) != len(t.response_ids):
        raise PpoError(f"the rollout recorded {len(token_logprobs)} sampling log-probs for a response of {len(t.response_ids)} tokens")
    t.old_token_logprobs = [lp if w > 0 else 0.0 for lp, w in zip(token_logprobs, t.weights)]
    t.old_logprob = float(core.sequence_logprob(torch.tensor([t.old_token_logprobs]), torch.tensor([t.weights]), torch.tensor([[float(w > 0) for w in t.weights]]))[0])


def rollout_scored(cfg: Ppo, policy: Policy) -> bool:
    """Whether score_rollout has a pass to run: old log-probs to recompute, values, or the KL
    reference's log-probs."""
    return cfg.oldLogProbs == "recompute" or policy.plain_head is not None or policy.reference is not None


def score_rollout(cfg: Ppo, policy: Policy, rollout: Rollout, acc: Any = None) -> dict[int, float]:
    """2. score with the rollout policy: the old log-probs (oldLogProbs "recompute"; "sampling"
    recorded them in the rollout) and values, and with klCoef the frozen Init's log-probs
    (they never change: once per rollout, not per epoch); returns each cut episode's
    next-state value by slot (GAE's bootstrap). With group advantages, sampled log-probs and
    no KL there is nothing to score. Under ZeRO-3 (`acc`'s, every forward of the policy
    collective) every slot is probed, so each process runs as many forwards; the reference's
    are local."""
    pad_id = policy.text.pad_token_id
    sharded = acc is not None and parallel.sharded(acc)
    transitions = rollout.transitions
    bootstrap: dict[int, float] = {}
    recompute = cfg.oldLogProbs == "recompute"
    if not rollout_scored(cfg, policy):
        return bootstrap
    by_policy = recompute or policy.plain_head is not None
    by_length = in_episodes(transitions, shuffle=False, group_size=kept_together(cfg))
    scored_batches = []  # read once every pass is queued: a read per pass would make each wait for the device
    with torch.no_grad():
        for start in range(0, len(by_length), cfg.microBatchSize):  # forward passes are the memory knob's size
            batch = by_length[start : start + cfg.microBatchSize]
            scored = score(policy.joint, batch, cfg.temperature, pad_id, encoder=policy.tokenizer, rows=pass_rows(cfg), head_chunk=cfg.headChunk, sharded=sharded) if by_policy else None
            reference = reference_logprobs(cfg, policy, batch, acc) if policy.reference is not None else None
            scored_batches.append((batch, scored.values if scored is not None else None, scored.logprobs if recompute else None, scored.token_logprobs if recompute else None, reference))
        probes: list[Transition] = []
        if policy.plain_head is not None:  # each cut episode's next state, as many per pass as a micro-batch
            last_of_slot = {t.slot: t for t in transitions}
            for i in range(len(rollout.slots)) if sharded else sorted(s for s, t in last_of_slot.items() if not t.done):
                messages = rollout.slots[i].messages
                prompt_ids, prompt_pieces = _prompt(policy.tokenizer, messages)
                probes.append(Transition(i, prompt_ids, [policy.text.eos_token_id], [1.0], 0.0, False, images=tuple(chat.images_in(messages)), prompt_pieces=prompt_pieces, episode=i))
        probe_values = [score(policy.joint, probes[start : start + cfg.microBatchSize], cfg.temperature, pad_id, encoder=policy.tokenizer).values for start in range(0, len(probes), cfg.microBatchSize)]
    for batch, values, logprobs, token_logprobs, reference in scored_batches:
        read_values = values.tolist() if values is not None else [0.0] * len(batch)
        read_logprobs = logprobs.tolist() if logprobs is not None else None
        read_tokens = token_logprobs.tolist() if token_logprobs is not None else None
        read_reference = reference.tolist() if reference is not None else None
        for i, t in enumerate(batch):
            t.old_value = read_values[i]
            if read_logprobs is not None and read_tokens is not None:
                t.old_logprob = read_logprobs[i]
                t.old_token_logprobs = read_tokens[i][: len(t.response_ids)]
            if read_reference is not None:
                t.ref_logprob = read_reference[i]
    for probe, value in zip(probes, (v for values in probe_values for v in values.tolist())):
        bootstrap[probe.slot] = value
    return bootstrap


def reference_logprobs(cfg: Ppo, policy: Policy, batch: list[Transition], acc: Any) -> torch.Tensor:
    """The frozen Init's log-probs of a micro-batch's responses (the KL penalty's), in the
    precision the trained forward computes in (parallel.computing): at Init the KL is 0. Its
    forwards are local (a whole copy on every process, under ZeRO-3 too)."""
    with torch.no_grad(), parallel.computing(acc):
        return score(policy.reference, batch, cfg.temperature, policy.text.pad_token_id, encoder=policy.tokenizer, rows=pass_rows(cfg), head_chunk=cfg.headChunk).logprobs


def gae_advantages(transitions: list[Transition], bootstrap: dict[int, float], gamma: float, lam: float) -> None:
    """GAE along each environment slot's chain of transitions, then normalized over the rollout."""
    for slot in {t.slot for t in transitions}:
        chain = [t for t in transitions if t.slot == slot]
        advantages, returns = core.gae(
            torch.tensor([t.reward for t in chain]), torch.tensor([t.old_value for t in chain]), torch.tensor([float(t.done) for t in chain]),
            gamma, lam, last_value=0.0 if chain[-1].done else bootstrap[slot],
        )
        for t, a, r in zip(chain, advantages.tolist(), returns.tolist()):
            t.advantage, t.ret = a, r
    for t, a in zip(transitions, core.normalize(torch.tensor([t.advantage for t in transitions])).tolist()):
        t.advantage = a


def group_advantages(transitions: list[Transition], group_size: int, scale: bool, credit: str = "episode") -> None:
    """Group baselines (episodes e with the same e // group_size share a seed), over the
    baseline group's std with `scale`. `credit` "episode": every step of an episode gets the
    episode's return minus its group's mean return. "turn": each step gets its return-to-go
    (its reward and the later ones) minus the mean return-to-go of the group's episodes at
    the same turn, so a revision is judged against the other revisions of the same hand at
    that turn, not against first attempts that ended the episode."""
    chains: dict[int, list[Transition]] = {}
    for t in transitions:  # collection order is turn order within an episode
        chains.setdefault(t.episode, []).append(t)
    steps, returns, baselines = [], [], []
    for e, chain in sorted(chains.items()):
        to_go = torch.tensor([t.reward for t in chain]).flip(0).cumsum(0).flip(0).tolist()
        for turn, (t, g) in enumerate(zip(chain, to_go)):
            steps.append(t)
            returns.append(to_go[0] if credit == "episode" else g)
            baselines.append((e // group_size, 0 if credit == "episode" else turn))
    ids = {key: i for i, key in enumerate(dict.fromkeys(baselines))}
    if credit == "episode":  # one sample per episode, every step the same advantage
        firsts = [i for i, t in enumerate(steps) if t is chains[t.episode][0]]
        per_episode = core.group_advantages(torch.tensor([returns[i] for i in firsts]), torch.tensor([ids[baselines[i]] for i in firsts]), scale=scale).tolist()
        advantage = {steps[i].episode: a for i, a in zip(firsts, per_episode)}
        advantages = [advantage[t.episode] for t in steps]
    else:
        advantages = core.group_advantages(torch.tensor(returns), torch.tensor([ids[b] for b in baselines]), scale=scale).tolist()
    for t, a, r in zip(steps, advantages, returns):
        t.advantage, t.ret = a, r


def note_advantages(transitions: list[Transition]) -> None:
    """Each attempt's advantage and return in its episode's transcript (the turn's record)."""
    for t in transitions:
        if t.record_turn is not None:
            t.record_turn["advantage"], t.record_turn["return"] = t.advantage, t.ret


def sample_transitions(transitions: list[Transition], n: int) -> list[Transition]:
    """`n` of the rollout's transitions, drawn at random (in collection order), when whole waves
    collected more. Keeping the first n would drop the last rounds, which only failing episodes
    reach: their late revision attempts would never be trained."""
    if len(transitions) <= n:
        return transitions
    return [transitions[i] for i in sorted(random.sample(range(len(transitions)), n))]

def sampling_mismatch(batch: list[Transition], scored: Scored) -> dict[str, torch.Tensor]:
    """How far the training forward's log-probs are from those the rollout sampled with, over the
    batch's trained tokens, on the device: the sum of |train - sample| (mismatch_abs), the sum of
    the k3 estimate of KL(sampler || trainer) per token ((r - 1) - log r, r = p_train / p_sample:
    unbiased on the sampler's tokens, never negative; mismatch_kl), their count (mismatch_n) and
    the largest |train - sample| (mismatch_max)."""
    trained = scored.token_logprobs.detach().float()
    sampled = torch.zeros(trained.shape)
    recorded = torch.zeros(trained.shape, dtype=torch.bool)
    for i, t in enumerate(batch):
        if not t.sampling_token_logprobs:
            continue  # built, not sampled (tests): nothing to compare
        if len(t.sampling_token_logprobs) != len(t.response_ids):
            raise PpoError(f"the rollout recorded {len(t.sampling_token_logprobs)} sampling log-probs for a response of {len(t.response_ids)} tokens")
        sampled[i, : len(t.response_ids)] = torch.tensor(t.sampling_token_logprobs)
        recorded[i, : len(t.response_ids)] = True
    given = parallel.to_device({"sampled": sampled, "recorded": recorded}, trained.device)
    counted = (scored.token_weights > 0) & given["recorded"]
    difference = torch.where(counted, trained - given["sampled"], 0.0)
    return {
        "mismatch_abs": difference.abs().sum(),
        "mismatch_kl": (torch.expm1(difference) - difference).sum(),
        "mismatch_n": counted.sum().float(),
        "mismatch_max": difference.abs().max() if difference.numel() else torch.zeros((), device=trained.device),
    }


def update(cfg: Ppo, policy: Policy, transitions: list[Transition], acc: Any) -> tuple[dict[str, float], tuple[int, int]]:
    """4. update. Each optimizer step takes a mini-batch of `miniBatchSize` transitions and
    accumulates its gradient over micro-batches of `microBatchSize` (DDP synchronizes on the
    last one only): each micro-batch's mean losses are weighted by its share of the mini-batch
    (the entropy's by its share of the tokens), so a step's gradient is the mini-batch's mean
    gradient, as one forward pass of the whole mini-batch would give. A transition whose
    log-prob is not finite is skipped: the step's passes run without reading the device, the
    step's end reads whether every log-prob was finite with its other values, and a step where
    one was not (anywhere) is redone with each pass checked before its backward (train_forward;
    its gradient held the non-finite one). Under DeepSpeed the engine reduces, clips and steps in
    the last micro-batch's backward: each pass is checked, and the processes' skipped
    transitions are not counted across them: a step then averages over the whole mini-batch,
    skipped ones as zero gradients. Returns this process's sums over the transitions trained on
    (losses, counts) and the tokens and images its forward passes read (Scored.tokens, .images)."""
    engine = acc.distributed_type == "DEEPSPEED"
    policy.trained.train()
    sums = {"policy": 0.0, "value": 0.0, "clipfrac": 0.0, "approx_kl": 0.0, "entropy": 0.0, "kl": 0.0, "guarded": 0.0, "trained": 0.0, "skipped": 0.0, "steps": 0.0, "overflows": 0.0, "gap": 0.0, "gap_n": 0.0, "mismatch_abs": 0.0, "mismatch_kl": 0.0, "mismatch_n": 0.0, "mismatch_max": 0.0}
    on_device: dict[str, Any] = {}  # the per-micro-batch means, summed where they are computed
    train_tokens = train_images = 0
    for epoch in range(cfg.epochs):
        shuffled = in_episodes(transitions, shuffle=True, group_size=kept_together(cfg))
        for start in range(0, len(shuffled), cfg.miniBatchSize):
            step = shuffled[start : start + cfg.miniBatchSize]
            first, last_epoch = not sums["steps"], epoch == cfg.epochs - 1
            policy.optimizer.zero_grad(set_to_none=True)
            passes = step_passes(cfg, policy, acc, step, first, last_epoch, checked=engine)
            if engine:
                outcome = _engine_step_end(cfg, policy, acc)
            else:
                outcome = _unchecked_step_end(cfg, policy, acc, passes)
                if outcome == "redo":  # a log-prob was not finite somewhere, and so is the gradient: again, each pass checked
                    policy.optimizer.zero_grad(set_to_none=True)
                    for t in step:
                        t.ratio_on_device = None
                    passes = step_passes(cfg, policy, acc, step, first, last_epoch, checked=True)
                    outcome = _checked_step_end(cfg, policy, acc, step, passes)
            sums["steps"] += outcome == "stepped"
            sums["overflows"] += outcome == "overflow"
            sums["trained"] += passes.kept
            sums["skipped"] += passes.skipped
            sums["gap_n"] += passes.gap_n
            train_tokens += passes.tokens
            train_images += passes.images
            _add(on_device, **passes.on_device)
    for key, value in zip(on_device, parallel.host_values(*on_device.values())):  # one read
        sums[key] += value
    TokenRecorder.read_ratios(transitions)
    if not sums["trained"]:
        raise PpoError(f"every transition's log-prob was non-finite in this update ({int(sums['skipped'])} skipped): the policy has diverged; resume from an earlier checkpoint with a lower learning rate")
    return sums, (train_tokens, train_images)


@dataclass
class StepPasses:
    """One optimizer step's forward and backward passes over its mini-batch, and what they add to
    the update's sums: kept apart until the step is final (a step redone drops them)."""

    on_device: dict[str, Any] = field(default_factory=dict)  # summed losses, clip fraction, KL...: read once, after the update
    losses: dict[str, Any] = field(default_factory=dict)  # the step's policy and value losses and its non-finite passes
    finite: list[Any] = field(default_factory=list)  # unchecked passes: whether every log-prob was finite (on the device)
    kept: int = 0  # transitions trained on
    skipped: int = 0  # transitions dropped: a non-finite log-prob (checked passes)
    gap_n: int = 0  # transitions whose rollout-gap was measured
    tokens: int = 0
    images: int = 0


def step_passes(cfg: Ppo, policy: Policy, acc: Any, step: list[Transition], first: bool, last_epoch: bool, checked: bool) -> StepPasses:
    """The forward and backward passes of one optimizer step's mini-batch, in micro-batches.
    `checked`: each pass's log-probs are read before its backward and a transition whose
    log-prob is not finite is dropped (train_forward); otherwise nothing is read: whether each
    pass's log-probs were finite waits on the device for the step's end. `first`: before the
    update's first step the policy is the rollout's: the gap to its log-probs is measured."""
    engine = acc.distributed_type == "DEEPSPEED"
    pad_id = policy.text.pad_token_id
    sharded = parallel.sharded(acc)
    step_tokens = sum(_trained_tokens(t) for t in step)
    by_length = in_episodes(step, shuffle=False, group_size=kept_together(cfg))  # a step's gradient is its micro-batches' sum: their make-up is free
    micro_batches = [by_length[j : j + cfg.microBatchSize] for j in range(0, len(by_length), cfg.microBatchSize)]
    passes = StepPasses()
    for j, micro in enumerate(micro_batches):
        last = j == len(micro_batches) - 1
        with parallel.micro_batch(acc, policy.trained, last):  # gradients stay local until the mini-batch's last micro-batch
            if checked:
                batch, scored = train_forward(cfg, policy, micro, pad_id, sharded)
            else:
                batch, scored = micro, training_pass(cfg, policy, micro, pad_id, sharded)
                passes.finite.append(torch.isfinite(scored.logprobs.detach()).all())
            passes.skipped += len(micro) - len(batch)
            if scored is None:
                if engine or (last and acc.num_processes > 1):  # DDP's all-reduce is this backward; every one is DeepSpeed's collective and counts to its step, one process too
                    zero_backward(cfg, policy, acc, pad_id, micro[0])
                continue
            logprobs, values, entropy = scored.logprobs, scored.values, scored.entropy
            given = parallel.to_device(_old_estimates(cfg, batch, scored.token_logprobs, policy.reference is not None), logprobs.device)
            if cfg.ratio == "token":
                ploss, clipfrac, approx_kl, guarded = core.token_policy_loss(scored.token_logprobs, given["old_tokens"], given["advantages"], scored.token_weights, cfg.clip, cfg.ratioGuard)
            else:
                ploss, clipfrac, approx_kl, guarded = core.policy_loss(logprobs, given["old"], given["advantages"], cfg.clip, cfg.ratioGuard)
            if last_epoch:
                TokenRecorder.record_ratio(batch, scored)
            if first:  # the policy is the rollout's: its log-probs must agree
                _add(passes.on_device, gap=(logprobs.detach() - given["old"]).abs().sum(), **sampling_mismatch(batch, scored))
                passes.gap_n += len(batch)
            loss = ploss
            vloss = torch.zeros((), device=logprobs.device)
            if values is not None:
                vloss = core.value_loss(values, given["old_values"], given["returns"], cfg.valueClip)
                loss = loss + cfg.valueCoef * vloss
            kl = torch.zeros((), device=logprobs.device)
            if policy.reference is not None:  # its log-probs scored with the rollout's (score_rollout)
                loss = loss + cfg.klCoef * core.kl_penalty(logprobs, given["reference"])
                kl = (logprobs - given["reference"]).mean().detach()  # reported: the unbiased estimate of its value
            # read at the step's end (no wait for the device here), or now where the engine steps in this backward
            _add(passes.losses, policy=ploss.detach(), value=vloss.detach(), nonfinite=(~torch.isfinite(loss.detach())).float())
            if engine:
                _finite_loss(passes.losses)
            share = len(batch) / len(step)
            parallel.backward(acc, loss * share - cfg.entropyCoef * entropy * sum(_trained_tokens(t) for t in batch) / max(1, step_tokens))
        passes.kept += len(batch)
        passes.tokens += scored.tokens
        passes.images += scored.images
        _add(passes.on_device, **{key: value.detach() * len(batch) for key, value in (("policy", ploss), ("value", vloss), ("clipfrac", clipfrac), ("approx_kl", approx_kl), ("entropy", entropy), ("kl", kl), ("guarded", guarded))})
    return passes


def _unchecked_step_end(cfg: Ppo, policy: Policy, acc: Any, passes: StepPasses) -> str:
    """Clips and steps after unchecked passes (step_passes), reading the device once: whether
    each pass's log-probs were finite, whether the loss was, and the gradient's norm (clipped
    before the read, so the read waits once). "redo": a log-prob was not finite on some process
    (every gradient holds it after DDP's all-reduce): the step is to be redone, checked. Under
    fp16's gradient scaler the clip (which unscales the gradients, once per optimizer step)
    waits for that verdict: a second read. Otherwise _optimizer_step's outcome."""
    scaled = parallel.loss_scaled(acc)
    norm = None if scaled else _clip(cfg, policy, acc)
    *finite, nonfinite, norm_value = parallel.host_values(*passes.finite, passes.losses.get("nonfinite", 0.0), norm if norm is not None else 0.0)
    redo = not all(finite)
    nonfinite_anywhere, redo_anywhere = parallel.totals(acc, 0.0 if redo else nonfinite, float(redo))
    if redo_anywhere:
        return "redo"
    if nonfinite_anywhere:
        _finite_loss(passes.losses, elsewhere=not nonfinite)
    if scaled:
        norm = _clip(cfg, policy, acc)
        norm_value = float(norm) if norm is not None else 0.0
    return _optimizer_step(policy, acc, math.isfinite(norm_value))


def _optimizer_step(policy: Policy, acc: Any, finite_norm: bool) -> str:
    """The optimizer's step after the clip: "stepped"; "overflow" where the gradient is not
    finite under fp16's gradient scaler, whose step then skips the update and lowers the scale
    (a scale too high for the gradient is how it finds its scale: not an error); elsewhere a
    non-finite gradient ends the run."""
    if not finite_norm and not parallel.loss_scaled(acc):
        raise PpoError(NONFINITE_GRADIENT)
    policy.optimizer.step()
    return "stepped" if finite_norm else "overflow"


def _clip(cfg: Ppo, policy: Policy, acc: Any) -> Any:
    """The gradient clipped to maxGradNorm; its norm before clipping. All the parameters (frozen
    ones have no gradient): accelerate clips an FSDP model through it only when given its whole list."""
    return acc.clip_grad_norm_(list(policy.trained.parameters()), cfg.maxGradNorm)


def _checked_step_end(cfg: Ppo, policy: Policy, acc: Any, step: list[Transition], passes: StepPasses) -> str:
    """Clips and steps after checked passes (step_passes): the step averages the transitions it
    trained on (over every process): skipped ones drop out; a non-finite loss on any process
    ends the run on all of them, before the step (one reduction). "none": nothing finite to
    learn from, no step (Adam's moments would still move the weights); otherwise
    _optimizer_step's outcome."""
    nonfinite = _loss_nonfinite(passes.losses)
    step_size, step_kept, nonfinite_anywhere = parallel.totals(acc, len(step), passes.kept, nonfinite)
    if nonfinite_anywhere:
        _finite_loss(passes.losses, elsewhere=not nonfinite)
    if step_kept == 0:
        return "none"
    if step_kept < step_size:
        for p in policy.params:
            if p.grad is not None:
                p.grad.mul_(step_size / step_kept)
    norm = _clip(cfg, policy, acc)
    return _optimizer_step(policy, acc, norm is None or bool(torch.isfinite(torch.as_tensor(norm))))


def _engine_step_end(cfg: Ppo, policy: Policy, acc: Any) -> str:
    """DeepSpeed's engine stepped (and clipped) in the last backward; this reads its norm,
    infinite where the engine skipped the step: "overflow" in fp16 (its loss scaler finding
    its scale), an error otherwise."""
    norm = acc.clip_grad_norm_(policy.params, cfg.maxGradNorm)
    if norm is None or torch.isfinite(torch.as_tensor(norm)):
        return "stepped"
    if not parallel.loss_scaled(acc):
        raise PpoError(NONFINITE_GRADIENT)
    return "overflow"


NONFINITE_GRADIENT = "the PPO gradient is not finite: lower the learning rate or check the model's dtype"


def _old_estimates(cfg: Ppo, batch: list[Transition], token_logprobs: torch.Tensor, referenced: bool) -> dict[str, torch.Tensor]:
    """What the update's losses compare a micro-batch's pass with, made on the host: the old
    log-probs (per token, too, for ratio "token"), advantages, old values, returns and, where
    the KL penalty has a reference (`referenced`), its log-probs."""
    estimates = {
        "old": torch.tensor([t.old_logprob for t in batch]),
        "advantages": torch.tensor([t.advantage for t in batch]),
        "old_values": torch.tensor([t.old_value for t in batch]),
        "returns": torch.tensor([t.ret for t in batch]),
    }
    if referenced:
        estimates["reference"] = torch.tensor(_reference_logprobs(batch))
    if cfg.ratio == "token":
        old_tokens = torch.zeros(token_logprobs.shape, dtype=token_logprobs.dtype)
        for i, t in enumerate(batch):
            old_tokens[i, : len(t.old_token_logprobs)] = torch.tensor(t.old_token_logprobs)
        estimates["old_tokens"] = old_tokens
    return estimates


def _reference_logprobs(batch: list[Transition]) -> list[float]:
    """The KL reference's log-prob of each transition, as score_rollout scored it: one missing
    would have its KL to Init taken against 0."""
    scored = [t.ref_logprob for t in batch]
    if any(logprob is None for logprob in scored):
        raise PpoError("internal error: a transition reached the update with no log-prob of the KL reference (ppo.klCoef); score_rollout scores every transition before the update")
    return [float(logprob) for logprob in scored if logprob is not None]


def _add(sums: dict[str, Any], **values: Any) -> None:
    """Adds each value to its running sum on the device (mismatch_max: keeps the largest)."""
    for key, value in values.items():
        if key not in sums:
            sums[key] = value
        elif key == "mismatch_max":
            sums[key] = torch.maximum(sums[key], value)
        else:
            sums[key] = sums[key] + value


def _loss_nonfinite(step_losses: dict[str, Any]) -> float:
    """How many of this step's micro-batches had a non-finite loss here (read once per step)."""
    return float(step_losses["nonfinite"]) if step_losses else 0.0


def _finite_loss(step_losses: dict[str, Any], elsewhere: bool = False) -> None:
    """Fails when this step's loss was not finite here (or, `elsewhere`, on another process)."""
    advice = "the old log-probs, values or advantages are broken; lower the learning rate or check the model's dtype"
    if elsewhere:
        raise PpoError(f"the PPO loss is not finite on another process with finite log-probs: {advice}")
    if float(step_losses["nonfinite"]):
        raise PpoError(f"the PPO loss is not finite (policy {float(step_losses['policy'])}, value {float(step_losses['value'])}) with finite log-probs: {advice}")


def in_episodes(transitions: list[Transition], shuffle: bool, group_size: int = 1) -> list[Transition]:
    """The transitions with each episode's together, in turn order (so that its revisions
    share a forward pass's row, shared_rows); the episodes in a random order (`shuffle`,
    torch's generator: the update's mini-batches) or shortest last sequence first (forward
    passes that pad little). With `group_size` above 1 (ppo.sharedPrefixes with group
    advantages) each group's episodes stay together, so that a pass reads their common
    first prompt once (shared_openings); the groups are what is shuffled or sorted."""
    chains: dict[int, list[Transition]] = {}
    for t in transitions:
        chains.setdefault(t.episode, []).append(t)
    groups: dict[int, list[list[Transition]]] = {}
    for episode, chain in chains.items():
        groups.setdefault(episode // group_size, []).append(chain)
    ordered = list(groups.values())

    def length(chain: list[Transition]) -> int:
        return len(chain[-1].prompt_ids) + len(chain[-1].response_ids)

    if shuffle:
        ordered = [ordered[i] for i in torch.randperm(len(ordered)).tolist()]
    else:
        for group in ordered:
            group.sort(key=length)
        ordered.sort(key=lambda group: length(group[-1]))
    return [t for group in ordered for chain in group for t in chain]


def _trained_tokens(t: Transition) -> int:
    """The response tokens a transition's log-prob counts (weight above 0): the entropy's tokens."""
    return sum(1 for w in t.weights if w > 0)


def train_forward(cfg: Ppo, policy: Policy, batch: list[Transition], pad_id: int, sharded: bool = False) -> tuple[list[Transition], Scored | None]:
    """The training pass over a micro-batch without the transitions whose new log-prob is not
    finite: the reference skips those samples; their activations would poison the others'
    gradients, so the rest is scored again. Returns the kept transitions and their
    scores. Under ZeRO-3 (`sharded`) every forward is collective: the
    extra one cannot be taken alone, so a non-finite log-prob ends the run."""
    scored = training_pass(cfg, policy, batch, pad_id, sharded)
    finite = torch.isfinite(scored.logprobs.detach()).tolist()
    if all(finite):
        return batch, scored
    if sharded:
        raise PpoError(f"{finite.count(False)} transition log-prob(s) not finite under ZeRO-3, where they cannot be skipped (that needs a forward pass this process alone would take): lower the learning rate, check the model's dtype, or train with deepspeed-zero2 / ddp")
    del scored
    kept = [t for t, ok in zip(batch, finite) if ok]
    if not kept:
        return [], None
    return train_forward(cfg, policy, kept, pad_id, sharded)


def training_pass(cfg: Ppo, policy: Policy, batch: list[Transition], pad_id: int, sharded: bool = False) -> Scored:
    """The update's forward over a micro-batch: log-probs with their graph, values, entropy."""
    return score(policy.training_pass, batch, cfg.temperature, pad_id, with_entropy=True, encoder=policy.tokenizer, entropy_grad=cfg.entropyCoef != 0, rows=pass_rows(cfg), head_chunk=cfg.headChunk, sharded=sharded)


def zero_backward(cfg: Ppo, policy: Policy, acc: Any, pad_id: int, like: Transition) -> None:
    """A backward with a zero gradient through the trained modules: a process with nothing to
    learn from in a mini-batch's last micro-batch still takes part in DDP's all-reduce (and in
    each of DeepSpeed's, whose engine counts every backward to its step, on one process too:
    without it the step waited for the next mini-batch's), through `like`'s prompt (stand_in:
    a vision model's tower included)."""
    scored = score(policy.training_pass, [stand_in(like, policy.text.eos_token_id)], cfg.temperature, pad_id, encoder=policy.tokenizer, head_chunk=cfg.headChunk)
    parallel.backward(acc, 0 * (scored.logprobs.sum() + (scored.values.sum() if scored.values is not None else 0)))


def log(run: RunLog, acc: Any, cfg: Ppo, policy: Policy, state: dict[str, Any], rollout: Rollout, sums: dict[str, float], trained: tuple[int, int], elapsed: float, segment: int, env_config: Any, parameters: int, lam: float, seconds: dict[str, float] | None = None, recorder: TokenRecorder | None = None) -> None:
    """5. log: sums over the processes (each process's own numbers in a single process).
    Training tokens and images are those the update's forward passes read (an episode's
    revisions share theirs); inference ones, each generation's."""
    transitions = rollout.transitions
    inference_tokens, train_tokens, inference_images, train_images, forwarded_tokens = parallel.totals(acc, rollout.inference_tokens, trained[0], rollout.inference_images, trained[1], rollout.forwarded_tokens)
    state["inferenceTokens"] += int(inference_tokens)
    state["trainTokens"] += int(train_tokens)
    state["visualInferenceTokens"] = state.get("visualInferenceTokens", 0) + int(inference_images) * policy.visual_tokens_per_image
    state["visualTrainTokens"] = state.get("visualTrainTokens", 0) + int(train_images) * policy.visual_tokens_per_image
    run_id = run.manifest["runId"]
    # each process's finished episodes, numbered in process order; a sampled one's token records under the same number
    finished = parallel.gathered(acc, [(episodes.record(run_id, state["update"], "train", "train", slot, env_config), recorder.lines(slot, run_id, state["update"]) if recorder else []) for slot in rollout.finished])
    records = [record for record, _lines in finished]
    for index, (record, lines) in enumerate(finished):
        run.episode({**record, "episode": index})
        for line in lines:
            run.token_record({**line, "episode": index})
    n, reward_sum, return_sum, response_tokens, successes, episodes_started, rollout_tokens = parallel.totals(
        acc, len(transitions), sum(t.reward for t in transitions), sum(t.ret for t in transitions), sum(len(t.response_ids) for t in transitions),
        sum(1 for slot in rollout.finished if slot.env.success), state["episodesStarted"], sum(len(t.prompt_ids) + len(t.response_ids) for t in transitions),
    )
    steps, overflows = sums.pop("steps"), sums.pop("overflows")  # the same on every process
    largest = max(parallel.gathered(acc, [sums.pop("mismatch_max")]))
    totals = dict(zip(sums, parallel.totals(acc, *sums.values())))
    mismatch_n = totals["mismatch_n"]
    means = {key: totals[key] / totals["trained"] for key in ("policy", "value", "clipfrac", "approx_kl", "entropy", "kl")}  # per transition trained on
    run.metric({
        "kind": "train",
        "step": state["update"],
        "time": now(),
        "wallSeconds": round(state["wallSeconds"], 3),
        "segment": segment,
        "episodes": int(episodes_started),
        "compute": compute(state, parameters, lam),
        "metrics": {
            "rollout/reward_mean": reward_sum / n,
            "rollout/return_mean": return_sum / n,
            "rollout/episodes_finished": len(records),
            "rollout/success_rate": successes / len(records) if records else None,
            "rollout/response_tokens_mean": response_tokens / n,
            "ppo/policy_loss": means["policy"],
            "ppo/value_loss": means["value"] if policy.plain_head is not None else None,
            "ppo/clipfrac": means["clipfrac"],
            "ppo/approx_kl": means["approx_kl"],
            "ppo/entropy": means["entropy"],
            "ppo/kl_to_init": means["kl"] if policy.reference is not None else None,
            "ppo/ratio_guarded": totals["guarded"] / totals["trained"],
            "ppo/nonfinite_skipped": int(totals["skipped"]),
            "ppo/optimizer_steps": int(steps),
            **({"ppo/fp16_overflow_steps": int(overflows)} if parallel.loss_scaled(acc) else {}),
            "ppo/first_step_logprob_gap": totals["gap"] / totals["gap_n"] if totals["gap_n"] else None,
            "mismatch/logprob_abs_mean": totals["mismatch_abs"] / mismatch_n if mismatch_n else None,
            "mismatch/logprob_abs_max": largest if mismatch_n else None,
            "mismatch/kl": totals["mismatch_kl"] / mismatch_n if mismatch_n else None,
            "mismatch/tokens": int(mismatch_n),
            "train/lr": policy.scheduler.get_last_lr()[0],
            "perf/tokens_per_second": rollout_tokens * (cfg.epochs + 1) / elapsed,
            "perf/generation_forwarded_tokens": int(forwarded_tokens),  # compute.inferenceTokens charges more where caches were reused
            **stage_metrics(seconds or {}, sum(len(t.response_ids) for t in transitions), trained[0]),  # this process's tokens and seconds
            **parallel.peak_memory_metric(next(policy.plain.parameters()).device),  # the main process's, rollout and update
        },
    })
    run.progress(state["update"], cfg.updates)


def stage_metrics(seconds: dict[str, float], generated_tokens: float, train_tokens: float) -> dict[str, float | None]:
    """`time/<stage>_s` (this process's Timeline) and tokens/s of generation (new tokens) and training (tokens read)."""
    metrics: dict[str, float | None] = {f"time/{stage}_s": round(value, 4) for stage, value in seconds.items()}
    if seconds:
        metrics["perf/generation_tokens_per_second"] = generated_tokens / seconds["generation"] if seconds["generation"] > 0 else None
        metrics["perf/training_tokens_per_second"] = train_tokens / seconds["training"] if seconds["training"] > 0 else None
    return metrics


def compute(state: dict[str, Any], parameters: int, lam: float) -> dict[str, Any]:
    """Token counts and GFLOPs (6 N D training, 2 N D inference; the paper's approximation
    counts inference as lam x training tokens). Visual tokens that input_ids do not hold
    (models.visual_tokens_per_image) are counted apart and added to D in both."""
    visual_train, visual_inference = state.get("visualTrainTokens", 0), state.get("visualInferenceTokens", 0)
    trained = state["compute"]["initTokens"] + state["trainTokens"] + visual_train
    return {
        "parameters": parameters,
        "initTokens": state["compute"]["initTokens"],
        "trainTokens": state["trainTokens"],
        "inferenceTokens": state["inferenceTokens"],
        "visualTrainTokens": visual_train,
        "visualInferenceTokens": visual_inference,
        "gflops": (6 * parameters * trained + 2 * parameters * (state["inferenceTokens"] + visual_inference)) / 1e9,
        "gflopsPaperApprox": (6 * parameters * trained + 2 * parameters * lam * (state["trainTokens"] + visual_train)) / 1e9,
    }


def maybe_evaluate(experiment: Experiment, run: RunLog, acc: Any, policy: Policy, update: int, compute_record: dict[str, Any], final: bool) -> bool:
    """Evaluation on the schedule, by every process together (each its share of the episodes),
    the main one writing. True when a cancel stopped a mid-run evaluation: the run ends at
    that update, and a resume drops its partial evaluation and plays it whole. The final one
    runs to its end."""
    evaluation = experiment.evaluation
    if evaluation is None:
        return False
    stopped = False
    if due(evaluation, update, experiment.ppo.saveEverySteps, final):  # every process plays its share of the episodes
        stopped = evaluate(experiment, run, policy.plain, policy.tokenizer, update, compute_record, acc=acc, synced_gpus=parallel.sharded(acc), cancellable=not final) is None
    acc.wait_for_everyone()
    return stopped


def save(run: RunLog, acc: Any, name: str, state: dict[str, Any], slots: list[Slot], policy: Policy) -> None:
    """A checkpoint, written by the main process, with every process's RNG, episode count and
    episodes in flight (a finished one, a group's at the end of its wave, is not in flight)."""
    in_flight = [episodes.saved(slot) for slot in slots if not (slot.turns and slot.turns[-1]["done"])]
    rng, started_by_process, in_flight_by_process = parallel.rng_states(acc), parallel.gathered(acc, [state["episodesStarted"]]), parallel.gathered(acc, [in_flight])  # every process takes part
    weights = parallel.full_state_dict(acc, policy.trained)  # the joint module's, where the processes hold shards
    engine_state = checkpoints.save_engine(run, name, policy.trained) if acc.distributed_type == "DEEPSPEED" else None
    if acc.is_main_process:
        snapshot = {**state, "compute": {**state["compute"], "totalTrainTokens": state["compute"]["initTokens"] + state["trainTokens"] + state.get("visualTrainTokens", 0)}, "inFlightByProcess": in_flight_by_process}
        if acc.num_processes > 1:
            snapshot["episodesStartedByProcess"] = started_by_process
        modules: dict[str, Any] = dict(policy.modules)
        if weights is not None:  # the plain modules hold shards: save the gathered weights, split as the modules are
            model_weights = {k.removeprefix("policy."): v for k, v in weights.items() if k.startswith("policy.")}
            if policy.plain_head is not None:
                modules["value_head"] = {k.removeprefix("value_head."): v for k, v in weights.items() if k.startswith("value_head.")}
        checkpoints.save(run, name, state["update"], policy.plain, policy.tokenizer, parallel.saved_optimizer(acc, policy.optimizer), policy.scheduler, snapshot, modules, rng_states=rng, weights=model_weights if weights is not None else None, engine_state=engine_state, scaler=getattr(acc, "scaler", None))
    acc.wait_for_everyone()
