"""Our own SFT and PPO loops (python -m ptlab sft / ppo) on a real architecture at 0.5B
parameters with random weights, on the GPU: tokens/s and MFU read from the run's metric
records, the numbers a user sees on the dashboard.

    .venv/bin/python bench/gpu_trainer.py --size 0.5b     # on an H100/H200
    .venv/bin/python bench/gpu_trainer.py --size tiny     # a CPU smoke run of the same code

The model is Qwen2-shaped (bench/gpu_train.py's sizes) with the embedded tokenizer's
vocabulary, saved to a temporary folder (once per size under $PTLAB_BENCH_MODELS when set) and named in an experiment config derived from
examples/tiny.ptlab.json. Random weights answer garbage, so every PPO turn runs to
maxNewTokens: the rollout numbers are the worst case for length. Prints JSON lines: the
device and model (gpu_train.model_facts), then a line per job.
MFU = FLOPs computed between the first and last steady records / seconds / bf16 peak, with
N = gpu_train.flops_parameters (the plain baseline's rule): SFT 6N per token its steps trained
on (compute.trainTokens, padding not counted); PPO 6N per token its training passes read plus
2N per position its generate calls forwarded (perf/generation_forwarded_tokens: prompt tokens
not read from a KV cache, a group's shared prompt once, answer tokens fed back; padding not
counted). Not the run's compute.gflops: by the spec's convention that charges 2N for every
prompt token of every generation (compute.inferenceTokens, printed too), which the dynamic
cache reads once. tokensPerSecond counts the same tokens. Each job's
line also has the peak CUDA memory of its steps (perf/peak_memory_gib), the spread of its steady
steps' own seconds (stepSeconds: min, median, max), the wall seconds per step outside them
(betweenStepsSeconds: writing records and the run manifest, while the GPU waits) and, for SFT, the padded share of the
positions its forwards read; for PPO, the steady updates' seconds by stage, generation's share of them and the update phase's own MFU (6N per token its passes
read over the training seconds). `--attention`, `--padding-free` and `--compile` set model.attention, sft.paddingFree and ppo.paddingFree, and model.compile;
`--liger` model.ligerKernel (Liger's RMSNorm, RoPE, SwiGLU and SFT's fused cross-entropy);
`--group-size N` trains PPO with group advantages (groups of N episodes on one hand), and
`--shared-prefixes` then reads each group's first prompt once per pass (ppo.sharedPrefixes).
`--head-chunk N` runs PPO's LM head on N response tokens at a time (ppo.headChunk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_train import SIZES, model_facts, peak_tflops  # noqa: E402

from ptlab import models  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def build_model(size: str, folder: Path) -> int:
    """A random Qwen2 model of `size` with the embedded tokenizer, saved in `folder`. With
    PTLAB_BENCH_MODELS set (bench/gpu_check.sh sets it), each size is built once there and
    `folder` links to it: the benchmarks of one lease read the same weights, and a step does not
    spend its seconds building them again."""
    cache = os.environ.get("PTLAB_BENCH_MODELS")
    if not cache:
        return _build(size, folder)
    cached = Path(cache) / size
    if not (cached / "config.json").exists():
        staging = Path(tempfile.mkdtemp(prefix=f".{size}-", dir=_made(Path(cache))))
        _build(size, staging)
        shutil.rmtree(cached, ignore_errors=True)  # a half-written one from a stopped step
        staging.rename(cached)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(cached.resolve(), target_is_directory=True)
    return int(json.loads((cached / "parameters.json").read_text())["parameters"])


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _build(size: str, folder: Path) -> int:
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = models.load_tokenizer("embedded:tiny-lm")
    shape = {**SIZES[size], "vocab_size": len(tokenizer)}
    config = Qwen2Config(**shape, max_position_embeddings=4096, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    parameters = sum(p.numel() for p in model.parameters())
    (folder / "parameters.json").write_text(json.dumps({"parameters": parameters}))
    return parameters


def experiment(model_dir: Path, args: argparse.Namespace, device_is_cuda: bool) -> dict:
    config = json.loads((ROOT / "examples" / "tiny.ptlab.json").read_text())
    config["name"] = f"gpu-bench-{args.size}"
    config["model"] = {"name": str(model_dir), "kind": "causal-lm", "dtype": "bf16" if device_is_cuda else "fp32", "kvCache": args.kv_cache, "generateBatch": args.ppo_envs, "attention": args.attention, "compile": args.compile, "ligerKernel": args.liger}
    config["sft"].update(steps=args.sft_steps, globalBatchSize=args.sft_batch, microBatchSize=args.sft_micro or args.sft_batch, saveEverySteps=100_000, learningRate=1e-5, paddingFree=args.padding_free)
    config["sft"]["data"]["examples"] = args.sft_batch * (args.sft_steps + 1)
    config["ppo"].update(init=None, updates=args.ppo_updates, stepsPerUpdate=args.ppo_steps, parallelEnvs=args.ppo_envs, miniBatchSize=args.ppo_minibatch, epochs=2, saveEverySteps=100_000, maxNewTokens=96, paddingFree=args.padding_free, sharedPrefixes=args.shared_prefixes, headChunk=args.head_chunk)
    if args.group_size:
        config["ppo"].update(advantage="group", groupSize=args.group_size)
    del config["ppo"]["init"]
    del config["evaluation"]
    return config


def run(command: str, config_path: Path, run_dir: Path) -> tuple[list[dict], float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ptlab", command, "--config", str(config_path), "--run-dir", str(run_dir)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"ptlab {command} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    records = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return [r for r in records if r.get("kind") == "train"], time.perf_counter() - started


def computed(name: str, records: list[dict]) -> tuple[int, int]:
    """The steady records' (after the first) trained tokens and generation's forwarded
    positions: what their FLOPs were spent on."""
    trained = records[-1]["compute"]["trainTokens"] - records[0]["compute"]["trainTokens"]
    forwarded = sum(int(r["metrics"]["perf/generation_forwarded_tokens"]) for r in records[1:]) if name == "ppo" else 0
    return trained, forwarded


def summarize(name: str, records: list[dict], peak: float | None, wall: float, flops_parameters: int) -> dict:
    """Steady state: from the second record to the last (the first carries warm-up)."""
    if len(records) < 3:
        sys.exit(f"{name}: {len(records)} training records; the steady state needs 3 or more (raise --sft-steps / --ppo-updates)")
    first, last = records[1], records[-1]
    seconds = last["wallSeconds"] - first["wallSeconds"]
    trained, forwarded = computed(name, records[1:])
    tokens = trained + forwarded
    achieved = (6 * trained + 2 * forwarded) * flops_parameters / seconds / 1e12
    result = {
        "bench": name,
        "records": len(records),
        "steadySeconds": round(seconds, 3),
        "processSeconds": round(wall, 1),
        "tokensPerSecond": round(tokens / seconds, 1),
        "achievedTflops": round(achieved, 2),
        "mfu": round(achieved / peak, 4) if peak else None,
        "trainerTokensPerSecond": round(sum(r["metrics"]["perf/tokens_per_second"] for r in records[1:]) / (len(records) - 1), 1),
        "stepSeconds": step_seconds(records[1:]),
        "betweenStepsSeconds": between_steps(records[1:]),
    }
    peaks = [r["metrics"]["perf/peak_memory_gib"] for r in records if "perf/peak_memory_gib" in r["metrics"]]
    result["peakMemoryGiB"] = round(max(peaks), 2) if peaks else None
    if name == "sft":
        result["paddingFraction"] = round(sum(r["metrics"]["perf/padding_fraction"] for r in records[1:]) / (len(records) - 1), 4)
    if name == "ppo":
        result["inferenceTokens"] = last["compute"]["inferenceTokens"] - first["compute"]["inferenceTokens"]  # the run's charge
        result["forwardedTokens"] = forwarded
        result["responseTokensMean"] = round(sum(r["metrics"]["rollout/response_tokens_mean"] for r in records[1:]) / (len(records) - 1), 1)
        result.update(update_split(records[2:], flops_parameters, trained, peak))
    return result


def step_seconds(records: list[dict]) -> dict:
    """The spread of the steady steps' (or updates') own seconds: a steady figure far below the
    per-step rates means a few slow steps (new shapes, allocations), not a slow loop."""
    seconds = [later["wallSeconds"] - earlier["wallSeconds"] for earlier, later in zip(records, records[1:])]
    if not seconds:
        return {}
    return {"min": round(min(seconds), 3), "median": round(statistics.median(seconds), 3), "max": round(max(seconds), 3)}


def between_steps(records: list[dict]) -> float | None:
    """Wall seconds per step spent outside the trainer's own step time (its records, the run
    manifest, evaluation checks): time the GPU waits for the host, which no step's rate shows."""
    if len(records) < 2:
        return None
    clock = (dt.datetime.fromisoformat(records[-1]["time"].replace("Z", "+00:00")) - dt.datetime.fromisoformat(records[0]["time"].replace("Z", "+00:00"))).total_seconds()
    return round((clock - (records[-1]["wallSeconds"] - records[0]["wallSeconds"])) / (len(records) - 1), 4)


def update_split(records: list[dict], parameters: int, train_tokens: int, peak: float | None) -> dict:
    """The steady updates' wall time by stage (the trainer's time/* metrics), generation's share
    of it, and the update phase's own MFU: 6N per token its passes read over its seconds."""
    stages = ("generation", "environment", "scoring", "training", "token_records", "checkpoint")
    seconds = {stage: sum(r["metrics"].get(f"time/{stage}_s", 0.0) for r in records) for stage in stages}
    total = sum(seconds.values())
    # the updates after summarize's first steady record: their tokens are the last record's minus that one's
    training_tflops = 6 * parameters * train_tokens / seconds["training"] / 1e12 if seconds["training"] else None
    return {
        "stageSecondsPerUpdate": {stage: round(value / len(records), 3) for stage, value in seconds.items()},
        "generationShare": round(seconds["generation"] / total, 4) if total else None,
        "updateTflops": round(training_tflops, 2) if training_tflops else None,
        "updateMfu": round(training_tflops / peak, 4) if training_tflops and peak else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="0.5b")
    parser.add_argument("--sft-steps", type=int, default=12)
    parser.add_argument("--sft-batch", type=int, default=32)
    parser.add_argument("--ppo-updates", type=int, default=3)
    parser.add_argument("--ppo-steps", type=int, default=128, help="transitions per update")
    parser.add_argument("--ppo-envs", type=int, default=64, help="episodes per generate call")
    parser.add_argument("--ppo-minibatch", type=int, default=16)
    parser.add_argument("--kv-cache", choices=["dynamic", "static", "paged"], default="dynamic", help="model.kvCache (static: compiled decoding on CUDA; paged: continuous batching)")
    parser.add_argument("--jobs", default="sft,ppo", help="which of sft,ppo to run")
    parser.add_argument("--attention", default="auto", help="model.attention (auto, sdpa, flash_attention_2, flex_attention...)")
    parser.add_argument("--padding-free", action="store_true", help="sft.paddingFree and ppo.paddingFree: each micro-batch in one row")
    parser.add_argument("--compile", action="store_true", help="model.compile: torch.compile the training passes")
    parser.add_argument("--liger", action="store_true", help="model.ligerKernel: Liger's Triton kernels (CUDA)")
    parser.add_argument("--sft-micro", type=int, help="sft.microBatchSize (default: the whole batch)")
    parser.add_argument("--group-size", type=int, default=0, help="ppo.advantage group with groups of this many episodes (0: GAE, the default)")
    parser.add_argument("--shared-prefixes", action="store_true", help="ppo.sharedPrefixes: each group's first prompt read once per pass")
    parser.add_argument("--head-chunk", type=int, default=0, help="ppo.headChunk: the LM head on this many response tokens at a time (0: off)")
    args = parser.parse_args()
    cuda = torch.cuda.is_available()
    name = torch.cuda.get_device_name(0) if cuda else "cpu"
    peak = peak_tflops(name)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        parameters = build_model(args.size, work / "model")
        facts = model_facts(work / "model")
        print(json.dumps({"device": name, "size": args.size, "parameters": parameters, "model": facts, "bf16PeakTflops": peak, "torch": torch.__version__, "kvCache": args.kv_cache, "attention": args.attention, "paddingFree": args.padding_free, "compile": args.compile, "groupSize": args.group_size, "sharedPrefixes": args.shared_prefixes, "headChunk": args.head_chunk, "ligerKernel": args.liger, "PYTORCH_CUDA_ALLOC_CONF": os.environ.get("PYTORCH_CUDA_ALLOC_CONF")}), flush=True)
        config_path = work / "bench.ptlab.json"
        config_path.write_text(json.dumps(experiment(work / "model", args, cuda)))
        for command in args.jobs.split(","):
            records, wall = run(command, config_path, work / command)
            print(json.dumps(summarize(command, records, peak, wall, facts["flopsParameters"])), flush=True)


if __name__ == "__main__":
    main()
