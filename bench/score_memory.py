"""Memory the PPO training pass keeps for backward on (positions x vocabulary) tensors, and its time: ptlab.ppo.score against the log_softmax formulas it replaced.

    .venv/bin/python bench/score_memory.py [--vocab 128256] [--rows 2] [--positions 1024] [--chunk 256]

The logits' part of a PPO micro-batch depends only on its rows, scored positions and the
vocabulary, so a one-layer Llama with the paper model's vocabulary (Llama 3.2: 128,256) and a
small hidden size stands in for it. For each way of scoring, in the same run: the bytes of
the vocabulary-sized tensors autograd saved (counted by saved_tensors_hooks, each storage
once), the growth of the process's peak resident memory over the pass (each way in a fresh
process), and the forward and backward seconds. Ways: `log_softmax` (the formulas before: log_softmax, then the entropy as
-(exp(log p) * log p) with its gradient), `score` (ptlab.ppo.score as the training pass calls
it with entropyCoef 0), `score-entropy-grad` (with an entropy term in the loss), and both
with `ppo.headChunk` (`--chunk` response tokens per chunk of the LM head: `chunked`,
`chunked-entropy-grad`).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from typing import Any

import torch


WAYS = ("score", "score-entropy-grad", "chunked", "chunked-entropy-grad", "log_softmax")


def model(vocab: int) -> Any:
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    return LlamaForCausalLM(LlamaConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=1, num_attention_heads=4, num_key_value_heads=2, head_dim=16, pad_token_id=0))


def transitions(rows: int, positions: int, vocab: int) -> list[Any]:
    from ptlab.ppo import Transition

    generator = torch.Generator().manual_seed(1)
    ids = lambda n: torch.randint(1, vocab, (n,), generator=generator).tolist()  # noqa: E731
    return [Transition(i, ids(32), ids(positions), [1.0] * positions, 0.0, True, episode=i) for i in range(rows)]


def old_formulas(scorer: Any, batch: list[Any]) -> torch.Tensor:
    """What score computed before, for the same rows: log_softmax, then the gathered log-probs
    and the entropy's -(exp(log p) log p) over the log_softmax of the logits."""
    from ptlab import chat

    inputs = chat.causal_inputs(chat.batch_inputs(None, [("", [], t.prompt_ids + t.response_ids) for t in batch], 0))
    start = len(batch[0].prompt_ids) - 1
    logits = scorer(inputs, None, torch.arange(start, start + len(batch[0].response_ids)))[0].float() / 0.7
    log_softmax = torch.log_softmax(logits, dim=-1)
    targets = torch.tensor([t.response_ids for t in batch])
    logp = log_softmax.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    entropy_logp = torch.log_softmax(logits.float(), dim=-1)
    entropy = -(entropy_logp.exp() * entropy_logp).sum(-1).mean()
    return logp.sum() + 0 * entropy


def measure(name: str, scorer: Any, batch: list[Any], vocab: int, chunk: int) -> dict[str, Any]:
    from ptlab import ppo

    weights = {p.untyped_storage().data_ptr() for p in scorer.parameters()}
    saved: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        if tensor.dim() and tensor.shape[-1] == vocab and tensor.dtype.is_floating_point and tensor.untyped_storage().data_ptr() not in weights:
            saved[tensor.untyped_storage().data_ptr()] = tensor.untyped_storage().nbytes()
        return tensor

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        if name == "log_softmax":
            loss = old_formulas(scorer, batch)
        else:
            scored = ppo.score(scorer, batch, 0.7, 0, with_entropy=True, entropy_grad=name.endswith("entropy-grad"), head_chunk=chunk if name.startswith("chunked") else 0)
            loss = scored.logprobs.sum() + (scored.entropy if scored.entropy.requires_grad else 0)
    forward = time.perf_counter() - started
    loss.backward()
    total = time.perf_counter() - started
    scorer.zero_grad(set_to_none=True)
    return {
        "bench": "score-memory",
        "way": name,
        "savedVocabularyTensors": len(saved),
        "savedVocabularyGiB": round(sum(saved.values()) / 2**30, 3),
        "peakRssGrowthGiB": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 2**20, 3),
        "forwardSeconds": round(forward, 3),
        "forwardBackwardSeconds": round(total, 3),
    }


def main() -> int:
    from ptlab.ppo import PolicyAndValue

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocab", type=int, default=128256)
    parser.add_argument("--rows", type=int, default=2)
    parser.add_argument("--positions", type=int, default=1024, help="response tokens per row (all scored)")
    parser.add_argument("--chunk", type=int, default=256, help="ppo.headChunk of the chunked ways")
    parser.add_argument("--way", choices=WAYS, help="measure this way in this process (default: each in a fresh process, for its peak memory)")
    args = parser.parse_args()
    if args.way is None:
        print(json.dumps({"bench": "score-memory", "machine": platform.processor() or platform.machine(), "threads": torch.get_num_threads(), "torch": torch.__version__, "vocab": args.vocab, "rows": args.rows, "positions": args.positions, "chunk": args.chunk, "logitsGiB": round(args.rows * args.positions * args.vocab * 4 / 2**30, 3)}), flush=True)
        for way in WAYS:
            subprocess.run([sys.executable, __file__, "--vocab", str(args.vocab), "--rows", str(args.rows), "--positions", str(args.positions), "--chunk", str(args.chunk), "--way", way], check=True)
        return 0
    scorer = PolicyAndValue(model(args.vocab), None)
    batch = transitions(args.rows, args.positions, args.vocab)
    print(json.dumps(measure(args.way, scorer, batch, args.vocab, args.chunk)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
