"""bench/gpu_check.sh, the one script a lent GPU runs: its steps in the order named, each
step's outcome in steps.tsv, and DEADLINE, which stops and skips steps so that the run and its
table end inside a short device call. Its benchmarks are stood in for by a stub interpreter
(PYTHON) that prints a result line, after STUB_SLEEP seconds; the table is the real one."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "gpu_check.sh"
TABLE_SECONDS = 20  # what gpu_check.sh keeps for the table before DEADLINE

STUB = f"""#!/bin/sh
case "$1" in
  bench/gpu_table.py) exec {sys.executable} "$@" ;;
  -c) echo "torch stub"; exit 0 ;;
esac
echo '{{"device": "stub GPU", "size": "0.5b"}}'
sleep "${{STUB_SLEEP:-0}}"
echo '{{"bench": "sft", "tokensPerSecond": 1000.0, "mfu": 0.1}}'
"""


def check(tmp_path: Path, *steps: str, **env: str) -> subprocess.CompletedProcess:
    stub = tmp_path / "python"
    stub.write_text(STUB)
    stub.chmod(0o755)
    environment = {**os.environ, "PYTHON": str(stub), "OUT": str(tmp_path / "out"), "WHEELS": str(tmp_path / "no-wheels"), "PTLAB_BENCH_MODELS": str(tmp_path / "models"), **env}
    return subprocess.run(["bash", str(SCRIPT), *steps], capture_output=True, text=True, timeout=120, env=environment)


def outcomes(tmp_path: Path) -> list[list[str]]:
    return [line.split("\t") for line in (tmp_path / "out" / "steps.tsv").read_text().splitlines()]


def test_steps_run_in_the_order_named_and_the_table_lists_their_outcomes(tmp_path):
    done = check(tmp_path, "raw-0.5b", "trainer-0.5b")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [row[:2] for row in outcomes(tmp_path)] == [["raw-0.5b", "ok"], ["trainer-0.5b", "ok"]]
    table = (tmp_path / "out" / "table.md").read_text()
    assert "| `ptlab sft` 0.5b, defaults | trainer-0.5b | 1,000 | 10.0% |  |" in table
    assert "Steps run (2 of 2 ok):" in table


def test_the_deadline_stops_a_step_and_skips_the_rest_and_the_table_names_them(tmp_path):
    done = check(tmp_path, "trainer-0.5b", "trainer-0.5b-static", DEADLINE=str(TABLE_SECONDS + 4), MIN_STEP="1", STUB_SLEEP="30")
    assert done.returncode != 0  # a stopped step is a failed one
    assert "--- trainer-0.5b: stopped after" in done.stdout and "(DEADLINE)" in done.stdout
    assert [row[:2] for row in outcomes(tmp_path)] == [["trainer-0.5b", "stopped (DEADLINE)"], ["trainer-0.5b-static", "skipped (DEADLINE)"]]
    assert int(outcomes(tmp_path)[0][2]) < 15
    table = (tmp_path / "out" / "table.md").read_text()
    assert "Steps run (0 of 2 ok; without a result: trainer-0.5b, trainer-0.5b-static):" in table
    assert "| trainer-0.5b-static | skipped (DEADLINE) | 0 |" in table


def test_an_unknown_step_fails_before_anything_runs_naming_it(tmp_path):
    done = check(tmp_path, "trainer-0.5b", "trainer-05b")
    assert done.returncode == 2
    assert "no step named 'trainer-05b'" in done.stderr and "issue18" in done.stderr
    assert not (tmp_path / "out").exists()  # nothing written: an earlier run's results stay as they were


def test_the_issue18_group_names_only_known_steps(tmp_path):
    done = check(tmp_path, "issue18", DEADLINE=str(TABLE_SECONDS + 1), MIN_STEP="5")  # every step skipped: nothing runs
    assert done.returncode == 0, done.stdout + done.stderr
    names = [row[0] for row in outcomes(tmp_path)]
    assert names[:3] == ["trainer-0.5b", "raw-0.5b", "trainer-0.5b-static"] and "trainer-1.5b-sft" in names
    assert all(row[1] == "skipped (DEADLINE)" for row in outcomes(tmp_path))


def test_the_benchmarks_random_models_are_built_once_per_size_and_linked(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "bench"))
    import gpu_trainer

    monkeypatch.setenv("PTLAB_BENCH_MODELS", str(tmp_path / "models"))
    built = []
    real_build = gpu_trainer._build
    monkeypatch.setattr(gpu_trainer, "_build", lambda size, folder: built.append(size) or real_build(size, folder))
    first = gpu_trainer.build_model("tiny", tmp_path / "a" / "model")
    second = gpu_trainer.build_model("tiny", tmp_path / "b" / "model")
    assert built == ["tiny"] and first == second > 0
    assert (tmp_path / "b" / "model").resolve() == (tmp_path / "models" / "tiny").resolve()
    assert (tmp_path / "b" / "model" / "config.json").exists()
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["tiny"]  # no staging folder left


def test_the_step_seconds_spread_reads_the_records_own_seconds():
    sys.path.insert(0, str(ROOT / "bench"))
    import gpu_trainer

    records = [{"wallSeconds": w} for w in (1.0, 1.5, 2.0, 4.0, 4.5)]
    assert gpu_trainer.step_seconds(records) == {"min": 0.5, "median": 0.5, "max": 2.0}
    assert gpu_trainer.step_seconds(records[:1]) == {}
