"""Keyed draws (generation._KeyedDraws): sampled answers drawn from each answer's own key, so
evaluation's answers do not depend on its batches or its processes. The answers themselves
on real models: test_evaluate (batches, processes, caches) and test_families (each family's
own generation_config)."""

import math
import random

import pytest

torch = pytest.importorskip("torch")

from ptlab import generation  # noqa: E402


def lowbias32(x: int) -> int:
    """Chris Wellons' lowbias32, in Python's unbounded integers."""
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    return x ^ (x >> 16)


def test_the_tensor_hash_is_lowbias32_on_every_32_bit_value():
    values = [0, 1, 2**31 - 1, 2**31, 2**32 - 1, *random.Random(0).sample(range(2**32), 2000)]
    hashed = generation._mix32(torch.tensor(values, dtype=torch.int64)).tolist()
    assert hashed == [lowbias32(v) for v in values]
    assert lowbias32(0x12345678) == generation._mix32(0x12345678)


def test_keyed_uniforms_lie_in_the_open_interval_and_depend_on_the_key_and_step_alone():
    keys = torch.tensor([generation.draw_key(1234, "id", i, 0) for i in range(5000)])
    u = generation.keyed_uniforms(keys, 7)
    assert u.dtype == torch.float64 and 0 < u.min() and u.max() < 1
    assert abs(u.mean().item() - 0.5) < 0.02 and abs(u.var().item() - 1 / 12) < 0.005
    assert torch.equal(generation.keyed_uniforms(keys[[3, 1, 4]], 7), u[[3, 1, 4]])  # a row's draw is its own
    assert not torch.equal(generation.keyed_uniforms(keys, 8), u)
    assert generation.draw_key(1234, "id", 0, 0) != generation.draw_key(1234, "id", 0, 1) != generation.draw_key(1234, "ood-rule", 0, 1)


def sampled_distribution(temperature: float, top_p: float, scores: list[float]) -> list[float]:
    """What transformers' warpers leave to sample from: softmax at `temperature`, top-p's nucleus."""
    weights = [math.exp(s / temperature) for s in scores]
    probs = [w / sum(weights) for w in weights]
    kept, mass = set(), 0.0
    for i in sorted(range(len(probs)), key=lambda i: -probs[i]):
        if mass >= top_p:
            break
        kept.add(i)
        mass += probs[i]
    total = sum(probs[i] for i in kept)
    return [probs[i] / total if i in kept else 0.0 for i in range(len(probs))]


def test_keyed_draws_sample_the_warped_softmax():
    """Over 40,000 keys, each token is drawn as often as the softmax at the temperature, cut to
    top-p, gives it (within 4.5 standard errors); tokens outside the nucleus never."""
    from transformers import GenerationConfig

    scores = [2.0, 1.5, 1.0, 0.2, -1.0, -3.0]
    config = GenerationConfig(do_sample=True, temperature=0.7, top_p=0.9)
    n = 40_000
    keys = torch.tensor([generation.draw_key("test", i) for i in range(n)])
    drawer = generation._KeyedDraws(generation._warpers(config), keys, width=3)
    out = drawer(torch.zeros((n, 5), dtype=torch.long), torch.tensor([scores] * n))
    assert torch.isfinite(out).sum(dim=1).eq(1).all()  # one token left per row: generate takes it greedily
    counts = torch.bincount(out.argmax(dim=1), minlength=len(scores)).tolist()
    for count, p in zip(counts, sampled_distribution(0.7, 0.9, scores)):
        assert abs(count / n - p) <= 4.5 * math.sqrt(max(p * (1 - p), 1e-12) / n), (counts, p)
    assert counts[-1] == 0


def test_keyed_draws_of_a_row_depend_on_its_key_and_step_not_its_neighbours():
    from transformers import GenerationConfig

    g = torch.Generator().manual_seed(0)
    scores = torch.randn((8, 50), generator=g)
    keys = torch.tensor([generation.draw_key(9, i) for i in range(8)])
    warpers = generation._warpers(GenerationConfig(do_sample=True, temperature=1.0))
    together = generation._KeyedDraws(warpers, keys, 4)(torch.zeros((8, 6), dtype=torch.long), scores.clone()).argmax(1)
    alone = [generation._KeyedDraws(warpers, keys[i : i + 1], 2)(torch.zeros((1, 4), dtype=torch.long), scores[i : i + 1].clone()).argmax(1).item() for i in range(8)]
    assert together.tolist() == alone  # the same step (2 tokens past each call's prompt), alone or in a batch
    later = generation._KeyedDraws(warpers, keys, 4)(torch.zeros((8, 7), dtype=torch.long), scores.clone()).argmax(1)
    assert later.tolist() != together.tolist()


def test_warpers_follow_generate_and_refuse_what_they_do_not_apply():
    from transformers import GenerationConfig, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    qwen = GenerationConfig(do_sample=True, temperature=0.7, top_p=0.8, top_k=20, repetition_penalty=1.05)
    assert [type(w) for w in generation._warpers(qwen)] == [TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper]
    assert generation._warpers(GenerationConfig(do_sample=True, temperature=1.0, top_k=0, top_p=1.0)) == []
    with pytest.raises(ValueError, match=r"typical_p=0.5 .*evaluation.sampling"):
        generation._warpers(GenerationConfig(do_sample=True, typical_p=0.5))


def _described(processors):
    return [(type(p).__name__, vars(p)) for p in processors]


def test_keyed_draws_and_continuous_batching_sample_as_generate_with_the_checkpoint_s_config(ptlab_cache, monkeypatch):
    """evaluation.sampling "model-defaults" (sampling {}): generate fills what the checkpoint's
    generation_config leaves unset from transformers' defaults. Llama 3.2's sets temperature
    0.6 and top-p 0.9 and no top-k: generate samples with top-k 50, and so do the keyed draws'
    warpers and the paged session's config. Stated options keep their own top-k (0: none)."""
    from ptlab import models, replicas

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    model = models.load_causal_lm(str(replicas.replica_path("llama3")), "fp32")
    assert model.generation_config.top_k is None
    stop = model.generation_config.eos_token_id
    for options in ({}, generation.policy_sampling(0.7)):
        with generation._stated_decoding(model, options):
            prepared, _ = model._prepare_generation_config(None, **options)
        by_generate = _described(model._get_logits_processor(prepared))
        assert _described(generation._warpers(generation._sampling_config(model, options))) == by_generate
        assert _described(model._get_logits_processor(generation._paged_generation_config(model, options, stop, None, 8))) == by_generate
    assert [name for name, _ in by_generate] == ["TemperatureLogitsWarper"]  # policy sampling: untruncated
    assert dict(_described(generation._warpers(generation._sampling_config(model, {}))))["TopKLogitsWarper"]["top_k"] == 50


def test_a_generated_pad_token_is_an_answer_token_not_its_end(ptlab_cache, monkeypatch):
    """generate pads a row only after it stops: a pad the model itself picks (here every step:
    all its logits equal, and the pad is token 0) is part of the answer, as the extension's
    decoder reads it, not the end of the turn."""
    from ptlab import models

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    path = models.resolve_model_path("embedded:tiny-lm")
    model, tokenizer = models.load_causal_lm(path, "fp32"), models.load_tokenizer(path)
    assert tokenizer.pad_token_id == 0
    with torch.no_grad():
        model.get_output_embeddings().weight.zero_()
    (answer,) = generation.generate(model, tokenizer, [[{"role": "user", "content": "Cards: ['A', '5', '10', 'K']"}]], 6, 0.0, sampling={"do_sample": False})
    assert answer.ids == (0,) * 6 and not answer.stopped


def _positions_counted(model):
    """The positions each forward of `model` receives (input_ids' size, padding included)."""
    seen = []
    model.register_forward_pre_hook(lambda module, args, kwargs: seen.append(kwargs["input_ids"].numel()), with_kwargs=True)
    return seen


@pytest.mark.parametrize("kv_cache", ["dynamic", "static"])
def test_forwarded_tokens_are_the_positions_the_model_computed(ptlab_cache, monkeypatch, kv_cache):
    """Generation.forwarded_tokens counts what the forwards read: a group's shared prompt once
    and, under the dynamic cache, a chat's next turn only past what its last turn cached; the
    run's compute accounting charges prompt_tokens + answer_tokens every time. Greedy answers of
    equal chats are equal, so no row is padded and the hook's count is exact."""
    from ptlab import models

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    path = models.resolve_model_path("embedded:tiny-lm")
    model, tokenizer = models.load_causal_lm(path, "fp32"), models.load_tokenizer(path)
    seen = _positions_counted(model)
    group = [[{"role": "user", "content": "Cards: ['A', '5', '10', 'K']"}] for _ in range(3)]
    prefixes = generation.PrefixCache()
    first = generation.generate(model, tokenizer, group, 6, 0.0, kv_cache=kv_cache, prefixes=prefixes, keys=[0, 1, 2])
    assert sum(g.forwarded_tokens for g in first) == sum(seen)
    seen.clear()
    turn = [[*chat, {"role": "assistant", "content": g.text}, {"role": "user", "content": "Try again."}] for chat, g in zip(group, first)]
    second = generation.generate(model, tokenizer, turn, 6, 0.0, kv_cache=kv_cache, prefixes=prefixes, keys=[0, 1, 2])
    assert sum(g.forwarded_tokens for g in second) == sum(seen)
    charged = sum(g.prompt_tokens + g.answer_tokens for g in first + second)
    forwarded = sum(g.forwarded_tokens for g in first + second)
    if kv_cache == "dynamic":
        assert first[0].forwarded_tokens > first[1].forwarded_tokens == first[2].forwarded_tokens == len(first[1].ids)  # the prompt's last token, then its answer's fed back
        assert forwarded < charged
    else:
        assert forwarded == sum(g.prompt_tokens + len(g.ids) - 1 for g in first + second)


def _decoding(config):
    return {field: getattr(config, field) for field in ("do_sample", "temperature", "top_p", "top_k", "repetition_penalty")}


def test_a_lora_policy_decodes_as_its_plain_model_before_and_after_a_generate(ptlab_cache, monkeypatch):
    """peft's PeftModel hands _prepare_generation_config to the transformers model inside it,
    which reads its own generation_config: _stated_decoding states it there too. Else the
    checkpoint's processors leak into stated sampling (Qwen2.5's repetition penalty 1.05, which
    the paged cache refuses) until peft's generate copies the wrapper's stated config onto the
    inner model, and "model-defaults" then reads that config (greedy) and samples."""
    from peft import LoraConfig, get_peft_model

    from ptlab import models, replicas

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    path = str(replicas.replica_path("qwen2.5"))
    plain, tokenizer = models.load_causal_lm(path, "fp32"), models.load_tokenizer(path)
    wrapped = get_peft_model(models.load_causal_lm(path, "fp32"), LoraConfig(r=4, target_modules=["q_proj"], task_type="CAUSAL_LM"))
    configured = {"do_sample": True, "temperature": 1.0, "top_p": 1.0, "top_k": 0}
    chats = [[{"role": "user", "content": "hi"}]]
    for _ in range(2):
        for options in ({}, configured, generation.policy_sampling(0.7)):
            assert _decoding(generation.decoding_config(wrapped, options)) == _decoding(generation.decoding_config(plain, options))
        generation.generate(wrapped, tokenizer, chats, 2, 1.0)
    assert _decoding(generation.decoding_config(wrapped, {}))["repetition_penalty"] == 1.05
