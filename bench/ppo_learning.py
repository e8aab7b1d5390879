"""Does PPO learn? The reward curve of a PPO run from an Init checkpoint, update by update.

    .venv/bin/python bench/ppo_learning.py --init runs/demo/sft-init/checkpoints/final \
        [--task gp-l|virl-l] [--updates 10] [--episodes 128] [--set ppo.learningRate=3e-6 ...] [--out DIR]

Runs `python -m ptlab ppo` on the demo's PPO config of the task (ptlab.demo) with the overrides given
(dotted keys, JSON values), evaluating ID and OOD at the start and at the end (and every
`--eval-every` updates), then prints one line per update from the run's metrics: the
rollout's mean reward, the success rate of the episodes that ended in it, the clip fraction,
the approximate KL, the value loss, the entropy, and the evaluations with their standard
errors. Evaluation uses seeds of its own (TUNING_EVAL_SEED), not the demo's: whatever this
is used to choose, the demo's evaluation stays held out. The first optimizer step of each update must see ratio 1 (the rollout's log-probs
and the training forward agree): `ppo/first_step_logprob_gap` is printed as `gap`.
`--from-run DIR` prints an existing run's curve without training.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ptlab import demo

COLUMNS = (
    ("reward", "rollout/reward_mean", "{:+.2f}"),
    ("solved", "rollout/success_rate", "{:.2f}"),
    ("ended", "rollout/episodes_finished", "{:d}"),
    ("clip", "ppo/clipfrac", "{:.2f}"),
    ("kl", "ppo/approx_kl", "{:.3f}"),
    ("gap", "ppo/first_step_logprob_gap", "{:.0e}"),
    ("vloss", "ppo/value_loss", "{:.2f}"),
    ("entropy", "ppo/entropy", "{:.3f}"),
    ("lr", "train/lr", "{:.1e}"),
)


# Tuning evaluates on its own seeds: the demo's (ptlab.demo, evaluation.seed) stay held out.
TUNING_EVAL_SEED = 99


def config_for(init: Path, updates: int, episodes: int, eval_every: int, overrides: list[str], task: str = "gp-l") -> dict[str, Any]:
    config = demo.experiment_configs(Path("."), "full", task=task)["ppo.ptlab.json"]
    config["ppo"].update(init=str(init.resolve()), updates=updates)
    config["evaluation"].update(everySteps=eval_every, seed=TUNING_EVAL_SEED, atStart=True)  # the demo leaves Init to its SFT run; here it is the baseline
    for split in config["evaluation"]["splits"]:
        split["episodes"] = episodes
    for item in overrides:
        key, _, raw = item.partition("=")
        *path, leaf = key.split(".")
        target = config
        for part in path:
            target = target.setdefault(part, {})
        target[leaf] = json.loads(raw) if raw[:1] in "[{\"-0123456789tfn" else raw
    return config


def curve(run: Path) -> list[str]:
    """The run's learning curve as text lines, one per update and one per evaluation."""
    head = f"{'update':>6} " + " ".join(f"{name:>8}" for name, _, _ in COLUMNS)
    lines = [head]
    for line in (run / "metrics.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["kind"] == "train":
            cells = []
            for _, key, form in COLUMNS:
                value = record["metrics"].get(key)
                cells.append(f"{'-' if value is None else form.format(value):>8}")
            lines.append(f"{record['step']:>6} " + " ".join(cells))
        elif record["kind"] == "eval":
            s = record["success"]
            lines.append(f"{record['step']:>6}   eval {record['split']:<9} success {s['rate']:.3f} +- {s['stderr']:.3f} (n {s['n']}), mean reward {record.get('meanReward', float('nan')):+.2f}")
    return lines


def first_attempts(run: Path) -> list[str]:
    """How the evaluations' first attempts end, per split and step (greedy: what PPO changed in
    the policy's mode): solved, or the verifier's failure mode, as shares of the episodes."""
    import collections

    path = run / "episodes.jsonl"
    if not path.exists():
        return []
    by: dict[tuple[str, int], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in path.read_text().splitlines():
        episode = json.loads(line)
        if episode["split"] == "train" or not episode["turns"]:
            continue
        first = episode["turns"][0]
        by[(episode["split"], episode["step"])][first.get("failureMode") or ("solved" if first["reward"] > 0 else "other")] += 1
    lines = ["first attempts of the evaluations (share of episodes):"]
    for (split, step), counts in sorted(by.items()):
        n = sum(counts.values())
        lines.append(f"{step:>6}   {split:<9} " + ", ".join(f"{mode} {count / n:.2f}" for mode, count in counts.most_common()))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--init", type=Path, default=Path("runs/demo/sft-init/checkpoints/final"))
    parser.add_argument("--task", choices=sorted(demo.TASKS), default="gp-l", help="the study whose PPO config runs (default gp-l)")
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--episodes", type=int, default=128, help="evaluation episodes per split")
    parser.add_argument("--eval-every", type=int, default=0, help="evaluate every N updates too (0: start and end only)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override, e.g. ppo.learningRate=3e-6")
    parser.add_argument("--out", type=Path, default=Path("runs/bench-ppo-learning"))
    parser.add_argument("--from-run", type=Path, help="print this run's curve, train nothing")
    args = parser.parse_args(argv)
    if args.from_run:
        print("\n".join(curve(args.from_run) + first_attempts(args.from_run)))
        return 0
    if not (args.init / "config.json").is_file():
        raise SystemExit(f"--init {args.init}: no checkpoint there (run `npm run demo` first, or pass an SFT checkpoint folder)")
    config = config_for(args.init, args.updates, args.episodes, args.eval_every or args.updates, args.set, args.task)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "ppo.ptlab.json"
    path.write_text(json.dumps(config, indent=2) + "\n")
    run = args.out / "run"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "ptlab", "ppo", "--config", str(path), "--run-dir", str(run)], check=True)
    print(f"overrides: {' '.join(args.set) or '(none)'}; {time.monotonic() - started:.0f} s")
    print("\n".join(curve(run) + first_attempts(run)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
