"""`ptlab sft` on the embedded tiny model, CPU: the loss falls, kill -9 and --resume give the
uninterrupted run's steps and weights, SIGTERM checkpoints and cancels."""

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import two_processes
from crashes import killed_after

torch = pytest.importorskip("torch")

from diverged import infinite_gradient  # noqa: E402
from schedules import rates_per_step  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def env(ptlab_cache):
    cache = ptlab_cache
    # one thread: CPU kernels then reduce in the same order every run (exact resume checks)
    return {**os.environ, "PTLAB_CACHE_DIR": str(cache), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def config(tmp_path: Path, steps: int, save_every: int, examples: int = 96, evaluate: bool = False, micro_batch: int = 4) -> Path:
    data = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    data["sft"].update(steps=steps, globalBatchSize=8, microBatchSize=micro_batch, saveEverySteps=save_every)
    data["sft"]["data"]["examples"] = examples
    if evaluate:
        data["evaluation"].update(everySteps=10, maxNewTokens=24)
        for split in data["evaluation"]["splits"]:
            split["episodes"] = 3
    else:
        del data["evaluation"]
    path = tmp_path / f"sft-{steps}-{save_every}.ptlab.json"
    path.write_text(json.dumps(data))
    return path


def sft(env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ptlab", "sft", *args], capture_output=True, text=True, env=env, timeout=600)


def records(run: Path) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def weights(checkpoint: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(checkpoint / "model.safetensors"))


def test_loss_falls_and_checkpoints_are_written(tmp_path, env):
    run = tmp_path / "run"
    result = sft(env, "--config", str(config(tmp_path, 20, 10, evaluate=True)), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    train = [r for r in records(run) if r["kind"] == "train"]
    losses = [r["metrics"]["train/loss"] for r in train]
    assert [r["step"] for r in train] == list(range(1, 21))
    evals = [(r["step"], r["split"]) for r in records(run) if r["kind"] == "eval"]
    assert evals == [(s, split) for s in (0, 10, 20) for split in ("id", "ood-rule")]
    # a step's record is written during the next step (sft.StepRecord), yet before its step's evaluation
    order = [(r["kind"], r["step"]) for r in records(run)]
    assert order == [("eval", 0)] * 2 + [("train", s) for s in range(1, 11)] + [("eval", 10)] * 2 + [("train", s) for s in range(11, 21)] + [("eval", 20)] * 2
    episodes = [json.loads(line) for line in (run / "episodes.jsonl").read_text().splitlines()]
    assert len(episodes) == 3 * 2 * 3 and all(e["turns"][0]["prompt"].startswith("\n[Task Description]") for e in episodes)
    assert sum(losses[-3:]) / 3 < losses[0] - 1.0
    lrs = [r["metrics"]["train/lr"] for r in train]  # each step's own: one warmup step (3% of 20) from 0, then the cosine from its peak
    assert lrs[0] == 0 and lrs[1] == 1e-3 and all(a > b > 0 for a, b in zip(lrs[1:], lrs[2:]))
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == "finished" and manifest["parameters"] > 100_000
    assert [c["path"] for c in manifest["checkpoints"]] == ["checkpoints/step-000010", "checkpoints/final"]
    last = train[-1]
    assert last["compute"]["gflops"] == pytest.approx(6 * manifest["parameters"] * last["compute"]["trainTokens"] / 1e9)
    state = json.loads((run / "checkpoints" / "final" / "trainer_state.json").read_text())
    assert state["step"] == 20 and state["dataPosition"] == 160


@pytest.mark.parametrize("failure", ["non-finite", "gradient", "error"])
def test_a_step_that_fails_leaves_the_records_of_every_step_before_it(tmp_path, env, monkeypatch, failure):
    """Each step's record waits for the next step's work to be queued: a run that fails at
    step 4 (a non-finite loss, or a non-finite gradient of a finite loss, read at the step's
    end, or an error in its forward pass, such as running out of memory) still writes the
    records of steps 1 to 3."""
    from ptlab import cli
    from ptlab import sft as sft_module

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    made, calls = sft_module.predicted_loss, []

    def broken_at_step_4(*args, **kwargs):
        calls.append(1)
        if len(calls) > 6 and failure == "error":  # 2 micro-batches a step
            raise RuntimeError("out of memory")
        loss = made(*args, **kwargs)
        if len(calls) > 6:
            return loss * float("nan") if failure == "non-finite" else infinite_gradient(loss)
        return loss

    monkeypatch.setattr(sft_module, "predicted_loss", broken_at_step_4)
    run = tmp_path / "run"
    arguments = ["sft", "--config", str(config(tmp_path, 6, 100)), "--run-dir", str(run)]
    if failure == "error":
        with pytest.raises(RuntimeError, match="out of memory"):  # an unforeseen error goes on with its traceback
            cli.main(arguments)
    else:
        assert cli.main(arguments) == 2
    manifest = json.loads((run / "run.json").read_text())
    expected = {"non-finite": "the SFT loss is not finite at step 4", "gradient": "the SFT gradient is not finite at step 4 (its loss is)", "error": "out of memory"}[failure]
    assert manifest["status"] == "failed" and expected in manifest["error"]["message"]
    assert [r["step"] for r in records(run)] == [1, 2, 3]
    assert manifest["progress"]["step"] == 3


@pytest.mark.parametrize("dtype", ["fp32", "bf16"])
def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path, env, dtype):
    """In bf16 the optimizer steps fp32 copies of the weights (optimizers.MasterWeights): the
    checkpoint carries them, or the resumed weights would part from the uninterrupted ones."""
    cfg = config(tmp_path, 12, 4)
    data = json.loads(cfg.read_text())
    data["model"]["dtype"] = dtype
    cfg.write_text(json.dumps(data))
    straight = tmp_path / "straight"
    assert sft(env, "--config", str(cfg), "--run-dir", str(straight)).returncode == 0

    crashed = tmp_path / "crashed"
    killed_after("sft", cfg, crashed, env, 6)
    assert json.loads((crashed / "run.json").read_text())["status"] == "running"  # it died mid-run

    resumed = sft(env, "--config", str(cfg), "--run-dir", str(crashed), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    steps = [r["step"] for r in records(crashed)]
    assert steps == list(range(1, 13)), steps  # nothing duplicated, nothing missing
    assert [r["metrics"]["train/loss"] for r in records(crashed)] == [r["metrics"]["train/loss"] for r in records(straight)]
    a, b = weights(straight / "checkpoints" / "final"), weights(crashed / "checkpoints" / "final")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    manifest = json.loads((crashed / "run.json").read_text())
    assert [s["startStep"] for s in manifest["segments"]] == [0, 4]
    assert [s.get("endStatus") for s in manifest["segments"]] == ["crashed", "finished"]


def test_sigterm_checkpoints_and_cancels(tmp_path, env):
    run = tmp_path / "term"
    process = subprocess.Popen([sys.executable, "-m", "ptlab", "sft", "--config", str(config(tmp_path, 400, 1000)), "--run-dir", str(run)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    while time.time() < deadline and not ((run / "metrics.jsonl").exists() and (run / "metrics.jsonl").read_text().count("\n") >= 2):
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 130, stderr
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == "cancelled"
    step = manifest["progress"]["step"]
    assert manifest["checkpoints"][-1] == {**manifest["checkpoints"][-1], "step": step, "path": f"checkpoints/step-{step:06d}"}


def test_ctrl_c_checkpoints_cancels_and_resume_goes_on_from_there(tmp_path, env):
    """Ctrl+C in the job's terminal (SIGINT to its process group, as `npm run demo` and a bare
    `ptlab sft` get it) is a cancel: the job checkpoints where it is, and --resume starts there."""
    cfg, run = config(tmp_path, 400, 1000), tmp_path / "interrupted"
    process = subprocess.Popen([sys.executable, "-m", "ptlab", "sft", "--config", str(cfg), "--run-dir", str(run)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and not ((run / "metrics.jsonl").exists() and (run / "metrics.jsonl").read_text().count("\n") >= 2):
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 130, stderr
    manifest = json.loads((run / "run.json").read_text())
    step = manifest["progress"]["step"]
    assert manifest["status"] == "cancelled" and manifest["checkpoints"][-1]["path"] == f"checkpoints/step-{step:06d}"
    resumed = subprocess.Popen([sys.executable, "-m", "ptlab", "sft", "--config", str(cfg), "--run-dir", str(run), "--resume"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and (run / "metrics.jsonl").read_text().count("\n") <= step:
        time.sleep(0.05)
    resumed.send_signal(signal.SIGTERM)
    resumed.wait(timeout=300)
    assert [r["step"] for r in records(run)][: step + 1] == list(range(1, step + 2))
    assert [s["startStep"] for s in json.loads((run / "run.json").read_text())["segments"]] == [0, step]


def test_a_cancel_during_an_evaluation_stops_it_there_and_resume_plays_it_whole(tmp_path, env):
    """SIGTERM while step 0's evaluation plays (its first split written, the second playing):
    the evaluation stops between generate rounds and the run ends cancelled at step 0, no step
    trained after the cancel; --resume drops the partial evaluation and plays step 0's whole."""
    cfg = config(tmp_path, 4, 2, evaluate=True)
    data = json.loads(cfg.read_text())
    data["evaluation"].update(maxNewTokens=96)
    data["evaluation"]["splits"][1]["episodes"] = 64  # rounds enough to be cancelled while it plays
    cfg.write_text(json.dumps(data))
    run = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-m", "ptlab", "sft", "--config", str(cfg), "--run-dir", str(run)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = data["evaluation"]["splits"][0]["name"]
    deadline = time.time() + 300
    while time.time() < deadline and not ((run / "metrics.jsonl").exists() and f'"split": "{first}"' in (run / "metrics.jsonl").read_text()):
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 130, stderr
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == "cancelled" and manifest["progress"]["step"] == 0
    assert manifest["checkpoints"][-1]["path"] == "checkpoints/step-000000"
    assert [(r["kind"], r["step"], r.get("split")) for r in records(run)] == [("eval", 0, first)]  # the second split stopped, nothing trained
    resumed = sft(env, "--config", str(cfg), "--run-dir", str(run), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    evaluations = [(r["step"], r["split"]) for r in records(run) if r["kind"] == "eval"]
    splits = [s["name"] for s in data["evaluation"]["splits"]]
    assert evaluations[: len(splits)] == [(0, name) for name in splits], evaluations


def test_unsupported_options_say_what_to_change(tmp_path, env):
    data = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    data["sft"].update(globalBatchSize=10, microBatchSize=4)
    path = tmp_path / "p.ptlab.json"
    path.write_text(json.dumps(data))
    result = sft(env, "--config", str(path), "--run-dir", str(tmp_path / "p"))
    assert result.returncode == 2 and f"{path}: /sft/globalBatchSize: sft.globalBatchSize (10) must be a multiple of sft.microBatchSize (4)" in result.stderr
    assert not (tmp_path / "p" / "run.json").exists()  # refused as the config loads, before a run starts


def test_lora_trains_adapters_only_and_checkpoints_load_unmerged(tmp_path, env):
    data = json.loads(config(tmp_path, 6, 3).read_text())
    data["model"]["lora"] = {"r": 8, "alpha": 16, "dropout": 0.0}
    data["sft"]["learningRate"] = 5e-3
    path = tmp_path / "lora.ptlab.json"
    path.write_text(json.dumps(data))
    run = tmp_path / "lora"
    result = sft(env, "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    final = run / "checkpoints" / "final"
    assert (final / "adapter_config.json").exists() and not (final / "model.safetensors").exists()
    losses = [r["metrics"]["train/loss"] for r in records(run) if r["kind"] == "train"]
    assert losses[-1] < losses[0]
    # consumers get the adapters on the base, unmerged, computing another model than the base
    probe = subprocess.run(
        [sys.executable, "-c", (
            "import sys, torch; from ptlab import models\n"
            "adapted = models.load_causal_lm(sys.argv[1], 'fp32'); base = models.load_causal_lm('embedded:tiny-lm', 'fp32')\n"
            "ids = torch.tensor([[1, 40, 41, 42]])\n"
            "print(type(adapted).__name__, (adapted(input_ids=ids).logits - base(input_ids=ids).logits).abs().max().item())"
        ), str(final)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    name, diff = probe.stdout.split()
    assert name == "PeftModelForCausalLM" and float(diff) > 0
    resumed = sft(env, "--config", str(path), "--run-dir", str(run), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    exported = subprocess.run([sys.executable, "-m", "ptlab", "export", "--config", str(path), "--run-dir", str(run)], capture_output=True, text=True, env=env, timeout=300)
    assert exported.returncode == 0, exported.stderr
    assert (run / "onnx" / "final" / "model.onnx").exists()


def test_a_packed_row_computes_what_its_examples_compute_alone(env, monkeypatch):
    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    from ptlab import models
    from ptlab.sft import Example, collate, collate_packed, token_loss_sum

    model = models.load_causal_lm("embedded:tiny-lm", "fp32").eval()
    a = Example([1, 50, 60, 70, 80, 90], [-100, -100, 60, 70, 80, 90])
    b = Example([1, 55, 65, 75], [-100, -100, 65, 75])
    with torch.no_grad():
        alone = [token_loss_sum(model, collate([e], 0)) for e in (a, b)]
        packed_batch = collate_packed([[a, b], [b]], 0)
        tokens = packed_batch.pop("tokens")
        packed = token_loss_sum(model, packed_batch)
        single = collate_packed([[b]], 0)
        single.pop("tokens")
        row_b = token_loss_sum(model, single)
    assert tokens == 6 + 4 + 4
    assert packed[1] == alone[0][1] + 2 * alone[1][1]
    assert packed[0].item() == pytest.approx(alone[0][0].item() + 2 * alone[1][0].item(), rel=1e-5)
    assert row_b[0].item() == pytest.approx(alone[1][0].item(), rel=1e-5)


def test_a_packed_row_learns_no_example_s_first_token_from_the_one_before(env, monkeypatch):
    """With whole-chat labels (sft.assistantOnlyLoss false) every token is a target but the
    first, which no position predicts in a row of its own; packed, the previous example's last
    position must not be made to predict it: the same targets and loss as the padded rows."""
    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    from ptlab import models
    from ptlab.sft import Example, collate, collate_packed, token_loss_sum

    model = models.load_causal_lm("embedded:tiny-lm", "fp32").eval()
    a, b = Example([1, 50, 60, 70], [1, 50, 60, 70]), Example([2, 55, 65, 75], [2, 55, 65, 75])
    with torch.no_grad():
        padded = token_loss_sum(model, collate([a, b], 0))
        packed_batch = collate_packed([[a, b]], 0)
        packed_batch.pop("tokens")
        packed = token_loss_sum(model, packed_batch)
    assert packed[1] == padded[1] == 6
    assert packed[0].item() == pytest.approx(padded[0].item(), rel=1e-5)


def test_the_loss_reads_logits_only_where_an_assistant_token_is_predicted(env, monkeypatch):
    """token_loss_sum computes the LM head from the first position that predicts an assistant
    token (in any row) to the last, on rows without a mask (right padding under causal
    attention): the loss and its gradient are those of every position's logits with the mask."""
    import torch.nn.functional as F

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    from ptlab import models
    from ptlab.sft import IGNORE, Example, collate, token_loss_sum

    model = models.load_causal_lm("embedded:tiny-lm", "fp32").eval()
    batch = collate([Example([1, 50, 60, 70, 80, 90, 91], [-100, -100, -100, -100, 80, 90, 91]), Example([1, 55, 65, 75, 85], [-100, -100, -100, 75, 85])], 0)
    read: list[tuple[int, ...]] = []
    hook = model.lm_head.register_forward_hook(lambda _module, args, _out: read.append(tuple(args[0].shape)))
    loss, count = token_loss_sum(model, batch)
    hook.remove()
    assert read == [(2, 4, model.config.hidden_size)]  # positions 2..5 predict tokens 3..6
    mine = torch.autograd.grad(loss, model.lm_head.weight)[0]
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
    targets = batch["labels"][:, 1:]
    full = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=IGNORE, reduction="sum")
    assert count == 5 and loss.item() == pytest.approx(full.item(), rel=1e-5)
    torch.testing.assert_close(mine, torch.autograd.grad(full, model.lm_head.weight)[0], atol=1e-6, rtol=1e-4)


def test_a_packed_row_s_loss_reads_logits_at_its_answers_not_at_the_prompts_between_them(env, monkeypatch):
    """In a row packing two examples the LM head runs on the 4 positions that predict their
    assistant tokens (not on the second example's prompt between them), with each example's
    loss alone."""
    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    from ptlab import models
    from ptlab.sft import Example, collate, collate_packed, token_loss_sum

    model = models.load_causal_lm("embedded:tiny-lm", "fp32").eval()
    a = Example([1, 50, 60, 70, 80, 90, 91], [-100, -100, -100, -100, 80, 90, 91])
    b = Example([1, 55, 65, 75, 85, 95], [-100, -100, -100, -100, -100, 95])
    read: list[tuple[int, ...]] = []
    hook = model.lm_head.register_forward_hook(lambda _module, args, _out: read.append(tuple(args[0].shape)))
    packed = collate_packed([[a, b]], 0)
    packed.pop("tokens")
    loss, count = token_loss_sum(model, packed)
    hook.remove()
    assert read == [(1, 4, model.config.hidden_size)] and count == 4  # positions 3, 4, 5 (a) and 11 (b) of 13
    alone = sum(token_loss_sum(model, collate([e], 0))[0] for e in (a, b))
    assert loss.item() == pytest.approx(alone.item(), rel=1e-5)



@pytest.mark.parametrize("assistant_only", [True, False])
def test_an_example_cut_before_its_first_assistant_token_is_refused_whatever_the_loss_covers(assistant_only):
    """model.maxLength cutting an example before its first assistant token is refused, with
    sft.assistantOnlyLoss false too (the prompt's tokens would be learned without the answer);
    a cut after it keeps the example."""
    from ptlab import chat, models
    from ptlab.sft import SftError, tokenize

    tokenizer = models.embedded_tokenizer()
    messages = [{"role": "user", "content": "word " * 100}, {"role": "assistant", "content": "the answer"}]
    first = chat.encode(tokenizer, messages, [], generation_prompt=False)["assistant_masks"].index(1)
    with pytest.raises(SftError, match=rf"model.maxLength \({first}\) cuts every assistant token of this example"):
        tokenize(tokenizer, messages, first, assistant_only=assistant_only)
    kept = tokenize(tokenizer, messages, first + 1, assistant_only=assistant_only)
    assert kept.labels[first] == kept.input_ids[first] and (kept.labels[0] == kept.input_ids[0]) != assistant_only

def test_packing_trains(tmp_path, env):
    data = json.loads(config(tmp_path, 8, 100).read_text())
    data["sft"]["packing"] = True
    data["model"]["maxLength"] = 768
    path = tmp_path / "packed.ptlab.json"
    path.write_text(json.dumps(data))
    run = tmp_path / "packed"
    result = sft(env, "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    train = [r for r in records(run) if r["kind"] == "train"]
    assert train[-1]["metrics"]["train/loss"] < train[0]["metrics"]["train/loss"]
    assert train[-1]["episodes"] > 8 * 8  # more than one example per sequence



def test_rows_end_to_end_are_refused_for_a_model_whose_sequences_would_read_one_another(tmp_path, env, tiny_opt):
    """OPT's decoder builds its mask without the positions, so its packed examples would read
    the ones before them in their row (attention.packed_rows_refused): sft.packing and
    sft.paddingFree fail before the first step, naming the field and model.attention
    "varlen", under which packing trains."""

    def sft_on_opt(name: str, attention: str, **options: bool) -> tuple[subprocess.CompletedProcess[str], Path]:
        data = json.loads(config(tmp_path, 1, 100, examples=16).read_text())
        data["model"].update(name=str(tiny_opt), attention=attention)
        data["sft"].update(options)
        path = tmp_path / f"{name}.ptlab.json"
        path.write_text(json.dumps(data))
        return sft(env, "--config", str(path), "--run-dir", str(tmp_path / name)), tmp_path / name

    for flag in ("packing", "paddingFree"):
        result, run = sft_on_opt(flag, "auto", **{flag: True})
        assert result.returncode != 0 and f'sft.{flag}: this model\'s decoder (OPTDecoder) under attention "sdpa"' in result.stderr, result.stderr[-2000:]
        assert f'set model.attention "varlen" (one sequence at a time), or sft.{flag} to false' in result.stderr
        assert not (run / "metrics.jsonl").exists() or not [r for r in records(run) if r["kind"] == "train"]
    result, run = sft_on_opt("varlen", "varlen", packing=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [r["step"] for r in records(run) if r["kind"] == "train"] == [1]

def epochs_config(tmp_path: Path, packing: bool, epochs: float, micro_batch: int = 4, save_every: int | None = None) -> Path:
    """No sft.steps: 64 examples (230 tokens each: 4 to a packed row of 1024), 4 sequences a step."""
    data = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    data["sft"].update(epochs=epochs, globalBatchSize=4, microBatchSize=micro_batch, packing=packing, saveEverySteps=save_every or 1000, warmupRatio=0)  # the cosine from step 0: ceil(ratio x 4 steps) would warm up one
    data["sft"]["data"]["examples"] = 64
    data["model"]["maxLength"] = 1024
    del data["evaluation"]
    path = tmp_path / f"epochs-{epochs}-packing-{packing}-micro-{micro_batch}.ptlab.json"
    path.write_text(json.dumps(data))
    return path


def trained_examples(monkeypatch) -> list:
    """Every example that a micro-batch trains on, as the trainer's own collate functions receive them."""
    from ptlab import sft as sft_module

    seen: list = []
    real_collate, real_packed = sft_module.collate, sft_module.collate_packed

    def keep(examples):
        seen.extend(e for e in examples if any(label != sft_module.IGNORE for label in e.labels))

    def collate(batch, *args, **kwargs):
        keep(batch)
        return real_collate(batch, *args, **kwargs)

    def collate_packed(rows, *args, **kwargs):
        keep([e for row in rows for e in row])
        return real_packed(rows, *args, **kwargs)

    monkeypatch.setattr(sft_module, "collate", collate)
    monkeypatch.setattr(sft_module, "collate_packed", collate_packed)
    return seen


@pytest.mark.parametrize("packing,epochs,micro_batch", [(False, 1, 4), (True, 1, 4), (False, 2.5, 4), (True, 2.5, 4), (True, 1.03125, 1), (False, 1.03125, 1)])
def test_epochs_train_on_each_example_epochs_times(tmp_path, env, monkeypatch, packing, epochs, micro_batch):
    """Without sft.steps the run ends where it has read epochs x the examples, with packed rows
    (several examples each) as with one example a sequence: the schedule spans those steps and
    the counters say so. 1.03125 epochs (66 examples) end inside a step: its sequences hold the
    2 examples left and the micro-batches the data does not reach train nothing."""
    from collections import Counter

    from ptlab import cli

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    seen = trained_examples(monkeypatch)
    run = tmp_path / "run"
    assert cli.main(["sft", "--config", str(epochs_config(tmp_path, packing, epochs, micro_batch)), "--run-dir", str(run)]) == 0
    total = round(64 * epochs)
    per_step = 16 if packing else 4
    train = [r for r in records(run) if r["kind"] == "train"]
    assert [r["step"] for r in train] == list(range(1, -(-total // per_step) + 1))
    assert [r["episodes"] for r in train] == [min(total, per_step * r["step"]) for r in train]
    assert json.loads((run / "checkpoints" / "final" / "trainer_state.json").read_text())["dataPosition"] == total
    assert json.loads((run / "run.json").read_text())["progress"] == {"step": len(train), "totalSteps": len(train)}
    assert train[-1]["metrics"]["train/lr"] < 0.15 * 1e-3  # the cosine's end: the schedule's steps are the run's
    assert train[-1]["compute"]["trainTokens"] == sum(len(e.input_ids) for e in seen)  # the passes that train nothing are not counted
    times = Counter(id(e) for e in seen)  # the trainer's examples live through the run
    whole = int(epochs)
    assert len(seen) == total and len(times) == 64
    assert sorted(times.values()) == [whole] * (64 * (whole + 1) - total) + [whole + 1] * (total - 64 * whole)


def test_kill_9_then_resume_mid_epoch_under_packing_equals_an_uninterrupted_run(tmp_path, env):
    """Packed rows and epochs: a run killed after its checkpoint at step 3 (48 examples, within
    the first pass) and resumed reads the same rows at every step: the same losses, example
    counts and weights, and the same number of steps."""
    cfg = epochs_config(tmp_path, True, 2.5, save_every=3)
    straight = tmp_path / "straight"
    assert sft(env, "--config", str(cfg), "--run-dir", str(straight)).returncode == 0

    crashed = tmp_path / "crashed"
    killed_after("sft", cfg, crashed, env, 4)
    assert json.loads((crashed / "run.json").read_text())["status"] == "running"

    resumed = sft(env, "--config", str(cfg), "--run-dir", str(crashed), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert [r["step"] for r in records(crashed)] == list(range(1, 11))
    for key in ("episodes", "compute"):
        assert [r[key] for r in records(crashed)] == [r[key] for r in records(straight)]
    assert [r["metrics"]["train/loss"] for r in records(crashed)] == [r["metrics"]["train/loss"] for r in records(straight)]
    a, b = weights(straight / "checkpoints" / "final"), weights(crashed / "checkpoints" / "final")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    starts = [s["startStep"] for s in json.loads((crashed / "run.json").read_text())["segments"]]
    assert starts[0] == 0 and starts[1] in (3, 6, 9), starts
    assert sft(env, "--config", str(cfg), "--run-dir", str(crashed), "--resume").returncode == 0  # at the data's end: nothing left to train
    assert [r["step"] for r in records(crashed)] == list(range(1, 11))


@pytest.mark.parametrize("attention", ["auto", "eager", "varlen"])
def test_padding_free_micro_batches_train_as_padded_ones(tmp_path, env, attention):
    """sft.paddingFree: each micro-batch's examples end to end in one row (packed rows too)
    give the padded run's losses and weights, under each attention implementation that runs
    on CPU (the packed-sequence mask is transformers' own, from the positions; "varlen"
    attends by the rows' segments)."""
    runs = {}
    for packing in (False, True):
        for padding_free in (False, True):
            data = json.loads(config(tmp_path, 3, 100, examples=48).read_text())
            data["sft"].update(packing=packing, paddingFree=padding_free)
            data["sft"]["data"]["trajectories"] = "suboptimal"  # wrong attempts before the answer: examples of several lengths
            data["model"].update(attention=attention, maxLength=768)
            name = f"{attention}-packing-{packing}-free-{padding_free}"
            path = tmp_path / f"{name}.ptlab.json"
            path.write_text(json.dumps(data))
            result = sft(env, "--config", str(path), "--run-dir", str(tmp_path / name))
            assert result.returncode == 0, result.stderr
            assert ("each row is attended through a dense mask" in result.stderr) == (padding_free and attention != "varlen")  # and points to varlen
            runs[packing, padding_free] = tmp_path / name
    for packing in (False, True):
        padded, free = (records(runs[packing, f]) for f in (False, True))
        assert [r["metrics"]["train/assistant_tokens"] for r in free] == [r["metrics"]["train/assistant_tokens"] for r in padded]
        assert [r["metrics"]["train/loss"] for r in free] == pytest.approx([r["metrics"]["train/loss"] for r in padded], rel=1e-5)
        assert [r["compute"]["trainTokens"] for r in free] == [r["compute"]["trainTokens"] for r in padded]  # padding is never counted
        assert all(r["metrics"]["perf/padding_fraction"] == 0 for r in free)  # one row per micro-batch
        assert all(r["metrics"]["perf/padding_fraction"] > 0.01 for r in padded)
        assert all("perf/peak_memory_gib" not in r["metrics"] for r in free)  # CUDA's allocator only
        expected, got = (weights(runs[packing, f] / "checkpoints" / "final") for f in (False, True))
        for name, tensor in expected.items():
            torch.testing.assert_close(got[name], tensor, atol=1e-5, rtol=1e-4)
    assert records(runs[True, False])[-1]["episodes"] > records(runs[False, False])[-1]["episodes"]  # packing put several examples in a row


@pytest.mark.parametrize("attention,reason", [("flex_attention", "no backward pass there"), ("flash_attention_2", "Install its package")])
def test_an_attention_that_cannot_train_here_fails_naming_the_field(tmp_path, env, attention, reason):
    data = json.loads(config(tmp_path, 1, 100, examples=8).read_text())
    data["model"]["attention"] = attention
    path = tmp_path / f"{attention}.ptlab.json"
    path.write_text(json.dumps(data))
    result = sft(env, "--config", str(path), "--run-dir", str(tmp_path / attention))
    assert result.returncode != 0
    assert f'model.attention "{attention}"' in result.stderr or f"model.attention '{attention}'" in result.stderr, result.stderr
    assert reason in result.stderr, result.stderr


def test_a_compiled_training_pass_gives_the_eager_run_s_losses_and_weights(tmp_path, env):
    """model.compile: torch.compile'd training forwards (dynamic shapes: every step's batch
    has its own length) give the eager run's numbers; the checkpoint's tensor names are the
    model's own (no compile wrapper's prefix)."""
    runs = {}
    for compiled in (False, True):
        data = json.loads(config(tmp_path, 3, 100, examples=48).read_text())
        data["sft"]["data"]["trajectories"] = "suboptimal"  # examples of several lengths
        data["model"]["compile"] = compiled
        path = tmp_path / f"compile-{compiled}.ptlab.json"
        path.write_text(json.dumps(data))
        runs[compiled] = tmp_path / f"compile-{compiled}"
        inductor = tmp_path / f"inductor-{compiled}"  # its own cache: the compile runs, and leaves its kernels there
        result = sft({**env, "TORCHINDUCTOR_CACHE_DIR": str(inductor)}, "--config", str(path), "--run-dir", str(runs[compiled]))
        assert result.returncode == 0, result.stderr
        assert any(inductor.rglob("*.py")) == compiled
    eager, compiled = (records(runs[c]) for c in (False, True))
    assert [r["metrics"]["train/loss"] for r in compiled] == pytest.approx([r["metrics"]["train/loss"] for r in eager], rel=1e-5)
    expected, got = (weights(runs[c] / "checkpoints" / "final") for c in (False, True))
    assert set(got) == set(expected)
    for name, tensor in expected.items():
        torch.testing.assert_close(got[name], tensor, atol=1e-5, rtol=1e-4)


def test_each_adam_implementation_gives_the_same_losses_and_weights(tmp_path, env):
    """sft.adam.implementation picks PyTorch's kernel (fused by default; foreach; the for-loop,
    torch's own default on CPU): the same run up to float rounding."""
    runs = {}
    for implementation in ("for-loop", "foreach", "fused"):
        data = json.loads(config(tmp_path, 3, 100, examples=48).read_text())
        data["sft"]["adam"] = {**data["sft"].get("adam", {}), "implementation": implementation, "weightDecay": 0.01}
        path = tmp_path / f"adam-{implementation}.ptlab.json"
        path.write_text(json.dumps(data))
        runs[implementation] = tmp_path / f"adam-{implementation}"
        result = sft(env, "--config", str(path), "--run-dir", str(runs[implementation]))
        assert result.returncode == 0, result.stderr
    expected = weights(runs["for-loop"] / "checkpoints" / "final")
    losses = [r["metrics"]["train/loss"] for r in records(runs["for-loop"])]
    for implementation in ("foreach", "fused"):
        assert [r["metrics"]["train/loss"] for r in records(runs[implementation])] == pytest.approx(losses, rel=1e-5)
        got = weights(runs[implementation] / "checkpoints" / "final")
        assert set(got) == set(expected)
        for name, tensor in expected.items():
            torch.testing.assert_close(got[name], tensor, atol=1e-6, rtol=1e-5)
        if implementation == "fused":  # its own kernel ran: it rounds differently (foreach and the for-loop agree to the bit on CPU)
            assert any(not torch.equal(got[name], tensor) for name, tensor in expected.items())


def test_a_fused_kernel_missing_where_the_job_runs_fails_before_training_naming_the_field():
    """torch checks the fused kernel's device and dtype only at the first step: the trainer's
    probe fails at once, naming the field, and the other kernels are not probed."""
    from ptlab import optimizers
    from ptlab.config import Adam
    from ptlab.sft import SftError

    params = [torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(2, dtype=torch.complex64))]  # no fused kernel for complex
    with pytest.raises(SftError, match=r'sft.adam.implementation: PyTorch has no fused Adam kernel for torch.complex64 parameters on cpu .*set it to "foreach"'):
        optimizers.adam(torch.optim.AdamW, params, 1e-3, Adam(), "sft.adam.implementation", SftError)
    assert optimizers.adam(torch.optim.AdamW, params, 1e-3, Adam(implementation="foreach"), "sft.adam.implementation", SftError).defaults["foreach"]


@pytest.mark.parametrize("optimizer", ["Adam", "AdamW"])
def test_adam_implementations_take_the_same_step(optimizer):
    """The options each implementation passes (ppo's Adam, sft's AdamW): the same parameters
    after a few steps with weight decay, the kernel each names in use."""
    from ptlab.config import Adam

    torch.manual_seed(0)
    start, grads = torch.randn(300, 7), [torch.randn(300, 7) for _ in range(4)]
    after = {}
    for implementation in ("for-loop", "foreach", "fused"):
        param = torch.nn.Parameter(start.clone())
        options = Adam(betas=(0.9, 0.999), eps=1e-8, weightDecay=0.1, implementation=implementation).torch_options()
        opt = getattr(torch.optim, optimizer)([param], lr=1e-2, **options)
        assert (opt.defaults["fused"], opt.defaults["foreach"]) == {"fused": (True, None), "foreach": (None, True), "for-loop": (False, False)}[implementation]
        for g in grads:
            param.grad = g.clone()
            opt.step()
        after[implementation] = param.detach()
    for implementation in ("foreach", "fused"):
        torch.testing.assert_close(after[implementation], after["for-loop"], atol=1e-6, rtol=1e-5)


def sft_rates(steps: int, **options) -> list[float]:
    """The learning rate of each of `steps` optimizer steps under sft.lr_schedule."""
    from ptlab.config import Sft
    from ptlab.sft import lr_schedule

    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-6)
    return rates_per_step(optimizer, lr_schedule(optimizer, Sft(learningRate=1e-6, **options), steps), steps)


def test_warmup_steps_round_up_as_hfs_trainer_counts_them():
    """HF's TrainingArguments.get_warmup_steps: ceil(steps x warmup_ratio); 3% of 10 steps is one."""
    assert sft_rates(10, schedule="cosine", warmupRatio=0.03)[:2] == [0, 1e-6]
    assert sft_rates(10, schedule="constant", warmupRatio=0) == [1e-6] * 10


def test_the_schedules_after_the_warmup_are_hfs_over_the_run_s_steps():
    """HF's get_scheduler over num_training_steps = the run's steps, after a linear warmup of
    ceil(steps x warmupRatio): linear from the peak to 0 at the run's end, cosine to 0 at its
    end, constant after its warmup too; no log warmup where there are no warmup steps."""
    lr = 1e-6
    assert sft_rates(10, schedule="cosine", warmupRatio=0) == pytest.approx([lr * 0.5 * (1 + math.cos(math.pi * k / 10)) for k in range(10)], rel=1e-12)
    assert sft_rates(10, schedule="linear", warmupRatio=0) == pytest.approx([lr * (1 - k / 10) for k in range(10)], rel=1e-12)
    assert sft_rates(100, schedule="constant", warmupRatio=0.05)[:7] == pytest.approx([0, 0.2 * lr, 0.4 * lr, 0.6 * lr, 0.8 * lr, lr, lr], rel=1e-12)  # linear warmup over 5
    assert sft_rates(10, schedule="constant", warmupRatio=0.03)[:2] == [0, lr]  # "constant" still warms up
    assert sft_rates(10, schedule="constant", warmupRatio=0, warmupShape="log") == [lr] * 10


def test_log_warmup_is_deepspeeds_warmup_lr():
    """DeepSpeed's WarmupLR (deepspeed/runtime/lr_schedules.py, warmup_type "log", its default):
    after its i-th step() the rate is min + (max - min) x ln(i) / ln(W) while i <= W (W =
    max(2, warmup_num_steps)), then max; the optimizer's step s follows the scheduler's s-th
    step(), at ln(s) / ln(W) of the rate, 0 at step 0 (where the installed DeepSpeed sets
    warmup_min_lr when built; 0.15.1, the reference's, left the optimizer's: docs/reproduce.md)."""
    warmup = math.ceil(200 * 0.03)  # 6
    expected = [0.0] + [1e-6 * math.log(s) / math.log(warmup) for s in range(1, warmup)] + [1e-6] * (200 - warmup)
    assert sft_rates(200, schedule="constant", warmupRatio=0.03, warmupShape="log") == pytest.approx(expected, rel=1e-12, abs=0)
    assert sft_rates(10, schedule="constant", warmupRatio=0.03, warmupShape="log")[:3] == [0, 0, 1e-6]  # one warmup step: DeepSpeed's least, 2
    lr_schedules = pytest.importorskip("deepspeed.runtime.lr_schedules")
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-6)
    deepspeed = lr_schedules.WarmupLR(optimizer, warmup_min_lr=0, warmup_max_lr=1e-6, warmup_num_steps=warmup)
    assert rates_per_step(optimizer, deepspeed, 200) == pytest.approx(expected, rel=1e-12, abs=0)


def test_a_step_s_gradient_is_the_mean_over_its_assistant_tokens(tmp_path, env, monkeypatch):
    """The step's micro-batch losses (summed cross-entropies) are each divided by the global
    batch's assistant-token count before backward: what backward receives over a step sums to
    the step's logged loss, the mean per assistant token (not a sum that the optimizer's clip
    and Adam would mostly hide)."""
    from ptlab import cli, parallel

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    given: list[float] = []
    real_backward = parallel.backward
    monkeypatch.setattr(parallel, "backward", lambda acc, loss: (given.append(loss.item()), real_backward(acc, loss))[1])
    run = tmp_path / "run"
    assert cli.main(["sft", "--config", str(config(tmp_path, 2, 100, examples=16, micro_batch=2)), "--run-dir", str(run)]) == 0
    train = [r for r in records(run) if r["kind"] == "train"]
    assert len(given) == 2 * 4  # 2 steps of 4 micro-batches
    for step, record in enumerate(train):
        assert record["metrics"]["train/assistant_tokens"] > 1
        assert sum(given[4 * step : 4 * step + 4]) == pytest.approx(record["metrics"]["train/loss"], rel=1e-5)


def test_a_run_from_a_checkpoint_counts_every_token_that_checkpoint_was_trained_on_as_its_d_init(tmp_path, env, monkeypatch):
    """X_SFT = 6N (D_init + D_SFT): a run from a checkpoint of a run that itself started from a
    checkpoint counts both earlier runs' tokens in D_init (trainer_state's totalTrainTokens
    holds the chain's), so the third run's GFLOPs are the three runs' tokens."""
    from ptlab import cli

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    init, finals = None, []
    for name in ("first", "second", "third"):
        data = json.loads(config(tmp_path, 1, 100, examples=8).read_text())
        if init is not None:
            data["sft"]["init"] = str(init)
        path = tmp_path / f"{name}.ptlab.json"
        path.write_text(json.dumps(data))
        assert cli.main(["sft", "--config", str(path), "--run-dir", str(tmp_path / name)]) == 0
        init = tmp_path / name / "checkpoints" / "final"
        finals.append([r for r in records(tmp_path / name) if r["kind"] == "train"][-1]["compute"])
    own = [c["trainTokens"] for c in finals]
    assert all(t > 0 for t in own)
    assert [c["initTokens"] for c in finals] == [0, own[0], own[0] + own[1]]
    assert finals[2]["gflops"] == pytest.approx(6 * finals[2]["parameters"] * sum(own) / 1e9)
    assert json.loads((init / "trainer_state.json").read_text())["compute"]["totalTrainTokens"] == sum(own)


def test_assistant_only_loss_false_learns_the_prompts_too(tmp_path, env):
    """sft.assistantOnlyLoss false (how embedded:virl-base is pretrained): the same examples,
    the loss on every token but the first of each sequence, the prompts' included."""
    learned = {}
    for assistant_only in (True, False):
        data = json.loads(config(tmp_path, 1, 100, examples=8).read_text())
        data["sft"]["assistantOnlyLoss"] = assistant_only
        path = tmp_path / f"assistant-only-{assistant_only}.ptlab.json"
        path.write_text(json.dumps(data))
        run = tmp_path / f"assistant-only-{assistant_only}"
        result = sft(env, "--config", str(path), "--run-dir", str(run))
        assert result.returncode == 0, result.stderr
        (train,) = [r for r in records(run) if r["kind"] == "train"]
        learned[assistant_only] = train["metrics"]["train/assistant_tokens"]
        assert train["metrics"]["train/loss"] > 0
    assert learned[False] == train["compute"]["trainTokens"] - 8 > 4 * learned[True]


def test_two_processes_with_accelerate_match_one_process(tmp_path, env):
    """Two processes on CPU (gloo): each takes half of every global batch; one metrics stream
    with global token counts, losses as a single process's. (`accelerate launch --cpu
    --num_processes 2` would start one process without MPI; torchrun-style launching with
    ACCELERATE_USE_CPU gives real CPU DDP.)"""
    cfg = config(tmp_path, 5, 3, examples=64)
    single, ddp = tmp_path / "single", tmp_path / "ddp"
    assert sft(env, "--config", str(cfg), "--run-dir", str(single)).returncode == 0
    two_processes.run("sft", cfg, ddp, env)
    ours, theirs = records(ddp), records(single)
    assert [r["step"] for r in ours] == [1, 2, 3, 4, 5]  # one stream: only the main process writes
    for a, b in zip(ours, theirs):
        assert a["metrics"]["train/assistant_tokens"] == b["metrics"]["train/assistant_tokens"]
        assert a["compute"]["trainTokens"] == b["compute"]["trainTokens"] and a["episodes"] == b["episodes"]
        assert a["metrics"]["train/loss"] == pytest.approx(b["metrics"]["train/loss"], rel=1e-4)
    manifest = json.loads((ddp / "run.json").read_text())
    assert manifest["status"] == "finished" and [c["path"] for c in manifest["checkpoints"]] == ["checkpoints/step-000003", "checkpoints/final"]
    a, b = weights(ddp / "checkpoints" / "final"), weights(single / "checkpoints" / "final")
    assert max((a[k] - b[k]).abs().max().item() for k in a) < 1e-4
    state = json.loads((ddp / "checkpoints" / "final" / "trainer_state.json").read_text())
    assert state["dataPosition"] == 40 and len(torch.load(ddp / "checkpoints" / "final" / "rng.pt", weights_only=False)["processes"]) == 2
    two_processes.run("sft", cfg, ddp, env, "--resume")


def test_two_processes_killed_with_sigkill_then_resumed_equal_an_uninterrupted_run(tmp_path, env):
    """kill -9 of the whole accelerate launch (both processes) after a checkpoint, then
    --resume with two processes: steps continuous, losses and final weights those of an
    uninterrupted two-process run."""
    def past_a_checkpoint(run: Path) -> bool:
        metrics = run / "metrics.jsonl"
        return metrics.exists() and len(metrics.read_text().splitlines()) >= 5

    straight, crashed = two_processes.straight_crashed_resumed("sft", config(tmp_path, 30, 3, examples=64), tmp_path, env, past_a_checkpoint)
    assert [r["step"] for r in records(crashed)] == list(range(1, 31))
    assert [r["metrics"]["train/loss"] for r in records(crashed)] == pytest.approx([r["metrics"]["train/loss"] for r in records(straight)], rel=1e-6)
    a, b = weights(straight / "checkpoints" / "final"), weights(crashed / "checkpoints" / "final")
    assert max((a[k] - b[k]).abs().max().item() for k in a) < 1e-6
    manifest = json.loads((crashed / "run.json").read_text())
    starts = [s["startStep"] for s in manifest["segments"]]
    assert starts[0] == 0 and starts[1] in range(3, 30, 3) and len(starts) == 2, starts  # from the last checkpoint before the kill
    assert [s.get("endStatus") for s in manifest["segments"]] == ["crashed", "finished"]


@pytest.mark.parametrize("stage", [0, pytest.param(3, marks=two_processes.needs_deepspeed)])
def test_two_processes_whose_data_ends_inside_a_step_match_one_process(tmp_path, env, stage):
    """Packed rows and 1.03125 epochs (66 examples): the last step's 2 examples fill one row of
    the first process's share; the other process has none, and its passes (as many as the
    first's: DDP reduces after the last, ZeRO-3 gathers the weights in each) train nothing.
    The run ends, as one process's does, with its losses, counts and weights."""
    cfg = epochs_config(tmp_path, True, 1.03125, micro_batch=1)
    single, two = tmp_path / "single", tmp_path / "two"
    assert sft(env, "--config", str(cfg), "--run-dir", str(single)).returncode == 0
    two_processes.run("sft", cfg, two, env, deepspeed_stage=stage)
    ours, theirs = records(two), records(single)
    assert [r["step"] for r in ours] == [1, 2, 3, 4, 5] and ours[-1]["episodes"] == 66
    for a, b in zip(ours, theirs):
        assert a["compute"]["trainTokens"] == b["compute"]["trainTokens"] and a["episodes"] == b["episodes"]
        assert a["metrics"]["train/assistant_tokens"] == b["metrics"]["train/assistant_tokens"]
        assert a["metrics"]["train/loss"] == pytest.approx(b["metrics"]["train/loss"], rel=1e-4)
    a, b = weights(two / "checkpoints" / "final"), weights(single / "checkpoints" / "final")
    assert max((a[k] - b[k]).abs().max().item() for k in a) < 1e-4


@two_processes.needs_deepspeed
@pytest.mark.parametrize("stage", [2, 3])
def test_deepspeed_zero_two_processes_match_ddp_and_save_full_weights(tmp_path, env, stage):
    """DeepSpeed ZeRO-2 / ZeRO-3 for real (two processes, DeepSpeed's CPU accelerator over gloo):
    two micro-batches per process per step accumulate into one optimizer step, clipped at
    sft.maxGradNorm (0.5 here, not DeepSpeed's default 1.0), so losses, grad norms and weights are
    DDP's; the checkpoints hold full weights (a ZeRO-3 module's own are empty shards) that
    from_pretrained loads, as `ptlab eval` and `ptlab export` do."""
    data = json.loads(config(tmp_path, 5, 3, examples=64, micro_batch=2).read_text())
    data["sft"]["maxGradNorm"] = 0.5
    cfg = tmp_path / "clipped.ptlab.json"
    cfg.write_text(json.dumps(data))
    ddp, zero = two_processes.ddp_and_deepspeed("sft", cfg, tmp_path, env, stage)
    ours, theirs = records(zero), records(ddp)
    assert [r["step"] for r in ours] == [1, 2, 3, 4, 5]
    for a, b in zip(ours, theirs):
        assert a["metrics"]["train/loss"] == pytest.approx(b["metrics"]["train/loss"], rel=1e-5)
        assert a["metrics"]["train/grad_norm"] == pytest.approx(b["metrics"]["train/grad_norm"], rel=1e-4)
        assert a["metrics"]["train/grad_norm"] > 0.5  # so the clipping acted
        assert a["compute"]["trainTokens"] == b["compute"]["trainTokens"]
        assert a["compute"]["parameters"] == b["compute"]["parameters"] > 0 and a["compute"]["gflops"] == b["compute"]["gflops"]  # ZeRO-3 loads shards
    manifest = json.loads((zero / "run.json").read_text())
    assert manifest["status"] == "finished" and [c["path"] for c in manifest["checkpoints"]] == ["checkpoints/step-000003", "checkpoints/final"]
    a, b = weights(zero / "checkpoints" / "final"), weights(ddp / "checkpoints" / "final")
    assert sorted(a) == sorted(b) and max((a[k] - b[k]).abs().max().item() for k in a) < 1e-5
    from transformers import AutoModelForCausalLM

    loaded = AutoModelForCausalLM.from_pretrained(zero / "checkpoints" / "final")
    assert all(p.numel() > 0 for p in loaded.parameters())


INFINITE_GRADIENT_AT_STEP_2_ON_RANK_1 = f"""
import os
if os.environ.get("RANK") == "1":  # the second of two processes: its second step's backward diverges, its loss finite
    import sys

    sys.path.insert(0, {str(Path(__file__).parent)!r})
    import ptlab.sft as sft
    from diverged import infinite_gradient

    made, calls = sft.predicted_loss, []

    def diverged(*args, **kwargs):
        calls.append(1)
        loss = made(*args, **kwargs)
        return infinite_gradient(loss) if len(calls) == 2 else loss  # one micro-batch a step

    sft.predicted_loss = diverged
"""


@two_processes.needs_deepspeed
@pytest.mark.parametrize("precision", [pytest.param("fp16", marks=two_processes.needs_cpu_fp16), "bf16"])
def test_deepspeed_a_non_finite_gradient_is_fp16s_skipped_step_and_elsewhere_an_error(tmp_path, env, precision):
    """One process's gradient at step 2 is not finite (its loss is). In fp16 the DeepSpeed
    engine's loss scaler skips that step everywhere: the run goes on, the step recorded with
    no grad norm and as an overflow, the learning-rate schedule held for it (as HF's Trainer
    holds it). In bf16 the engine would skip it too, unsaid: the run fails at that step,
    naming the gradient, with the records before it."""
    run = tmp_path / "run"
    path = config(tmp_path, 4, 100)
    data = json.loads(path.read_text())
    data["sft"]["warmupRatio"] = 0  # the cosine from step 0: ceil(ratio x 4 steps) would warm up one, at rate 0
    path.write_text(json.dumps(data))
    done = two_processes.launched("sft", path, run, two_processes.hooked(env, tmp_path, INFINITE_GRADIENT_AT_STEP_2_ON_RANK_1), deepspeed_stage=2, mixed_precision=precision)
    if precision == "bf16":
        assert done.returncode != 0
        manifest = json.loads((run / "run.json").read_text())
        assert manifest["status"] == "failed" and "the SFT gradient is not finite at step 2 (its loss is)" in manifest["error"]["message"]
        assert [r["step"] for r in records(run)] == [1]
        return
    assert done.returncode == 0, done.stderr[-3000:]
    metrics = [r["metrics"] for r in records(run)]
    assert [m["train/fp16_overflow_steps"] for m in metrics] == [0, 1, 0, 0]
    assert metrics[1]["train/grad_norm"] is None and all(m["train/grad_norm"] > 0 for i, m in enumerate(metrics) if i != 1)
    lrs = [m["train/lr"] for m in metrics]
    assert lrs[0] > lrs[1] == lrs[2] > lrs[3]  # each step's own: the cosine's second value, held for the skipped step


@two_processes.needs_deepspeed
@pytest.mark.parametrize("stage", [2, 3])
def test_deepspeed_zero_killed_with_sigkill_then_resumed_equal_an_uninterrupted_run(tmp_path, env, stage):
    """--resume under DeepSpeed: full weights load from the checkpoint, the engine reads back
    every process's optimizer shard (checkpoints/NAME/deepspeed), so the resumed run's losses
    and weights are the uninterrupted one's."""
    def past_a_checkpoint(run: Path) -> bool:
        metrics = run / "metrics.jsonl"
        return metrics.exists() and len(metrics.read_text().splitlines()) >= 4

    straight, crashed = two_processes.straight_crashed_resumed("sft", config(tmp_path, 12, 3, examples=64, micro_batch=2), tmp_path, env, past_a_checkpoint, deepspeed_stage=stage)
    assert [r["step"] for r in records(crashed)] == list(range(1, 13))
    assert [r["metrics"]["train/loss"] for r in records(crashed)] == pytest.approx([r["metrics"]["train/loss"] for r in records(straight)], rel=1e-6)
    a, b = weights(straight / "checkpoints" / "final"), weights(crashed / "checkpoints" / "final")
    assert max((a[k] - b[k]).abs().max().item() for k in a) < 1e-6
    manifest = json.loads((crashed / "run.json").read_text())
    assert [s.get("endStatus") for s in manifest["segments"]] == ["crashed", "finished"] and manifest["segments"][1]["startStep"] in (3, 6, 9)
    assert (crashed / "checkpoints" / "final" / "deepspeed").is_dir() and not (crashed / "checkpoints" / "final" / "optimizer.pt").exists()


def saved_by(folder: Path, processes: int, deepspeed: bool) -> Path:
    """A checkpoint as `processes` processes save it (checkpoints.save with each one's random
    state) and, under DeepSpeed, with the engine's shards folder (save_engine's, made here
    without DeepSpeed)."""
    from types import SimpleNamespace

    from ptlab import checkpoints

    run = SimpleNamespace(dir=folder, checkpoint_saved=lambda *args: None)
    writes = SimpleNamespace(save_pretrained=lambda path, **kwargs: None)
    scheduler = torch.optim.lr_scheduler.LambdaLR(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1), lambda step: 1.0)
    engine_state = None
    if deepspeed:
        engine_state = checkpoints.staged(folder / "checkpoints", f"final.{checkpoints.ENGINE_DIR}")
        (engine_state / checkpoints.ENGINE_TAG).mkdir(parents=True)
    return checkpoints.save(run, "final", 4, writes, writes, None, scheduler, {"dataPosition": 32, "compute": {}}, rng_states=[checkpoints.rng_state()] * processes, engine_state=engine_state)


@pytest.mark.parametrize("saved, resumed", [(2, 1), (1, 2), (2, 4)])
def test_a_deepspeed_checkpoint_resumed_by_another_number_of_processes_is_refused_naming_both(tmp_path, saved, resumed):
    """DeepSpeed's ZeRO optimizer state is saved in one shard per process (checkpoints/NAME/
    deepspeed): read back by another number of processes, the engine failed obscurely or
    restored shards that do not match its partitions. The resume is refused, naming the
    checkpoint, both counts and what to do; the saved count resumes, and a DDP checkpoint
    (the whole optimizer state in optimizer.pt) resumes under any count."""
    from ptlab.checkpoints import CheckpointError
    from ptlab.sft import refuse_other_engine_processes

    checkpoint = saved_by(tmp_path / "zero", saved, deepspeed=True)
    as_saved = f"{saved} process{'es' if saved > 1 else ''}"
    refusal = (rf"{checkpoint}: saved by {as_saved}, resumed by {resumed}: its optimizer state is DeepSpeed's ZeRO shards, one per process, .*"
               rf"relaunch with {as_saved} \(.*accelerate launch --num_processes {saved}\), or start a new run from the checkpoint with sft.init \(under DDP a run resumes under any number of processes\)")
    with pytest.raises(CheckpointError, match=refusal):
        refuse_other_engine_processes(checkpoint, resumed)
    refuse_other_engine_processes(checkpoint, saved)
    refuse_other_engine_processes(saved_by(tmp_path / "ddp", saved, deepspeed=False), resumed)  # no shards: restore_engine says it is no DeepSpeed run's


@two_processes.needs_deepspeed
def test_deepspeed_a_resume_by_another_number_of_processes_is_refused_before_any_collective(tmp_path, env):
    """Two ZeRO-2 processes save the run's checkpoint; its resume by one DeepSpeed process is
    refused before the engine reads a shard, naming the counts, and run.json records it."""
    cfg, run = config(tmp_path, 2, 100, examples=32), tmp_path / "run"
    two_processes.run("sft", cfg, run, env, deepspeed_stage=2)
    command = [*two_processes.launch_deepspeed(2, processes=1), "--module", "ptlab", "sft", "--config", str(cfg), "--run-dir", str(run), "--resume"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    refusal = "saved by 2 processes, resumed by 1: its optimizer state is DeepSpeed's ZeRO shards, one per process"
    assert done.returncode != 0 and done.stderr.count(refusal) == 1, done.stderr[-3000:]
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == "failed" and manifest["error"]["message"].startswith("CheckpointError:") and refusal in manifest["error"]["message"]


@two_processes.needs_deepspeed
def test_deepspeed_zero3_two_processes_evaluate_together(tmp_path, env):
    """Under ZeRO-3 every forward gathers the parameters from every process: evaluation with
    the main process alone would hang. Each process plays its share of the episodes, their
    generate calls in step (synced_gpus, stand-ins), the main one writes: the records are a
    DDP run's."""
    cfg = config(tmp_path, 4, 2, examples=64, evaluate=True)
    ddp, zero = two_processes.ddp_and_deepspeed("sft", cfg, tmp_path, env, 3)
    expected = [(step, split) for step in (0, 2, 4) for split in ("id", "ood-rule")]
    assert evaluated_steps(zero) == evaluated_steps(ddp) == expected
    episodes = [json.loads(line) for line in (zero / "episodes.jsonl").read_text().splitlines()]
    assert len(episodes) == len(expected) * 3  # written once, by the main process
    ours = [(r["step"], r["split"], r["success"]["n"]) for r in records(zero) if r["kind"] == "eval"]
    assert ours == [(r["step"], r["split"], r["success"]["n"]) for r in records(ddp) if r["kind"] == "eval"]


def test_writing_its_data_counts_as_no_training_step(tmp_path, env, monkeypatch):
    """SFT writes sft.jsonl before its first step: the examples written are not steps. They
    were reported as progress (step 1000 of totalSteps 1200 here, cancelled while writing):
    the Runs view showed them, and the next resume's segment started at that step."""
    from ptlab import cli, data

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    examples = data.sft_examples

    def cancelled_while_written(*args, **kwargs):
        for i, example in enumerate(examples(*args, **kwargs), start=1):
            if i == 1001:
                os.kill(os.getpid(), signal.SIGTERM)
            yield example

    monkeypatch.setattr(data, "sft_examples", cancelled_while_written)
    run, cfg = tmp_path / "run", config(tmp_path, 2, 100, examples=1200)
    assert cli.main(["sft", "--config", str(cfg), "--run-dir", str(run)]) == 130
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == "cancelled" and manifest["progress"] == {"step": 0} and not (run / "sft.jsonl").exists()
    monkeypatch.setattr(data, "sft_examples", examples)
    assert cli.main(["sft", "--config", str(cfg), "--run-dir", str(run), "--resume"]) == 0
    manifest = json.loads((run / "run.json").read_text())
    assert [s["startStep"] for s in manifest["segments"]] == [0, 0] and manifest["progress"] == {"step": 2, "totalSteps": 2}


def test_a_resume_removes_the_staged_checkpoints_a_cut_save_left(tmp_path, env, monkeypatch):
    """A save cut short left .step-000009.tmp, as large as a checkpoint, which no later save
    replaces (the next is at another step): the resumed job, the run's writer, removes it."""
    from ptlab import cli

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    run, cfg = tmp_path / "run", config(tmp_path, 2, 1)
    assert cli.main(["sft", "--config", str(cfg), "--run-dir", str(run)]) == 0
    staged = run / "checkpoints" / ".step-000009.tmp"
    staged.mkdir()
    (staged / "model.safetensors").write_bytes(b"weights")
    assert cli.main(["sft", "--config", str(cfg), "--run-dir", str(run), "--resume"]) == 0
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == ["final", "step-000001"]


def test_a_resume_while_the_run_s_job_still_runs_is_refused_before_it_removes_any_staged_save(tmp_path, env, monkeypatch, capsys):
    """remove_staged trusts that the run is the resumed job's alone: a staged folder may be a
    live job's save under way. A resume while run.json's job still runs (its heartbeat fresh,
    its pid alive here) is refused as it opens the run, before remove_staged: that job's
    staged save is left as it is."""
    from ptlab import checkpoints, cli, runlog

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    run, cfg = tmp_path / "run", config(tmp_path, 2, 1)
    assert cli.main(["sft", "--config", str(cfg), "--run-dir", str(run)]) == 0
    manifest = json.loads((run / "run.json").read_text())
    manifest.update(status="running", heartbeatAt=runlog.now(), host={**manifest["host"], "pid": os.getpid()})  # a job of this machine, alive
    (run / "run.json").write_text(json.dumps(manifest))
    saving = run / "checkpoints" / ".step-000003.tmp"
    saving.mkdir()
    (saving / "model.safetensors").write_bytes(b"weights being written")
    removed = []
    monkeypatch.setattr(checkpoints, "remove_staged", removed.append)
    capsys.readouterr()
    assert cli.main(["sft", "--config", str(cfg), "--run-dir", str(run), "--resume"]) == 2
    assert f"this run is still running (pid {os.getpid()}" in capsys.readouterr().err
    assert removed == [] and (saving / "model.safetensors").read_bytes() == b"weights being written"


@pytest.mark.parametrize("during", ["final save", "final evaluation"])
def test_a_cancel_during_the_final_save_or_evaluation_ends_the_run_finished(tmp_path, env, monkeypatch, during):
    """The final checkpoint and its evaluation run to their end whatever a cancel says: the job
    returns finished, exits 0, and run.json says finished too (it said cancelled, so Resume was
    offered and redid the final evaluation)."""
    from ptlab import checkpoints, cli
    from ptlab import sft as sft_module

    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    save, evaluate = checkpoints.save, sft_module.evaluate

    def cancelled_in_final_save(run, name, *args, **kwargs):
        if name == "final":
            os.kill(os.getpid(), signal.SIGTERM)
        return save(run, name, *args, **kwargs)

    def cancelled_in_final_evaluation(*args, **kwargs):
        if not kwargs["cancellable"]:
            os.kill(os.getpid(), signal.SIGTERM)
        return evaluate(*args, **kwargs)

    if during == "final save":
        monkeypatch.setattr(checkpoints, "save", cancelled_in_final_save)
    else:
        monkeypatch.setattr(sft_module, "evaluate", cancelled_in_final_evaluation)
    run = tmp_path / "run"
    assert cli.main(["sft", "--config", str(config(tmp_path, 2, 100, evaluate=True)), "--run-dir", str(run)]) == 0
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["status"] == manifest["segments"][-1]["endStatus"] == "finished"
    assert [(r["step"], r["split"]) for r in records(run) if r["kind"] == "eval" and r["step"] == 2] == [(2, "id"), (2, "ood-rule")]


def test_resuming_a_finished_run_redoes_its_final_evaluation_without_duplicates(tmp_path, env):
    """--resume on a finished run starts from the final checkpoint: its evaluation is redone
    in place of the old one (same records), never appended twice."""
    cfg, run = config(tmp_path, 4, 2, evaluate=True), tmp_path / "run"
    assert sft(env, "--config", str(cfg), "--run-dir", str(run)).returncode == 0
    before = [(r["kind"], r["step"], r.get("split")) for r in records(run)]
    assert before.count(("eval", 4, "id")) == 1
    resumed = sft(env, "--config", str(cfg), "--run-dir", str(run), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert [(r["kind"], r["step"], r.get("split")) for r in records(run)] == before
    evaluations = [json.loads(line) for line in (run / "episodes.jsonl").read_text().splitlines()]
    assert sorted((e["step"], e["split"]) for e in evaluations).count((4, "id")) == 3  # 3 episodes per split, once


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_two_processes_cancelled_through_the_launcher_checkpoint_and_end(tmp_path, env, sig):
    """Cancel as VS Code does it (SIGTERM, or SIGHUP when its terminal closes) reaches only the
    accelerate launcher; the workers still checkpoint, the run ends cancelled, none is left."""
    run = tmp_path / "run"
    command = two_processes.command("sft", config(tmp_path, 400, 1000), run)
    process = subprocess.Popen(command, env=two_processes.environment(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and not ((run / "metrics.jsonl").exists() and (run / "metrics.jsonl").read_text().count("\n") >= 3):
        time.sleep(0.05)
    process.send_signal(sig)
    process.wait(timeout=120)
    manifest = json.loads((run / "run.json").read_text())
    step = manifest["progress"]["step"]
    assert manifest["status"] == "cancelled" and 3 <= step < 400
    assert [c["path"] for c in manifest["checkpoints"]] == [f"checkpoints/step-{step:06d}"]
    time.sleep(1)
    assert two_processes.processes_naming(run) == []


def evaluated_steps(run: Path) -> list[tuple[int, str]]:
    return [(r["step"], r["split"]) for r in records(run) if r["kind"] == "eval"]


def test_at_checkpoints_evaluates_init_every_saved_checkpoint_and_the_final_one_once(tmp_path, env):
    """evaluation.atCheckpoints without everySteps: step 0 (Init), each saveEverySteps
    checkpoint and the final one, each split once; a resume from before the first checkpoint
    redoes step 0's evaluation in place of the old one instead of adding a second."""
    data = json.loads(config(tmp_path, 5, 2, evaluate=True).read_text())
    del data["evaluation"]["everySteps"]
    cfg = tmp_path / "at-checkpoints.ptlab.json"
    cfg.write_text(json.dumps(data))
    run = tmp_path / "run"
    result = sft(env, "--config", str(cfg), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    expected = [(step, split) for step in (0, 2, 4, 5) for split in ("id", "ood-rule")]
    assert evaluated_steps(run) == expected
    assert sorted({(e["step"], e["split"]) for e in map(json.loads, (run / "episodes.jsonl").read_text().splitlines())}) == expected
    # as if killed before its first checkpoint: --resume starts over from step 0
    manifest = json.loads((run / "run.json").read_text())
    manifest.update(checkpoints=[], status="failed")
    (run / "run.json").write_text(json.dumps(manifest))
    resumed = sft(env, "--config", str(cfg), "--run-dir", str(run), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert evaluated_steps(run) == expected
    assert len((run / "episodes.jsonl").read_text().splitlines()) == len(expected) * 3
