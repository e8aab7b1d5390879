"""The memory planner (`ptlab plan`): its model states are the bytes a real step keeps, its
fake-tensor measurements are what a real run of the same step allocates, and the command
says what it planned and what it could not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from ptlab import plan
from ptlab.cli import main
from ptlab.config import experiment_from_dict, load_experiment
from ptlab.models import load_tokenizer, resolve_model_path

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "examples" / "tiny.ptlab.json"


@pytest.fixture(autouse=True)
def _cache(ptlab_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))


def _tiny() -> tuple:
    experiment = load_experiment(TINY)
    return experiment, plan.model_config(experiment, None), load_tokenizer(resolve_model_path(experiment.model.name))


def _bytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors)


def test_model_states_are_the_bytes_a_real_training_step_keeps() -> None:
    """One real SFT step (the trainer's AdamW) keeps exactly the weights, gradients and
    optimizer state the planner counts for a single process."""
    experiment, config, encoder = _tiny()
    with plan._tensors(fake=False):
        model = plan.fake_model(experiment, config)
    counts = plan.counts_of(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model(input_ids=torch.tensor([[1, 2, 3, 4]]), labels=torch.tensor([[1, 2, 3, 4]])).loss.backward()
    optimizer.step()
    kept = {
        "weights": _bytes(model.parameters()),
        "gradients": _bytes(p.grad for p in model.parameters()),
        "optimizer": _bytes(v for state in optimizer.state.values() for v in state.values() if v.dim() > 0),
    }
    assert plan.state_bytes(counts, experiment.model.dtype, "ddp", 1) == kept
    assert counts.parameters == sum(p.numel() for p in model.parameters()) and counts.largest_layer > 0


@pytest.mark.parametrize("dtype", ["fp32", "bf16"])
@pytest.mark.parametrize("implementation", ["fused", "foreach"])
def test_the_optimizer_step_holds_the_gradients_and_temporaries_planned(dtype: str, implementation: str) -> None:
    """The trainer's own optimizer (fp32 copies of bf16 weights, each Adam kernel) stepping a
    model: the most gradient and temporary storage alive at once, its gradients made in the
    count as backward makes them, against step_bytes. (The for-loop kernel's temporaries, freed
    one at a time, are freed later than this count sees: planned from torch's source.)"""
    from ptlab import optimizers
    from ptlab.config import Adam

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Embedding(300, 64), torch.nn.Linear(64, 256), torch.nn.Linear(256, 64)).to(getattr(torch, {"fp32": "float32", "bf16": "bfloat16"}[dtype]))
    params = list(model.parameters())
    optimizer = optimizers.adam(torch.optim.AdamW, params, 1e-3, Adam(implementation=implementation), "sft.adam.implementation", ValueError)
    for p in params:
        p.grad = torch.randn_like(p)
    optimizer.step()  # Adam's state made
    optimizer.zero_grad()
    states = [v for state in optimizer.state.values() for v in state.values()]
    tracker = plan._PeakBytes([*params, *states, *getattr(optimizer, "copies", [])])
    with tracker.mode:
        for p in params:
            p.grad = torch.randn_like(p)
        optimizer.step()
    counts = plan.counts_of(model)
    assert counts.largest_trained == 300 * 64  # the embedding
    planned = sum(plan.step_bytes(counts, dtype, "ddp", 1, implementation).values())
    if dtype == "fp32":
        assert tracker.peak == planned
    else:  # the bf16 gradient read last but one is alive beside its fp32 one: one of the largest bounds it
        assert planned - 2 * counts.largest_trained <= tracker.peak <= planned


def test_the_optimizer_step_of_sharded_states_is_planned_per_shard() -> None:
    counts = plan.Counts(parameters=1_000_000, trained=800_000, largest_layer=50_000, largest_trained=100_000)
    assert plan.step_bytes(counts, "bf16", "ddp", 8, "fused") == {"gradients": 3_200_000 + 200_000, "optimizer temporaries": 0}  # fp32 copies' gradients
    assert plan.step_bytes(counts, "fp32", "fsdp", 8, "foreach") == {"gradients": 400_000, "optimizer temporaries": 400_000}
    zero2 = plan.step_bytes(counts, "bf16", "deepspeed-zero2", 8, "for-loop")
    assert zero2 == {"gradients": 200_000 + 400_000, "optimizer temporaries": 800_000}  # the bf16 partition and its fp32 copy; one flat tensor
    assert plan.step_bytes(counts, "fp32", "ddp", 1, "for-loop")["optimizer temporaries"] == 3 * 4 * 100_000
    assert plan.step_bytes(counts, "bf16", "deepspeed-zero3", 8, "fused")["gradients"] == 600_000


def test_sharded_states_divide_what_each_strategy_shards() -> None:
    counts = plan.Counts(parameters=1_000_000, trained=1_000_000, largest_layer=50_000)
    ddp = plan.state_bytes(counts, "bf16", "ddp", 8)
    assert ddp == {"weights": 2_000_000, "gradients": 2_000_000, "optimizer": 12_000_000}  # fp32 copies of the weights and fp32 moments
    assert plan.state_bytes(counts, "fp32", "ddp", 8)["optimizer"] == 8_000_000
    fp32 = plan.state_bytes(counts, "fp32", "ddp", 8)
    assert plan.state_bytes(counts, "fp32", "fsdp", 8) == {k: v // 8 for k, v in fp32.items()}
    zero2 = plan.state_bytes(counts, "bf16", "deepspeed-zero2", 8)
    assert zero2 == {"weights": 2_000_000, "gradients": 250_000, "optimizer": 1_500_000}  # fp32 master + 2 moments: 12 bytes / 8
    zero3 = plan.state_bytes(counts, "bf16", "deepspeed-zero3", 8)
    assert zero3 == {"weights": 250_000, "gradients": 250_000, "optimizer": 1_500_000}
    assert plan.gathered_bytes(counts, "bf16", "deepspeed-zero3", 8) == 2 * 50_000 * 2
    assert plan.gathered_bytes(counts, "bf16", "deepspeed-zero2", 8) == 0
    lora = plan.Counts(parameters=1_000_000, trained=10_000, largest_layer=50_000)
    assert plan.state_bytes(lora, "bf16", "ddp", 1) == {"weights": 2_000_000, "gradients": 20_000, "optimizer": 120_000}


@pytest.mark.parametrize("job,checkpointing,packing,padding_free,head_chunk,attention", [("sft", False, False, False, 0, "auto"), ("ppo", False, False, False, 0, "auto"), ("sft", True, False, False, 0, "auto"), ("ppo", True, False, False, 0, "auto"), ("sft", True, True, False, 0, "auto"), ("sft", False, False, True, 0, "auto"), ("ppo", False, False, True, 0, "auto"), ("ppo", False, False, False, 16, "auto"), ("ppo", True, False, True, 16, "auto"), ("sft", False, True, True, 0, "varlen"), ("ppo", False, False, True, 0, "varlen"), ("sft", {"everyNLayers": 2}, False, False, 0, "auto"), ("ppo", {"everyNLayers": 2}, False, False, 0, "auto")])
def test_a_training_step_on_fake_tensors_allocates_what_the_real_step_does(job: str, checkpointing: bool | dict, packing: bool, padding_free: bool, head_chunk: int, attention: str) -> None:
    """The check at a small size: the trainer's own SFT loss and PPO scoring pass, forward and
    backward, on fake tensors and then for real (random weights) on the same inputs: the
    same peak, to the byte, with gradient checkpointing (where transformers, unable to read
    fake position ids, would build a full attention mask a real run skips), packed rows, a
    padding-free micro-batch (one row), the LM head in chunks (ppo.headChunk) and varlen
    attention."""
    raw = json.loads(TINY.read_text())
    raw["model"].update(gradientCheckpointing=checkpointing, attention=attention)
    raw["sft"].update(packing=packing, paddingFree=padding_free)
    raw["ppo"].update(paddingFree=padding_free, headChunk=head_chunk)
    experiment = experiment_from_dict(raw, TINY)
    config, encoder = plan.model_config(experiment, None), load_tokenizer(resolve_model_path(experiment.model.name))
    fake = plan.measure_training_step(experiment, config, encoder, job, fake=True)
    real = plan.measure_training_step(experiment, config, encoder, job, fake=False)
    assert fake == real
    peak, rows, tokens, _ = fake
    assert rows == (1 if padding_free else experiment.sft.microBatchSize if job == "sft" else experiment.ppo.microBatchSize)
    assert peak > rows * tokens * config.hidden_size * 4  # at least one fp32 hidden state per token


@pytest.mark.parametrize("job", ["sft", "ppo"])
def test_checkpointing_every_other_layer_is_planned_between_none_and_every_layer(job: str) -> None:
    """model.gradientCheckpointing {"everyNLayers": 2}: the layers left unchecked keep their
    activations, so the step's peak lies strictly between no checkpointing and all of it."""
    raw = json.loads(TINY.read_text())
    peaks = []
    for checkpointing in (False, {"everyNLayers": 2}, True):
        raw["model"]["gradientCheckpointing"] = checkpointing
        experiment = experiment_from_dict(raw, TINY)
        config, encoder = plan.model_config(experiment, None), load_tokenizer(resolve_model_path(experiment.model.name))
        peaks.append(plan.measure_training_step(experiment, config, encoder, job, fake=True)[0])
    assert peaks[0] > peaks[1] > peaks[2], peaks


@pytest.mark.parametrize("job", ["sft", "ppo"])
def test_a_padding_free_row_is_planned_lighter_under_varlen_than_through_sdpa_s_dense_mask(job: str) -> None:
    """varlen attends each sequence of the row alone: no (row x row) mask or scores."""
    raw = json.loads(TINY.read_text())
    raw["sft"]["paddingFree"] = raw["ppo"]["paddingFree"] = True
    peaks = {}
    for attention in ("auto", "varlen"):
        raw["model"]["attention"] = attention
        experiment = experiment_from_dict(raw, TINY)
        config, encoder = plan.model_config(experiment, None), load_tokenizer(resolve_model_path(experiment.model.name))
        peaks[attention], rows, tokens, _ = plan.measure_training_step(experiment, config, encoder, job)
    assert rows == 1 and peaks["varlen"] < peaks["auto"] - tokens * tokens  # at least the row's bool mask fewer bytes


def test_a_chunked_head_is_planned_without_the_logits_of_the_whole_pass() -> None:
    """ppo.headChunk in the plan of a large vocabulary (Llama 3's 128,256 tokens on the tiny
    model's layers): the update's activations drop by more than the (positions x
    vocabulary) fp32 logits the whole pass keeps for backward."""
    raw = json.loads(TINY.read_text())
    experiment = experiment_from_dict(raw, TINY)
    config, encoder = plan.model_config(experiment, None), load_tokenizer(resolve_model_path(experiment.model.name))
    config.vocab_size = 128_256
    peaks = {}
    for chunk in (0, 64):
        raw["ppo"]["headChunk"] = chunk
        peaks[chunk], rows, _, _ = plan.measure_training_step(experiment_from_dict(raw, TINY), config, encoder, "ppo", fake=True)
    logits = rows * experiment.ppo.maxNewTokens * 128_256 * 4
    assert peaks[0] - peaks[64] > logits, (peaks, logits)
    note = plan.whole_logits_note(experiment.ppo, 128_256, "ddp")
    assert f"{rows} x {experiment.ppo.maxNewTokens} response tokens x 128,256 vocabulary" in note and "ppo.headChunk keeps none" in note
    assert "refuses it" in plan.whole_logits_note(experiment.ppo, 128_256, "fsdp") and "refuses" not in plan.whole_logits_note(experiment.ppo, 128_256, "deepspeed-zero3")


def test_generation_on_fake_tensors_bounds_the_real_prefill_closely() -> None:
    """No-grad prefill with the KV cache kept. transformers cannot read a fake attention mask,
    so it builds the 4D mask a padded batch needs, which a real batch of equal rows skips:
    the fake peak may only exceed the real one, and by little."""
    experiment, config, encoder = _tiny()
    fake, tokens = plan.measure_generation(experiment, config, encoder, 8, 32, fake=True)
    real, same_tokens = plan.measure_generation(experiment, config, encoder, 8, 32, fake=False)
    assert tokens == same_tokens
    assert real < fake <= 1.2 * real
    text = config.get_text_config()
    cache = 8 * tokens * text.num_hidden_layers * 2 * text.num_key_value_heads * (text.hidden_size // text.num_attention_heads) * 4
    assert fake > cache  # the cache at its longest is part of it


def test_the_longest_episode_runs_every_attempt_to_the_token_limit() -> None:
    experiment, _, encoder = _tiny()
    prompts = plan.longest_episode(experiment, encoder, 16)
    assert len(prompts) == experiment.environment["maxVerify"]
    lengths = [len(ids) for ids, _, _ in prompts]
    assert all(b >= a + 16 for a, b in zip(lengths, lengths[1:]))  # each attempt's answer and feedback join the chat


def test_plan_command_prints_the_stages_and_whether_the_peak_fits(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(TINY), "--json", "--gpu-memory", "0.25"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in result["stages"]] == ["ppo/rollout", "ppo/update", "ppo/optimizer step", "evaluation"]
    step = result["stages"][2]
    assert step["rows"] == 0 and "activations" not in step["parts"] and step["parts"]["gradients"] == result["counts"]["trained"] * 4
    update = result["stages"][1]
    assert update["parts"]["weights"] == result["counts"]["parameters"] * 4  # fp32
    assert sum("ppo.headChunk keeps none" in note for note in result["notes"]) == 1
    assert update["total"] == sum(update["parts"].values())
    assert result["peak"] == "ppo/update" and result["fits"] is False
    assert main(["plan", str(TINY), "--job", "sft"]) == 0
    out = capsys.readouterr().out
    assert "sft/step" in out and "sft/optimizer step:" in out and "fits in 80 GiB" in out


def test_plan_of_a_model_not_on_this_machine_says_what_to_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = json.loads(TINY.read_text())
    config["model"]["name"] = str(tmp_path / "absent-model")
    path = tmp_path / "absent.ptlab.json"
    path.write_text(json.dumps(config))
    assert main(["plan", str(path)]) == 2
    assert "--model-config" in capsys.readouterr().err


@pytest.mark.parametrize("given,says", [("absent/config.json", "no such file"), ("model.json", "not a transformers model config"), ("", "a folder without a config.json")])
def test_a_model_config_that_is_not_one_is_named_with_what_to_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, says: str) -> None:
    (tmp_path / "model.json").write_text('{"hidden_size": 16}')  # no model_type
    path = tmp_path / given
    assert main(["plan", str(TINY), "--model-config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"ptlab plan: --model-config {path}: {says}" in err and "config.json" in err and "Traceback" not in err


@pytest.mark.parametrize("given,says", [("absent", "no such folder"), ("empty", "not a tokenizer or processor folder")])
def test_a_tokenizer_that_is_not_one_is_named_with_what_to_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, says: str) -> None:
    """--tokenizer's own path is at fault, not the model's tokenizer (which the message blamed,
    or a folder without one raised transformers' ValueError)."""
    (tmp_path / "empty").mkdir()
    path = tmp_path / given
    assert main(["plan", str(TINY), "--tokenizer", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"ptlab plan: --tokenizer {path}: {says}") and "pass the folder of the model's tokenizer or processor files" in err and "Traceback" not in err


def test_a_model_config_folder_is_read_by_its_config_json(tmp_path: Path) -> None:
    """--model-config takes the model's folder as well as its config.json, as transformers does."""
    from ptlab.models import embedded_path

    (tmp_path / "config.json").write_text((Path(embedded_path("embedded:tiny-lm")) / "config.json").read_text())
    assert type(plan.given_config(tmp_path)) is type(plan.given_config(tmp_path / "config.json"))
    assert plan.given_config(tmp_path).to_dict() == plan.given_config(tmp_path / "config.json").to_dict()


@pytest.mark.parametrize("given", ["nan", "inf", "-5", "0", "lots"])
def test_gpu_memory_must_be_a_size_above_zero(capsys: pytest.CaptureFixture[str], given: str) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["plan", str(TINY), f"--gpu-memory={given}"])
    assert raised.value.code == 2
    assert f"argument --gpu-memory: '{given}' is not a memory size: give the GiB of one GPU, a number above 0" in capsys.readouterr().err


def test_the_evaluation_is_planned_at_the_longest_of_its_splits_episodes() -> None:
    """A split whose overrides raise maxVerify plays longer chats than training: the evaluation
    stage's KV cache is sized at the longest of the splits' episodes, not the training one's."""
    raw = json.loads(TINY.read_text())
    raw["environment"]["maxVerify"] = 1
    raw["evaluation"]["splits"][1]["overrides"]["maxVerify"] = 5
    experiment = experiment_from_dict(raw, TINY)
    (evaluation,) = [s for s in plan.plan(experiment, "sft", 80).stages if s.name == "evaluation"]
    _, _, encoder = _tiny()
    new_tokens = experiment.evaluation.maxNewTokens
    longest = plan.longest_episode(experiment, encoder, new_tokens, experiment.environment_for(experiment.evaluation.splits[1]))
    training = plan.longest_episode(experiment, encoder, new_tokens)
    assert (len(longest), len(training)) == (5, 1)
    assert evaluation.tokens == max(len(ids) for ids, _, _ in longest) + new_tokens > len(training[0][0]) + new_tokens


@pytest.mark.parametrize("job", ["sft", "ppo"])
def test_a_mixed_precision_step_on_fake_tensors_allocates_what_the_real_step_does(job: str) -> None:
    """The trained module's forward as accelerate launches it under bf16 mixed precision
    (autocast, outputs cast back to fp32): fake and real (CPU autocast) allocate the same, and
    less than the fp32 step; so does a generate call."""
    experiment, config, encoder = _tiny()
    mixed = plan.Precision("bf16")
    fake = plan.measure_training_step(experiment, config, encoder, job, fake=True, precision=mixed)
    assert fake == plan.measure_training_step(experiment, config, encoder, job, fake=False, precision=mixed)
    assert fake[0] < plan.measure_training_step(experiment, config, encoder, job, fake=True)[0]
    if job == "ppo":
        assert plan.measure_generation(experiment, config, encoder, 8, 32, precision=mixed)[0] < plan.measure_generation(experiment, config, encoder, 8, 32)[0]


def test_launcher_mixed_precision_is_planned_as_the_launch_computes() -> None:
    """launcher.mixedPrecision "bf16" (the accelerate and Slurm default) plans less activation
    memory than "no", which plans as a local job (no accelerate launch: no autocast); DeepSpeed
    adds no autocast; FSDP gathers its fp32 shards in the mixed precision."""
    raw = json.loads(TINY.read_text())

    def planned(**launcher: object) -> plan.Plan:
        raw["launcher"] = {"kind": "accelerate", "gpus": 1, **launcher}
        return plan.plan(experiment_from_dict(raw, TINY), "ppo", 80)

    def activations(result: plan.Plan) -> int:
        return next(s for s in result.stages if s.name == "ppo/update").parts["activations"]

    mixed, full = planned(mixedPrecision="bf16"), planned(mixedPrecision="no")
    assert activations(mixed) < activations(full) == activations(plan.plan(experiment_from_dict({**raw, "launcher": {"kind": "local"}}, TINY), "ppo", 80))
    assert any("bf16 autocast" in note and "CUDA" in note for note in mixed.notes) and not any("autocast" in note for note in full.notes)
    assert activations(planned(distributed="deepspeed-zero2", mixedPrecision="bf16")) == activations(full)
    for precision, width in (("bf16", 2), ("no", 4)):
        sharded = planned(gpus=4, distributed="fsdp", mixedPrecision=precision)
        assert next(s for s in sharded.stages if s.name == "ppo/update").parts["gathered layers"] == 2 * sharded.counts.largest_layer * width


def test_sharded_launch_plans_a_share_of_the_states_and_gathered_layers() -> None:
    raw = json.loads(TINY.read_text())
    raw["launcher"] = {"kind": "accelerate", "gpus": 4, "distributed": "deepspeed-zero3"}
    experiment = experiment_from_dict(raw, TINY)
    result = plan.plan(experiment, "sft", 80)
    (step,) = [s for s in result.stages if s.name == "sft/step"]
    assert result.processes == 4 and result.strategy == "deepspeed-zero3"
    assert step.parts["weights"] == result.counts.parameters * 4 // 4
    assert step.parts["optimizer"] == 12 * result.counts.trained // 4
    assert step.parts["gathered layers"] == 2 * result.counts.largest_layer * 4


def test_deepspeed_on_one_gpu_keeps_its_fp32_master_state_and_a_local_job_plain_pytorch_s() -> None:
    """accelerate launches DeepSpeed's engine on one GPU too: fp32 master weights and moments
    (12 bytes per trained parameter), not plain Adam's; a local job runs without it."""
    raw = json.loads(TINY.read_text())
    raw["launcher"] = {"kind": "accelerate", "gpus": 1, "distributed": "deepspeed-zero2"}
    result = plan.plan(experiment_from_dict(raw, TINY), "sft", 80)
    (step,) = [s for s in result.stages if s.name == "sft/step"]
    assert result.processes == 1 and result.strategy == "deepspeed-zero2" and step.parts["optimizer"] == 12 * result.counts.trained
    raw["launcher"] = {"kind": "local", "distributed": "deepspeed-zero2"}
    assert plan.plan(experiment_from_dict(raw, TINY), "sft", 80).strategy == "ddp"


def test_cpu_processes_are_planned_as_ddp_replicas() -> None:
    raw = json.loads(TINY.read_text())
    raw["launcher"] = {"kind": "accelerate", "cpuProcesses": 2}
    result = plan.plan(experiment_from_dict(raw, TINY), "sft", 80)
    alone = plan.plan(experiment_from_dict(json.loads(TINY.read_text()), TINY), "sft", 80)
    assert result.processes == 2 and result.strategy == "ddp"
    assert [s.parts["weights"] for s in result.stages] == [s.parts["weights"] for s in alone.stages]


def test_mllama_is_planned_with_its_images_tiles_and_cross_attention() -> None:
    """The paper's family on its replica: vision SFT and PPO steps and generation measured on
    fake tensors bound the real ones (the attention masks as for a padded batch: at these tiny
    sizes they are a large share)."""
    from ptlab import replicas

    raw = json.loads(TINY.read_text())
    raw["environment"]["modality"] = "vision"
    raw["model"] = {"name": str(replicas.replica_path("mllama")), "kind": "image-text-to-text", "dtype": "fp32"}
    raw["sft"]["microBatchSize"] = raw["ppo"]["microBatchSize"] = 2
    raw["ppo"]["maxNewTokens"] = 16
    experiment = experiment_from_dict(raw, TINY)
    config = plan.model_config(experiment, None)
    encoder = load_tokenizer(raw["model"]["name"])
    for job in ("sft", "ppo"):
        fake, rows, tokens, counts = plan.measure_training_step(experiment, config, encoder, job, fake=True)
        real = plan.measure_training_step(experiment, config, encoder, job, fake=False)[0]
        assert rows == 2 and real <= fake <= 1.3 * real, (job, fake, real)  # 1.13 and 1.22 here
    assert counts.largest_layer > 0
    fake, tokens = plan.measure_generation(experiment, config, encoder, 2, 16, fake=True)
    real = plan.measure_generation(experiment, config, encoder, 2, 16, fake=False)[0]
    assert real <= fake <= 1.5 * real  # 1.40 here: the masks are a large share at these sizes


def test_families_whose_forward_reads_input_values_are_refused_with_the_reason() -> None:
    from ptlab import replicas

    raw = json.loads(TINY.read_text())
    raw["environment"]["modality"] = "vision"
    raw["model"] = {"name": str(replicas.replica_path("llava")), "kind": "image-text-to-text", "dtype": "fp32"}
    raw["ppo"]["maxNewTokens"] = 8
    experiment = experiment_from_dict(raw, TINY)
    with pytest.raises(plan.PlanError, match="counts image tokens"):
        plan.measure_generation(experiment, plan.model_config(experiment, None), load_tokenizer(raw["model"]["name"]), 2, 8)


def test_the_peak_counter_agrees_with_torch_memtracker() -> None:
    """Our count of a step's allocations (which, unlike MemTracker, also runs without
    gradients) against torch's MemTracker on the same training step."""
    from torch.distributed._tools.mem_tracker import MemTracker

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 64))
    x = torch.randn(32, 64)

    def step() -> None:
        model(x).square().sum().backward()

    ours = plan._peak_beyond_states(model, step, training=True)
    tracker = MemTracker()
    tracker.track_external(model)
    with tracker:
        step()
    (snapshot,) = tracker.get_tracker_snapshot("peak").values()
    theirs = snapshot["Total"] - sum(v for k, v in snapshot.items() if getattr(k, "name", "") in ("PARAM", "GRAD", "BUFFER"))
    assert ours == theirs > 32 * 256 * 4


def test_the_peak_counter_agrees_with_the_profiler_s_allocations_without_gradients(tmp_path: Path) -> None:
    """bench/plan_check.py's real CPU side is our counter too: on a no-grad step (which
    MemTracker cannot follow) it agrees with the torch profiler's running allocation total."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 64))
    x = torch.randn(128, 64)

    def step() -> None:
        with torch.no_grad():
            model(x).softmax(-1).sum()

    ours = plan._peak_beyond_states(model, step, training=False)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], profile_memory=True) as profiler:
        step()
    profiler.export_chrome_trace(str(tmp_path / "trace.json"))
    events = [e["args"] for e in json.loads((tmp_path / "trace.json").read_text())["traceEvents"] if e.get("name") == "[memory]"]
    before = events[0]["Total Allocated"] - events[0]["Bytes"]
    assert ours == max(e["Total Allocated"] for e in events) - before > 128 * 512 * 4


def test_a_lora_config_is_refused_with_what_to_plan_instead() -> None:
    raw = json.loads(TINY.read_text())
    raw["model"]["lora"] = {"r": 8}
    experiment = experiment_from_dict(raw, TINY)
    with pytest.raises(plan.PlanError, match="without the lora section"):
        plan.plan(experiment, "ppo", 80)


def test_a_paged_kv_cache_is_planned_as_the_session_its_generate_call_opens() -> None:
    """model.kvCache "paged": the rollout's stage is transformers' footprint of the session
    (PagedAttentionMemoryHandler), sized as generation.paged_cache_sizes sizes a real one: the
    real session opened for the same rows allocates a cache that holds every row at its
    longest, and no more than the plan's whole footprint."""
    from ptlab import generation
    from ptlab.models import load_causal_lm

    raw = json.loads(TINY.read_text())
    raw["model"]["kvCache"] = "paged"
    experiment = experiment_from_dict(raw, TINY)
    (rollout,) = [s for s in plan.plan(experiment, "ppo", 80).stages if s.name == "ppo/rollout"]
    footprint = rollout.parts["paged session"]
    assert "kv cache and prefill" not in rollout.parts
    rows = min(experiment.model.generateBatch, experiment.ppo.parallelEnvs)
    assert rollout.rows == rows
    _, config, encoder = _tiny()
    prompt, _, _ = max(plan.longest_episode(experiment, encoder, experiment.ppo.maxNewTokens), key=lambda p: len(p[0]))
    assert rollout.tokens == len(prompt) + experiment.ppo.maxNewTokens
    model = load_causal_lm(experiment.model.name, "fp32")
    eos = encoder.eos_token_id
    settings = generation._paged_generation_config(model, {}, [eos], encoder.pad_token_id, experiment.ppo.maxNewTokens)
    session = generation._PagedSession(model, settings, True, [prompt] * rows, experiment.ppo.maxNewTokens, rows)
    try:
        session.run([prompt[:8]], 1)
        cache_bytes = session.manager.batch_processor.cache.cache_tensor.numel()
    finally:
        session.close()
    text = config.get_text_config()
    per_token = 2 * text.num_hidden_layers * text.num_key_value_heads * (text.hidden_size // text.num_attention_heads) * 4
    assert rows * rollout.tokens * per_token <= cache_bytes <= footprint
    more = json.loads(json.dumps(raw))
    more["model"]["generateBatch"] = more["ppo"]["parallelEnvs"] = 2 * rows
    (bigger,) = [s for s in plan.plan(experiment_from_dict(more, TINY), "ppo", 80).stages if s.name == "ppo/rollout"]
    assert bigger.parts["paged session"] > footprint
