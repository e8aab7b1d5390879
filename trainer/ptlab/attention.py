"""model.attention "varlen": SDPA, except for rows laid end to end (sft.packing,
sft.paddingFree, ppo.paddingFree), which are attended segment by segment with PyTorch's own
variable-length kernel (torch.nn.attention.varlen, flash-attention inside PyTorch: no
padding FLOPs, no mask, no flash-attn package).

The segments come with the forward's inputs as transformers' FlashAttentionKwargs
(`cu_seq_lens_q`, `cu_seq_lens_k`, `max_length_q`, `max_length_k`), built on the host by
`segments` from lengths the trainer knows, so no layer reads the device to find them (as
flash_attention_2 would, from the positions, in every layer), and the decoder (`attach`) is
given a stand-in for the mask, so transformers neither reads the positions to find the
sequences nor builds the dense mask over the row that the segments make needless. Every other
forward (padded rows, rollouts, evaluation, a KV cache) runs transformers' SDPA with its mask,
unchanged.
On CUDA in bf16 or fp16 the segments go to varlen_attn; elsewhere (CPU, fp32) to one SDPA
call each: the same attention, without padding FLOPs either. Causal unless the layer is not
(a vision encoder's).

Every model that lays rows end to end is first checked to keep their sequences apart
(packed_rows_refused): transformers does so from the restarting positions only where a
decoder hands them to its mask builder, and several do not (OPT's, BioGPT's, XGLM's, Bloom's,
Qwen2-VL's text model), so a row would get one causal mask over all its sequences."""

from __future__ import annotations

import copy
import inspect
from typing import Any

import torch
import torch.nn.functional as F

VARLEN = "varlen"
_KERNEL_PARAMETERS: frozenset[str] = frozenset()  # varlen_attn's, set by register()


def dense_mask_note(field: str, attention: str) -> str | None:
    """What to say of rows laid end to end (`field`: sft.paddingFree, ppo.paddingFree) under an
    attention that reads each through one dense mask (the editor says the same)."""
    if attention not in ("auto", "sdpa", "eager"):
        return None
    return f'{field} under model.attention "{attention}": each row is attended through a dense mask over all its sequences, slower than padded rows; model.attention "varlen" attends one sequence at a time (no mask, no padding FLOPs), as do flash_attention_2/3 on CUDA'


PROBE_VOCAB = 256
PROBE_SEQUENCE = (3, 40, 41, 42, 43, 44)
PROBE_OPENINGS = ((3, 100, 101, 102, 103), (3, 200, 201, 202, 203, 204, 205))  # what comes before it in a row
FLASH = ("flash_attention_2", "flash_attention_3")
PROBED_AS = {**{flash: VARLEN for flash in FLASH}, "flex_attention": "sdpa"}  # see packed_rows_refused
_mixes: dict[tuple[Any, ...], bool] = {}  # sequences_mix's answers by (decoder class, tiny config, attention)


def packed_rows_refused(field: str, model: Any) -> str | None:
    """Why `model` cannot lay sequences end to end in a row (`field`: sft.packing,
    sft.paddingFree, ppo.paddingFree), if so: its decoder (a vision model's language model:
    these rows are text only) would let them read one another (sequences_mix), or that could
    not be checked. The check runs on the CPU, so a model under flash_attention_2/3 (CUDA
    only) is checked under "varlen", which reads the row's segments from the same kwargs the
    decoder passes its layers, and one under flex_attention (whose CPU compile takes tens of
    seconds) under SDPA (eager for a class without it), which gets the same mask, built from the
    positions where the decoder hands them to its mask builder. Flash attention's sliding
    window and softcap, which "varlen" does not run, are left out of the flash check's copy:
    they change what a query reads within its sequence, not whether the segments reach the
    layers. "varlen" is suggested only where it keeps them apart."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model  # under a LoRA wrapper
    decoder = base.get_decoder()
    attention = decoder.config._attn_implementation
    probed = PROBED_AS.get(attention, attention)
    if attention == "flex_attention" and not getattr(decoder, "_supports_sdpa", True):
        probed = "eager"
    try:
        mixed = sequences_mix(decoder, probed, within_sequence_plain=attention in FLASH)
    except Exception as exc:  # an architecture whose small copy does not build or run
        failed = f'(a small copy of its decoder, {type(decoder).__name__}, under attention "{probed}" failed: {type(exc).__name__}: {exc})'
        if probed == VARLEN:
            return f"{field}: this model's decoder does not run rows laid end to end under attention \"{attention}\" {failed}; set {_fix(field, decoder, attention)}"
        return f"{field}: could not check that this model keeps the sequences of a row laid end to end apart {failed}; set {_fix(field, decoder, attention)}"
    if not mixed:
        return None
    return f'{field}: this model\'s decoder ({type(decoder).__name__}) under attention "{attention}" lets each sequence of a row laid end to end read the ones before it (a small random copy of it gives a sequence other outputs after another one than alone), so the loss and gradients would not be the sequences\' own; set {_fix(field, decoder, attention)}'


def _fix(field: str, decoder: Any, attention: str) -> str:
    """What to set instead: "varlen" where the decoder's small copy keeps the sequences apart under it."""
    if PROBED_AS.get(attention, attention) != VARLEN and _varlen_keeps_apart(decoder):
        return f'model.attention "varlen" (one sequence at a time), or {field} to false'
    return f"{field} to false"


def _varlen_keeps_apart(decoder: Any) -> bool:
    try:
        return not sequences_mix(decoder, VARLEN)
    except Exception:  # its decoder cannot run the row under "varlen" (Bloom's ALiBi reads a 2D mask)
        return False


def sequences_mix(decoder: Any, attention: str, within_sequence_plain: bool = False) -> bool:
    """Whether a sequence laid after another in a row reads it under `attention`: the decoder's
    class, built small with random weights on the CPU from a copy of its config (tiny_config:
    its architecture and attention settings, not its weights; the model itself is not touched),
    gives PROBE_SEQUENCE other hidden states after an opening than alone, fed the positions
    and segments the trainer's rows carry. Cached per class, config and attention; a few
    milliseconds. `within_sequence_plain`: the copy without a sliding window or softcap."""
    tiny = tiny_config(decoder.config)
    if within_sequence_plain:
        without_window_and_softcap(tiny)
    tiny._attn_implementation = attention
    key = (type(decoder), tiny.to_json_string(), attention)
    if key not in _mixes:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # tiny operations: more threads only wait on each other
        try:
            _mixes[key] = _reads_openings(type(decoder), tiny)
        finally:
            torch.set_num_threads(threads)
    return _mixes[key]


def _reads_openings(decoder_class: Any, tiny: Any) -> bool:
    if tiny._attn_implementation == VARLEN:
        register()  # a model loaded under another attention, asked whether "varlen" would do
    with torch.device("cpu"), torch.random.fork_rng(devices=[]):  # the job's random streams stay as they were
        torch.manual_seed(0)
        decoder = decoder_class(tiny).eval()  # not from_config: under ZeRO-3 that would partition it
    if tiny._attn_implementation == VARLEN:
        attach(decoder)

    def hidden(opening: tuple[int, ...]) -> torch.Tensor:
        lengths = [n for n in (len(opening), len(PROBE_SEQUENCE)) if n]
        ids = torch.tensor([[*opening, *PROBE_SEQUENCE]])
        positions = torch.cat([torch.arange(n) for n in lengths]).unsqueeze(0)
        with torch.no_grad():
            out = decoder(input_ids=ids, position_ids=positions, use_cache=False, **segments([lengths], ids.shape[1]))
        return out.last_hidden_state[:, -len(PROBE_SEQUENCE) :]

    alone = hidden(())
    return any(not torch.allclose(hidden(opening), alone, rtol=1e-4, atol=1e-4) for opening in PROBE_OPENINGS)


def tiny_config(config: Any) -> Any:
    """A copy of a decoder's config at a size that builds and runs in milliseconds: two
    attention heads of the model's own head size (rotary and multimodal-rotary settings fit
    it), its grouped key/value heads kept grouped, one layer of each of its layer types (two
    without types), small MLPs and expert counts, a PROBE_VOCAB-token vocabulary; everything
    else (model type, attention settings, positions) as it is."""
    tiny = copy.deepcopy(config)
    heads = getattr(tiny, "num_attention_heads", None)
    if isinstance(heads, int):
        head = getattr(tiny, "head_dim", None) or tiny.hidden_size // heads
        kv_heads = getattr(tiny, "num_key_value_heads", None)
        tiny.hidden_size, tiny.num_attention_heads = 2 * head, 2
        if _settable(tiny, "num_key_value_heads"):
            tiny.num_key_value_heads = 2 if kv_heads == heads else 1
    else:
        tiny.hidden_size = 64
    types = getattr(tiny, "layer_types", None)
    kinds = list(dict.fromkeys(types)) if isinstance(types, list) and not isinstance(getattr(type(tiny), "layer_types", None), property) else None
    if kinds:
        tiny.layer_types = kinds
    tiny.num_hidden_layers = len(kinds) if kinds else 2
    for name, most in (("intermediate_size", 128), ("ffn_dim", 128), ("moe_intermediate_size", 64), ("shared_expert_intermediate_size", 64), ("num_experts", 4), ("num_local_experts", 4), ("n_routed_experts", 4), ("num_experts_per_tok", 2), ("n_group", 1), ("topk_group", 1)):
        if _settable(tiny, name):
            setattr(tiny, name, min(getattr(tiny, name), most))
    tiny.vocab_size = PROBE_VOCAB
    for name in ("pad_token_id", "bos_token_id", "eos_token_id"):
        value = getattr(tiny, name, None)
        if isinstance(value, int) and value >= PROBE_VOCAB:
            setattr(tiny, name, 0)
        elif isinstance(value, list):
            setattr(tiny, name, [v if v < PROBE_VOCAB else 0 for v in value])
    return tiny


def without_window_and_softcap(config: Any) -> None:
    """`config` with full attention in every layer and no attention-logit softcap."""
    for name in ("sliding_window", "attn_logit_softcapping"):
        if getattr(config, name, None) is not None:
            setattr(config, name, None)
    if getattr(config, "use_sliding_window", False):
        config.use_sliding_window = False
    types = getattr(config, "layer_types", None)
    if isinstance(types, list) and not isinstance(getattr(type(config), "layer_types", None), property):
        config.layer_types = list(dict.fromkeys("full_attention" if t == "sliding_attention" else t for t in types))
        config.num_hidden_layers = len(config.layer_types)


def _settable(config: Any, name: str) -> bool:
    return isinstance(getattr(config, name, None), int) and not isinstance(getattr(type(config), name, None), property)


def segments(lengths: list[list[int]], width: int) -> dict[str, Any]:
    """The FlashAttentionKwargs of rows of `width` tokens holding sequences end to end
    (`lengths`: each row's sequence lengths); a row's padding after its sequences counts as
    one more segment (its positions restart too). Offsets are into the rows flattened."""
    bounds = [0]
    for row in lengths:
        for n in [*row, width - sum(row)]:
            if n:
                bounds.append(bounds[-1] + n)
    cu = torch.tensor(bounds, dtype=torch.int32)
    longest = max(b - a for a, b in zip(bounds, bounds[1:]))
    return {"cu_seq_lens_q": cu, "cu_seq_lens_k": cu, "max_length_q": longest, "max_length_k": longest}


def varlen_attention_forward(module: Any, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, attention_mask: Any, dropout: float = 0.0, scaling: float | None = None, **kwargs: Any) -> tuple[torch.Tensor, None]:
    """transformers' attention function for "varlen" (query, key, value: batch x heads x
    positions x head size; returns batch x positions x heads x head size)."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    cu_q, cu_k = kwargs.pop("cu_seq_lens_q", None), kwargs.pop("cu_seq_lens_k", None)
    max_q, max_k = kwargs.pop("max_length_q", None), kwargs.pop("max_length_k", None)
    if cu_q is None:
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, **kwargs)
    unsupported = {"dropout": dropout or None, "sliding_window": kwargs.get("sliding_window"), "softcap": kwargs.get("softcap")}
    named = [name for name, v in unsupported.items() if v]
    if named:
        raise ValueError(f'model.attention "varlen": this model\'s attention uses {", ".join(named)}, which its rows laid end to end do not run; use "sdpa", or flash_attention_2')
    batch, heads, length, size = query.shape
    q, k, v = (t.transpose(1, 2).reshape(batch * length, t.shape[1], size) for t in (query, key, value))
    cu_k = cu_q if cu_k is None else cu_k
    causal = kwargs.get("is_causal")
    causal = getattr(module, "is_causal", True) if causal is None else causal  # a vision encoder's layers are not
    dtype = kernel_dtype(query.is_cuda, query.dtype, torch.is_autocast_enabled("cuda"), torch.get_autocast_dtype("cuda"))
    if dtype is not None:
        q, k, v = (t.to(dtype) for t in (q, k, v))
        out = _kernel(q, k, v, cu_q, cu_k, max_q, max_q if max_k is None else max_k, scaling, causal)
    else:
        out = _per_segment(q, k, v, cu_q, cu_k, scaling, causal)
    return out.view(batch, length, heads, size), None


def kernel_dtype(cuda: bool, dtype: torch.dtype, autocast: bool, autocast_dtype: torch.dtype) -> torch.dtype | None:
    """The half precision the variable-length kernel runs in, or None (one SDPA call per
    segment): on CUDA, the inputs' own, or under autocast to bf16/fp16 (fp32 weights with
    launcher.mixedPrecision) autocast's, as SDPA would cast them (the rotary embedding's fp32
    cos/sin leave the query and key fp32 there, the value in half precision)."""
    halves = (torch.float16, torch.bfloat16)
    if not cuda:
        return None
    if autocast and autocast_dtype in halves:
        return autocast_dtype
    return dtype if dtype in halves else None


def _per_segment(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, cu_q: torch.Tensor, cu_k: torch.Tensor, scaling: float | None, causal: bool) -> torch.Tensor:
    bounds_q, bounds_k = cu_q.tolist(), cu_k.tolist()
    outs = []
    for (a, b), (c, d) in zip(zip(bounds_q, bounds_q[1:]), zip(bounds_k, bounds_k[1:])):
        # SDPA's causal mask is upper-left aligned: right for a segment's own queries and keys
        outs.append(F.scaled_dot_product_attention(q[a:b].transpose(0, 1), k[c:d].transpose(0, 1), v[c:d].transpose(0, 1), is_causal=causal, scale=scaling, enable_gqa=q.shape[1] != k.shape[1]).transpose(0, 1))
    return torch.cat(outs)


def _kernel(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, cu_q: torch.Tensor, cu_k: torch.Tensor, max_q: int, max_k: int, scaling: float | None, causal: bool) -> torch.Tensor:
    from torch.nn.attention.varlen import varlen_attn

    accepts = _KERNEL_PARAMETERS  # read once, at register(): a compiled pass traces no signature
    if q.shape[1] != k.shape[1] and "enable_gqa" not in accepts:  # torch before 2.12: each key head repeated for its queries
        k, v = (t.repeat_interleave(q.shape[1] // t.shape[1], dim=1) for t in (k, v))
    options: dict[str, Any] = {"scale": scaling} if "scale" in accepts else {}
    if "enable_gqa" in accepts:
        options["enable_gqa"] = q.shape[1] != k.shape[1]
    options.update({"window_size": (-1, 0 if causal else -1)} if "window_size" in accepts else {"is_causal": causal})  # torch 2.11 on; 2.10's flag
    if "scale" not in accepts and scaling is not None and scaling != q.shape[-1] ** -0.5:
        raise ValueError(f"model.attention \"varlen\": torch {torch.__version__}'s varlen_attn takes no scale and this model's is {scaling}; use a newer torch or \"sdpa\"")
    return varlen_attn(q, k, v, cu_q, cu_k, max_q, max_k, **options)


def kernel_missing() -> str | None:
    """Why this PyTorch has no variable-length kernel for CUDA (None: it has)."""
    try:
        from torch.nn.attention.varlen import varlen_attn  # noqa: F401
    except ImportError:
        return f"torch {torch.__version__} has no torch.nn.attention.varlen (PyTorch 2.10 added it)"
    return None


def attach(model: Any) -> None:
    """Lets `model`'s decoder skip transformers' mask for rows that carry their segments: its
    mask builder takes a 4D mask as given, so a broadcast stand-in (no memory) spares the host
    read of the positions (find_packed_sequence_indices) and a row x row mask per forward.
    A hook on the decoder, which every pass calls (under a LoRA wrapper too); only "varlen"
    models get it, the one attention that reads the segments rather than the mask."""
    model.get_decoder().register_forward_pre_hook(_segment_mask, with_kwargs=True)


def _segment_mask(_module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    if kwargs.get("cu_seq_lens_q") is None or kwargs.get("attention_mask") is not None:
        return None
    rows = kwargs.get("input_ids")
    rows = (args[0] if args else kwargs["inputs_embeds"]) if rows is None else rows
    batch, width = rows.shape[:2]
    kwargs["attention_mask"] = torch.ones((), dtype=torch.bool, device=rows.device).expand(batch, 1, width, width)
    return args, kwargs


def register() -> None:
    """Makes "varlen" an attn_implementation transformers loads models with (its masks: SDPA's)."""
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

    global _KERNEL_PARAMETERS
    if kernel_missing() is None:
        from torch.nn.attention.varlen import varlen_attn

        _KERNEL_PARAMETERS = frozenset(inspect.signature(varlen_attn).parameters)
    AttentionInterface.register(VARLEN, varlen_attention_forward)
    AttentionMaskInterface.register(VARLEN, sdpa_mask)
