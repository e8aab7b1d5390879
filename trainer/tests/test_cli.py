"""The command line, run as users run it: `python -m ptlab ...` in a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def ptlab(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ptlab", *args], capture_output=True, text=True, timeout=60)


def test_help_lists_commands():
    result = ptlab("--help")
    assert result.returncode == 0
    assert "validate" in result.stdout and "replica" in result.stdout


def test_validate_accepts_the_examples():
    result = ptlab("validate", *map(str, sorted(EXAMPLES.glob("*.ptlab.json"))))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok") == len(list(EXAMPLES.glob("*.ptlab.json")))


def test_validate_names_file_and_field(tmp_path):
    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    config["environment"]["faceCards"] = "all-11"
    bad = tmp_path / "bad.ptlab.json"
    bad.write_text(json.dumps(config))
    result = ptlab("validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}: /environment/faceCards:" in result.stderr
    assert "'all-10'" in result.stderr


def test_validate_reports_json_syntax_with_line(tmp_path):
    bad = tmp_path / "broken.ptlab.json"
    bad.write_text('{\n  "name": "x",\n  "model": {,}\n}\n')
    result = ptlab("validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3:" in result.stderr and "invalid JSON" in result.stderr


def test_validate_refuses_what_a_job_refuses_at_load(tmp_path):
    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    config["ppo"]["miniBatchSize"] = config["ppo"]["stepsPerUpdate"] * 2
    bad = tmp_path / "bad.ptlab.json"
    bad.write_text(json.dumps(config))
    result = ptlab("validate", str(bad))
    assert result.returncode == 1
    assert str(bad) in result.stderr
    assert "is larger than the rollout buffer (ppo.stepsPerUpdate" in result.stderr
    assert ": ok" not in result.stdout
