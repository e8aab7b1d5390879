"""A job killed mid-run, as a crash or an out-of-memory kill ends it: what resume tests start from."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def killed_after(job: str, config: Path, run_dir: Path, env: dict[str, str], records: int, timeout: float = 300) -> None:
    """`ptlab JOB` into `run_dir`, killed with SIGKILL (no chance to clean up) once its
    metrics.jsonl holds `records` lines; AssertionError if it never gets there."""
    process = subprocess.Popen([sys.executable, "-m", "ptlab", job, "--config", str(config), "--run-dir", str(run_dir)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    metrics = run_dir / "metrics.jsonl"
    deadline = time.time() + timeout
    try:
        while not (metrics.exists() and len(metrics.read_text().splitlines()) >= records):
            assert process.poll() is None and time.time() < deadline, f"ptlab {job} ended or stalled before {records} metric records"
            time.sleep(0.02)
    finally:
        process.kill()
        process.wait()
