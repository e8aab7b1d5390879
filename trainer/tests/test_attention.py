"""model.attention "varlen" (issue 18): rows laid end to end attended one sequence at a time.
bench/varlen_check.py compares it with SDPA over padded rows on the text families' replicas;
here on CPU (one SDPA call per sequence), on a GPU bench/gpu_check.sh's varlen-check runs
PyTorch's variable-length kernel."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from ptlab import attention, models  # noqa: E402
from ptlab.config import Model  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CASES = ["llama3", "qwen2.5", "llama3+lora", "embedded:gp-base"]


def test_packed_and_padding_free_rows_give_padded_rows_losses_gradients_scores_and_answers(ptlab_cache):
    env = {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache)}
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "varlen_check.py"), *CASES], env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]
    results = {r["case"]: r for r in (json.loads(line) for line in run.stdout.splitlines() if line.startswith('{"bench": "varlen-check"'))}
    assert list(results) == CASES
    for case, r in results.items():
        assert r["ok"] and r["varlen"] == "SDPA per sequence" and r["packedSearches"] == 0, case
        assert r["gradients"] > 0 and r["gradientNorm"] > 0, case
        for layout in ("packed", "onerow"):
            assert r[f"{layout}Loss"] == pytest.approx(r["loss"], rel=1e-6), case
            # fp32 rounding of a sum over the batch's tokens, the bench's own tolerance (gp-base v5: 1.2e-6)
            assert r[f"{layout}GradientDiff"] <= 1e-5 * max(1.0, r["gradientNorm"]), case
        if "+lora" not in case:
            assert r["greedySame"], case
            assert r["logprobDiff"] <= 1e-6 * r["logprobScale"] and max(r["valueDiff"], r["entropyDiff"]) < 1e-6, case


def test_segments_count_each_row_s_padding_as_one_more_sequence():
    found = attention.segments([[3, 2], [4], [5]], 5)
    assert found["cu_seq_lens_q"].tolist() == [0, 3, 5, 9, 10, 15]  # row 0 full; row 1's tail of 1; row 2 one sequence
    assert found["cu_seq_lens_q"].dtype == torch.int32 and found["cu_seq_lens_k"] is found["cu_seq_lens_q"]
    assert (found["max_length_q"], found["max_length_k"]) == (5, 5)


def _qkv(heads: int = 4, kv_heads: int = 2, length: int = 9) -> tuple[torch.Tensor, ...]:
    generator = torch.Generator().manual_seed(0)
    return tuple(torch.randn(1, h, length, 8, generator=generator) for h in (heads, kv_heads, kv_heads))


def _attention_module() -> torch.nn.Module:
    module = torch.nn.Module()
    module.is_causal, module.num_key_value_groups = True, 2  # what transformers' SDPA reads of a layer
    return module


def test_a_row_attends_within_each_segment_and_without_segments_as_sdpa_does():
    """Each segment computes what it would alone (grouped key heads too); without segments
    the call is transformers' SDPA with the mask it is given."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    module = _attention_module()
    q, k, v = _qkv()
    got, _ = attention.varlen_attention_forward(module, q, k, v, None, scaling=0.3, **attention.segments([[4, 5]], 9))
    for a, b in ((0, 4), (4, 9)):
        alone, _ = sdpa_attention_forward(module, q[:, :, a:b], k[:, :, a:b], v[:, :, a:b], None, scaling=0.3)
        torch.testing.assert_close(got[:, a:b], alone)
    whole, _ = attention.varlen_attention_forward(module, q, k, v, None, scaling=0.3)
    torch.testing.assert_close(whole, sdpa_attention_forward(module, q, k, v, None, scaling=0.3)[0])
    assert not torch.allclose(whole[:, 4:], got[:, 4:])  # the second segment no longer reads the first


def test_segments_of_a_bidirectional_layer_attend_both_ways():
    """A layer that is not causal (a vision encoder's, or one told is_causal=False) attends
    to its whole segment."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    module = _attention_module()
    module.is_causal = False
    q, k, v = _qkv()
    got, _ = attention.varlen_attention_forward(module, q, k, v, None, **attention.segments([[4, 5]], 9))
    for a, b in ((0, 4), (4, 9)):
        torch.testing.assert_close(got[:, a:b], sdpa_attention_forward(module, q[:, :, a:b], k[:, :, a:b], v[:, :, a:b], None)[0])
    module.is_causal = True
    told, _ = attention.varlen_attention_forward(module, q, k, v, None, is_causal=False, **attention.segments([[4, 5]], 9))
    torch.testing.assert_close(told, got)


@pytest.mark.parametrize("option,value", [("sliding_window", 4), ("softcap", 30.0), ("dropout", 0.1)])
def test_an_attention_option_rows_end_to_end_do_not_run_fails_naming_it(option, value):
    module = _attention_module()
    with pytest.raises(ValueError, match=rf'model.attention "varlen": this model\'s attention uses {option}'):
        attention.varlen_attention_forward(module, *_qkv(), None, **{option: value}, **attention.segments([[9]], 9))


def test_a_model_loads_with_varlen_attention_by_its_config_name(ptlab_cache, monkeypatch):
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    model, _ = models.load(Model(name="embedded:tiny-lm", attention="varlen"), "cpu")
    assert model.config._attn_implementation == "varlen"


def test_a_pytorch_without_the_kernel_is_refused_on_cuda_before_the_model_loads(monkeypatch):
    assert attention.kernel_missing() is None  # this PyTorch has it
    monkeypatch.setattr(attention, "kernel_missing", lambda: "torch 2.9 has no torch.nn.attention.varlen (PyTorch 2.10 added it)")
    with pytest.raises(models.ModelFamilyError, match=r'model.attention "varlen" cannot train on cuda: torch 2.9 has no torch.nn.attention.varlen'):
        models.load_trainable(Model(name="embedded:tiny-lm", attention="varlen"), "cuda", None, None, 0)


def _stub_2_10(query, key, value, cu_seq_q, cu_seq_k, max_q, max_k, is_causal=False, return_aux=None):
    """varlen_attn as PyTorch 2.10 takes it (no scale, no grouped heads), computed by SDPA."""
    assert query.shape[1] == key.shape[1], "2.10 takes as many key heads as query heads"
    assert cu_seq_q.dtype == torch.int32 and isinstance(max_q, int) and max_q == max(cu_seq_q.diff().tolist())
    return attention._per_segment(query, key, value, cu_seq_q, cu_seq_k, None, is_causal)


def _stub_2_12(query, key, value, cu_seq_q, cu_seq_k, max_q, max_k, *, return_aux=None, scale=None, window_size=(-1, -1), enable_gqa=False, seqused_k=None, block_table=None, num_splits=None):
    """varlen_attn as PyTorch 2.12 on takes it."""
    assert enable_gqa == (query.shape[1] != key.shape[1]) and window_size in ((-1, 0), (-1, -1))
    return attention._per_segment(query, key, value, cu_seq_q, cu_seq_k, scale, window_size == (-1, 0))


@pytest.mark.parametrize("stub", [_stub_2_10, _stub_2_12])
@pytest.mark.parametrize("causal", [True, False])
def test_the_kernel_is_called_as_each_pytorch_version_takes_it(monkeypatch, stub, causal):
    """The CUDA kernel's call (not run here): grouped key heads repeated where the kernel
    takes none, causality as a flag (2.10) or a window (2.11 on), the scale where it is
    taken, and the layout (tokens x heads x head size, int32 offsets, int lengths)."""
    import inspect

    from torch.nn.attention import varlen

    monkeypatch.setattr(varlen, "varlen_attn", stub)
    monkeypatch.setattr(attention, "_KERNEL_PARAMETERS", frozenset(inspect.signature(stub).parameters))
    q, k, v = (t[0].transpose(0, 1) for t in _qkv())
    found = attention.segments([[4, 5]], 9)
    scaling = 8**-0.5
    got = attention._kernel(q, k, v, found["cu_seq_lens_q"], found["cu_seq_lens_k"], found["max_length_q"], found["max_length_k"], scaling, causal)
    torch.testing.assert_close(got, attention._per_segment(q, k, v, found["cu_seq_lens_q"], found["cu_seq_lens_k"], scaling, causal))
    if stub is _stub_2_10:
        with pytest.raises(ValueError, match="takes no scale"):
            attention._kernel(q, k, v, found["cu_seq_lens_q"], found["cu_seq_lens_k"], 5, 5, 0.3, causal)


def test_rows_with_segments_skip_transformers_packed_search_and_dense_mask(ptlab_cache, monkeypatch):
    """Under varlen the decoder is handed a stand-in mask for rows that carry their segments:
    transformers neither reads the positions on the host to find the sequences nor builds a
    row x row mask; padded rows keep their mask. Same logits as without the stand-in."""
    from transformers import masking_utils

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    model, _ = models.load(Model(name="embedded:tiny-lm", attention="varlen", dtype="fp32"), "cpu")
    searched, masks = [], []
    real_search = masking_utils.find_packed_sequence_indices
    monkeypatch.setattr(masking_utils, "find_packed_sequence_indices", lambda positions: searched.append(positions) or real_search(positions))
    seen = model.get_decoder().layers[0].self_attn.register_forward_pre_hook(lambda _m, _a, kw: masks.append(kw["attention_mask"]), with_kwargs=True)
    ids = torch.randint(5, 60, (2, 9), generator=torch.Generator().manual_seed(0))
    positions = torch.tensor([[0, 1, 2, 3, 0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5, 0, 1, 2]])
    lengths = [[4, 5], [6, 3]]
    with torch.no_grad():
        got = model(input_ids=ids, position_ids=positions, **attention.segments(lengths, 9)).logits
        assert searched == [] and masks[-1].shape == (2, 1, 9, 9) and masks[-1].stride() == (0, 0, 0, 0)
        for row, bounds in enumerate(([0, 4, 9], [0, 6, 9])):
            for a, b in zip(bounds, bounds[1:]):
                alone = model(input_ids=ids[row : row + 1, a:b]).logits[0]
                torch.testing.assert_close(got[row, a:b], alone, rtol=1e-5, atol=1e-5)
        model(input_ids=ids, attention_mask=torch.ones_like(ids))  # padded rows: transformers' mask, untouched
    seen.remove()
    assert masks[-1] is None or masks[-1].stride() != (0, 0, 0, 0)


def test_the_kernel_runs_in_half_precision_on_cuda_autocast_s_too():
    """On CUDA the kernel takes half-precision inputs: the inputs' own, or autocast's (fp32
    weights under launcher.mixedPrecision leave the query and key fp32 after the rotary
    embedding, the value bf16: they go to the kernel in bf16, as SDPA would cast them, not
    one SDPA call per segment); on the host, never."""
    from ptlab.attention import kernel_dtype

    bf16, fp16, fp32 = torch.bfloat16, torch.float16, torch.float32
    assert kernel_dtype(True, bf16, False, bf16) is bf16 and kernel_dtype(True, fp16, False, bf16) is fp16
    assert kernel_dtype(True, fp32, True, bf16) is bf16 and kernel_dtype(True, fp32, True, fp16) is fp16
    assert kernel_dtype(True, fp32, False, bf16) is None
    assert kernel_dtype(False, bf16, True, bf16) is None



def _tiny_lm(model_type: str, implementation: str = "sdpa") -> torch.nn.Module:
    """A small causal LM of a model type with random weights, loaded as the trainer loads one."""
    from transformers import AutoConfig, AutoModelForCausalLM

    if implementation == "varlen":
        attention.register()
    sizes = {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 128, "pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2}
    sizes |= {"opt": {"ffn_dim": 128, "word_embed_proj_dim": 64}, "xglm": {"ffn_dim": 128, "d_model": 64, "attention_heads": 4, "num_layers": 2}, "bloom": {"n_head": 4, "n_layer": 2}}.get(model_type, {"intermediate_size": 128, "num_key_value_heads": 2})
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **sizes), attn_implementation=implementation).eval()
    if implementation == "varlen":
        attention.attach(model)
    return model



def _packed_logits_differ(model: torch.nn.Module) -> bool:
    """Whether an example packed after another in a row (sft.collate_packed) gets other logits than alone."""
    from ptlab.sft import Example, collate, collate_packed, loss_inputs

    b = Example([1, 55, 65, 75, 85, 95], [-100, -100, 65, 75, 85, 95])
    a = Example([1, 10, 11, 12, 13], [-100] * 5)
    packed = collate_packed([[a, b]], 0)
    packed.pop("tokens")
    with torch.no_grad():
        alone = model(**loss_inputs(collate([b], 0))[0], use_cache=False).logits[0]
        after = model(**loss_inputs(packed)[0], use_cache=False).logits[0, 5:]
    return not torch.allclose(after, alone, rtol=1e-4, atol=1e-4)

@pytest.mark.parametrize("model_type,implementation,refused", [("opt", "sdpa", True), ("opt", "eager", True), ("opt", "varlen", False), ("llama", "sdpa", False), ("llama", "eager", False), ("llama", "varlen", False)])
def test_a_model_whose_packed_sequences_would_read_one_another_is_refused(model_type, implementation, refused):
    """OPT's decoder builds its mask without the positions, so transformers never sees that a
    row packs several sequences: under SDPA or eager each reads the ones before it, and packing
    is refused, naming the field and "varlen" (which attends one sequence at a time, and is
    accepted). Llama's reads them: accepted. The check builds a small copy of the decoder
    (the model is not run) and leaves the random streams and the thread count as they were."""
    model = _tiny_lm(model_type, implementation)
    assert _packed_logits_differ(model) == refused  # what the check must find
    threads, state = torch.get_num_threads(), torch.get_rng_state()
    found = attention.packed_rows_refused("sft.packing", model)
    assert torch.equal(torch.get_rng_state(), state) and torch.get_num_threads() == threads
    if not refused:
        assert found is None
        return
    assert found.startswith("sft.packing: this model's decoder (OPTDecoder)") and 'set model.attention "varlen" (one sequence at a time), or sft.packing to false' in found
    assert attention.packed_rows_refused("ppo.paddingFree", model).startswith("ppo.paddingFree:")  # the answer is cached, the field named anew


@pytest.mark.parametrize("model_type,refused", [("opt", True), ("llama", False)])
def test_flex_attention_is_checked_through_the_mask_it_is_given(model_type, refused):
    """FlexAttention reads nothing but the mask transformers builds (as SDPA's, from the
    positions where the decoder hands them over), and compiles for tens of seconds on the CPU:
    its model is checked under SDPA. OPT's hands none: refused, varlen suggested."""
    found = attention.packed_rows_refused("sft.packing", _tiny_lm(model_type, "flex_attention"))
    if not refused:
        assert found is None
        return
    assert found.startswith('sft.packing: this model\'s decoder (OPTDecoder) under attention "flex_attention"') and 'model.attention "varlen"' in found


def test_flash_attention_is_checked_through_varlen_which_reads_the_same_segments():
    """flash_attention_2/3 (CUDA only) read a row's segments from the kwargs the decoder passes
    its layers, as "varlen" does: OPT's passes them (accepted), XGLM's has no attention that does."""
    model = _tiny_lm("opt")
    model.get_decoder().config._attn_implementation = "flash_attention_2"
    assert attention.packed_rows_refused("sft.packing", model) is None


@pytest.mark.parametrize("model_type,window", [("mistral", {"sliding_window": 4096}), ("qwen2", {"sliding_window": 32768, "use_sliding_window": True, "max_window_layers": 1}), ("gemma2", {"sliding_window": 4096, "attn_logit_softcapping": 50.0, "head_dim": 16})])
def test_flash_attention_s_sliding_window_and_softcap_do_not_refuse_a_decoder_that_passes_the_segments(model_type, window):
    """Flash attention runs a sliding window and a softcap over a row's segments; "varlen",
    through which the flash check runs, does not: the check's copy leaves them out (they change
    what a query reads within its sequence). Mistral's, Qwen2's with its window on and Gemma 2's
    (softcapped, sliding layers) decoders were refused under flash_attention_2. Gemma 2 has no
    SDPA: under flex_attention it is checked under eager."""
    from transformers import AutoConfig, AutoModelForCausalLM

    sizes = {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128, "vocab_size": 128, "pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2}
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **sizes, **window), attn_implementation="eager").eval()
    for implementation in ("flash_attention_2", "flex_attention") if model_type == "gemma2" else ("flash_attention_2",):
        model.get_decoder().config._attn_implementation = implementation
        assert attention.packed_rows_refused("sft.packing", model) is None, implementation


@pytest.mark.parametrize("model_type,implementation", [("xglm", "eager"), ("xglm", "varlen"), ("bloom", "eager"), ("bloom", "varlen")])
def test_the_refusal_suggests_varlen_only_where_it_keeps_the_sequences_apart(model_type, implementation):
    """XGLM's and Bloom's decoders mix a row's sequences under every attention they load with;
    Bloom's cannot run such a row under "varlen" at all (its ALiBi reads a 2D mask)."""
    found = attention.packed_rows_refused("sft.packing", _tiny_lm(model_type, implementation))
    assert found.startswith("sft.packing: this model's decoder") and found.endswith("set sft.packing to false")
    assert "could not check" not in found and '"varlen" (one' not in found


def test_the_check_reads_the_decoder_under_a_lora_wrapper():
    from peft import LoraConfig, get_peft_model

    wrapped = get_peft_model(_tiny_lm("opt"), LoraConfig(r=2, target_modules=["q_proj", "v_proj"]))
    assert attention.packed_rows_refused("sft.paddingFree", wrapped).startswith("sft.paddingFree: this model's decoder (OPTDecoder)")
