"""Evaluation of a model on the experiment's ID and OOD splits, episodes batched.

Episode i of a split uses seed `evaluation.seed + i`, so every checkpoint meets the same
episodes; a V-IRL split with `eachRouteOnce` runs episode i on route i (VLN mini: its 18
routes, each once, in order). All episodes of a split advance together: each round builds every unfinished
episode's chat, generates one answer per episode in batched `generate` calls, and steps
the environments (sequential revision: a rejected answer gets the verifier's message
appended; a V-IRL move starts a fresh chat). In a distributed job each process plays its
share of the episodes (every N-th) and the main process gathers their records. Every
episode becomes a transcript record; each split a metric record (success with its standard error, per-step accuracy for V-IRL
twice: ours over scored attempts, the reference's over every model call, recognition for
vision, failure-mode counts); the whole an eval-summary.json.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ptlab import episodes, seeds
from ptlab.config import Evaluation, Experiment, Split
from ptlab.contracts import ContractViolation
from ptlab.envs.episode import EnvironmentConfig
from ptlab.envs.virl import VirlConfig
from ptlab.episodes import Slot
from ptlab.generation import PrefixCache, decoding_config, draw_key, generate
from ptlab.runlog import RunLog, atomic_write_text, now

SUMMARY_FILE = "eval-summary.json"


def due(evaluation: Evaluation | None, step: int, save_every: int | None, final: bool) -> bool:
    """Whether a training run evaluates at `step`: every `everySteps` steps and, with
    `atCheckpoints`, at step 0 (Init, where every curve starts), at every checkpoint saved
    every `save_every` steps and at the final one. A checkpoint written on cancel is not
    on the schedule: the resumed run evaluates where the uninterrupted one would. Step 0 only
    with `atStart` (without it another run evaluates the shared Init)."""
    if evaluation is None or (step == 0 and not evaluation.atStart):
        return False
    if evaluation.everySteps is not None and step % evaluation.everySteps == 0:
        return True
    return evaluation.atCheckpoints and (step == 0 or final or bool(save_every and step % save_every == 0))


def rate(successes: int, n: int) -> dict[str, Any]:
    p = successes / n if n else 0.0
    return {"rate": p, "stderr": math.sqrt(p * (1 - p) / n) if n else 0.0, "n": n}


def decoding(evaluation: Evaluation, model: Any, kv_cache: str = "dynamic") -> tuple[dict[str, Any], dict[str, Any]]:
    """generate's sampling arguments, and the decoding as records state it (metric-record
    schema's `decoding`): the configured temperature / topP, or the model's generation_config
    (what the reference's evaluation uses: it passes generate only max_new_tokens). Sampled
    decoding draws per episode (play_split's keys), except under continuous batching
    (`kv_cache` "paged"), which samples from each process's stream."""
    draws = {"draws": "per-process" if kv_cache == "paged" else "per-episode"}
    if evaluation.sampling == "model-defaults":
        config = decoding_config(model, {})  # what the checkpoint leaves unset at generate's defaults (top_k 50)
        stated: dict[str, Any] = {"source": "model-defaults", "doSample": bool(config.do_sample), "maxNewTokens": evaluation.maxNewTokens}
        if config.do_sample:
            stated |= {"temperature": float(config.temperature), "topP": float(config.top_p), "topK": int(config.top_k or 0)} | draws
        return {}, stated
    if evaluation.temperature == 0:
        return {"do_sample": False}, {"source": "configured", "doSample": False, "maxNewTokens": evaluation.maxNewTokens}
    arguments = {"do_sample": True, "temperature": evaluation.temperature, "top_p": evaluation.topP, "top_k": 0}
    return arguments, {"source": "configured", "doSample": True, "temperature": evaluation.temperature, "topP": evaluation.topP, "topK": 0, "maxNewTokens": evaluation.maxNewTokens} | draws


class EvaluationError(ValueError):
    """An evaluation split asks for something it cannot do; the message says what to change."""


def check_split(experiment: Experiment, split: Split) -> None:
    """Raises EvaluationError, naming the split, for a split that cannot run as configured: its
    environment (the training one with its overrides) or its V-IRL routes do not load, or
    eachRouteOnce is set on a split that is not V-IRL, or with another number of episodes
    than its routes."""
    try:
        env_config = experiment.environment_for(split)
        routes = env_config.route_count(experiment.base_dir) if isinstance(env_config, VirlConfig) else None
    except ValueError as exc:  # EnvConfigError, RouteFormatError, a missing routes file
        raise EvaluationError(f"evaluation split {split.name}: {exc}") from exc
    if not split.eachRouteOnce:
        return
    if routes is None:
        raise EvaluationError(f"evaluation split {split.name}: eachRouteOnce is for V-IRL splits (it runs each route once); this one is {env_config.env}")
    if split.episodes != routes:
        raise EvaluationError(f"evaluation split {split.name}: eachRouteOnce runs each of the split's {routes} routes once, in order; set episodes to {routes} (it is {split.episodes})")


def check_environments(experiment: Experiment, training: bool = True) -> None:
    """Before a job loads anything (and in `ptlab validate`): with `training`, the training
    environment loads (its V-IRL routes), and check_split for every evaluation split, rather
    than failing at the first rollout or evaluation. A ContractViolation naming the config file
    and the field otherwise."""
    try:
        env_config = experiment.environment_for()
        if training and isinstance(env_config, VirlConfig):
            env_config.route_count(experiment.base_dir)
        for split in experiment.evaluation.splits if experiment.evaluation is not None else []:
            check_split(experiment, split)
    except ValueError as exc:  # EnvConfigError, RouteFormatError, EvaluationError
        raise ContractViolation(f"{experiment.source or 'the config'}: {exc}") from exc


def play_split(experiment: Experiment, split: Split, model: Any, tokenizer: Any, sampling: dict[str, Any] | None = None, acc: Any = None, synced_gpus: bool = False, cancelled: Callable[[], bool] | None = None) -> list[Slot]:
    """This process's share of the split's episodes, played to their ends: episode i is process
    i % N's of N (`acc`, the job's accelerator; None: one process, every episode). With
    `synced_gpus` (the model sharded over the processes: ZeRO-3) every forward is collective,
    so the processes also make as many generate calls each round: one with fewer answers to
    make fills its calls with stand-ins (the split's first chat, images and all: the same
    modules run), one done with its episodes goes on with stand-ins until every process is.
    `cancelled` true before a round stops the play there, the episodes unfinished (sharded:
    every process stops at the same round)."""
    assert experiment.evaluation is not None
    env_config = experiment.environment_for(split)
    new_episode = env_config.episodes(experiment.base_dir, experiment.environment_for())  # the training rule: rule collapse
    if split.eachRouteOnce:
        check_split(experiment, split)

    def opening(i: int) -> Slot:
        seed = (experiment.evaluation.seed + i) & 0xFFFFFFFF
        # eachRouteOnce: episode i on route i (the reference's `order=True`, its VLN-mini evaluation)
        return episodes.start(new_episode(seed, route=i) if split.eachRouteOnce else new_episode(seed), i)

    from ptlab import parallel

    rank, world = (acc.process_index, acc.num_processes) if acc is not None else (0, 1)
    sharded = synced_gpus and world > 1
    slots = [opening(i) for i in range(rank, split.episodes, world)]
    stand_in = opening(0).messages if sharded else []
    batch = experiment.model.generateBatch

    def draws(playing: list[Slot], calls: int) -> list[int] | None:
        """Each answer's key to its random draws: its split, episode and attempt (stand-ins: 0)."""
        if experiment.model.kvCache == "paged":  # continuous batching samples from the session's stream
            return None
        return [draw_key(experiment.evaluation.seed, split.name, slot.index, len(slot.turns)) for slot in playing] + [0] * (calls - len(playing))

    active = list(slots)
    prefixes = PrefixCache()
    try:
        while True:
            stop = cancelled is not None and cancelled()
            chats, keys = [slot.messages for slot in active], [slot.index for slot in active]
            if sharded:
                wanted = parallel.gathered(acc, [(-(-len(chats) // batch), stop)])
                calls, stop = max(n for n, _ in wanted), any(asked for _, asked in wanted)
                filler = max(0, (calls - 1) * batch + 1 - len(chats)) if calls else 0
                chats, keys = chats + [stand_in] * filler, keys + [-1 - j for j in range(filler)]
            if not chats or stop:
                break
            answers = generate(model, tokenizer, chats, experiment.evaluation.maxNewTokens, experiment.evaluation.temperature, experiment.model.kvCache, sampling, sharded, prefixes, keys, batch_size=batch, draws=draws(active, len(chats)))
            active = [slot for slot, generation in zip(active, answers) if not episodes.advance(slot, generation).done]
    finally:
        if prefixes is not None:  # a benchmark's baseline may run without one
            prefixes.close()
    return slots


def run_split(experiment: Experiment, split: Split, model: Any, tokenizer: Any, sampling: dict[str, Any] | None = None) -> tuple[list[Slot], dict[str, Any]]:
    """Every episode of the split in this process, and its summary."""
    env_config = experiment.environment_for(split)
    slots = play_split(experiment, split, model, tokenizer, sampling)
    return slots, summarize(split, env_config, [episodes.record("", 0, split.name, split.kind, slot, env_config) for slot in slots])


def summarize(split: Split, env_config: EnvironmentConfig, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The split's figures from its episode records (episodes.record)."""
    successes = sum(1 for r in records if r["success"])
    turns = [t for r in records for t in r["turns"]]
    attempts = [t for t in turns if t.get("failureMode") != "budget-exhausted"]
    failures = Counter(t["failureMode"] for t in turns if "failureMode" in t)
    result: dict[str, Any] = {
        "name": split.name,
        "kind": split.kind,
        "environment": env_config.to_dict(),
        "episodes": len(records),
        "success": rate(successes, len(records)),
        "meanReward": sum(t["reward"] for t in turns) / max(1, len(records)),
        "meanAttempts": len(attempts) / max(1, len(records)),
        "failureModes": dict(sorted(failures.items())),
    }
    if env_config.env == "virl":  # an episode is many moves: how many attempts were right
        correct = sum(1 for t in attempts if t["reward"] == 1)
        result["perStepAccuracy"] = rate(correct, len(attempts))
        # the paper's: the reference counts every model call, the one past the budget too (scored -1, never verified)
        result["perStepAccuracyReference"] = rate(correct, len(turns))
    if env_config.env == "generalpoints" and env_config.modality == "vision":
        result["recognition"] = rate(sum(1 for t in turns if t.get("recognized")), len(attempts))
    return result


def evaluate(experiment: Experiment, run: RunLog, model: Any, tokenizer: Any, step: int, compute: dict[str, Any], checkpoint: str | None = None, acc: Any = None, synced_gpus: bool = False, cancellable: bool = False) -> list[dict[str, Any]] | None:
    """Every split: episode records and a metric record each; returns the split summaries.
    `cancellable` (`ptlab eval`, and a training run's evaluations but its final one): a cancel
    (run.cancel_requested, on any process) stops the split being played between generate
    rounds, and None is returned; that split writes nothing, the splits done keep their
    records (a resumed training run drops that step's partial evaluation and plays it whole).
    Sampled decoding draws from keys made from evaluation.seed (continuous batching from a
    generator seeded by it, each process's its own: seeds.process_seed): every checkpoint
    meets the same draws, and training's random stream is left as it was. With `acc` (a
    distributed job's accelerator, every process calling) each process plays its share of the
    episodes (play_split; `synced_gpus`: ZeRO-3 shards) and the main process's `run` writes
    them all, the answers one process gives: a sampled answer draws from its episode's and
    attempt's key (generation.draw_key), not from a process's stream (under continuous
    batching, model.kvCache "paged", it does: its answers depend on the number of processes)."""
    import torch

    from ptlab import parallel

    assert experiment.evaluation is not None
    was_training = model.training
    model.eval()
    sampling, stated = decoding(experiment.evaluation, model, experiment.model.kvCache)
    if run.manifest.get("evaluationDecoding") != stated:
        run.update(evaluationDecoding=stated)
    summaries: list[dict[str, Any]] = []
    cancelled = (lambda: run.cancel_requested) if cancellable else None
    stopped = False
    for split in experiment.evaluation.splits:
        with torch.random.fork_rng(devices=[model.device] if model.device.type == "cuda" else []):
            torch.manual_seed(seeds.process_seed("evaluation", experiment.evaluation.seed, acc.process_index if acc is not None else 0))
            with parallel.computing(acc):
                slots = play_split(experiment, split, model, tokenizer, sampling, acc, synced_gpus, cancelled)
        if cancellable and (parallel.any_process(acc, run.cancel_requested) if acc is not None else run.cancel_requested):
            stopped = True
            break
        env_config = experiment.environment_for(split)
        records = [episodes.record(run.manifest["runId"], step, split.name, split.kind, slot, env_config, checkpoint) for slot in slots]
        if acc is not None and acc.num_processes > 1:
            records = sorted(parallel.gathered(acc, records), key=lambda r: r["episode"])
        summary = summarize(split, env_config, records)
        for record in records:
            run.episode(record)
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
        for key in ("perStepAccuracy", "perStepAccuracyReference", "recognition"):
            if key in summary:
                metric[key] = summary[key]
        if checkpoint:
            metric["checkpoint"] = checkpoint
        run.metric(metric)
        summaries.append(summary)
    if was_training:
        model.train()
    return None if stopped else summaries


def write_summary(run: RunLog, experiment: Experiment, model: Any, step: int, checkpoint: str, compute: dict[str, Any], summaries: list[dict[str, Any]]) -> Path:
    assert experiment.evaluation is not None
    summary = {
        "schemaVersion": 1,
        "runId": run.manifest["runId"],
        "checkpoint": checkpoint,
        "step": step,
        "createdAt": now(),
        "seed": experiment.evaluation.seed,
        "temperature": experiment.evaluation.temperature,
        "decoding": decoding(experiment.evaluation, model, experiment.model.kvCache)[1],
        "episodesFile": "episodes.jsonl",
        "compute": compute,
        "splits": summaries,
    }
    from ptlab.contracts import check

    path = run.dir / SUMMARY_FILE
    check("eval-summary.schema.json", summary, str(path))
    atomic_write_text(path, json.dumps(summary, indent=2) + "\n")
    return path
