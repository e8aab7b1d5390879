"""`ptlab plan`'s measurements against real runs of the same steps at a size that fits.

For each config, the planner's fake-tensor peak of a training micro-batch (SFT or PPO) and of a
generate call's prefill is printed next to the same step run for real with random weights: on
a GPU, the peak its caching allocator reports; on CPU, the planner's own storage tracker
(plan._PeakBytes, the same one as the fake side's) over real tensors: there the check is of the
fake tensors' shapes and lifetimes, not of the tracker, which a test compares with the torch
profiler's allocation totals. Nothing is held between the rows; the ratio fake / real is the
planner's error there. With --mixed-precision both sides run as an accelerate launch in that
precision computes (plan.Precision: autocast, the trained module's outputs back in fp32): the
fake side under CPU autocast, as `ptlab plan` measures, the real one under the device's, so
on a GPU the ratio is what CUDA's autocast (other ops kept in fp32) changes.

    .venv/bin/python bench/plan_check.py examples/tiny.ptlab.json [--device cuda] [--dtype bf16] [--mixed-precision bf16]
    python3 bench/plan_check.py examples/paper/gp-vl/3-rl.ptlab.json --device cuda --jobs ppo,generate \
        --micro-batch 1 --generate-rows 8 --model-config DIR/config.json --tokenizer DIR   # DIR: bench/paper_model_files.py
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "trainer"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("configs", nargs="+")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", help="override model.dtype (e.g. bf16 on a GPU)")
    parser.add_argument("--mixed-precision", choices=["no", "bf16", "fp16"], default="no", help="measure as a launch with this launcher.mixedPrecision computes (DDP's autocast)")
    parser.add_argument("--model-config", help="a config.json to use instead of the config's model (its sizes)")
    parser.add_argument("--tokenizer", help="a tokenizer or processor folder for the lengths")
    parser.add_argument("--jobs", default="sft,ppo,generate", help="which of sft, ppo, generate (comma-separated)")
    parser.add_argument("--micro-batch", type=int, help="override sft.microBatchSize and ppo.microBatchSize")
    parser.add_argument("--generate-rows", type=int, help="rows of the generate call (default: the rollout's)")
    args = parser.parse_args()
    import torch

    from ptlab import plan
    from ptlab.config import load_experiment
    from ptlab.models import load_tokenizer, resolve_model_path

    print(f"# machine: {platform.processor() or platform.machine()}, torch {torch.__version__}, device {args.device}" + (f" ({torch.cuda.get_device_name()})" if args.device == "cuda" else ""))
    print("config, stage, rows x tokens, planned (fake) MiB, real MiB, fake / real, seconds fake, seconds real")
    for path in args.configs:
        experiment = load_experiment(Path(path))
        if args.dtype:
            experiment = dataclasses.replace(experiment, model=dataclasses.replace(experiment.model, dtype=args.dtype))
        if args.micro_batch:
            experiment = dataclasses.replace(experiment, sft=dataclasses.replace(experiment.sft, microBatchSize=args.micro_batch), ppo=dataclasses.replace(experiment.ppo, microBatchSize=args.micro_batch))
        config = plan.model_config(experiment, Path(args.model_config) if args.model_config else None)
        encoder = load_tokenizer(args.tokenizer or resolve_model_path(experiment.model.name))
        jobs = args.jobs.split(",")
        precision = plan.Precision(None if args.mixed_precision == "no" else args.mixed_precision)
        stages = [(job, lambda fake, job=job: plan.measure_training_step(experiment, config, encoder, job, fake=fake, device=args.device, precision=precision)[:3]) for job in ("sft", "ppo") if job in jobs]
        rows = args.generate_rows or min(experiment.model.generateBatch, experiment.ppo.parallelEnvs)
        if "generate" in jobs:
            stages.append(("generate", lambda fake: (lambda peak, tokens: (peak, rows, tokens))(*plan.measure_generation(experiment, config, encoder, rows, experiment.ppo.maxNewTokens, fake=fake, device=args.device, precision=precision))))
        for name, measure in stages:
            started = time.perf_counter()
            fake, n, tokens = measure(True)
            fake_seconds = time.perf_counter() - started
            started = time.perf_counter()
            real = measure(False)[0]
            real_seconds = time.perf_counter() - started
            if args.device == "cuda":
                torch.cuda.empty_cache()
            print(f"{path}, {name}, {n} x {tokens}, {fake / 2**20:.1f}, {real / 2**20:.1f}, {fake / real:.3f}, {fake_seconds:.1f}, {real_seconds:.1f}", flush=True)


if __name__ == "__main__":
    main()
