"""model.ligerKernel against the model's own code: SFT's loss and gradients, greedy answers and
PPO's scoring pass, on the text families' replicas and an embedded model.

    python bench/liger_check.py --device cuda CASE ...            # every kernel, on a GPU
    TRITON_INTERPRET=1 python bench/liger_check.py CASE ...       # CPU: the fused cross-entropy

CASE: a replica family of ptlab.replicas (llama3, qwen2.5) or an embedded model, `+lora` to
train LoRA adapters. On CUDA every kernel Liger patches in (RMSNorm, RoPE, SwiGLU, the fused
linear cross-entropy); on CPU only the fused cross-entropy runs, in Triton's interpreter
(TRITON_INTERPRET=1, read when a kernel is defined: set it before liger_kernel is imported,
and only in a process of its own): Liger's RMSNorm and SwiGLU kernels fail there (their scalar
arguments arrive as Python floats) and its RoPE kernel is not run there either. test_liger.py
runs the CPU form.

For each case, on two rows of a GP chat in the family's template padded to different
lengths: the summed SFT loss and its gradients with the LM head and cross-entropy
(sft.token_loss_sum) and with Liger's fused loss (fused=True), and how often the LM head ran
as a module (the fused loss reads its weight in chunks instead); without LoRA also greedy
answers and PPO's scoring pass (response log-probs, entropy, values from the hidden states)
through Liger's forward. Exits non-zero when a case's loss or gradients differ beyond the
tolerance (1e-5 relative in fp32 on CPU; 2e-2 on a GPU, where Triton runs fp32 dots as TF32,
and in bf16) or its fused pass ran the LM head. Every model without Liger runs before any with it: the RoPE patch
replaces the family's function for the whole process. Prints one JSON line per case with
the largest differences."""

from __future__ import annotations

import os
import sys
from typing import Any

import torch

import model_check
from model_check import model_path, pad_id
from ptlab import chat, models
from ptlab.config import Lora
from ptlab.envs import generalpoints as gp
from ptlab.sft import IGNORE, token_loss_sum

ON_CPU = {"rope": False, "rms_norm": False, "swiglu": False}  # the fused cross-entropy alone


def chat_rows(encoder: Any) -> tuple[list[tuple[str, list, list[int]]], int]:
    """Two rows: one GP prompt with answers of 6 and 2 tokens; the prompt's length."""
    episode = gp.GeneralPointsEpisode(gp.GeneralPointsConfig(), 5)
    prompt = list(chat.encode(encoder, [chat.user_message(episode.prompt)], [], generation_prompt=True)["input_ids"])
    return [("", [], prompt + answer) for answer in ([40, 41, 42, 43, 44, 45], [50, 51])], len(prompt)


def sft_batch(encoder: Any, device: str) -> dict[str, Any]:
    rows, prompt_length = chat_rows(encoder)
    labels = torch.full((len(rows), max(len(r[2]) for r in rows)), IGNORE, dtype=torch.long)
    for i, (_, _, ids) in enumerate(rows):
        labels[i, prompt_length : len(ids)] = torch.tensor(ids[prompt_length:])
    return {k: v.to(device) for k, v in {**chat.batch_inputs(encoder, rows, pad_id(encoder)), "labels": labels}.items()}


def loaded(path: str, device: str, dtype: str, kernels: dict[str, bool] | None, lora: bool) -> Any:
    model = models.load_causal_lm(path, dtype, device)
    if kernels is not None:
        models.apply_liger_kernels(model, **kernels)
    if lora:
        torch.manual_seed(0)
        model = models.add_lora(model, Lora(r=4, alpha=8, dropout=0.0), seed=0)
    return model


def measure(case: str, device: str, dtype: str, kernels: dict[str, bool] | None) -> dict[str, Any]:
    """One case with the model's own code (kernels None) or Liger's."""
    from ptlab.ppo import PolicyAndValue, Transition, score

    family, _, lora = case.partition("+")
    path = model_path(family)
    encoder = models.load_tokenizer(path)
    model = loaded(path, device, dtype, kernels, bool(lora)).train()
    calls: list[int] = []
    hook = model.get_output_embeddings().register_forward_hook(lambda *_: calls.append(1))
    loss, _ = token_loss_sum(model, sft_batch(encoder, device), fused=kernels is not None)
    hook.remove()
    loss.backward()
    found: dict[str, Any] = {"loss": loss.item(), "lmHeadCalls": len(calls), "gradients": {n: p.grad.float() for n, p in model.named_parameters() if p.requires_grad}}
    if lora:
        return found
    model.eval()
    rows, _ = chat_rows(encoder)
    prompt = torch.tensor([rows[0][2][:-6]], device=device)
    transitions = [Transition(i, ids[:-2], ids[-2:], [1.0, 1.0], 0.0, True, episode=i) for i, (_, _, ids) in enumerate(rows)]
    value = torch.nn.Linear(models.hidden_size(model), 1, device=device, dtype=next(model.parameters()).dtype)
    torch.nn.init.constant_(value.weight, 0.01)
    torch.nn.init.zeros_(value.bias)
    with torch.no_grad():
        found["greedy"] = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=12, do_sample=False, pad_token_id=pad_id(encoder))[0].tolist()
        found["scored"] = score(PolicyAndValue(model, value), transitions, 0.7, pad_id(encoder), with_entropy=True, encoder=encoder)
    return found


def compared(case: str, plain: dict[str, Any], liger: dict[str, Any]) -> dict[str, Any]:
    assert plain["gradients"].keys() == liger["gradients"].keys() and plain["gradients"], "the same trainable parameters, some"
    result = {
        "case": case,
        "loss": plain["loss"],
        "fusedLoss": liger["loss"],
        "lmHeadCalls": plain["lmHeadCalls"],
        "fusedLmHeadCalls": liger["lmHeadCalls"],
        "gradients": len(plain["gradients"]),
        "gradientNorm": max(g.abs().max().item() for g in plain["gradients"].values()),
        "gradientDiff": max((plain["gradients"][n] - liger["gradients"][n]).abs().max().item() for n in plain["gradients"]),
    }
    if "scored" in plain:
        a, b = plain["scored"], liger["scored"]
        result.update(greedySame=plain["greedy"] == liger["greedy"], logprobDiff=(a.token_logprobs - b.token_logprobs).abs().max().item(), valueDiff=(a.values - b.values).abs().max().item(), entropyDiff=(a.entropy - b.entropy).abs().max().item())
    return result


def main() -> None:
    args = model_check.arguments(__doc__, "fp32 compares closely; bf16 is what trains")
    on_cpu = not args.device.startswith("cuda")
    if on_cpu and os.environ.get("TRITON_INTERPRET") != "1":
        sys.exit("on CPU, run with TRITON_INTERPRET=1: Liger's kernels run there only in Triton's interpreter")
    plain = {case: measure(case, args.device, args.dtype, None) for case in args.cases}
    kernels = ON_CPU if on_cpu else {}
    tolerance = 1e-5 if on_cpu and args.dtype == "fp32" else 2e-2  # Triton's dots run fp32 inputs as TF32 on GPUs

    def check(case: str) -> dict[str, Any]:
        result = compared(case, plain[case], measure(case, args.device, args.dtype, kernels))
        result["ok"] = result["fusedLmHeadCalls"] == 0 and abs(result["fusedLoss"] - result["loss"]) <= tolerance * abs(result["loss"]) and result["gradientDiff"] <= tolerance * result["gradientNorm"]
        return result

    setting = {"device": args.device, "dtype": args.dtype, "kernels": "fused cross-entropy" if on_cpu else "all", "tolerance": tolerance}
    model_check.report("liger-check", args.cases, check, setting, f"Liger's results differ from the model's own beyond {tolerance:g} (relative)")


if __name__ == "__main__":
    main()
