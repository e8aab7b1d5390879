"""Plain PyTorch/transformers training and generation: issue 18's baseline for our loops. The
model is bench/gpu_trainer.py's (gpu_trainer.build_model: its Qwen2 shape, the embedded
tokenizer's vocabulary, the tying of the real Qwen2.5 model of that size; random weights are
fine for speed) and the training rows are `ptlab sft`'s there: the GP-L examples of its
config, in the trainer's order, `--batch` per step (its sft.globalBatchSize), each step's rows
right-padded to its longest. MFU against the GPU's bf16 dense peak.

    python3 bench/gpu_train.py --size 0.5b          # on an H100/H200
    .venv/bin/python bench/gpu_train.py --size tiny --batch 2 --steps 2   # a CPU smoke run of the same code

Prints JSON lines: the device and model (the header gpu_table.py compares with the trainer's:
it refuses to set a baseline on another model beside ours), then train (forward + backward +
AdamW step, bf16 autocast, gradient checkpointing off) and generate (batched greedy decoding
with the KV cache, random prompts of 128 tokens). MFU = achieved FLOPs / peak, with 6 N per
training token (the rows' own tokens, padding not counted, as the trainer counts them) and 2 N
per generated one; N = flops_parameters.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

# Qwen2.5-style shapes (no weights are downloaded: the model is built from its config), tied as
# the real models are (Qwen2.5-0.5B, -1.5B and -3B tie their embeddings; -7B does not)
SIZES = {
    "tiny": dict(hidden_size=128, intermediate_size=352, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, vocab_size=2048, tie_word_embeddings=True),
    "0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True),
    "1.5b": dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12, num_key_value_heads=2, vocab_size=151936, tie_word_embeddings=True),
}


def peak_tflops(name: str) -> float | None:
    """The bf16 dense TFLOP/s of the GPU `name` (torch.cuda.get_device_name) from NVIDIA's data
    sheets (half their with-sparsity figures): H100 SXM ("H100 80GB HBM3") and H200 989, the
    PCIe and NVL cards 756 and 835, A100 312; None for a GPU not listed (no MFU then)."""
    upper = name.upper()
    if "H100" in upper or "H200" in upper:
        if "NVL" in upper:
            return 835.0
        if "PCIE" in upper:
            return 756.0 if "H100" in upper else None
        if "H200" in upper or "SXM" in upper or "HBM3" in upper:
            return 989.0
        return None
    return 312.0 if "A100" in upper else None


def flops_parameters(parameters: int, vocab_size: int, hidden_size: int, tied: bool) -> int:
    """N of the bench's MFU (6 N per trained token, 2 N per forwarded one): the parameters a
    token's forward multiplies by. `parameters` counts a tied matrix once. The input embedding
    is only looked up: it counts when it is also the output head (tied), not when it is a
    matrix of its own. (The run's compute records keep the spec's N, every parameter.)"""
    return parameters if tied else parameters - vocab_size * hidden_size


def model_facts(folder: Path) -> dict[str, Any]:
    """What gpu_table.py compares between a baseline and our runs, and the N their MFU uses,
    of a model gpu_trainer.build_model saved in `folder`."""
    config = json.loads((folder / "config.json").read_text())
    parameters = int(json.loads((folder / "parameters.json").read_text())["parameters"])
    tied = bool(config.get("tie_word_embeddings", True))
    shape = {key: config[key] for key in ("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "vocab_size")}
    return {"parameters": parameters, "flopsParameters": flops_parameters(parameters, config["vocab_size"], config["hidden_size"], tied), "tieWordEmbeddings": tied, **shape}


def synchronize(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def trainer_rows(model_dir: Path, size: str, batch: int, steps: int) -> list[list[list[int]]]:
    """`ptlab sft`'s rows in bench/gpu_trainer.py's run, step by step: its config's examples,
    tokenized and ordered as the trainer does."""
    from gpu_trainer import experiment as trainer_experiment

    from ptlab import data, models, sft
    from ptlab.config import experiment_from_dict

    options = argparse.Namespace(size=size, sft_steps=steps, sft_batch=batch, sft_micro=None, ppo_updates=1, ppo_steps=1, ppo_envs=1, ppo_minibatch=1, kv_cache="dynamic", attention="auto", compile=False, liger=False, padding_free=False, shared_prefixes=False, head_chunk=0, group_size=0)
    with tempfile.TemporaryDirectory() as tmp:
        experiment = experiment_from_dict(trainer_experiment(model_dir, options, False), Path(tmp) / "bench.ptlab.json")
        tokenizer = models.load_tokenizer(str(model_dir))
        max_length = experiment.model.maxLength or sft.DEFAULT_MAX_LENGTH
        examples = [sft.tokenize(tokenizer, example["messages"], max_length, Path(tmp)) for example in data.sft_examples(experiment, Path(tmp))]
    order = sft.data_order(experiment.sft, examples, experiment.seed, max_length)
    rows, position = [], 0
    for _ in range(steps):
        step, position = order.step(position)
        rows.append([examples[i].input_ids for row in step for i in row])
    return rows


def padded(rows: list[list[int]], pad_id: int, device: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded ids, their mask and labels (the padding not predicted)."""
    width = max(map(len, rows))
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row)] = 1
    labels = ids.masked_fill(mask == 0, -100)
    return ids.to(device), mask.to(device), labels.to(device)


def main() -> None:
    from transformers import Qwen2ForCausalLM

    from gpu_trainer import build_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="0.5b")
    parser.add_argument("--batch", type=int, default=32, help="rows per step (bench/gpu_trainer.py's --sft-batch)")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--gen-batch", type=int, default=64)
    parser.add_argument("--gen-tokens", type=int, default=256)
    args = parser.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "model"
        build_model(args.size, folder)
        facts = model_facts(folder)
        steps = trainer_rows(folder, args.size, args.batch, args.steps + 2)
        model = Qwen2ForCausalLM.from_pretrained(folder, dtype=torch.float32).to(device)
    config = model.config
    n = facts["flopsParameters"]
    peak = peak_tflops(name)
    print(json.dumps({"device": name, "size": args.size, "parameters": facts["parameters"], "model": facts, "bf16PeakTflops": peak, "torch": torch.__version__}))

    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=device == "cuda")
    batches = [padded(rows, config.pad_token_id or 0, device) for rows in steps]
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    for step, (ids, mask, labels) in enumerate(batches):
        if step == 2:  # two warm-up steps
            synchronize(device)
            start = time.perf_counter()
        with torch.autocast(device_type=device, dtype=dtype, enabled=device == "cuda"):
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    synchronize(device)
    seconds = time.perf_counter() - start
    tokens = sum(len(row) for rows in steps[2:] for row in rows)
    achieved = 6 * n * tokens / seconds / 1e12
    print(json.dumps({"bench": "train", "tokensPerSecond": tokens / seconds, "achievedTflops": achieved, "mfu": achieved / peak if peak else None, "batch": args.batch, "meanRowTokens": round(tokens / (args.batch * args.steps), 1), "paddingFraction": round(1 - tokens / sum(b[0].numel() for b in batches[2:]), 4)}))

    model = model.to(dtype).eval()
    prompt = torch.randint(0, config.vocab_size, (args.gen_batch, 128), device=device)
    unpadded = {"attention_mask": torch.ones_like(prompt)}  # random ids include the pad token's
    with torch.no_grad():
        for _ in range(2):  # full-length warm-ups: the first calls run several times slower (bench/gpu_generate.py)
            model.generate(prompt, **unpadded, max_new_tokens=args.gen_tokens, min_new_tokens=args.gen_tokens, do_sample=False)
        synchronize(device)
        start = time.perf_counter()
        out = model.generate(prompt, **unpadded, max_new_tokens=args.gen_tokens, min_new_tokens=args.gen_tokens, do_sample=False)
        synchronize(device)
    seconds = time.perf_counter() - start
    generated = (out.shape[1] - prompt.shape[1]) * args.gen_batch
    achieved = 2 * n * generated / seconds / 1e12
    print(json.dumps({"bench": "generate", "newTokensPerSecond": generated / seconds, "achievedTflops": achieved, "mfu": achieved / peak if peak else None, "batch": args.gen_batch}))


if __name__ == "__main__":
    main()
