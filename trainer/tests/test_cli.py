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


def test_replica_out_refuses_a_folder_of_other_files_a_file_and_the_current_folder(tmp_path):
    """--out is replaced whole: a folder of the user's files or a regular file went without a
    word, and `--out .` ended in a ValueError traceback."""
    notes = tmp_path / "mine" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("mine")
    result = ptlab("replica", "llama3", "--out", str(notes.parent))
    assert result.returncode == 2 and f"{notes.parent}: a folder with files that are not a replica's (no ptlab-replica.json)" in result.stderr, result.stderr
    result = ptlab("replica", "llama3", "--out", str(notes))
    assert result.returncode == 2 and f"{notes}: a file" in result.stderr, result.stderr
    assert notes.read_text() == "mine"
    here = tmp_path / "empty"
    here.mkdir()
    result = subprocess.run([sys.executable, "-m", "ptlab", "replica", "llama3", "--out", "."], capture_output=True, text=True, timeout=60, cwd=here)
    assert result.returncode == 2 and f"{here}: the current folder" in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_replica_out_replaces_a_replica_with_one_anyone_can_read(tmp_path):
    """A replica's folder (its marker) is replaced whole; the new one is 0755 with 0644 files,
    as a published base is (mkdtemp made it 0700, safetensors its weights 0600)."""
    out = tmp_path / "replica"
    out.mkdir()
    (out / "ptlab-replica.json").write_text("{}")
    (out / "old.bin").write_text("old")
    result = subprocess.run([sys.executable, "-m", "ptlab", "replica", "llama3", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert not (out / "old.bin").exists() and (out / "model.safetensors").is_file()
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in out.iterdir()} == {p.name: oct(0o644) for p in out.iterdir()}


RUN_NAME_FIX = "rename the run folder (letters, digits, . _ -, the first a letter or digit; up to 128)"


def test_a_run_folder_whose_name_cannot_be_the_run_id_is_refused_before_it_is_made(tmp_path):
    """run.json's runId is the folder's name (run-manifest.schema.json's pattern): a name with a
    space or a non-ASCII letter failed the manifest's schema check after the folder was made."""
    for name in ("my run", "café", "x" * 129):
        run_dir = tmp_path / name
        result = ptlab("data", "--config", str(EXAMPLES / "tiny.ptlab.json"), "--run-dir", str(run_dir))
        assert result.returncode == 2, result.stderr
        assert result.stderr == f"ptlab data: {run_dir}: the folder name {name!r} cannot be the run's id; {RUN_NAME_FIX}\n"
        assert not run_dir.exists()


def with_model(tmp_path: Path, name: str) -> Path:
    config = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    config["model"]["name"] = name
    path = tmp_path / "model.ptlab.json"
    path.write_text(json.dumps(config))
    return path


def test_validate_and_the_jobs_refuse_an_unknown_embedded_model_or_a_missing_model_folder(tmp_path):
    """validate said ok; sft sent the path to the Hub (a raw traceback, the run left failed) and
    plan raised build_embedded's ValueError. A Hub id is left to the load (it may be cached)."""
    (tmp_path / "here").mkdir()
    refused = {
        "embedded:nope": 'unknown embedded model "embedded:nope": use embedded:tiny-lm or embedded:tiny-vlm or embedded:gp-base or embedded:virl-base or embedded:gp-base-init',
        "/nonexistent/model": "model folder /nonexistent/model does not exist; give the model's folder (absolute or relative to the config) or a Hugging Face model id",
        "./absent": f"model folder ./absent does not exist ({tmp_path / 'absent'}); give the model's folder (absolute or relative to the config) or a Hugging Face model id",
    }
    for name, message in refused.items():
        path = with_model(tmp_path, name)
        result = ptlab("validate", str(path))
        assert (result.returncode, result.stderr) == (1, f"{path}: /model/name: {message}\n")
    for name in ("./here", str(tmp_path / "here"), "someorg/some-model"):
        result = ptlab("validate", str(with_model(tmp_path, name)))
        assert result.returncode == 0, result.stderr
    path, run_dir = with_model(tmp_path, "/nonexistent/model"), tmp_path / "sft"
    sft = ptlab("sft", "--config", str(path), "--run-dir", str(run_dir))
    assert (sft.returncode, sft.stderr) == (2, f"ptlab sft: {path}: /model/name: {refused['/nonexistent/model']}\n")
    assert not run_dir.exists()
    launch = ptlab("launch", "--config", str(path), "--job", "sft", "--run-dir", str(run_dir))
    assert (launch.returncode, launch.stderr) == (2, f"ptlab launch: {path}: /model/name: {refused['/nonexistent/model']}\n")
    printed = ptlab("launch", "--config", str(path), "--job", "sft", "--run-dir", str(run_dir), "--print")  # the command for a machine that has the model
    assert printed.returncode == 0, printed.stderr
    plan = ptlab("plan", str(with_model(tmp_path, "embedded:nope")))
    assert (plan.returncode, plan.stderr) == (2, f"ptlab plan: {with_model(tmp_path, 'embedded:nope')}: /model/name: {refused['embedded:nope']}\n")


def test_validate_checks_the_environments_as_the_jobs_do_naming_the_config(tmp_path):
    """validate skipped the jobs' check_environments: a V-IRL config whose routes file is missing
    validated ok, and the job's message for it named the routes file but not the config."""
    config = json.loads((EXAMPLES / "virl-l.ptlab.json").read_text())
    config["environment"]["routes"] = {"file": "no-such-routes.json"}
    path = tmp_path / "routes.ptlab.json"
    path.write_text(json.dumps(config))
    result = ptlab("validate", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}: environment.routes.file: cannot read {tmp_path / 'no-such-routes.json'}: No such file or directory"), result.stderr
    assert ": ok" not in result.stdout
    config["environment"]["routes"] = {"synthetic": {"city": "nyc", "routes": 4}}
    config["evaluation"]["splits"][0].update(eachRouteOnce=True, episodes=18)
    path.write_text(json.dumps(config))
    result = ptlab("validate", str(path))
    split = config["evaluation"]["splits"][0]["name"]
    assert (result.returncode, result.stderr) == (1, f"{path}: evaluation split {split}: eachRouteOnce runs each of the split's 4 routes once, in order; set episodes to 4 (it is 18)\n")


def test_ordinary_mistakes_are_told_in_one_line_naming_the_path_and_what_to_do(tmp_path):
    """Each was a raw traceback with rc 1: FileExistsError, NotADirectoryError,
    UnicodeDecodeError, JSONDecodeError, FileNotFoundError (no sbatch, after the script was written)."""
    import os

    tiny = str(EXAMPLES / "tiny.ptlab.json")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    cases = {
        ("data", "--config", tiny, "--run-dir", str(a_file)): f"ptlab data: {a_file}: a file, not a folder; choose another --run-dir\n",
        ("data", "--config", tiny, "--run-dir", str(a_file / "run")): f"ptlab data: {a_file / 'run'}: cannot make the run folder (Not a directory); choose a --run-dir you can write to\n",
    }
    utf16 = tmp_path / "utf16.ptlab.json"
    utf16.write_text((EXAMPLES / "tiny.ptlab.json").read_text(), encoding="utf-16")
    cases[("validate", str(utf16))] = f"{utf16}: cannot read: not UTF-8 text (byte 0xff at offset 0); save the file as UTF-8\n"
    cases[("sft", "--config", str(utf16), "--run-dir", str(tmp_path / "r"))] = f"ptlab sft: {utf16}: cannot read: not UTF-8 text (byte 0xff at offset 0); save the file as UTF-8\n"
    torn = tmp_path / "torn"
    torn.mkdir()
    (torn / "run.json").write_text('{"schemaVersion": 1, "runId": "to')
    cases[("export", "--config", tiny, "--run-dir", str(torn))] = f"ptlab export: {torn / 'run.json'}:1:31: invalid JSON: Unterminated string starting at; pass --checkpoint with the checkpoint to export\n"
    for args, message in cases.items():
        result = ptlab(*args)
        assert (result.returncode, result.stderr) == (1 if args[0] == "validate" else 2, message), args
    slurm = tmp_path / "slurm.ptlab.json"
    slurm.write_text(json.dumps({**json.loads((EXAMPLES / "tiny.ptlab.json").read_text()), "launcher": {"kind": "slurm", "slurm": {"nodes": 1, "gpusPerNode": 1}}}))
    run_dir = tmp_path / "sft"
    no_sbatch = subprocess.run([sys.executable, "-m", "ptlab", "launch", "--config", str(slurm), "--job", "sft", "--run-dir", str(run_dir)], capture_output=True, text=True, timeout=60, env={**os.environ, "PATH": str(tmp_path / "bin")})
    assert (no_sbatch.returncode, no_sbatch.stderr) == (2, "ptlab launch: sbatch: not found on PATH; launch from a machine with Slurm (a login node), or see the script with --print\n")
    assert not run_dir.exists()


def test_pretrain_names_itself_and_refuses_a_missing_recipe_before_any_stage(tmp_path):
    """`pretrain --config /missing` was reported as `ptlab sft:` (its stage's job), and for a
    recipe of several stages only once the last stage came."""
    missing = tmp_path / "missing.ptlab.json"
    for base in ("gp-base", "virl-base"):
        result = ptlab("pretrain", "--base", base, "--config", str(missing), "--run-dir", str(tmp_path / base))
        assert (result.returncode, result.stderr) == (2, f"ptlab pretrain: {missing}: cannot read: No such file or directory\n"), base
        assert not (tmp_path / base).exists()
