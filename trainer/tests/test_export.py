"""ONNX export: onnxruntime reproduces PyTorch's logits and greedy tokens with the KV cache."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
ort = pytest.importorskip("onnxruntime")

from ptlab import models  # noqa: E402
from ptlab.envs import generalpoints as gp  # noqa: E402
from ptlab.export import TOLERANCE, greedy_onnx  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def exported(tmp_path_factory, ptlab_cache):
    cache = ptlab_cache
    env = {**os.environ, "PTLAB_CACHE_DIR": str(cache)}
    mp = pytest.MonkeyPatch()
    mp.setenv("PTLAB_CACHE_DIR", str(cache))
    checkpoint = Path(models.resolve_model_path("embedded:tiny-lm"))
    run = tmp_path_factory.mktemp("run")
    result = subprocess.run([sys.executable, "-m", "ptlab", "export", "--config", str(EXAMPLES / "tiny.ptlab.json"), "--run-dir", str(run), "--checkpoint", str(checkpoint)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    yield checkpoint, run / "onnx" / checkpoint.name
    mp.undo()


def test_files_and_metadata(exported):
    _, folder = exported
    assert {"model.onnx", "ptlab-onnx.json", "tokenizer.json"} <= {p.name for p in folder.iterdir()}
    meta = json.loads((folder / "ptlab-onnx.json").read_text())
    assert meta["inputs"][:3] == ["input_ids", "attention_mask", "position_ids"] and len(meta["inputs"]) == 3 + 2 * meta["numLayers"]
    assert max(meta["parity"].values()) <= TOLERANCE
    assert meta["chatTemplate"].startswith("{{ bos_token }}")


def test_greedy_tokens_match_pytorch(exported):
    checkpoint, folder = exported
    meta = json.loads((folder / "ptlab-onnx.json").read_text())
    session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
    tokenizer = models.load_tokenizer(str(checkpoint))
    model = models.load_causal_lm(str(checkpoint), "fp32")
    config = gp.GeneralPointsConfig()
    text = tokenizer.apply_chat_template([{"role": "user", "content": gp.prompt(config, gp.deal(config, 3))}], tokenize=False, add_generation_prompt=True)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    ours = greedy_onnx(session, meta, ids, 24)
    with torch.no_grad():
        out = model.generate(torch.tensor([ids]), max_new_tokens=24, do_sample=False, eos_token_id=meta["stopTokens"], pad_token_id=tokenizer.pad_token_id)
    theirs = [t for t in out[0, len(ids):].tolist() if t not in meta["stopTokens"]]
    assert ours == theirs[: len(ours)] and len(ours) == len(theirs)


def test_a_folder_without_a_model_is_refused(tmp_path, exported):
    result = subprocess.run([sys.executable, "-m", "ptlab", "export", "--config", str(EXAMPLES / "tiny.ptlab.json"), "--run-dir", str(tmp_path), "--checkpoint", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "not a checkpoint folder" in result.stderr


def test_a_checkpoint_with_non_finite_logits_is_refused_and_the_export_there_kept(exported, tmp_path):
    """A diverged checkpoint (a NaN weight): NaN > tolerance is False, so the check passed,
    wrote "fullMaxAbsDiff": NaN (invalid JSON) and replaced the good export in the folder."""
    from ptlab.export import ExportError, export_onnx

    checkpoint, folder = exported
    model = models.load_causal_lm(str(checkpoint), "fp32")
    with torch.no_grad():
        next(model.parameters()).view(-1)[5] = float("nan")
    diverged = tmp_path / "diverged"
    model.save_pretrained(diverged)
    models.load_tokenizer(str(checkpoint)).save_pretrained(diverged)
    before = (folder / "ptlab-onnx.json").read_bytes()
    with pytest.raises(ExportError, match="not finite"):
        export_onnx(diverged, folder, "Cards: ['A', '5', '10', 'K']")
    assert (folder / "ptlab-onnx.json").read_bytes() == before


def test_the_export_records_whether_decode_cleans_up_spaces_not_the_ignored_setting(exported):
    """transformers 5 ignores clean_up_tokenization_spaces for BPE models (Llama 3's config sets
    it): the extension must keep the spaces the trainer's decode keeps."""
    from ptlab.export import decode_cleans_up_spaces

    checkpoint, folder = exported
    tokenizer = models.load_tokenizer(str(checkpoint))
    tokenizer.clean_up_tokenization_spaces = True
    assert decode_cleans_up_spaces(tokenizer) is False
    tokenizer.clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output = True
    assert decode_cleans_up_spaces(tokenizer) is True
    assert json.loads((folder / "ptlab-onnx.json").read_text())["cleanUpTokenizationSpaces"] is False


SLOW_PARITY_EXPORT = """
import sys, time
from ptlab import cli, export

ready, *args = sys.argv[1:]
def parity_check_that_waits(*_, **__):  # model.onnx is in the staging folder by now
    open(ready, "w").close()
    time.sleep(60)
export.check_parity = parity_check_that_waits
sys.exit(cli.main(args))
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_an_export_ended_by_sigterm_or_sighup_leaves_no_staging_folder(exported, tmp_path, sig):
    """Cancel (SIGTERM; SIGHUP from a closed task terminal) during an export: its hidden
    staging folder, model.onnx written, goes with it; the job ends as cancelled (130)."""
    checkpoint, _ = exported
    ready, run = tmp_path / "ready", tmp_path / "run"
    command = [sys.executable, "-c", SLOW_PARITY_EXPORT, str(ready), "export", "--config", str(EXAMPLES / "tiny.ptlab.json"), "--run-dir", str(run), "--checkpoint", str(checkpoint)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p.name for p in (run / "onnx").iterdir() if p.is_dir()][0].startswith(f".{checkpoint.name}-")  # beside its .NAME.lock
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "cancelled" in err, err
    assert list((run / "onnx").iterdir()) == []


SIGTERM_WHILE_THE_OLD_EXPORT_GOES = """
import os, shutil, signal, sys
from ptlab import cli, runlog

real_rmtree = shutil.rmtree
def rmtree(path, *args, **kwargs):
    if str(path).endswith(".old") and os.path.exists(path):  # the new export is in place: Cancel comes now
        os.kill(os.getpid(), signal.SIGTERM)
    return real_rmtree(path, *args, **kwargs)
runlog.shutil.rmtree = rmtree
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_cancel_after_the_new_export_is_in_place_does_not_say_nothing_was_written(exported, tmp_path):
    """SIGTERM while replace_dir removed the previous export (`.NAME.old`) printed "cancelled
    ... nothing was written" and exited 130, the new export in place. The cancel window ends
    once the new folder is in: a cancel then comes too late and the export finishes, its
    previous folder removed."""
    import shutil

    checkpoint, first = exported
    run = tmp_path / "run"
    target = run / "onnx" / checkpoint.name
    shutil.copytree(first, target)
    (target / "ptlab-onnx.json").write_text("{}")  # the previous export's
    command = [sys.executable, "-c", SIGTERM_WHILE_THE_OLD_EXPORT_GOES, "export", "--config", str(EXAMPLES / "tiny.ptlab.json"), "--run-dir", str(run), "--checkpoint", str(checkpoint)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "nothing was written" not in result.stderr, result.stderr
    assert "parity" in json.loads((target / "ptlab-onnx.json").read_text())  # the new export
    assert sorted(p.name for p in target.parent.iterdir()) == [checkpoint.name]


def test_a_previous_export_a_crash_left_as_old_is_put_back_not_removed(tmp_path):
    """A crash between replace_dir's renames leaves the previous export under `.NAME.old` only:
    the next export's clean-up puts it back (a failed export then keeps it), as `recovered` does."""
    from ptlab.export import remove_stale_staging

    target = tmp_path / "onnx" / "final"
    old = target.with_name(".final.old")
    old.mkdir(parents=True)
    (old / "model.onnx").write_bytes(b"onnx")
    remove_stale_staging(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["final"] and (target / "model.onnx").read_bytes() == b"onnx"


def test_an_export_removes_the_staging_folders_a_killed_export_left_not_another_checkpoint_s(exported, tmp_path):
    """SIGKILL (or a power loss) leaves `.NAME-xxxxxxxx/`, private, maybe a whole model.onnx:
    the next export of NAME removes it; `.NAME-10-xxxxxxxx/` is checkpoint NAME-10's."""
    from ptlab.export import export_onnx

    checkpoint, _ = exported
    target = tmp_path / "onnx" / "step-1"
    left, others = target.parent / ".step-1-a1b2c_d3", target.parent / ".step-1-0-a1b2c_d3"
    for folder in (left, others):
        folder.mkdir(parents=True)
        (folder / "model.onnx").write_bytes(b"onnx")
    export_onnx(checkpoint, target, "Cards: ['A', '5', '10', 'K']")
    assert sorted(p.name for p in target.parent.iterdir()) == [others.name, "step-1"]


def test_a_second_export_of_a_target_under_way_is_refused_and_leaves_the_first_alone(exported, tmp_path, monkeypatch):
    """A second export of one checkpoint (another terminal, a second click) removed every
    `.NAME-xxxxxxxx` staging folder, the first's too, while the first was still writing it:
    the first failed, or both raced over the target. One export of a target runs at a time."""
    import threading

    from ptlab.export import ExportError, export_onnx

    checkpoint, _ = exported
    target = tmp_path / "onnx" / "final"
    staged, finish = threading.Event(), threading.Event()
    real_export = torch.onnx.export

    def slow_export(*args, **kwargs):
        real_export(*args, **kwargs)
        if not staged.is_set():  # the first export waits here, its model.onnx in its staging folder
            staged.set()
            finish.wait(120)

    monkeypatch.setattr(torch.onnx, "export", slow_export)
    first: list = []
    thread = threading.Thread(target=lambda: first.append(export_onnx(checkpoint, target, "Cards: ['A', '5', '10', 'K']")))
    thread.start()
    try:
        assert staged.wait(300)
        staging = [p for p in target.parent.iterdir() if p.name.startswith(".final-")]
        with pytest.raises(ExportError, match=rf"{re.escape(str(target))}: another export of this checkpoint is under way"):
            export_onnx(checkpoint, target, "Cards: ['A', '5', '10', 'K']")
        assert len(staging) == 1 and (staging[0] / "model.onnx").exists()
    finally:
        finish.set()
        thread.join(300)
    assert first == [target] and (target / "model.onnx").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["final"]


@pytest.fixture
def run_with_exports(tmp_path, monkeypatch):
    """A run folder with checkpoints/final and an export of step 5 in onnx/; `ptlab export`'s
    export_onnx records what it was asked (checkpoint, target) instead of exporting."""
    from ptlab import export

    run = tmp_path / "run"
    (run / "checkpoints" / "final" / "sub").mkdir(parents=True)
    (run / "checkpoints" / "final" / "config.json").write_text("{}")
    (run / "onnx" / "step-5").mkdir(parents=True)
    written = tmp_path / "written"
    written.mkdir()
    (written / "ptlab-onnx.json").write_text(json.dumps({"parity": {"fullMaxAbsDiff": 0.0}}))
    asked = []
    monkeypatch.setattr(export, "export_onnx", lambda checkpoint, target, sample, trust_remote_code=False, **_: asked.append((checkpoint, target)) or written)
    return run, asked


def export_from(where: Path, run: Path, checkpoint: str) -> int:
    from ptlab import cli

    previous = os.getcwd()
    os.chdir(where)
    try:
        return cli.main(["export", "--config", str(EXAMPLES / "tiny.ptlab.json"), "--run-dir", str(run), "--checkpoint", checkpoint])
    finally:
        os.chdir(previous)


def test_a_checkpoint_given_as_dot_or_dot_dot_is_exported_under_its_own_name(run_with_exports):
    """`--checkpoint .` from inside checkpoints/final named onnx/'' (onnx/ itself, which the
    export replaces whole: the run's other exports went); `..` from a folder inside it, onnx/..
    (an OSError)."""
    run, asked = run_with_exports
    final = run / "checkpoints" / "final"
    assert export_from(final, run, ".") == 0
    assert export_from(final / "sub", run, "..") == 0
    assert asked == [(final, run / "onnx" / "final")] * 2


@pytest.mark.parametrize("folder", ["", "checkpoints", "checkpoints/final/sub", "onnx/step-5"])
def test_a_folder_of_the_run_other_than_one_of_its_checkpoints_is_refused(run_with_exports, capsys, folder):
    run, asked = run_with_exports
    (run / folder / "config.json").write_text("{}")  # a model's files, wherever they are
    assert export_from(run, run, str(run / folder)) == 2
    assert f"not one of the run's checkpoints (a folder in {run / 'checkpoints'})" in capsys.readouterr().err
    assert asked == []
