"""Seconds per greedy evaluation of the demo's splits at several model.generateBatch values, same answers required.

    .venv/bin/python bench/evaluation_batch.py --init CHECKPOINT [--batches 32,64,128,256] [--episodes 256]

Evaluates the demo's ID and OOD splits (ptlab.demo's evaluation: greedy, 64 new tokens, up to
5 attempts with the verifier's messages) from CHECKPOINT (the demo's Init:
runs/demo/sft-init/checkpoints/final) once per batch size, in this process, and prints one
JSON line per size (seconds per split, success) and the ratio of each to the first size.
Exits 1 if any size answers differently: the batch is a speed and memory knob only.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    import torch
    from ptlab import demo, evaluate
    from ptlab.config import load_experiment
    from ptlab.models import load

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--init", required=True, help="the checkpoint to evaluate (the demo's Init)")
    parser.add_argument("--batches", default="32,64,128,256", help="distinct sizes, comma-separated")
    parser.add_argument("--episodes", type=int, default=256, help="per split")
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    if len(set(batches)) != len(batches):
        parser.error("--batches: each size once")
    data = demo.experiment_configs(Path("."), "full")["sft-more.ptlab.json"]
    data["model"]["name"] = str(Path(args.init).resolve())
    print(json.dumps({"bench": "evaluation-batch", "machine": platform.processor() or platform.machine(), "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
    answers: dict[int, list[list[str]]] = {}
    seconds: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for batch in batches:
            data["model"]["generateBatch"] = batch
            path = Path(tmp) / f"eval-{batch}.ptlab.json"
            path.write_text(json.dumps(data))
            experiment = load_experiment(path)
            model, tokenizer = load(experiment.model, "cpu")
            model.eval()
            answers[batch], splits = [], {}
            started = time.perf_counter()
            for split in experiment.evaluation.splits:
                begun = time.perf_counter()
                with torch.no_grad():
                    slots, summary = evaluate.run_split(experiment, dataclasses.replace(split, episodes=args.episodes), model, tokenizer, {"do_sample": False})
                splits[split.name] = {"seconds": round(time.perf_counter() - begun, 2), "success": summary["success"]["rate"], "meanAttempts": summary["meanAttempts"]}
                answers[batch] += [[t["output"] for t in slot.turns] for slot in slots]
            seconds[batch] = time.perf_counter() - started
            print(json.dumps({"bench": "evaluation-batch", "generateBatch": batch, "seconds": round(seconds[batch], 2), "splits": splits}), flush=True)
    first = next(iter(seconds))
    for batch in list(seconds)[1:]:
        print(json.dumps({"bench": "evaluation-batch-ratio", "generateBatch": batch, "against": first, "speedup": round(seconds[first] / seconds[batch], 3), "sameAnswers": answers[batch] == answers[first]}))
    return 0 if all(a == answers[first] for a in answers.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
