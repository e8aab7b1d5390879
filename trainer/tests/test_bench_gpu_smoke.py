"""The benchmarks a lent GPU runs first (bench/gpu_check.sh's issue18 steps: our SFT and PPO
loops, the plain-PyTorch baseline, rollouts against the reference's loop), run here on the CPU
at a tiny size with few steps, their output read by bench/gpu_table.py as gpu_check.sh would
hand it over: a change to the trainer that breaks a benchmark is found here, not in the few
minutes of a GPU lease."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]

STEPS = {  # gpu_check.sh's step: its benchmark at a CPU size
    "trainer-0.5b": ["bench/gpu_trainer.py", "--size", "tiny", "--sft-steps", "3", "--sft-batch", "8", "--ppo-updates", "3", "--ppo-steps", "16", "--ppo-envs", "8", "--ppo-minibatch", "8"],
    "raw-0.5b": ["bench/gpu_train.py", "--size", "tiny", "--batch", "2", "--steps", "2"],
    "rollout-reference-0.5b": ["bench/rollout_reference.py", "--size", "tiny", "--updates", "1", "--reference-steps", "4"],
}


def test_the_first_gpu_benchmarks_run_on_cpu_and_make_the_table(tmp_path, ptlab_cache):
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache), "PYTHONPATH": str(ROOT / "trainer"), "PTLAB_BENCH_MODELS": str(tmp_path / "models"), "OMP_NUM_THREADS": "1"}
    for step, command in STEPS.items():
        done = subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, f"{step}: {done.stderr[-3000:]}"
        (out / f"{step}.log").write_text(done.stdout)
        with (out / "steps.tsv").open("a") as steps:
            steps.write(f"{step}\tok\t1\n")
    table = subprocess.run([sys.executable, str(ROOT / "bench" / "gpu_table.py"), str(out)], capture_output=True, text=True, timeout=60)
    assert table.returncode == 0, table.stderr
    rows = [line for line in table.stdout.splitlines() if line.startswith("| ")]
    for expected in ("| `ptlab sft` tiny, defaults | trainer-0.5b |", "| `ptlab ppo` tiny, defaults | trainer-0.5b |", "| plain PyTorch training tiny", "rollout-reference-0.5b"):
        assert any(expected in row for row in rows), f"no row with {expected!r}:\n{table.stdout}"
    assert not any("not comparable" in row for row in rows), table.stdout  # the baseline is our model (gpu_trainer.build_model)
    assert "Steps run (3 of 3 ok):" in table.stdout
