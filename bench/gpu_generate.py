"""Rollout decoding on the GPU, the way PPO calls it: one batched generate per round, prompts
growing from round to round (sequential revision), at 0.5B parameters with random weights.

    python3 bench/gpu_generate.py                  # on an H100/H200
    .venv/bin/python bench/gpu_generate.py --size tiny --batch 4 --new-tokens 8   # CPU smoke run

Modes, each over the same rounds (prompt lengths 180, 260, 340, 420, then again):
  dynamic       transformers' default DynamicCache, eager (what ptlab does today)
  static        cache_implementation="static": on CUDA generate compiles the decoding step
                (torch.compile, CUDA graphs); a new prompt length means a new cache size
  static-fixed  one StaticCache of a fixed length, reset and passed to every call, so every
                decoding step has the same shapes and compiles once
  continuous    transformers' continuous batching (model.generate_batch: a paged KV cache,
                requests scheduled as they finish), each row without its padding
Prints a JSON line per call (seconds, new tokens/s) and one per mode (steady-state tokens/s,
the first call's seconds, which carry the compilation).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM, StaticCache

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_train import SIZES  # noqa: E402

PROMPT_LENGTHS = (180, 260, 340, 420, 180, 260, 340, 420)


def synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def rounds(model: Qwen2ForCausalLM, mode: str, batch: int, new_tokens: int, vocab: int) -> dict:
    device = model.device
    cache = StaticCache(config=model.config, max_cache_len=max(PROMPT_LENGTHS) + new_tokens) if mode == "static-fixed" else None
    seconds = []
    for length in PROMPT_LENGTHS:
        generator = torch.Generator().manual_seed(length)
        ids = torch.randint(0, vocab, (batch, length), generator=generator).to(device)
        attention = torch.ones_like(ids)
        attention[: batch // 2, : length // 4] = 0  # left padding on half the rows, as in a batch of episodes
        options = {"cache_implementation": "static"} if mode == "static" else {}
        if cache is not None:
            cache.reset()
            options = {"cache": cache}
        synchronize()
        started = time.perf_counter()
        with torch.no_grad():
            if mode == "continuous":
                config = GenerationConfig(max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=True, temperature=1.0, top_k=0, pad_token_id=0, eos_token_id=None)
                outputs = model.generate_batch([row[mask.bool()].tolist() for row, mask in zip(ids.cpu(), attention.cpu())], generation_config=config)
                assert all(len(o.generated_tokens) == new_tokens for o in outputs.values()), "continuous batching stopped a request early"
            else:
                model.generate(input_ids=ids, attention_mask=attention, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=True, temperature=1.0, pad_token_id=0, **options)
        synchronize()
        seconds.append(time.perf_counter() - started)
        print(json.dumps({"mode": mode, "promptLength": length, "seconds": round(seconds[-1], 3), "newTokensPerSecond": round(batch * new_tokens / seconds[-1], 1)}), flush=True)
    steady = seconds[len(PROMPT_LENGTHS) // 2 :]  # the second pass over the same lengths
    return {"mode": mode, "steadyNewTokensPerSecond": round(batch * new_tokens * len(steady) / sum(steady), 1), "firstCallSeconds": round(seconds[0], 2), "totalSeconds": round(sum(seconds), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="0.5b")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--new-tokens", type=int, default=96)
    parser.add_argument("--modes", default="dynamic,static-fixed,static,continuous")
    args = parser.parse_args()
    cuda = torch.cuda.is_available()
    torch.manual_seed(0)
    config = Qwen2Config(**SIZES[args.size], max_position_embeddings=4096)
    model = Qwen2ForCausalLM(config).to("cuda" if cuda else "cpu", torch.bfloat16 if cuda else torch.float32).eval()
    print(json.dumps({"device": torch.cuda.get_device_name(0) if cuda else "cpu", "size": args.size, "batch": args.batch, "newTokens": args.new_tokens, "torch": torch.__version__}), flush=True)
    for mode in args.modes.split(","):
        try:
            print(json.dumps(rounds(model, mode, args.batch, args.new_tokens, config.vocab_size)), flush=True)
        except Exception as err:  # a mode that fails is a result too
            print(json.dumps({"mode": mode, "error": f"{type(err).__name__}: {err}"[:500]}), flush=True)


if __name__ == "__main__":
    main()
