"""The config dataclasses mirror the JSON Schema: same fields, same defaults."""

import dataclasses
import json

import pytest

from ptlab import config as cfg
from ptlab.contracts import ContractViolation, errors, schemas_dir
from ptlab.envs.generalpoints import EnvConfigError, GeneralPointsConfig
from ptlab.envs.virl import VirlConfig

SCHEMA = json.loads((schemas_dir() / "experiment.schema.json").read_text())
DEFS = SCHEMA["$defs"]
EXAMPLES = sorted((schemas_dir().parent / "examples").glob("*.ptlab.json")) + sorted((schemas_dir().parent / "examples" / "paper").glob("*/*.ptlab.json"))

MIRRORS = [
    (cfg.Model, DEFS["model"]),
    (cfg.Lora, DEFS["model"]["properties"]["lora"]),
    (cfg.Adam, DEFS["adam"]),
    (cfg.PpoAdam, DEFS["ppoAdam"]),
    (cfg.Sft, DEFS["sft"]),
    (cfg.SftData, DEFS["sft"]["properties"]["data"]),
    (cfg.Ppo, DEFS["ppo"]),
    (cfg.ValueHead, DEFS["ppo"]["properties"]["valueHead"]),
    (cfg.Evaluation, DEFS["evaluation"]),
    (cfg.Split, DEFS["split"]),
    (cfg.Launcher, DEFS["launcher"]),
    (cfg.Slurm, DEFS["launcher"]["properties"]["slurm"]),
    (cfg.Experiment, SCHEMA),
    (cfg.Logging, DEFS["logging"]),
    (cfg.Alerts, DEFS["alerts"]),
    (cfg.RewardCollapse, DEFS["alerts"]["properties"]["rewardCollapse"]),
    (cfg.EntropyCollapse, DEFS["alerts"]["properties"]["entropyCollapse"]),
    (cfg.KlSpike, DEFS["alerts"]["properties"]["klSpike"]),
    (cfg.AlertToggle, DEFS["alerts"]["properties"]["nonFinite"]),
    (cfg.AlertToggle, DEFS["alerts"]["properties"]["stalledHeartbeat"]),
    (cfg.StalledProgress, DEFS["alerts"]["properties"]["stalledProgress"]),
    (GeneralPointsConfig, DEFS["generalPoints"]),
    (VirlConfig, DEFS["virl"]),
]


def _schema_name(name: str) -> str:
    return "lambda" if name == "lambda_" else name


@pytest.mark.parametrize("cls,schema", MIRRORS, ids=lambda x: getattr(x, "__name__", ""))
def test_fields_and_defaults_mirror_the_schema(cls, schema):
    props = {k: v for k, v in schema["properties"].items() if k not in ("$schema", "env")}
    names = {_schema_name(f.name) for f in dataclasses.fields(cls) if not (cls is cfg.Experiment and f.name == "source")}  # the config file's path
    assert names == set(props)
    for f in dataclasses.fields(cls):
        spec = props.get(_schema_name(f.name), {})
        if "default" not in spec:
            continue
        if f.default is not dataclasses.MISSING:
            value = f.default
        elif f.default_factory is not dataclasses.MISSING:
            value = f.default_factory()
        else:
            raise AssertionError(f"{cls.__name__}.{f.name} has a schema default but none here")
        expected = spec["default"]
        if isinstance(value, tuple):
            value = list(value)
        if dataclasses.is_dataclass(value):
            continue
        assert value == expected, f"{cls.__name__}.{f.name}: {value!r} != schema default {expected!r}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_load_and_round_trip(path):
    experiment = cfg.load_experiment(path)
    snapshot = experiment.to_dict()
    assert errors("experiment.schema.json", snapshot) == []
    assert cfg.experiment_from_dict(snapshot, experiment.source) == experiment
    for split in experiment.evaluation.splits if experiment.evaluation else []:  # the pretraining recipe evaluates nothing
        experiment.environment_for(split)


def test_each_section_s_adam_defaults_to_the_reference_s():
    """The reference's SFT sets AdamW's betas (0.9, 0.98); its PPO builds torch.optim.Adam with
    torch's default betas (0.9, 0.999) (rl/trainer/llama_trainer.py), which the spec keeps as
    PPO's default."""
    experiment = cfg.experiment_from_dict({"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "embedded:tiny-lm"}})
    assert experiment.sft.adam.betas == (0.9, 0.98)
    assert experiment.ppo.adam.betas == (0.9, 0.999)
    assert DEFS["ppoAdam"]["properties"]["betas"]["default"] == [0.9, 0.999]
    partial = cfg.experiment_from_dict({"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "embedded:tiny-lm"}, "ppo": {"adam": {"eps": 1e-8}}})
    assert partial.ppo.adam.betas == (0.9, 0.999)


def test_split_overrides_the_training_environment():
    experiment = cfg.load_experiment(schemas_dir().parent / "examples" / "gp-l.ptlab.json")
    ood = next(s for s in experiment.evaluation.splits if s.kind == "rule-ood")
    env = experiment.environment_for(ood)
    assert (env.faceCards, env.sampling, env.verifier) == ("11-12-13", "at-least-one-face", "reference")
    assert experiment.environment_for().faceCards == "all-10"


def test_invalid_config_names_file_and_field(tmp_path):
    bad = tmp_path / "bad.ptlab.json"
    bad.write_text(json.dumps({"name": "x", "environment": {"env": "generalpoints", "faceCards": "all-11"}, "model": {"name": "m"}}))
    with pytest.raises(ContractViolation, match=r"bad\.ptlab\.json: /environment/faceCards"):
        cfg.load_experiment(bad)


@pytest.mark.parametrize(("model", "launcher", "message"), [
    ({"kind": "image-text-to-text"}, {}, 'kvCache "paged" (continuous batching) takes text prompts only'),
    ({}, {"kind": "accelerate", "gpus": 2, "distributed": "deepspeed-zero3"}, 'kvCache "paged" decodes with whole weights on each process, not ZeRO-3 shards'),
    ({"attention": "varlen"}, {}, 'kvCache "paged": transformers\' continuous batching runs under attention "sdpa", "eager" or flash-attention, not "varlen"'),
])
def test_a_paged_kv_cache_with_images_zero3_or_varlen_attention_is_refused_naming_the_field(tmp_path, model, launcher, message):
    path = tmp_path / "x.ptlab.json"
    data = {"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m", "kvCache": "paged", **model}, "launcher": launcher}
    path.write_text(json.dumps(data))
    with pytest.raises(ContractViolation) as refused:
        cfg.load_experiment(path)
    assert f"{path}: /model/kvCache: {message}" in str(refused.value)
    data["model"]["kvCache"] = "dynamic"
    path.write_text(json.dumps(data))
    cfg.load_experiment(path)


@pytest.mark.parametrize(("model", "launcher", "message"), [
    ({}, {"kind": "accelerate", "cpuProcesses": 2}, "ligerKernel: Liger's kernels run on CUDA GPUs and cpuProcesses runs on the CPUs"),
    ({"kind": "image-text-to-text"}, {}, "ligerKernel: text models only: liger-kernel 0.8.5's patches for image-text-to-text classes"),
    ({}, {"kind": "accelerate", "gpus": 2, "distributed": "deepspeed-zero3"}, "ligerKernel: its fused cross-entropy reads the LM head's weight whole, which ZeRO-3 shards"),
])
def test_liger_kernels_on_cpus_with_images_or_under_zero3_are_refused_naming_the_field(tmp_path, model, launcher, message):
    path = tmp_path / "x.ptlab.json"
    data = {"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m", "ligerKernel": True, **model}, "launcher": launcher}
    path.write_text(json.dumps(data))
    with pytest.raises(ContractViolation) as refused:
        cfg.load_experiment(path)
    assert f"{path}: /model/ligerKernel: {message}" in str(refused.value)
    data["model"]["ligerKernel"] = False
    path.write_text(json.dumps(data))
    assert cfg.load_experiment(path).model.ligerKernel is False
    data["model"] = {"name": "m", "ligerKernel": True, "dtype": "fp32"}
    data["launcher"] = {"kind": "accelerate", "gpus": 2, "distributed": "fsdp"}
    path.write_text(json.dumps(data))
    assert cfg.load_experiment(path).model.ligerKernel is True


@pytest.mark.parametrize(("section", "field"), [("sft", "packing"), ("sft", "paddingFree"), ("ppo", "paddingFree"), ("ppo", "sharedPrefixes")])
def test_rows_laid_end_to_end_with_vision_observations_are_refused_naming_the_field(tmp_path, section, field):
    """Refused as the config loads, not after the model and a rollout (a row's image inputs are
    per sequence); the corpus's SFT examples are text."""
    path = tmp_path / "x.ptlab.json"
    data = {"name": "x", "environment": {"env": "generalpoints", "modality": "vision"}, "model": {"name": "m", "kind": "image-text-to-text"}, section: {field: True}}
    path.write_text(json.dumps(data))
    with pytest.raises(ContractViolation) as refused:
        cfg.load_experiment(path)
    assert f'{path}: /{section}/{field}: {field}: image inputs are per sequence and this environment\'s observations are images (environment.modality "vision"): set it to false' in str(refused.value)
    for environment, options in (({"env": "generalpoints"}, {field: True}), ({"env": "generalpoints", "modality": "vision"}, {field: False})):
        path.write_text(json.dumps({**data, "environment": environment, section: options}))
        cfg.load_experiment(path)
    if section == "sft":
        path.write_text(json.dumps({**data, "environment": {"env": "generalpoints", "modality": "vision"}, "sft": {field: True, "data": {"source": "pretraining-corpus"}}}))
        cfg.load_experiment(path)


def test_a_chunked_head_under_fsdp_is_refused_naming_the_field(tmp_path):
    path = tmp_path / "x.ptlab.json"
    data = {"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m", "dtype": "fp32"}, "ppo": {"headChunk": 256}, "launcher": {"kind": "accelerate", "gpus": 2, "distributed": "fsdp"}}
    path.write_text(json.dumps(data))
    with pytest.raises(ContractViolation) as refused:
        cfg.load_experiment(path)
    assert f"{path}: /ppo/headChunk: headChunk: not checked under FSDP (GPUs only; the tests run local, DDP and DeepSpeed launches)" in str(refused.value)
    for ppo, distributed in (({"headChunk": 0}, "fsdp"), ({"headChunk": 256}, "deepspeed-zero2"), ({"headChunk": 256}, "deepspeed-zero3")):
        path.write_text(json.dumps({**data, "ppo": ppo, "launcher": {**data["launcher"], "distributed": distributed}}))
        assert cfg.load_experiment(path).ppo.headChunk == ppo["headChunk"]


def test_low_precision_trained_weights_under_fsdp_are_refused_naming_the_field(tmp_path):
    """FSDP steps its shards in their own dtype (elsewhere bf16 weights step through fp32
    copies): bf16, fp16 and "auto" (bf16 on a GPU) are refused as the config loads, before a
    model does, with LoRA too (FSDP flattens each layer's weights with its fp32 adapters, one
    dtype per flat parameter); fp32 is not, nor other launches."""
    path = tmp_path / "x.ptlab.json"
    data = {"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m"}, "launcher": {"kind": "accelerate", "gpus": 2, "distributed": "fsdp"}}
    for model in ({"name": "m"}, {"name": "m", "dtype": "bf16"}, {"name": "m", "dtype": "fp16"}, {"name": "m", "lora": {"r": 4}}, {"name": "m", "dtype": "bf16", "lora": {"r": 4}}):
        path.write_text(json.dumps({**data, "model": model}))
        with pytest.raises(ContractViolation) as refused:
            cfg.load_experiment(path)
        assert f'{path}: /model/dtype: dtype: FSDP steps its weight shards in their own dtype, and in bf16 an Adam step (about the learning rate) rounds away for most weights (with model.lora, it cannot flatten bf16 weights with the fp32 adapters at all): set it to "fp32"' in str(refused.value)
    for model, distributed in (({"name": "m", "dtype": "fp32"}, "fsdp"), ({"name": "m", "dtype": "fp32", "lora": {"r": 4}}, "fsdp"), ({"name": "m", "lora": {"r": 4}}, "ddp"), ({"name": "m"}, "deepspeed-zero3")):
        path.write_text(json.dumps({**data, "model": model, "launcher": {**data["launcher"], "distributed": distributed}}))
        cfg.load_experiment(path)


REFUSALS = json.loads((schemas_dir() / "fixtures" / "experiment.refusals.json").read_text(encoding="utf-8"))


def _merged(base, patch):
    if not (isinstance(base, dict) and isinstance(patch, dict)):
        return patch
    return {**base, **{key: _merged(base.get(key), value) for key, value in patch.items()}}


@pytest.mark.parametrize("case", REFUSALS["cases"], ids=lambda case: case["name"])
def test_shared_refusals_in_the_editors_words(tmp_path, case):
    """schemas/fixtures/experiment.refusals.json: refused as the config loads (before any job
    starts), naming the file and the field, as the editor reports it (configChecks.test.ts)."""
    path = tmp_path / "x.ptlab.json"
    path.write_text(json.dumps(_merged(REFUSALS["base"], case["config"])))
    if case["refused"] is None:
        cfg.load_experiment(path)
        return
    with pytest.raises(ContractViolation) as refused:
        cfg.load_experiment(path)
    assert str(refused.value) == f"{path}: {case['refused']['pointer']}: {case['refused']['message']}"


def test_a_job_checks_the_refusals_again_under_the_launch_it_runs_in(tmp_path):
    """An `accelerate launch` of the user's own may start FSDP for a config that says DDP."""
    from ptlab import parallel

    path = tmp_path / "x.ptlab.json"
    path.write_text(json.dumps({**REFUSALS["base"], "model": {"name": "embedded:tiny-lm", "compile": True}, "evaluation": {"splits": [{"name": "id", "kind": "id", "episodes": 8}]}}))
    experiment = cfg.load_experiment(path)
    assert parallel.launch(parallel.accelerator()) == cfg.Launch("ddp", 1)
    assert cfg.launch_refused(experiment, cfg.Launch("ddp", 1)) is None
    assert cfg.launch_refused(experiment, cfg.Launch("fsdp", 2)).startswith('/model/compile: compile: torch.compile is applied under local and DDP launches only, not launcher.distributed "fsdp"')
    assert cfg.launch_refused(experiment, cfg.Launch("fsdp", 2), ("/evaluation",)).startswith('/evaluation: evaluation during launcher.distributed "fsdp" training is not supported')


def test_a_ppo_job_checks_its_seeds_again_under_the_processes_it_runs_on(tmp_path):
    """PPO's episode seeds grow with the processes: seed 254351 keeps apart from the evaluation's
    on the config's one process and meets them under an `accelerate launch` of 8. Only PPO's
    range is checked again: the experiment's to_dict has SFT defaults a PPO-only config does not
    train with (SFT's examples of this seed do not depend on the processes)."""
    path = tmp_path / "x.ptlab.json"
    path.write_text(json.dumps({**REFUSALS["base"], "seed": 254351, "ppo": {}, "evaluation": {"splits": [{"name": "id", "kind": "id", "episodes": 256}]}}))
    experiment = cfg.load_experiment(path)
    assert cfg.ppo_seeds_refused(experiment, cfg.Launch("ddp", 1)) is None
    assert cfg.ppo_seeds_refused(experiment, cfg.Launch("ddp", 8)) == (
        "/seed: seed 254351: PPO's episodes take seeds 4294946511..10062, which meet the evaluation's seeds 1234..1489 (evaluation.seed and the largest split's 256 episodes): "
        "evaluation would score episodes trained on; pick another seed (or evaluation.seed)")


def test_a_ppo_job_leaves_sft_defaults_out_of_its_seed_check(tmp_path):
    """Seed 2689721's SFT examples (10000 by default) meet the evaluation's seeds: a PPO-only
    config with it loads, and its PPO job is not refused for the SFT section it does not have."""
    path = tmp_path / "x.ptlab.json"
    path.write_text(json.dumps({**REFUSALS["base"], "seed": 2689721, "ppo": {}, "evaluation": {"splits": [{"name": "id", "kind": "id", "episodes": 256}]}}))
    experiment = cfg.load_experiment(path)
    assert cfg.ppo_seeds_refused(experiment, cfg.Launch("ddp", 8)) is None


def test_a_local_model_name_that_is_a_file_is_refused(tmp_path):
    """A model is loaded from its folder (a relative name is read beside the config only where it
    is a folder): an existing file passed for one is refused as the config loads."""
    (tmp_path / "weights.bin").write_bytes(b"")
    path = tmp_path / "x.ptlab.json"
    path.write_text(json.dumps({**REFUSALS["base"], "model": {"name": "./weights.bin"}}))
    with pytest.raises(ContractViolation) as refused:
        cfg.load_experiment(path)
    assert str(refused.value) == (f"{path}: /model/name: model folder ./weights.bin is not a folder ({tmp_path / 'weights.bin'}); "
                                  "give the model's folder (absolute or relative to the config) or a Hugging Face model id")


def test_schema_integers_written_as_floats_load_as_ints(tmp_path):
    path = tmp_path / "floats.ptlab.json"
    path.write_text("""{"name": "x", "environment": {"env": "generalpoints", "target": 24.0, "maxVerify": 5e0},
      "model": {"name": "m", "gradientCheckpointing": {"everyNLayers": 2.0}},
      "sft": {"data": {"examples": 4000.0}, "maxGradNorm": 1.0},
      "ppo": {"updates": 1e1, "stepsPerUpdate": 256.0, "miniBatchSize": 128.0},
      "evaluation": {"splits": [{"name": "id", "kind": "id", "episodes": 8.0}, {"name": "ood", "kind": "rule-ood", "episodes": 8, "overrides": {"target": 21.0}}]},
      "launcher": {"kind": "accelerate", "gpus": [0.0, 1.0]}}""")
    experiment = cfg.load_experiment(path)
    integers = [experiment.environment["target"], experiment.environment["maxVerify"], experiment.model.gradientCheckpointing.everyNLayers,
                experiment.sft.data.examples, experiment.ppo.updates, experiment.ppo.stepsPerUpdate, experiment.ppo.miniBatchSize,
                experiment.evaluation.splits[0].episodes, experiment.evaluation.splits[1].overrides["target"], *experiment.launcher.gpus]
    assert integers == [24, 5, 2, 4000, 10, 256, 128, 8, 21, 0, 1]
    assert all(type(n) is int for n in integers)
    assert type(experiment.sft.maxGradNorm) is float, "a schema number stays a float"
    assert list(range(experiment.ppo.updates)) == list(range(10))


def test_relative_paths_resolve_against_the_config(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "e.ptlab.json"
    path.write_text(json.dumps({"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m"}}))
    assert cfg.load_experiment(path).resolve("runs") == (tmp_path / "sub" / "runs").resolve()


def test_a_local_model_folder_is_read_beside_the_config_as_the_editor_reads_it(tmp_path, monkeypatch):
    """model.name naming a folder beside the config is that folder from any working folder; a
    hub id (no such folder) and an embedded name stay as written."""
    (tmp_path / "sub" / "models" / "mine").mkdir(parents=True)
    path = tmp_path / "sub" / "e.ptlab.json"
    monkeypatch.chdir(tmp_path)
    for name, expected in (("models/mine", str((tmp_path / "sub" / "models" / "mine").resolve())), ("Qwen/Qwen2.5-0.5B-Instruct", "Qwen/Qwen2.5-0.5B-Instruct"), ("embedded:tiny-lm", "embedded:tiny-lm")):
        path.write_text(json.dumps({"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": name}}))
        assert cfg.load_experiment(path).model.name == expected


def test_a_tilde_is_a_folder_beside_the_config_not_the_home_folder(tmp_path):
    """Jobs run without a shell; the editor checks such paths as written too (and says so)."""
    path = tmp_path / "e.ptlab.json"
    path.write_text(json.dumps({"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m"}}))
    assert cfg.load_experiment(path).resolve("~/ckpt") == tmp_path / "~" / "ckpt"


@pytest.mark.parametrize("made", [None, "file"])
def test_a_panorama_folder_that_is_missing_or_a_file_is_refused_before_an_episode(tmp_path, made):
    """Else a language run ignores it and a vision run fails at its first grid, mid-evaluation."""
    if made == "file":
        (tmp_path / "panos").write_text("not a folder")
    config = VirlConfig.from_dict({"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 5}}, "modality": "vision", "panoramas": "panos"})
    with pytest.raises(EnvConfigError, match=r"environment.panoramas: .*panos (does not exist|is not a folder)"):
        config.episodes(tmp_path)


def test_panoramas_resolve_against_the_config_not_the_working_folder(tmp_path, monkeypatch):
    """A V-IRL-VL episode reads `panoramas` relative to its config's folder, as the preview
    shows them, from whatever folder the job was started in."""
    from PIL import Image

    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "e.ptlab.json"
    environment = {"env": "virl", "routes": {"synthetic": {"city": "nyc", "routes": 5}}, "modality": "vision", "panoramas": "panos"}
    path.write_text(json.dumps({"name": "x", "environment": environment, "model": {"name": "m"}, "evaluation": {"splits": [{"name": "ood", "kind": "visual-ood", "episodes": 2, "overrides": {"panoramas": "other"}}]}}))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub" / "panos").mkdir()
    (tmp_path / "sub" / "other").mkdir()
    experiment = cfg.load_experiment(path)
    # the records keep the config's words (the extension's episodes write the same environment)
    assert experiment.environment_for().to_dict()["panoramas"] == "panos"
    episode = experiment.environment_for().episodes(experiment.base_dir)(7)
    assert experiment.environment_for(experiment.evaluation.splits[0]).episodes(experiment.base_dir)(7).panoramas == (tmp_path / "sub" / "other").resolve()
    (tmp_path / "sub" / "panos" / episode.route.route_id).mkdir()
    Image.new("RGB", (64, 32), (255, 0, 0)).save(tmp_path / "sub" / "panos" / episode.route.route_id / "0.jpg")
    red, green, blue = episode.observation_image().getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60, "the grid is cut from the config's panorama"


def test_alert_rules_reach_the_run_manifest_snapshot_with_defaults_filled(tmp_path):
    """The extension reads a run's alert rules from run.json's config (Experiment.to_dict): the
    rules set keep their values, the others their defaults."""
    data = json.loads((schemas_dir().parent / "examples" / "tiny.ptlab.json").read_text())
    data["alerts"] = {"klSpike": {"max": 0.02}, "entropyCollapse": {"enabled": False}}
    path = tmp_path / "alerting.ptlab.json"
    path.write_text(json.dumps(data))
    snapshot = cfg.load_experiment(path).to_dict()
    assert snapshot["alerts"] == {
        "rewardCollapse": {"enabled": True, "window": 5, "drop": 2.0},
        "entropyCollapse": {"enabled": False, "window": 3, "fraction": 0.1},
        "klSpike": {"enabled": True, "max": 0.02},
        "nonFinite": {"enabled": True},
        "stalledHeartbeat": {"enabled": True},
        "stalledProgress": {"enabled": True, "minutes": 15},
    }
    assert snapshot["logging"]["tokenRecordRate"] == 0.1
    assert errors("experiment.schema.json", snapshot) == []
