"""-VL tasks on the embedded tiny-vlm (LLaVA: CLIP tower + tiny Llama), CPU: it loads back
through AutoProcessor / AutoModelForImageTextToText, SFT on card images lowers the loss and
resumes exactly after kill -9, PPO updates run with pixel inputs and log everything, eval
reports recognition accuracy, V-IRL-VL street-view grids train and evaluate, and ONNX
export refuses a VLM with a clear message."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

import two_processes  # noqa: E402
from crashes import killed_after  # noqa: E402
from ptlab.contracts import errors  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def env(ptlab_cache):
    return {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def config(tmp_path: Path, name: str, steps: int = 10, save_every: int = 5, evaluate: bool = True, **ppo) -> Path:
    data = json.loads((EXAMPLES / "tiny-vl.ptlab.json").read_text())
    data["environment"]["maxVerify"] = 2
    data["sft"].update(steps=steps, globalBatchSize=8, microBatchSize=4, saveEverySteps=save_every)
    data["sft"]["data"]["examples"] = 48
    data["ppo"].update(updates=2, stepsPerUpdate=8, parallelEnvs=4, epochs=1, miniBatchSize=4, maxNewTokens=16, saveEverySteps=1, temperature=1.0, **ppo)
    del data["ppo"]["init"]
    if evaluate:
        data["evaluation"].update(everySteps=1000, maxNewTokens=16)
        for split in data["evaluation"]["splits"]:
            split["episodes"] = 2
    else:
        del data["evaluation"]
    path = tmp_path / f"{name}.ptlab.json"
    path.write_text(json.dumps(data))
    return path


def ptlab(env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ptlab", *args], capture_output=True, text=True, env=env, timeout=600)


def records(run: Path, name: str = "metrics.jsonl") -> list[dict]:
    return [json.loads(line) for line in (run / name).read_text().splitlines()]


def test_tiny_vlm_loads_back_through_the_auto_classes(env, monkeypatch):
    monkeypatch.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
    from transformers import AutoModelForImageTextToText, AutoProcessor

    from ptlab import chat, models
    from ptlab.envs import generalpoints as gp

    path = models.resolve_model_path("embedded:tiny-vlm")
    processor, model = AutoProcessor.from_pretrained(path), AutoModelForImageTextToText.from_pretrained(path)
    assert type(model).__name__ == "LlavaForConditionalGeneration" and models.is_vision_model("embedded:tiny-vlm")
    assert not models.is_vision_model("embedded:tiny-lm")
    episode = gp.GeneralPointsEpisode(gp.GeneralPointsConfig(modality="vision"), 3)
    messages = [chat.user_message(episode.prompt, episode.observation_image()), {"role": "assistant", "content": "ok"}]
    encoded = chat.encode(processor, messages, chat.images_in(messages), generation_prompt=False)
    image_token = processor.tokenizer.convert_tokens_to_ids(models.IMAGE_TOKEN)
    assert encoded["input_ids"].count(image_token) == 64  # 128x128 pixels in 16-pixel patches
    assert processor.tokenizer.decode([t for t, m in zip(encoded["input_ids"], encoded["assistant_masks"]) if m]) == "ok<|end|>"
    # tiny-lm's tokenizer, plus the image token
    text = models.load_tokenizer("embedded:tiny-lm")
    assert processor.tokenizer("24 = (3+5)*3")["input_ids"] == text("24 = (3+5)*3")["input_ids"]


def test_sft_on_card_images_lowers_the_loss_and_eval_reports_recognition(tmp_path, env):
    run = tmp_path / "sft"
    result = ptlab(env, "sft", "--config", str(config(tmp_path, "sft")), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    example = json.loads((run / "sft.jsonl").read_text().splitlines()[0])
    assert example["messages"][0]["content"][0]["type"] == "image" and (run / example["messages"][0]["content"][0]["path"]).exists()
    losses = [r["metrics"]["train/loss"] for r in records(run) if r["kind"] == "train"]
    assert len(losses) == 10 and sum(losses[-3:]) / 3 < losses[0] - 0.5, losses
    evals = [r for r in records(run) if r["kind"] == "eval"]
    assert {(r["step"], r["split"]) for r in evals} == {(s, n) for s in (0, 5, 10) for n in ("id", "ood-rule", "ood-visual")}  # Init, the checkpoint at 5, the final one
    assert all(r["recognition"]["n"] > 0 and errors("metric-record.schema.json", r) == [] for r in evals)
    final = run / "checkpoints" / "final"
    assert (final / "processor_config.json").exists() and (final / "chat_template.jinja").exists()

    evaluated = tmp_path / "eval"
    result = ptlab(env, "eval", "--config", str(config(tmp_path, "sft")), "--run-dir", str(evaluated), "--checkpoint", str(final))
    assert result.returncode == 0, result.stderr
    summary = json.loads((evaluated / "eval-summary.json").read_text())
    assert errors("eval-summary.schema.json", summary) == []
    for split in summary["splits"]:
        attempts = [t for e in records(evaluated, "episodes.jsonl") if e["split"] == split["name"] for t in e["turns"]]
        assert split["recognition"] == {"rate": sum(t["recognized"] for t in attempts) / len(attempts), "stderr": pytest.approx(split["recognition"]["stderr"]), "n": len(attempts)}

    exported = ptlab(env, "export", "--config", str(config(tmp_path, "sft")), "--run-dir", str(run))
    assert exported.returncode == 2 and "image-text-to-text checkpoints are not exported to ONNX" in exported.stderr


def test_kill_9_then_resume_equals_an_uninterrupted_vision_run(tmp_path, env):
    cfg = config(tmp_path, "resume", steps=6, save_every=2, evaluate=False)
    straight = tmp_path / "straight"
    assert ptlab(env, "sft", "--config", str(cfg), "--run-dir", str(straight)).returncode == 0
    crashed = tmp_path / "crashed"
    killed_after("sft", cfg, crashed, env, 3)
    resumed = ptlab(env, "sft", "--config", str(cfg), "--run-dir", str(crashed), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert [r["step"] for r in records(crashed)] == list(range(1, 7))
    assert [r["metrics"]["train/loss"] for r in records(crashed)] == [r["metrics"]["train/loss"] for r in records(straight)]
    from safetensors.torch import load_file

    a, b = load_file(str(straight / "checkpoints/final/model.safetensors")), load_file(str(crashed / "checkpoints/final/model.safetensors"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("advantage", ["gae", "group"])
def test_ppo_updates_on_card_images_run_end_to_end(tmp_path, env, advantage):
    run = tmp_path / "ppo"
    result = ptlab(env, "ppo", "--config", str(config(tmp_path, "ppo", advantage=advantage, groupSize=2)), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    train = [r for r in records(run) if r["kind"] == "train"]
    assert [r["step"] for r in train] == [1, 2]
    for key in ("rollout/reward_mean", "rollout/return_mean", "ppo/policy_loss", "ppo/clipfrac", "ppo/approx_kl", "ppo/entropy", "perf/tokens_per_second"):
        assert all(r["metrics"][key] is not None for r in train), key
    assert all((r["metrics"]["ppo/value_loss"] is None) == (advantage == "group") for r in train)
    rollout = [e for e in records(run, "episodes.jsonl") if e["split"] == "train"]
    assert rollout and all(errors("episode-record.schema.json", e) == [] for e in rollout)
    assert {r["split"] for r in records(run) if r["kind"] == "eval" and "recognition" in r} == {"id", "ood-rule", "ood-visual"}
    # prompts carry the image tokens: 64 per image on top of the text
    assert min(t["promptTokens"] for e in rollout for t in e["turns"]) > 64 + 100


@pytest.mark.parametrize("stage,precision", [(0, "no"), pytest.param(3, "bf16", marks=two_processes.needs_deepspeed)], ids=["ddp", "deepspeed-zero3-bf16"])
def test_two_processes_run_vision_sft_and_ppo(tmp_path, env, stage, precision):
    """-VL jobs as two processes, gradient checkpointing on (as the -VL presets): DDP, where the
    vision tower's final norm never reaches the loss (LLaVA reads the hidden states before it)
    and DDP must not wait for its gradient; the presets' DeepSpeed ZeRO-3 in bf16, where every
    weight is partitioned in bf16, the image inputs meet the vision tower in its dtype and PPO's
    value head trains in the engine's dtype. Both jobs finish with finite losses."""
    data = json.loads(config(tmp_path, "vl", steps=2, save_every=100, evaluate=False).read_text())
    data["ppo"]["updates"] = 1
    data["model"]["gradientCheckpointing"] = True
    path = tmp_path / "vl-two-processes.ptlab.json"
    path.write_text(json.dumps(data))
    two_processes.run("sft", path, tmp_path / "sft", env, deepspeed_stage=stage, mixed_precision=precision)
    two_processes.run("ppo", path, tmp_path / "ppo", env, deepspeed_stage=stage, mixed_precision=precision)
    sft_losses = [r["metrics"]["train/loss"] for r in records(tmp_path / "sft") if r["kind"] == "train"]
    (ppo_train,) = [r for r in records(tmp_path / "ppo") if r["kind"] == "train"]
    assert len(sft_losses) == 2 and all(math.isfinite(v) for v in sft_losses)
    assert all(math.isfinite(ppo_train["metrics"][k]) for k in ("ppo/policy_loss", "ppo/value_loss", "rollout/reward_mean"))


@two_processes.needs_deepspeed
def test_under_zero3_a_process_with_fewer_evaluation_answers_fills_its_calls_with_image_chats(tmp_path, env):
    """ZeRO-3 evaluation of card images, each process its share: three episodes a split over two
    processes, one answer per generate call, so rank 0 makes two calls a round and rank 1 one
    and a stand-in: the split's first chat with its image (a text-only one would skip the
    vision tower, whose weights the other process then waits to gather). Every episode is
    evaluated at update 0 and 1."""
    data = json.loads(config(tmp_path, "vl", steps=2, save_every=100).read_text())
    data["ppo"]["updates"] = 1
    data["model"]["generateBatch"] = 1
    for split in data["evaluation"]["splits"]:
        split["episodes"] = 3
    path, run = tmp_path / "vl-shares.ptlab.json", tmp_path / "run"
    path.write_text(json.dumps(data))
    done = two_processes.launched("ppo", path, run, env, deepspeed_stage=3, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    splits = [split["name"] for split in data["evaluation"]["splits"]]
    evaluated = sorted((e["step"], e["split"], e["episode"]) for e in records(run, "episodes.jsonl") if e["split"] != "train")
    assert evaluated == sorted((step, split, i) for step in (0, 1) for split in splits for i in range(3))


@pytest.mark.parametrize("family", ["llava", "qwen2-vl", "mllama"])
def test_ppo_and_its_evaluation_run_on_each_vision_family_replica(tmp_path, env, family):
    """PPO on card images with each vision family's own classes, processor and chat template
    (random-weight replicas, in bf16 as the presets): rollouts, scoring, the update and the
    evaluation splits. (A random LLaVA samples its <image> placeholder: the scoring pass then
    failed on the count of image features, before generation held placeholders back.)"""
    from ptlab import replicas

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
        name = str(replicas.replica_path(family))
    data = json.loads(config(tmp_path, family).read_text())
    data["model"] = {"name": name, "kind": "image-text-to-text", "dtype": "bf16"}
    data["ppo"]["updates"] = 1
    path, run = tmp_path / f"{family}.ptlab.json", tmp_path / family
    path.write_text(json.dumps(data))
    result = ptlab(env, "ppo", "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr[-3000:]
    (train,) = [r for r in records(run) if r["kind"] == "train"]
    assert all(math.isfinite(train["metrics"][k]) for k in ("ppo/policy_loss", "ppo/value_loss", "ppo/entropy"))
    assert {r["split"] for r in records(run) if r["kind"] == "eval"} == {"id", "ood-rule", "ood-visual"}


def test_group_advantages_count_the_images_of_every_generation_in_compute(tmp_path, env):
    """Mllama cross-attends to each image's patches apart from input_ids, which compute adds
    (visual tokens): for the rollout, those of every generation, with group advantages too,
    whose waves run whole while the update trains on a sample of stepsPerUpdate transitions."""
    from types import SimpleNamespace

    from transformers import AutoConfig

    from ptlab import replicas
    from ptlab.models import visual_tokens_per_image

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PTLAB_CACHE_DIR", env["PTLAB_CACHE_DIR"])
        name = str(replicas.replica_path("mllama"))
    data = json.loads(config(tmp_path, "group", evaluate=False, advantage="group", groupSize=2).read_text())
    data["model"] = {"name": name, "kind": "image-text-to-text", "dtype": "fp32"}
    data["environment"]["maxVerify"] = 3
    data["ppo"].update(updates=1, stepsPerUpdate=2, miniBatchSize=2, microBatchSize=2, maxNewTokens=8)
    path, run = tmp_path / "group-mllama.ptlab.json", tmp_path / "group-mllama"
    path.write_text(json.dumps(data))
    result = ptlab(env, "ppo", "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr[-3000:]
    (train,) = [r for r in records(run) if r["kind"] == "train"]
    generations = sum(len(e["turns"]) for e in records(run, "episodes.jsonl") if e["split"] == "train")  # every wave's episodes end within the update
    per_image = visual_tokens_per_image(SimpleNamespace(config=AutoConfig.from_pretrained(name)))
    assert per_image > 0 and generations > 2
    assert train["compute"]["visualInferenceTokens"] == generations * per_image  # one card image in each prompt
    assert train["compute"]["visualTrainTokens"] in (per_image, 2 * per_image)  # the 2 trained transitions' images (one, where they share a row), each per_image tokens


def test_a_compiled_vision_update_gives_the_eager_one(tmp_path, env):
    """model.compile on an image-text-to-text model: the training passes torch.compile'd with
    pixel inputs and the image placeholder's logit masked (PolicyAndValue's placeholder index,
    made at its first use inside the compiled pass): the eager update's losses and weights."""
    runs = {}
    for compiled in (False, True):
        data = json.loads(config(tmp_path, f"compile-{compiled}", evaluate=False).read_text())
        data["ppo"].update(updates=1, stepsPerUpdate=8)
        data["model"]["compile"] = compiled
        path, runs[compiled] = tmp_path / f"compile-{compiled}.ptlab.json", tmp_path / f"compile-{compiled}"
        path.write_text(json.dumps(data))
        inductor = tmp_path / f"inductor-{compiled}"  # its own cache: the compile runs
        result = ptlab({**env, "TORCHINDUCTOR_CACHE_DIR": str(inductor)}, "ppo", "--config", str(path), "--run-dir", str(runs[compiled]))
        assert result.returncode == 0, result.stderr[-3000:]
        assert any(inductor.rglob("*.py")) == compiled
    (eager,), (got,) = ([r for r in records(runs[c]) if r["kind"] == "train"] for c in (False, True))
    assert got["metrics"]["rollout/reward_mean"] == eager["metrics"]["rollout/reward_mean"]  # the same rollout
    for key in ("ppo/policy_loss", "ppo/value_loss", "ppo/approx_kl", "ppo/entropy"):
        assert got["metrics"][key] == pytest.approx(eager["metrics"][key], rel=1e-4, abs=1e-5), key  # a loss near 0: float rounding in absolute terms
    # the compiled pass's log-probs are the sampler's (per token) and the eager scorer's (per answer)
    assert got["metrics"]["mismatch/logprob_abs_max"] < 1e-5 and got["metrics"]["ppo/first_step_logprob_gap"] < 1e-4
    from safetensors.torch import load_file

    expected, trained = (load_file(str(runs[c] / "checkpoints" / "final" / "model.safetensors")) for c in (False, True))
    assert set(trained) == set(expected)
    for name, tensor in expected.items():
        torch.testing.assert_close(trained[name], tensor, atol=1e-5, rtol=1e-4)


def test_virl_vision_trains_and_evaluates_on_street_view_grids(tmp_path, env):
    data = json.loads(config(tmp_path, "virl", steps=2, save_every=100).read_text())
    data["environment"] = {"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 8}}, "actionSpace": "absolute", "modality": "vision", "verifier": "strict", "maxVerify": 1}
    data["evaluation"]["splits"] = [{"name": "id", "kind": "id", "episodes": 1}]
    data["sft"]["data"]["examples"] = 16
    data["model"]["maxLength"] = 2048
    path = tmp_path / "virl-vl.ptlab.json"
    path.write_text(json.dumps(data))
    run = tmp_path / "virl"
    result = ptlab(env, "sft", "--config", str(path), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    assert [r["step"] for r in records(run) if r["kind"] == "train"] == [1, 2]
    evals = [r for r in records(run) if r["kind"] == "eval"]
    assert evals and all("perStepAccuracy" in r and "recognition" not in r for r in evals)
    result = ptlab(env, "ppo", "--config", str(path), "--run-dir", str(tmp_path / "virl-ppo"))
    assert result.returncode == 0, result.stderr


def test_visual_tokens_in_compute(ptlab_cache, monkeypatch):
    """LLaVA (tiny-vlm) expands <image> into its 64 patch tokens in input_ids, counted as text
    is: nothing to add. Mllama keeps one <|image|> token and cross-attends to the vision
    encoder's (image_size / patch_size)^2 patches (1,600 for Llama-3.2-Vision): added apart,
    into GFLOPs."""
    from types import SimpleNamespace

    from PIL import Image
    from transformers import MllamaConfig

    from ptlab import chat
    from ptlab.config import Model
    from ptlab.models import TINY_VISION, load, visual_tokens_per_image
    from ptlab.ppo import compute

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    model, processor = load(Model(name="embedded:tiny-vlm", kind="image-text-to-text", dtype="fp32"), "cpu")
    image = Image.new("RGB", (300, 200), (10, 20, 30))
    with_image = chat.encode(processor, [chat.user_message("hello", image)], [image], generation_prompt=True)["input_ids"]
    text_only = chat.encode(processor, [chat.user_message("hello", None)], [], generation_prompt=True)["input_ids"]
    assert len(with_image) - len(text_only) == (TINY_VISION["image_size"] // TINY_VISION["patch_size"]) ** 2  # 64, in input_ids
    assert visual_tokens_per_image(model) == 0
    llama_vision = MllamaConfig(vision_config={"image_size": 560, "patch_size": 14}, text_config={"num_hidden_layers": 1, "hidden_size": 16, "intermediate_size": 32, "num_attention_heads": 2, "num_key_value_heads": 2, "cross_attention_layers": [0]})
    assert visual_tokens_per_image(SimpleNamespace(config=llama_vision)) == 1600
    state = {"compute": {"initTokens": 0}, "trainTokens": 100, "inferenceTokens": 50, "visualTrainTokens": 1600 * 4, "visualInferenceTokens": 1600}
    record = compute(state, 10, 5.1)
    assert record["gflops"] == pytest.approx((6 * 10 * (100 + 6400) + 2 * 10 * (50 + 1600)) / 1e9)
    assert (record["visualTrainTokens"], record["visualInferenceTokens"]) == (6400, 1600)
