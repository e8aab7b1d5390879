"""The paper's model, Llama-3.2-11B-Vision-Instruct, as the files `ptlab plan` reads (no weights):
its config.json and its processor, for planning the paper presets on a machine without the
Hugging Face hub.

    .venv/bin/python bench/paper_model_files.py --out ~/.cache/ptlab-tools/llama-3.2-11b-vision
    .venv/bin/python -m ptlab plan examples/paper/gp-vl/3-rl.ptlab.json \\
        --model-config ~/.cache/ptlab-tools/llama-3.2-11b-vision/config.json --tokenizer ~/.cache/ptlab-tools/llama-3.2-11b-vision

The config: transformers' MllamaConfig, whose defaults are the 11B's text and vision sizes
(hidden 4,096, 40 layers with cross-attention at 3, 8, ..., 38, 32 heads, 8 key/value heads,
vocabulary 128,256; vision hidden 1,280, 32 + 8 global layers, 4 tiles) but for the tile
size, 560 in the released model (448 by default): 10,670,220,835 parameters. The tokenizer:
Meta's own Llama 3 BPE ranks (tokenizer.model, in Meta's `llama-models` package on PyPI,
pinned by version and hash below), converted by transformers' TikTokenConverter, with the
256 reserved special tokens of Llama 3.1 and `<|image|>` after them as in the released
processor; the chat template and image processor settings are those of the released model
(ptlab.replicas.MLLAMA_TEMPLATE; 560 x 560 tiles, at most 4).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

LLAMA_MODELS = "llama-models==0.3.0"
TOKENIZER_MEMBER = "llama_models/llama3/tokenizer.model"
TOKENIZER_SHA256 = "82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55"
# Llama 3.1's special tokens at 128,000 on; every other one of the 256 is reserved.
NAMED_SPECIAL = {0: "<|begin_of_text|>", 1: "<|end_of_text|>", 4: "<|finetune_right_pad_id|>", 6: "<|start_header_id|>", 7: "<|end_header_id|>", 8: "<|eom_id|>", 9: "<|eot_id|>", 10: "<|python_tag|>"}


def tokenizer_model(cache: Path) -> Path:
    """Meta's tokenizer.model, from the pinned llama-models wheel (downloaded once into `cache`)."""
    target = cache / "llama3-tokenizer.model"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", LLAMA_MODELS, "--no-deps", "--dest", str(cache), "--quiet"], check=True)
        (wheel,) = cache.glob("llama_models-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(TOKENIZER_MEMBER)
        temporary = target.with_suffix(".part")
        temporary.write_bytes(data)
        temporary.replace(target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    if digest != TOKENIZER_SHA256:
        raise SystemExit(f"{target}: sha256 {digest}, expected {TOKENIZER_SHA256}; delete it and run again")
    return target


def llama3_tokenizer(model_file: Path):
    from transformers import PreTrainedTokenizerFast
    from transformers.convert_slow_tokenizer import TikTokenConverter

    ranks = {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in model_file.read_text().splitlines() if line)}

    class Converter(TikTokenConverter):
        @staticmethod
        def load_tiktoken_bpe(_url: str) -> dict[bytes, int]:
            return ranks

    special = [NAMED_SPECIAL.get(i, f"<|reserved_special_token_{i}|>") for i in range(256)]
    backend = Converter(vocab_file=str(model_file), extra_special_tokens=special).converted()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, bos_token="<|begin_of_text|>", eos_token="<|eot_id|>", pad_token="<|finetune_right_pad_id|>")
    assert tokenizer.convert_tokens_to_ids("<|begin_of_text|>") == 128000 and len(tokenizer) == 128256
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|image|>"]})
    return tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "ptlab-tools" / "llama-models")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "trainer"))
    from transformers import MllamaConfig, MllamaImageProcessor, MllamaProcessor

    from ptlab.replicas import MLLAMA_TEMPLATE

    tokenizer = llama3_tokenizer(tokenizer_model(args.cache))
    image = tokenizer.convert_tokens_to_ids("<|image|>")
    eos = [tokenizer.convert_tokens_to_ids(t) for t in ("<|end_of_text|>", "<|eom_id|>", "<|eot_id|>")]
    config = MllamaConfig(vision_config={"image_size": 560}, text_config={"bos_token_id": 128000, "eos_token_id": eos, "pad_token_id": 128004}, image_token_index=image)
    args.out.mkdir(parents=True, exist_ok=True)
    config.save_pretrained(args.out)
    MllamaProcessor(MllamaImageProcessor(size={"height": 560, "width": 560}, max_image_tiles=4), tokenizer, chat_template=MLLAMA_TEMPLATE).save_pretrained(args.out)
    print(f"{args.out}: config.json (Llama-3.2-11B-Vision sizes) and its processor (Meta's Llama 3 tokenizer)")


if __name__ == "__main__":
    main()
