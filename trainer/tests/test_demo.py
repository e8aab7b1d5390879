"""The demo's study plan: its configs and stages, one training seed per arm or several."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ptlab import demo
from ptlab.config import experiment_from_dict


def test_each_further_training_seed_is_seed_0_s_runs_with_its_own_seed_and_init_left_to_seed_0():
    configs = demo.experiment_configs(Path("."), "full", seeds=3)
    assert sorted(configs) == sorted(["sft-init.ptlab.json", "sft-more.ptlab.json", "ppo.ptlab.json", "sft-more-seed1.ptlab.json", "ppo-seed1.ptlab.json", "sft-more-seed2.ptlab.json", "ppo-seed2.ptlab.json"])
    for arm in ("sft-more", "ppo"):
        first = configs[f"{arm}.ptlab.json"]
        for seed in (1, 2):
            other = configs[f"{arm}-seed{seed}.ptlab.json"]
            assert other["seed"] == seed and other["name"] == f"{first['name']}-seed{seed}" and other["evaluation"]["atStart"] is False
            same = {k: v for k, v in other.items() if k not in ("seed", "name", "evaluation")}
            assert same == {k: v for k, v in first.items() if k not in ("seed", "name", "evaluation")}
            assert {k: v for k, v in other["evaluation"].items() if k != "atStart"} == {k: v for k, v in first["evaluation"].items() if k != "atStart"}
            experiment_from_dict(other)  # a valid experiment
    assert configs["sft-more.ptlab.json"]["evaluation"].get("atStart", True) is True  # Init: evaluated once, by seed 0's SFT run
    assert demo.experiment_configs(Path("."), "full") == {k: v for k, v in configs.items() if "-seed" not in k}


def test_the_stages_run_init_then_each_seed_s_arms_then_seed_0_s_exports():
    assert [(s.name, s.job) for s in demo.stages()] == [("sft-init", "sft"), ("sft-more", "sft"), ("ppo", "ppo"), ("sft-more", "export"), ("ppo", "export")]
    assert [(s.name, s.job) for s in demo.stages(2)] == [("sft-init", "sft"), ("sft-more", "sft"), ("ppo", "ppo"), ("sft-more-seed1", "sft"), ("ppo-seed1", "ppo"), ("sft-more", "export"), ("ppo", "export")]
    assert all(s.config == f"{s.name}.ptlab.json" for s in demo.stages(3))


def test_the_virl_l_study_is_gp_l_s_plan_on_v_irl_l_from_virl_base():
    """`--task virl-l`: the same stages and arms, on the V-IRL-L preset's routes (nyc), ID with
    absolute directions and OOD with relative ones, from embedded:virl-base; each config valid."""
    from ptlab.corpus_virl import EVALUATION_CITY

    for size in ("full", "ci"):
        configs = demo.experiment_configs(Path("."), size, seeds=2, task="virl-l")
        assert sorted(configs) == sorted(demo.experiment_configs(Path("."), size, seeds=2))
        for name, config in configs.items():
            experiment_from_dict(config)
            assert config["model"]["name"] == "embedded:virl-base" and config["name"].startswith("demo-virl-l-")
            assert config["environment"]["env"] == "virl" and config["environment"]["actionSpace"] == "absolute"
            assert config["environment"]["routes"]["synthetic"]["city"] == EVALUATION_CITY
            if "evaluation" in config:
                splits = {s["kind"]: s for s in config["evaluation"]["splits"]}
                assert splits["rule-ood"]["overrides"] == {"actionSpace": "relative"} and "overrides" not in splits["id"]
        assert configs["ppo.ptlab.json"]["ppo"]["init"] == configs["sft-more.ptlab.json"]["sft"]["init"] == "../sft-init/checkpoints/final"
    full = demo.experiment_configs(Path("."), "full", task="virl-l")
    # the arms' lengths and the SFT arm's constant rate (a probe on tuning seeds, docs/base-model.md)
    assert full["sft-more.ptlab.json"]["sft"]["schedule"] == "constant" and full["sft-more.ptlab.json"]["sft"]["steps"] == 360
    assert full["ppo.ptlab.json"]["ppo"]["updates"] == 32


def test_a_study_whose_base_is_not_installed_stops_before_any_stage_and_says_how_to_build_it(tmp_path, monkeypatch, capsys):
    from ptlab import models

    monkeypatch.setattr(models, "WEIGHTS_DIR", tmp_path / "weights")
    assert demo.main(["--task", "virl-l", "--size", "ci", "--out", str(tmp_path / "out")]) == 2
    assert "python -m ptlab pretrain --base virl-base" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _finished_run(run_dir: Path, config_path: Path, job: str = "sft", checkpoints: tuple[str, ...] = ()) -> None:
    """A finished run of `config_path` in `run_dir`, as the stage's job leaves it (no training)."""
    from ptlab.config import load_experiment
    from ptlab.runlog import RunLog

    experiment = load_experiment(config_path)
    with RunLog(run_dir, experiment=experiment.name, job=job, config=experiment.to_dict(), config_path=config_path, command=["ptlab", job], seeds={"global": 0}) as run:
        for step, name in enumerate(checkpoints, start=1):
            (run_dir / "checkpoints" / name).mkdir(parents=True)
            run.checkpoint_saved(step, run_dir / "checkpoints" / name)


def _no_jobs(monkeypatch) -> None:
    def started(command, **_):
        raise AssertionError(f"a stage's job started: {command}")

    monkeypatch.setattr(demo.subprocess, "Popen", started)


def test_the_ci_size_s_runs_are_not_kept_as_the_full_demo_s_the_folder_is_refused_before_any_job(tmp_path, monkeypatch, capsys):
    """`npm run demo -- --size ci` then `npm run demo` (the README's order), both into runs/demo:
    a finished stage of another config (2 PPO updates, not 32) is refused, naming the run and
    the config's fields, with the way out (another --out); no stage's job starts."""
    out = tmp_path / "demo"
    configs = demo.write_configs(out, demo.experiment_configs(out, "ci"))
    _finished_run(out / "sft-init", configs / "sft-init.ptlab.json")
    _no_jobs(monkeypatch)
    with pytest.raises(SystemExit) as refused:
        demo.main(["--size", "full", "--out", str(out)])
    message = str(refused.value)
    assert str(out / "sft-init") in message and "sft.steps: 2 -> 4" in message and "--out" in message
    assert "finished before, kept" not in capsys.readouterr().out


def test_a_refused_folder_keeps_its_configs_the_runs_configpath_names(tmp_path, monkeypatch):
    """`npm run demo -- --size ci` on the full demo's folder is refused before it writes its
    configs: the full runs' run.json configPath (Resume, Evaluate) still names the full config."""
    out = tmp_path / "demo"
    configs = demo.write_configs(out, demo.experiment_configs(out, "full"))
    _finished_run(out / "sft-init", configs / "sft-init.ptlab.json")
    written = {path.name: path.read_text() for path in configs.iterdir()}
    _no_jobs(monkeypatch)
    with pytest.raises(SystemExit, match="sft.steps: 4 -> 2"):
        demo.main(["--size", "ci", "--out", str(out)])
    assert {path.name: path.read_text() for path in configs.iterdir()} == written


def test_a_finished_stage_of_the_same_config_is_kept(tmp_path, monkeypatch, capsys):
    out = tmp_path / "demo"
    configs = demo.write_configs(out, demo.experiment_configs(out, "ci"))
    _finished_run(out / "sft-init", configs / "sft-init.ptlab.json")
    _no_jobs(monkeypatch)
    demo.run_stage(1, 5, demo.stages()[0], out, configs)
    assert "finished before, kept" in capsys.readouterr().out


def test_an_export_is_kept_only_when_made_from_the_run_s_last_checkpoint(tmp_path, monkeypatch, capsys):
    """An export of another checkpoint (a user's of step 1, here) is no export of the final one."""
    out = tmp_path / "demo"
    configs = demo.write_configs(out, demo.experiment_configs(out, "ci"))
    run = out / "ppo"
    _finished_run(run, configs / "ppo.ptlab.json", job="ppo", checkpoints=("step-1", "final"))
    export = next(s for s in demo.stages() if s.job == "export" and s.name == "ppo")
    for name in ("step-1", "final"):
        (run / "onnx" / name).mkdir(parents=True)
    (run / "onnx" / "step-1" / "ptlab-onnx.json").write_text(json.dumps({"source": str((run / "checkpoints" / "step-1").resolve())}))
    _no_jobs(monkeypatch)
    with pytest.raises(AssertionError, match="a stage's job started"):
        demo.run_stage(5, 5, export, out, configs)
    (run / "onnx" / "final" / "ptlab-onnx.json").write_text(json.dumps({"source": str((run / "checkpoints" / "final").resolve())}))
    demo.run_stage(5, 5, export, out, configs)
    assert "done before, kept" in capsys.readouterr().out


STAGE_JOB_STAND_IN = """
import subprocess, sys
from ptlab import demo

out, pid_file = sys.argv[1:]
job = [sys.executable, "-c", f"import os, time; open({pid_file!r}, 'w').write(str(os.getpid())); time.sleep(60)"]
real_popen = subprocess.Popen
demo.subprocess.Popen = lambda command, **options: real_popen(job, **options)  # the stage's job, a sleeper
sys.exit(demo.main(["--size", "ci", "--out", out]))
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_or_sighup_to_the_demo_ends_its_stage_s_job_and_exits_non_zero(tmp_path, sig):
    """`kill`, or a closed terminal's SIGHUP, ends the demo as Ctrl+C does: the running stage's job
    is ended and waited for, not left training as an orphan; the demo exits non-zero."""
    pid_file = tmp_path / "job.pid"
    demo_process = subprocess.Popen([sys.executable, "-c", STAGE_JOB_STAND_IN, str(tmp_path / "demo"), str(pid_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and demo_process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    job = int(pid_file.read_text())
    try:
        demo_process.send_signal(sig)
        _, err = demo_process.communicate(timeout=30)
        assert demo_process.returncode == 128 + sig, err
        assert "run the demo again to resume" in err
        with pytest.raises(ProcessLookupError):
            os.kill(job, 0)  # ended and reaped by the demo
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(job, signal.SIGKILL)
