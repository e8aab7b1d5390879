"""Helpers for the tests that run a job as two CPU processes under accelerate (gloo)."""

import os
import signal
import sys
from pathlib import Path

# `accelerate launch --cpu --num_processes 2` starts one process without MPI; torchrun-style
# launching with ACCELERATE_USE_CPU gives real CPU DDP.
LAUNCH = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no"]


def environment(env: dict) -> dict:
    return {**env, "ACCELERATE_USE_CPU": "true"}


def kill_everything(launcher_pid: int, run_dir: Path) -> None:
    """SIGKILL for the launcher's process group and for every process naming `run_dir`: the
    workers run in sessions of their own and would otherwise go on writing."""
    os.killpg(launcher_pid, signal.SIGKILL)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if str(run_dir) in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            pass  # gone already
