"""model.attention "varlen" against SDPA over padded rows: SFT's loss and gradients over
packed and padding-free rows, PPO's padding-free scoring pass, and greedy answers.

    python bench/varlen_check.py CASE ...                               # CPU: one SDPA call per sequence
    python bench/varlen_check.py --device cuda --dtype bf16 CASE ...    # PyTorch's variable-length flash kernel

CASE: a replica family of ptlab.replicas (llama3, qwen2.5) or an embedded model, `+lora` to
train LoRA adapters. For each case, six GP chats of different lengths (answers of 1 to 40
tokens): the summed SFT loss and its gradients over padded rows under SDPA
(sft.collate) against the same examples packed two and four to a row (sft.collate_packed,
each row's padding after its examples one more segment) and end to end in one row under
"varlen"; without LoRA also PPO's scoring pass (response log-probs, entropy, values) over
padded rows under SDPA against one padding-free row under "varlen", and greedy answers
(generate runs SDPA under "varlen"); and that no varlen pass with segments had transformers
search the positions for packed sequences (packedSearches). Exits non-zero when a loss or gradient differs beyond
the tolerance (1e-5 relative in fp32; 2e-2 in bf16, where a kernel's sums run in another
order) or an answer differs in fp32. Prints one JSON line per case. test_attention.py runs
the CPU form; bench/gpu_check.sh's varlen-check the kernel."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch

import model_check
from model_check import model_path, pad_id
from ptlab import chat, models
from ptlab.config import Lora
from ptlab.envs import generalpoints as gp
from ptlab.sft import IGNORE, Example, collate, collate_packed, token_loss_sum

ANSWERS = (1, 40, 7, 23, 3, 12)  # answer tokens of the six chats


def examples(encoder: Any) -> list[Example]:
    """GP prompts of different hands, each with an answer of ANSWERS' length (ids from the
    prompt's own, so every family's vocabulary has them) as the assistant's labels."""
    found = []
    for seed, n in enumerate(ANSWERS):
        episode = gp.GeneralPointsEpisode(gp.GeneralPointsConfig(), seed)
        prompt = list(chat.encode(encoder, [chat.user_message(episode.prompt)], [], generation_prompt=True)["input_ids"])
        answer = [prompt[(7 * i + seed) % len(prompt)] for i in range(n)]
        found.append(Example(prompt + answer, [IGNORE] * len(prompt) + answer))
    return found


def loaded(path: str, device: str, dtype: str, attention: str, lora: bool) -> Any:
    if attention == "varlen":
        from ptlab import attention as varlen

        varlen.register()
    model = models.load_causal_lm(path, dtype, device, attn_implementation=attention)
    if attention == "varlen":
        varlen.attach(model)  # as models.load does
    if lora:
        torch.manual_seed(0)
        model = models.add_lora(model, Lora(r=4, alpha=8, dropout=0.0), seed=0)
    return model


@contextlib.contextmanager
def packed_searches() -> Iterator[list[int]]:
    """Counts transformers' host-side searches for packed sequences in the positions (one
    read of the device per forward), which varlen's rows with segments must not need."""
    from transformers import masking_utils

    found, search = [], masking_utils.find_packed_sequence_indices
    masking_utils.find_packed_sequence_indices = lambda positions: found.append(1) or search(positions)
    try:
        yield found
    finally:
        masking_utils.find_packed_sequence_indices = search


def sft_pass(model: Any, batch: dict[str, Any], device: str) -> dict[str, Any]:
    model.zero_grad(set_to_none=True)
    batch = {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items() if k != "tokens"}
    loss, _ = token_loss_sum(model, batch)
    loss.backward()
    return {"loss": loss.item(), "gradients": {n: p.grad.float().clone() for n, p in model.named_parameters() if p.requires_grad}}


def measure(case: str, device: str, dtype: str, attention: str) -> dict[str, Any]:
    """SFT's passes (padded under SDPA; packed and one row under varlen), PPO's scoring and
    greedy answers of one case under one attention."""
    from ptlab.ppo import PolicyAndValue, Transition, score

    family, _, lora = case.partition("+")
    path = model_path(family)
    encoder = models.load_tokenizer(path)
    model = loaded(path, device, dtype, attention, bool(lora)).train()
    data, pad = examples(encoder), pad_id(encoder)
    if attention == "sdpa":
        layouts = {"padded": collate(data, pad)}
    else:
        layouts = {"packed": collate_packed([data[:2], data[2:]], pad), "one row": collate_packed([data], pad)}
    with packed_searches() as searches:
        found: dict[str, Any] = {"sft": {name: sft_pass(model, batch, device) for name, batch in layouts.items()}}
    if lora:
        return {**found, "packedSearches": len(searches)}
    model.eval()
    transitions = [Transition(i, e.input_ids[: -n], e.input_ids[-n:], [1.0] * n, 0.0, True, episode=i) for i, (e, n) in enumerate(zip(data, ANSWERS))]
    value = torch.nn.Linear(models.hidden_size(model), 1, device=device, dtype=next(model.parameters()).dtype)
    torch.nn.init.constant_(value.weight, 0.01)
    torch.nn.init.zeros_(value.bias)
    prompt = torch.tensor([data[1].input_ids[: -ANSWERS[1]]], device=device)
    with torch.no_grad():
        found["greedy"] = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=12, do_sample=False, pad_token_id=pad)[0].tolist()
        with packed_searches() as more:
            found["scored"] = score(PolicyAndValue(model, value), transitions, 0.7, pad, with_entropy=True, encoder=encoder, rows="padded" if attention == "sdpa" else "padding-free")
    return {**found, "packedSearches": len(searches) + len(more)}


def compared(case: str, sdpa: dict[str, Any], varlen: dict[str, Any]) -> dict[str, Any]:
    padded = sdpa["sft"]["padded"]
    result: dict[str, Any] = {"case": case, "packedSearches": varlen["packedSearches"], "loss": padded["loss"], "gradients": len(padded["gradients"]), "gradientNorm": max(g.abs().max().item() for g in padded["gradients"].values())}
    for name, got in varlen["sft"].items():
        assert got["gradients"].keys() == padded["gradients"].keys() and padded["gradients"], "the same trainable parameters, some"
        key = name.replace(" ", "")
        result[f"{key}Loss"] = got["loss"]
        result[f"{key}GradientDiff"] = max((padded["gradients"][n] - got["gradients"][n]).abs().max().item() for n in padded["gradients"])
    if "scored" in sdpa:
        a, b = sdpa["scored"], varlen["scored"]
        result.update(greedySame=sdpa["greedy"] == varlen["greedy"], logprobDiff=(a.token_logprobs - b.token_logprobs).abs().max().item(), valueDiff=(a.values - b.values).abs().max().item(), entropyDiff=(a.entropy - b.entropy).abs().max().item(), logprobScale=a.token_logprobs.abs().max().item())
    return result


def agrees(result: dict[str, Any], tolerance: float, exact_answers: bool) -> bool:
    sft = result["packedSearches"] == 0 and all(abs(result[f"{k}Loss"] - result["loss"]) <= tolerance * abs(result["loss"]) and result[f"{k}GradientDiff"] <= tolerance * result["gradientNorm"] for k in ("packed", "onerow"))
    if "logprobDiff" not in result:
        return sft
    scored = result["logprobDiff"] <= tolerance * max(1.0, result["logprobScale"]) and max(result["valueDiff"], result["entropyDiff"]) <= tolerance * 10
    return sft and scored and (result["greedySame"] or not exact_answers)


def main() -> None:
    args = model_check.arguments(__doc__, "fp32 compares closely; bf16 is what trains (and what the CUDA kernel takes)")
    tolerance = 1e-5 if args.dtype == "fp32" else 2e-2
    kernel = args.device.startswith("cuda") and args.dtype in ("bf16", "fp16")

    def check(case: str) -> dict[str, Any]:
        result = compared(case, measure(case, args.device, args.dtype, "sdpa"), measure(case, args.device, args.dtype, "varlen"))
        result["ok"] = agrees(result, tolerance, args.dtype == "fp32")
        return result

    setting = {"device": args.device, "dtype": args.dtype, "varlen": "torch.nn.attention.varlen" if kernel else "SDPA per sequence", "tolerance": tolerance}
    model_check.report("varlen-check", args.cases, check, setting, f"varlen attention differs from SDPA over padded rows beyond {tolerance:g} (relative)")


if __name__ == "__main__":
    main()
