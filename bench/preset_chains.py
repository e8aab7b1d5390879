"""The paper's three-stage chains (examples/paper/NAME/1-init, 2-sft, 3-rl) as they launch (two
DeepSpeed ZeRO-3 processes in bf16, gradient checkpointing), shrunk to CPU sizes on the Mllama
replica: 1-init from the base model, then 2-sft and 3-rl from 1-init's final checkpoint, each
evaluating its splits at its start and its checkpoints. A check, not a benchmark: it found a
ZeRO-3 hang in V-IRL-VL's PPO that the tests' shorter runs missed (tests/test_preset_launch.py
runs two of the presets in the CI).

    .venv/bin/python bench/preset_chains.py [--updates 2] [--timeout 900] [gp-l gp-vl virl-l virl-vl]

Prints a JSON line per stage: its outcome, seconds, and its last training record's losses and
compute; a stage that fails or hangs (killed after --timeout seconds) ends its chain."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "trainer" / "tests"))
import two_processes  # noqa: E402

from ptlab import replicas  # noqa: E402

STAGES = (("1-init", "sft"), ("2-sft", "sft"), ("3-rl", "ppo"))
KEPT = ("train/loss", "ppo/policy_loss", "ppo/value_loss", "rollout/reward_mean", "ppo/optimizer_steps")


def shrunk(data: dict, init: Path, updates: int) -> dict:
    """A stage's config at CPU sizes, on the replica, starting from `init` where it names one."""
    if "sft" in data:
        data["sft"]["data"]["examples"] = 32
        data["sft"].update(steps=2, globalBatchSize=8, microBatchSize=2, saveEverySteps=1)
        if "init" in data["sft"]:
            data["sft"]["init"] = str(init)
    if "ppo" in data:
        data["ppo"].update(init=str(init), updates=updates, stepsPerUpdate=16, parallelEnvs=8, epochs=1, miniBatchSize=8, microBatchSize=4, maxNewTokens=24, saveEverySteps=1)
    for split in data["evaluation"]["splits"]:
        if not split.get("eachRouteOnce"):
            split["episodes"] = 2
    data["evaluation"]["maxNewTokens"] = 16
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", default=["gp-l", "gp-vl", "virl-l", "virl-vl"])
    parser.add_argument("--updates", type=int, default=2, help="PPO updates in 3-rl")
    parser.add_argument("--timeout", type=int, default=900, help="seconds before a stage is killed as hung")
    parser.add_argument("--out", type=Path, help="where the runs go (default: a temporary folder)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="ptlab-chains-"))
    model = str(replicas.replica_path("mllama"))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in args.names:
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for stage, job in STAGES:
            data = json.loads((ROOT / "examples" / "paper" / name / f"{stage}.ptlab.json").read_text())
            launcher = data["launcher"]
            data["model"]["name"] = model
            path = folder / f"{stage}.ptlab.json"
            path.write_text(json.dumps(shrunk(data, folder / "1-init" / "checkpoints" / "final", args.updates)))
            started = time.time()
            line: dict = {"chain": name, "stage": stage, "job": job, "launch": f'{launcher["distributed"]} {launcher["mixedPrecision"]}'}
            try:
                done = two_processes.launched(job, path, folder / stage, env, deepspeed_stage=int(launcher["distributed"][-1]), mixed_precision=launcher["mixedPrecision"], timeout=args.timeout)
                line["outcome"] = "ok" if done.returncode == 0 else f"exit {done.returncode}"
                error = done.stderr
            except BaseException as stopped:  # two_processes fails a stage that does not end (pytest's Failed)
                line["outcome"], error = "hung", str(stopped)
            line["seconds"] = round(time.time() - started, 1)
            if line["outcome"] != "ok":
                print(json.dumps({**line, "error": error[-2000:]}), flush=True)
                break
            records = [json.loads(r) for r in (folder / stage / "metrics.jsonl").read_text().splitlines()]
            train = [r for r in records if r["kind"] == "train"]
            line["trainRecords"], line["evalRecords"] = len(train), sum(r["kind"] == "eval" for r in records)
            line["last"] = {k: train[-1]["metrics"][k] for k in KEPT if train[-1]["metrics"].get(k) is not None}
            line["compute"] = {k: train[-1]["compute"][k] for k in ("initTokens", "trainTokens", "inferenceTokens", "visualTrainTokens")}
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
