"""One decoding step's token choice for a batch of rows, as generate samples (the warpers, a
softmax, torch.multinomial from the process's stream) and as evaluation's keyed draws do
(generation._KeyedDraws: the same warpers, one keyed uniform per row, inverse CDF; generate
then takes the one token left, argmax). What per-episode draws add to each decoding step.

    .venv/bin/python bench/sampling_draws.py                                  # CPU, fp32
    python3 bench/sampling_draws.py --device cuda --dtype bf16 --rows 64,256   # a GPU (gpu_check.sh sampling-draws)

Vocabularies: Llama 3's 128,256 and Qwen2.5's 151,936 by default; decoding as Llama 3.2
Vision's generation_config (temperature 0.6, top-p 0.9: the paper presets' evaluation) and
as a configured temperature without top-p. Random logits (a standard normal times 4). Each
variant in turn, ABAB over --rounds; the median of --steps calls per variant and round.
Prints JSON lines.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "trainer"))

from ptlab import generation  # noqa: E402

DECODINGS = {"llama-3.2-vision": {"temperature": 0.6, "top_p": 0.9}, "temperature-1.0": {"temperature": 1.0}}


def choosers(decoding: dict, rows: int, device: str) -> dict:
    from transformers import GenerationConfig

    warpers = generation._warpers(GenerationConfig(do_sample=True, **decoding))
    keys = torch.tensor([generation.draw_key("bench", i) for i in range(rows)], device=device)
    drawer = generation._KeyedDraws(warpers, keys, width=0)

    def multinomial(ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        for warper in warpers:
            scores = warper(ids, scores)
        return torch.multinomial(torch.softmax(scores, dim=-1), num_samples=1).squeeze(1)

    def keyed(ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        return torch.argmax(drawer(ids, scores), dim=-1)

    return {"multinomial": multinomial, "keyed": keyed}


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def timed(choose, ids: torch.Tensor, scores: torch.Tensor, steps: int, device: str) -> float:
    times = []
    for _ in range(steps):
        sync(device)
        start = time.perf_counter()
        choose(ids, scores.clone())
        sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="fp32", choices=["fp32", "bf16"])
    parser.add_argument("--rows", default="8,64")
    parser.add_argument("--vocab", default="128256,151936")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[args.dtype]
    print(json.dumps({"device": torch.cuda.get_device_name() if args.device == "cuda" else "cpu", "threads": torch.get_num_threads(), "torch": torch.__version__}))
    for vocab in map(int, args.vocab.split(",")):
        for rows in map(int, args.rows.split(",")):
            g = torch.Generator().manual_seed(0)
            scores = (torch.randn((rows, vocab), generator=g) * 4).to(device=args.device, dtype=dtype)
            ids = torch.zeros((rows, 1), dtype=torch.long, device=args.device)
            for name, decoding in DECODINGS.items():
                chosen = choosers(decoding, rows, args.device)
                medians: dict[str, list[float]] = {variant: [] for variant in chosen}
                for variant, choose in chosen.items():  # warm-up
                    choose(ids, scores.clone())
                for _ in range(args.rounds):
                    for variant, choose in chosen.items():
                        medians[variant].append(timed(choose, ids, scores, args.steps, args.device))
                line = {"bench": "sampling-draws", "vocab": vocab, "rows": rows, "decoding": name, "dtype": args.dtype}
                line |= {f"{variant}Ms": round(statistics.median(values), 3) for variant, values in medians.items()}
                line["keyedOverMultinomial"] = round(line["keyedMs"] / line["multinomialMs"], 3)
                print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
