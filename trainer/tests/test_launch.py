"""Launchers, checked by the commands they produce (and one real local launch)."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ptlab.config import experiment_from_dict, load_experiment
from ptlab.contracts import ContractViolation
from ptlab.launch import plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BASE = {"name": "exp", "environment": {"env": "generalpoints"}, "model": {"name": "embedded:tiny-lm"}}


def experiment(launcher):
    return experiment_from_dict({**BASE, "launcher": launcher})


def test_local():
    p = plan(experiment({"kind": "local", "gpus": [1, 3]}), "sft", Path("/c/x.ptlab.json"), Path("/r/sft"), resume=True, python="py")
    assert p.argv == ["py", "-m", "ptlab", "sft", "--config", "/c/x.ptlab.json", "--run-dir", "/r/sft", "--resume"]
    assert p.env == {"CUDA_VISIBLE_DEVICES": "1,3"}


def test_accelerate_strategies():
    ddp = plan(experiment({"kind": "accelerate", "gpus": 4}), "ppo", Path("c"), Path("r"), python="py").argv
    assert ddp[:2] == ["py", "-m"] and "accelerate.commands.launch" in ddp
    assert ddp[ddp.index("--num_processes") + 1] == "4" and "--multi_gpu" in ddp
    assert ddp[ddp.index("--module") + 1 :] == ["ptlab", "ppo", "--config", "c", "--run-dir", "r"]
    zero3 = plan(experiment({"kind": "accelerate", "gpus": [0, 1], "distributed": "deepspeed-zero3"}), "sft", Path("c"), Path("r"), python="py").argv
    assert zero3[zero3.index("--zero_stage") + 1] == "3" and zero3[zero3.index("--gpu_ids") + 1] == "0,1"
    fsdp = plan(experiment({"kind": "accelerate", "gpus": 8, "distributed": "fsdp", "mixedPrecision": "fp16"}), "sft", Path("c"), Path("r"), python="py").argv
    assert "--use_fsdp" in fsdp and fsdp[fsdp.index("--mixed_precision") + 1] == "fp16"
    assert fsdp[fsdp.index("--fsdp_auto_wrap_policy") + 1] == "TRANSFORMER_BASED_WRAP" and fsdp[fsdp.index("--fsdp_cpu_ram_efficient_loading") + 1] == "false"
    assert all(argv[argv.index("--dynamo_backend") + 1] == "no" for argv in (ddp, zero3, fsdp))  # not a default_config.yaml's
    assert "--deepspeed_multinode_launcher" not in zero3  # one node: accelerate starts the processes itself


def test_cpu_processes_share_out_the_cores_as_threads_under_gloo_ddp():
    p = plan(experiment({"kind": "accelerate", "cpuProcesses": 2}), "ppo", Path("c"), Path("r"), python="py")
    argv = p.argv
    assert argv[argv.index("--num_processes") + 1] == "2" and "--multi_gpu" in argv
    threads = str(max(1, (os.cpu_count() or 1) // 2))
    assert argv[argv.index("--num_cpu_threads_per_process") + 1] == threads and p.env["OMP_NUM_THREADS"] == threads
    assert p.env["ACCELERATE_USE_CPU"] == "true" and p.env["CUDA_VISIBLE_DEVICES"] == ""
    assert argv[argv.index("--module") + 1 :] == ["ptlab", "ppo", "--config", "c", "--run-dir", "r"]
    assert int(argv[argv.index("--main_process_port") + 1]) > 0  # a free port of its own


@pytest.mark.parametrize(("launcher", "message"), [
    ({"cpuProcesses": 2}, 'cpuProcesses applies to "kind": "accelerate"'),
    ({"kind": "accelerate", "cpuProcesses": 2, "gpus": 2}, "cpuProcesses runs on the CPUs: remove gpus"),
    ({"kind": "accelerate", "cpuProcesses": 2, "distributed": "fsdp"}, "cpuProcesses runs DDP over gloo, not fsdp"),
])
def test_cpu_processes_outside_accelerate_ddp_are_refused_naming_the_field(tmp_path, launcher, message):
    path = tmp_path / "x.ptlab.json"
    path.write_text(json.dumps({**BASE, "launcher": launcher}))
    with pytest.raises(ContractViolation) as refused:
        load_experiment(path)
    assert f"{path}: /launcher/cpuProcesses: {message}" in str(refused.value)


def test_data_and_export_stay_single_process():
    p = plan(experiment({"kind": "accelerate", "gpus": 8}), "data", Path("c"), Path("r"), python="py")
    assert p.argv == ["py", "-m", "ptlab", "data", "--config", "c", "--run-dir", "r"]


def test_accelerate_launches_give_their_workers_time_to_checkpoint_after_a_cancel(monkeypatch):
    """torch's elastic agent passes a cancel on to the workers and SIGKILLs them after
    TORCH_ELASTIC_SHUTDOWN_TIMEOUT (default 30 s): a worker still finishing its PPO update or
    saving its checkpoint was killed, its run left `running`. Every accelerate launch sets it,
    unless the environment does."""
    from ptlab.launch import SHUTDOWN_SECONDS

    monkeypatch.delenv("TORCH_ELASTIC_SHUTDOWN_TIMEOUT", raising=False)
    for launcher in ({"kind": "accelerate", "gpus": 2}, {"kind": "accelerate", "cpuProcesses": 2}):
        assert plan(experiment(launcher), "ppo", Path("c"), Path("r"), python="py").env["TORCH_ELASTIC_SHUTDOWN_TIMEOUT"] == str(SHUTDOWN_SECONDS) == "1800"
    monkeypatch.setenv("TORCH_ELASTIC_SHUTDOWN_TIMEOUT", "600")
    assert plan(experiment({"kind": "accelerate", "gpus": 2}), "ppo", Path("c"), Path("r"), python="py").env["TORCH_ELASTIC_SHUTDOWN_TIMEOUT"] == "600"


def test_slurm_script():
    launcher = {"kind": "slurm", "distributed": "deepspeed-zero2", "slurm": {"partition": "gpu", "nodes": 2, "gpusPerNode": 4, "time": "12:00:00", "extraDirectives": ["--mem=200G"]}}
    p = plan(experiment(launcher), "sft", Path("/cfg dir/x.ptlab.json"), Path("/runs/my run"), python="/venv/bin/python")
    assert p.argv == ["sbatch", "--parsable", "/runs/my run/launch-sft.sbatch"]
    lines = p.script.splitlines()
    assert lines[0] == "#!/bin/bash"
    assert "#SBATCH --nodes=2" in lines and "#SBATCH --gpus-per-node=4" in lines and "#SBATCH --partition=gpu" in lines
    assert "#SBATCH --mem=200G" in lines and "#SBATCH --time=12:00:00" in lines
    assert "#SBATCH '--output=/runs/my run/slurm-%j.out'" in lines
    srun = next(line for line in lines if line.startswith("srun "))
    inner = shlex.split(srun)[-1]  # what each node's bash runs
    words = shlex.split(inner)
    assert words[words.index("--num_processes") + 1] == "8" and words[words.index("--num_machines") + 1] == "2"
    assert words[words.index("--machine_rank") + 1] == "$SLURM_NODEID"
    assert words[words.index("--deepspeed_multinode_launcher") + 1] == "standard"  # each node's processes from its own srun task, not pdsh
    assert words[words.index("--config") + 1] == "/cfg dir/x.ptlab.json" and words[words.index("--run-dir") + 1] == "/runs/my run"


def slurm_script_run(tmp_path: Path, script: str, job_id: str) -> str:
    """What the sbatch script starts on the first node (SLURM_NODEID 0) of job `job_id`: srun
    and scontrol stand-ins, and a `python` that prints its arguments and the shutdown timeout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in (("srun", 'shift; exec "$@"'), ("scontrol", "printf 'node1\\nnode2\\n'"), ("python", 'echo "$* timeout=${TORCH_ELASTIC_SHUTDOWN_TIMEOUT:-unset}"')):
        (bin_dir / name).write_text(f"#!/bin/bash\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "SLURM_JOB_ID": job_id, "SLURM_NODEID": "0", "SLURM_JOB_NODELIST": "node[1-2]"}
    ran = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=30)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.strip()


def test_a_slurm_script_meets_on_a_port_of_its_job_and_gives_its_workers_time_to_checkpoint(tmp_path):
    """Every multi-node job met on port 29500, so two jobs whose first node is the same one
    collided; each now meets on 20000 + its job id mod 10000. The script also gives torch's
    elastic agent the shutdown timeout a cancel's checkpoint needs."""
    launcher = {"kind": "slurm", "slurm": {"nodes": 2, "gpusPerNode": 4}}
    script = plan(experiment(launcher), "ppo", Path("c"), Path("r"), python="python").script
    first = slurm_script_run(tmp_path, script, "1234567")
    assert "--machine_rank 0 --main_process_ip node1 --main_process_port 24567 --module ptlab ppo" in first and first.endswith("timeout=1800")
    assert "--main_process_port 24568 " in slurm_script_run(tmp_path, script, "1234568")


def test_under_slurm_data_and_export_run_on_the_cluster_as_one_process(tmp_path):
    """`ptlab launch --job export` under Slurm ran the export on the machine it was called on
    (VS Code's: the login node), though the README says it runs on the cluster; data and export
    now go in a one-node sbatch script of one process, with no GPU (they use none)."""
    launcher = {"kind": "slurm", "slurm": {"nodes": 2, "gpusPerNode": 4, "partition": "gpu"}}
    for job in ("data", "export"):
        p = plan(experiment(launcher), job, Path("c"), Path("/r"), python="python", checkpoint=Path("/ck") if job == "export" else None)
        assert p.argv == ["sbatch", "--parsable", f"/r/launch-{job}.sbatch"]
        lines = p.script.splitlines()
        assert "#SBATCH --nodes=1" in lines and "#SBATCH --partition=gpu" in lines and not any("gpus" in line for line in lines)
        assert slurm_script_run(tmp_path, p.script, "7") == f"-m ptlab {job} --config c --run-dir /r{' --checkpoint /ck' if job == 'export' else ''} timeout=unset"


def test_a_slurm_field_with_a_line_break_is_refused_as_the_config_loads_and_a_run_folder_with_one_as_the_script_is_written(tmp_path):
    """shlex.quote protects nothing in a `#SBATCH` comment line: a line break would start a command."""
    path = tmp_path / "x.ptlab.json"
    path.write_text(json.dumps({**BASE, "launcher": {"kind": "slurm", "slurm": {"partition": "gpu\necho INJECTED #"}}}))
    with pytest.raises(ContractViolation, match="/launcher/slurm/partition"):
        load_experiment(path)
    with pytest.raises(ValueError, match="a line break or other control character would end the directive's line"):
        plan(experiment({"kind": "slurm"}), "sft", Path("c"), Path("/runs/x\necho INJECTED #"), python="py")


def test_cli_print_and_a_real_local_launch(tmp_path):
    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    config["sft"]["data"]["examples"] = 5
    path = tmp_path / "t.ptlab.json"
    path.write_text(json.dumps(config))
    shown = subprocess.run([sys.executable, "-m", "ptlab", "launch", "--config", str(path), "--job", "data", "--run-dir", str(tmp_path / "r"), "--print"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["argv"][-4:] == ["--config", str(path), "--run-dir", str(tmp_path / "r")]
    ran = subprocess.run([sys.executable, "-m", "ptlab", "launch", "--config", str(path), "--job", "data", "--run-dir", str(tmp_path / "r")], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert len((tmp_path / "r" / "sft.jsonl").read_text().splitlines()) == 5


def test_a_real_cpu_processes_launch_runs_ppo_as_two_processes(tmp_path, ptlab_cache):
    """`ptlab launch` with launcher.cpuProcesses 2: two DDP processes over gloo, each
    collecting its own rollout, so the update's record counts both processes' episodes."""
    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    del config["ppo"]["init"], config["evaluation"]
    config["ppo"].update(updates=1, stepsPerUpdate=8, parallelEnvs=4, epochs=1, miniBatchSize=4, microBatchSize=4, maxNewTokens=16)
    runs = {}
    for name, launcher in (("one", {"kind": "local"}), ("two", {"kind": "accelerate", "cpuProcesses": 2})):
        path = tmp_path / f"{name}.ptlab.json"
        path.write_text(json.dumps({**config, "launcher": launcher}))
        runs[name] = tmp_path / name
        env = {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache)}
        ran = subprocess.run([sys.executable, "-m", "ptlab", "launch", "--config", str(path), "--job", "ppo", "--run-dir", str(runs[name])], capture_output=True, text=True, timeout=300, env=env)
        assert ran.returncode == 0, ran.stderr
    one, two = ([json.loads(line) for line in (runs[n] / "metrics.jsonl").read_text().splitlines() if '"train"' in line] for n in ("one", "two"))
    assert [r["episodes"] for r in two] == [2 * r["episodes"] for r in one]


def test_a_slurm_launch_is_refused_before_submitting_where_the_job_would_refuse_the_run_folder(tmp_path):
    """A new run into a folder a run lives in, --resume into one without a run or into one
    whose job still runs: refused as the job's RunLog would refuse it, before the sbatch script is written and queued (the job
    used to fail only once Slurm started it, the finished run's script replaced); a resume of
    the folder's run with its config is submitted."""
    from ptlab import runlog
    from ptlab.runlog import RunLog

    path = tmp_path / "slurm.ptlab.json"
    path.write_text(json.dumps({**BASE, "launcher": {"kind": "slurm", "slurm": {"nodes": 1, "gpusPerNode": 1}}}))
    bin_dir, submitted = tmp_path / "bin", tmp_path / "submitted.txt"
    bin_dir.mkdir()
    (bin_dir / "sbatch").write_text(f'#!/bin/sh\necho "$*" >> {shlex.quote(str(submitted))}\necho 4242\n')
    (bin_dir / "sbatch").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    finished = tmp_path / "finished"
    with RunLog(finished, experiment="exp", job="sft", config=load_experiment(path).to_dict(), config_path=path, command=["ptlab", "sft"], seeds={"global": 0}):
        pass

    def launch(run_dir: Path, *resume: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ptlab", "launch", "--config", str(path), "--job", "sft", "--run-dir", str(run_dir), *resume], capture_output=True, text=True, env=env, timeout=120)

    again = launch(finished)
    assert again.returncode == 2 and f"ptlab launch: {finished}: a run already lives here; pass --resume" in again.stderr
    nothing = launch(tmp_path / "empty", "--resume")
    assert nothing.returncode == 2 and f"ptlab launch: {tmp_path / 'empty' / 'run.json'}: nothing to resume" in nothing.stderr
    assert not submitted.exists() and not (finished / "launch-sft.sbatch").exists() and not (tmp_path / "empty" / "launch-sft.sbatch").exists()
    manifest = json.loads((finished / "run.json").read_text())
    (finished / "run.json").write_text(json.dumps({**manifest, "status": "running", "heartbeatAt": runlog.now(), "host": {**manifest["host"], "hostname": "gpu-node-7", "slurmJobId": "4241"}}))
    live = launch(finished, "--resume")  # its Slurm job still runs
    assert live.returncode == 2 and f"ptlab launch: {finished / 'run.json'}: this run is still running (pid {manifest['host']['pid']} on gpu-node-7, Slurm job 4241, heartbeat " in live.stderr
    assert not submitted.exists() and not (finished / "launch-sft.sbatch").exists()
    (finished / "run.json").write_text(json.dumps(manifest))
    resumed = launch(finished, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert submitted.read_text().split() == ["--parsable", str(finished / "launch-sft.sbatch")]


def test_a_slurm_launch_into_a_run_folder_whose_name_cannot_be_the_run_id_is_refused_before_submitting(tmp_path):
    """The job would refuse the name (run.json's runId is the folder's name) once Slurm started it."""
    path = tmp_path / "slurm.ptlab.json"
    path.write_text(json.dumps({**BASE, "launcher": {"kind": "slurm", "slurm": {"nodes": 1, "gpusPerNode": 1}}}))
    run_dir = tmp_path / "my run"
    refused = subprocess.run([sys.executable, "-m", "ptlab", "launch", "--config", str(path), "--job", "sft", "--run-dir", str(run_dir)], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and refused.stderr.startswith(f"ptlab launch: {run_dir}: the folder name 'my run' cannot be the run's id; rename the run folder")
    assert not run_dir.exists()


def test_a_slurm_script_that_cannot_be_written_is_refused_saying_so(tmp_path, monkeypatch, capsys):
    """A run folder on a read-only file system: the script's write was a raw OSError."""
    import errno

    from ptlab import runlog
    from ptlab.cli import main

    path = tmp_path / "slurm.ptlab.json"
    path.write_text(json.dumps({**BASE, "launcher": {"kind": "slurm", "slurm": {"nodes": 1, "gpusPerNode": 1}}}))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "sbatch").write_text("#!/bin/sh\necho 4242\n")
    (tmp_path / "bin" / "sbatch").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    def read_only(path: Path, text: str, *_options: object) -> Path:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(runlog, "_synced_temp", read_only)
    run_dir = tmp_path / "sft"
    assert main(["launch", "--config", str(path), "--job", "sft", "--run-dir", str(run_dir)]) == 2
    assert capsys.readouterr().err == f"ptlab launch: {run_dir / 'launch-sft.sbatch'}: cannot write (Read-only file system); choose a --run-dir you can write to\n"


def test_export_with_resume_is_refused_in_the_task_builders_words(tmp_path):
    """`ptlab export` has no --resume (it exports anew each time): launch built an argv export
    refused as an unrecognized argument; now launch refuses it, saying what to do, in the words
    the extension's task builder uses for an export task with resume."""
    from ptlab.launch import EXPORT_RESUME_REFUSED

    path = tmp_path / "x.ptlab.json"
    path.write_text(json.dumps(BASE))
    refused = subprocess.run([sys.executable, "-m", "ptlab", "launch", "--config", str(path), "--job", "export", "--run-dir", str(tmp_path / "r"), "--resume"], capture_output=True, text=True, timeout=60)
    assert (refused.returncode, refused.stderr) == (2, f"ptlab launch: {EXPORT_RESUME_REFUSED}\n")
    assert plan(experiment({"kind": "local"}), "export", Path("c"), Path("r"), python="py").argv == ["py", "-m", "ptlab", "export", "--config", "c", "--run-dir", "r"]
    jobs_ts = (Path(__file__).resolve().parents[2] / "src" / "core" / "jobs" / "jobs.ts").read_text()
    assert f"EXPORT_RESUME_REFUSED = {json.dumps(EXPORT_RESUME_REFUSED)};" in jobs_ts


def test_a_checkpoint_is_evaluated_under_the_config_s_launcher(tmp_path):
    """The extension ran an evaluation of a checkpoint directly, on the machine VS Code runs on,
    whatever the launcher (Slurm's login node); `ptlab launch --checkpoint` runs it under it."""
    ck = Path("/ck/final")
    slurm = plan(experiment({"kind": "slurm", "slurm": {"nodes": 1, "gpusPerNode": 2}}), "eval", Path("c"), Path("r"), python="py", checkpoint=ck)
    assert slurm.script is not None and "ptlab eval --config c --run-dir r --checkpoint /ck/final" in slurm.script
    shared = plan(experiment({"kind": "accelerate", "gpus": 2}), "eval", Path("c"), Path("r"), python="py", checkpoint=ck).argv
    assert shared[shared.index("--num_processes") + 1] == "2" and shared[-2:] == ["--checkpoint", "/ck/final"]
    with pytest.raises(ValueError, match="--checkpoint is for eval and export, not sft"):
        plan(experiment({"kind": "local"}), "sft", Path("c"), Path("r"), python="py", checkpoint=ck)
    path = tmp_path / "x.ptlab.json"
    path.write_text(json.dumps({**BASE, "launcher": {"kind": "accelerate", "gpus": 2}}))
    printed = subprocess.run([sys.executable, "-m", "ptlab", "launch", "--config", str(path), "--job", "eval", "--run-dir", str(tmp_path / "r"), "--checkpoint", str(tmp_path / "ck"), "--print"], capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout)["argv"][-2:] == ["--checkpoint", str(tmp_path / "ck")]


def test_a_cancelled_two_process_launch_whose_checkpoint_takes_over_30_s_ends_cancelled_with_it(tmp_path, ptlab_cache):
    """SIGTERM to `ptlab launch` (the elastic agent): the workers checkpoint and the run ends
    `cancelled`, though the save takes longer than torch's default 30 s grace, after which the
    agent used to SIGKILL them mid-save (no checkpoint, run.json left `running`)."""
    import signal
    import time

    import two_processes

    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    config["sft"].update(steps=400, globalBatchSize=8, microBatchSize=4, saveEverySteps=1000)
    config["sft"]["data"]["examples"] = 96
    del config["evaluation"]
    path = tmp_path / "slow.ptlab.json"
    path.write_text(json.dumps({**config, "launcher": {"kind": "accelerate", "cpuProcesses": 2}}))
    slow_save = """import os
if os.environ.get("RANK"):  # the workers, not the agent
    import time
    import ptlab.checkpoints as checkpoints
    save = checkpoints.save
    checkpoints.save = lambda *args, **kwargs: (time.sleep(40), save(*args, **kwargs))[1]
"""
    env = two_processes.hooked({**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache)}, tmp_path, slow_save)
    env.pop("TORCH_ELASTIC_SHUTDOWN_TIMEOUT", None)
    run = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-m", "ptlab", "launch", "--config", str(path), "--job", "sft", "--run-dir", str(run)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 180
        while not ((run / "metrics.jsonl").exists() and (run / "metrics.jsonl").read_text().count("\n") >= 2):
            assert process.poll() is None and time.time() < deadline, "the launch ended or stalled before its second step"
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)  # what Cancel sends a run started elsewhere
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            two_processes.kill_everything(process.pid, run)
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == "cancelled"
    assert manifest["checkpoints"][-1]["step"] == manifest["progress"]["step"] >= 2
