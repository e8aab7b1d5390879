"""Launchers: how a job runs, from the config's `launcher` section.

- local: one process, `python -m ptlab JOB ...`;
- accelerate: `accelerate launch` over the GPUs (DDP, FSDP or DeepSpeed ZeRO-2/3), or over
  `cpuProcesses` CPU processes (DDP over gloo, the cores shared out as their threads);
- slurm: an sbatch script (written into the run folder) whose `srun` starts one
  `accelerate launch` per node (data and export: one process on one node), submitted with `sbatch`.
data and export run as one process under local and accelerate launchers.
Commands are argument lists, never shell strings; the sbatch script quotes every word.
`python -m ptlab launch --config X --job sft --run-dir R --print` shows what would run.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ptlab.config import Experiment, Launcher

JOBS = ("data", "sft", "ppo", "eval", "export")
SINGLE_PROCESS_JOBS = ("data", "export")
# torch's elastic agent (inside accelerate launch) passes a SIGTERM or SIGHUP on to the workers
# and SIGKILLs them after this many seconds (its default: 30). A worker reads the cancel when
# its step or PPO update ends and then saves a checkpoint: minutes for a large model's update
# and save, which 30 s cut off, losing the update and leaving run.json `running`. Half an hour
# leaves room for that; a worker that hangs is still killed, then.
SHUTDOWN_TIMEOUT = "TORCH_ELASTIC_SHUTDOWN_TIMEOUT"
SHUTDOWN_SECONDS = 1800
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f]")  # what the schema refuses in the config's Slurm fields
# the extension's task builder (src/core/jobs/jobs.ts) refuses an export task with resume in the same words
EXPORT_RESUME_REFUSED = "export takes no --resume: it exports the run's last checkpoint (or --checkpoint) anew each time; leave resume out"


@dataclass(frozen=True)
class Plan:
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    script: str | None = None  # the sbatch script, for slurm (argv then submits it)
    script_path: Path | None = None


def job_args(job: str, config: Path, run_dir: Path, resume: bool, checkpoint: Path | None = None) -> list[str]:
    if job not in JOBS:
        raise ValueError(f"job must be one of {', '.join(JOBS)}, got {job!r}")
    if job == "export" and resume:
        raise ValueError(EXPORT_RESUME_REFUSED)
    if checkpoint is not None and job not in ("eval", "export"):
        raise ValueError(f"--checkpoint is for eval and export, not {job} (which starts from the config's model or sft.init / ppo.init)")
    return [job, "--config", str(config), "--run-dir", str(run_dir), *(["--resume"] if resume else []), *(["--checkpoint", str(checkpoint)] if checkpoint is not None else [])]


def _gpu_count(launcher: Launcher) -> int:
    if isinstance(launcher.gpus, tuple):
        return len(launcher.gpus)
    return launcher.gpus if isinstance(launcher.gpus, int) and launcher.gpus > 0 else 1


def accelerate_args(launcher: Launcher, processes: int, machines: int = 1) -> list[str]:
    """`accelerate launch`'s arguments for the launcher, each stated rather than left to
    accelerate's defaults or a default_config.yaml on the machine: no dynamo (model.compile is
    the trainer's own); FSDP wraps each decoder layer (the model's _no_split_modules; the
    default wraps nothing, gathering the whole model for every forward, which `ptlab plan`
    does not count on) and every process loads the weights (accelerate's default has the
    others load empty ones for rank 0's broadcast, which the trainer's loader does not
    expect); DeepSpeed over several nodes starts through torch's launcher on each node, as
    srun places them (accelerate's default is pdsh, which would start the whole job from
    every node)."""
    args = ["-m", "accelerate.commands.launch", "--num_processes", str(processes), "--num_machines", str(machines), "--mixed_precision", launcher.mixedPrecision, "--dynamo_backend", "no"]
    if launcher.distributed == "fsdp":
        args += ["--use_fsdp", "--fsdp_auto_wrap_policy", "TRANSFORMER_BASED_WRAP", "--fsdp_cpu_ram_efficient_loading", "false"]
    elif launcher.distributed.startswith("deepspeed-zero"):
        args += ["--use_deepspeed", "--zero_stage", launcher.distributed[-1]]
        if machines > 1:
            args += ["--deepspeed_multinode_launcher", "standard"]
    elif processes > 1 or machines > 1:
        args.append("--multi_gpu")
    if isinstance(launcher.gpus, tuple):
        args += ["--gpu_ids", ",".join(map(str, launcher.gpus))]
    return args


def shutdown_env() -> dict[str, str]:
    """An accelerate launch's grace for its workers to end after a cancel (SHUTDOWN_SECONDS), unless the environment sets one."""
    return {SHUTDOWN_TIMEOUT: os.environ.get(SHUTDOWN_TIMEOUT, str(SHUTDOWN_SECONDS))}


def cpu_plan(processes: int, ptlab: list[str], python: str) -> Plan:
    """`processes` CPU processes under accelerate, each with its share of the cores as threads.
    ACCELERATE_USE_CPU makes accelerate start real DDP processes (over gloo) without MPI; each
    launch meets on a free port, so that two jobs on one machine do not meet each other."""
    threads = max(1, (os.cpu_count() or 1) // processes)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = [python, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", str(processes), "--num_machines", "1", "--num_cpu_threads_per_process", str(threads),
            "--main_process_port", str(port), "--mixed_precision", "no", "--dynamo_backend", "no", "--module", "ptlab", *ptlab]
    return Plan(argv, {"ACCELERATE_USE_CPU": "true", "OMP_NUM_THREADS": str(threads), "CUDA_VISIBLE_DEVICES": "", **shutdown_env()})


def plan(experiment: Experiment, job: str, config: Path, run_dir: Path, resume: bool = False, python: str = sys.executable, checkpoint: Path | None = None) -> Plan:
    launcher = experiment.launcher
    ptlab = job_args(job, config, run_dir, resume, checkpoint)
    if launcher.kind == "local" or (launcher.kind == "accelerate" and job in SINGLE_PROCESS_JOBS):
        env = {"CUDA_VISIBLE_DEVICES": ",".join(map(str, launcher.gpus))} if isinstance(launcher.gpus, tuple) else {}
        return Plan([python, "-m", "ptlab", *ptlab], env)
    if launcher.kind == "accelerate" and launcher.cpuProcesses:
        return cpu_plan(launcher.cpuProcesses, ptlab, python)
    if launcher.kind == "accelerate":
        return Plan([python, *accelerate_args(launcher, _gpu_count(launcher)), "--module", "ptlab", *ptlab], shutdown_env())
    return slurm_plan(experiment, job, run_dir, ptlab, python)


def slurm_plan(experiment: Experiment, job: str, run_dir: Path, ptlab: list[str], python: str) -> Plan:
    """An sbatch script in the run folder, submitted by the plan's argv: data and export as one
    process on one node (they use no GPU), the other jobs as one `accelerate launch` per node.
    The nodes meet on a port of the job's own (two jobs may share their first node)."""
    slurm = experiment.launcher.slurm
    single = job in SINGLE_PROCESS_JOBS
    nodes, per_node = (1, 0) if single else (slurm.nodes, slurm.gpusPerNode)
    directives = [f"--job-name=ptlab-{experiment.name}-{job}", f"--nodes={nodes}", "--ntasks-per-node=1", *([f"--gpus-per-node={per_node}"] if per_node else []), f"--output={run_dir / 'slurm-%j.out'}"]
    for key, value in (("partition", slurm.partition), ("account", slurm.account), ("qos", slurm.qos), ("time", slurm.time), ("cpus-per-task", slurm.cpusPerTask)):
        if value is not None:
            directives.append(f"--{key}={value}")
    directives += list(slurm.extraDirectives)
    for directive in directives:  # shlex.quote protects nothing in a comment line: a line break would start a command
        if CONTROL_CHARACTERS.search(directive):
            raise ValueError(f"#SBATCH {directive!r}: a line break or other control character would end the directive's line; remove it (from the run folder's path, or outputDir)")
    if single:
        launch = [python, "-m", "ptlab", *ptlab]
        preamble = []
    else:
        launch = [python, *accelerate_args(experiment.launcher, nodes * per_node, nodes), "--machine_rank", "$SLURM_NODEID", "--main_process_ip", "$MAIN_HOST", "--main_process_port", "$MAIN_PORT", "--module", "ptlab", *ptlab]
        preamble = [
            'MAIN_HOST=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | sed -n 1p)',  # head would end the pipe early: SIGPIPE, which pipefail makes fatal
            "MAIN_PORT=$((20000 + SLURM_JOB_ID % 10000))  # below Linux's ephemeral ports (32768-)",
            f"export MAIN_HOST MAIN_PORT {SHUTDOWN_TIMEOUT}=${{{SHUTDOWN_TIMEOUT}:-{SHUTDOWN_SECONDS}}}",
        ]
    quoted = " ".join(word if word.startswith("$") else shlex.quote(word) for word in launch)
    script = "\n".join([
        "#!/bin/bash",
        *(f"#SBATCH {shlex.quote(d)}" for d in directives),
        "# Generated by `ptlab launch` from the experiment config; edit the config, not this file.",
        "set -euo pipefail",
        *preamble,
        f"srun --kill-on-bad-exit=1 bash -c {shlex.quote(quoted)}",
        "",
    ])
    script_path = run_dir / f"launch-{job}.sbatch"
    return Plan(["sbatch", "--parsable", str(script_path)], {}, script, script_path)
