"""model.kvCache "paged": how many tokens one forward of a continuous-batching session may take
(generation.PAGED_BATCH_TOKENS), against the rollout's time and the session's planned memory.

    .venv/bin/python bench/paged_sizes.py [--caps 16384,4096,1024] [--rounds 2]
    python3 bench/paged_sizes.py --size 0.5b        # a GPU: bench/gpu_trainer.py's 0.5B shape

A PPO rollout of the demo's GP-L recipe through ptlab's generation (128 chats in groups of 4
per hand, up to 5 attempts, each revision round one generate call of the chats still going,
64 new tokens sampled at 0.7, one paged session for the whole rollout) from embedded:gp-base,
or with `--size` bench/gpu_trainer.py's Qwen2-shaped model with random weights in bf16, once
per cap in turn and once with generate's dynamic cache (the baseline, what the demo runs),
alternated over `--rounds` (ABAB...). Prints per run the seconds,
the answer tokens and the footprint transformers plans for the session the first round opens
(plan.paged_footprint: the cache, the largest forward's buffers and activations, and under
SDPA its attention masks of (tokens per forward) x (tokens the cache holds)); then per cap the
mean seconds and its ratio to the first cap's."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from ptlab import chat, episodes, generation, models, plan
from ptlab.config import Model
from ptlab.envs.generalpoints import GeneralPointsConfig

sys.path.insert(0, str(Path(__file__).resolve().parent))


def rollout(model: Any, tokenizer: Any, spec: Model, chats: int, group: int, max_new_tokens: int, seed: int, kv_cache: str) -> int:
    """One rollout's rounds; the answer tokens generated."""
    torch.manual_seed(seed)
    new_episode = GeneralPointsConfig().episodes(Path("."))
    slots = [episodes.start(new_episode(1000 + i // group), i) for i in range(chats)]
    prefixes = generation.PrefixCache()
    tokens = 0
    try:
        while slots:
            answers = generation.generate(model, tokenizer, [s.messages for s in slots], max_new_tokens, 0.7, kv_cache, prefixes=prefixes, keys=[s.index for s in slots], record_logprobs=True, batch_size=spec.generateBatch)
            tokens += sum(len(a.ids) for a in answers)
            slots = [s for s, a in zip(slots, answers) if not episodes.advance(s, a).done]
    finally:
        prefixes.close()
    return tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--caps", default="dynamic,16384,4096,1024", help="forward sizes of the paged session; `dynamic`: generate with the default cache instead (the baseline)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--size", help="bench/gpu_trainer.py's model of this size with random weights, instead of gp-base")
    parser.add_argument("--chats", type=int, default=128)
    args = parser.parse_args()
    caps = args.caps.split(",")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with tempfile.TemporaryDirectory() as tmp:
        if args.size:
            from gpu_trainer import build_model

            build_model(args.size, Path(tmp) / "model")
            spec = Model(name=str(Path(tmp) / "model"), dtype="bf16" if device == "cuda" else "fp32", kvCache="paged", generateBatch=args.chats)
        else:
            spec = Model(name="embedded:gp-base", dtype="fp32", kvCache="paged", generateBatch=args.chats)
        model, tokenizer = models.load(spec, device)
        model.eval()
        first_round = [len(chat.encode(tokenizer, episodes.start(GeneralPointsConfig().episodes(Path("."))(1000 + i // 4), i).messages, [], generation_prompt=True)["input_ids"]) for i in range(args.chats)]
        times: dict[str, list[float]] = {cap: [] for cap in caps}
        for round_ in range(args.rounds):
            for cap in caps if round_ % 2 == 0 else reversed(caps):
                paged = cap != "dynamic"
                if paged:
                    generation.PAGED_BATCH_TOKENS = int(cap)
                footprint = plan.paged_footprint(model.config, generation.paged_cache_sizes(first_round, 64, spec.generateBatch), spec.attention, spec.dtype, True) if paged else None
                start = time.perf_counter()
                tokens = rollout(model, tokenizer, spec, args.chats, 4, 64, seed=round_, kv_cache="paged" if paged else "dynamic")
                if device == "cuda":
                    torch.cuda.synchronize()
                seconds = time.perf_counter() - start
                times[cap].append(seconds)
                print(json.dumps({"bench": "paged-sizes", "device": device, "cap": cap, "round": round_, "seconds": round(seconds, 2), "answerTokens": tokens, "plannedGiB": round(footprint / 2**30, 3) if footprint else None}), flush=True)
    base = statistics.mean(times[caps[0]])
    for cap in caps:
        mean = statistics.mean(times[cap])
        print(json.dumps({"bench": "paged-sizes-mean", "cap": cap, "seconds": round(mean, 2), "speedupOverFirst": round(base / mean, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
