"""Random-weight replicas of the model families researchers train, built locally.

Each replica is a real checkpoint folder of its family as `from_pretrained` reads it: the
family's transformers classes and processor, its special tokens where the family puts them
(after the text vocabulary; Mllama's `<|image|>` just past the language model's vocabulary,
as in Llama 3.2 Vision), its end-of-turn tokens in generation_config.json, and its chat
template in the family's own format (no `{% generation %}` markers unless the family ships
them, no tokens of ours). Only the sizes are tiny and the weights random; the BPE
vocabulary is trained on the environments' text so prompts stay short.

    python -m ptlab replica mllama --out models/mllama-tiny

They test every model path of the trainer on CPU (trainer/tests/test_families.py) and give
the GPU checks a model of each architecture without a download.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable

REPLICA_VERSION = 7  # bump when a replica changes (the cache is keyed by it)
MARKER = "ptlab-replica.json"

LLAMA3_SPECIAL = ["<|begin_of_text|>", "<|end_of_text|>", "<|finetune_right_pad_id|>", "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>", "<|python_tag|>"]

# Llama 3.2 Instruct's (and Llama 3.2 Vision Instruct's) choice of the system turn's date, as
# published: the caller's `date_string`, else today's, else a fixed one. The trainer and the
# extension pass `date_string` (chat.TEMPLATE_DATE), so a prompt is the same ids on every day.
LLAMA32_DATE = (
    "{%- if not date_string is defined %}"
    "{%- if strftime_now is defined %}"
    '{%- set date_string = strftime_now("%d %b %Y") %}'
    "{%- else %}"
    '{%- set date_string = "26 Jul 2024" %}'
    "{%- endif %}"
    "{%- endif %}"
)

# Llama 3.2 Instruct's template without its tool-calling branches.
LLAMA3_TEMPLATE = (
    "{{- bos_token }}"
    + LLAMA32_DATE
    + "{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content']|trim %}{%- set messages = messages[1:] %}"
    "{%- else %}{%- set system_message = '' %}{%- endif %}"
    "{{- '<|start_header_id|>system<|end_header_id|>\\n\\n' }}"
    "{{- 'Cutting Knowledge Date: December 2023\\n' }}"
    "{{- 'Today Date: ' + date_string + '\\n\\n' }}"
    "{{- system_message }}"
    "{{- '<|eot_id|>' }}"
    "{%- for message in messages %}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}"
)

# Llama 3.2 Vision Instruct's template without its tool-calling branches: no system turn when
# the chat has images, `<|image|>` where the image item is.
MLLAMA_TEMPLATE = (
    "{{- bos_token }}"
    + LLAMA32_DATE
    + "{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content']|trim %}{%- set messages = messages[1:] %}"
    "{%- else %}{%- set system_message = '' %}{%- endif %}"
    "{%- set image_ns = namespace(has_images=false) %}"
    "{%- for message in messages %}{%- if message['content'] is not string %}{%- for content in message['content'] %}"
    "{%- if content['type'] == 'image' %}{%- set image_ns.has_images = true %}{%- endif %}"
    "{%- endfor %}{%- endif %}{%- endfor %}"
    "{%- if image_ns.has_images and not system_message == '' %}{{- raise_exception('Prompting with images is incompatible with system messages.') }}{%- endif %}"
    "{%- if not image_ns.has_images %}"
    "{{- '<|start_header_id|>system<|end_header_id|>\\n\\n' }}"
    "{{- 'Cutting Knowledge Date: December 2023\\n' }}"
    "{{- 'Today Date: ' + date_string + '\\n\\n' }}"
    "{{- system_message }}"
    "{{- '<|eot_id|>' }}"
    "{%- endif %}"
    "{%- for message in messages %}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
    "{%- if message['content'] is string %}{{- message['content'] }}"
    "{%- else %}{%- for content in message['content'] %}"
    "{%- if content['type'] == 'image' %}{{- '<|image|>' }}{%- elif content['type'] == 'text' %}{{- content['text'] }}{%- endif %}"
    "{%- endfor %}{%- endif %}"
    "{{- '<|eot_id|>' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}"
)

QWEN_SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
QWEN_VL_SPECIAL = QWEN_SPECIAL + ["<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"]

# Qwen2.5 Instruct's template without its tool-calling branches.
QWEN25_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}"
    "{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- for message in messages %}"
    "{%- if (message.role == 'user') or (message.role == 'system' and not loop.first) or (message.role == 'assistant') %}"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)

# Qwen2-VL Instruct's template (images only; its video branch dropped).
QWEN2VL_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}"
    "{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}"
    "<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}"
    "{% endfor %}<|im_end|>\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

LLAVA_SPECIAL_FIRST = ["<unk>", "<s>", "</s>"]
# llava-hf/llava-1.5's template, as shipped (it has generation markers; replies end with a
# space, not with </s>).
LLAVA_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] != 'system' %}{{ message['role'].upper() + ': '}}{% endif %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>\\n' }}{% endfor %}"
    "{% if message['role'] != 'assistant' %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] + ' '}}{% endfor %}"
    "{% else %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{% generation %}{{ content['text'] + ' '}}{% endgeneration %}{% endfor %}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)

TEXT = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 8192}
BPE_VOCAB = 1024


def _bpe(first: list[str]) -> Any:
    """A byte-level BPE on the environments' text, `first` special tokens at ids 0.. (the rest come after the vocabulary)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    from ptlab.models import environment_corpus

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=BPE_VOCAB, special_tokens=first, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(environment_corpus(seeds=80), trainer=trainer)
    return tokenizer


def _tokenizer(special_after: list[str], first: list[str] = (), **tokens: str | None) -> Any:
    """The family's tokenizer; with a `bos_token` it adds it to what it reads with its special
    tokens, as the real Llama 3 and Llama 2 (LLaVA 1.5) tokenizers' post-processors do."""
    from tokenizers import processors
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(tokenizer_object=_bpe(list(first)), **{k: v for k, v in tokens.items() if v is not None})
    tokenizer.add_special_tokens({"additional_special_tokens": [t for t in special_after if t not in tokenizer.get_vocab()]})
    if (bos := tokens.get("bos_token")) is not None:
        tokenizer.backend_tokenizer.post_processor = processors.TemplateProcessing(single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, tokenizer.convert_tokens_to_ids(bos))])
    return tokenizer


def _ids(tokenizer: Any, *tokens: str) -> list[int]:
    return [tokenizer.convert_tokens_to_ids(t) for t in tokens]


LLAMA_SAMPLING = {"do_sample": True, "temperature": 0.6, "top_p": 0.9}
QWEN25_SAMPLING = {"do_sample": True, "temperature": 0.7, "top_p": 0.8, "top_k": 20, "repetition_penalty": 1.05}  # Qwen2.5-Instruct's generation_config.json
QWEN2VL_SAMPLING = {"do_sample": True, "temperature": 0.01, "top_p": 0.001, "top_k": 1, "repetition_penalty": 1.0}  # Qwen2-VL-Instruct's: greedy in effect (top_k 1)


def _generation_config(eos: list[int], pad: int | None, bos: int | None, sampling: dict[str, Any] = LLAMA_SAMPLING) -> Any:
    from transformers import GenerationConfig

    return GenerationConfig(bos_token_id=bos, eos_token_id=eos if len(eos) > 1 else eos[0], pad_token_id=pad, **sampling)


def llama3() -> tuple[Any, Any, Any]:
    """Llama 3.x Instruct: LlamaForCausalLM, header tokens, <|eot_id|> ends a turn, no pad token."""
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = _tokenizer(LLAMA3_SPECIAL, bos_token="<|begin_of_text|>", eos_token="<|eot_id|>")
    tokenizer.chat_template = LLAMA3_TEMPLATE
    bos, end, eom, eot = _ids(tokenizer, "<|begin_of_text|>", "<|end_of_text|>", "<|eom_id|>", "<|eot_id|>")
    config = LlamaConfig(**{**TEXT, "max_position_embeddings": 131072}, vocab_size=len(tokenizer), bos_token_id=bos, eos_token_id=[end, eom, eot], tie_word_embeddings=True, rope_parameters={"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192})
    return LlamaForCausalLM(config), tokenizer, _generation_config([end, eom, eot], None, bos)


def qwen25() -> tuple[Any, Any, Any]:
    """Qwen2.5 Instruct: Qwen2ForCausalLM, ChatML, no bos token, <|im_end|> ends a turn."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = _tokenizer(QWEN_SPECIAL, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.chat_template = QWEN25_TEMPLATE
    end, im_end = _ids(tokenizer, "<|endoftext|>", "<|im_end|>")
    config = Qwen2Config(**TEXT, vocab_size=len(tokenizer), bos_token_id=end, eos_token_id=im_end, tie_word_embeddings=True)
    return Qwen2ForCausalLM(config), tokenizer, _generation_config([im_end, end], end, end, QWEN25_SAMPLING)


def mllama() -> tuple[Any, Any, Any]:
    """Llama 3.2 Vision: a tiled vision encoder feeding cross-attention layers; `<|image|>`
    is one token just past the language model's vocabulary, and the processor returns
    aspect-ratio ids and masks and a cross-attention mask next to the pixels."""
    from transformers import MllamaConfig, MllamaForConditionalGeneration, MllamaImageProcessor, MllamaProcessor

    tokenizer = _tokenizer(LLAMA3_SPECIAL, bos_token="<|begin_of_text|>", eos_token="<|eot_id|>", pad_token="<|finetune_right_pad_id|>")
    text_vocab = len(tokenizer)
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|image|>"]})
    bos, end, eom, eot, pad, image = _ids(tokenizer, "<|begin_of_text|>", "<|end_of_text|>", "<|eom_id|>", "<|eot_id|>", "<|finetune_right_pad_id|>", "<|image|>")
    assert image == text_vocab
    side = 56
    vision = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_global_layers": 1, "attention_heads": 2, "image_size": side, "patch_size": 14, "max_num_tiles": 2, "intermediate_layers_indices": [0], "vision_output_dim": 64, "supported_aspect_ratios": [[1, 1], [1, 2], [2, 1]]}
    text = {**TEXT, "num_hidden_layers": 3, "cross_attention_layers": [1], "vocab_size": text_vocab, "bos_token_id": bos, "eos_token_id": [end, eom, eot], "pad_token_id": pad}
    config = MllamaConfig(vision_config=vision, text_config=text, image_token_index=image)
    processor = MllamaProcessor(MllamaImageProcessor(size={"height": side, "width": side}, max_image_tiles=2), tokenizer, chat_template=MLLAMA_TEMPLATE)
    model = MllamaForConditionalGeneration(config)
    # Mllama opens its cross-attention gates at zero (tanh(0) = 0: images have no effect until
    # trained); a trained checkpoint's are open, so the replica's are too.
    import torch

    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith(("cross_attn_attn_gate", "cross_attn_mlp_gate")):
                parameter.fill_(1.0)
    return model, processor, _generation_config([end, eom, eot], pad, bos)


def qwen2_vl() -> tuple[Any, Any, Any]:
    """Qwen2-VL: a ViT over 14-pixel patches merged 2x2, `<|image_pad|>` expanded to one
    token per merged patch, `image_grid_thw` per image, multimodal rotary positions."""
    from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration, Qwen2VLImageProcessor, Qwen2VLProcessor, Qwen2VLVideoProcessor

    tokenizer = _tokenizer(QWEN_VL_SPECIAL, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    end, im_end, image, video, vision_start, vision_end = _ids(tokenizer, "<|endoftext|>", "<|im_end|>", "<|image_pad|>", "<|video_pad|>", "<|vision_start|>", "<|vision_end|>")
    head_half = TEXT["hidden_size"] // TEXT["num_attention_heads"] // 2
    text = {**TEXT, "vocab_size": len(tokenizer), "bos_token_id": end, "eos_token_id": im_end, "rope_parameters": {"rope_type": "default", "mrope_section": [head_half - 2 * (head_half // 3), head_half // 3, head_half // 3], "rope_theta": 1000000.0}}
    vision = {"depth": 2, "embed_dim": 32, "hidden_size": TEXT["hidden_size"], "num_heads": 2, "mlp_ratio": 2, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2}
    config = Qwen2VLConfig(text_config=text, vision_config=vision, image_token_id=image, video_token_id=video, vision_start_token_id=vision_start, vision_end_token_id=vision_end, tie_word_embeddings=True)
    image_processor = Qwen2VLImageProcessor(min_pixels=56 * 56, max_pixels=112 * 112)
    processor = Qwen2VLProcessor(image_processor=image_processor, tokenizer=tokenizer, video_processor=Qwen2VLVideoProcessor(), chat_template=QWEN2VL_TEMPLATE)
    return Qwen2VLForConditionalGeneration(config), processor, _generation_config([im_end, end], end, end, QWEN2VL_SAMPLING)


def llava() -> tuple[Any, Any, Any]:
    """LLaVA 1.5: CLIP vision tower, projector, Llama; `<image>` expanded to one token per patch."""
    from transformers import CLIPImageProcessor, CLIPVisionConfig, LlamaConfig, LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor

    tokenizer = _tokenizer(["<image>", "<pad>"], first=LLAVA_SPECIAL_FIRST, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>")
    bos, eos, pad, image = _ids(tokenizer, "<s>", "</s>", "<pad>", "<image>")
    side = 56
    image_processor = CLIPImageProcessor(size={"shortest_edge": side}, crop_size={"height": side, "width": side})
    processor = LlavaProcessor(image_processor=image_processor, tokenizer=tokenizer, patch_size=14, vision_feature_select_strategy="default", num_additional_image_tokens=1, image_token="<image>", chat_template=LLAVA_TEMPLATE)
    config = LlavaConfig(
        vision_config=CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, image_size=side, patch_size=14, projection_dim=32),
        text_config=LlamaConfig(**TEXT, vocab_size=len(tokenizer), bos_token_id=bos, eos_token_id=eos, pad_token_id=pad),
        image_token_id=image,
        vision_feature_select_strategy="default",
        vision_feature_layer=-2,
    )
    return LlavaForConditionalGeneration(config), processor, _generation_config([eos], pad, bos)


FAMILIES: dict[str, Callable[[], tuple[Any, Any, Any]]] = {"llama3": llama3, "qwen2.5": qwen25, "mllama": mllama, "qwen2-vl": qwen2_vl, "llava": llava}
VISION_FAMILIES = ("mllama", "qwen2-vl", "llava")


def out_refused(target: Path) -> str | None:
    """Why `ptlab replica --out` cannot be `target` (resolved), which build replaces whole: a
    file, a folder of files that are not a replica's, or the current folder (or one holding it)."""
    if target.exists() and not target.is_dir():
        return f"{target}: a file, not a folder; --out is the replica's folder: pass a new one"
    if Path.cwd().is_relative_to(target):
        return f"{target}: the current folder (or one holding it), which --out would replace whole; pass a new folder"
    if target.is_dir() and not (target / MARKER).is_file() and any(target.iterdir()):
        return f"{target}: a folder with files that are not a replica's (no {MARKER}); --out replaces its folder whole, so pass a new or empty folder, or a replica's"
    return None


def build(family: str, target: Path, seed: int = 0, replace: bool = True) -> Path:
    """Write the family's replica (model, tokenizer or processor, generation config) to
    `target`, replacing what is there (or, `replace` False, keeping a folder already built)."""
    import torch

    from ptlab.models import _quiet_transformers, write_model_folder

    if family not in FAMILIES:
        raise ValueError(f"unknown model family {family!r}; replicas exist for {', '.join(FAMILIES)}")
    _quiet_transformers()
    torch.manual_seed(seed)
    model, encoder, generation_config = FAMILIES[family]()
    model.generation_config = generation_config
    return write_model_folder(model, encoder, target, {"family": family, "version": REPLICA_VERSION, "seed": seed}, MARKER, replace)


def replica_path(family: str, cache: Path | None = None) -> Path:
    """The family's replica in the cache, built on first use."""
    from ptlab.models import cache_dir

    stamp = hashlib.sha256(json.dumps([family, REPLICA_VERSION, TEXT, BPE_VOCAB]).encode()).hexdigest()[:10]
    target = (cache or cache_dir()) / "replicas" / f"{family}-{stamp}"
    if not (target / MARKER).exists():
        build(family, target, replace=False)
    return target
