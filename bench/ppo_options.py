"""`ptlab ppo` under its speed options, on this machine, ratios against the defaults in the same run.

    .venv/bin/python bench/ppo_options.py [--task gp-l|virl-l] [--updates 4] [--rounds 2] [--variants default,shared-prefixes]

The demo's PPO recipe (ptlab.demo; GP-L: embedded:gp-base after the demo's Init SFT, 128
episodes per update in groups of 4, micro-batches of 32, fp32; `--task virl-l`: V-IRL-L's
from embedded:virl-base), without evaluation, once per variant, from the same Init:

- `default`: as the demo ran it before ppo.sharedPrefixes;
- `shared-prefixes`: ppo.sharedPrefixes (each group's first prompt read once per pass);
- `padding-free`: ppo.paddingFree (each micro-batch in one row; under SDPA a dense mask);
- `padding-free-varlen`: the same under model.attention "varlen" (one SDPA call per sequence on CPU);
- `head-chunk`: ppo.headChunk 256 (the LM head on the response tokens' hidden states, 256 at
  a time, again in backward);
- `adam-for-loop`: ppo.adam.implementation "for-loop" (torch's default on CPU; ours is fused);
- `ddp-2`: the default recipe as two processes of one thread each (`accelerate launch`,
  gloo on CPUs), each with half the environment slots, transitions and mini-batch, so that
  an update trains on as many transitions in as many optimizer steps: whether two
  single-threaded workers beat one process's two threads on small kernels.

The variants run in turn, `--rounds` times (ABAB: a shared VM's speed drifts within minutes).
Prints one JSON line per run: the mean seconds per update spent training and generating
(time/training_s, time/generation_s; the first update left out), the training tokens read
per update and the training tokens/s; then each variant's ratios to `default`, from the
sums over the rounds. The variants
train on the same first rollout; later rollouts part as their weights do (a variant may order
an update's mini-batches differently), so compare seconds per token as well as per update.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from ptlab import demo


def per_process(ppo: dict[str, Any], processes: int) -> dict[str, Any]:
    """The recipe's sizes for each of `processes` DDP processes (each collects its own rollout
    and trains on its share of every mini-batch, gradients averaged): the update as a whole
    runs as many environment slots and transitions, in as many optimizer steps."""
    split = dict(ppo)
    for key in ("parallelEnvs", "stepsPerUpdate", "miniBatchSize"):
        if split[key] % processes or (key == "parallelEnvs" and split[key] // processes % split.get("groupSize", 1)):
            sys.exit(f"ppo.{key} ({split[key]}) does not split into {processes} processes' whole groups")
        split[key] //= processes
    split["microBatchSize"] = min(split["microBatchSize"], split["miniBatchSize"])
    return split


VARIANTS = {
    "default": lambda data: data["ppo"].update(sharedPrefixes=False),
    "shared-prefixes": lambda data: data["ppo"].update(sharedPrefixes=True),
    "padding-free": lambda data: data["ppo"].update(sharedPrefixes=False, paddingFree=True),
    "padding-free-varlen": lambda data: (data["ppo"].update(sharedPrefixes=False, paddingFree=True), data["model"].update(attention="varlen")),
    "head-chunk": lambda data: data["ppo"].update(sharedPrefixes=False, headChunk=256),
    "adam-for-loop": lambda data: data["ppo"].update(sharedPrefixes=False, adam={**data["ppo"].get("adam", {}), "implementation": "for-loop"}),
    "ddp-2": lambda data: data.update(ppo=per_process(data["ppo"], 2), launcher={"kind": "accelerate", "cpuProcesses": 2}),
}


def ptlab(job: str, config: dict[str, Any], workdir: Path, name: str) -> tuple[Path, float]:
    """`ptlab launch` of the job: one process, or as the config's launcher says."""
    path = workdir / "configs" / f"{name}.ptlab.json"  # where the demo writes them: its init paths are relative
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(config))
    run_dir = workdir / name
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ptlab", "launch", "--job", job, "--config", str(path), "--run-dir", str(run_dir)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{name}: ptlab {job} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return run_dir, time.perf_counter() - started


def measure(name: str, config: dict[str, Any], workdir: Path, round_: int) -> dict[str, Any]:
    VARIANTS[name](config)
    processes = config.get("launcher", {}).get("cpuProcesses", 1)
    run_dir, wall = ptlab("ppo", config, workdir, f"{name}-{round_}")
    train = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    train = [r for r in train if r["kind"] == "train"]
    steady = train[1:]
    tokens = [b["compute"]["trainTokens"] - a["compute"]["trainTokens"] for a, b in zip(train, train[1:])]
    training = sum(r["metrics"]["time/training_s"] for r in steady) / len(steady)
    return {
        "bench": "ppo-options",
        "variant": name,
        "round": round_,
        "updates": len(train),
        "processSeconds": round(wall, 1),
        "trainingSecondsPerUpdate": round(training, 2),
        "generationSecondsPerUpdate": round(sum(r["metrics"]["time/generation_s"] for r in steady) / len(steady), 2),
        "trainTokensPerUpdate": round(sum(tokens) / len(tokens)),
        "trainingTokensPerSecond": round(sum(tokens) / len(tokens) / training, 1),
        "firstUpdatePolicyLoss": train[0]["metrics"]["ppo/policy_loss"],
        "processes": processes,
        "threadsPerProcess": max(1, (os.cpu_count() or 1) // processes) if processes > 1 else torch.get_num_threads(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--task", choices=sorted(demo.TASKS), default="gp-l")
    parser.add_argument("--variants", default="default,shared-prefixes")
    args = parser.parse_args()
    names = args.variants.split(",")
    if names[0] != "default":
        names.insert(0, "default")
    print(json.dumps({"bench": "ppo-options", "machine": platform.processor() or platform.machine(), "torch": torch.__version__, "task": args.task, "updates": args.updates}), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        configs = demo.experiment_configs(workdir, "full", task=args.task)
        init = configs["sft-init.ptlab.json"]
        init.pop("evaluation", None)
        ptlab("sft", init, workdir, "sft-init")
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        for round_ in range(args.rounds):
            for name in names:
                config = json.loads(json.dumps(configs["ppo.ptlab.json"]))
                del config["evaluation"]
                config["ppo"].update(updates=args.updates, saveEverySteps=None)
                config["ppo"] = {k: v for k, v in config["ppo"].items() if v is not None}
                results[name].append(measure(name, config, workdir, round_))
                print(json.dumps(results[name][-1]), flush=True)

    def total(name: str, key: str) -> float:
        return sum(r[key] for r in results[name])

    for name in names[1:]:
        print(json.dumps({
            "bench": "ppo-options-ratio",
            "variant": name,
            "rounds": args.rounds,
            "trainingSecondsPerUpdate": round(total("default", "trainingSecondsPerUpdate") / total(name, "trainingSecondsPerUpdate"), 3),
            "generationSecondsPerUpdate": round(total("default", "generationSecondsPerUpdate") / total(name, "generationSecondsPerUpdate"), 3),
            "trainingTokensPerSecond": round(total(name, "trainingTokensPerSecond") / total("default", "trainingTokensPerSecond"), 3),
            "trainTokensPerUpdate": round(total(name, "trainTokensPerUpdate") / total("default", "trainTokensPerUpdate"), 3),
        }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
