"""fp32 against bf16 autocast on this machine's CPU, for the demo's base model.

    .venv/bin/python bench/cpu_precision.py [--repeats 3]

Prints JSON lines, each measure in fp32 and under `torch.autocast("cpu", torch.bfloat16)`
in the same run, then their ratios: a bare matrix product of gp-base's MLP shape (hidden
192 x 512, 9,600 rows: GFLOP/s), a training step of `embedded:gp-base` (forward and backward,
32 sequences of 300 tokens, the size of a PPO micro-batch) and a sampled generation of 48 new
tokens for 128 prompts of 150 tokens (a rollout round). The question it answers: would
mixed precision make the CPU demo faster? (On the 2-core AMD EPYC VM of 2026-12-04, whose
cores have AVX512-BF16: the bare product 2.9x, the training step 1.3x, generation 0.8x.)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import time
from collections.abc import Callable
from typing import Any

import torch

from ptlab import models


def seconds(work: Callable[[], Any], repeats: int) -> float:
    work()  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        work()
    return (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(0)
    model = models.load_causal_lm("embedded:gp-base", dtype="fp32")
    hidden, inner = model.config.hidden_size, model.config.intermediate_size
    contexts: dict[str, Callable[[], Any]] = {"fp32": contextlib.nullcontext, "bf16-autocast": lambda: torch.autocast("cpu", dtype=torch.bfloat16)}
    ids = torch.randint(10, model.config.vocab_size, (32, 300))
    prompts = torch.randint(10, model.config.vocab_size, (128, 150))
    results: dict[str, dict[str, float]] = {}
    for name, context in contexts.items():
        dtype = torch.bfloat16 if name != "fp32" else torch.float32
        x, w = torch.randn(9600, hidden, dtype=dtype), torch.randn(inner, hidden, dtype=dtype)
        matmul = seconds(lambda: x @ w.T, 50 * args.repeats)

        def train_step() -> None:
            with context():
                loss = model(input_ids=ids, labels=ids).loss
            loss.backward()

        def generate() -> None:
            with context(), torch.no_grad():
                model.generate(input_ids=prompts, attention_mask=torch.ones_like(prompts), max_new_tokens=48, min_new_tokens=48, do_sample=True, temperature=0.7, pad_token_id=0)

        results[name] = {"matmulGflops": 2 * 9600 * hidden * inner / matmul / 1e9, "trainStepSeconds": seconds(train_step, args.repeats), "generateSeconds": seconds(generate, max(1, args.repeats - 1))}
        print(json.dumps({"bench": "cpu-precision", "precision": name, **{k: round(v, 3) for k, v in results[name].items()}, "threads": torch.get_num_threads(), "cpu": platform.processor() or platform.machine()}), flush=True)
    fp32, bf16 = results["fp32"], results["bf16-autocast"]
    print(json.dumps({"bench": "cpu-precision", "speedup bf16-autocast over fp32": {"matmul": round(bf16["matmulGflops"] / fp32["matmulGflops"], 2), "trainStep": round(fp32["trainStepSeconds"] / bf16["trainStepSeconds"], 2), "generate": round(fp32["generateSeconds"] / bf16["generateSeconds"], 2)}}))


if __name__ == "__main__":
    main()
