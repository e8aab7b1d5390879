"""Models: the embedded tiny default, built locally, or any Hugging Face model.

`embedded:tiny-lm` is a small Llama-architecture causal LM with a byte-level BPE tokenizer
trained with HF `tokenizers` on the environments' own text (prompts, expert answers,
verifier messages), created on first use in a cache folder and never downloaded. Its
weights are random: SFT teaches it the task, as it teaches a real model the format.
`embedded:tiny-vlm` is the image-text-to-text default for -VL tasks, built the same way: a
LLaVA model (a tiny CLIP vision tower, a projector, the tiny Llama text model) with a
processor (CLIP image processor, tiny-lm's tokenizer plus an `<image>` token, a chat
template that places images) that AutoProcessor / AutoModelForImageTextToText load back.
`embedded:gp-base` is the stand-in for a pretrained LLM (docs/base-model.md): a larger Llama
(GP_BASE) with tiny-lm's tokenizer, pretrained by `python -m ptlab pretrain` from
`embedded:gp-base-init` (its random weights, built like tiny-lm) on the synthetic corpus of
ptlab/corpus.py; its weights ship in ptlab/weights/gp-base with their manifest.
`embedded:virl-base` is the same for V-IRL-L: gp-base trained further on the corpus's V-IRL
tasks (ptlab/corpus_virl.py), shipped in ptlab/weights/virl-base.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

from ptlab import runlog

EMBEDDED_PREFIX = "embedded:"
EMBEDDED_VERSION = 1  # bump when the corpus, tokenizer or architecture changes

SPECIAL_TOKENS = ["<|pad|>", "<|bos|>", "<|eos|>", "<|user|>", "<|assistant|>", "<|end|>"]
# Every message is `<|role|>` + content + `<|end|>`; the assistant's content and its `<|end|>`
# are the tokens SFT learns (the generation markers give transformers' assistant mask).
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "<|assistant|>{% generation %}{{ message['content'] }}<|end|>{% endgeneration %}"
    "{% else %}"
    "<|user|>{{ message['content'] }}<|end|>"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)

TINY_VLM_NAME = "embedded:tiny-vlm"
IMAGE_TOKEN = "<image>"
# Images are read at 128x128 in 16-pixel patches: 64 image tokens per image.
TINY_VISION = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 2, "image_size": 128, "patch_size": 16, "projection_dim": 64}
VLM_CHAT_TEMPLATE = (
    "{%- macro render(content) -%}{%- if content is string -%}{{ content }}{%- else -%}"
    "{%- for item in content -%}{%- if item['type'] == 'image' -%}" + IMAGE_TOKEN + "{%- elif item['type'] == 'text' -%}{{ item['text'] }}{%- endif -%}{%- endfor -%}"
    "{%- endif -%}{%- endmacro -%}"
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'assistant' %}"
    "<|assistant|>{% generation %}{{ render(message['content']) }}<|end|>{% endgeneration %}"
    "{% else %}"
    "<|user|>{{ render(message['content']) }}<|end|>"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)

TINY_LM = {
    "vocab_size": 2048,
    "hidden_size": 128,
    "intermediate_size": 352,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 2048,
}


GP_BASE_INIT = "embedded:gp-base-init"
GP_BASE = "embedded:gp-base"
VIRL_BASE = "embedded:virl-base"
PRETRAINED = (GP_BASE, VIRL_BASE)  # shipped in WEIGHTS_DIR, each built by `python -m ptlab pretrain --base NAME` (its recipe in examples/)
EMBEDDED_NAMES = ("embedded:tiny-lm", TINY_VLM_NAME, GP_BASE, VIRL_BASE, GP_BASE_INIT)  # as src/core/config/checks.ts lists them
GP_BASE_LM = {**TINY_LM, "hidden_size": 192, "intermediate_size": 512, "num_hidden_layers": 6, "num_attention_heads": 6, "num_key_value_heads": 2}
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
EMBEDDED_TOKENIZER = WEIGHTS_DIR / "embedded-tokenizer" / "tokenizer.json"
MANIFEST = "ptlab-pretrained.json"


class ModelFamilyError(ValueError):
    """A model transformers cannot train or sample as a causal LM or image-text-to-text
    model; the message names the family and what is missing."""


def _quiet_transformers() -> None:
    from transformers.utils import logging

    logging.disable_progress_bar()


def cache_dir() -> Path:
    return Path(os.environ.get("PTLAB_CACHE_DIR") or Path.home() / ".cache" / "ptlab")


def environment_corpus(seeds: int = 400) -> Iterator[str]:
    """Every prompt variant, expert answer and verifier message of both environments: what
    the replicas' tokenizers are trained on, and the embedded one was (EMBEDDED_TOKENIZER)."""
    from ptlab.envs import generalpoints as gp
    from ptlab.envs import virl

    for verifier in ("reference", "strict"):
        for face in ("all-10", "11-12-13"):
            for modality in ("language", "vision"):
                config = gp.GeneralPointsConfig(verifier=verifier, faceCards=face, modality=modality)
                for seed in range(seeds // 8):
                    hand = gp.deal(config, seed)
                    yield gp.prompt(config, hand)
                    for turn in gp.suboptimal_trajectory(config, hand, seed, 3):
                        yield turn.output
                        yield gp.failure_turn(turn.message)
    for city, space, modality in (("nyc", "absolute", "language"), ("vln-mini", "relative", "vision"), ("london", "absolute", "vision")):
        config = virl.VirlConfig.from_dict({"env": "virl", "routes": {"synthetic": {"city": city, "routes": 60}}, "actionSpace": space, "modality": modality, "verifier": "reference"})
        routes = virl.routes_for(config, Path("."))
        for seed in range(seeds // 20):
            episode = virl.VirlEpisode(config, routes, seed)
            for position in range(0, len(episode.rail), 3):
                yield virl.prompt(config, episode.route, episode.rail, position)
                yield virl.expert_response(config, episode.route, episode.rail, position)
    for message in (virl.NOT_AT_INTERSECTION, virl.AT_AN_INTERSECTION, virl.INCORRECT, virl.BUDGET):
        yield message


def _spec_hash(name: str) -> str:
    spec: dict[str, Any] = {"name": name, "version": EMBEDDED_VERSION, "tiny_lm": TINY_LM, "special": SPECIAL_TOKENS, "template": CHAT_TEMPLATE}
    if name == GP_BASE_INIT:
        spec |= {"gp_base": GP_BASE_LM}
    if name == TINY_VLM_NAME:
        spec |= {"vision": TINY_VISION, "vlm_template": VLM_CHAT_TEMPLATE, "image_token": IMAGE_TOKEN}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]


def embedded_tokenizer() -> Any:
    """tiny-lm's tokenizer, and through it every embedded model's: a byte-level BPE (HF
    tokenizers) trained once on environment_corpus() as the environments then were, kept in
    EMBEDDED_TOKENIZER: the published bases were trained with it, and the environments' texts
    change (retraining it on them would change the vocabulary under the bases)."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer.from_file(str(EMBEDDED_TOKENIZER))
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<|bos|>",
        eos_token="<|end|>",
        pad_token="<|pad|>",
        additional_special_tokens=["<|eos|>", "<|user|>", "<|assistant|>"],
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def _text_config(tokenizer: Any, sizes: dict[str, int] = TINY_LM) -> Any:
    from transformers import LlamaConfig

    return LlamaConfig(
        **{**sizes, "vocab_size": len(tokenizer)},
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def _tiny_lm(seed: int) -> tuple[Any, Any]:
    import torch
    from transformers import LlamaForCausalLM

    tokenizer = embedded_tokenizer()
    torch.manual_seed(seed)
    return LlamaForCausalLM(_text_config(tokenizer)), tokenizer


def _gp_base_init(seed: int) -> tuple[Any, Any]:
    """GP_BASE's random weights with tiny-lm's tokenizer: what `ptlab pretrain` starts from."""
    import torch
    from transformers import AutoTokenizer, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(embedded_path("embedded:tiny-lm"))
    torch.manual_seed(seed)
    return LlamaForCausalLM(_text_config(tokenizer, GP_BASE_LM)), tokenizer


def _tiny_vlm(seed: int) -> tuple[Any, Any]:
    """LLaVA: CLIP vision tower -> projector -> tiny Llama, with tiny-lm's tokenizer plus `<image>`."""
    import torch
    from transformers import AutoTokenizer, CLIPImageProcessorPil, CLIPVisionConfig, LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor

    tokenizer = AutoTokenizer.from_pretrained(embedded_path("embedded:tiny-lm"))
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|eos|>", "<|user|>", "<|assistant|>", IMAGE_TOKEN]})
    side = TINY_VISION["image_size"]
    image_processor = CLIPImageProcessorPil(size={"height": side, "width": side}, do_center_crop=False, crop_size={"height": side, "width": side})
    processor = LlavaProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        patch_size=TINY_VISION["patch_size"],
        vision_feature_select_strategy="default",  # drops CLIP's class token: one token per patch
        num_additional_image_tokens=1,
        image_token=IMAGE_TOKEN,
        chat_template=VLM_CHAT_TEMPLATE,
    )
    config = LlavaConfig(
        vision_config=CLIPVisionConfig(**TINY_VISION),
        text_config=_text_config(tokenizer),
        image_token_id=tokenizer.convert_tokens_to_ids(IMAGE_TOKEN),
        vision_feature_select_strategy="default",
        vision_feature_layer=-1,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    return LlavaForConditionalGeneration(config), processor


def build_embedded(name: str, target: Path, seed: int = 0) -> Path:
    """Write the embedded model and its tokenizer or processor to `target` (a temp folder renamed into place)."""
    _quiet_transformers()
    builders = {"embedded:tiny-lm": _tiny_lm, TINY_VLM_NAME: _tiny_vlm, GP_BASE_INIT: _gp_base_init}
    if name not in builders:
        raise ValueError(f"model.name: unknown embedded model {name!r}; available: {', '.join(EMBEDDED_NAMES)}")
    model, tokenizer = builders[name](seed)
    return write_model_folder(model, tokenizer, target, {"name": name, "version": EMBEDDED_VERSION, "seed": seed}, "ptlab-embedded.json")


def write_model_folder(model: Any, encoder: Any, target: Path, marker: dict[str, Any], marker_name: str, replace: bool = False) -> Path:
    """Save a model and its tokenizer or processor into a temp folder, the marker file last,
    then rename it to `target`. A cache entry (replace False) another process wrote first is
    kept (theirs is as good as ours); with `replace` an existing folder is swapped out whole."""
    from ptlab.runlog import readable_by_all, replace_dir

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        model.save_pretrained(staging)
        encoder.save_pretrained(staging)
        if not (staging / "config.json").is_file():  # transformers saves nothing off rank 0 of a process group
            raise RuntimeError(f"{target}: save_pretrained wrote no model (a process other than rank 0 of a process group?); build it outside the group")
        (staging / marker_name).write_text(json.dumps(marker))
        readable_by_all(staging)
        if replace:
            replace_dir(staging, target)
            return target
        try:
            staging.rename(target)
        except OSError:
            if not (target / marker_name).exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def embedded_path(name: str) -> Path:
    """The embedded model's folder, built on first use (the pretrained bases: shipped with the package)."""
    if name in PRETRAINED:
        return pretrained_path(name)
    target = cache_dir() / "embedded" / f"{name.removeprefix(EMBEDDED_PREFIX)}-{_spec_hash(name)}"
    if not (target / "ptlab-embedded.json").exists():
        if _in_process_group():
            _build_in_child(name, target)
        else:
            build_embedded(name, target)
    return target


def _in_process_group() -> bool:
    import torch.distributed as dist

    return dist.is_available() and dist.is_initialized()


def _build_in_child(name: str, target: Path) -> None:
    """build_embedded in a child process, outside the job's process group: inside it,
    transformers' save_pretrained writes nothing on any process but rank 0, so every other
    rank that got to an empty cache first would publish a folder without the model. Each
    rank's child builds it whole; the first rename wins (write_model_folder)."""
    import subprocess
    import sys

    package_root = str(Path(__file__).resolve().parents[1])
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    code = "import sys; from pathlib import Path; from ptlab.models import build_embedded; build_embedded(sys.argv[1], Path(sys.argv[2]))"
    done = subprocess.run([sys.executable, "-c", code, name, str(target)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"building {name} into {target} failed:\n{done.stderr[-4000:]}")


def pretrained_path(name: str) -> Path:
    """A pretrained embedded model's shipped folder; an error saying how to rebuild it when absent."""
    folder = WEIGHTS_DIR / name.removeprefix(EMBEDDED_PREFIX)
    if not (folder / MANIFEST).is_file():
        raise ModelFamilyError(f"model.name {name!r}: its weights are not in this installation ({folder}); rebuild them with `python -m ptlab pretrain --base {name.removeprefix(EMBEDDED_PREFIX)}` (docs/base-model.md)")
    return folder


def resolve_model_path(name: str) -> str:
    """A local folder for embedded models; the name or path unchanged otherwise."""
    return str(embedded_path(name)) if name.startswith(EMBEDDED_PREFIX) else name


def is_vision_model(name: str, revision: str | None = None, trust_remote_code: bool = False) -> bool:
    """An image-text-to-text model (its config has a vision tower); a LoRA checkpoint answers for its base."""
    from transformers import AutoConfig

    path = resolve_model_path(name)
    if (Path(path) / "adapter_config.json").exists():
        return is_vision_model(*adapter_base(Path(path)), trust_remote_code)
    config = AutoConfig.from_pretrained(path, revision=revision, trust_remote_code=trust_remote_code)
    return getattr(config, "vision_config", None) is not None


def adapter_base(folder: Path) -> tuple[str, str | None]:
    """The model a LoRA checkpoint's adapters sit on, and its revision (adapter_config.json)."""
    config = json.loads((folder / "adapter_config.json").read_text())
    base = config["base_model_name_or_path"]
    if Path(base).is_absolute() and not Path(base).exists():
        raise ModelFamilyError(
            f"{folder / 'adapter_config.json'}: the adapters' base model {base} (base_model_name_or_path) is not on this machine: copy that "
            "folder (the model, or the Init checkpoint their run trained on) here and set base_model_name_or_path to where it is"
        )
    return base, config.get("revision")


def load_tokenizer(name: str, revision: str | None = None, trust_remote_code: bool = False) -> Any:
    """The tokenizer, or for image-text-to-text models the processor (see ptlab/chat.py)."""
    from transformers import AutoProcessor, AutoTokenizer

    _quiet_transformers()
    path = resolve_model_path(name)
    if is_vision_model(name, revision, trust_remote_code):
        processor = AutoProcessor.from_pretrained(path, revision=revision, trust_remote_code=trust_remote_code)
        if processor.tokenizer.pad_token is None:
            processor.tokenizer.pad_token = processor.tokenizer.eos_token
        return processor
    tokenizer = AutoTokenizer.from_pretrained(path, revision=revision, trust_remote_code=trust_remote_code)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def disable_dropout(model: Any) -> int:
    """Sets every dropout of `model` to 0 (its torch Dropout modules, LoRA's among them, and the
    attention layers' rate, `attention_dropout` or `dropout`, which transformers applies in
    training mode), as TRL's
    PPO does: the update's forwards then compute the function the rollout sampled from and
    scoring scored. Returns how many were above 0."""
    import torch

    dropped = 0
    for module in model.modules():
        if isinstance(module, torch.nn.modules.dropout._DropoutNd) and module.p > 0:
            module.p, dropped = 0.0, dropped + 1
        for rate in ("attention_dropout", "dropout"):  # the attention's own rate: CLIP's and Mllama's attention keep it as `dropout`
            if isinstance(getattr(module, rate, None), float) and getattr(module, rate) > 0:
                setattr(module, rate, 0.0)
                dropped += 1
    return dropped


def torch_dtype(dtype: str, device: str) -> Any:
    """model.dtype as torch's: "auto" is bf16 on a CUDA GPU that has it ("cuda", or "cuda:N" as
    each process of a distributed launch names its own), else fp32."""
    import torch

    if dtype == "auto":
        return torch.bfloat16 if device.startswith("cuda") and torch.cuda.is_bf16_supported() else torch.float32
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[dtype]


def load_causal_lm(name: str, dtype: str = "auto", device: str = "cpu", revision: str | None = None, trust_remote_code: bool = False, **options: Any) -> Any:
    """A causal LM or image-text-to-text model by name or folder. A LoRA checkpoint
    (adapter_config.json) loads onto its base unmerged, its adapters frozen (a peft
    PeftModel): every consumer computes what its run trained. Merged into bf16 weights, an
    update of about the learning rate rounds away for most of them (merged in fp32 and cast
    to bf16, alike)."""
    from transformers import AutoModelForCausalLM, AutoModelForImageTextToText

    _quiet_transformers()
    path = resolve_model_path(name)
    if (Path(path) / "adapter_config.json").exists():
        return _load_adapters(Path(path), dtype, device, trust_remote_code, **options)
    auto = AutoModelForImageTextToText if is_vision_model(name, revision, trust_remote_code) else AutoModelForCausalLM
    _require_generative(auto, path, revision, trust_remote_code)
    model = auto.from_pretrained(path, revision=revision, dtype=torch_dtype(dtype, device), trust_remote_code=trust_remote_code, **options)
    return model.to(device)


def _load_adapters(folder: Path, dtype: str, device: str, trust_remote_code: bool, **options: Any) -> Any:
    """A LoRA checkpoint's adapters on its base, unmerged and frozen."""
    from peft import PeftModel

    base, revision = adapter_base(folder)
    if (Path(resolve_model_path(base)) / "adapter_config.json").exists():
        model = _merged_adapter_base(folder, base, dtype, device, trust_remote_code, **options)
    else:
        model = load_causal_lm(base, dtype, device, revision, trust_remote_code, **options)
    return PeftModel.from_pretrained(model, str(folder)).to(device)


def _merged_adapter_base(folder: Path, base: str, dtype: str, device: str, trust_remote_code: bool, **options: Any) -> Any:
    """The base of a LoRA checkpoint whose base is a LoRA checkpoint too (adapters on adapters:
    a LoRA run from a LoRA Init, trained before ptlab continued Init's adapters, put fresh ones
    on Init merged): that base with its adapters merged, as the run trained on it; in fp32 only."""
    import torch

    if torch_dtype(dtype, device) != torch.float32:
        raise ModelFamilyError(
            f"{folder}: its base {base} is a LoRA checkpoint too (adapters on adapters: a LoRA run from a LoRA Init, trained before ptlab continued "
            f"Init's adapters), whose adapters it trained on merged; in {str(torch_dtype(dtype, device)).removeprefix('torch.')} the merge rounds most of "
            'their update away. Load it in fp32 (model.dtype "fp32"), or export it (ptlab export merges in fp32)'
        )
    return merged(load_causal_lm(base, dtype, device, None, trust_remote_code, **options))


def merged(model: Any) -> Any:
    """`model` with its LoRA adapters (a LoRA checkpoint's, loaded unmerged) merged into its
    weights, a plain model; for fp32 weights only, where their update survives the merge."""
    from peft import PeftModel

    return model.merge_and_unload() if isinstance(model, PeftModel) else model


def _require_generative(auto: Any, path: str, revision: str | None, trust_remote_code: bool) -> None:
    """Fail at load, before any weights are read, when transformers has no `auto` class for
    the checkpoint's model type (an encoder such as BERT, or a family this version lacks)."""
    import transformers
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(path, revision=revision, trust_remote_code=trust_remote_code)
    remote = trust_remote_code and auto.__name__ in (getattr(config, "auto_map", None) or {})
    if type(config) in auto._model_mapping or remote:
        return
    raise ModelFamilyError(
        f"model {path}: model_type {config.model_type!r} (architectures {getattr(config, 'architectures', None)}) has no {auto.__name__} class in transformers "
        f"{transformers.__version__}; ptlab trains decoder-only causal LMs and image-text-to-text models. Use such a checkpoint, or a newer transformers if the family is recent"
    )


@runlog.busy()  # a first download can take an hour: the job is not stalled
def load(spec: Any, device: str, folder: Path | None = None, **options: Any) -> tuple[Any, Any]:
    """The experiment's model (config.Model) and its tokenizer or processor: from a local
    folder (a checkpoint or Init) when given, else `spec.name` at `spec.revision`; in
    `spec.dtype`, trusting remote code as `spec.trustRemoteCode` says."""
    source, revision = (str(folder), None) if folder is not None else (spec.name, spec.revision)
    tokenizer = load_tokenizer(source, revision, spec.trustRemoteCode)
    template = getattr(tokenizer, "chat_template", None) or getattr(getattr(tokenizer, "tokenizer", None), "chat_template", None)
    if not isinstance(template, str):
        kind = "processor" if hasattr(tokenizer, "image_processor") else "tokenizer"
        raise ModelFamilyError(f"model {source}: its {kind} has no chat template (a single template string), which every prompt and SFT mask is rendered with; use the instruct checkpoint, or set one (save it as chat_template.jinja in the model folder)")
    if spec.attention == "varlen":
        from ptlab import attention

        attention.register()
    if spec.attention != "auto":
        options = {"attn_implementation": spec.attention, **options}
    try:
        model = load_causal_lm(source, spec.dtype, device, revision, spec.trustRemoteCode, **options)
    except ImportError as exc:
        if spec.attention == "auto":
            raise
        raise ModelFamilyError(f"model.attention {spec.attention!r}: {exc} Install its package on a CUDA machine, or use \"sdpa\"") from exc
    if spec.attention == "varlen":
        attention.attach(model)
    return model, tokenizer


@runlog.busy()
def load_trainable(spec: Any, device: str, init: Path | None, checkpoint: Path | None, seed: int) -> tuple[Any, Any]:
    """The model to train and its tokenizer or processor: the checkpoint when resuming, else
    Init, else the model by name. With LoRA (spec.lora), the adapters of that checkpoint or
    Init where it holds some train on (unmerged: the model is the one it was), else fresh
    ones (from `seed`) on it."""
    if spec.attention == "flex_attention" and not device.startswith("cuda"):
        raise ModelFamilyError(f"model.attention \"flex_attention\" cannot train on {device}: PyTorch's FlexAttention has no backward pass there; use \"sdpa\" (or \"auto\"), and flex_attention on a CUDA GPU")
    if spec.attention == "varlen" and device.startswith("cuda"):
        from ptlab.attention import kernel_missing

        missing = kernel_missing()
        if missing:
            raise ModelFamilyError(f'model.attention "varlen" cannot train on {device}: {missing}; use "sdpa", or a newer PyTorch')
    if spec.ligerKernel and not device.startswith("cuda"):
        raise ModelFamilyError(f"model.ligerKernel cannot run on {device}: Liger's kernels are Triton kernels for CUDA GPUs; set it to false here")
    source = checkpoint if checkpoint is not None else init
    model, tokenizer = load(spec, device, source)
    if spec.lora is None:
        model = _full_weights(model, spec, device, source)
    if refused := output_head_adapter_refused(model, spec):
        raise ModelFamilyError(refused)
    if spec.ligerKernel:
        apply_liger_kernels(_plain(model))
    if spec.lora is not None:
        model = add_lora(model, spec.lora, seed, source or spec.name, spec.revision if source is None else None)
    if (checkpointing := spec.checkpointing()) is not None:
        model.activation_checkpointing_enable(**checkpointing)  # transformers 5.x: gradient_checkpointing_enable is its deprecated alias
    return model, tokenizer


def _full_weights(model: Any, spec: Any, device: str, init: Path | None) -> Any:
    """What full fine-tuning trains from a LoRA Init: its adapters merged, in fp32 only. Merged
    into bf16 or fp16 weights an update of about the learning rate rounds away for most of them
    (merged in fp32 and cast, alike): the run would start from another model than Init."""
    import torch

    if _plain(model) is model:
        return model
    if torch_dtype(spec.dtype, device) != torch.float32:
        raise ModelFamilyError(
            f"{init} holds LoRA adapters, which full fine-tuning (no model.lora) merges into the weights it trains; in model.dtype {spec.dtype!r} "
            f"({str(torch_dtype(spec.dtype, device)).removeprefix('torch.')} here) the merge rounds most of their update away. "
            'Set model.dtype to "fp32", or train with model.lora as Init was (its adapters train on, unmerged)'
        )
    return merged(model).requires_grad_(True)  # peft froze the base weights


def output_head_adapter_refused(model: Any, spec: Any) -> str | None:
    """model.lora.targetModules naming the output head's weight, where an adapter there is not
    what trains or what loads: a head that shares its weight with the input embeddings
    (tie_word_embeddings: tiny-lm, Llama 3.2 1B and 3B, Qwen2.5-0.5B) merges an adapter on
    either into both, and Liger's fused cross-entropy reads the head's weight past the
    adapter. peft's ensure_weight_tying merges no better."""
    plain = _plain(model)
    head = plain.get_output_embeddings()
    if spec.lora is None or head is None:
        return None
    targeted = _targeted_modules(model, spec.lora)
    names = {module: name for name, module in plain.named_modules()}
    embeddings = plain.get_input_embeddings()
    tied = head.weight is embeddings.weight
    if tied and names[head] in targeted:
        return (
            f"model.lora.targetModules: {names[head]}, the output head, shares its weight with the input embeddings (tie_word_embeddings): its adapter's update, "
            "merged (ONNX export, full fine-tuning from the checkpoint), lands in both, and the merged model is not the one trained; leave it out"
        )
    if tied and names[embeddings] in targeted:
        return (
            f"model.lora.targetModules: {names[embeddings]}, the input embeddings, share their weight with the output head (tie_word_embeddings): its adapter's update, "
            "merged (ONNX export, full fine-tuning from the checkpoint), changes the output head too, and the merged model is not the one trained; leave it out"
        )
    if spec.ligerKernel and names[head] in targeted:
        return (
            f"model.lora.targetModules: {names[head]}, the output head, under model.ligerKernel: Liger's fused cross-entropy (SFT's loss) reads its weight itself, "
            "past the adapter, which would not train; leave it out, or set model.ligerKernel to false"
        )
    return None


def _plain(model: Any) -> Any:
    """The transformers model under a LoRA wrapper (peft's PeftModel), or `model` itself."""
    from peft import PeftModel

    return model.get_base_model() if isinstance(model, PeftModel) else model


LIGER_VERSION = "0.8.5"
LIGER_MODEL_TYPES = ("llama", "qwen2")  # whose Liger forward the tests run (bench/liger_check.py, test_liger.py)


def apply_liger_kernels(model: Any, **kernels: bool) -> None:
    """model.ligerKernel: Liger's kernels patched into this model instance (RMSNorm and SwiGLU
    modules, the family's rotary embedding function, and a forward that, given `shift_labels`
    in training, returns the fused linear cross-entropy without computing logits: sft.predicted_loss).
    `kernels` turns single ones off (tests on CPU run the fused cross-entropy alone, in
    Triton's interpreter). Before LoRA wraps the model: its forward is the patched one."""
    model_type = model.config.model_type
    if model_type not in LIGER_MODEL_TYPES:
        raise ModelFamilyError(f"model.ligerKernel: checked for model types {' and '.join(LIGER_MODEL_TYPES)} (the Llama 3 and Qwen2.5 replicas' tests, the embedded models), not {model_type!r}; set it to false")
    try:
        from liger_kernel.transformers.monkey_patch import _apply_liger_kernel_to_instance
    except ImportError as exc:
        raise ModelFamilyError(f"model.ligerKernel needs the liger-kernel package ({exc}): pip install liger-kernel=={LIGER_VERSION} (the trainer's [liger] extra), or set it to false") from exc
    chosen = {"rope": True, "rms_norm": True, "swiglu": True, "fused_linear_cross_entropy": True, "cross_entropy": False, **kernels}
    _apply_liger_kernel_to_instance(model=model, **chosen)


def add_lora(model: Any, lora: Any, seed: int, base: Path | str | None = None, revision: str | None = None) -> Any:
    """`model` with trainable LoRA adapters (config.Lora), its base weights frozen. A LoRA
    checkpoint's model (a PeftModel: a resumed run's, or a LoRA Init's) trains its own
    adapters on, which `lora` must describe. Fresh adapters draw their random A matrices from
    `seed` (apart from the job's stream: two runs of one config start alike) and name `base`
    as what they sit on, at `revision`: model.name and model.revision (an embedded model by its
    name, which resolves on any machine: peft would name this one's cache folder), or Init's
    folder."""
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model

    if isinstance(model, PeftModel):
        return _adapters_trained_on(model, lora, base)
    targets = list(lora.targetModules) if lora.targetModules else "all-linear"
    device = next(model.parameters()).device
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        wrapped = get_peft_model(model, LoraConfig(r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout, target_modules=targets, task_type="CAUSAL_LM", revision=revision))
    if base is not None:
        wrapped.peft_config["default"].base_model_name_or_path = str(base)
    return wrapped


def _adapters_trained_on(model: Any, lora: Any, folder: Path | None) -> Any:
    """A LoRA checkpoint's adapters (loaded frozen) made trainable, when model.lora describes
    them: training them on keeps the checkpoint one set of adapters on one base."""
    config = model.peft_config["default"]
    wanted = {"r": lora.r, "alpha": lora.alpha, "dropout": lora.dropout}
    held = {"r": config.r, "alpha": config.lora_alpha, "dropout": config.lora_dropout}
    differing = [f"{field} {wanted[field]} (the adapters': {held[field]})" for field in wanted if wanted[field] != held[field]]
    adapted = _adapted_modules(model)
    if _targeted_modules(model, lora) != adapted:
        asked = json.dumps(list(lora.targetModules)) if lora.targetModules else "absent (every linear layer)"
        differing.append(f"targetModules {asked} (the adapters sit on {json.dumps(sorted({name.rsplit('.', 1)[-1] for name in adapted}))})")
    if differing:
        raise ModelFamilyError(
            f"model.lora: {folder} holds LoRA adapters, which a LoRA run from it trains on, and model.lora describes others: {'; '.join(differing)}. "
            "Set model.lora as that checkpoint's run had it"
        )
    model.set_requires_grad("default", True)
    config.inference_mode = False
    return model


def _adapted_modules(model: Any) -> set[str]:
    """The names of the modules a PeftModel's LoRA adapters sit on."""
    from peft.tuners.lora import LoraLayer

    return {name for name, module in _plain(model).named_modules() if isinstance(module, LoraLayer)}


def _targeted_modules(model: Any, lora: Any) -> set[str]:
    """The names of the modules fresh adapters of `lora` would sit on, as peft matches them
    (model.lora.targetModules by name's end, or every linear layer but the output head)."""
    from peft import LoraConfig
    from peft.tuners.tuners_utils import _maybe_include_all_linear_layers, check_target_module_exists

    config = LoraConfig(r=lora.r, target_modules=list(lora.targetModules) if lora.targetModules else "all-linear", task_type="CAUSAL_LM")
    config = _maybe_include_all_linear_layers(config, _plain(model))  # peft's own "all-linear" (version pinned)
    return {name for name, _ in _plain(model).named_modules() if name and check_target_module_exists(config, name)}


def is_checkpoint(folder: Path) -> bool:
    """A model folder: full weights (config.json) or LoRA adapters (adapter_config.json)."""
    return (folder / "config.json").exists() or (folder / "adapter_config.json").exists()


def hidden_size(model: Any) -> int:
    """The language model's hidden size (image-text-to-text configs keep it in their text config)."""
    return model.config.get_text_config().hidden_size


def parameter_count(model: Any) -> int:
    """N of 6 N D: the model's parameters, LoRA's adapters left out (a LoRA run's model, and
    ptlab eval's of its checkpoint, count as the base model: the same weights plot at the same
    GFLOPs). Under ZeRO-3 a parameter's own tensor is this process's shard (loaded
    partitioned): DeepSpeed keeps the whole one's size as ds_numel."""
    return sum(getattr(p, "ds_numel", p.numel()) for name, p in model.named_parameters() if "lora_" not in name)


def visual_tokens_per_image(model: Any) -> int:
    """Tokens an image adds to what a step processes beyond its input_ids. 0 where the processor
    expands the image placeholder into the image's tokens (LLaVA, Qwen2-VL: input_ids already
    hold them). A cross-attention model (Mllama) keeps one <|image|> token in input_ids and
    attends to its vision encoder's patches: (image_size / patch_size)^2 per image, 1,600 for
    Llama-3.2-Vision, the count the reference adds per training forward with an image (its
    tiles, up to 4, and class tokens are not counted, as there)."""
    config = model.config
    if getattr(config, "model_type", None) == "mllama":
        vision = config.vision_config
        return (vision.image_size // vision.patch_size) ** 2
    return 0
