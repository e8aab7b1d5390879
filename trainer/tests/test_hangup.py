"""A job in a terminal that goes away (VS Code's task termination closes the task's pty and
the job gets SIGHUP) checkpoints and ends as `cancelled`, like SIGTERM."""

import json
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("torch")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_sighup_from_a_closed_terminal_checkpoints_and_cancels(tmp_path, ptlab_cache):
    data = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    data["sft"].update(steps=400, globalBatchSize=8, microBatchSize=4, saveEverySteps=1000)
    data["sft"]["data"]["examples"] = 96
    del data["evaluation"]
    config = tmp_path / "hangup.ptlab.json"
    config.write_text(json.dumps(data))
    run = tmp_path / "run"
    env = {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache), "OMP_NUM_THREADS": "1"}
    pid, master = pty.fork()  # the child leads a session whose controlling terminal is the pty
    if pid == 0:
        os.execve(sys.executable, [sys.executable, "-m", "ptlab", "sft", "--config", str(config), "--run-dir", str(run)], env)
    metrics = run / "metrics.jsonl"
    deadline = time.time() + 300
    while time.time() < deadline and not (metrics.exists() and metrics.read_text().count("\n") >= 2):
        if select.select([master], [], [], 0.05)[0]:
            os.read(master, 65536)  # keep the terminal drained, as VS Code does
    os.kill(pid, signal.SIGHUP)  # what closing the terminal delivers
    os.close(master)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 130, status
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == "cancelled"
    step = manifest["progress"]["step"]
    assert step >= 2 and manifest["checkpoints"][-1]["step"] == step
