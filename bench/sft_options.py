"""`ptlab sft` under its speed options, on this machine, ratios against the defaults in the same run.

    .venv/bin/python bench/sft_options.py [--steps 12] [--variants default,compile,padding-free]

The demo's GP-L SFT recipe (ptlab.demo: embedded:gp-base, 32 sequences per step in
micro-batches of 16, fp32) from the base, without evaluation, once per variant:

- `default`: as the demo runs it;
- `compile`: model.compile (torch.compile of the training passes, dynamic shapes);
- `padding-free`: sft.paddingFree (each micro-batch in one row; under SDPA a dense mask);
- `packing`: sft.packing (several examples per row, maxLength 1024; a step then holds more examples);
- `padding-free-varlen`, `packing-varlen`: those under model.attention "varlen" (each row
  attended one example at a time: on CPU one SDPA call per example, on CUDA PyTorch's
  variable-length kernel);
- `adam-for-loop`, `adam-foreach`: sft.adam.implementation (the default is fused).

Prints one JSON line per variant: the process's wall seconds (loading and any compile
included), the steady seconds per step (from the second record on: the first carries the
compile), training tokens/s over those steps, the padded share of the positions read and
the last step's loss; then each variant's ratios to `default`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from ptlab import demo

VARIANTS = {
    "default": lambda data: None,
    "compile": lambda data: data["model"].update(compile=True),
    "padding-free": lambda data: data["sft"].update(paddingFree=True),
    "packing": lambda data: (data["sft"].update(packing=True), data["model"].update(maxLength=1024)),
    "padding-free-varlen": lambda data: (data["sft"].update(paddingFree=True), data["model"].update(attention="varlen")),
    "packing-varlen": lambda data: (data["sft"].update(packing=True), data["model"].update(maxLength=1024, attention="varlen")),
    "adam-for-loop": lambda data: data["sft"].update(adam={**data["sft"].get("adam", {}), "implementation": "for-loop"}),
    "adam-foreach": lambda data: data["sft"].update(adam={**data["sft"].get("adam", {}), "implementation": "foreach"}),
}


def config(steps: int) -> dict[str, Any]:
    data = demo.experiment_configs(Path("."), "full")["sft-more.ptlab.json"]
    del data["evaluation"], data["sft"]["init"]
    data["sft"].update(steps=steps, saveEverySteps=100_000)
    data["sft"]["data"]["examples"] = 32 * (steps + 1)
    return data


def run(name: str, data: dict[str, Any], workdir: Path) -> dict[str, Any]:
    VARIANTS[name](data)
    path = workdir / f"{name}.ptlab.json"
    path.write_text(json.dumps(data))
    run_dir = workdir / name
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ptlab", "sft", "--config", str(path), "--run-dir", str(run_dir)], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{name}: ptlab sft failed ({done.returncode}):\n{done.stderr[-3000:]}")
    records = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    train = [r for r in records if r["kind"] == "train"]
    first, last = train[0], train[-1]
    seconds = last["wallSeconds"] - first["wallSeconds"]
    return {
        "bench": "sft-options",
        "variant": name,
        "steps": len(train),
        "processSeconds": round(wall, 1),
        "firstStepSeconds": round(first["wallSeconds"], 2),
        "steadySecondsPerStep": round(seconds / (len(train) - 1), 3),
        "tokensPerSecond": round((last["compute"]["trainTokens"] - first["compute"]["trainTokens"]) / seconds, 1),
        "paddingFraction": round(sum(r["metrics"]["perf/padding_fraction"] for r in train) / len(train), 4),
        "lastLoss": last["metrics"]["train/loss"],
        "threads": torch.get_num_threads(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--variants", default="default,compile,padding-free")
    args = parser.parse_args()
    names = args.variants.split(",")
    if names[0] != "default":
        names.insert(0, "default")
    with tempfile.TemporaryDirectory() as tmp:
        results = {name: run(name, config(args.steps), Path(tmp)) for name in names}
    for result in results.values():
        print(json.dumps(result), flush=True)
    base = results["default"]
    for name, ours in results.items():
        if name != "default":
            print(json.dumps({"bench": "sft-options-ratio", "variant": name, "tokensPerSecond": round(ours["tokensPerSecond"] / base["tokensPerSecond"], 3), "processSeconds": round(base["processSeconds"] / ours["processSeconds"], 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
