"""PPO rollouts against the reference's loop (issue 18: at least 10x its throughput on the same
model and machine, in the same run).

    .venv/bin/python bench/rollout_reference.py [--updates 2] [--init CHECKPOINT] [--reference-steps 64]
    python3 bench/rollout_reference.py --size 0.5b --reference-steps 128     # a GPU: a 0.5B Qwen2 shape
    .venv/bin/python bench/rollout_reference.py --config CONFIG             # a config's model and recipe

`ptlab`: `ptlab ppo` in this process on the demo's PPO config (ptlab.demo: 128 episodes per
round in groups of 4, GP-L with 5 attempts, 64 new tokens, sampled at 0.7) from
`embedded:gp-base` (or `--init`; `--size`: bench/gpu_trainer.py's Qwen2-shaped model with
random weights, whose answers all run to the token limit; `--config`: an experiment config
of one's own), its
rollouts (ppo.collect) timed: batched generate calls, each revision round prefilling only
what is new, log-probs recorded while sampling. Its transitions and answer tokens are those
each rollout generated (with group advantages, whole waves: more than the stepsPerUpdate
that the update then trains on), counted when collect returns.

`reference`: the loop of the paper's code (LeslieTrue/SFTvsRL, rl/trainer/llama_trainer.py
collect_trajectories and model_tz_llama.py act_oneline): one environment, one step at a time;
each step a generate call for one prompt (sampled at the temperature, returning its scores and
hidden states), then a forward pass over prompt and answer with the hidden states for the
value head and the answer's log-probs; the answer goes to the environment, and a finished
episode is replaced by the next. The same model, dtype, device, environment, episode seeds,
temperature and token limit as `ptlab`'s; the chats are the environment's own (ptlab's
messages), so both loops read the same prompts.

Prints one JSON line per loop (seconds, transitions, answer tokens, and their rates) and the
ratio of ptlab's rates to the reference's. The loops sample different answers, so the
answer-token rate is the fairer figure; both are wall-clock on this machine."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from ptlab import chat, cli, episodes, models, seeds
from ptlab import ppo as ppo_module
from ptlab.config import experiment_from_dict
from ptlab.generation import Generation

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ppo_update import config as demo_config  # noqa: E402


def experiment_data(args: argparse.Namespace, workdir: Path) -> tuple[dict[str, Any], Path]:
    if args.size:  # bench/gpu_trainer.py's Qwen2-shaped model with random weights, in bf16 on a GPU
        from gpu_trainer import build_model

        parameters = build_model(args.size, workdir / "model")
        data = demo_config(None, args.updates)
        data["model"].update(name=str(workdir / "model"), dtype="bf16" if torch.cuda.is_available() else "fp32")
        print(json.dumps({"bench": "rollout-reference-model", "size": args.size, "parameters": parameters, "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"}), flush=True)
        return data, Path.cwd()
    if args.config:
        path = Path(args.config).resolve()
        data = json.loads(path.read_text())
        data.pop("evaluation", None)
        data["ppo"]["updates"] = args.updates
        return data, path.parent
    return demo_config(args.init, args.updates), Path.cwd()


def run_ptlab(data: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """`ptlab ppo` with its rollouts timed."""
    collect = ppo_module.collect
    rollouts: list[tuple[float, int, int]] = []  # seconds, transitions, answer tokens

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        rollout = collect(*args, **kwargs)
        # counted now: with group advantages ppo.train then cuts rollout.transitions to the
        # stepsPerUpdate it trains on, while the seconds went into every wave generated
        rollouts.append((time.perf_counter() - start, len(rollout.transitions), sum(len(t.response_ids) for t in rollout.transitions)))
        return rollout

    path = workdir / "ptlab.ptlab.json"
    path.write_text(json.dumps({**data, "logging": {"tokenRecordRate": 0}}))
    ppo_module.collect = timed
    try:
        if cli.main(["ppo", "--config", str(path), "--run-dir", str(workdir / "ptlab")]) != 0:
            raise SystemExit("the ptlab PPO run failed")
    finally:
        ppo_module.collect = collect
    seconds, transitions, tokens = (sum(column) for column in zip(*rollouts))
    return summary("ptlab", seconds, transitions, tokens, rollouts=len(rollouts))


def run_reference(data: dict[str, Any], base_dir: Path, steps: int) -> dict[str, Any]:
    """The reference's collect_trajectories on ptlab's model, environment and chats."""
    experiment = experiment_from_dict(data, base_dir / "reference.ptlab.json")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    folder = experiment.resolve(experiment.ppo.init) if experiment.ppo.init else None
    model, tokenizer = models.load(experiment.model, device, folder)
    model.eval()
    text = chat.text_tokenizer(tokenizer)
    value_head = torch.nn.Linear(models.hidden_size(model), 1, device=device, dtype=next(model.parameters()).dtype)
    cfg = experiment.ppo
    source = ppo_module.EpisodeSource(experiment.environment_for(None).episodes(experiment.base_dir), seeds.ppo_episode_base(experiment.seed), 1, 0, 1)
    state = {"episodesStarted": 0}
    slot = source.open(state)
    eos = model.generation_config.eos_token_id
    stops = set(eos if isinstance(eos, list) else [eos])
    tokens = 0
    start = time.perf_counter()
    for _ in range(steps):
        encoded = chat.encode(tokenizer, slot.messages, chat.images_in(slot.messages), generation_prompt=True)
        inputs = torch.tensor([list(encoded["input_ids"])], device=device)
        with torch.no_grad():
            out = model.generate(input_ids=inputs, attention_mask=torch.ones_like(inputs), max_new_tokens=cfg.maxNewTokens, do_sample=True, temperature=cfg.temperature, top_k=0, top_p=1.0,
                                 output_scores=True, output_hidden_states=True, return_dict_in_generate=True, pad_token_id=text.pad_token_id if text.pad_token_id is not None else text.eos_token_id)
            answer_ids = out.sequences[:, inputs.shape[1]:]
            whole = model(input_ids=out.sequences, attention_mask=torch.ones_like(out.sequences), output_hidden_states=True)
            value = value_head(whole.hidden_states[-1][:, inputs.shape[1] - 1])
            log_probs = torch.log_softmax(whole.logits.float() / cfg.temperature, dim=-1)
            answer_logprob = log_probs[:, inputs.shape[1] - 1 : -1].gather(2, answer_ids.unsqueeze(2)).sum()
            float(value), float(answer_logprob)  # the reference stores both per step (rollouts.insert)
        ids = answer_ids[0].tolist()
        tokens += len(ids)
        stopped = bool(ids) and ids[-1] in stops
        step = episodes.advance(slot, Generation(text.decode(ids, skip_special_tokens=True), inputs.shape[1], tuple(ids), stopped))
        if step.done:
            slot = source.open(state)
    if device == "cuda":
        torch.cuda.synchronize()
    return summary("reference", time.perf_counter() - start, steps, tokens, device=device)


def summary(loop: str, seconds: float, transitions: int, tokens: int, **extra: Any) -> dict[str, Any]:
    return {"bench": "rollout-reference", "loop": loop, "seconds": round(seconds, 2), "transitions": transitions, "answerTokens": tokens,
            "transitionsPerSecond": round(transitions / seconds, 3), "answerTokensPerSecond": round(tokens / seconds, 1), **extra}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2, help="ptlab PPO updates (each one rollout)")
    parser.add_argument("--init", help="a checkpoint to start from (default: embedded:gp-base)")
    parser.add_argument("--size", help="bench/gpu_trainer.py's model of this size (0.5b, ...) with random weights instead of gp-base")
    parser.add_argument("--config", help="an experiment config instead of the demo's (its model, environment and ppo section)")
    parser.add_argument("--reference-steps", type=int, default=64, help="steps of the reference's loop (one generate call each)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data, base_dir = experiment_data(args, Path(tmp))
        ours = run_ptlab(data, Path(tmp))
        theirs = run_reference(data, base_dir, args.reference_steps)
    for result in (ours, theirs):
        print(json.dumps(result))
    print(json.dumps({"bench": "rollout-reference-ratio", "transitionsPerSecond": round(ours["transitionsPerSecond"] / theirs["transitionsPerSecond"], 2),
                      "answerTokensPerSecond": round(ours["answerTokensPerSecond"] / theirs["answerTokensPerSecond"], 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
