"""Seconds per PPO update of the demo's recipe, by phase: without and with the multi-turn reuse, and with the rollout's log-probs.

    .venv/bin/python bench/ppo_update.py [--updates 2] [--init CHECKPOINT] [--variants sampled,tokens] [--generate-batches 32,128]

Runs `ptlab ppo` in this process on the demo's PPO config (ptlab.demo: 128 episodes per
update in groups of 4, GP-L with 5 attempts, 64 new tokens) from `embedded:gp-base` (or
`--init`), three times in the same run:

- `baseline`: one row per attempt (its whole chat so far), every round prefilled whole,
  the old log-probs recomputed by a scoring pass;
- `reuse`: an episode's attempts share one row of each scoring and training forward pass
  (ppo.shared_rows) and each revision round prefills only the tokens past the chat's last
  generation (generation.PrefixCache); old log-probs still recomputed;
- `sampled`: what the demo runs: `reuse` with `oldLogProbs: "sampling"` (the rollout's own
  log-probs; no scoring pass with group advantages);
- `tokens`: `sampled` with the per-token records at the default rate
  (logging.tokenRecordRate 0.1; the other variants run with 0): their cost, printed as the
  overhead on `sampled`'s update, with tokens.jsonl's bytes per update.

`--generate-batches` runs each variant at each model.generateBatch (default: the demo's, 128:
one generate call per round of its 128 episodes) and prints each one's ratio to the first.
All compute logits at the responses' positions only. Prints one JSON line per variant:
seconds per update in rollout (generation), scoring and the update (forward and backward),
the tokens the training passes read, and the rollout's attempts and episodes; then the
ratios to the baseline. Timings are wall-clock on this machine; the rollouts differ between
the variants only by sampling order (the batches are grouped differently).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ptlab import cli, demo
from ptlab import ppo as ppo_module


def config(init: str | None, updates: int) -> dict[str, Any]:
    data = demo.experiment_configs(Path("."), "full")["ppo.ptlab.json"]
    del data["evaluation"]
    data["ppo"].update(updates=updates)
    if init:
        data["ppo"]["init"] = str(Path(init).resolve())
    else:
        del data["ppo"]["init"]
    return data


def timed(phases: dict[str, float], name: str, function: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def run(variant: str, data: dict[str, Any], workdir: Path, generate_batch: int) -> dict[str, Any]:
    saved = {name: getattr(ppo_module, name) for name in ("collect", "score_rollout", "update", "shared_rows", "PrefixCache")}
    phases: dict[str, float] = {}
    try:
        ppo_module.collect = timed(phases, "rollout", saved["collect"])
        ppo_module.score_rollout = timed(phases, "score", saved["score_rollout"])
        ppo_module.update = timed(phases, "update", saved["update"])
        if variant == "baseline":
            ppo_module.shared_rows = lambda batch: list(range(len(batch)))
            ppo_module.PrefixCache = lambda: None
        data = {**data, "model": {**data["model"], "generateBatch": generate_batch}, "ppo": {**data["ppo"], "oldLogProbs": "sampling" if variant in ("sampled", "tokens") else "recompute"}, "logging": {"tokenRecordRate": 0.1 if variant == "tokens" else 0}}
        run_dir = workdir / f"{variant}-{generate_batch}"
        path = workdir / f"{run_dir.name}.ptlab.json"
        path.write_text(json.dumps(data))
        start = time.perf_counter()
        if cli.main(["ppo", "--config", str(path), "--run-dir", str(run_dir)]) != 0:
            raise SystemExit(f"{run_dir.name}: the PPO run failed")
        total = time.perf_counter() - start
    finally:
        for name, value in saved.items():
            setattr(ppo_module, name, value)
    records = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    trains = [r for r in records if r["kind"] == "train"]
    updates = len(trains)
    token_file = run_dir / "tokens.jsonl"
    return {
        "bench": "ppo-update",
        "variant": variant,
        "generateBatch": generate_batch,
        "updates": updates,
        "secondsPerUpdate": total / updates,
        **{f"{name}SecondsPerUpdate": seconds / updates for name, seconds in sorted(phases.items())},
        "trainTokensPerUpdate": trains[-1]["compute"]["trainTokens"] / updates,
        "episodesPerUpdate": sum(r["metrics"]["rollout/episodes_finished"] for r in trains) / updates,
        "rolloutSuccess": [r["metrics"]["rollout/success_rate"] for r in trains],
        "tokenRecordsSecondsPerUpdate": sum(r["metrics"].get("time/token_records_s", 0) for r in trains) / updates,
        "tokenRecordBytesPerUpdate": (token_file.stat().st_size if token_file.exists() else 0) / updates,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2)
    parser.add_argument("--init", help="a checkpoint to start from (default: embedded:gp-base)")
    parser.add_argument("--variants", default="baseline,reuse,sampled,tokens", help="comma-separated, run in this order")
    parser.add_argument("--generate-batches", help="comma-separated model.generateBatch values, each variant at each (default: the demo's)")
    args = parser.parse_args()
    data = config(args.init, args.updates)
    batches = [int(b) for b in args.generate_batches.split(",")] if args.generate_batches else [data["model"]["generateBatch"]]
    with tempfile.TemporaryDirectory() as tmp:
        runs = {(variant, batch): run(variant, data, Path(tmp), batch) for variant in args.variants.split(",") for batch in batches}
    for result in runs.values():
        print(json.dumps(result))
    for variant in args.variants.split(","):
        first = runs[(variant, batches[0])]
        for batch in batches[1:]:
            ours = runs[(variant, batch)]
            print(json.dumps({"bench": "ppo-update-generate-batch", "variant": variant, "generateBatch": batch, "against": batches[0], **{key: first[key] / ours[key] for key in ("secondsPerUpdate", "rolloutSecondsPerUpdate") if ours.get(key)}}))
    results = {variant: runs[(variant, batches[0])] for variant in args.variants.split(",")}
    base = results.get("baseline")
    for variant in ("reuse", "sampled"):
        ours = results.get(variant)
        if base and ours:
            print(json.dumps({"bench": "ppo-update-ratio", "variant": variant, **{key: base[key] / ours[key] for key in base if key.endswith("PerUpdate") and key not in ("episodesPerUpdate", "tokenRecordsSecondsPerUpdate", "tokenRecordBytesPerUpdate") and ours.get(key)}}))
    if "sampled" in results and "tokens" in results:
        plain, traced = results["sampled"], results["tokens"]
        print(json.dumps({"bench": "ppo-update-token-records", "overhead": traced["secondsPerUpdate"] / plain["secondsPerUpdate"] - 1, "tokenRecordsShare": traced["tokenRecordsSecondsPerUpdate"] / traced["secondsPerUpdate"], "tokenRecordBytesPerUpdate": traced["tokenRecordBytesPerUpdate"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
