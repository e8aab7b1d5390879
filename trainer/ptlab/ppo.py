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
from typing import Any

import torch

from ptlab import chat, checkpoints, parallel
from ptlab import ppo_core as core
from ptlab.config import Experiment
from ptlab.envs import generalpoints as gp
from ptlab.envs import virl
from ptlab.evaluate import evaluate, generate
from ptlab.models import add_lora, hidden_size, load_causal_lm, load_tokenizer, parameter_count
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


def _new_episode(experiment: Experiment, routes: list[virl.Route], seed: int) -> Any:
    env = experiment.environment_for()
    return virl.VirlEpisode(env, routes, seed) if isinstance(env, virl.VirlConfig) else gp.GeneralPointsEpisode(env, seed)


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


def run_ppo(experiment: Experiment, run: RunLog, resume: bool) -> str:
    cfg = experiment.ppo
    group = cfg.advantage == "group"
    if group and cfg.parallelEnvs % cfg.groupSize:
        raise PpoError(f'ppo.parallelEnvs ({cfg.parallelEnvs}) must be a multiple of ppo.groupSize ({cfg.groupSize}) with advantage "group"')
    env_config = experiment.environment_for()
    acc = parallel.accelerator()
    world, rank, main = acc.num_processes, acc.process_index, acc.is_main_process
    checkpoint = checkpoints.latest(run) if resume else None
    lora = experiment.model.lora
    # With LoRA, a checkpoint holds adapters: resume loads the base (Init or the model) and them.
    base = str(experiment.resolve(cfg.init)) if cfg.init else experiment.model.name
    source = str(checkpoint) if checkpoint and lora is None else base
    device = str(acc.device)
    tokenizer = load_tokenizer(source, None, experiment.model.trustRemoteCode)  # a processor for image-text-to-text models
    text = chat.text_tokenizer(tokenizer)
    if env_config.modality == "vision" and not chat.is_multimodal(tokenizer):
        raise PpoError("environment.modality: vision PPO needs an image-text-to-text model (model.kind \"image-text-to-text\", e.g. embedded:tiny-vlm); this model reads text only")
    model = load_causal_lm(source, experiment.model.dtype, device, None, experiment.model.trustRemoteCode)
    if lora is not None:
        model = add_lora(model, lora, str(checkpoint) if checkpoint else None)
    if experiment.model.gradientCheckpointing:
        model.gradient_checkpointing_enable()
    # Seed after loading: building the embedded model on first use draws from the global RNG.
    torch.manual_seed(experiment.seed + rank)
    random.seed(experiment.seed + rank)
    head = None if group else ValueHead(hidden_size(model), cfg.valueHead.hidden).to(device)
    modules = {"value_head": head} if head is not None else {}
    reference = None
    if cfg.klCoef > 0:
        reference = load_causal_lm(str(experiment.resolve(cfg.init)) if cfg.init else experiment.model.name, experiment.model.dtype, device).eval()
        reference.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad] + (list(head.parameters()) if head is not None else [])
    optimizer = torch.optim.Adam(params, lr=cfg.learningRate, betas=cfg.adam.betas, eps=cfg.adam.eps, weight_decay=cfg.adam.weightDecay)
    ratio = cfg.finalLearningRate / cfg.learningRate
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda u: ratio + (1 - ratio) * 0.5 * (1 + math.cos(math.pi * min(u, cfg.updates) / cfg.updates)))
    parameters = parameter_count(model)
    init_tokens = checkpoints.trained_tokens(experiment.resolve(cfg.init)) if cfg.init else 0
    state: dict[str, Any] = {"update": 0, "episodesStarted": 0, "trainTokens": 0, "inferenceTokens": 0, "wallSeconds": 0.0, "compute": {"initTokens": init_tokens}}
    if checkpoint is not None:
        state = checkpoints.restore(checkpoint, optimizer, scheduler, modules, process=rank)
        state["episodesStarted"] = state.pop("episodesStartedByProcess", [state["episodesStarted"]] * world)[rank]
    # Training passes go through the prepared (DDP) modules; rollouts, scoring and saving use the plain ones.
    plain, plain_head = model, head
    if head is not None:
        model, head, optimizer = acc.prepare(model, head, optimizer)
    else:
        model, optimizer = acc.prepare(model, optimizer)
    if resume:  # a final checkpoint's evaluation comes after it: redone below, so dropped here
        run.truncate_records_after(state["update"], evaluations_at_step=checkpoint is None or checkpoint.name != "final")
    run.update(parameters=parameters, **({"init": str(experiment.resolve(cfg.init))} if cfg.init else {}))
    run.progress(state["update"], cfg.updates)
    routes = virl.routes_for(env_config, experiment.base_dir) if isinstance(env_config, virl.VirlConfig) else []
    episode_seed_base = zlib.crc32(f"ptlab-ppo-episodes:{experiment.seed}".encode())
    answer_key = core.ANSWER_KEYS["virl" if isinstance(env_config, virl.VirlConfig) else "generalpoints"]
    lam = PAPER_LAMBDA["virl" if isinstance(env_config, virl.VirlConfig) else "generalpoints"]
    segment = len(run.manifest.get("segments", [])) - 1

    def compute() -> dict[str, Any]:
        trained = state["compute"]["initTokens"] + state["trainTokens"]
        return {
            "parameters": parameters,
            "initTokens": state["compute"]["initTokens"],
            "trainTokens": state["trainTokens"],
            "inferenceTokens": state["inferenceTokens"],
            "gflops": (6 * parameters * trained + 2 * parameters * state["inferenceTokens"]) / 1e9,
            "gflopsPaperApprox": (6 * parameters * trained + 2 * parameters * lam * state["trainTokens"]) / 1e9,
        }

    def save(name: str) -> None:
        rng, started_by_process = parallel.rng_states(acc), parallel.gathered(acc, [state["episodesStarted"]])  # every process takes part
        if main:
            snapshot = {**state, "compute": {**state["compute"], "totalTrainTokens": state["compute"]["initTokens"] + state["trainTokens"]}}
            if world > 1:
                snapshot["episodesStartedByProcess"] = started_by_process
            checkpoints.save(run, name, state["update"], plain, tokenizer, optimizer, scheduler, snapshot, modules, rng_states=rng)
        acc.wait_for_everyone()

    evaluation = experiment.evaluation

    def maybe_evaluate(update: int, final: bool) -> None:
        if evaluation is None:
            return
        if ((evaluation.everySteps and update % evaluation.everySteps == 0) or (final and evaluation.atCheckpoints)) and main:
            evaluate(experiment, run, plain, tokenizer, update, compute())
        acc.wait_for_everyone()

    if state["update"] == 0:
        maybe_evaluate(0, final=False)
    elif state["update"] < cfg.updates and parallel.any_process(acc, main and not run.has_evaluation(state["update"])):
        maybe_evaluate(state["update"], final=False)  # a cancelled run stopped before this update's evaluation
    status = "finished"
    while state["update"] < cfg.updates:
        started = time.perf_counter()
        # 1. rollout
        plain.eval()
        inference_tokens = 0
        slots: list[Any] = [None] * cfg.parallelEnvs
        episode_of = [0] * cfg.parallelEnvs
        chats: list[list[dict[str, Any]]] = [[] for _ in slots]
        shown: list[dict[str, str]] = [{} for _ in slots]  # how each slot's next turn's prompt is recorded
        turns: list[list[dict[str, Any]]] = [[] for _ in slots]
        opened = 0

        def open_episode(slot: int) -> None:
            """The slot's next seeded episode: consecutive seeds, or groupSize episodes per seed."""
            nonlocal opened
            # this process's k-th seed is k * processes + rank: apart from the other processes'
            seed_index = (state["episodesStarted"] // cfg.groupSize if group else state["episodesStarted"]) * world + rank
            slots[slot] = _new_episode(experiment, routes, (episode_seed_base + seed_index) & 0xFFFFFFFF)
            state["episodesStarted"] += 1
            episode_of[slot], opened = opened, opened + 1
            chats[slot], shown[slot], turns[slot] = [chat.user_message(slots[slot].prompt, chat.observation_image(slots[slot]))], {"prompt": slots[slot].prompt}, []

        active: list[int] = []
        transitions: list[Transition] = []
        finished: list[tuple[Any, list[dict[str, Any]]]] = []
        while True:
            if not active and (group or not transitions) and len(transitions) < cfg.stepsPerUpdate:
                for slot in range(cfg.parallelEnvs):  # a wave (group mode: whole groups, run to their end)
                    open_episode(slot)
                active = list(range(cfg.parallelEnvs))
            if not active or (not group and len(transitions) >= cfg.stepsPerUpdate):
                break
            prompts = [_chat_ids(tokenizer, chats[slot]) for slot in active]
            answers = generate(plain, tokenizer, [chats[slot] for slot in active], cfg.maxNewTokens, cfg.temperature, experiment.model.kvCache)
            still = []
            for slot, prompt_ids, generation in zip(active, prompts, answers):
                episode = slots[slot]
                answer, prompt_tokens, answer_tokens = generation.text, generation.prompt_tokens, generation.answer_tokens
                inference_tokens += prompt_tokens + answer_tokens
                response_ids = list(generation.ids)  # as sampled: the gradient is taken on what the policy did
                weights = core.token_weights(answer, _token_ends(text, response_ids[:answer_tokens]), answer_key, cfg.thoughtWeight) + [1.0] * generation.stopped
                step = episode.step(answer)
                reward = step.reward * cfg.rewardScale
                transitions.append(Transition(slot, prompt_ids, response_ids, weights, reward, step.done, episode_of[slot], tuple(chat.images_in(chats[slot]))))
                turn = {"index": len(turns[slot]), **shown[slot], "output": answer, "reward": step.reward, "message": step.message, "done": step.done, "outputTokens": answer_tokens, "promptTokens": prompt_tokens}
                if step.failure_mode is not None:
                    turn["failureMode"] = step.failure_mode
                turns[slot].append(turn)
                if step.done:
                    finished.append((episode, turns[slot]))
                    if not group:
                        open_episode(slot)
                        still.append(slot)
                elif getattr(step, "new_chat", False):
                    chats[slot], shown[slot] = [chat.user_message(step.next_prompt, chat.observation_image(episode))], {"prompt": step.next_prompt}
                    still.append(slot)
                else:
                    chats[slot] = [*chats[slot], {"role": "assistant", "content": answer}, {"role": "user", "content": step.next_prompt}]
                    shown[slot] = {"promptDelta": step.next_prompt}
                    still.append(slot)
                if not group and len(transitions) >= cfg.stepsPerUpdate:
                    break
            active = still
        # 2. score with the rollout policy; bootstrap values for cut episodes
        with torch.no_grad():
            for start in range(0, len(transitions), cfg.miniBatchSize):
                batch = transitions[start : start + cfg.miniBatchSize]
                logprobs, values, _ = score(plain, plain_head, batch, cfg.temperature, text.pad_token_id, encoder=tokenizer)
                for i, (t, lp) in enumerate(zip(batch, logprobs.tolist())):
                    t.old_logprob, t.old_value = lp, float(values[i]) if values is not None else 0.0
            bootstrap = {}
            if head is not None:
                last_of_slot = {t.slot: t for t in transitions}
                for slot in sorted(s for s, t in last_of_slot.items() if not t.done):
                    probe = Transition(slot, _chat_ids(tokenizer, chats[slot]), [text.eos_token_id], [1.0], 0.0, False, images=tuple(chat.images_in(chats[slot])))
                    bootstrap[slot] = float(score(plain, plain_head, [probe], cfg.temperature, text.pad_token_id, encoder=tokenizer)[1][0])
        # 3. advantages
        if group:
            group_advantages(transitions, cfg.groupSize, cfg.groupStd)
            del transitions[cfg.stepsPerUpdate :]  # whole waves ran; every process trains on stepsPerUpdate
        else:
            gae_advantages(transitions, bootstrap, cfg.gamma, cfg.lambda_)
        # 4. update
        model.train()
        totals = {"policy": 0.0, "value": 0.0, "clipfrac": 0.0, "approx_kl": 0.0, "entropy": 0.0, "kl": 0.0}
        passes, train_tokens = 0, 0
        for _epoch in range(cfg.epochs):
            order = torch.randperm(len(transitions)).tolist()
            for start in range(0, len(order), cfg.miniBatchSize):
                batch = [transitions[i] for i in order[start : start + cfg.miniBatchSize]]
                logprobs, values, entropy = score(model, head, batch, cfg.temperature, text.pad_token_id, with_entropy=True, encoder=tokenizer)
                old = torch.tensor([t.old_logprob for t in batch], device=logprobs.device)
                adv = torch.tensor([t.advantage for t in batch], device=logprobs.device)
                ploss, clipfrac, approx_kl = core.policy_loss(logprobs, old, adv, cfg.clip)
                loss = ploss - cfg.entropyCoef * entropy
                vloss = torch.tensor(0.0)
                if values is not None:
                    vloss = core.value_loss(values, torch.tensor([t.old_value for t in batch], device=values.device), torch.tensor([t.ret for t in batch], device=values.device), cfg.valueClip)
                    loss = loss + cfg.valueCoef * vloss
                kl = torch.tensor(0.0)
                if reference is not None:
                    with torch.no_grad():
                        ref_logprobs, _, _ = score(reference, None, batch, cfg.temperature, text.pad_token_id, encoder=tokenizer)
                    kl = (logprobs - ref_logprobs).mean()
                    loss = loss + cfg.klCoef * kl
                optimizer.zero_grad(set_to_none=True)
                acc.backward(loss)
                acc.clip_grad_norm_(params, cfg.maxGradNorm)
                optimizer.step()
                train_tokens += sum(len(t.prompt_ids) + len(t.response_ids) for t in batch)
                for key, value in (("policy", ploss), ("value", vloss), ("clipfrac", clipfrac), ("approx_kl", approx_kl), ("entropy", entropy), ("kl", kl)):
                    totals[key] += float(value.detach())
                passes += 1
        scheduler.step()
        state["update"] += 1
        elapsed = time.perf_counter() - started
        state["wallSeconds"] += elapsed
        # 5. log: sums over the processes (each process's own numbers in a single process)
        inference_tokens, train_tokens = parallel.totals(acc, inference_tokens, train_tokens)
        state["inferenceTokens"] += int(inference_tokens)
        state["trainTokens"] += int(train_tokens)
        records = parallel.gathered(acc, [_train_episode_record(run, state["update"], 0, episode, episode_turns, env_config) for episode, episode_turns in finished])
        for index, record in enumerate(records):
            run.episode({**record, "episode": index})
        n, reward_sum, return_sum, response_tokens, successes, episodes_started, rollout_tokens = parallel.totals(
            acc, len(transitions), sum(t.reward for t in transitions), sum(t.ret for t in transitions), sum(len(t.response_ids) for t in transitions),
            sum(1 for e, _ in finished if e.success), state["episodesStarted"], sum(len(t.prompt_ids) + len(t.response_ids) for t in transitions),
        )
        means = dict(zip(totals, [v / passes / world for v in parallel.totals(acc, *totals.values())]))
        run.metric({
            "kind": "train",
            "step": state["update"],
            "time": now(),
            "wallSeconds": round(state["wallSeconds"], 3),
            "segment": segment,
            "episodes": int(episodes_started),
            "compute": compute(),
            "metrics": {
                "rollout/reward_mean": reward_sum / n,
                "rollout/return_mean": return_sum / n,
                "rollout/episodes_finished": len(records),
                "rollout/success_rate": successes / len(records) if records else None,
                "rollout/response_tokens_mean": response_tokens / n,
                "ppo/policy_loss": means["policy"],
                "ppo/value_loss": means["value"] if head is not None else None,
                "ppo/clipfrac": means["clipfrac"],
                "ppo/approx_kl": means["approx_kl"],
                "ppo/entropy": means["entropy"],
                "ppo/kl_to_init": means["kl"] if reference is not None else None,
                "train/lr": scheduler.get_last_lr()[0],
                "perf/tokens_per_second": rollout_tokens * (cfg.epochs + 1) / elapsed,
            },
        })
        run.progress(state["update"], cfg.updates)
        if parallel.any_process(acc, run.cancel_requested):
            status = "cancelled"
            break
        if state["update"] < cfg.updates:  # evaluate, then save: a checkpoint's records are complete
            maybe_evaluate(state["update"], final=False)
        if cfg.saveEverySteps and state["update"] % cfg.saveEverySteps == 0 and state["update"] < cfg.updates:
            save(f"update-{state['update']:06d}")
    save("final" if status == "finished" else f"update-{state['update']:06d}")
    if status == "finished":
        maybe_evaluate(state["update"], final=True)
    return status


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


def _train_episode_record(run: RunLog, update: int, index: int, episode: Any, turns: list[dict[str, Any]], env_config: Any) -> dict[str, Any]:
    if isinstance(episode, virl.VirlEpisode):
        state = {"routeId": episode.route.route_id, "city": episode.route.city, "position": min(episode.position, len(episode.rail) - 1), "railLength": len(episode.rail)}
    else:
        state = episode.state()
    record = {
        "runId": run.manifest["runId"],
        "step": update,
        "split": "train",
        "splitKind": "train",
        "episode": index,
        "seed": episode.seed,
        "environment": env_config.to_dict(),
        "state": state,
        "turns": turns,
        "success": bool(episode.success),
        "totalReward": sum(t["reward"] for t in turns),
        "truncated": not episode.success,
    }
    failed = [t["failureMode"] for t in turns if t.get("failureMode") not in (None, "budget-exhausted")]
    if not episode.success and failed:
        record["failureMode"] = failed[-1]
    return record
