"""Multi-turn PPO with verifier rewards and sequential revision (shared/spec/training.md).

`python -m ptlab ppo --config X.ptlab.json --run-dir R [--resume]`. Each update:
  1. rollout: `parallelEnvs` episodes advance together, one batched `generate` call per
     round (sequential revision: a rejected answer gets the verifier's message appended;
     a V-IRL move starts a fresh chat); finished episodes are replaced by new seeded ones
     until `stepsPerUpdate` transitions (verification attempts) are collected;
  2. score: per transition, the old policy's log-prob of the whole response (the token ids
     as sampled, the stop token only when generated; temperature-
     scaled token log-probs, tokens before the answer key weighted `thoughtWeight`, found
     by character offsets) and the value head's estimate on the last prompt token;
  3. advantages: GAE (gamma, lambda) along each environment slot, episodes cut by the end
     of the update bootstrapped by their next state's value; normalized per rollout. Or,
     with `advantage: "group"` (GRPO-style), no value head: episodes start in groups of
     `groupSize` sharing a seed, run to their end (waves of `parallelEnvs` episodes until
     `stepsPerUpdate` transitions), and every step of an episode gets the episode's return
     minus its group's mean (over the group's standard deviation with `groupStd`);
  4. update: `epochs` passes of minibatches: clipped surrogate + valueCoef x clipped value
     loss (- entropyCoef x entropy, + klCoef x KL to Init), gradient clipping, Adam with a
     cosine from learningRate to finalLearningRate over the updates;
  5. log: a metric record per update (reward, returns, losses, clip fraction, approx KL,
     entropy, response lengths, tokens/s, exact token counts and GFLOPs), finished episodes
     as transcript records, evaluation on the schedule, checkpoints.
Every update starts fresh episodes, so a checkpoint between updates resumes exactly.
Under `accelerate launch` (ptlab/parallel.py) every process collects its own stepsPerUpdate
transitions from its own episode seeds and trains on them; gradients are averaged (DDP),
records carry the sums and means over all processes, and only the main process writes,
evaluates and saves (with every process's RNG and episode counter, for exact resume).
"""

from __future__ import annotations

import math
import random
import time
import zlib
from dataclasses import dataclass
from typing import Any, Callable

import torch

from ptlab import chat, checkpoints, episodes, parallel
from ptlab import ppo_core as core
from ptlab.config import Experiment, Ppo
from ptlab.envs.episode import Episode
from ptlab.episodes import Slot
from ptlab.evaluate import due, evaluate
from ptlab.generation import generate
from ptlab.models import hidden_size, load, load_trainable, parameter_count, visual_tokens_per_image
from ptlab.runlog import RunLog, now

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
        return self.net(hidden.float()).squeeze(-1)


@dataclass
class Transition:
    slot: int
    prompt_ids: list[int]
    response_ids: list[int]
    weights: list[float]
    reward: float
    done: bool
    episode: int = 0  # the episode's number within the update (group mode: its group is episode // groupSize)
    images: tuple[Any, ...] = ()  # the prompt's images (vision), in placeholder order
    old_logprob: float = 0.0
    old_value: float = 0.0
    advantage: float = 0.0
    ret: float = 0.0


def _chat_ids(encoder: Any, messages: list[dict[str, Any]]) -> list[int]:
    return list(chat.encode(encoder, messages, chat.images_in(messages), generation_prompt=True)["input_ids"])


def _token_ends(tokenizer: Any, ids: list[int]) -> list[int]:
    return [len(tokenizer.decode(ids[: i + 1], skip_special_tokens=True)) for i in range(len(ids))]


def score(model: Any, head: ValueHead | None, batch: list[Transition], temperature: float, pad_id: int, with_entropy: bool = False, encoder: Any = None) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
    """Weighted response log-probs (T,), values on the last prompt token (T,; None without a head), entropy."""
    device = next(model.parameters()).device
    width = max(len(t.prompt_ids) + len(t.response_ids) for t in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    for i, t in enumerate(batch):
        sequence = t.prompt_ids + t.response_ids
        ids[i, : len(sequence)] = torch.tensor(sequence)
        attention[i, : len(sequence)] = 1
    pixels = {k: v.to(device) for k, v in chat.image_inputs(encoder, [image for t in batch for image in t.images]).items()}
    out = model(input_ids=ids.to(device), attention_mask=attention.to(device), output_hidden_states=head is not None, **pixels)
    logits = out.logits[:, :-1].float() / temperature
    logp = torch.log_softmax(logits, dim=-1).gather(-1, ids[:, 1:].to(device).unsqueeze(-1)).squeeze(-1)
    weights = torch.zeros_like(logp)
    for i, t in enumerate(batch):
        start = len(t.prompt_ids) - 1  # logits at position p predict token p + 1
        weights[i, start : start + len(t.response_ids)] = torch.tensor(t.weights, device=device)
    mask = (weights > 0).float()
    logprobs = core.sequence_logprob(logp, weights, mask)
    values = None
    if head is not None:
        last_prompt = torch.tensor([len(t.prompt_ids) - 1 for t in batch], device=device)
        values = head(out.hidden_states[-1][torch.arange(len(batch), device=device), last_prompt])
    entropy = core.entropy(logits, mask) if with_entropy else None
    return logprobs, values, entropy


@dataclass
class Policy:
    """What PPO samples with and trains. Training passes go through the prepared (DDP) model
    and head; rollouts, scoring, evaluation and saving use the plain ones."""

    model: Any
    head: ValueHead | None  # None with group advantages
    plain: Any
    plain_head: ValueHead | None
    reference: Any | None  # the Init policy, frozen, for the KL penalty (klCoef > 0)
    tokenizer: Any  # a processor for image-text-to-text models
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LambdaLR
    params: list[torch.nn.Parameter]  # the trained ones (gradient clipping)

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

    def prepare(self, acc: Any) -> None:
        """Wrap the trained modules and the optimizer for DDP (after restoring a checkpoint)."""
        if self.head is not None:
            self.model, self.head, self.optimizer = acc.prepare(self.model, self.head, self.optimizer)
        else:
            self.model, self.optimizer = acc.prepare(self.model, self.optimizer)


@dataclass(frozen=True)
class EpisodeSource:
    """This process's episodes: the k-th has seed base + k * processes + rank, apart from the
    other processes'; with group advantages `per_seed` (groupSize) consecutive ones share it."""

    new_episode: Callable[[int], Episode]
    base: int
    processes: int
    rank: int
    per_seed: int

    def open(self, state: dict[str, Any], first: int) -> Slot:
        """The next episode; its index counts the update's episodes, from `first`."""
        k = state["episodesStarted"]
        state["episodesStarted"] += 1
        return episodes.start(self.new_episode((self.base + (k // self.per_seed) * self.processes + self.rank) & 0xFFFFFFFF), k - first)


@dataclass
class Rollout:
    """One update's experience from this process."""

    transitions: list[Transition]  # (stepsPerUpdate,) in collection order
    finished: list[Slot]  # episodes that ended, in the order they ended
    slots: list[Slot]  # each environment slot's episode at the end (bootstraps a cut one)
    inference_tokens: int


def run_ppo(experiment: Experiment, run: RunLog, resume: bool) -> str:
    cfg = experiment.ppo
    group = cfg.advantage == "group"
    if group and cfg.parallelEnvs % cfg.groupSize:
        raise PpoError(f'ppo.parallelEnvs ({cfg.parallelEnvs}) must be a multiple of ppo.groupSize ({cfg.groupSize}) with advantage "group"')
    env_config = experiment.environment_for()
    acc = parallel.accelerator()
    checkpoint = checkpoints.latest(run) if resume else None
    init = experiment.resolve(cfg.init) if cfg.init else None
    policy = load_policy(experiment, acc, init, checkpoint)
    parameters = parameter_count(policy.plain)
    state: dict[str, Any] = {"update": 0, "episodesStarted": 0, "trainTokens": 0, "inferenceTokens": 0, "wallSeconds": 0.0, "compute": {"initTokens": checkpoints.trained_tokens(init) if init else 0}}
    if checkpoint is not None:
        state = checkpoints.restore(checkpoint, policy.optimizer, policy.scheduler, policy.modules, process=acc.process_index)
        state["episodesStarted"] = state.pop("episodesStartedByProcess", [state["episodesStarted"]] * acc.num_processes)[acc.process_index]
    policy.prepare(acc)
    if resume:  # a final checkpoint's evaluation comes after it, step 0's without a checkpoint may be partial: redone below, so dropped here
        run.truncate_records_after(state["update"], evaluations_at_step=checkpoint is not None and checkpoint.name != "final")
    run.update(parameters=parameters, **({"init": str(init)} if init else {}))
    run.progress(state["update"], cfg.updates)
    seed_base = zlib.crc32(f"ptlab-ppo-episodes:{experiment.seed}".encode())
    source = EpisodeSource(env_config.episodes(experiment.base_dir), seed_base, acc.num_processes, acc.process_index, cfg.groupSize if group else 1)
    answer_key, lam = core.ANSWER_KEYS[env_config.env], PAPER_LAMBDA[env_config.env]
    segment = len(run.manifest.get("segments", [])) - 1

    # at the start, or the evaluation a cancelled run stopped before
    if state["update"] == 0 or (state["update"] < cfg.updates and parallel.any_process(acc, acc.is_main_process and not run.has_evaluation(state["update"]))):
        maybe_evaluate(experiment, run, acc, policy, state["update"], compute(state, parameters, lam), final=False)
    status = "finished"
    while state["update"] < cfg.updates:
        started = time.perf_counter()
        rollout = collect(cfg, policy, source, state, answer_key, experiment.model.kvCache)  # 1
        bootstrap = score_rollout(cfg, policy, rollout)  # 2
        if group:  # 3
            group_advantages(rollout.transitions, cfg.groupSize, cfg.groupStd)
            del rollout.transitions[cfg.stepsPerUpdate :]  # whole waves ran; every process trains on stepsPerUpdate
        else:
            gae_advantages(rollout.transitions, bootstrap, cfg.gamma, cfg.lambda_)
        losses, train_tokens = update(cfg, policy, rollout.transitions, acc)  # 4
        policy.scheduler.step()
        state["update"] += 1
        elapsed = time.perf_counter() - started
        state["wallSeconds"] += elapsed
        log(run, acc, cfg, policy, state, rollout, losses, train_tokens, elapsed, segment, env_config, parameters, lam)  # 5
        if parallel.any_process(acc, run.cancel_requested):
            status = "cancelled"
            break
        if state["update"] < cfg.updates:  # evaluate, then save: a checkpoint's records are complete
            maybe_evaluate(experiment, run, acc, policy, state["update"], compute(state, parameters, lam), final=False)
        if cfg.saveEverySteps and state["update"] % cfg.saveEverySteps == 0 and state["update"] < cfg.updates:
            save(run, acc, f"update-{state['update']:06d}", state, policy)
    save(run, acc, "final" if status == "finished" else f"update-{state['update']:06d}", state, policy)
    if status == "finished":
        maybe_evaluate(experiment, run, acc, policy, state["update"], compute(state, parameters, lam), final=True)
    return status


def load_policy(experiment: Experiment, acc: Any, init: Any, checkpoint: Any) -> Policy:
    """The policy, its value head, the frozen Init for the KL penalty, Adam with its cosine
    schedule; not yet prepared for DDP."""
    cfg = experiment.ppo
    device = str(acc.device)
    model, tokenizer = load_trainable(experiment.model, device, init, checkpoint)
    if experiment.environment_for().modality == "vision" and not chat.is_multimodal(tokenizer):
        raise PpoError("environment.modality: vision PPO needs an image-text-to-text model (model.kind \"image-text-to-text\", e.g. embedded:tiny-vlm); this model reads text only")
    # Seed after loading: building the embedded model on first use draws from the global RNG.
    torch.manual_seed(experiment.seed + acc.process_index)
    random.seed(experiment.seed + acc.process_index)
    head = None if cfg.advantage == "group" else ValueHead(hidden_size(model), cfg.valueHead.hidden).to(device)
    reference = None
    if cfg.klCoef > 0:
        reference = load(experiment.model, device, init)[0].eval()
        reference.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad] + (list(head.parameters()) if head is not None else [])
    optimizer = torch.optim.Adam(params, lr=cfg.learningRate, betas=cfg.adam.betas, eps=cfg.adam.eps, weight_decay=cfg.adam.weightDecay)
    ratio = cfg.finalLearningRate / cfg.learningRate
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda u: ratio + (1 - ratio) * 0.5 * (1 + math.cos(math.pi * min(u, cfg.updates) / cfg.updates)))
    return Policy(model, head, model, head, reference, tokenizer, optimizer, scheduler, params)


def collect(cfg: Ppo, policy: Policy, source: EpisodeSource, state: dict[str, Any], answer_key: str, kv_cache: str) -> Rollout:
    """1. rollout (see the module's docstring)."""
    group = cfg.advantage == "group"
    policy.plain.eval()
    first = state["episodesStarted"]
    slots: list[Slot] = []
    transitions: list[Transition] = []
    finished: list[Slot] = []
    active: list[int] = []
    inference_tokens = 0
    while True:
        if not active and (group or not transitions) and len(transitions) < cfg.stepsPerUpdate:
            slots = [source.open(state, first) for _ in range(cfg.parallelEnvs)]  # a wave
            active = list(range(cfg.parallelEnvs))
        if not active or (not group and len(transitions) >= cfg.stepsPerUpdate):
            break
        prompts = [_chat_ids(policy.tokenizer, slots[i].messages) for i in active]
        answers = generate(policy.plain, policy.tokenizer, [slots[i].messages for i in active], cfg.maxNewTokens, cfg.temperature, kv_cache)
        still = []
        for i, prompt_ids, generation in zip(active, prompts, answers):
            slot = slots[i]
            images = tuple(chat.images_in(slot.messages))  # the prompt's, before the slot moves on
            step = episodes.advance(slot, generation)
            inference_tokens += generation.prompt_tokens + generation.answer_tokens
            response_ids = list(generation.ids)  # as sampled: the gradient is taken on what the policy did
            weights = core.token_weights(generation.text, _token_ends(policy.text, response_ids[: generation.answer_tokens]), answer_key, cfg.thoughtWeight) + [1.0] * generation.stopped
            transitions.append(Transition(i, prompt_ids, response_ids, weights, step.reward * cfg.rewardScale, step.done, slot.index, images))
            if step.done:
                finished.append(slot)
                if group:
                    continue  # a group runs to its end; its slot waits for the next wave
                slots[i] = source.open(state, first)
            still.append(i)
            if not group and len(transitions) >= cfg.stepsPerUpdate:
                break
        active = still
    return Rollout(transitions, finished, slots, inference_tokens)


def score_rollout(cfg: Ppo, policy: Policy, rollout: Rollout) -> dict[int, float]:
    """2. score with the rollout policy; returns each cut episode's next-state value by slot (GAE's bootstrap)."""
    pad_id = policy.text.pad_token_id
    transitions = rollout.transitions
    bootstrap = {}
    with torch.no_grad():
        for start in range(0, len(transitions), cfg.miniBatchSize):
            batch = transitions[start : start + cfg.miniBatchSize]
            logprobs, values, _ = score(policy.plain, policy.plain_head, batch, cfg.temperature, pad_id, encoder=policy.tokenizer)
            for i, (t, lp) in enumerate(zip(batch, logprobs.tolist())):
                t.old_logprob, t.old_value = lp, float(values[i]) if values is not None else 0.0
        if policy.plain_head is not None:
            last_of_slot = {t.slot: t for t in transitions}
            for i in sorted(s for s, t in last_of_slot.items() if not t.done):
                messages = rollout.slots[i].messages
                probe = Transition(i, _chat_ids(policy.tokenizer, messages), [policy.text.eos_token_id], [1.0], 0.0, False, images=tuple(chat.images_in(messages)))
                bootstrap[i] = float(score(policy.plain, policy.plain_head, [probe], cfg.temperature, pad_id, encoder=policy.tokenizer)[1][0])
    return bootstrap


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


def group_advantages(transitions: list[Transition], group_size: int, scale: bool) -> None:
    """Every step of an episode gets the episode's return minus its group's mean return
    (episodes e with the same e // group_size share a seed), over the group's std with `scale`."""
    episodes = sorted({t.episode for t in transitions})
    returns = {e: sum(t.reward for t in transitions if t.episode == e) for e in episodes}
    advantages = core.group_advantages(torch.tensor([returns[e] for e in episodes]), torch.tensor([e // group_size for e in episodes]), scale=scale)
    by_episode = dict(zip(episodes, advantages.tolist()))
    for t in transitions:
        t.advantage, t.ret = by_episode[t.episode], returns[t.episode]


def update(cfg: Ppo, policy: Policy, transitions: list[Transition], acc: Any) -> tuple[dict[str, float], int]:
    """4. update; returns each loss's mean over this process's passes and the tokens trained on."""
    policy.model.train()
    pad_id = policy.text.pad_token_id
    totals = {"policy": 0.0, "value": 0.0, "clipfrac": 0.0, "approx_kl": 0.0, "entropy": 0.0, "kl": 0.0}
    passes = train_tokens = 0
    for _epoch in range(cfg.epochs):
        order = torch.randperm(len(transitions)).tolist()
        for start in range(0, len(order), cfg.miniBatchSize):
            batch = [transitions[i] for i in order[start : start + cfg.miniBatchSize]]
            logprobs, values, entropy = score(policy.model, policy.head, batch, cfg.temperature, pad_id, with_entropy=True, encoder=policy.tokenizer)
            old = torch.tensor([t.old_logprob for t in batch], device=logprobs.device)
            advantages = torch.tensor([t.advantage for t in batch], device=logprobs.device)
            ploss, clipfrac, approx_kl = core.policy_loss(logprobs, old, advantages, cfg.clip)
            loss = ploss - cfg.entropyCoef * entropy
            vloss = torch.tensor(0.0)
            if values is not None:
                vloss = core.value_loss(values, torch.tensor([t.old_value for t in batch], device=values.device), torch.tensor([t.ret for t in batch], device=values.device), cfg.valueClip)
                loss = loss + cfg.valueCoef * vloss
            kl = torch.tensor(0.0)
            if policy.reference is not None:
                with torch.no_grad():
                    ref_logprobs, _, _ = score(policy.reference, None, batch, cfg.temperature, pad_id, encoder=policy.tokenizer)
                loss = loss + cfg.klCoef * core.kl_penalty(logprobs, ref_logprobs)
                kl = (logprobs - ref_logprobs).mean().detach()  # reported: the unbiased estimate of its value
            policy.optimizer.zero_grad(set_to_none=True)
            acc.backward(loss)
            acc.clip_grad_norm_(policy.params, cfg.maxGradNorm)
            policy.optimizer.step()
            train_tokens += sum(len(t.prompt_ids) + len(t.response_ids) for t in batch)
            for key, value in (("policy", ploss), ("value", vloss), ("clipfrac", clipfrac), ("approx_kl", approx_kl), ("entropy", entropy), ("kl", kl)):
                totals[key] += float(value.detach())
            passes += 1
    return {key: total / passes for key, total in totals.items()}, train_tokens


def log(run: RunLog, acc: Any, cfg: Ppo, policy: Policy, state: dict[str, Any], rollout: Rollout, losses: dict[str, float], train_tokens: int, elapsed: float, segment: int, env_config: Any, parameters: int, lam: float) -> None:
    """5. log: sums over the processes (each process's own numbers in a single process)."""
    transitions = rollout.transitions
    inference_tokens, train_tokens, images = parallel.totals(acc, rollout.inference_tokens, train_tokens, sum(len(t.images) for t in transitions))
    state["inferenceTokens"] += int(inference_tokens)
    state["trainTokens"] += int(train_tokens)
    # each transition's images: generated with once, trained on once per epoch
    state["visualInferenceTokens"] = state.get("visualInferenceTokens", 0) + int(images) * policy.visual_tokens_per_image
    state["visualTrainTokens"] = state.get("visualTrainTokens", 0) + int(images) * policy.visual_tokens_per_image * cfg.epochs
    records = parallel.gathered(acc, [episodes.record(run.manifest["runId"], state["update"], "train", "train", slot, env_config) for slot in rollout.finished])
    for index, record in enumerate(records):
        run.episode({**record, "episode": index})
    n, reward_sum, return_sum, response_tokens, successes, episodes_started, rollout_tokens = parallel.totals(
        acc, len(transitions), sum(t.reward for t in transitions), sum(t.ret for t in transitions), sum(len(t.response_ids) for t in transitions),
        sum(1 for slot in rollout.finished if slot.env.success), state["episodesStarted"], sum(len(t.prompt_ids) + len(t.response_ids) for t in transitions),
    )
    means = dict(zip(losses, [v / acc.num_processes for v in parallel.totals(acc, *losses.values())]))
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
            "ppo/value_loss": means["value"] if policy.head is not None else None,
            "ppo/clipfrac": means["clipfrac"],
            "ppo/approx_kl": means["approx_kl"],
            "ppo/entropy": means["entropy"],
            "ppo/kl_to_init": means["kl"] if policy.reference is not None else None,
            "train/lr": policy.scheduler.get_last_lr()[0],
            "perf/tokens_per_second": rollout_tokens * (cfg.epochs + 1) / elapsed,
        },
    })
    run.progress(state["update"], cfg.updates)


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


def maybe_evaluate(experiment: Experiment, run: RunLog, acc: Any, policy: Policy, update: int, compute_record: dict[str, Any], final: bool) -> None:
    """Evaluation on the schedule, by the main process."""
    evaluation = experiment.evaluation
    if evaluation is None:
        return
    if due(evaluation, update, experiment.ppo.saveEverySteps, final) and acc.is_main_process:
        evaluate(experiment, run, policy.plain, policy.tokenizer, update, compute_record)
    acc.wait_for_everyone()


def save(run: RunLog, acc: Any, name: str, state: dict[str, Any], policy: Policy) -> None:
    """A checkpoint, written by the main process, with every process's RNG and episode count."""
    rng, started_by_process = parallel.rng_states(acc), parallel.gathered(acc, [state["episodesStarted"]])  # every process takes part
    if acc.is_main_process:
        snapshot = {**state, "compute": {**state["compute"], "totalTrainTokens": state["compute"]["initTokens"] + state["trainTokens"] + state.get("visualTrainTokens", 0)}}
        if acc.num_processes > 1:
            snapshot["episodesStartedByProcess"] = started_by_process
        checkpoints.save(run, name, state["update"], policy.plain, policy.tokenizer, policy.optimizer, policy.scheduler, snapshot, policy.modules, rng_states=rng)
    acc.wait_for_everyone()
