"""The run folder's writer (ptlab.runlog.RunLog): what reaches run.json, and when."""

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
import threading
import time

import pytest

from ptlab import runlog
from ptlab.runlog import RunLog


def manifest_step(run_dir) -> int:
    return json.loads((run_dir / "run.json").read_text())["progress"]["step"]


def written(writes: list, count: int) -> list:
    """The writes once `count` have happened (the heartbeat's thread makes progress's)."""
    deadline = time.monotonic() + 10
    while len(writes) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return writes


def test_progress_reaches_run_json_at_most_every_progress_seconds_the_last_step_always(tmp_path, monkeypatch):
    """A fast step waits for no schema-checked, fsync'd manifest: progress is written, by the
    heartbeat's thread, when PROGRESS_SECONDS have passed since the last write; at the last step
    at once; and by every other write (here the end), which carries the step the run is at."""
    clock = [100.0]
    monkeypatch.setattr(runlog.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(runlog, "HEARTBEAT_SECONDS", 3600.0)  # no periodic beat's write in the count, however slow the machine
    writes = []
    for name in ("atomic_write_text", "create_text"):  # every write, and the first, which claims the folder
        real_write = getattr(runlog, name)
        # counted once written: the test reads run.json as soon as it sees the count grow
        monkeypatch.setattr(runlog, name, lambda path, text, real_write=real_write: (real_write(path, text), writes.append((json.loads(text)["progress"]["step"], threading.current_thread().name)))[0])
    run_dir = tmp_path / "run"
    training = threading.current_thread().name
    with RunLog(run_dir, experiment="x", job="sft", config={}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}) as run:
        for step in range(1, 5):
            clock[0] += 0.1
            run.progress(step, 10)
        assert manifest_step(run_dir) == 0 and writes == [(0, training)]  # 0.4 s since the first write
        clock[0] += runlog.PROGRESS_SECONDS
        run.progress(5, 10)
        assert written(writes, 2) == [(0, training), (5, "ptlab-heartbeat")]  # not the training thread's time
        assert manifest_step(run_dir) == 5
        clock[0] += 0.1
        run.progress(6, 10)
        run.progress(10, 10)  # the last step: at once
        assert manifest_step(run_dir) == 10 and [step for step, _ in writes] == [0, 5, 10]
        run.progress(7, None)  # no total (a data job's): throttled the same way
        assert manifest_step(run_dir) == 10
    manifest = json.loads((run_dir / "run.json").read_text())
    assert (manifest["status"], manifest["progress"]) == ("finished", {"step": 7})


def test_a_manifest_write_never_puts_back_an_older_snapshot(tmp_path, monkeypatch):
    """The heartbeat's thread and the training thread both write run.json: writes are taken one
    at a time, each snapshot after the one before, so the file ends with the newest state."""
    run_dir = tmp_path / "run"
    with RunLog(run_dir, experiment="x", job="sft", config={}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}) as run:
        monkeypatch.setattr(runlog, "PROGRESS_SECONDS", 0.0)  # every progress asks the thread to write
        for step in range(1, 200):
            run.progress(step, 1000)
            if step % 20 == 0:
                run.update(parameters=step)  # the training thread's own writes, meanwhile
        run.progress(1000, 1000)
        manifest = json.loads((run_dir / "run.json").read_text())
        assert (manifest["progress"]["step"], manifest["parameters"]) == (1000, 180)


def test_active_at_is_the_jobs_last_move_while_the_heartbeat_goes_on(tmp_path, monkeypatch):
    """run.json's activeAt: when the job last moved (moved(): a generate call, a micro-batch, a
    record, progress), written with every beat; a job that does nothing keeps beating."""
    monkeypatch.setattr(runlog, "HEARTBEAT_SECONDS", 0.05)
    run_dir = tmp_path / "run"

    def manifest_after_beats() -> dict:
        """The first run.json whose beat began after now: one the heartbeat thread snapshotted
        before the caller's last move, but published after, would not show that move."""
        since = runlog.now()
        deadline = time.monotonic() + 10
        while (manifest := json.loads((run_dir / "run.json").read_text()))["heartbeatAt"] <= since and time.monotonic() < deadline:
            time.sleep(0.01)
        return manifest

    with RunLog(run_dir, experiment="x", job="sft", config={}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}) as run:
        started = json.loads((run_dir / "run.json").read_text())["activeAt"]
        time.sleep(0.1)
        idle = manifest_after_beats()
        assert idle["activeAt"] == started and idle["heartbeatAt"] > started
        runlog.moved()
        moved = manifest_after_beats()["activeAt"]
        assert moved > started
        time.sleep(0.01)
        run.metric({"kind": "train", "step": 1, "time": runlog.now(), "compute": {"parameters": 1, "trainTokens": 1, "inferenceTokens": 0, "gflops": 0.0}, "metrics": {"train/loss": 1.0}})
        recorded = manifest_after_beats()["activeAt"]
        assert recorded > moved
        with runlog.busy():  # a model's download: it moves on its own
            time.sleep(0.1)
            during = manifest_after_beats()
            assert during["activeAt"] >= during["heartbeatAt"] > recorded  # now, at every beat
        time.sleep(0.1)
        after = manifest_after_beats()
        assert after["activeAt"] < after["heartbeatAt"]  # the last move: busy()'s end


def test_resume_refuses_a_config_that_differs_from_the_runs_naming_each_field(tmp_path):
    """--resume goes on with the run's own experiment: a changed config (a learning rate, a
    longer schedule) would train another experiment than run.json records, its schedule's base
    rate the old one's. Refused before anything is written, naming each field; the same config
    resumes."""
    import pytest

    from ptlab.runlog import RunFolderError

    run_dir = tmp_path / "run"
    config = {"name": "x", "sft": {"learningRate": 0.001, "steps": 8, "packing": True}}
    with RunLog(run_dir, experiment="x", job="sft", config=config, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}):
        pass
    before = (run_dir / "run.json").read_text()
    changed = {"name": "x", "sft": {"learningRate": 0.5, "steps": 12}}
    with pytest.raises(RunFolderError, match=r"differs from it at 3 field\(s\) \(sft.learningRate: 0.001 -> 0.5; sft.packing: true -> \(unset\); sft.steps: 8 -> 12\)"):
        RunLog(run_dir, experiment="x", job="sft", config=changed, config_path=tmp_path / "x.ptlab.json", command=["ptlab", "sft"], seeds={"global": 0}, resume=True)
    assert (run_dir / "run.json").read_text() == before
    with RunLog(run_dir, experiment="x", job="sft", config=json.loads(json.dumps(config)), config_path=None, command=["ptlab", "sft"], seeds={"global": 0}, resume=True) as run:
        assert len(run.manifest["segments"]) == 2
    other = tmp_path / "tuples"
    with RunLog(other, experiment="x", job="sft", config={"adam": {"betas": (0.9, 0.98)}}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}):
        pass
    with RunLog(other, experiment="x", job="sft", config={"adam": {"betas": (0.9, 0.98)}}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}, resume=True):
        pass  # a config as Python makes it: its tuples are run.json's lists


def test_resume_takes_fields_a_newer_trainer_added_for_no_change(tmp_path):
    """A run started by an older trainer has no snapshot of fields added since; this trainer
    fills them in with their defaults (config.experiment_from_dict), as it does the job's: the
    same file resumes. Compared as stored, every such run was refused."""
    import pytest

    from ptlab.config import experiment_from_dict, load_experiment
    from ptlab.runlog import RunFolderError

    path = Path(__file__).resolve().parents[2] / "examples" / "tiny.ptlab.json"
    config = load_experiment(path).to_dict()
    older = json.loads(json.dumps(config))
    del older["alerts"]["stalledProgress"]  # a field added after the run started
    run_dir = tmp_path / "run"
    with RunLog(run_dir, experiment="tiny", job="sft", config=older, config_path=path, command=["ptlab", "sft"], seeds={"global": 0}):
        pass
    current = lambda stored: experiment_from_dict(stored).to_dict()  # noqa: E731 (what ptlab.cli passes)
    with pytest.raises(RunFolderError, match=r"alerts.stalledProgress: \(unset\) ->"):
        RunLog(run_dir, experiment="tiny", job="sft", config=config, config_path=path, command=["ptlab", "sft"], seeds={"global": 0}, resume=True)
    with RunLog(run_dir, experiment="tiny", job="sft", config=config, config_path=path, command=["ptlab", "sft"], seeds={"global": 0}, resume=True, current=current) as run:
        assert len(run.manifest["segments"]) == 2
    changed = json.loads(json.dumps(config))
    changed["sft"]["learningRate"] = 0.5
    with pytest.raises(RunFolderError, match=r"sft.learningRate: 0.001 -> 0.5\)"):
        RunLog(run_dir, experiment="tiny", job="sft", config=changed, config_path=path, command=["ptlab", "sft"], seeds={"global": 0}, resume=True, current=current)


def test_resume_names_a_changed_default_the_config_file_leaves_out(tmp_path):
    """PPO's adam.betas default became torch's (0.9, 0.999): a run started under the old
    default (0.9, 0.98) from a file that omits betas holds the old value in its snapshot. The
    refusal says the field is not in the file and how to resume, not as though it was edited;
    a field the file sets is named as before."""
    import shutil

    import pytest

    from ptlab.config import filled_in, load_experiment
    from ptlab.runlog import RunFolderError

    path = tmp_path / "tiny.ptlab.json"
    shutil.copy(Path(__file__).resolve().parents[2] / "examples" / "tiny.ptlab.json", path)
    config = load_experiment(path).to_dict()
    assert "adam" not in json.loads(path.read_text())["ppo"] and config["ppo"]["adam"]["betas"] == [0.9, 0.999]
    older = json.loads(json.dumps(config))
    older["ppo"]["adam"]["betas"] = [0.9, 0.98]  # the snapshot made under the old default
    older["ppo"]["learningRate"] = 2e-05  # and a field the file sets, since edited
    run_dir = tmp_path / "run"
    with RunLog(run_dir, experiment="tiny", job="ppo", config=older, config_path=path, command=["ptlab", "ppo"], seeds={"global": 0}):
        pass
    with pytest.raises(RunFolderError) as refused:
        RunLog(run_dir, experiment="tiny", job="ppo", config=config, config_path=path, command=["ptlab", "ppo"], seeds={"global": 0}, resume=True, current=filled_in)
    message = str(refused.value)
    assert "ppo.adam.betas: [0.9, 0.98] -> [0.9, 0.999] (not set in tiny.ptlab.json: its default is now [0.9, 0.999]; set it to the run's value [0.9, 0.98] to resume)" in message
    assert "ppo.learningRate: 2e-05 -> 1e-05)" in message  # the last field, no note


def test_resume_refuses_a_training_run_begun_under_older_learning_rate_schedules(tmp_path):
    """SFT's warmup became ceil(steps x warmupRatio) steps and PPO's cosine torch's, rising
    again past lrCosineUpdates: a run begun before, resumed, followed the new schedule from its
    checkpoint on, a kink in its curve nobody was told of. run.json records the schedules'
    version (scheduleVersion) of a training job; --resume refuses an older or absent one whose
    rates the change alters (or where run.json cannot tell), naming the field, what changed and
    what to do; a run the change leaves alone resumes, as this version's from then on; a run of
    this version resumes; a job without a schedule (eval) neither records nor checks it."""
    from ptlab.runlog import SCHEDULE_VERSION, RunFolderError

    refusal = rf"run.json: scheduleVersion (absent|is {SCHEDULE_VERSION - 1}) \(the learning-rate schedules the run began under\), this trainer's are version {SCHEDULE_VERSION}: SFT warms up for ceil\(steps x warmupRatio\) steps .*; "
    advice = r"\. Finish it with the trainer it began with \(run.json's git\), or start a new run in another --run-dir"
    cases = [  # job, config, progress, the change alters its rates (None: cannot tell)
        ("sft", {"sft": {"warmupRatio": 0.03}}, {"step": 3, "totalSteps": 10}, True),  # round(0.3) = 0 warmup steps, ceil 1
        ("sft", {"sft": {"warmupRatio": 0.1}}, {"step": 3, "totalSteps": 50}, False),  # 5 either way
        ("sft", {"sft": {"warmupRatio": 0.1}}, None, None),
        ("ppo", {"ppo": {"updates": 20, "lrCosineUpdates": 12.5}}, None, True),
        ("ppo", {"ppo": {"updates": 20}}, None, False),  # the cosine spans every update either way
    ]
    for index, (job, config, progress, alters) in enumerate(cases):
        run_dir = tmp_path / f"{job}-{index}"
        opened = dict(experiment="x", job=job, config={"name": "x", **config}, config_path=None, command=["ptlab", job], seeds={"global": 0})
        with RunLog(run_dir, **opened):
            pass
        assert json.loads((run_dir / "run.json").read_text())["scheduleVersion"] == SCHEDULE_VERSION
        with RunLog(run_dir, **opened, resume=True) as run:
            assert run.manifest["scheduleVersion"] == SCHEDULE_VERSION and len(run.manifest["segments"]) == 2
        for older in ({}, {"scheduleVersion": SCHEDULE_VERSION - 1}):
            manifest = json.loads((run_dir / "run.json").read_text())
            manifest.pop("scheduleVersion", None)
            manifest.pop("progress", None)
            (run_dir / "run.json").write_text(json.dumps({**manifest, **older, **({"progress": progress} if progress else {})}))
            before = (run_dir / "run.json").read_text()
            if alters is False:
                with RunLog(run_dir, **opened, resume=True) as run:
                    assert run.manifest["scheduleVersion"] == SCHEDULE_VERSION, (job, config)
                assert json.loads((run_dir / "run.json").read_text())["scheduleVersion"] == SCHEDULE_VERSION
                continue
            consequence = "resumed, the run would follow the new schedule from its checkpoint on" if alters else r"run.json does not tell whether this run's rates change \(no progress.totalSteps\)"
            with pytest.raises(RunFolderError, match=refusal + consequence + advice):
                RunLog(run_dir, **opened, resume=True)
            assert (run_dir / "run.json").read_text() == before
    evaluation = tmp_path / "eval"
    opened = dict(experiment="x", job="eval", config={"name": "x"}, config_path=None, command=["ptlab", "eval"], seeds={"global": 0})
    with RunLog(evaluation, **opened):
        pass
    assert "scheduleVersion" not in json.loads((evaluation / "run.json").read_text())
    with RunLog(evaluation, **opened, resume=True):
        pass


def test_two_jobs_started_in_one_run_folder_at_once_one_is_refused(tmp_path, monkeypatch):
    """Two launches into one --run-dir (Run SFT clicked twice): both pass the look for run.json
    before either writes it (the git and package look-ups come between); the first manifest
    write claims the folder, so the other job is refused and its run.json is not the one kept."""
    from ptlab.runlog import RunFolderError

    run_dir = tmp_path / "run"
    both_looked = threading.Barrier(2)
    monkeypatch.setattr(runlog, "git_state", lambda folder: (both_looked.wait(timeout=30), None)[1])
    outcomes: dict[str, str] = {}

    def start(name: str) -> None:
        try:
            with RunLog(run_dir, experiment="x", job="sft", config={"name": "x"}, config_path=None, command=[name], seeds={"global": 0}):
                outcomes[name] = "opened"
        except RunFolderError as exc:
            outcomes[name] = str(exc)

    threads = [threading.Thread(target=start, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == [f"{run_dir}: a run already lives here; pass --resume to continue it, or choose another --run-dir", "opened"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "opened")
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["command"] == [winner] and manifest["status"] == "finished"
    assert [p.name for p in run_dir.iterdir()] == ["run.json"]  # no temp file left behind


def test_a_run_folder_that_cannot_be_written_is_refused_saying_so(tmp_path, monkeypatch):
    """A --run-dir on a read-only file system, or without write permission, was a raw OSError."""
    import errno

    from ptlab.runlog import RunFolderError

    def open_run(run_dir: Path) -> None:
        with RunLog(run_dir, experiment="x", job="sft", config={"name": "x"}, config_path=None, command=["ptlab"], seeds={"global": 0}):
            pass

    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    with monkeypatch.context() as patched:
        patched.setattr(Path, "mkdir", read_only)
        with pytest.raises(RunFolderError) as refused:
            open_run(tmp_path / "new")
    assert str(refused.value) == f"{tmp_path / 'new'}: cannot make the run folder (Read-only file system); choose a --run-dir you can write to"

    def denied(path: Path, text: str, *_options: object) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(runlog, "_synced_temp", denied)
    (tmp_path / "existing").mkdir()
    with pytest.raises(RunFolderError) as refused:
        open_run(tmp_path / "existing")
    assert str(refused.value) == f"{tmp_path / 'existing' / 'run.json'}: cannot write (Permission denied); choose a --run-dir you can write to"


def test_a_resume_keeps_records_whose_text_holds_a_line_separator(tmp_path):
    """json.dumps(ensure_ascii=False) leaves U+2028, U+2029 and U+0085 in a model's output; the
    resume's rewrite read the file with str.splitlines, which splits there too, and dropped
    both halves of each such record."""
    with RunLog(tmp_path / "run", experiment="x", job="ppo", config={}, config_path=None, command=["ptlab"], seeds={"global": 0}) as run:
        for step, text in ((1, "plain"), (2, "a\u2028b"), (3, "c\u0085d\u2029e")):
            run.metric({"kind": "train", "step": step, "time": "2026-12-02T08:01:00.000Z", "compute": {"parameters": 1, "trainTokens": step, "inferenceTokens": 0, "gflops": 0.0}, "metrics": {}})
            (tmp_path / "run" / "episodes.jsonl").open("a", encoding="utf-8").write(json.dumps({"step": step, "output": text}, ensure_ascii=False) + "\n")
    with RunLog(tmp_path / "run", experiment="x", job="ppo", config={}, config_path=None, command=["ptlab"], seeds={"global": 0}, resume=True) as run:
        run.truncate_records_after(5)
    kept = [json.loads(line) for line in runlog.jsonl_lines(tmp_path / "run" / "episodes.jsonl")]
    assert [(r["step"], r["output"]) for r in kept] == [(1, "plain"), (2, "a\u2028b"), (3, "c\u0085d\u2029e")]
    assert len(runlog.jsonl_lines(tmp_path / "run" / "metrics.jsonl")) == 3


def test_run_json_and_a_resumed_runs_records_are_readable_by_all_under_umask_022(tmp_path):
    """A teammate reads a shared run folder: the temp file every replace writes through was
    mkstemp's 0600, which the rename kept, so run.json was always private and metrics.jsonl
    became private on a resume's rewrite. A fresh process, as the umask is read at import."""
    script = f"""
import os, pathlib
os.umask(0o022)
from ptlab.runlog import RunLog
run_dir = pathlib.Path({str(tmp_path / "run")!r})
opened = dict(experiment="x", job="ppo", config={{}}, config_path=None, command=["ptlab"], seeds={{"global": 0}})
with RunLog(run_dir, **opened) as run:
    run.metric({{"kind": "train", "step": 1, "time": "2026-12-02T08:01:00.000Z", "compute": {{"parameters": 1, "trainTokens": 1, "inferenceTokens": 0, "gflops": 0.0}}, "metrics": {{}}}})
with RunLog(run_dir, **opened, resume=True) as run:
    run.truncate_records_after(1)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(Path(runlog.__file__).parents[1])})
    assert done.returncode == 0, done.stderr
    modes = {name: oct((tmp_path / "run" / name).stat().st_mode & 0o777) for name in ("run.json", "metrics.jsonl")}
    assert modes == {"run.json": "0o644", "metrics.jsonl": "0o644"}


def test_a_resume_drops_a_checkpoint_steps_evaluation_that_lacks_a_split(tmp_path):
    """A job killed between two evaluation splits at a checkpoint's step (the evaluation a
    cancelled run stopped before, redone on resume) left the first split's records; kept, they
    made has_evaluation skip the rest. Now the step's evaluation is dropped and redone whole,
    as is one whose episodes were written without their metric record; a whole one is kept."""
    compute = {"parameters": 1, "trainTokens": 1, "inferenceTokens": 0, "gflops": 0.0}
    rate = {"rate": 0.0, "stderr": 0.0, "n": 1}
    evaluation = {"kind": "eval", "step": 5, "time": "2026-12-02T08:01:00.000Z", "compute": compute, "splitKind": "id", "episodesEvaluated": 1, "success": rate, "meanReward": 0.0, "failureModes": {}}

    def resumed(splits_done: tuple[str, ...], episodes: tuple[str, ...]) -> RunLog:
        run_dir = tmp_path / "-".join(("run", *splits_done, *episodes))
        with RunLog(run_dir, experiment="x", job="ppo", config={}, config_path=None, command=["ptlab"], seeds={"global": 0}) as run:
            run.metric({"kind": "train", "step": 5, "time": "2026-12-02T08:00:00.000Z", "compute": compute, "metrics": {}})
            for split in splits_done:
                run.metric({**evaluation, "split": split})
            with (run_dir / "episodes.jsonl").open("a", encoding="utf-8") as f:
                for split in ("train", *episodes):
                    f.write(json.dumps({"step": 5, "split": split}) + "\n")
        with RunLog(run_dir, experiment="x", job="ppo", config={}, config_path=None, command=["ptlab"], seeds={"global": 0}, resume=True) as run:
            run.truncate_records_after(5, evaluations_at_step=True, splits=("id", "ood"))
            return run

    def kept(run: RunLog) -> tuple[list[str], list[str]]:
        metrics = [json.loads(line) for line in runlog.jsonl_lines(run.dir / "metrics.jsonl")]
        episodes = [json.loads(line) for line in runlog.jsonl_lines(run.dir / "episodes.jsonl")]
        return [m.get("split", m["kind"]) for m in metrics], [e["split"] for e in episodes]

    partial = resumed(("id",), ("id",))
    assert kept(partial) == (["train"], ["train"]) and not partial.has_evaluation(5)
    assert kept(resumed((), ("id",))) == (["train"], ["train"])  # its metric record never written
    whole = resumed(("id", "ood"), ("id", "ood"))
    assert kept(whole) == (["train", "id", "ood"], ["train", "id", "ood"]) and whole.has_evaluation(5)
    assert kept(resumed((), ())) == (["train"], ["train"])  # a step without an evaluation


def as_left_by(run_dir: Path, heartbeat_age: float, **host) -> None:
    """run.json as a job that still says `running` left it: its heartbeat `heartbeat_age` s old, run by `host`."""
    manifest = json.loads((run_dir / "run.json").read_text())
    manifest.pop("endedAt", None)
    for key in ("endedAt", "endStatus"):
        manifest["segments"][-1].pop(key, None)
    manifest.update(status="running", heartbeatAt=runlog.now(time.time() - heartbeat_age), host={**manifest["host"], **host})
    (run_dir / "run.json").write_text(json.dumps(manifest))


def test_resume_refuses_a_run_whose_job_still_runs_and_takes_one_whose_process_is_gone(tmp_path):
    """--resume into a folder whose job still runs (started from a terminal, another window or
    Slurm) made two writers of one folder: interleaved metrics, one segment lost, a checkpoint
    run.json does not list. Refused, naming the process, while its heartbeat is fresh; a job
    ended on this machine (a SIGKILL's fresh heartbeat) or a heartbeat STALE_SECONDS old resumes."""
    import subprocess
    import sys

    import pytest

    from ptlab.runlog import STALE_SECONDS, RunFolderError

    run_dir = tmp_path / "run"
    opened = dict(experiment="x", job="sft", config={"name": "x"}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0})
    with RunLog(run_dir, **opened):
        before = (run_dir / "run.json").read_text()
        with pytest.raises(RunFolderError, match=rf"run.json: this run is still running \(pid {os.getpid()} on {socket.gethostname()}, heartbeat 0 s ago\); .*Cancel it first, or, if its process is gone without a word \(a crash on another machine\), resume once its heartbeat is 60 s old"):
            RunLog(run_dir, **opened, resume=True)
        assert (run_dir / "run.json").read_text() == before
    elsewhere = {"hostname": "gpu-node-7", "pid": os.getpid(), "slurmJobId": "4242"}
    as_left_by(run_dir, 5, **elsewhere)
    with pytest.raises(RunFolderError, match=r"still running \(pid \d+ on gpu-node-7, Slurm job 4242, heartbeat 5 s ago\)"):
        RunLog(run_dir, **opened, resume=True)
    as_left_by(run_dir, STALE_SECONDS + 1, **elsewhere)  # crashed elsewhere: its heartbeat stopped
    with RunLog(run_dir, **opened, resume=True) as run:
        assert run.manifest["segments"][-2]["endStatus"] == "crashed"
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    as_left_by(run_dir, 1, hostname=socket.gethostname(), pid=int(ended.stdout))  # killed here a second ago
    with RunLog(run_dir, **opened, resume=True) as run:
        assert len(run.manifest["segments"]) == 3
    run_folder_ts = (Path(__file__).resolve().parents[2] / "src" / "core" / "runs" / "runFolder.ts").read_text()
    assert f"DEFAULT_STALE_SECONDS = {STALE_SECONDS:.0f};" in run_folder_ts  # the extension shows such a run as stale


def test_ctrl_c_asks_the_job_to_cancel_and_a_second_one_later_aborts(tmp_path, monkeypatch):
    """Ctrl+C is a cancel, as SIGTERM is: the job checkpoints and ends. One heard twice at once
    (torch's elastic agent passes the terminal's on to its workers) is still one; Ctrl+C again
    later aborts at once. A SIGINT the process ignored stays ignored; the end puts the handler back."""
    clock = [100.0]
    monkeypatch.setattr(runlog.time, "monotonic", lambda: clock[0])
    with RunLog(tmp_path / "run", experiment="x", job="sft", config={}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}) as run:
        os.kill(os.getpid(), signal.SIGINT)
        assert run.cancel_requested
        clock[0] += 0.01
        os.kill(os.getpid(), signal.SIGINT)  # the agent's copy of the same Ctrl+C
        clock[0] += runlog.REPEATED_INTERRUPT_SECONDS
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with RunLog(tmp_path / "background", experiment="x", job="sft", config={}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}) as run:
            assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_resume_describes_the_machine_and_code_of_its_own_process(tmp_path, monkeypatch):
    """run.json's command, cwd, git, packages, host and gpus are the latest segment's process's:
    a run resumed on another machine (other GPUs, packages, commit) said only its host changed."""
    opened = {"experiment": "x", "job": "sft", "config": {}, "config_path": None, "seeds": {"global": 0}}
    monkeypatch.setattr(runlog, "gpu_info", lambda: [{"index": 0, "name": "first machine's GPU", "memoryMiB": 1}])
    with RunLog(tmp_path / "run", **opened, command=["ptlab", "sft"]):
        pass
    first = json.loads((tmp_path / "run" / "run.json").read_text())
    first.update(cwd="/elsewhere", git={"commit": "0" * 40, "dirty": True}, packages={"python": "3.0.0", "torch": "0.1"})
    (tmp_path / "run" / "run.json").write_text(json.dumps(first))
    now = [{"index": 0, "name": "NVIDIA H100", "memoryMiB": 81559}, {"index": 1, "name": "NVIDIA H100", "memoryMiB": 81559}]
    monkeypatch.setattr(runlog, "gpu_info", lambda: now)
    with RunLog(tmp_path / "run", **opened, command=["ptlab", "sft", "--resume"], resume=True):
        pass
    resumed = json.loads((tmp_path / "run" / "run.json").read_text())
    assert resumed["gpus"] == now and resumed["command"] == ["ptlab", "sft", "--resume"] and resumed["cwd"] == os.getcwd()
    assert resumed["packages"] == runlog.package_versions() and resumed["git"] == runlog.git_state(Path(runlog.__file__).resolve().parent)
    assert resumed["host"]["pid"] == os.getpid() and resumed["createdAt"] == first["createdAt"]


def test_a_resume_records_the_config_file_it_was_launched_with(tmp_path):
    """run.json's configPath is the latest segment's config file, as its command is: a run
    resumed from a copy of its config elsewhere (another checkout, a moved folder) kept the
    first file's path, which Resume and the route files then read instead of the one in use."""
    first_config, moved_config = tmp_path / "first" / "x.ptlab.json", tmp_path / "moved" / "x.ptlab.json"
    opened = {"experiment": "x", "job": "sft", "config": {}, "seeds": {"global": 0}}
    with RunLog(tmp_path / "run", **opened, config_path=first_config, command=["ptlab", "sft", "--config", str(first_config)]):
        pass
    assert json.loads((tmp_path / "run" / "run.json").read_text())["configPath"] == str(first_config)
    with RunLog(tmp_path / "run", **opened, config_path=moved_config, command=["ptlab", "sft", "--config", str(moved_config), "--resume"], resume=True):
        pass
    resumed = json.loads((tmp_path / "run" / "run.json").read_text())
    assert resumed["configPath"] == str(moved_config) and resumed["command"][3] == str(moved_config)


def test_run_json_never_holds_a_non_finite_number(tmp_path):
    """json.dumps writes inf as Infinity, which is not JSON: neither the extension nor --resume
    could read the run.json. Refused as the records are (_append)."""
    with pytest.raises(ValueError, match="not JSON compliant"):
        RunLog(tmp_path / "run", experiment="x", job="sft", config={"sft": {"epochs": float("inf")}}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0})
    assert not (tmp_path / "run" / "run.json").exists()
