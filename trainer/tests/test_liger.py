"""model.ligerKernel: Liger's Triton kernels in training (issue 18). bench/liger_check.py
compares them with the model's own code; on a GPU every kernel (bench/gpu_check.sh's
liger-check), here on CPU the fused linear cross-entropy, in Triton's interpreter and a
process of its own. And the refusals."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from ptlab import models  # noqa: E402
from ptlab.config import Model  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CASES = ["llama3", "qwen2.5", "llama3+lora", "embedded:gp-base"]


def test_the_fused_cross_entropy_gives_sft_s_loss_and_gradients_and_liger_s_forward_the_same_answers_and_scores(ptlab_cache):
    env = {**os.environ, "TRITON_INTERPRET": "1", "PTLAB_CACHE_DIR": str(ptlab_cache)}
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "liger_check.py"), *CASES], env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]
    results = {r["case"]: r for r in (json.loads(line) for line in run.stdout.splitlines() if line.startswith('{"bench": "liger-check"'))}
    assert list(results) == CASES
    for case, r in results.items():
        assert r["gradients"] > 0 and r["gradientNorm"] > 0, case
        assert (r["lmHeadCalls"], r["fusedLmHeadCalls"]) == (1, 0), case  # no logits in the fused pass
        assert r["fusedLoss"] == pytest.approx(r["loss"], rel=1e-6), case
        assert r["gradientDiff"] <= 1e-6 * max(1.0, r["gradientNorm"]) * 10, case
        if "+lora" not in case:
            assert r["greedySame"], case
            assert max(r["logprobDiff"], r["valueDiff"], r["entropyDiff"]) < 1e-6, case


def test_liger_kernels_are_refused_on_cpu_before_the_model_loads():
    with pytest.raises(models.ModelFamilyError, match=r"model\.ligerKernel cannot run on cpu: Liger's kernels are Triton kernels for CUDA GPUs"):
        models.load_trainable(Model(name="embedded:no-such-model", ligerKernel=True), "cpu", None, None, 0)


def test_a_model_type_the_tests_do_not_run_is_refused_naming_it():
    from transformers import GPT2Config, GPT2LMHeadModel

    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=16, n_head=2, vocab_size=32))
    with pytest.raises(models.ModelFamilyError, match=r"model\.ligerKernel: checked for model types llama and qwen2 .* not 'gpt2'; set it to false"):
        models.apply_liger_kernels(model)


def test_without_the_package_the_error_says_what_to_install(monkeypatch, ptlab_cache):
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    monkeypatch.setitem(sys.modules, "liger_kernel.transformers.monkey_patch", None)
    model = models.load_causal_lm("embedded:tiny-lm", "fp32")
    with pytest.raises(models.ModelFamilyError, match=r"needs the liger-kernel package .*pip install liger-kernel==0\.8\.5"):
        models.apply_liger_kernels(model)
