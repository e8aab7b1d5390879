"""Two CPU costs of PPO at the demo's scale, each against its baseline in the same run.

    .venv/bin/python bench/kv_and_mask.py [--init CHECKPOINT] [--repeats 3]

- `decode`: 64 greedy tokens for 32 left-padded rows of about 300 prompt tokens already in
  the cache (a revision round's decoding), with transformers' DynamicCache, which
  concatenates the whole cache at every step, and with generation's growing cache, which
  writes into buffers allocated for the generation (what rollouts and evaluations use).
- `train`: one forward and backward of 32 right-padded rows of 200 to 1,000 tokens (an
  update's micro-batch of shared episode rows), with the attention mask (a dense masked
  SDPA pass over key/value heads expanded to the query heads) and without it
  (chat.causal_inputs: SDPA's causal kernel), logits at the last 300 positions.

Prints one JSON line per measurement (the best of `repeats`) and the ratios.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import torch

from ptlab import generation
from ptlab.models import resolve_model_path


def best_of(repeats: int, function: Any) -> float:
    """The least of `repeats` timings; `function` returns the seconds it measured itself, or None to be timed whole."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        measured = function()
        times.append(measured if measured is not None else time.perf_counter() - start)
    return min(times)


def decode(model: Any, cache_of: Any, ids: torch.Tensor, mask: torch.Tensor) -> float:
    """Seconds to decode 64 tokens after the prompt (all but its last token) is in the cache."""
    cache = cache_of()
    with torch.no_grad():
        model(ids[:, :-1], attention_mask=mask[:, :-1], cache=cache, use_cache=True)
        start = time.perf_counter()
        model.generate(ids, attention_mask=mask, cache=cache, max_new_tokens=64, min_new_tokens=64, do_sample=False, pad_token_id=0)
        return time.perf_counter() - start


def train(model: Any, inputs: dict[str, torch.Tensor]) -> None:
    out = model(**inputs, logits_to_keep=300)
    out.logits.float().log_softmax(-1).mean().backward()
    model.zero_grad(set_to_none=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--init", default=resolve_model_path("embedded:gp-base"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from transformers import AutoModelForCausalLM, DynamicCache

    model = AutoModelForCausalLM.from_pretrained(args.init).eval()
    vocab = model.config.vocab_size
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(10, vocab, (32, 301), generator=generator)
    mask = torch.ones_like(ids)
    for row in range(0, 32, 2):
        mask[row, : row + 1] = 0  # left padding, as generate gets it
    results = {
        "decode-dynamic": best_of(args.repeats, lambda: decode(model, lambda: DynamicCache(config=model.config), ids, mask)),
        "decode-growing": best_of(args.repeats, lambda: decode(model, lambda: generation._growing_cache(model, 301 + 64), ids, mask)),
    }
    model.train()
    lengths = torch.linspace(200, 1000, 32).long().tolist()
    rows = torch.randint(10, vocab, (32, max(lengths)), generator=generator)
    padded = torch.zeros_like(rows)
    for row, n in enumerate(lengths):
        padded[row, :n] = 1
    rows = rows * padded
    from ptlab import chat

    masked = {"input_ids": rows, "attention_mask": padded}
    results["train-masked"] = best_of(args.repeats, lambda: train(model, masked))
    results["train-causal"] = best_of(args.repeats, lambda: train(model, chat.causal_inputs(masked)))
    for name, seconds in results.items():
        print(json.dumps({"bench": "kv-and-mask", "case": name, "seconds": seconds, "threads": torch.get_num_threads()}))
    print(json.dumps({"bench": "kv-and-mask-ratio", "decode": results["decode-dynamic"] / results["decode-growing"], "train": results["train-masked"] / results["train-causal"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
