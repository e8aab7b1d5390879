"""Local inference speed: the extension's onnxruntime-node decoder against Python
onnxruntime on the same exported model and prompts (greedy, KV cache, batch 1).

    npm run bench:inference [-- --size small|tiny --new-tokens 64 --repeats 3]

Builds a random-weight Llama with the embedded tokenizer (no download), exports it with
`ptlab.export`, times `ptlab.export.greedy_onnx` (the Python loop) and bench/inference.ts
(the TypeScript loop, compiled to out/bench/inference.js), checks they produce the same
tokens, and prints tokens/s and the ratio (target: TypeScript/Python >= 0.9).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES = {
    # the embedded tiny-lm's own shape; weights large enough that greedy tokens vary (both
    # loops then do the same real work) and small enough for the export's 1e-3 parity check
    "tiny": {"initializer_range": 0.5},
    "small": {"hidden_size": 512, "intermediate_size": 1408, "num_hidden_layers": 8, "num_attention_heads": 8, "num_key_value_heads": 4, "initializer_range": 0.12},
}


def build(size: str, folder: Path) -> Path:
    import torch
    from transformers import LlamaForCausalLM

    from ptlab import models

    models._quiet_transformers()
    base = Path(models.resolve_model_path("embedded:tiny-lm"))
    config = LlamaForCausalLM.config_class.from_pretrained(base)
    for key, value in SIZES[size].items():
        setattr(config, key, value)
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(folder)
    models.load_tokenizer(str(base)).save_pretrained(folder)
    return folder


def prompts(tokenizer, count: int) -> list[list[int]]:
    from ptlab import chat
    from ptlab.envs import generalpoints as gp

    config = gp.GeneralPointsConfig()
    return [chat.encode(tokenizer, [chat.user_message(gp.prompt(config, gp.deal(config, seed)))], [], generation_prompt=True)["input_ids"] for seed in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--prompts", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import onnxruntime as ort
    from transformers import AutoTokenizer

    from ptlab import models
    from ptlab.export import export_onnx, greedy_onnx

    with tempfile.TemporaryDirectory() as tmp:
        checkpoint = build(args.size, Path(tmp) / "checkpoint")
        onnx = export_onnx(checkpoint, Path(tmp) / "onnx", "Cards: 4, 5, J, Q")
        metadata = json.loads((onnx / "ptlab-onnx.json").read_text())
        metadata["stopTokens"] = []  # both sides generate exactly --new-tokens
        batch = prompts(AutoTokenizer.from_pretrained(checkpoint), args.prompts)
        prompts_file = Path(tmp) / "prompts.json"
        prompts_file.write_text(json.dumps(batch))

        session = ort.InferenceSession(str(onnx / "model.onnx"), providers=["CPUExecutionProvider"])
        greedy_onnx(session, metadata, batch[0], args.new_tokens)
        python_outputs, python_seconds, python_tokens = [], 0.0, 0
        for repeat in range(args.repeats):
            for ids in batch:
                start = time.perf_counter()
                out = greedy_onnx(session, metadata, ids, args.new_tokens)
                python_seconds += time.perf_counter() - start
                python_tokens += len(out)
                if repeat == 0:
                    python_outputs.append(out)

        node = subprocess.run(["node", str(REPO / "out" / "bench" / "inference.js"), str(onnx), str(prompts_file), str(args.new_tokens), str(args.repeats)], capture_output=True, text=True, check=True)
        ts = json.loads(node.stdout)
        parameters = models.parameter_count(models.load_causal_lm(str(checkpoint), "fp32"))

    python_rate = python_tokens / python_seconds
    ts_rate = ts["tokens"] / ts["seconds"]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; onnxruntime {ort.__version__} (Python) vs onnxruntime-node")
    print(f"model: {args.size} random-weight Llama, {parameters / 1e6:.1f}M parameters; {args.prompts} GeneralPoints prompts ({len(batch[0])} tokens) x {args.repeats}, {args.new_tokens} new tokens each, greedy, batch 1")
    print(f"{'runtime':<22}{'tokens/s':>10}")
    print(f"{'Python onnxruntime':<22}{python_rate:>10.1f}")
    print(f"{'onnxruntime-node (TS)':<22}{ts_rate:>10.1f}")
    print(f"ratio TS/Python: {ts_rate / python_rate:.2f} (target >= 0.9)")
    same = ts["outputs"] == python_outputs
    print(f"same greedy tokens: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
