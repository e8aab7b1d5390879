"""Evaluation of a model on the experiment's ID and OOD splits, episodes batched.

Episode i of a split uses seed `evaluation.seed + i`, so every checkpoint meets the same
episodes. All episodes of a split advance together: each round builds every unfinished
episode's chat, generates one answer per episode in batched `generate` calls, and steps
the environments (sequential revision: a rejected answer gets the verifier's message
appended; a V-IRL move starts a fresh chat). Every episode becomes a transcript record;
each split a metric record (success with its standard error, per-step accuracy for V-IRL,
recognition for vision, failure-mode counts); the whole an eval-summary.json.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptlab import chat
from ptlab.config import Experiment, Split
from ptlab.envs import generalpoints as gp
from ptlab.envs import virl
from ptlab.runlog import RunLog, atomic_write_text, now

GENERATE_BATCH = 32


def rate(successes: int, n: int) -> dict[str, Any]:
    p = successes / n if n else 0.0
    return {"rate": p, "stderr": math.sqrt(p * (1 - p) / n) if n else 0.0, "n": n}


@dataclass
class Episode:
    """One evaluation episode's chat and transcript."""

    index: int
    seed: int
    env: gp.GeneralPointsEpisode | virl.VirlEpisode
    messages: list[dict[str, Any]]
    turns: list[dict[str, Any]] = field(default_factory=list)
    pending_prompt: dict[str, str] = field(default_factory=dict)  # how the next turn's prompt is shown
    recognized: int = 0


def _new_episodes(experiment: Experiment, split: Split) -> list[Episode]:
    env_config = experiment.environment_for(split)
    assert experiment.evaluation is not None
    routes = virl.routes_for(env_config, experiment.base_dir) if isinstance(env_config, virl.VirlConfig) else []
    episodes = []
    for i in range(split.episodes):
        seed = (experiment.evaluation.seed + i) & 0xFFFFFFFF
        env = virl.VirlEpisode(env_config, routes, seed) if isinstance(env_config, virl.VirlConfig) else gp.GeneralPointsEpisode(env_config, seed)
        episodes.append(Episode(i, seed, env, [chat.user_message(env.prompt, chat.observation_image(env))], pending_prompt={"prompt": env.prompt}))
    return episodes


@dataclass(frozen=True)
class Generation:
    """One sampled answer: its text, and the token ids exactly as sampled (what PPO trains
    on; re-encoding the text can give other ids), ending with the stop token when the model
    produced one rather than running out of max_new_tokens."""

    text: str
    prompt_tokens: int
    ids: tuple[int, ...]
    stopped: bool

    @property
    def answer_tokens(self) -> int:
        """The answer's tokens, the stop token not counted."""
        return len(self.ids) - self.stopped


def generate(model: Any, encoder: Any, chats: list[list[dict[str, Any]]], max_new_tokens: int, temperature: float, kv_cache: str = "dynamic") -> list[Generation]:
    """A Generation for each chat, batched, left-padded; `encoder` is the tokenizer or, for
    image-text-to-text models, the processor (chats with images). `kv_cache` is the config's
    model.kvCache: "static" preallocates the cache, and on CUDA generate compiles decoding."""
    import torch

    tokenizer = chat.text_tokenizer(encoder)
    results: list[Generation] = []
    stop = [tokenizer.convert_tokens_to_ids(t) for t in ("<|end|>",) if t in tokenizer.get_vocab()] or [tokenizer.eos_token_id]
    for start in range(0, len(chats), GENERATE_BATCH):
        batch = chat.generation_batch(encoder, chats[start : start + GENERATE_BATCH]).to(model.device)
        sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        if kv_cache == "static":
            sampling["cache_implementation"] = "static"
        with torch.no_grad():
            out = model.generate(**batch, max_new_tokens=max_new_tokens, eos_token_id=stop, pad_token_id=tokenizer.pad_token_id, **sampling)
        new = out[:, batch["input_ids"].shape[1] :]
        for row, prompt_mask in zip(new, batch["attention_mask"]):
            ids = row.tolist()
            end = next((i for i, t in enumerate(ids) if t in stop or t == tokenizer.pad_token_id), len(ids))
            stopped = end < len(ids)
            results.append(Generation(tokenizer.decode(ids[:end], skip_special_tokens=True), int(prompt_mask.sum()), tuple(ids[: end + stopped]), stopped))
    return results


def _state(episode: Episode) -> dict[str, Any]:
    env = episode.env
    if isinstance(env, virl.VirlEpisode):
        instruction = "\n".join(virl.instruction_sentences(env.route, env.config.verifier == "strict"))
        return {"routeId": env.route.route_id, "city": env.route.city, "position": min(env.position, len(env.rail) - 1), "railLength": len(env.rail), "instruction": instruction}
    return env.state()


def run_split(experiment: Experiment, split: Split, model: Any, tokenizer: Any) -> tuple[list[Episode], dict[str, Any]]:
    assert experiment.evaluation is not None
    episodes = _new_episodes(experiment, split)
    active = list(episodes)
    while active:
        answers = generate(model, tokenizer, [e.messages for e in active], experiment.evaluation.maxNewTokens, experiment.evaluation.temperature, experiment.model.kvCache)
        still = []
        for episode, generation in zip(active, answers):
            answer, prompt_tokens, answer_tokens = generation.text, generation.prompt_tokens, generation.answer_tokens
            env = episode.env
            expert = env.expert_action if isinstance(env, virl.VirlEpisode) else None
            step = env.step(answer)
            turn: dict[str, Any] = {"index": len(episode.turns), **episode.pending_prompt, "output": answer, "reward": step.reward, "message": step.message, "done": step.done, "outputTokens": answer_tokens, "promptTokens": prompt_tokens}
            if expert is not None:
                turn["expertAction"] = expert
            if getattr(step, "recognized", None) is not None:
                turn["recognized"] = step.recognized
                episode.recognized += int(step.recognized)
            if step.failure_mode is not None:
                turn["failureMode"] = step.failure_mode
            episode.turns.append(turn)
            if step.done:
                continue
            if getattr(step, "new_chat", False):
                episode.messages = [chat.user_message(step.next_prompt, chat.observation_image(env))]
                episode.pending_prompt = {"prompt": step.next_prompt}
            else:
                episode.messages = [*episode.messages, {"role": "assistant", "content": answer}, {"role": "user", "content": step.next_prompt}]
                episode.pending_prompt = {"promptDelta": step.next_prompt}
            still.append(episode)
        active = still
    return episodes, summarize(split, experiment.environment_for(split), episodes)


def summarize(split: Split, env_config: Any, episodes: list[Episode]) -> dict[str, Any]:
    successes = sum(1 for e in episodes if e.env.success)
    attempts = [t for e in episodes for t in e.turns if t.get("failureMode") != "budget-exhausted"]
    failures = Counter(t["failureMode"] for e in episodes for t in e.turns if "failureMode" in t)
    result: dict[str, Any] = {
        "name": split.name,
        "kind": split.kind,
        "environment": env_config.to_dict(),
        "episodes": len(episodes),
        "success": rate(successes, len(episodes)),
        "meanReward": sum(t["reward"] for e in episodes for t in e.turns) / max(1, len(episodes)),
        "meanAttempts": len(attempts) / max(1, len(episodes)),
        "failureModes": dict(sorted(failures.items())),
    }
    if isinstance(env_config, virl.VirlConfig):
        result["perStepAccuracy"] = rate(sum(1 for t in attempts if t["reward"] == 1), len(attempts))
    if isinstance(env_config, gp.GeneralPointsConfig) and env_config.modality == "vision":
        result["recognition"] = rate(sum(e.recognized for e in episodes), len(attempts))
    return result


def episode_record(run_id: str, step: int, split: Split, checkpoint: str | None, episode: Episode, env_config: Any) -> dict[str, Any]:
    last = episode.turns[-1] if episode.turns else {}
    record = {
        "runId": run_id,
        "step": step,
        "split": split.name,
        "splitKind": split.kind,
        "episode": episode.index,
        "seed": episode.seed,
        "environment": env_config.to_dict(),
        "state": _state(episode),
        "turns": episode.turns,
        "success": episode.env.success,
        "totalReward": sum(t["reward"] for t in episode.turns),
        "truncated": not episode.env.success,
    }
    if checkpoint:
        record["checkpoint"] = checkpoint
    failed = [t["failureMode"] for t in episode.turns if "failureMode" in t and t["failureMode"] != "budget-exhausted"]
    if not episode.env.success and failed:
        record["failureMode"] = failed[-1]
    elif not episode.env.success and last.get("failureMode"):
        record["failureMode"] = last["failureMode"]
    return record


def evaluate(experiment: Experiment, run: RunLog, model: Any, tokenizer: Any, step: int, compute: dict[str, Any], checkpoint: str | None = None) -> list[dict[str, Any]]:
    """Every split: episode records and a metric record each; returns the split summaries."""
    assert experiment.evaluation is not None
    was_training = model.training
    model.eval()
    summaries = []
    for split in experiment.evaluation.splits:
        episodes, summary = run_split(experiment, split, model, tokenizer)
        env_config = experiment.environment_for(split)
        for episode in episodes:
            run.episode(episode_record(run.manifest["runId"], step, split, checkpoint, episode, env_config))
        metric = {
            "kind": "eval",
            "step": step,
            "time": now(),
            "compute": compute,
            "split": split.name,
            "splitKind": split.kind,
            "episodesEvaluated": summary["episodes"],
            "success": summary["success"],
            "meanReward": summary["meanReward"],
            "failureModes": summary["failureModes"],
        }
        for key in ("perStepAccuracy", "recognition"):
            if key in summary:
                metric[key] = summary[key]
        if checkpoint:
            metric["checkpoint"] = checkpoint
        run.metric(metric)
        summaries.append(summary)
    if was_training:
        model.train()
    return summaries


def write_summary(run: RunLog, experiment: Experiment, step: int, checkpoint: str, compute: dict[str, Any], summaries: list[dict[str, Any]]) -> Path:
    assert experiment.evaluation is not None
    summary = {
        "schemaVersion": 1,
        "runId": run.manifest["runId"],
        "checkpoint": checkpoint,
        "step": step,
        "createdAt": now(),
        "seed": experiment.evaluation.seed,
        "temperature": experiment.evaluation.temperature,
        "episodesFile": "episodes.jsonl",
        "compute": compute,
        "splits": summaries,
    }
    from ptlab.contracts import check

    path = run.dir / "eval-summary.json"
    check("eval-summary.schema.json", summary, str(path))
    atomic_write_text(path, json.dumps(summary, indent=2) + "\n")
    return path
