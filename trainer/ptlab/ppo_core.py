"""PPO's pure tensor math, apart from the loop (shared/spec/training.md).

One RL step is one verification attempt: the state is the chat so far, the action the
whole response, the reward the verifier's. Shapes are noted as (transitions,) or
(transitions, response tokens). Nothing here touches a model, an environment or a device.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, Sequence

import torch
from torch.utils.checkpoint import checkpoint

ANSWER_KEYS = {"generalpoints": '"formula":', "virl": '"action":'}


def gae(rewards: torch.Tensor, values: torch.Tensor, dones: torch.Tensor, gamma: float, lam: float, last_value: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalized advantage estimation over one episode's (or one env's) transitions in order.

    rewards, values, dones: (T,). `dones[t]` ends the episode after step t, so nothing
    bootstraps across it; `last_value` bootstraps a trajectory cut before its end.
    Returns (advantages, returns), both (T,), with returns = advantages + values.
    """
    advantages = torch.zeros_like(rewards, dtype=torch.float32)
    next_value = torch.tensor(float(last_value))
    next_advantage = torch.tensor(0.0)
    for t in range(rewards.shape[0] - 1, -1, -1):
        live = 1.0 - float(dones[t])
        delta = rewards[t] + gamma * next_value * live - values[t]
        next_advantage = delta + gamma * lam * live * next_advantage
        advantages[t] = next_advantage
        next_value = values[t]
    return advantages, advantages + values


def normalize(advantages: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Zero mean, unit variance over the rollout (the paper normalizes per rollout)."""
    if advantages.numel() < 2:
        return advantages - advantages.mean()
    return (advantages - advantages.mean()) / (advantages.std() + eps)


def group_advantages(rewards: torch.Tensor, groups: torch.Tensor, eps: float = 1e-6, scale: bool = True) -> torch.Tensor:
    """GRPO-style: each reward minus its group's mean, over the group's standard deviation
    (`scale`; without it the plain mean baseline). rewards, groups: (T,); entries with the
    same group id share a baseline."""
    advantages = torch.zeros_like(rewards, dtype=torch.float32)
    for group in groups.unique():
        members = groups == group
        r = rewards[members].float()
        std = r.std() if r.numel() > 1 else torch.tensor(0.0)
        advantages[members] = (r - r.mean()) / (std + eps) if scale else r - r.mean()
    return advantages


def sequence_logprob(token_logprobs: torch.Tensor, weights: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """An action's log-probability: the weighted sum of its tokens' log-probs.
    token_logprobs, weights, mask: (T, L) -> (T,)."""
    return (token_logprobs * weights * mask).sum(dim=-1)


def token_weights(response: str, token_ends: Sequence[int], answer_key: str, thought_weight: float) -> list[float]:
    """Per-token weights located by character offsets: tokens that end at or before the
    answer key (e.g. `"formula":`) are "thought" and get `thought_weight`, the rest 1.0.
    Without the key the whole response is the action. `token_ends[i]` is the character
    offset where token i ends in `response`."""
    at = response.find(answer_key)
    if at < 0:
        return [1.0] * len(token_ends)
    boundary = bisect.bisect_right(list(token_ends), at)
    return [thought_weight] * boundary + [1.0] * (len(token_ends) - boundary)


def policy_loss(new_logprobs: torch.Tensor, old_logprobs: torch.Tensor, advantages: torch.Tensor, clip: float, ratio_guard: float = math.inf) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The clipped surrogate. All (T,). A transition whose ratio exceeds `ratio_guard` keeps only
    the clipped term (the reference's rule, decided per mini-batch of one transition there, so per
    transition here): its ratio is far out of the clip range, where min() would pick the
    unclipped term and its huge gradient for a negative advantage. Returns (loss, clip fraction,
    approximate KL, guarded fraction)."""
    log_ratio = new_logprobs - old_logprobs
    ratio = log_ratio.exp()
    unclipped = ratio * advantages
    clipped = ratio.clamp(1 - clip, 1 + clip) * advantages
    guarded = ratio.detach() > ratio_guard
    loss = -torch.where(guarded, clipped, torch.minimum(unclipped, clipped)).mean()
    with torch.no_grad():
        clipfrac = ((ratio - 1).abs() > clip).float().mean()
        approx_kl = ((ratio - 1) - log_ratio).mean()  # k3: unbiased, never negative
    return loss, clipfrac, approx_kl, guarded.float().mean()


def token_policy_loss(new_logprobs: torch.Tensor, old_logprobs: torch.Tensor, advantages: torch.Tensor, weights: torch.Tensor, clip: float, ratio_guard: float = math.inf) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The clipped surrogate with a ratio per token (ppo.ratio "token"): each token's ratio is
    clipped on its own, a response's surrogate is its tokens' weighted mean (thought tokens at
    their weight), the loss the mean over responses. A token whose ratio exceeds `ratio_guard`
    keeps only its clipped term. new/old_logprobs, weights: (T, R), 0 weight past a response's
    end; advantages: (T,). Returns (loss, clip fraction, approximate KL, guarded fraction),
    the last three over tokens."""
    mask = (weights > 0).float()
    log_ratio = (new_logprobs - old_logprobs) * mask
    ratio = log_ratio.exp()
    a = advantages.unsqueeze(1)
    unclipped = ratio * a
    clipped = ratio.clamp(1 - clip, 1 + clip) * a
    guarded = ratio.detach() > ratio_guard
    surrogate = torch.where(guarded, clipped, torch.minimum(unclipped, clipped))
    per_response = (surrogate * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-8)
    tokens = mask.sum().clamp(min=1)
    with torch.no_grad():
        clipfrac = (((ratio - 1).abs() > clip).float() * mask).sum() / tokens
        approx_kl = (((ratio - 1) - log_ratio) * mask).sum() / tokens
    return -per_response.mean(), clipfrac, approx_kl, (guarded.float() * mask).sum() / tokens


def value_loss(new_values: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor, clip: float) -> torch.Tensor:
    """The clipped value loss, 0.5 * mean(max(unclipped, clipped) squared error). All (T,)."""
    clipped = old_values + (new_values - old_values).clamp(-clip, clip)
    return 0.5 * torch.maximum((new_values - returns) ** 2, (clipped - returns) ** 2).mean()


class _TokenLogprobs(torch.autograd.Function):
    """log_softmax(logits).gather(targets), keeping only the logits for backward: autograd's
    own log_softmax keeps its output, a second (positions x vocabulary) tensor."""

    @staticmethod
    def forward(ctx: Any, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(logits, targets)
        # row by row: the log_softmax in flight is one row's
        return torch.stack([torch.log_softmax(row, dim=-1).gather(-1, wanted.unsqueeze(-1)).squeeze(-1) for row, wanted in zip(logits, targets)])

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        logits, targets = ctx.saved_tensors
        grad_logits = torch.softmax(logits, dim=-1).mul_(-grad.unsqueeze(-1))
        grad_logits.scatter_add_(-1, targets.unsqueeze(-1), grad.unsqueeze(-1))
        return grad_logits, None


def token_logprobs(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Each position's log-prob of its target token under softmax(logits): (T, L, V), (T, L) -> (T, L)."""
    return _TokenLogprobs.apply(logits, targets)


ENTROPY_MODES = ("none", "value", "grad")  # head_scores: no entropy, its value alone, or with a gradient


def head_calls(rows: int, chunk: int) -> int:
    """The chunks head_scores makes of `rows` rows."""
    return -(-rows // chunk)


def head_scores(head: Callable[[torch.Tensor], torch.Tensor], hidden: torch.Tensor, targets: torch.Tensor, temperature: float, chunk: int, entropy: str = "none", calls: int = 0) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Each row's log-prob of its target token under softmax(head(row) / temperature) and,
    unless `entropy` is "none", that distribution's entropy, `chunk` rows at a time: a chunk's
    logits are made, read and freed, and backward makes them again (torch.utils.checkpoint),
    so no (rows x vocabulary) tensor outlives its chunk. `head` is the LM head module, called
    as a module (under ZeRO-3 its hooks gather its weight, a collective: `calls` then asks for
    that many calls, empty chunks after the rows', so that every process makes as many, in
    forward and in backward). hidden (N, H), targets (N,) -> (N,), (N,) or None; with entropy
    "value" the entropy carries no gradient."""
    if entropy not in ENTROPY_MODES:
        raise ValueError(f"entropy {entropy!r}: one of {ENTROPY_MODES}")
    if chunk < 1:
        raise ValueError(f"chunk {chunk}: at least one row")
    if calls and calls < head_calls(hidden.shape[0], chunk):
        raise ValueError(f"calls {calls}: {hidden.shape[0]} rows in chunks of {chunk} need {head_calls(hidden.shape[0], chunk)}")
    track = torch.is_grad_enabled() and hidden.requires_grad
    logps: list[torch.Tensor] = []
    entropies: list[torch.Tensor] = []
    for start in range(0, max(calls, head_calls(hidden.shape[0], chunk)) * chunk, chunk):
        rows, wanted = hidden[start : start + chunk], targets[start : start + chunk]  # past the rows: empty
        if track:
            logp, ent = checkpoint(_chunk_scores, head, rows, wanted, temperature, entropy, use_reentrant=False)
        else:
            logp, ent = _chunk_scores(head, rows, wanted, temperature, entropy)
        logps.append(logp)
        if ent is not None:
            entropies.append(ent)
    if not logps:
        raise ValueError("head_scores: no rows to score")
    return torch.cat(logps), torch.cat(entropies) if entropies else None


def _chunk_scores(head: Callable[[torch.Tensor], torch.Tensor], rows: torch.Tensor, targets: torch.Tensor, temperature: float, entropy: str) -> tuple[torch.Tensor, torch.Tensor | None]:
    logits = head(rows).float() / temperature
    logp = logits.log_softmax(dim=-1)
    picked = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    if entropy == "none":
        return picked, None
    with nullcontext() if entropy == "grad" else torch.no_grad():
        return picked, -(logp.exp() * logp).sum(dim=-1)


def entropy(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean per-token entropy of the policy over the masked tokens. logits: (T, L, V), mask: (T, L).
    Without a gradient it goes row by row: the temporaries in flight are one row's."""

    def per_token(rows: torch.Tensor) -> torch.Tensor:
        logp = torch.log_softmax(rows.float(), dim=-1)
        return -(logp.exp() * logp).sum(dim=-1)

    entropies = per_token(logits) if torch.is_grad_enabled() and logits.requires_grad else torch.stack([per_token(row) for row in logits])
    return (entropies * mask).sum() / mask.sum().clamp(min=1)


def kl_penalty(logprobs: torch.Tensor, ref_logprobs: torch.Tensor) -> torch.Tensor:
    """The KL-to-reference term of the loss, on the policy's own samples: k2 = (log pi -
    log ref)^2 / 2, whose gradient in expectation is exactly grad KL(pi || ref). The plain
    mean of log-ratios (k1) estimates the KL's value without bias, but its gradient
    on-policy is E[grad log pi] = 0: as a penalty it never pulls toward the reference (and
    k3 = r - 1 - log r pulls along grad KL(ref || pi) instead). (transitions,) -> ().
    """
    return 0.5 * (logprobs - ref_logprobs).pow(2).mean()


def cosine_lr(update: int, period: float, initial: float, final: float) -> float:
    """The learning rate of update `update` (from 0): torch's CosineAnnealingLR(T_max=period,
    eta_min=final) in closed form, a cosine from `initial` down to `final` over `period`
    updates and back up over the next `period` (torch's is periodic, not clamped at its floor).
    `period` need not be whole: the reference's cosine advances once per process each update
    (accelerate's scheduler wrapper), so its T_max of lr_max_steps is lr_max_steps / 8 updates."""
    return final + (initial - final) * 0.5 * (1 + math.cos(math.pi * update / period))
