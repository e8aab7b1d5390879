"""The run folder's writer (ptlab.runlog.RunLog): what reaches run.json, and when."""

import json

from ptlab import runlog
from ptlab.runlog import RunLog


def manifest_step(run_dir) -> int:
    return json.loads((run_dir / "run.json").read_text())["progress"]["step"]


def test_progress_reaches_run_json_at_most_every_progress_seconds_the_last_step_always(tmp_path, monkeypatch):
    """A fast step does not wait for a schema-checked, fsync'd manifest each time: progress is
    written when PROGRESS_SECONDS have passed since the last write, at the last step, and by
    every other write (here the end), which carries the step the run is at."""
    clock = [100.0]
    monkeypatch.setattr(runlog.time, "monotonic", lambda: clock[0])
    writes = []
    real_write = runlog.atomic_write_text
    monkeypatch.setattr(runlog, "atomic_write_text", lambda path, text: writes.append(json.loads(text)["progress"]["step"]) or real_write(path, text))
    run_dir = tmp_path / "run"
    with RunLog(run_dir, experiment="x", job="sft", config={}, config_path=None, command=["ptlab", "sft"], seeds={"global": 0}) as run:
        for step in range(1, 5):
            clock[0] += 0.1
            run.progress(step, 10)
        assert manifest_step(run_dir) == 0 and writes == [0]  # 0.4 s since the first write
        clock[0] += runlog.PROGRESS_SECONDS
        run.progress(5, 10)
        assert manifest_step(run_dir) == 5
        clock[0] += 0.1
        run.progress(6, 10)
        run.progress(10, 10)  # the last step: at once
        assert manifest_step(run_dir) == 10 and writes == [0, 5, 10]
        run.progress(7, None)  # no total (a data job's): throttled the same way
        assert manifest_step(run_dir) == 10
    manifest = json.loads((run_dir / "run.json").read_text())
    assert (manifest["status"], manifest["progress"]) == ("finished", {"step": 7})
