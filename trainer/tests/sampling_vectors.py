"""Reference values for the extension's sampler (src/core/inference/sampling.ts), computed with
the trainer's keyed draws (ptlab.generation: draw_key, keyed_uniforms, _KeyedDraws over
transformers' warpers as evaluation's `configured` sampling builds them): each case's tokens
are what Python samples from its logits, step after step, at its temperature and top-p under
its key; TypeScript must sample the same.

`.venv/bin/python trainer/tests/sampling_vectors.py --write` writes test/vectors/sampling.json; the Python tests
check the file is current and the TypeScript unit tests check sampling.ts against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from vectors_cli import print_or_write

VECTORS_FILE = Path(__file__).resolve().parents[2] / "test" / "vectors" / "sampling.json"

KEY_PARTS: list[list[Any]] = [
    [1234, "id", 0, 0],
    [1234, "id", 0, 1],
    [1234, "ood-rule", 17, 3],
    [4294967295, "gp-l ood ü", 255, 0],
    [0, "", 0, 0],
    ["test", 7],
]
UNIFORM_STEPS = [0, 1, 2, 511, 65535, 2**31, 2**32 - 1]
# (temperature, top_p, vocabulary, steps, logit scale)
SAMPLING_CASES = [(0.7, 1.0, 64, 40, 3.0), (1.0, 0.9, 64, 40, 2.0), (1.5, 0.5, 40, 32, 4.0), (0.3, 0.95, 200, 16, 1.0)]


def uniform_cases() -> list[dict[str, Any]]:
    import torch

    from ptlab import generation

    keys = [generation.draw_key(*parts) for parts in KEY_PARTS]
    return [{"parts": parts, "key": key, "steps": UNIFORM_STEPS, "uniforms": [generation.keyed_uniforms(torch.tensor([key]), step).item() for step in UNIFORM_STEPS]} for parts, key in zip(KEY_PARTS, keys)]


def sampled_tokens(logits: np.ndarray, temperature: float, top_p: float, key: int) -> list[int]:
    """The token _KeyedDraws draws at each step (row) of `logits` for one answer with `key`."""
    import torch
    from transformers import GenerationConfig

    from ptlab import generation

    config = GenerationConfig(do_sample=True, temperature=temperature, top_p=top_p, top_k=0)
    drawer = generation._KeyedDraws(generation._warpers(config), torch.tensor([key]), width=5)
    tokens = []
    for step, row in enumerate(logits):
        out = drawer(torch.zeros((1, 5 + step), dtype=torch.long), torch.from_numpy(row).unsqueeze(0))
        tokens.append(int(out.argmax(dim=1).item()))
    return tokens


def sampling_cases() -> list[dict[str, Any]]:
    from ptlab import generation

    cases = []
    for n, (temperature, top_p, vocabulary, steps, scale) in enumerate(SAMPLING_CASES):
        logits = (np.random.default_rng(n).standard_normal((steps, vocabulary)) * scale).astype(np.float32)
        answers = [{"parts": (parts := [1234, "id", episode, n]), "tokens": sampled_tokens(logits, temperature, top_p, generation.draw_key(*parts))} for episode in range(3)]
        cases.append({"temperature": temperature, "topP": top_p, "logits": logits.tolist(), "answers": answers})
    return cases


def fair_coin_case() -> dict[str, Any]:
    """The first token of 200 answers (episodes) between two equal logits: half heads, each
    episode's own."""
    from ptlab import generation

    logits = np.zeros((1, 2), dtype=np.float32)
    parts = [[1234, "id", episode, 0] for episode in range(200)]
    return {"parts": parts, "temperature": 1.0, "topP": 1.0, "logits": logits.tolist(), "tokens": [sampled_tokens(logits, 1.0, 1.0, generation.draw_key(*p))[0] for p in parts]}


def render() -> str:
    vectors = {"uniforms": uniform_cases(), "sampling": sampling_cases(), "fairCoin": fair_coin_case()}
    return json.dumps(vectors, indent=1) + "\n"


def main() -> None:
    print_or_write(__doc__, VECTORS_FILE, render)


if __name__ == "__main__":
    main()
