"""Trainer speed on the embedded tiny model, this machine (CPU unless CUDA is present).

`.venv/bin/python bench/trainer_cpu.py` prints SFT training tokens/s (20 steps of 16
sequences) and batched rollout generation tokens/s (GeneralPoints prompts, greedy, 96 new
tokens, batches of 8 and 32), as JSON lines.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from ptlab import chat, models
from ptlab.envs import generalpoints as gp

ROOT = Path(__file__).resolve().parents[1]


def sft_tokens_per_second(workdir: Path) -> dict:
    config = json.loads((ROOT / "examples" / "tiny.ptlab.json").read_text())
    config["sft"].update(steps=20, globalBatchSize=16, microBatchSize=16, saveEverySteps=1000)
    config["sft"]["data"]["examples"] = 400
    config.pop("evaluation")
    path = workdir / "bench.ptlab.json"
    path.write_text(json.dumps(config))
    run = workdir / "sft"
    subprocess.run([sys.executable, "-m", "ptlab", "sft", "--config", str(path), "--run-dir", str(run)], check=True, capture_output=True)
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    steady = [r for r in records if r["step"] > 2]
    tokens = sum(r["compute"]["trainTokens"] for r in steady[-1:]) - steady[0]["compute"]["trainTokens"]
    seconds = steady[-1]["wallSeconds"] - steady[0]["wallSeconds"]
    return {"bench": "sft", "tokensPerSecond": tokens / seconds, "steps": len(steady) - 1, "sequencesPerStep": 16}


def rollout_tokens_per_second(batch: int, new_tokens: int = 96) -> dict:
    tokenizer = models.load_tokenizer("embedded:tiny-lm")
    model = models.load_causal_lm("embedded:tiny-lm", "fp32", "cuda" if torch.cuda.is_available() else "cpu").eval()
    tokenizer.padding_side = "left"
    config = gp.GeneralPointsConfig()
    texts = [chat.render(tokenizer, [chat.user_message(gp.prompt(config, gp.deal(config, s)))], [], generation_prompt=True) for s in range(batch)]
    inputs = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
    with torch.no_grad():
        model.generate(**inputs, max_new_tokens=4, min_new_tokens=4, do_sample=False, pad_token_id=tokenizer.pad_token_id)  # warm-up
        start = time.perf_counter()
        out = model.generate(**inputs, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False, pad_token_id=tokenizer.pad_token_id)
        seconds = time.perf_counter() - start
    generated = (out.shape[1] - inputs["input_ids"].shape[1]) * batch
    return {"bench": "rollout", "batch": batch, "newTokensPerSecond": generated / seconds, "promptTokens": int(inputs["attention_mask"].sum())}


if __name__ == "__main__":
    print(json.dumps({"machine": os.uname().machine, "cpus": os.cpu_count(), "torchThreads": torch.get_num_threads(), "cuda": torch.cuda.is_available()}))
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(sft_tokens_per_second(Path(tmp))))
    for batch in (8, 32):
        print(json.dumps(rollout_tokens_per_second(batch)))
