"""`ptlab eval` as one process and as processes sharing the episodes, on this machine.

    .venv/bin/python bench/evaluation_shares.py [--episodes 64] [--rounds 2] [--processes 2] [--temperature 0.7]

The demo's GP-L evaluation (ptlab.demo: embedded:gp-base, greedy, ID and OOD-rule splits of
`--episodes` episodes, up to 5 attempts each, fp32) launched by `ptlab launch --job eval`:

- `one-process`: one process with every core as its threads;
- `shared`: `--processes` processes (`launcher.cpuProcesses`: accelerate, gloo), each with
  an equal share of the cores, each playing every N-th episode (evaluate.play_split), the
  main one writing the run.

The variants run in turn, `--rounds` times (ABAB: a shared VM's speed drifts within minutes).
Prints one JSON line per run (the launch's wall seconds, model loading and process start
included, and the seconds from the run's creation to its end), then the ratio of `shared`
to `one-process` from the sums over the rounds, and whether every run wrote the same
episodes (answers do not depend on how episodes are shared out: greedy ones, and with
`--temperature` sampled ones, which draw from each answer's own key). On GPUs the processes
are GPUs: the paper presets' 8 share a checkpoint's evaluation eight ways.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ptlab import demo


def config(episodes: int, processes: int, temperature: float) -> dict[str, Any]:
    data = json.loads(json.dumps(demo.BASE))
    data["name"] = "evaluation-shares"
    data["evaluation"]["temperature"] = temperature
    for split in data["evaluation"]["splits"]:
        split["episodes"] = episodes
    data["launcher"] = {"kind": "accelerate", "cpuProcesses": processes} if processes > 1 else {"kind": "local"}
    return data


def episodes_of(run: Path) -> list[dict[str, Any]]:
    return [{k: v for k, v in json.loads(line).items() if k != "runId"} for line in (run / "episodes.jsonl").read_text().splitlines()]


def seconds(manifest: dict[str, Any]) -> float:
    parse = lambda at: datetime.datetime.fromisoformat(at.replace("Z", "+00:00"))  # noqa: E731
    return (parse(manifest["endedAt"]) - parse(manifest["createdAt"])).total_seconds()


def measure(name: str, processes: int, episodes: int, temperature: float, workdir: Path, round_: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    path = workdir / f"{name}-{round_}.ptlab.json"
    path.write_text(json.dumps(config(episodes, processes, temperature)))
    run_dir = workdir / f"{name}-{round_}"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ptlab", "launch", "--job", "eval", "--config", str(path), "--run-dir", str(run_dir)], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{name}: ptlab eval failed ({done.returncode}):\n{done.stderr[-3000:]}")
    manifest = json.loads((run_dir / "run.json").read_text())
    summary = json.loads((run_dir / "eval-summary.json").read_text())
    line = {
        "bench": "evaluation-shares",
        "variant": name,
        "round": round_,
        "processes": processes,
        "temperature": temperature,
        "episodes": sum(s["episodes"] for s in summary["splits"]),
        "attempts": sum(round(s["meanAttempts"] * s["episodes"]) for s in summary["splits"]),
        "processSeconds": round(wall, 1),
        "runSeconds": round(seconds(manifest), 1),
        "success": {s["name"]: s["success"]["rate"] for s in summary["splits"]},
    }
    return line, episodes_of(run_dir)


def cpu_name() -> str:
    """The CPU's model name (Linux), else what platform says."""
    try:
        return next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=64, help="episodes per split (the demo's 64)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--temperature", type=float, default=0.0, help="evaluation.temperature (0: greedy, the demo's)")
    args = parser.parse_args()
    print(json.dumps({"bench": "evaluation-shares", "cpu": cpu_name(), "cores": os.cpu_count(), "python": platform.python_version()}), flush=True)
    variants = {"one-process": 1, "shared": args.processes}
    lines: list[dict[str, Any]] = []
    written: list[list[dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="ptlab-eval-shares-") as tmp:
        for round_ in range(args.rounds):
            for name, processes in variants.items():
                line, records = measure(name, processes, args.episodes, args.temperature, Path(tmp), round_)
                print(json.dumps(line), flush=True)
                lines.append(line)
                written.append(records)
    total = lambda name, key: sum(line[key] for line in lines if line["variant"] == name)  # noqa: E731
    print(json.dumps({
        "bench": "evaluation-shares",
        "sharedSpeedupProcess": round(total("one-process", "processSeconds") / total("shared", "processSeconds"), 2),
        "sharedSpeedupRun": round(total("one-process", "runSeconds") / total("shared", "runSeconds"), 2),
        "sameEpisodes": all(records == written[0] for records in written),
    }), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
