"""bench/sampling_draws.py (gpu_check.sh's sampling-draws) runs here on CPU: a line per
vocabulary, row count and decoding, each choice timed."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parents[2]


def test_each_decoding_is_timed_both_ways():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "sampling_draws.py"), "--rows", "2", "--vocab", "1000", "--steps", "2", "--rounds", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0]["device"] == "cpu"
    assert [line["decoding"] for line in lines[1:]] == ["llama-3.2-vision", "temperature-1.0"]
    assert all(line["multinomialMs"] > 0 and line["keyedMs"] > 0 and line["keyedOverMultinomial"] > 0 for line in lines[1:])
