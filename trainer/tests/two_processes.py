"""Helpers for the tests that run a job as two CPU processes under accelerate (gloo)."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launch(mixed_precision: str = "no") -> list[str]:
    """`accelerate launch` for two CPU processes. (`--cpu --num_processes 2` starts one process
    without MPI; torchrun-style launching with ACCELERATE_USE_CPU gives real CPU DDP.) Each
    launch gets a free rendezvous port: two jobs on the default one would meet each other."""
    return [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
            "--main_process_port", str(free_port()), "--mixed_precision", mixed_precision, "--dynamo_backend", "no"]


needs_deepspeed = pytest.mark.skipif(importlib.util.find_spec("deepspeed") is None, reason="deepspeed is not installed (the trainer's test extra pins it: pip install -r trainer/requirements.lock)")


def _cpu_has_fp16() -> bool:
    """DeepSpeed's own test (its CPU accelerator's is_fp16_supported), False where it cannot run."""
    try:
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_fp16_supported())
    except Exception:  # no torch, or a build without oneDNN
        return False


# DeepSpeed's CPU accelerator offers fp16 only where oneDNN computes in it (AVX512-FP16 or AMX).
needs_cpu_fp16 = pytest.mark.skipif(not _cpu_has_fp16(), reason="this CPU has no fp16 arithmetic in oneDNN (AVX512-FP16 or AMX-FP16): DeepSpeed's CPU accelerator refuses fp16")


def launch_deepspeed(stage: int, mixed_precision: str = "no", processes: int = 2) -> list[str]:
    """`accelerate launch` of two DeepSpeed ZeRO-`stage` processes: with no GPU, DeepSpeed's CPU
    accelerator, over gloo (ptlab.parallel names it). No ACCELERATE_USE_CPU: with it accelerate
    ignores DeepSpeed and runs plain DDP."""
    return [sys.executable, "-m", "accelerate.commands.launch", "--use_deepspeed", "--zero_stage", str(stage), "--num_processes", str(processes), "--num_machines", "1",
            "--main_process_port", str(free_port()), "--mixed_precision", mixed_precision, "--dynamo_backend", "no"]


def environment(env: dict) -> dict:
    return {**env, "ACCELERATE_USE_CPU": "true"}


def processes_naming(run_dir: Path) -> list[int]:
    """Processes (not this one) whose command line names `run_dir`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if str(run_dir) in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                pids.append(int(entry.name))
        except OSError:
            pass  # gone already
    return pids


def kill_everything(launcher_pid: int, run_dir: Path) -> None:
    """SIGKILL for the launcher's process group and for every process naming `run_dir`: the
    workers run in sessions of their own and would otherwise go on writing."""
    os.killpg(launcher_pid, signal.SIGKILL)
    for pid in processes_naming(run_dir):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def command(job: str, config: Path, run: Path, *extra: str, deepspeed_stage: int = 0, mixed_precision: str = "no") -> list[str]:
    """`job` as two processes in `mixed_precision`: DDP, or DeepSpeed ZeRO-`deepspeed_stage`."""
    return [*(launch_deepspeed(deepspeed_stage, mixed_precision) if deepspeed_stage else launch(mixed_precision)), "--module", "ptlab", job, "--config", str(config), "--run-dir", str(run), *extra]


def launched(job: str, config: Path, run_dir: Path, env: dict, *extra: str, deepspeed_stage: int = 0, mixed_precision: str = "no", timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """`job` as two processes in `mixed_precision` to its end (DDP, or DeepSpeed ZeRO-`deepspeed_stage`);
    after `timeout` seconds (processes waiting on each other forever) every process is killed
    and the test fails."""
    process = subprocess.Popen(command(job, config, run_dir, *extra, deepspeed_stage=deepspeed_stage, mixed_precision=mixed_precision), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env if deepspeed_stage else environment(env), start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_everything(process.pid, run_dir)
        out, err = process.communicate()
        pytest.fail(f"{job} did not end in {timeout} s (processes waiting on each other?): {err[-3000:]}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def run(job: str, config: Path, run_dir: Path, env: dict, *extra: str, deepspeed_stage: int = 0, mixed_precision: str = "no") -> None:
    """launched(...), which must succeed."""
    done = launched(job, config, run_dir, env, *extra, deepspeed_stage=deepspeed_stage, mixed_precision=mixed_precision)
    assert done.returncode == 0, done.stderr


def hooked(env: dict, folder: Path, sitecustomize: str) -> dict:
    """`env` with `sitecustomize` (in folder/hook) imported first by every process: a hook that
    breaks something in one of them (os.environ["RANK"] tells which)."""
    hook = folder / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(sitecustomize)
    return {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(hook), env.get("PYTHONPATH", "")) if p)}


def ddp_and_deepspeed(job: str, config: Path, folder: Path, env: dict, stage: int) -> tuple[Path, Path]:
    """The same job as two DDP processes into folder/ddp and as two DeepSpeed ZeRO-`stage`
    processes into folder/zero. Returns (ddp, zero)."""
    ddp, zero = folder / "ddp", folder / "zero"
    run(job, config, ddp, env)
    run(job, config, zero, env, deepspeed_stage=stage)
    return ddp, zero


def straight_crashed_resumed(job: str, config: Path, folder: Path, env: dict, crash_when: Callable[[Path], bool], deepspeed_stage: int = 0) -> tuple[Path, Path]:
    """The job three times as two processes (DDP, or DeepSpeed ZeRO-`deepspeed_stage`), each
    launch on a fresh rendezvous port: whole into folder/straight; into folder/crashed, killed
    with SIGKILL (launcher and workers) once `crash_when(crashed)` holds; then --resume in
    folder/crashed. Returns (straight, crashed)."""
    straight, crashed = folder / "straight", folder / "crashed"
    run(job, config, straight, env, deepspeed_stage=deepspeed_stage)
    process = subprocess.Popen(command(job, config, crashed, deepspeed_stage=deepspeed_stage), env=env if deepspeed_stage else environment(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while not crash_when(crashed):
        assert time.time() < deadline and process.poll() is None, f"{job} never reached the point to crash it"
        time.sleep(0.02)
    kill_everything(process.pid, crashed)
    process.wait()
    time.sleep(0.5)  # what the workers wrote last has settled
    run(job, config, crashed, env, "--resume", deepspeed_stage=deepspeed_stage)
    return straight, crashed


# A hook (hooked) that logs, in the file PTLAB_TEST_PLAYED names, each process's share of each
# split it evaluated: a JSON line [rank, split, [episode, ...]] (ptlab.evaluate.play_split).
SHARES_HOOK = """
import json, os
import ptlab.evaluate as evaluate

play = evaluate.play_split

def logged(experiment, split, *args, **kwargs):
    slots = play(experiment, split, *args, **kwargs)
    with open(os.environ["PTLAB_TEST_PLAYED"], "a") as f:
        f.write(json.dumps([int(os.environ.get("RANK", "0")), split.name, [s.index for s in slots]]) + "\\n")
    return slots

evaluate.play_split = logged
"""


def shares(played: Path) -> list:
    """SHARES_HOOK's lines, sorted."""
    return sorted(json.loads(line) for line in played.read_text().splitlines())
