"""bench/optimizer_step.py (gpu_check.sh's optimizer-step) runs here on CPU: a line per model and
kernel, each kernel's weights within rounding of the for-loop's."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]


def test_each_kernel_steps_each_model_alike(ptlab_cache):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "optimizer_step.py"), "--models", "embedded:tiny-lm,tiny", "--steps", "4"], capture_output=True, text=True, timeout=300, env={**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache)})
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{") and '"optimizer-step"' in line]
    assert [(line["model"], line["implementation"]) for line in lines] == [(model, kernel) for model in ("embedded:tiny-lm", "tiny") for kernel in ("for-loop", "foreach", "fused")]
    assert all(line["medianMs"] > 0 and line["maxDiffFromForLoop"] < 1e-6 for line in lines)
