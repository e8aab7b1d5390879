"""The embedded tiny model: built locally on first use, a real transformers model and tokenizer."""

import re
import zlib

import pytest

torch = pytest.importorskip("torch")

from ptlab import models  # noqa: E402
from ptlab.envs import generalpoints as gp  # noqa: E402


@pytest.fixture(scope="module")
def embedded(ptlab_cache):
    mp = pytest.MonkeyPatch()
    mp.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    yield models.resolve_model_path("embedded:tiny-lm")
    mp.undo()


def test_built_once_in_the_cache(embedded, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("rebuilt")

    monkeypatch.setattr(models, "build_embedded", fail)
    assert models.resolve_model_path("embedded:tiny-lm") == embedded


def test_tokenizer_round_trips_the_environments_text(embedded):
    tokenizer = models.load_tokenizer(embedded)
    config = gp.GeneralPointsConfig(verifier="reference")
    hand = gp.deal(config, 11)
    for text in (gp.prompt(config, hand), gp.expert_response(hand), "You failed this trial because illegal characters.", "٣ 😀 <script>"):
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert tokenizer.decode(ids) == text
    assert len(tokenizer(gp.prompt(config, hand))["input_ids"]) < len(gp.prompt(config, hand)) / 2  # it learned the domain


def test_the_embedded_tokenizer_is_the_vocabulary_the_published_bases_were_trained_with(embedded):
    """Frozen in a file: the environments' texts change (V-IRL's rails and prompts did), and a
    tokenizer retrained on them moved every token id under gp-base and virl-base."""
    import json

    frozen = json.loads(models.EMBEDDED_TOKENIZER.read_text())
    for base in ("gp-base", "virl-base"):
        assert json.loads((models.WEIGHTS_DIR / base / "tokenizer.json").read_text())["model"] == frozen["model"]
    built = json.loads(models.load_tokenizer(embedded).backend_tokenizer.to_str())
    assert built["model"] == frozen["model"] and built["added_tokens"] == frozen["added_tokens"]


def test_chat_template_marks_only_assistant_tokens(embedded):
    tokenizer = models.load_tokenizer(embedded)
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "{\"formula\": \"1+2\"}"}, {"role": "user", "content": "again"}, {"role": "assistant", "content": "ok"}]
    encoded = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    learned = [t for t, m in zip(encoded["input_ids"], encoded["assistant_masks"]) if m]
    assert tokenizer.decode(learned) == "{\"formula\": \"1+2\"}<|end|>ok<|end|>"


def test_model_runs_forward_and_generates(embedded):
    model = models.load_causal_lm(embedded, "fp32")
    tokenizer = models.load_tokenizer(embedded)
    assert 100_000 < models.parameter_count(model) < 5_000_000
    ids = tokenizer.apply_chat_template([{"role": "user", "content": "hello"}], add_generation_prompt=True, return_tensors="pt", return_dict=True)
    out = model.generate(**ids, max_new_tokens=5, do_sample=False, pad_token_id=tokenizer.pad_token_id)
    assert out.shape[1] <= ids["input_ids"].shape[1] + 5


def test_unknown_embedded_model_names_the_field(tmp_path):
    with pytest.raises(ValueError, match="model.name: unknown embedded model"):
        models.build_embedded("embedded:giant", tmp_path / "x")


def test_ppo_loads_the_policy_and_the_kl_reference_alike(embedded, monkeypatch):
    """Both at model.revision and with trustRemoteCode, through the one loader (PPO once
    dropped the revision, and the reference model trust_remote_code)."""
    import json
    from pathlib import Path

    from transformers import AutoModelForCausalLM

    from ptlab import parallel, ppo
    from ptlab.config import experiment_from_dict

    calls = []
    real = AutoModelForCausalLM.from_pretrained.__func__

    def spy(cls, path, *args, **kwargs):
        calls.append((kwargs.get("revision"), kwargs.get("trust_remote_code")))
        return real(cls, path, *args, **kwargs)

    monkeypatch.setattr(AutoModelForCausalLM, "from_pretrained", classmethod(spy))
    example = Path(__file__).resolve().parents[2] / "examples" / "tiny.ptlab.json"
    data = json.loads(example.read_text())
    data["model"].update(revision="main", trustRemoteCode=True)
    data["ppo"].pop("init", None)
    data["ppo"]["klCoef"] = 0.1
    policy = ppo.load_policy(experiment_from_dict(data, example), parallel.accelerator(), None, None)
    assert policy.reference is not None
    assert calls == [("main", True), ("main", True)]


def test_a_rank_other_than_0_builds_the_whole_model_into_an_empty_cache(tmp_path):
    """Inside a process group transformers' save_pretrained writes nothing off rank 0: a rank 1
    that reaches an empty cache first must still leave the model there (it builds it in a
    child process outside the group), not a folder that holds the tokenizer alone."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import two_processes

    driver = tmp_path / "rank1_builds.py"
    driver.write_text(
        "import torch.distributed as dist\nfrom ptlab import models\n"
        "dist.init_process_group('gloo')\n"
        "if dist.get_rank() == 1:\n    models.load_causal_lm('embedded:tiny-lm')\n    models.load_tokenizer('embedded:tiny-lm')\n"
        "dist.barrier()\ndist.destroy_process_group()\n"
    )
    cache = tmp_path / "cache"
    env = {**os.environ, "PTLAB_CACHE_DIR": str(cache), "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(models.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", str(two_processes.free_port()), str(driver)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    [built] = (cache / "embedded").iterdir()
    assert {"config.json", "model.safetensors", "tokenizer.json", "ptlab-embedded.json"} <= {p.name for p in built.iterdir()}


@pytest.mark.parametrize("lora", [None, {"r": 4}], ids=["full", "lora"])
def test_gradient_checkpointing_is_on_through_transformers_current_call(embedded, lora):
    """model.gradientCheckpointing checkpoints every layer (under a LoRA wrapper too), through
    activation_checkpointing_enable: gradient_checkpointing_enable is its deprecated alias."""
    import warnings

    from ptlab.config import Lora, Model

    spec = Model(name="embedded:tiny-lm", gradientCheckpointing=True, lora=Lora(**lora) if lora else None)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*gradient_checkpointing_enable.*deprecated", category=FutureWarning)
        model, _ = models.load_trainable(spec, "cpu", None, None, 0)
    layers = [m for m in model.modules() if hasattr(m, "gradient_checkpointing")]
    assert layers and all(m.gradient_checkpointing for m in layers)


def _trained_lora(spec, init, seed: int, folder, std: float = 0.5):
    """load_trainable's adapters (fresh, or Init's) with B moved by about `std` (what training
    does), saved as a checkpoint saves them; the PeftModel."""
    model, tokenizer = models.load_trainable(spec, "cpu", init, None, seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:
                parameter.add_(torch.randn(parameter.shape, generator=torch.Generator().manual_seed(zlib.crc32(folder.name.encode()))) * std)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return model


IDS = torch.tensor([[1, 40, 41, 42, 43, 44, 45, 46]])


def _logits(model) -> torch.Tensor:
    with torch.no_grad():
        return model.eval()(input_ids=IDS).logits.float()


def _loss(model) -> float:
    with torch.no_grad():
        return model.eval()(input_ids=IDS, labels=IDS).loss.item()


def test_a_bf16_lora_checkpoint_loads_as_the_model_its_run_trained(embedded, tmp_path):
    """model.dtype bf16 ("auto" on a GPU): adapters moved as 20 Adam steps at lr 1e-6 move
    them. Merged into the bf16 base, most of that update rounded away (merged in fp32 and
    cast, alike): ptlab eval, compare and a PPO Init scored another model than the run
    trained, further from it than the base. Loaded unmerged, the checkpoint is that model:
    its logits and loss are the run's own evaluation's."""
    from ptlab.config import Lora, Model

    spec = Model(name="embedded:tiny-lm", dtype="bf16", lora=Lora(r=8, dropout=0.0))
    trained = _trained_lora(spec, None, 0, tmp_path / "final", std=2e-5)
    loaded, _ = models.load(spec, "cpu", tmp_path / "final")  # what ptlab eval and compare load
    base, _ = models.load(Model(name="embedded:tiny-lm", dtype="bf16"), "cpu")
    update = abs(_loss(trained) - _loss(base))
    assert update > 1e-4 and abs(_loss(loaded) - _loss(trained)) < 0.05 * update
    torch.testing.assert_close(_logits(loaded), _logits(trained), rtol=0, atol=1e-3)  # the update moves a logit by a bf16 step, 8e-3
    assert not any(p.requires_grad for p in loaded.parameters())


def test_lora_trained_from_a_lora_init_trains_init_s_adapters_on(embedded, tmp_path):
    """SFT with LoRA, then PPO with LoRA from its checkpoint: the PPO run starts from Init's
    adapters, unmerged, and trains them on (SFT's training kept, nothing merged into bf16
    weights); its checkpoint is one set of adapters on the root base, which every consumer
    (ptlab eval, export, compare, a later Init) loads as the model trained."""
    import json

    from ptlab.config import Lora, Model

    spec = Model(name="embedded:tiny-lm", dtype="bf16", lora=Lora(r=4))
    sft, ppo = tmp_path / "sft", tmp_path / "ppo"
    init = _trained_lora(spec, None, 0, sft, std=1e-3)
    started, _ = models.load_trainable(spec, "cpu", sft, None, 1)
    torch.testing.assert_close(_logits(started), _logits(init), rtol=0, atol=0)
    assert {n for n, p in started.named_parameters() if p.requires_grad} == {n for n, p in init.named_parameters() if p.requires_grad}
    trained = _trained_lora(spec, sft, 1, ppo, std=1e-3)
    base = json.loads((sft / "adapter_config.json").read_text())["base_model_name_or_path"]
    assert json.loads((ppo / "adapter_config.json").read_text())["base_model_name_or_path"] == base
    loaded = models.load_causal_lm(str(ppo), "bf16")
    torch.testing.assert_close(_logits(loaded), _logits(trained), rtol=0, atol=0)
    assert (_logits(loaded) - _logits(init)).abs().max() > 0.01


def test_a_legacy_lora_checkpoint_on_a_lora_init_loads_in_fp32_and_is_refused_in_bf16(embedded, tmp_path):
    """Before LoRA runs trained a LoRA Init's adapters on, they put fresh adapters on Init
    merged, and named Init's folder as their base: adapters on adapters. Such a checkpoint
    loads in fp32 (Init's adapters merged, its own on top unmerged) as the model trained; in
    bf16 the merge would round Init's update away, and the load says to use fp32."""
    from peft import LoraConfig, get_peft_model

    from ptlab.config import Lora, Model

    sft, ppo = tmp_path / "sft", tmp_path / "ppo"
    _trained_lora(Model(name="embedded:tiny-lm", dtype="fp32", lora=Lora(r=4)), None, 0, sft, std=1e-3)
    torch.manual_seed(1)  # as the old code wrote the PPO run's checkpoint
    trained = get_peft_model(models.merged(models.load_causal_lm(str(sft), "fp32")), LoraConfig(r=4, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
    trained.peft_config["default"].base_model_name_or_path = str(sft)
    with torch.no_grad():
        for name, parameter in trained.named_parameters():
            if "lora_B" in name:
                parameter.add_(torch.randn_like(parameter) * 1e-2)
    trained.save_pretrained(ppo)
    loaded = models.load_causal_lm(str(ppo), "fp32")
    torch.testing.assert_close(_logits(loaded), _logits(trained), rtol=0, atol=1e-5)
    assert any("lora_B" in name for name, _ in loaded.named_parameters())  # its own adapters unmerged
    with pytest.raises(models.ModelFamilyError, match=r'ppo: its base .*sft is a LoRA checkpoint too .*Load it in fp32 \(model.dtype "fp32"\)'):
        models.load_causal_lm(str(ppo), "bf16")


def test_a_lora_init_s_adapters_train_on_only_as_model_lora_describes_them(embedded, tmp_path):
    import re

    from ptlab.config import Lora, Model

    spec = Model(name="embedded:tiny-lm", dtype="fp32", lora=Lora(r=4))
    _trained_lora(spec, None, 0, tmp_path / "sft")
    for other, named in ((Lora(r=8), "r 8 (the adapters': 4)"), (Lora(r=4, targetModules=("q_proj", "v_proj")), 'targetModules ["q_proj", "v_proj"] (the adapters sit on ["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"])'), (Lora(r=4, dropout=0.1), "dropout 0.1 (the adapters': 0.05)")):
        with pytest.raises(models.ModelFamilyError, match=rf"model.lora: .*sft holds LoRA adapters, .*{re.escape(named)}"):
            models.load_trainable(Model(name="embedded:tiny-lm", dtype="fp32", lora=other), "cpu", tmp_path / "sft", None, 0)
    models.load_trainable(Model(name="embedded:tiny-lm", dtype="fp32", lora=Lora(r=4, targetModules=("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"))), "cpu", tmp_path / "sft", None, 0)


def test_full_fine_tuning_from_a_lora_init_merges_in_fp32_and_refuses_bf16(embedded, tmp_path):
    """Without model.lora a run trains full weights, Init's adapters merged into them: in fp32
    the model is Init's; in bf16 the merge would round most of a trained update away."""
    from ptlab.config import Lora, Model

    init = _trained_lora(Model(name="embedded:tiny-lm", dtype="fp32", lora=Lora(r=4)), None, 0, tmp_path / "sft", std=1e-3)
    full, _ = models.load_trainable(Model(name="embedded:tiny-lm", dtype="fp32"), "cpu", tmp_path / "sft", None, 0)
    assert type(full).__name__ == "LlamaForCausalLM" and all(p.requires_grad for p in full.parameters())
    torch.testing.assert_close(_logits(full), _logits(init), rtol=0, atol=1e-4)
    with pytest.raises(models.ModelFamilyError, match=r'sft holds LoRA adapters, .*in model.dtype .bf16. \(bfloat16 here\) the merge rounds most of their update away. Set model.dtype to "fp32", or train with model.lora'):
        models.load_trainable(Model(name="embedded:tiny-lm", dtype="bf16"), "cpu", tmp_path / "sft", None, 0)


def test_a_ppo_run_from_a_lora_init_starts_at_init_and_keeps_it_as_its_kl_reference(embedded, tmp_path):
    """ppo.klCoef: the reference is Init exactly (its adapters unmerged, frozen), and so is
    the policy before its first update (Init's adapters, trainable): the first KL is 0."""
    import json
    from pathlib import Path

    from ptlab import parallel, ppo
    from ptlab.config import Lora, Model, experiment_from_dict

    init = _trained_lora(Model(name="embedded:tiny-lm", dtype="bf16", lora=Lora(r=4)), None, 0, tmp_path / "sft", std=1e-3)
    example = Path(__file__).resolve().parents[2] / "examples" / "tiny.ptlab.json"
    data = json.loads(example.read_text())
    data["model"].update(dtype="bf16", lora={"r": 4})
    data["ppo"].update(init=str(tmp_path / "sft"), klCoef=0.1)
    policy = ppo.load_policy(experiment_from_dict(data, example), parallel.accelerator(), tmp_path / "sft", None)
    reference, trained = policy.reference.policy, policy.trained.policy
    assert not any(p.requires_grad for p in reference.parameters())
    assert {n for n, p in trained.named_parameters() if p.requires_grad} == {n for n, p in init.named_parameters() if p.requires_grad}
    torch.testing.assert_close(_logits(reference), _logits(init), rtol=0, atol=0)
    torch.testing.assert_close(_logits(trained), _logits(init), rtol=0, atol=0)


def test_a_lora_checkpoint_s_base_loads_at_model_revision(embedded, tmp_path, monkeypatch):
    """model.revision: the adapters record it (adapter_config.json's revision) and their base
    loads at it; it loaded at the hub's default branch, another model than the one trained."""
    import json

    import transformers

    from ptlab.config import Lora, Model

    spec = Model(name=embedded, revision="v1.0", dtype="fp32", lora=Lora(r=4))
    _trained_lora(spec, None, 0, tmp_path / "final")
    assert json.loads((tmp_path / "final" / "adapter_config.json").read_text())["revision"] == "v1.0"
    calls = []
    for auto in (transformers.AutoConfig, transformers.AutoModelForCausalLM, transformers.AutoTokenizer):
        real = auto.from_pretrained.__func__

        def spy(cls, path, *args, real=real, **kwargs):
            calls.append((str(path), kwargs.get("revision")))
            return real(cls, path, *args, **kwargs)

        monkeypatch.setattr(auto, "from_pretrained", classmethod(spy))
    models.load(spec, "cpu", tmp_path / "final")  # what ptlab eval and a PPO Init load
    base_loads = [revision for path, revision in calls if path == embedded]
    assert base_loads and set(base_loads) == {"v1.0"}


def test_a_lora_checkpoint_of_a_remote_code_model_loads_trusting_its_code(embedded, tmp_path, monkeypatch):
    """model.trustRemoteCode: the checkpoint's base (a model of custom classes, auto_map) is
    read trusting its code, as training read it; its config was read without, and every
    consumer (ptlab eval, PPO's Init, export) failed."""
    import json
    import shutil

    import transformers.dynamic_module_utils

    from ptlab.config import Lora, Model

    monkeypatch.setattr(transformers.dynamic_module_utils, "HF_MODULES_CACHE", str(tmp_path / "modules"))
    base = tmp_path / "custom"
    shutil.copytree(embedded, base)
    (base / "configuration_custom.py").write_text("from transformers import LlamaConfig\n\n\nclass CustomConfig(LlamaConfig):\n    model_type = 'custom-llama'\n")
    (base / "modeling_custom.py").write_text("from transformers import LlamaForCausalLM\n\nfrom .configuration_custom import CustomConfig\n\n\nclass CustomForCausalLM(LlamaForCausalLM):\n    config_class = CustomConfig\n")
    config = json.loads((base / "config.json").read_text())
    config.update(model_type="custom-llama", architectures=["CustomForCausalLM"], auto_map={"AutoConfig": "configuration_custom.CustomConfig", "AutoModelForCausalLM": "modeling_custom.CustomForCausalLM"})
    (base / "config.json").write_text(json.dumps(config))
    spec = Model(name=str(base), trustRemoteCode=True, dtype="fp32", lora=Lora(r=4))
    trained = _trained_lora(spec, None, 0, tmp_path / "final")
    loaded, _ = models.load(spec, "cpu", tmp_path / "final")
    assert type(loaded.get_base_model()).__name__ == "CustomForCausalLM"
    torch.testing.assert_close(_logits(loaded), _logits(trained))
    from ptlab.export import export_onnx

    assert (export_onnx(tmp_path / "final", tmp_path / "onnx", "hello", trust_remote_code=True) / "model.onnx").exists()


def test_a_lora_checkpoint_of_an_embedded_model_loads_under_another_cache(embedded, tmp_path, monkeypatch):
    """The adapters name their base as model.name does ("embedded:tiny-lm"), not by this
    machine's cache folder: the run's checkpoint loads where PTLAB_CACHE_DIR is another (a
    cluster's cache, another machine), the base built there."""
    import json
    import shutil

    from ptlab.config import Lora, Model

    spec = Model(name="embedded:tiny-lm", dtype="fp32", lora=Lora(r=4))
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(tmp_path / "here"))
    trained = _trained_lora(spec, None, 0, tmp_path / "final")
    assert json.loads((tmp_path / "final" / "adapter_config.json").read_text())["base_model_name_or_path"] == "embedded:tiny-lm"
    shutil.rmtree(tmp_path / "here")
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(tmp_path / "elsewhere"))
    loaded, _ = models.load(spec, "cpu", tmp_path / "final")
    torch.testing.assert_close(_logits(loaded), _logits(trained))


def test_a_lora_checkpoint_whose_base_folder_is_missing_says_what_to_do(embedded, tmp_path):
    """Adapters trained on a full Init name its folder: where it is not (another machine), the
    load says so, naming the field to set, rather than asking the hub for a repo of that name."""
    import shutil

    from ptlab.config import Lora, Model

    shutil.copytree(embedded, tmp_path / "init")
    _trained_lora(Model(name="embedded:tiny-lm", dtype="fp32", lora=Lora(r=4)), tmp_path / "init", 0, tmp_path / "final")
    shutil.rmtree(tmp_path / "init")
    with pytest.raises(models.ModelFamilyError, match=r"final/adapter_config.json: the adapters' base model .*init \(base_model_name_or_path\) is not on this machine"):
        models.load(Model(name="embedded:tiny-lm", dtype="fp32"), "cpu", tmp_path / "final")


def _untied_lm(folder):
    """tiny-lm's architecture and tokenizer with an output head of its own (tie_word_embeddings false)."""
    from transformers import AutoConfig, LlamaForCausalLM

    config = AutoConfig.from_pretrained(models.resolve_model_path("embedded:tiny-lm"))
    config.tie_word_embeddings = False
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(folder)
    models.load_tokenizer("embedded:tiny-lm").save_pretrained(folder)
    return folder


TIED_TARGETS = {
    "lm_head": ("lm_head, the output head, shares its weight with the input embeddings", "lm_head.lora_A"),
    "embed_tokens": ("model.embed_tokens, the input embeddings, share their weight with the output head", "embed_tokens.lora_embedding_A"),
}


@pytest.mark.parametrize("target", list(TIED_TARGETS))
def test_an_adapter_on_tied_embeddings_is_refused_naming_the_field(embedded, tmp_path, target):
    """model.lora.targetModules naming lm_head or embed_tokens where the model ties the two
    (tiny-lm, Llama 3.2 1B/3B, Qwen2.5-0.5B): unmerged, the adapter changes one side alone;
    merged (ONNX export, full fine-tuning from the checkpoint) its update lands in the weight
    both share, and the merged model is not the one trained (peft warned, unseen). A model
    whose two are its own takes one."""
    from ptlab.config import Lora, Model

    refused, adapter = TIED_TARGETS[target]
    lora = Lora(r=4, targetModules=("q_proj", target))
    with pytest.raises(models.ModelFamilyError, match=re.escape(f"model.lora.targetModules: {refused} (tie_word_embeddings)")):
        models.load_trainable(Model(name="embedded:tiny-lm", lora=lora), "cpu", None, None, 0)
    untied = _untied_lm(tmp_path / "untied")
    model, _ = models.load_trainable(Model(name=str(untied), lora=lora), "cpu", None, None, 0)
    assert any(adapter in name for name, _ in model.named_parameters())


def test_an_adapter_on_the_output_head_is_refused_under_liger(embedded, tmp_path):
    """Liger's fused cross-entropy (SFT's loss under model.ligerKernel) reads lm_head.weight
    itself: an adapter there would be bypassed, never trained. (On a GPU: checked here on the
    loaded model, as load_trainable checks it.)"""
    from ptlab.config import Lora, Model

    untied = _untied_lm(tmp_path / "untied")
    model = models.load_causal_lm(str(untied), "fp32")
    spec = Model(name=str(untied), ligerKernel=True, lora=Lora(r=4, targetModules=("q_proj", "lm_head")))
    assert models.output_head_adapter_refused(model, spec) == (
        "model.lora.targetModules: lm_head, the output head, under model.ligerKernel: Liger's fused cross-entropy (SFT's loss) reads its weight itself, "
        "past the adapter, which would not train; leave it out, or set model.ligerKernel to false"
    )
    for fine in (Model(name=str(untied), ligerKernel=True, lora=Lora(r=4)), Model(name=str(untied), lora=Lora(r=4, targetModules=("lm_head",)))):
        assert models.output_head_adapter_refused(model, fine) is None


def test_n_is_the_base_model_s_parameters_in_training_and_in_ptlab_eval(embedded, tmp_path):
    """N of 6 N D: a LoRA run counted its adapters too, ptlab eval of its checkpoint the merged
    model, so the same weights plotted at two GFLOPs; both count the base model's parameters."""
    from ptlab.config import Lora, Model

    spec = Model(name="embedded:tiny-lm", dtype="fp32", lora=Lora(r=8))
    trained = _trained_lora(spec, None, 0, tmp_path / "final")  # what sft.py and ppo.py count
    base = models.parameter_count(models.load_causal_lm("embedded:tiny-lm", "fp32"))
    assert models.parameter_count(trained) == models.parameter_count(models.load(spec, "cpu", tmp_path / "final")[0]) == base  # cli.py's _eval


def test_fresh_lora_adapters_start_from_the_experiment_seed(embedded):
    """Two runs of one LoRA config start from the same adapters whatever the job's random
    stream did before (A matrices are random; B is zero): they drew from it, and two SFT runs
    of one seed parted at their third step."""
    from ptlab.config import Lora, Model

    spec = Model(name="embedded:tiny-lm", dtype="fp32", lora=Lora(r=4))

    def adapters(seed: int, stream: int) -> dict:
        torch.manual_seed(stream)
        torch.rand(17)
        model, _ = models.load_trainable(spec, "cpu", None, None, seed)
        return {k: v.detach().clone() for k, v in model.named_parameters() if "lora_" in k}

    first, again, other = adapters(0, 1), adapters(0, 2), adapters(1, 1)
    assert first and all(torch.equal(first[k], again[k]) for k in first)
    assert not all(torch.equal(first[k], other[k]) for k in first)


def test_an_embedded_models_weights_are_the_same_whatever_the_experiment_seed(embedded):
    """The embedded models are built once, with seed 0 (build_embedded), and cached: the
    experiment's seed does not initialise them (the schema's description of seed says so)."""
    from ptlab.config import Model

    def weights(seed: int) -> dict:
        model, _ = models.load_trainable(Model(name="embedded:tiny-lm", dtype="fp32"), "cpu", None, None, seed)
        return {k: v.detach().clone() for k, v in model.named_parameters()}

    zero, seven = weights(0), weights(7)
    assert zero and all(torch.equal(zero[k], seven[k]) for k in zero)


def test_checkpointing_every_n_layers_checkpoints_that_many_and_computes_the_same(embedded):
    """model.gradientCheckpointing {"everyNLayers": 2}: decoder layers 0, 2, ... recompute in
    backward, the others keep their activations; the loss and gradients are those without
    checkpointing, and with every layer checkpointed."""
    import torch

    from ptlab.config import GradientCheckpointing, Model

    ids = torch.randint(3, 200, (2, 24), generator=torch.Generator().manual_seed(0))
    results = {}
    for checkpointing in (False, GradientCheckpointing(everyNLayers=2), True):
        model, _ = models.load_trainable(Model(name="embedded:tiny-lm", gradientCheckpointing=checkpointing), "cpu", None, None, 0)
        layers = [m.gradient_checkpointing for m in model.modules() if type(m).__name__.endswith("DecoderLayer")]
        assert layers == {False: [False] * len(layers), True: [True] * len(layers)}.get(checkpointing, [i % 2 == 0 for i in range(len(layers))])
        model.train()
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        results[checkpointing] = (loss.detach(), {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None})
    expected_loss, expected_grads = results[False]
    for loss, grads in list(results.values())[1:]:
        torch.testing.assert_close(loss, expected_loss)
        assert grads.keys() == expected_grads.keys()
        for name, grad in grads.items():
            torch.testing.assert_close(grad, expected_grads[name], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "cuda:3"])
def test_auto_dtype_is_bf16_on_every_process_s_gpu(monkeypatch, device):
    """model.dtype "auto" on a bf16 GPU: each process of an accelerate launch names its own
    device ("cuda:N"), and loads bf16 as a one-GPU run does ("cuda"), not fp32."""
    import torch

    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *args, **kwargs: True)
    assert models.torch_dtype("auto", device) is torch.bfloat16
    assert models.torch_dtype("auto", "cpu") is torch.float32 and models.torch_dtype("fp32", device) is torch.float32


def test_a_ppo_policy_trains_without_dropout(embedded):
    """PPO's update forwards (training mode) compute the function the rollout sampled from and
    scoring scored (eval mode): LoRA's dropout (model.lora.dropout, here 0.5) is off in the
    policy, so the first step's ratios are 1, not dropout's noise."""
    import json
    from pathlib import Path

    from ptlab import parallel, ppo
    from ptlab.config import experiment_from_dict

    example = Path(__file__).resolve().parents[2] / "examples" / "tiny.ptlab.json"
    data = json.loads(example.read_text())
    data["ppo"].pop("init", None)
    data["model"]["lora"] = {"r": 4, "dropout": 0.5}
    model = ppo.load_policy(experiment_from_dict(data, example), parallel.accelerator(), None, None).trained.policy
    torch.manual_seed(0)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:
                parameter.normal_(0, 0.5)  # fresh adapters are zero: dropout before them would change nothing
        ids = torch.randint(10, 200, (2, 12))
        model.eval()
        scored = model(input_ids=ids).logits
        model.train()
        trained = [model(input_ids=ids).logits for _ in range(2)]
    torch.testing.assert_close(trained[0], scored)
    torch.testing.assert_close(trained[1], scored)


def test_disable_dropout_sets_every_dropout_of_a_model_to_0():
    from transformers import LlamaConfig, LlamaForCausalLM

    model = LlamaForCausalLM(LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, attention_dropout=0.3))
    model.train()
    ids = torch.randint(0, 64, (1, 8))
    assert models.disable_dropout(model) == 2  # each layer's attention
    with torch.no_grad():
        torch.testing.assert_close(model(input_ids=ids).logits, model(input_ids=ids).logits)
    assert models.disable_dropout(model) == 0


def test_disable_dropout_reaches_the_vision_tower_s_attention():
    """CLIP's attention (LLaVA's vision tower) keeps its rate as a float named `dropout`, as
    Mllama's does; it was left at its value: the update's forwards dropped out of the image's
    features while the rollout's had not."""
    from transformers import CLIPVisionConfig, LlamaConfig, LlavaConfig, LlavaForConditionalGeneration

    vision = CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, image_size=28, patch_size=14, attention_dropout=0.3)
    text = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=4, num_key_value_heads=2)
    model = LlavaForConditionalGeneration(LlavaConfig(vision_config=vision, text_config=text, image_token_id=63))
    assert models.disable_dropout(model) == 2  # each vision layer's attention
    rates = [getattr(m, rate) for m in model.modules() for rate in ("dropout", "attention_dropout") if isinstance(getattr(m, rate, None), float)]
    assert rates and not any(rates)


@pytest.mark.parametrize("lora", [False, True])
def test_fsdp_wraps_each_decoder_layer_of_the_ppo_policy(embedded, lora):
    """Under FSDP accelerate prepares PPO's policy-and-value module and wraps the classes its
    _no_split_modules names (the launcher's TRANSFORMER_BASED_WRAP): the policy's decoder
    layers, LoRA's PeftModel too; without them it would wrap nothing."""
    from accelerate.utils import FullyShardedDataParallelPlugin

    from ptlab.ppo import PolicyAndValue, ValueHead

    model = models.load_causal_lm(embedded, "fp32")
    if lora:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
    plugin = FullyShardedDataParallelPlugin(auto_wrap_policy="transformer_based_wrap")
    plugin.set_auto_wrap_policy(PolicyAndValue(model, ValueHead(models.hidden_size(model), (16, 8))))
    assert {cls.__name__ for cls in plugin.auto_wrap_policy.keywords["transformer_layer_cls"]} == {"LlamaDecoderLayer"}
