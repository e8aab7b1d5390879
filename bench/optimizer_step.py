"""One Adam step over a model's parameters under each of PyTorch's kernels (`adam.implementation`:
for-loop, foreach, fused), on this machine, and how far each lands from the for-loop's.

    .venv/bin/python bench/optimizer_step.py                         # CPU: the embedded models, fp32
    python3 bench/optimizer_step.py --models 0.5b --dtype bf16       # CUDA: bench/gpu_trainer.py's 0.5B shape

The optimizers are the trainer's (ptlab.optimizers.adam: torch.optim.AdamW with sft.adam's
options, weight decay 0.01; bf16 weights stepped through fp32 copies, the copies in and out
included in a step's time); the gradients are fixed random tensors,
the same for every kernel. Each kernel starts from the same weights and takes `--steps`
steps; the median step of the steps after the first two is reported, with the largest
difference of its weights from the for-loop's at the end. Prints JSON lines.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ptlab import models, optimizers  # noqa: E402
from ptlab.config import Adam, Model  # noqa: E402

IMPLEMENTATIONS = ("for-loop", "foreach", "fused")


def parameters(name: str, device: str, dtype: torch.dtype) -> list[torch.nn.Parameter]:
    if name.startswith("embedded:"):
        model, _ = models.load(Model(name=name, dtype="fp32"), "cpu")
    else:
        from transformers import Qwen2Config, Qwen2ForCausalLM

        from gpu_train import SIZES

        with torch.device(device):  # initialized where it runs: a 1.5B model's init on the host takes a while
            model = Qwen2ForCausalLM(Qwen2Config(**SIZES[name]))
    return [p for p in model.to(device=device, dtype=dtype).parameters() if p.requires_grad]


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def bench(name: str, device: str, dtype: torch.dtype, steps: int) -> list[dict]:
    params = parameters(name, device, dtype)
    torch.manual_seed(0)
    grads = [torch.randn_like(p) * 1e-3 for p in params]
    start = [p.detach().clone() for p in params]
    finals, lines = {}, []
    for implementation in IMPLEMENTATIONS:
        with torch.no_grad():
            for p, s in zip(params, start):
                p.copy_(s)
        optimizer = optimizers.adam(torch.optim.AdamW, params, 1e-3, Adam(weightDecay=0.01, implementation=implementation), "sft.adam.implementation", ValueError)
        seconds = []
        for _ in range(steps):
            for p, g in zip(params, grads):
                p.grad = g.clone()
            sync(device)
            started = time.perf_counter()
            optimizer.step()
            sync(device)
            seconds.append(time.perf_counter() - started)
        finals[implementation] = [p.detach().float().clone() for p in params]
        del optimizer
        lines.append({"bench": "optimizer-step", "model": name, "parameters": sum(p.numel() for p in params), "device": device, "dtype": str(dtype).removeprefix("torch."), "implementation": implementation, "medianMs": round(statistics.median(seconds[2:]) * 1e3, 3)})
    base = lines[0]["medianMs"]
    for line in lines:
        line["speedup"] = round(base / line["medianMs"], 2)
        line["maxDiffFromForLoop"] = max(float((a - b).abs().max()) for a, b in zip(finals[line["implementation"]], finals["for-loop"]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="embedded:tiny-lm,embedded:gp-base", help="embedded models, or bench/gpu_train.py's sizes (0.5b, 1.5b, tiny)")
    parser.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    parser.add_argument("--steps", type=int, default=12)
    args = parser.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[args.dtype]
    print(json.dumps({"device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu", "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
    for name in args.models.split(","):
        for line in bench(name, device, dtype, args.steps):
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
