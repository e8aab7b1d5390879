"""Sampling answers from a model for a batch of chats: what PPO's rollouts and evaluation share."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ptlab import chat, runlog

@dataclass(frozen=True)
class Generation:
    """One sampled answer: its text, and the token ids exactly as sampled (what PPO trains
    on; re-encoding the text can give other ids), ending with the stop token when the model
    produced one rather than running out of max_new_tokens."""

    text: str
    prompt_tokens: int
    ids: tuple[int, ...]
    stopped: bool
    logprobs: tuple[float, ...] = ()  # with record_logprobs: each of `ids`' log-prob under the distribution it was sampled from
    # The positions the model computed for this answer, padding excluded: its prompt tokens not
    # read from a KV cache (a prompt several chats share counted once, on the first of them) and
    # each answer token fed back to sample the next. prompt_tokens + answer_tokens is what the
    # run's compute accounting charges (the spec's convention); this is what was forwarded.
    forwarded_tokens: int = 0

    @property
    def answer_tokens(self) -> int:
        """The answer's tokens, the stop token not counted."""
        return len(self.ids) - self.stopped


def stop_tokens(model: Any, encoder: Any) -> list[int]:
    """The tokens that end a turn: the checkpoint's generation config's (Llama 3 lists
    <|eot_id|>, <|eom_id|> and <|end_of_text|>; Qwen <|im_end|> and <|endoftext|>), the
    tokenizer's eos, and the chat template's end-of-turn (chat.end_of_turn_tokens), which the
    model learns to say after each answer: a base checkpoint's generation config knows only its
    end of text (Qwen2.5's <|endoftext|>, where its ChatML template ends a turn with <|im_end|>)."""
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    listed = configured if isinstance(configured, list) else [configured]
    ends = [*listed, chat.text_tokenizer(encoder).eos_token_id, *chat.end_of_turn_tokens(encoder)]
    return list(dict.fromkeys(t for t in ends if t is not None))


def placeholder_tokens(model: Any) -> list[int]:
    """The ids that stand for an image (or a video) in a vision-language model's prompt, where
    its head can produce them (LLaVA's <image>, Qwen2-VL's <|image_pad|> and <|video_pad|>;
    Mllama's <|image|> lies past its head). They are not words of an answer: sampled into one,
    the answer holds a placeholder with no image behind it, and the model's next pass over it
    (PPO's scoring, the chat's next turn) fails on the count of image features."""
    config = model.config
    vocabulary = config.get_text_config().vocab_size
    ids = [getattr(config, name, None) for name in ("image_token_id", "video_token_id")]
    return sorted({i for i in ids if isinstance(i, int) and 0 <= i < vocabulary})


def policy_sampling(temperature: float) -> dict[str, Any]:
    """generate's arguments to sample from the policy itself: its softmax at `temperature`,
    untruncated (generate's default top_k of 50 off). With them, `generate` also sets aside
    the checkpoint's generation_config (its top_p, top_k, repetition penalty...): PPO's
    importance ratios take the sampler to be the policy."""
    return {"do_sample": True, "temperature": temperature, "top_k": 0, "top_p": 1.0}


@contextmanager
def _stated_decoding(model: Any, sampling: dict[str, Any]) -> Iterator[None]:
    """Decode with `sampling` only: the checkpoint's generation_config keeps its special
    tokens but not its processors (generate fills whatever `sampling` leaves unset from it).
    An empty `sampling` means the checkpoint's decoding: left as it is. A LoRA model (peft's
    PeftModel) is stated on the transformers model inside it too, which prepares generate's
    config from its own; peft's generate copies the wrapper's onto it, undone here."""
    from transformers import GenerationConfig

    holders = [model, *([model.get_base_model()] if hasattr(model, "get_base_model") else [])]
    saved = [holder.generation_config for holder in holders]
    if sampling:
        stated = GenerationConfig(bos_token_id=saved[0].bos_token_id, eos_token_id=saved[0].eos_token_id, pad_token_id=saved[0].pad_token_id)
        for holder in holders:
            holder.generation_config = stated
    try:
        yield
    finally:
        for holder, config in zip(holders, saved):
            holder.generation_config = config


class _SampledLogprobs:
    """A logits processor that records, for each generated token, its log-prob under the
    distribution it was drawn from: the softmax of the scores at `temperature` (under
    policy_sampling, temperature is the only warper after this processor). Each call sees
    the token sampled after the previous call; the last token is read in `per_token`."""

    def __init__(self, temperature: float) -> None:
        self.temperature = temperature
        self.previous: Any = None
        self.steps: list[Any] = []

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        if self.previous is not None:
            self.steps.append(self.previous.gather(1, input_ids[:, -1:]).squeeze(1))
        self.previous = torch.log_softmax(scores.float() / self.temperature, dim=-1)
        return scores

    def per_token(self, new_ids: Any) -> Any:
        """(rows, new tokens) log-probs of `new_ids`, the tokens generate returned."""
        import torch

        n = new_ids.shape[1]
        steps = self.steps[:n] if len(self.steps) >= n else [*self.steps, self.previous.gather(1, new_ids[:, -1:]).squeeze(1)]
        if len(steps) != n:
            raise RuntimeError(f"recorded {len(steps)} sampling steps for {n} generated tokens")
        return torch.stack(steps, dim=1)


MASK32 = 0xFFFFFFFF


def _mul32(x: Any, c: int) -> Any:
    """x * c modulo 2**32, for an int or an int64 tensor x below 2**32: the product is taken in
    16-bit halves of c, so no intermediate passes 2**49 (int64 overflow is undefined in C++)."""
    return (x * (c & 0xFFFF) + (((x * (c >> 16)) & 0xFFFF) << 16)) & MASK32


def _mix32(x: Any) -> Any:
    """A 32-bit integer hash (Chris Wellons' lowbias32), of an int or elementwise of an int64 tensor."""
    x = x ^ (x >> 16)
    x = _mul32(x, 0x7FEB352D)
    x = x ^ (x >> 15)
    x = _mul32(x, 0x846CA68B)
    return x ^ (x >> 16)


def draw_key(*parts: Any) -> int:
    """A 32-bit key for one answer's random draws (generate's `draws`), from what identifies it:
    evaluation uses (seed, split, episode, attempt)."""
    import hashlib

    return int.from_bytes(hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=4).digest(), "little")


def keyed_uniforms(keys: Any, step: int) -> Any:
    """One uniform in (0, 1) per key (an int64 tensor of 32-bit keys) for decoding step `step`: a
    counter-based draw, the same on every device and in any batch."""
    import torch

    return (_mix32(keys ^ _mix32(step & MASK32)).to(torch.float64) + 0.5) / 2.0**32


def decoding_config(model: Any, options: dict[str, Any]) -> Any:
    """The GenerationConfig generate decodes with under `options` (_stated_decoding): `options`
    over the checkpoint's generation_config (its special tokens alone when `options` is not
    empty), and each field both leave unset at transformers' default, as generate fills it
    (top_k 50 for a checkpoint that sets none, as Llama 3.2's)."""
    with _stated_decoding(model, options):
        config, _ = model._prepare_generation_config(None, **options)
    return config


def _sampling_config(model: Any, options: dict[str, Any]) -> Any:
    """The GenerationConfig generate would sample with under `options` (decoding_config), or
    None when it decodes greedily."""
    config = decoding_config(model, options)
    return config if config.do_sample else None


# GenerationConfig's sampling warpers, which generate applies only when it samples itself
_WARPER_FIELDS = ("temperature", "top_k", "top_p", "min_p", "typical_p", "epsilon_cutoff", "eta_cutoff", "top_h")


def _warpers(config: Any) -> list[Any]:
    """transformers' warpers for a sampling GenerationConfig, in generate's order (temperature,
    top-k, top-p, min-p); the rarer ones (typical_p, epsilon and eta cutoffs, top_h) are refused."""
    from transformers import MinPLogitsWarper, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    rare = {"typical_p": lambda p: p < 1.0, "epsilon_cutoff": lambda e: 0.0 < e < 1.0, "eta_cutoff": lambda e: 0.0 < e < 1.0, "top_h": lambda _: True}
    used = [f"{name}={value}" for name, applies in rare.items() if (value := getattr(config, name, None)) is not None and applies(value)]
    if used:
        raise ValueError(f"sampling with {', '.join(used)} is not supported in evaluation's per-episode draws: set evaluation.sampling to \"configured\" (temperature, topP)")
    warpers: list[Any] = []
    if config.temperature is not None and config.temperature != 1.0:
        warpers.append(TemperatureLogitsWarper(config.temperature))
    if config.top_k:
        warpers.append(TopKLogitsWarper(top_k=config.top_k))
    if config.top_p is not None and config.top_p < 1.0:
        warpers.append(TopPLogitsWarper(top_p=config.top_p))
    if config.min_p is not None:
        warpers.append(MinPLogitsWarper(min_p=config.min_p))
    return warpers


class _KeyedDraws:
    """A logits processor that samples each row's next token itself, from the row's own
    randomness: its key and the step (keyed_uniforms), by inverse CDF over the warped softmax
    (exact sampling, any order of the vocabulary will do). It returns scores that leave only
    the drawn token, so generate decodes greedily (do_sample False) what was sampled here. A
    row's answer then depends on its chat, its key and the weights alone, not on the other rows
    of its call or the process's random stream."""

    def __init__(self, warpers: list[Any], keys: Any, width: int) -> None:
        self.warpers, self.keys, self.width = warpers, keys, width

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        for warper in self.warpers:
            scores = warper(input_ids, scores)
        cdf = torch.softmax(scores.float(), dim=-1).cumsum(-1, dtype=torch.float64)
        target = keyed_uniforms(self.keys, input_ids.shape[1] - self.width) * cdf[:, -1]
        drawn = torch.searchsorted(cdf, target.unsqueeze(1), right=True).clamp_(max=scores.shape[-1] - 1)
        return torch.full_like(scores, float("-inf")).scatter_(1, drawn, 0.0)


@dataclass
class _Prefix:
    ids: list[int]  # the tokens whose keys and values are held, the row's padding dropped
    layers: list[tuple[Any, Any]]  # per layer: keys, values (heads, len(ids), head_dim)


class PrefixCache:
    """What a chat's last generation left in the KV cache (its prompt and answer, by a key the
    caller gives: an episode), so that the chat's next turn, which continues it (the answer
    rendered back, then the verifier's message), prefills only its new tokens. Holds the
    entries of the last `generate` call only, and must not outlive the weights that made it
    (one rollout, one evaluation). Used for text-only chats with a plain dynamic cache. With
    model.kvCache "paged" it holds instead the continuous-batching session its calls share
    (_PagedSession, whose cache keeps the chats' blocks from round to round); `close()` ends it."""

    def __init__(self) -> None:
        self.entries: dict[Any, _Prefix] = {}
        self.paged: _PagedSession | None = None

    def close(self) -> None:
        if self.paged is not None:
            self.paged.close()
            self.paged = None

    def usable(self, key: Any, ids: list[int]) -> int:
        """How many of `ids`' first tokens the cache holds for `key`: the longest prefix `ids`
        shares with the cached tokens (their keys and values are what a full prefill computes,
        however the two go on: an answer cut at the token limit renders back as other ids),
        leaving at least one token to prefill."""
        entry = self.entries.get(key)
        if entry is None:
            return 0
        shared = 0
        for cached, new in zip(entry.ids, ids[:-1]):
            if cached != new:
                break
            shared += 1
        return shared


def _reusable(model: Any, encoder: Any, kv_cache: str) -> bool:
    from transformers import DynamicCache
    from transformers.cache_utils import DynamicLayer

    if kv_cache != "dynamic" or chat.is_multimodal(encoder):
        return False
    probe = DynamicCache(config=model.config)
    return all(type(layer) is DynamicLayer for layer in probe.layers)


@functools.cache
def _growing_layer_class() -> type:
    from transformers.cache_utils import DynamicLayer

    class GrowingLayer(DynamicLayer):
        """A DynamicLayer that writes each step's keys and values into buffers allocated for the
        whole generation (`capacity` tokens, doubled if ever exceeded) instead of concatenating:
        DynamicLayer copies the whole cache at every decoding step, a fifth of decoding's time
        on CPU. `keys` and `values` are views of the filled part, as DynamicLayer's tensors."""

        def __init__(self, capacity: int) -> None:
            super().__init__()
            self.capacity = capacity

        def update(self, key_states: Any, value_states: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
            if not self.is_initialized:
                self.lazy_initialization(key_states, value_states)
                self._buffers: tuple[Any, Any] | None = None
                self.length = 0
            end = self.length + key_states.shape[-2]
            if self._buffers is None or end > self._buffers[0].shape[-2]:
                self._grow(max(self.capacity, end if self._buffers is None else 2 * end), key_states, value_states)
            keys, values = self._buffers
            keys[..., self.length : end, :] = key_states
            values[..., self.length : end, :] = value_states
            self.length = end
            self.keys, self.values = keys[..., :end, :], values[..., :end, :]
            return self.keys, self.values

        def _grow(self, size: int, key_states: Any, value_states: Any) -> None:
            fresh = tuple(t.new_empty((*t.shape[:-2], size, t.shape[-1])) for t in (key_states, value_states))
            if self._buffers is not None:
                for new, held in zip(fresh, self._buffers):
                    new[..., : self.length, :] = held[..., : self.length, :]
            self._buffers = (fresh[0], fresh[1])

        def _adopt(self) -> None:  # after an operation that replaced keys and values outright
            self._buffers, self.length = (self.keys.contiguous(), self.values.contiguous()), self.keys.shape[-2]
            self.keys, self.values = self._buffers

        def crop(self, tokens_to_remove: int) -> None:
            super().crop(tokens_to_remove)
            if self.is_initialized:
                self._adopt()

        def batch_repeat_interleave(self, repeats: int) -> None:
            super().batch_repeat_interleave(repeats)
            if self.is_initialized:
                self._adopt()

        def batch_select_indices(self, indices: Any) -> None:
            super().batch_select_indices(indices)
            if self.is_initialized:
                self._adopt()

    return GrowingLayer


def _growing_cache(model: Any, capacity: int, layers: list[tuple[Any, Any]] | None = None) -> Any:
    """A DynamicCache of GrowingLayers with room for `capacity` tokens, holding `layers`' keys
    and values when given (per layer, (batch, heads, length, head_dim))."""
    from transformers import DynamicCache

    cache = DynamicCache(config=model.config)
    layer_class = _growing_layer_class()
    cache.layers = [layer_class(capacity) for _ in cache.layers]
    for layer, held in zip(cache.layers, layers or []):
        layer.update(*held)
    return cache


def _prefill_new_chats(model: Any, cache: PrefixCache, keys: list[Any], rows: list[list[int]], batch_size: int, pad_id: int) -> dict[int, int]:
    """Enter in `cache` the keys and values of every token but the last of each row it holds
    nothing of (a chat's first turn), so that `generate` decodes from them as from a chat's
    earlier turn. Rows with the same tokens (GRPO's group of episodes on one hand) are computed
    once (a quarter of the first round's prefill at the demo's groups of 4), in batches of
    `batch_size` distinct prompts, shortest first, padded on the right: a row's keys and
    values are its first tokens', at the positions generate's left-padded prefill gives them.
    Returns the tokens prefilled (padding excluded) by the first row of each distinct prompt."""
    import torch
    from transformers import DynamicCache

    new = [j for j, (key, row) in enumerate(zip(keys, rows)) if len(row) > 1 and cache.usable(key, row) == 0]
    distinct: dict[tuple[int, ...], list[int]] = {}
    for j in new:
        distinct.setdefault(tuple(rows[j][:-1]), []).append(j)
    prompts = sorted(distinct, key=len)
    for start in range(0, len(prompts), batch_size):
        chunk = prompts[start : start + batch_size]
        ids = torch.full((len(chunk), len(chunk[-1])), pad_id, dtype=torch.long)
        for i, prompt in enumerate(chunk):
            ids[i, : len(prompt)] = torch.tensor(prompt)
        held = DynamicCache(config=model.config)
        model(input_ids=ids.to(model.device), cache=held, use_cache=True, logits_to_keep=1)
        for i, prompt in enumerate(chunk):
            entry = _Prefix(list(prompt), [(layer.keys[i, :, : len(prompt)], layer.values[i, :, : len(prompt)]) for layer in held.layers])
            for j in distinct[prompt]:
                cache.entries[keys[j]] = entry
    return {group[0]: len(prompt) for prompt, group in distinct.items()}


def _prefilled(model: Any, rows: list[list[int]], width: int, cache: PrefixCache, keys: list[Any], capacity: int) -> tuple[Any, int]:
    """A cache with room for `capacity` tokens holding, for left-padded rows `width` wide, the
    cached first tokens of each row (padding as zeros, masked), and its length; (None, 0) when
    no row has any."""
    import torch

    held = [cache.usable(key, row) for key, row in zip(keys, rows)]
    length = min(width - len(row) + n for row, n in zip(rows, held))  # every row's uncached tokens fit after it
    if length <= 0 or not any(held):
        return None, 0
    some = next(cache.entries[key] for key, n in zip(keys, held) if n)
    layers = []
    for index, (k, v) in enumerate(some.layers):
        keys_out = k.new_zeros((len(rows), k.shape[0], length, k.shape[2]))
        values_out = v.new_zeros((len(rows), v.shape[0], length, v.shape[2]))
        for r, (key, row) in enumerate(zip(keys, rows)):
            n = length - (width - len(row))  # the row's tokens inside the cache
            if n > 0:
                entry = cache.entries[key].layers[index]
                keys_out[r, :, length - n :] = entry[0][:, :n]
                values_out[r, :, length - n :] = entry[1][:, :n]
        layers.append((keys_out, values_out))
    return _growing_cache(model, capacity, layers), length


def generate(model: Any, encoder: Any, chats: list[list[dict[str, Any]]], max_new_tokens: int, temperature: float, kv_cache: str = "dynamic", sampling: dict[str, Any] | None = None, synced_gpus: bool = False, prefixes: PrefixCache | None = None, keys: list[Any] | None = None, record_logprobs: bool = False, batch_size: int = 32, draws: list[int] | None = None) -> list[Generation]:
    """A Generation for each chat, batched, left-padded; `encoder` is the tokenizer or, for
    image-text-to-text models, the processor (chats with images). `kv_cache` is the config's
    model.kvCache: "static" preallocates the cache, and on CUDA generate compiles decoding;
    "paged" runs transformers' continuous batching instead of generate (_generate_paged).
    `temperature` > 0 samples from the policy (policy_sampling), 0 decodes greedily;
    `sampling`, when given, are generate's sampling arguments in their place, decoded as
    stated, without the checkpoint's own processors ({} decodes as the model's
    generation_config says). `record_logprobs` (sampling at `temperature` only): each
    Generation carries its tokens' sampling log-probs. `synced_gpus`: the model's parameters
    are sharded over the processes (ZeRO-3), which all call this together: each forward gathers
    them, so a process whose answers are done keeps decoding until every process's are, and
    every process makes as many forwards (chats that start in this call are prefilled by
    generate, not apart: how many start differs between processes).
    `prefixes`, with a key per chat (`keys`, an episode's), carries the KV cache from one
    turn of a chat to its next (PrefixCache); the answers are those of a full prefill up to
    float rounding. At most `batch_size` chats go into one `generate` call (model.generateBatch).
    An image placeholder (placeholder_tokens) is never generated: the policy samples from its
    softmax over the other tokens (the recorded log-probs are that distribution's).
    `draws`, a key per chat (draw_key), makes sampled decoding draw each answer's tokens from
    its key (_KeyedDraws) rather than from torch's stream: the same answers whatever else is in
    the call, at any `batch_size`, on any number of processes (up to float rounding, as greedy
    answers). Not with `record_logprobs` or "paged" (continuous batching samples itself)."""
    import torch

    tokenizer = chat.text_tokenizer(encoder)
    stop = stop_tokens(model, encoder)
    options = dict(sampling) if sampling is not None else policy_sampling(temperature) if temperature > 0 else {"do_sample": False}
    if record_logprobs and (sampling is not None or temperature <= 0):
        raise ValueError("record_logprobs needs sampling at a temperature (policy_sampling)")
    if draws is not None and (record_logprobs or kv_cache == "paged"):
        raise ValueError('keyed draws are for generate\'s own decoding: not with record_logprobs or model.kvCache "paged"')
    if kv_cache == "paged":
        return _generate_paged(model, encoder, chats, max_new_tokens, options, stop, record_logprobs, synced_gpus, batch_size, prefixes)
    sampler = _sampling_config(model, options) if draws is not None else None
    warpers = _warpers(sampler) if sampler is not None else []
    arguments = dict(options)  # generate's: the decoding's, and how to run it
    if sampler is not None:  # _KeyedDraws samples; generate takes the drawn token greedily
        arguments |= {"do_sample": False, **dict.fromkeys(_WARPER_FIELDS)}
    if kv_cache == "static":
        arguments["cache_implementation"] = "static"
    if synced_gpus:
        arguments["synced_gpus"] = True
    suppressed = placeholder_tokens(model)
    if not options:  # the checkpoint's decoding: its own suppressed tokens too (the argument replaces its list)
        suppressed = sorted({*suppressed, *(model.generation_config.suppress_tokens or [])})
    reuse = prefixes is not None and _reusable(model, encoder, kv_cache)
    keys = list(keys) if keys is not None else list(range(len(chats)))
    order = list(range(len(chats)))
    prefilled: dict[int, int] = {}  # chat: the tokens _prefill_new_chats forwarded for it
    if reuse:  # batch rows with as many tokens to prefill together: a batch prefills its longest
        all_ids = [chat.encode(encoder, c, [], generation_prompt=True)["input_ids"] for c in chats]
        if not synced_gpus:  # its forwards are as many as this process's new prompts: sharded, generate prefills them
            with torch.no_grad():
                prefilled = _prefill_new_chats(model, prefixes, keys, all_ids, batch_size, tokenizer.pad_token_id if tokenizer.pad_token_id is not None else stop[0])
        order.sort(key=lambda j: len(all_ids[j]) - prefixes.usable(keys[j], all_ids[j]))
    results: dict[int, Generation] = {}
    kept: dict[Any, _Prefix] = {}
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        batch = chat.generation_batch(encoder, [chats[j] for j in chunk]).to(model.device)
        width = batch["input_ids"].shape[1]
        rows = [row[mask.bool()].tolist() for row, mask in zip(batch["input_ids"], batch["attention_mask"])]
        cache, cached = _prefilled(model, rows, width, prefixes, [keys[j] for j in chunk], width + max_new_tokens) if reuse else (None, 0)
        if reuse and cache is None:
            cache = _growing_cache(model, width + max_new_tokens)  # read back below
        recorder = _SampledLogprobs(temperature) if record_logprobs else None
        drawer = _KeyedDraws(warpers, torch.tensor([draws[j] for j in chunk], device=model.device), width) if sampler is not None and draws is not None else None
        processors = [p for p in (recorder, drawer) if p is not None]
        with torch.no_grad(), _stated_decoding(model, options):
            out = model.generate(**batch, max_new_tokens=max_new_tokens, eos_token_id=stop, pad_token_id=tokenizer.pad_token_id, **({"cache": cache} if cache is not None else {}), **({"logits_processor": processors} if processors else {}), **({"suppress_tokens": suppressed} if suppressed else {}), **arguments)
        runlog.moved()
        new = out[:, width:]
        logprobs = recorder.per_token(new).tolist() if recorder else None
        for r, (j, row) in enumerate(zip(chunk, new)):
            ids = row.tolist()
            end = next((i for i, t in enumerate(ids) if t in stop), len(ids))  # generate pads only after a stop: a sampled pad token is an answer token
            stopped = end < len(ids)
            answer = ids[: end + stopped]
            prompt_forwarded = len(rows[r]) - max(0, cached - (width - len(rows[r])))  # the cache's first `cached` of `width` positions were not forwarded
            forwarded = prefilled.get(j, 0) + prompt_forwarded + len(answer) - 1
            results[j] = Generation(tokenizer.decode(ids[:end], skip_special_tokens=True), len(rows[r]), tuple(answer), stopped, tuple(logprobs[r][: end + stopped]) if logprobs else (), forwarded)
            if reuse:  # the prompt and every answer token but the last, which was never fed back
                fed = len(results[j].ids) - 1
                begin = width - len(rows[r])
                kept[keys[j]] = _Prefix(rows[r] + list(results[j].ids[:fed]), [(layer.keys[r, :, begin : width + fed].clone(), layer.values[r, :, begin : width + fed].clone()) for layer in cache.layers])
    if prefixes is not None:
        prefixes.entries = kept
    return [results[j] for j in range(len(chats))]


def _generate_paged(model: Any, encoder: Any, chats: list[list[dict[str, Any]]], max_new_tokens: int, options: dict[str, Any], stop: list[int], record_logprobs: bool, synced_gpus: bool, batch_size: int, prefixes: PrefixCache | None) -> list[Generation]:
    """model.kvCache "paged": the chats as requests to transformers' continuous batching (a
    paged KV cache): at most `batch_size` decode together, a finished answer's place is taken
    by the next request at once, and requests share the cache blocks of the prompt tokens they
    have in common (a GRPO group's prompt, a chat's earlier turns). The calls of one rollout or
    evaluation (`prefixes`) share one session; without `prefixes` the call has its own."""
    if chat.is_multimodal(encoder):
        raise ValueError('model.kvCache "paged" takes text prompts only: use "dynamic" or "static" with an image-text-to-text model')
    if synced_gpus:
        raise ValueError('model.kvCache "paged" decodes with whole weights on each process, not ZeRO-3 shards: use "dynamic" or "static"')
    tokenizer = chat.text_tokenizer(encoder)
    batch = chat.generation_batch(encoder, chats)
    rows = [row[mask.bool()].tolist() for row, mask in zip(batch["input_ids"], batch["attention_mask"])]
    config = _paged_generation_config(model, options, stop, tokenizer.pad_token_id, max_new_tokens)
    session = prefixes.paged if prefixes is not None else None
    if session is None or not session.fits(config, record_logprobs, rows, max_new_tokens, batch_size):
        if session is not None:
            session.close()
        session = _PagedSession(model, config, record_logprobs, rows, max_new_tokens, batch_size)
        if prefixes is not None:
            prefixes.paged = session
    try:
        outputs = session.run(rows, max_new_tokens)
    finally:
        if prefixes is None:
            session.close()
    results = []
    for i, (row, out) in enumerate(zip(rows, outputs)):
        ids = list(out.generated_tokens)
        end = next((k for k, t in enumerate(ids) if t in stop), len(ids))
        stopped = end < len(ids)
        logprobs = tuple(out.logprobs[: end + stopped]) if record_logprobs else ()
        if record_logprobs and len(logprobs) != end + stopped:
            raise RuntimeError(f"continuous batching returned {len(out.logprobs)} log-probs for {len(ids)} tokens (chat {i})")
        # forwarded: the whole prompt, though the session may read blocks it shares with an earlier request from its cache
        results.append(Generation(tokenizer.decode(ids[:end], skip_special_tokens=True), len(row), tuple(ids[: end + stopped]), stopped, logprobs, len(row) + end + stopped - 1))
    return results


PAGE = 256  # tokens per block of the paged cache
# Most tokens in one forward of a paged session (at least the longest prompt): under SDPA its
# attention masks are (this) x (tokens the cache holds); 1,024 planned 0.22 GiB where 16,384
# planned 0.81 and ran no faster on CPU (bench/results/cpu-2026-12-05/paged-sizes.log).
PAGED_BATCH_TOKENS = 1024


def paged_cache_sizes(lengths: list[int], max_new_tokens: int, batch_size: int) -> dict[str, int]:
    """The paged cache of a session opened for rows of these lengths (_PagedSession): room for
    `batch_size` concurrent requests of the longest row plus `max_new_tokens`, three times over
    for the turns to come; each forward up to PAGED_BATCH_TOKENS tokens and at least the
    longest prompt whole. ContinuousBatchingConfig's fields; `ptlab plan` sizes the stage from them."""
    pages_per_request = 3 * -(-(max(lengths) + max_new_tokens) // PAGE)
    return {"page_size": PAGE, "num_blocks": batch_size * pages_per_request + 1, "max_requests_per_batch": batch_size, "max_batch_tokens": max(batch_size, max(lengths), min(sum(lengths), PAGED_BATCH_TOKENS))}


class _PagedSession:
    """A continuous-batching manager (transformers' ContinuousBatchingManager) running for the
    generate calls of one rollout or evaluation: starting and stopping one per call costs more
    than a call's decoding at small sizes (its stop collects garbage and empties the device
    cache). Its cache is sized from its first call's rows (paged_cache_sizes), not from the
    device's free memory; a call with longer rows or another decoding gets a new session. Sampling is
    seeded from torch's generator; the attention is the model's own (no switch to flash)."""

    def __init__(self, model: Any, config: Any, record_logprobs: bool, rows: list[list[int]], max_new_tokens: int, batch_size: int) -> None:
        import torch
        from transformers import ContinuousBatchingConfig

        self.config, self.record_logprobs, self.batch_size = config, record_logprobs, batch_size
        # continuous batching builds generate's processors (this private method) and drops, with a log line, those it cannot run per request
        dropped = [type(p).__name__ for p in model._get_logits_processor(config) if getattr(p, "supports_continuous_batching", None) is False]
        if dropped:
            raise ValueError(f'model.kvCache "paged": continuous batching cannot apply {", ".join(dropped)}, which this decoding asks for (a checkpoint\'s repetition_penalty under evaluation.sampling "model-defaults", say); use "dynamic" or "static", or evaluation.sampling "configured"')
        sizes = paged_cache_sizes(list(map(len, rows)), max_new_tokens, batch_size)
        self.pages_per_request = (sizes["num_blocks"] - 1) // batch_size
        self.batch_tokens = sizes["max_batch_tokens"]
        cache = ContinuousBatchingConfig(**sizes, return_logprobs=record_logprobs, seed=int(torch.randint(0, 2**31 - 1, (1,)).item()), auto_switch_to_flash=False)
        self.manager = model.init_continuous_batching(generation_config=config, continuous_batching_config=cache)
        self.manager.start()
        self.calls = 0

    def _pages(self, rows: list[list[int]], max_new_tokens: int) -> int:
        return -(-(max(map(len, rows)) + max_new_tokens) // PAGE)

    def fits(self, config: Any, record_logprobs: bool, rows: list[list[int]], max_new_tokens: int, batch_size: int) -> bool:
        same = (config.to_dict(), record_logprobs, batch_size) == (self.config.to_dict(), self.record_logprobs, self.batch_size)
        return same and self._pages(rows, max_new_tokens) <= self.pages_per_request and max(map(len, rows)) <= self.batch_tokens

    def run(self, rows: list[list[int]], max_new_tokens: int) -> list[Any]:
        """Each row's finished GenerationOutput, in order."""
        call, self.calls = self.calls, self.calls + 1
        names = [f"{call}-{i}" for i in range(len(rows))]
        for name, row in zip(names, rows):
            self.manager.add_request(row, request_id=name, max_new_tokens=max_new_tokens)
        done: dict[str, Any] = {}
        while len(done) < len(rows):
            out = self.manager.get_result(timeout=1)
            if out is None:
                if not self.manager.is_running():
                    raise RuntimeError(f'continuous batching (model.kvCache "paged") stopped with {len(rows) - len(done)} of {len(rows)} answers missing')
                continue
            if out.error:
                raise RuntimeError(f'continuous batching (model.kvCache "paged") failed on a request: {out.error}')
            if out.is_finished():
                done[out.request_id] = out
                runlog.moved()
        return [done[name] for name in names]

    def close(self) -> None:
        self.manager.stop(block=True)
        self.manager.destroy()


def _paged_generation_config(model: Any, options: dict[str, Any], stop: list[int], pad_id: int | None, max_new_tokens: int) -> Any:
    """The GenerationConfig continuous batching decodes with: generate's under `options`
    (decoding_config; continuous batching fills no unset field itself), stopping at `stop`."""
    config = decoding_config(model, options)
    config.eos_token_id, config.max_new_tokens = stop, max_new_tokens
    if pad_id is not None:
        config.pad_token_id = pad_id
    return config
