"""bench/gpu_train.py's MFU rules, which every GPU benchmark's MFU uses: N (flops_parameters)
and the GPU's bf16 dense peak (peak_tflops)."""

import json
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from gpu_train import SIZES, flops_parameters, peak_tflops  # noqa: E402


def _counted(size: str, tied: bool) -> int:
    from transformers import Qwen2Config, Qwen2ForCausalLM

    config = Qwen2Config(**{**SIZES[size], "tie_word_embeddings": tied})
    with torch.device("meta"):
        model = Qwen2ForCausalLM(config)
    return flops_parameters(sum(p.numel() for p in model.parameters()), config.vocab_size, config.hidden_size, tied)


def test_n_leaves_out_an_input_embedding_that_is_not_the_output_head():
    """Qwen2.5-1.5B ties its embeddings (1.54B parameters); untied, the model has 1,777,088,000,
    but its input embedding is only looked up: N is the same either way. The committed H200
    baseline untied it and charged 6N for it: its 37.2% MFU was 32.3%."""
    assert SIZES["0.5b"]["tie_word_embeddings"] and SIZES["1.5b"]["tie_word_embeddings"]  # as the real Qwen2.5 configs
    assert _counted("1.5b", True) == _counted("1.5b", False) == 1_777_088_000 - 151_936 * 1536 == 1_543_714_304
    logged = [json.loads(line) for line in (ROOT / "bench" / "results" / "h200-2026-11-26" / "raw-1.5b.log").read_text().splitlines()]
    assert logged[0]["parameters"] == 1_777_088_000 and round(logged[1]["mfu"], 4) == 0.3722
    assert round(6 * 1_543_714_304 * logged[1]["tokensPerSecond"] / 989e12, 4) == 0.3233


@pytest.mark.parametrize(("name", "peak"), [
    ("NVIDIA H100 80GB HBM3", 989.0), ("NVIDIA H100 SXM5 80GB", 989.0), ("NVIDIA H100 PCIe", 756.0), ("NVIDIA H100 NVL", 835.0),
    ("NVIDIA H200", 989.0), ("NVIDIA H200 NVL", 835.0), ("NVIDIA A100-SXM4-80GB", 312.0), ("NVIDIA H100", None), ("NVIDIA L4", None), ("cpu", None),
])
def test_the_peak_is_the_named_card_s(name, peak):
    assert peak_tflops(name) == peak
