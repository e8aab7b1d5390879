"""ptlab.parallel.finish: a job's process group is gone, its gloo threads joined, before the
interpreter exits. A gloo thread still running then can free a collective's last tensor while
Python finalizes: `terminate called without an active exception`, SIGABRT (two_processes.run)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import two_processes

pytest.importorskip("torch")
pytest.importorskip("accelerate")

# Each process writes the names of its threads while the job runs, then after parallel.finish.
JOB = '''
import os
import sys
from pathlib import Path

import torch

from ptlab import parallel


def threads():
    return " ".join(sorted({(task / "comm").read_text().strip() for task in Path("/proc/self/task").iterdir()}))


def train(fail):
    acc = parallel.accelerator()
    model = acc.prepare(torch.nn.Linear(3, 3))  # DDP (which imports torch.distributed.nn)
    acc.unwrap_model(model)  # imports deepspeed where it is installed
    model(torch.ones(2, 3)).sum().backward()  # collectives on tensors Python made
    running.append(threads())
    if fail:
        raise RuntimeError("the job failed")  # its traceback holds this frame: the model, so the group


running = []
if sys.argv[1] == "finished":
    train(fail=False)
    parallel.finish()
    after = threads()
else:
    try:
        train(fail=True)
    except RuntimeError as exc:
        parallel.finish(failed=True, error=exc)
        after = threads()  # the error still held, as by a job that raises it on
Path(sys.argv[2], os.environ["RANK"]).write_text(running[0] + "\\n" + after + "\\n")
'''


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process's threads from /proc")
@pytest.mark.parametrize("end", ["finished", "failed"])
def test_finish_joins_the_gloo_threads_before_the_interpreter_exits(tmp_path: Path, end: str) -> None:
    script, out = tmp_path / "job.py", tmp_path / "threads"
    script.write_text(JOB)
    out.mkdir()
    env = two_processes.environment({**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")]))})
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", str(two_processes.free_port()), str(script), end, str(out)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    for rank in ("0", "1"):
        running, after = (out / rank).read_text().splitlines()
        assert "gloo" in running, running  # the group ran on gloo's threads,
        assert "gloo" not in after, f"rank {rank}: {after}"  # which finish joined


AT_EXIT = """
import atexit, os

atexit.register(lambda: open(os.path.join(os.environ["PTLAB_TEST_EXITS"], os.environ.get("RANK", "launcher")), "w").close())
"""


def test_a_distributed_jobs_processes_end_without_the_interpreters_finalization(tmp_path: Path, ptlab_cache: Path) -> None:
    """`python -m ptlab` as a process of a distributed job leaves with os._exit once the job is
    done (ptlab/__main__.py): objects a library still holds are never freed while Python shuts
    down, where a gloo thread could abort the process after the job succeeded. The launcher,
    and a job of one process, end as usual (their atexit handlers run)."""
    import json

    data = json.loads((Path(__file__).resolve().parents[2] / "examples" / "tiny.ptlab.json").read_text())
    data["evaluation"].update(maxNewTokens=8)
    for split in data["evaluation"]["splits"]:
        split["episodes"] = 2
    config, exits = tmp_path / "exits.ptlab.json", tmp_path / "exits"
    config.write_text(json.dumps(data))
    exits.mkdir()
    env = {**two_processes.hooked({**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache), "OMP_NUM_THREADS": "1"}, tmp_path, AT_EXIT), "PTLAB_TEST_EXITS": str(exits)}
    done = two_processes.launched("eval", config, tmp_path / "two", env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads((tmp_path / "two" / "run.json").read_text())["status"] == "finished"
    assert sorted(p.name for p in exits.iterdir()) == ["launcher"]
    alone = tmp_path / "alone"
    alone.mkdir()
    single = subprocess.run([sys.executable, "-m", "ptlab", "eval", "--config", str(config), "--run-dir", str(tmp_path / "one")], capture_output=True, text=True, env={**env, "PTLAB_TEST_EXITS": str(alone)}, timeout=300)
    assert single.returncode == 0, single.stderr[-3000:]
    assert [p.name for p in alone.iterdir()] == ["launcher"]  # no RANK: the one process's own exit
