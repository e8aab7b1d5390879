"""Training and rollout throughput for a real architecture at 0.5B-1.5B parameters (random
weights are fine for speed), with MFU against the GPU's bf16 dense peak.

    .venv/bin/python bench/gpu_train.py --size 0.5b      # on an H100/H200
    .venv/bin/python bench/gpu_train.py --size tiny      # a CPU smoke run of the same code

Prints JSON lines: the device, then train (forward + backward + AdamW step, bf16 autocast,
gradient checkpointing off) and generate (batched greedy decoding with the KV cache).
MFU = achieved FLOPs / peak, with 6 N tokens per training token and 2 N per generated one.
"""

from __future__ import annotations

import argparse
import json
import time

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

# Qwen2.5-style shapes (no weights are downloaded: the model is built from its config)
SIZES = {
    "tiny": dict(hidden_size=128, intermediate_size=352, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, vocab_size=2048),
    "0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2, vocab_size=151936),
    "1.5b": dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12, num_key_value_heads=2, vocab_size=151936),
}
BF16_PEAK_TFLOPS = {"H100": 989.0, "H200": 989.0, "A100": 312.0}  # dense, SXM


def peak_tflops(name: str) -> float | None:
    return next((v for k, v in BF16_PEAK_TFLOPS.items() if k in name), None)


def synchronize(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="0.5b")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--gen-batch", type=int, default=64)
    parser.add_argument("--gen-tokens", type=int, default=256)
    args = parser.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    torch.manual_seed(0)
    config = Qwen2Config(**SIZES[args.size], max_position_embeddings=max(4096, args.seq + args.gen_tokens), tie_word_embeddings=args.size != "1.5b")
    model = Qwen2ForCausalLM(config).to(device)
    n = sum(p.numel() for p in model.parameters())
    peak = peak_tflops(name)
    print(json.dumps({"device": name, "size": args.size, "parameters": n, "bf16PeakTflops": peak, "torch": torch.__version__}))

    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=device == "cuda")
    ids = torch.randint(0, config.vocab_size, (args.batch, args.seq), device=device)
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    for step in range(args.steps + 2):
        if step == 2:  # two warm-up steps
            synchronize(device)
            start = time.perf_counter()
        with torch.autocast(device_type=device, dtype=dtype, enabled=device == "cuda"):
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    synchronize(device)
    seconds = time.perf_counter() - start
    tokens = args.batch * args.seq * args.steps
    achieved = 6 * n * tokens / seconds / 1e12
    print(json.dumps({"bench": "train", "tokensPerSecond": tokens / seconds, "achievedTflops": achieved, "mfu": achieved / peak if peak else None, "batch": args.batch, "seq": args.seq}))

    model = model.to(dtype).eval()
    prompt = torch.randint(0, config.vocab_size, (args.gen_batch, 128), device=device)
    with torch.no_grad():
        for _ in range(2):  # full-length warm-ups: the first calls run several times slower (bench/gpu_generate.py)
            model.generate(prompt, max_new_tokens=args.gen_tokens, min_new_tokens=args.gen_tokens, do_sample=False)
        synchronize(device)
        start = time.perf_counter()
        out = model.generate(prompt, max_new_tokens=args.gen_tokens, min_new_tokens=args.gen_tokens, do_sample=False)
        synchronize(device)
    seconds = time.perf_counter() - start
    generated = (out.shape[1] - prompt.shape[1]) * args.gen_batch
    achieved = 2 * n * generated / seconds / 1e12
    print(json.dumps({"bench": "generate", "newTokensPerSecond": generated / seconds, "achievedTflops": achieved, "mfu": achieved / peak if peak else None, "batch": args.gen_batch}))


if __name__ == "__main__":
    main()
