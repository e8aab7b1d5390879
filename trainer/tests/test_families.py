"""The model-family matrix: every model path of the trainer on random-weight replicas of the
families researchers train (ptlab/replicas.py: each family's transformers classes,
processor, special tokens and chat template in its own format) and on the embedded models.

For each family: the SFT mask covers exactly the assistant tokens (each learned run decodes
to one reply and the family's end of turn, nothing else is learned); SFT lowers the loss;
evaluation writes valid episode records; one PPO update with the value head and one with
group baselines; ONNX export of the text-only families. Vision families read card images
through their own processors (Mllama's tiles and cross-attention mask, Qwen2-VL's patch
grid, LLaVA's expanded image tokens). The embedded models' runs are covered at length in
test_sft.py, test_ppo.py, test_vision.py and test_export.py; here they share the mask check.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")

from ptlab import chat, models, replicas  # noqa: E402
from test_chat_masks import learned_runs  # noqa: E402
from ptlab.contracts import errors  # noqa: E402
from ptlab.envs import generalpoints as gp  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# What SFT learns after each assistant reply, where generation stops: the family's end-of-turn
# token, which its template writes there. LLaVA 1.5's template writes none, only the space before
# the next "USER: " (a separator, as ChatML's newline after <|im_end|>): its reply ends with the
# tokenizer's eos, </s>, as LLaVA's own training ended each reply (NO_END_OF_TURN).
END_OF_TURN = {"llama3": "<|eot_id|>", "qwen2.5": "<|im_end|>", "mllama": "<|eot_id|>", "qwen2-vl": "<|im_end|>", "llava": "</s>", "embedded:tiny-lm": "<|end|>", "embedded:tiny-vlm": "<|end|>"}
NO_END_OF_TURN = {"llava"}
VISION = {*replicas.VISION_FAMILIES, "embedded:tiny-vlm"}
EXPECTED_CLASS = {"llama3": "LlamaForCausalLM", "qwen2.5": "Qwen2ForCausalLM", "mllama": "MllamaForConditionalGeneration", "qwen2-vl": "Qwen2VLForConditionalGeneration", "llava": "LlavaForConditionalGeneration"}


@pytest.fixture(scope="module")
def cache(ptlab_cache):
    mp = pytest.MonkeyPatch()
    mp.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    yield ptlab_cache
    mp.undo()


def model_path(family: str) -> str:
    return models.resolve_model_path(family) if family.startswith("embedded:") else str(replicas.replica_path(family))


def trajectory(vision: bool) -> list[dict]:
    """A sub-optimal GP trajectory: a wrong answer, the verifier's message, the right one."""
    config = gp.GeneralPointsConfig(modality="vision" if vision else "language", verifier="reference")
    episode = gp.GeneralPointsEpisode(config, 5)
    turns = gp.suboptimal_trajectory(config, episode.hand, 5, 1)
    messages = [chat.user_message(episode.prompt, episode.observation_image() if vision else None)]
    for turn in turns:
        messages.append({"role": "assistant", "content": turn.output})
        if turn is not turns[-1]:
            messages.append({"role": "user", "content": gp.failure_turn(turn.message)})
    return messages


@pytest.mark.parametrize("family", [*replicas.FAMILIES, "embedded:tiny-lm", "embedded:tiny-vlm"])
def test_the_sft_mask_is_exactly_each_reply_and_its_end_of_turn(cache, family):
    encoder = models.load_tokenizer(model_path(family))
    if family in replicas.FAMILIES:
        assert type(models.load_causal_lm(model_path(family), "fp32")).__name__ == EXPECTED_CLASS[family]
    messages = trajectory(family in VISION)
    replies = [m["content"] for m in messages if m["role"] == "assistant"]
    assert len(replies) == 2
    encoded = chat.encode(encoder, messages, chat.images_in(messages), generation_prompt=False)
    tokenizer = chat.text_tokenizer(encoder)
    runs = learned_runs(encoded)
    # Each run is the reply as the template writes it after the generation prompt (Llama 3
    # trims it; ChatML keeps its leading "\n"; LLaVA's starts with the space after "ASSISTANT:").
    decoded = [tokenizer.decode(run) for run in runs]
    assert len(decoded) == len(replies)
    for text, reply in zip(decoded, replies):
        assert text.endswith(END_OF_TURN[family]) and text.removesuffix(END_OF_TURN[family]).strip() == reply.strip(), (text, reply)
    unlearned = tokenizer.decode([t for t, m in zip(encoded["input_ids"], encoded["assistant_masks"]) if not m])
    assert not any(reply in unlearned for reply in replies)
    if family in VISION:  # the processor's expanded image tokens are in the ids, never learned
        image_tokens = [t for t in encoded["input_ids"] if tokenizer.convert_ids_to_tokens(t) in ("<|image|>", "<|image_pad|>", "<image>")]
        assert image_tokens and not any(m for t, m in zip(encoded["input_ids"], encoded["assistant_masks"]) if t in image_tokens)


@pytest.mark.parametrize("family", [*replicas.FAMILIES, "embedded:tiny-lm", "embedded:tiny-vlm"])
def test_each_turn_is_trained_on_the_ids_generation_reads_then_the_answer_s_own(cache, family):
    """A sub-optimal GP trajectory whose answers start with "\\n" (the reference's format): its
    training ids begin with exactly the ids a rollout or evaluation feeds the model at each
    turn (the chat before it with the generation prompt, as generation_batch reads it too),
    and the learned run there is the answer's own tokens and the end-of-turn. Tokenized whole,
    ChatML's "assistant\\n" and the answer's "\\n" read as one "\\n\\n" token: the answer's first
    character was never learned, and after "assistant\\n" the model had never seen a "\\n"."""
    encoder = models.load_tokenizer(model_path(family))
    tokenizer = chat.text_tokenizer(encoder)
    messages = trajectory(family in VISION)
    assert all(m["content"].startswith("\n") for m in messages if m["role"] == "assistant")
    trained = chat.encode(encoder, messages, chat.images_in(messages), generation_prompt=False)
    ids, mask = trained["input_ids"], trained["assistant_masks"]
    for turn in [i for i, m in enumerate(messages) if m["role"] == "assistant"]:
        prompt = chat.encode(encoder, messages[:turn], chat.images_in(messages[:turn]), generation_prompt=True)["input_ids"]
        batch = chat.generation_batch(encoder, [messages[:turn]])
        assert batch["input_ids"][0][batch["attention_mask"][0].bool()].tolist() == prompt
        assert ids[: len(prompt)] == prompt, (family, turn, tokenizer.convert_ids_to_tokens(ids[len(prompt) - 3 : len(prompt) + 2]), tokenizer.convert_ids_to_tokens(prompt[-3:]))
        end = mask.index(0, len(prompt)) if 0 in mask[len(prompt) :] else len(ids)
        assert not mask[len(prompt) - 1] and end > len(prompt)
        written = tokenizer.decode(ids[len(prompt) : end]).removesuffix(END_OF_TURN[family])
        assert written.strip() == messages[turn]["content"].strip()
        assert ids[len(prompt) : end] == tokenizer(written, add_special_tokens=False)["input_ids"] + tokenizer(END_OF_TURN[family], add_special_tokens=False)["input_ids"]


@pytest.mark.parametrize("family", [*replicas.FAMILIES, "embedded:tiny-lm", "embedded:tiny-vlm"])
def test_a_sampled_answer_read_back_in_the_next_turn_reads_as_the_sft_row(cache, family):
    """The model says at the first turn what SFT taught it there (the learned run, decoded as
    generation decodes it: LLaVA 1.5's starts with the space after "ASSISTANT:", which its
    template writes again before an assistant message's content). The next turn's prompt, in
    a rollout or an evaluation (episodes.advance), is the SFT row's prefix: the chat reads the
    generation prompt and the answer as generated, never "ASSISTANT:  \n{" (two spaces)."""
    from ptlab import episodes
    from ptlab.generation import Generation

    encoder = models.load_tokenizer(model_path(family))
    messages = trajectory(family in VISION)
    trained = chat.encode(encoder, messages, chat.images_in(messages), generation_prompt=False)
    said = chat.text_tokenizer(encoder).decode(learned_runs(trained)[0], skip_special_tokens=True)
    slot = episodes.start(gp.GeneralPointsEpisode(gp.GeneralPointsConfig(modality="vision" if family in VISION else "language", verifier="reference"), 5), 0)
    episodes.advance(slot, Generation(said, 0, (), True))
    assert slot.turns[0]["output"] == said and slot.messages[2] == messages[2]
    prompt = chat.encode(encoder, slot.messages, chat.images_in(slot.messages), generation_prompt=True)["input_ids"]
    assert trained["input_ids"][: len(prompt)] == prompt, (family, repr(chat.render(encoder, slot.messages, chat.images_in(slot.messages), True)[-400:]))
    batch = chat.generation_batch(encoder, [slot.messages])
    assert batch["input_ids"][0][batch["attention_mask"][0].bool()].tolist() == prompt


@pytest.mark.parametrize("family", ["qwen2-vl"])
def test_a_processor_reads_turns_whose_ids_differ_from_the_whole_text_s_as_generation_does(cache, family):
    """Where the turn-by-turn ids differ from the processor's own for the whole text (Qwen2-VL's
    "assistant\\n" before "\\n\\n"), the training chat, the generation batch of a later turn
    and the training rows carry the turn-by-turn ids, with the image placeholders expanded and
    every per-token tensor moved with the tokens, and the model reads them."""
    from PIL import Image

    encoder = models.load_tokenizer(model_path(family))
    model = models.load_causal_lm(model_path(family), "fp32").eval()
    image = Image.new("RGB", (90, 60), "red")
    messages = [chat.user_message("Which card is it?", image), {"role": "assistant", "content": "\n\ns ok: 24"},
                {"role": "user", "content": "Try again."}, {"role": "assistant", "content": "\n\ns ok: 12"}]
    text = chat.render(encoder, messages, [image], generation_prompt=False)
    whole = encoder(text=[text], images=[[image]], add_special_tokens=chat.special_tokens(encoder, [text]))
    trained = chat.encode(encoder, messages, [image], generation_prompt=False)
    assert trained["input_ids"] != list(whole["input_ids"][0])  # the case at hand
    prompt = chat.encode(encoder, messages[:3], [image], generation_prompt=True)
    assert trained["input_ids"][: len(prompt["input_ids"])] == prompt["input_ids"]
    batch = chat.generation_batch(encoder, [messages[:3], messages[:1]])
    assert batch["input_ids"][0][batch["attention_mask"][0].bool()].tolist() == prompt["input_ids"] and batch["attention_mask"][0, 0] == 1
    pad = chat.text_tokenizer(encoder).pad_token_id or 0
    rows = chat.batch_inputs(encoder, [(trained["pieces"], [image], trained["input_ids"]), (prompt["pieces"], [image], prompt["input_ids"] + [5])], pad)
    assert rows["input_ids"][0].tolist() == trained["input_ids"]
    with torch.no_grad():
        assert torch.isfinite(model(**rows).logits).all()


@pytest.mark.parametrize("family", replicas.VISION_FAMILIES)
def test_per_token_tensors_move_with_the_tokens_when_pieces_are_read_on_their_own(cache, family):
    """A chat cut mid-word after its image (so the pieces' ids differ from the whole text's):
    the processor's per-token tensors follow the re-read tokens. Mllama's cross-attention
    mask opens at the <|image|> token and stays open for every later token; Qwen2-VL's token
    types mark exactly its image pads; LLaVA keeps its expanded image tokens."""
    from PIL import Image

    encoder = models.load_tokenizer(model_path(family))
    tokenizer = chat.text_tokenizer(encoder)
    image = Image.new("RGB", (90, 60), "red")
    text = chat.render(encoder, [chat.user_message("Which card is it? Consider everything", image)], [image], generation_prompt=True)
    cut = text.index("everything") + 4
    whole = encoder(text=[text], images=[[image]], return_tensors="pt", add_special_tokens=chat.special_tokens(encoder, [text]))
    read = chat._read(encoder, [(text[:cut], text[cut:])], [[image]], "right")
    ids = read["input_ids"][0].tolist()
    assert ids != whole["input_ids"][0].tolist() and tokenizer.decode(ids) == tokenizer.decode(whole["input_ids"][0])
    image_ids = set(tokenizer.convert_tokens_to_ids(chat.placeholder_strings(encoder)))
    assert [t for t in ids if t in image_ids] == [t for t in whole["input_ids"][0].tolist() if t in image_ids]
    per_token = [k for k, v in whole.items() if k not in ("input_ids", "attention_mask") and v.dim() >= 2 and v.shape[:2] == whole["input_ids"].shape]
    if family == "mllama":
        assert per_token == ["cross_attention_mask"]
        opened = ids.index(tokenizer.convert_tokens_to_ids("<|image|>"))
        reads_image = read["cross_attention_mask"][0].flatten(1).any(dim=1).tolist()
        assert reads_image == [t >= opened for t in range(len(ids))]
    for key in per_token:
        if key in ("token_type_ids", "mm_token_type_ids"):
            assert read[key][0].bool().tolist() == [t in image_ids for t in ids], key
    model = models.load_causal_lm(model_path(family), "fp32").eval()
    with torch.no_grad():
        assert torch.isfinite(model(**read).logits).all()


BOS_ONCE = {"llama3": "<|begin_of_text|>", "mllama": "<|begin_of_text|>", "llava": "<s>"}


@pytest.mark.parametrize("family", [*replicas.FAMILIES, "embedded:tiny-lm", "embedded:tiny-vlm"])
def test_prompts_and_training_chats_read_as_transformers_apply_chat_template_reads_them(cache, family):
    """Prompts (rollouts, scoring, evaluation), training chats and the rows that batch them are
    the ids transformers' own apply_chat_template gives: its BOS once where the family has one.
    LLaVA 1.5's template writes no <s> and its processor adds it; the prompts lacked it. A
    training chat of LLaVA 1.5 reads </s> after each reply besides (chat.reply_end)."""
    encoder = models.load_tokenizer(model_path(family))
    messages = trajectory(family in VISION)
    images = chat.images_in(messages)
    bound = chat.for_encoder(encoder, messages, images)
    opening = chat.for_encoder(encoder, messages[:1], images)

    def theirs(chat_messages, generation_prompt):
        ids = encoder.apply_chat_template(chat_messages, tokenize=True, return_dict=True, add_generation_prompt=generation_prompt, **chat.template_context(encoder))["input_ids"]
        return list(ids[0]) if chat.is_multimodal(encoder) else list(ids)

    prompt = chat.encode(encoder, messages[:1], images, generation_prompt=True)
    trained = chat.encode(encoder, messages, images, generation_prompt=False)
    # the training chat is the same text, read turn by turn (its ids differ where a merge
    # crossed a turn's start: test_each_turn_is_trained_on_the_ids_generation_reads)
    text = chat.text_tokenizer(encoder)
    written = text.decode(theirs(bound, False))
    for reply in [m["content"] for m in messages if m["role"] == "assistant" and family in NO_END_OF_TURN]:
        written = written.replace(f"{reply} ", f"{reply}{text.eos_token} ")
    assert prompt["input_ids"] == theirs(opening, True) and text.decode(trained["input_ids"]) == written
    batch = chat.generation_batch(encoder, [messages[:1]])
    assert batch["input_ids"][0].tolist() == prompt["input_ids"]
    pad = chat.text_tokenizer(encoder).pad_token_id or 0
    rows = chat.batch_inputs(encoder, [(trained["pieces"], images, trained["input_ids"]), (prompt["pieces"], images, prompt["input_ids"])], pad)
    assert rows["input_ids"][0].tolist() == trained["input_ids"]
    if family in BOS_ONCE:
        bos = chat.text_tokenizer(encoder).convert_tokens_to_ids(BOS_ONCE[family])
        assert prompt["input_ids"][0] == bos and prompt["input_ids"].count(bos) == 1 and trained["input_ids"].count(bos) == 1


def config(tmp_path: Path, family: str, **ppo) -> Path:
    vision = family in VISION
    data = json.loads((EXAMPLES / ("tiny-vl.ptlab.json" if vision else "tiny.ptlab.json")).read_text())
    data["model"] = {"name": model_path(family), "kind": "image-text-to-text" if vision else "causal-lm", "dtype": "fp32", "maxLength": 1024}
    data["environment"]["maxVerify"] = 2
    data["sft"].update(steps=8, globalBatchSize=8, microBatchSize=4, learningRate=3e-3, warmupRatio=0)
    data["sft"].pop("saveEverySteps", None)
    data["sft"]["data"]["examples"] = 32
    data["ppo"].update(updates=1, stepsPerUpdate=4, parallelEnvs=2, epochs=1, miniBatchSize=2, maxNewTokens=12, temperature=1.0, **ppo)
    for key in ("init", "saveEverySteps"):
        data["ppo"].pop(key, None)
    data["evaluation"].pop("everySteps", None)
    data["evaluation"].update(atCheckpoints=True, maxNewTokens=12)
    data["evaluation"]["splits"] = data["evaluation"]["splits"][:2]
    for split in data["evaluation"]["splits"]:
        split["episodes"] = 2
    path = tmp_path / f"{family.replace(':', '-')}-{ppo.get('advantage', 'sft')}.ptlab.json"
    path.write_text(json.dumps(data))
    return path


def ptlab(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "ptlab", *args], capture_output=True, text=True, env=env, timeout=600)


def records(run: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (run / name).read_text().splitlines()]


@pytest.mark.parametrize("family", replicas.FAMILIES)
def test_sft_lowers_the_loss_and_evaluation_writes_valid_episodes(cache, tmp_path, family):
    run = tmp_path / "sft"
    result = ptlab("sft", "--config", str(config(tmp_path, family)), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    train = [r for r in records(run, "metrics.jsonl") if r["kind"] == "train"]
    losses = [r["metrics"]["train/loss"] for r in train]
    assert len(losses) == 8 and all(r["metrics"]["train/assistant_tokens"] > 0 for r in train)
    assert sum(losses[-3:]) / 3 < losses[0] - 0.5, losses
    evaluated = [e for e in records(run, "episodes.jsonl") if e["split"] != "train"]
    assert {(8, "id"), (8, "ood-rule")} <= {(e["step"], e["split"]) for e in evaluated}
    assert all(errors("episode-record.schema.json", e) == [] for e in evaluated)
    final = run / "checkpoints" / "final"
    reloaded = models.load_tokenizer(str(final))
    assert chat.chat_template(reloaded) == chat.chat_template(models.load_tokenizer(model_path(family)))  # the family's own template travels with the checkpoint
    if family in VISION:
        assert min(t["promptTokens"] for e in evaluated for t in e["turns"]) > 0
        return
    exported = ptlab("export", "--config", str(config(tmp_path, family)), "--run-dir", str(run))
    assert exported.returncode == 0, exported.stderr
    meta = json.loads(next((run / "onnx").glob("*/ptlab-onnx.json")).read_text())
    end = reloaded.convert_tokens_to_ids(END_OF_TURN[family])
    assert end in meta["stopTokens"] and max(meta["parity"].values()) <= meta["tolerance"]


@pytest.mark.parametrize("advantage", ["gae", "group"])
@pytest.mark.parametrize("family", replicas.FAMILIES)
def test_one_ppo_update(cache, tmp_path, family, advantage):
    run = tmp_path / "ppo"
    result = ptlab("ppo", "--config", str(config(tmp_path, family, advantage=advantage, groupSize=2)), "--run-dir", str(run))
    assert result.returncode == 0, result.stderr
    train = [r for r in records(run, "metrics.jsonl") if r["kind"] == "train"]
    assert [r["step"] for r in train] == [1]
    metrics = train[0]["metrics"]
    assert all(metrics[k] is not None and metrics[k] == metrics[k] for k in ("ppo/policy_loss", "ppo/approx_kl", "ppo/entropy", "rollout/reward_mean"))
    assert (metrics["ppo/value_loss"] is None) == (advantage == "group")
    assert (run / "checkpoints" / "final").exists()


def test_a_family_transformers_cannot_generate_with_fails_at_load_naming_what_is_missing(cache, tmp_path):
    from transformers import T5Config, T5ForConditionalGeneration

    folder = tmp_path / "t5"
    T5ForConditionalGeneration(T5Config(vocab_size=64, d_model=16, d_kv=8, d_ff=32, num_layers=1, num_heads=2)).save_pretrained(folder)
    with pytest.raises(models.ModelFamilyError, match=r"model_type 't5'.*no AutoModelForCausalLM class"):
        models.load_causal_lm(str(folder), "fp32")


def test_the_replica_command_writes_a_checkpoint_the_auto_classes_load(cache, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    result = ptlab("replica", "llama3", "--out", str(tmp_path / "llama3"))
    assert result.returncode == 0, result.stderr
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "llama3")
    assert tokenizer.chat_template == replicas.LLAMA3_TEMPLATE and tokenizer.pad_token is None  # as Llama 3 ships: no pad token
    assert type(AutoModelForCausalLM.from_pretrained(tmp_path / "llama3")).__name__ == "LlamaForCausalLM"
    ends = GenerationConfig.from_pretrained(tmp_path / "llama3").eos_token_id
    assert set(tokenizer.convert_ids_to_tokens(ends)) == {"<|end_of_text|>", "<|eom_id|>", "<|eot_id|>"}


def test_the_qwen_replicas_end_and_decode_as_the_published_instruct_checkpoints(cache):
    """Qwen2.5-Instruct's config.json ends at <|im_end|> (151645); Qwen2-VL-Instruct's
    generation_config.json starts and pads with <|endoftext|>, ends at <|im_end|> or it, and
    decodes at temperature 0.01, top-p 0.001, top-k 1 (greedy in effect)."""
    from transformers import AutoConfig, GenerationConfig

    qwen25 = replicas.replica_path("qwen2.5")
    assert models.load_tokenizer(str(qwen25)).convert_ids_to_tokens(AutoConfig.from_pretrained(qwen25).eos_token_id) == "<|im_end|>"
    qwen2_vl = replicas.replica_path("qwen2-vl")
    tokens = chat.text_tokenizer(models.load_tokenizer(str(qwen2_vl))).convert_ids_to_tokens
    decoding = GenerationConfig.from_pretrained(qwen2_vl)
    assert (tokens(decoding.bos_token_id), tokens(decoding.pad_token_id), tokens(decoding.eos_token_id)) == ("<|endoftext|>", "<|endoftext|>", ["<|im_end|>", "<|endoftext|>"])
    assert (decoding.temperature, decoding.top_p, decoding.top_k, decoding.repetition_penalty) == (0.01, 0.001, 1, 1.0)


@pytest.mark.parametrize("family", [*replicas.FAMILIES, "embedded:tiny-lm", "embedded:tiny-vlm"])
def test_generation_stops_at_the_end_of_turn_sft_teaches(cache, family):
    """The token learned after each reply (the template's end-of-turn; the eos where it writes
    none: LLaVA 1.5's template ends a turn with a space) ends a generated turn (and an exported
    model's)."""
    from ptlab.generation import stop_tokens

    encoder = models.load_tokenizer(model_path(family))
    end = chat.text_tokenizer(encoder).convert_tokens_to_ids(END_OF_TURN[family])
    assert chat.end_of_turn_tokens(encoder) == ([] if family in NO_END_OF_TURN else [end])
    assert end in stop_tokens(models.load_causal_lm(model_path(family), "fp32"), encoder)


@pytest.mark.parametrize("family", [*replicas.FAMILIES, "embedded:tiny-lm", "embedded:tiny-vlm"])
def test_sft_teaches_each_reply_to_end_where_generation_stops(cache, family):
    """Every learned run of a multi-turn chat (each reply, not only the last) ends with a token
    generation stops at, and holds no other: a model SFT'd on LLaVA 1.5's template, which ends a
    reply with a space, had never learned </s> and answered to maxNewTokens every time."""
    from ptlab.generation import stop_tokens

    encoder = models.load_tokenizer(model_path(family))
    messages = trajectory(family in VISION)
    stop = set(stop_tokens(models.load_causal_lm(model_path(family), "fp32"), encoder))
    runs = learned_runs(chat.encode(encoder, messages, chat.images_in(messages), generation_prompt=False))
    assert len(runs) == 2 and all(run[-1] in stop and not stop & set(run[:-1]) for run in runs), [chat.text_tokenizer(encoder).decode(run[-3:]) for run in runs]


@pytest.mark.parametrize("family", [*replicas.FAMILIES, "embedded:tiny-lm", "embedded:tiny-vlm"])
def test_a_training_chat_is_its_template_s_text_with_the_eos_after_each_reply_only_where_it_writes_no_end_of_turn(cache, family):
    """The chat SFT trains on (and a rollout's later turn reads, the earlier replies as the model
    said them) is exactly what the template writes, cut in turn pieces: byte for byte the
    template's text for a family with an end-of-turn token; LLaVA 1.5's with </s> after each
    reply, before the space its template writes between turns ("ASSISTANT: ...}</s> USER: ...")."""
    encoder = models.load_tokenizer(model_path(family))
    messages = trajectory(family in VISION)
    images = chat.images_in(messages)
    rendered = chat.render(encoder, messages, images, generation_prompt=False)
    if family in NO_END_OF_TURN:
        for reply in [m["content"] for m in messages if m["role"] == "assistant"]:
            rendered = rendered.replace(f"{reply} ", f"{reply}{chat.text_tokenizer(encoder).eos_token} ")
    assert "".join(chat.encode(encoder, messages, images, generation_prompt=False)["pieces"]) == rendered
    for turn in [i for i, m in enumerate(messages) if m["role"] == "assistant"][1:]:
        prompt = "".join(chat.encode(encoder, messages[:turn], chat.images_in(messages[:turn]), generation_prompt=True)["pieces"])
        assert rendered.startswith(prompt), (family, prompt[-80:])


def test_the_eos_after_a_reply_follows_the_reply_s_own_trailing_whitespace(cache):
    """Where the eos ends a reply (LLaVA 1.5's template writes no end-of-turn), it goes after all
    the reply says, its trailing newline too: a model that said "}\\n</s>" is trained on
    "}\\n</s>" and reads it back so in the next turn, never "}</s>\\n" (the eos before the
    newline, the newline after it never learned)."""
    encoder = models.load_tokenizer(model_path("llava"))
    tokenizer = chat.text_tokenizer(encoder)
    said = ' \n{"a": 1}\n'
    rollout = [chat.user_message("hi"), chat.sampled_answer(said), chat.user_message("again")]
    prompt = chat.encode(encoder, rollout, [], generation_prompt=True)
    assert prompt["pieces"][1:] == (' \n{"a": 1}\n</s>', " USER: again ASSISTANT:")
    row = [rollout[0], {"role": "assistant", "content": said.removeprefix(" ")}, rollout[2], {"role": "assistant", "content": '\n{"b": 2}\n'}]
    trained = chat.encode(encoder, row, [], generation_prompt=False)
    assert [tokenizer.decode(run) for run in learned_runs(trained)] == [' \n{"a": 1}\n</s>', ' \n{"b": 2}\n</s>']
    assert trained["input_ids"][: len(prompt["input_ids"])] == prompt["input_ids"]


def test_a_base_checkpoint_stops_at_its_template_s_end_of_turn_not_only_its_end_of_text(cache, tmp_path):
    """Qwen2.5 base ships the ChatML template, whose turns end with <|im_end|>, while its
    generation config and tokenizer end at <|endoftext|> alone. A model that learned the format
    says <|im_end|> after its answer: the turn ends there, not at maxNewTokens with what follows
    trained on, verified and read back into the next turn."""
    import shutil

    from ptlab.generation import generate

    folder = tmp_path / "qwen2.5-base"
    shutil.copytree(model_path("qwen2.5"), folder)
    tokenizer = models.load_tokenizer(str(folder))
    text_end, im_end = tokenizer.convert_tokens_to_ids(["<|endoftext|>", "<|im_end|>"])
    for name, field, value in [("generation_config.json", "eos_token_id", text_end), ("tokenizer_config.json", "eos_token", "<|endoftext|>")]:
        (folder / name).write_text(json.dumps(json.loads((folder / name).read_text()) | {field: value}))
    model, tokenizer = models.load_causal_lm(str(folder), "fp32"), models.load_tokenizer(str(folder))
    assert (model.generation_config.eos_token_id, tokenizer.eos_token_id) == (text_end, text_end)
    # the model saying <|im_end|> first: the SFT row's end, its answer aside
    (answer,) = generate(model, tokenizer, [[{"role": "user", "content": "Cards: ['3', '8', 'Q', 'A']"}]], 8, 0.0, sampling={"do_sample": False, "sequence_bias": {(im_end,): 100.0}})
    assert answer.ids == (im_end,) and answer.stopped and answer.answer_tokens == 0


def test_a_checkpoint_without_a_chat_template_fails_at_load(cache, tmp_path):
    import shutil

    from ptlab.config import Model

    folder = tmp_path / "base"
    shutil.copytree(model_path("qwen2.5"), folder)
    config = json.loads((folder / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (folder / "tokenizer_config.json").write_text(json.dumps(config))
    (folder / "chat_template.jinja").unlink(missing_ok=True)
    with pytest.raises(models.ModelFamilyError, match=r"base: its tokenizer has no chat template"):
        models.load(Model(name=str(folder), dtype="fp32"), "cpu")


@pytest.mark.parametrize("family", replicas.VISION_FAMILIES)
def test_training_batches_carry_every_tensor_the_processor_returns_and_the_image_reaches_the_model(cache, family):
    from PIL import Image

    encoder = models.load_tokenizer(model_path(family))
    model = models.load_causal_lm(model_path(family), "fp32").eval()
    pad = chat.text_tokenizer(encoder).pad_token_id

    def rows(color):
        image = Image.new("RGB", (90, 60), color)
        messages = [chat.user_message("Which card is it?", image)]
        prompt = chat.encode(encoder, messages, [image], generation_prompt=True)
        return [(prompt["pieces"], [image], prompt["input_ids"] + [5, 6, 7]), (prompt["pieces"], [image], prompt["input_ids"] + [8])]

    batch = chat.batch_inputs(encoder, rows("red"), pad)
    read = encoder(text=["".join(r[0]) for r in rows("red")], images=[r[1] for r in rows("red")], return_tensors="pt", padding=True, add_special_tokens=False)
    assert set(read) <= set(batch)
    width = len(rows("red")[0][2])
    for key, value in batch.items():
        if key in read and read[key].dim() >= 2 and read[key].shape[:2] == read["input_ids"].shape:
            assert value.shape[:2] == (2, width), key  # per-token tensors cover the continuation
    with torch.no_grad():
        red, blue = model(**batch).logits, model(**chat.batch_inputs(encoder, rows("blue"), pad)).logits
    assert not torch.allclose(red[0, -3:], blue[0, -3:])


@pytest.mark.parametrize("family", [*replicas.FAMILIES, "embedded:tiny-lm", "embedded:tiny-vlm"])
def test_a_chunked_head_scores_and_trains_as_the_model_s_own_logits(cache, family):
    """ppo.headChunk on each family's own classes (vision ones with their images): the LM head
    applied in chunks to the decoder's last hidden state gives the log-probs, entropies,
    values and gradients (LoRA's on Llama 3) of the model's own forward; the head never sees
    a prompt position. Its model type is one ppo.headChunk accepts."""
    from PIL import Image

    from ptlab import ppo

    vision = family in VISION
    encoder = models.load_tokenizer(model_path(family))
    model = models.load_causal_lm(model_path(family), "fp32")
    if family == "llama3":
        model = models.add_lora(model, SimpleNamespace(r=4, alpha=8, dropout=0.0, targetModules=None), seed=0)
    assert model.config.model_type in ppo.HEAD_CHUNK_MODEL_TYPES
    text = chat.text_tokenizer(encoder)
    pad = text.pad_token_id if text.pad_token_id is not None else text.eos_token_id
    generator = torch.Generator().manual_seed(0)
    transitions = []
    for episode in range(3):
        image = Image.new("RGB", (90, 60), ("red", "green", "blue")[episode]) if vision else None
        messages = [chat.user_message(gp.GeneralPointsEpisode(gp.GeneralPointsConfig(), 30 + episode).prompt, image)]
        encoded = chat.encode(encoder, messages, [image] if vision else [], generation_prompt=True)
        response = torch.randint(10, 200, (4 + 3 * episode,), generator=generator).tolist()
        transitions.append(ppo.Transition(episode, list(encoded["input_ids"]), response, [0.5, 0.0] + [1.0] * (len(response) - 2), 0.0, False, episode=episode, images=(image,) if vision else (), prompt_pieces=encoded["pieces"]))
    torch.manual_seed(0)
    joint = ppo.PolicyAndValue(model, ppo.ValueHead(models.hidden_size(model), (8,)))
    seen = []
    hook = model.get_output_embeddings().register_forward_hook(lambda _m, args, _out: seen.append(args[0].shape[:-1]))
    found = {}
    for chunk in (0, 5):
        joint.zero_grad(set_to_none=True)
        seen.clear()
        scored = ppo.score(joint, transitions, 0.7, pad, with_entropy=True, encoder=encoder, token_entropy=True, head_chunk=chunk)
        (scored.logprobs.sum() + scored.entropy + scored.values.sum()).backward()
        grads = {name: p.grad.clone() for name, p in joint.named_parameters() if p.grad is not None}
        found[chunk] = (scored, grads, list(seen))
    hook.remove()
    (whole, whole_grads, _), (chunked, chunked_grads, head_rows) = found[0], found[5]
    responses = sum(len(t.response_ids) for t in transitions)
    assert max(shape[0] for shape in head_rows) == 5 and sum(shape[0] for shape in head_rows) == 2 * responses  # forward and backward's recompute
    for got, expected in ((chunked.token_logprobs, whole.token_logprobs), (chunked.values, whole.values), (chunked.entropy, whole.entropy), (chunked.token_entropy, whole.token_entropy)):
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    assert sorted(chunked_grads) == sorted(whole_grads) and any("lora" in name for name in whole_grads) == (family == "llama3")
    for name, expected in whole_grads.items():
        assert float((chunked_grads[name] - expected).norm()) <= 1e-4 * float(expected.norm()) + 1e-7, name


@pytest.mark.parametrize("family", [f for f in replicas.FAMILIES if f not in replicas.VISION_FAMILIES])
def test_shared_openings_score_as_padded_rows(cache, family):
    """ppo.sharedPrefixes on each text family's own classes (their attention, positions and
    cache): two groups of episodes on one GP hand each, prompts in the family's chat template,
    score the same with each group's first prompt read once as with padded rows."""
    from ptlab.ppo import PolicyAndValue, Transition, score, shared_openings

    model = models.load_causal_lm(model_path(family), dtype="fp32")
    tokenizer = models.load_tokenizer(model_path(family))
    generator = torch.Generator().manual_seed(0)
    transitions = []
    for episode in range(8):
        hand = gp.GeneralPointsEpisode(gp.GeneralPointsConfig(), 11 + episode // 4)
        prompt = list(chat.encode(tokenizer, [chat.user_message(hand.prompt)], [], generation_prompt=True)["input_ids"])
        response = torch.randint(10, 200, (5 + episode,), generator=generator).tolist()
        transitions.append(Transition(episode, prompt, response, [1.0] * len(response), 0.0, False, episode=episode))
    assert shared_openings(transitions).of == [0] * 4 + [1] * 4
    joint = PolicyAndValue(model, None)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    with torch.no_grad():
        padded, shared = (score(joint, transitions, 0.7, pad, with_entropy=True, encoder=tokenizer, rows=rows) for rows in ("padded", "shared-prefixes"))
    assert shared.tokens < padded.tokens
    torch.testing.assert_close(shared.token_logprobs, padded.token_logprobs, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(shared.entropy, padded.entropy, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("family", [f for f in replicas.FAMILIES if f not in replicas.VISION_FAMILIES])
def test_a_paged_kv_cache_answers_as_generate_and_records_the_training_forward_s_logprobs(cache, family):
    """model.kvCache "paged" (transformers' continuous batching) on each text family's own
    classes: greedy answers are generate's, token for token, for GP prompts of several
    lengths and more chats than decode together (the next request takes a finished one's
    place); sampled answers carry log-probs that the training forward (ppo.score at the
    same temperature) gives their tokens, and the model's attention is left as it was."""
    from ptlab import generation
    from ptlab.ppo import PolicyAndValue, Transition, score

    model = models.load_causal_lm(model_path(family), dtype="fp32").eval()
    tokenizer = models.load_tokenizer(model_path(family))
    chats = [[chat.user_message(gp.GeneralPointsEpisode(gp.GeneralPointsConfig(), 20 + i).prompt + " Be brief." * (i % 3))] for i in range(6)]
    attention = model.config._attn_implementation
    greedy = {cache: generation.generate(model, tokenizer, chats, 12, 0.0, cache, batch_size=4) for cache in ("dynamic", "paged")}
    assert greedy["paged"] == greedy["dynamic"] and model.config._attn_implementation == attention
    torch.manual_seed(0)
    sampled = generation.generate(model, tokenizer, chats, 12, 0.7, "paged", record_logprobs=True, batch_size=4)
    assert all(len(g.logprobs) == len(g.ids) > 0 for g in sampled)
    transitions = [Transition(i, list(chat.encode(tokenizer, c, [], generation_prompt=True)["input_ids"]), list(g.ids), [1.0] * len(g.ids), 0.0, False, episode=i) for i, (c, g) in enumerate(zip(chats, sampled))]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    with torch.no_grad():
        trained = score(PolicyAndValue(model, None), transitions, 0.7, pad, encoder=tokenizer, rows="padded")
    for i, g in enumerate(sampled):
        torch.testing.assert_close(trained.token_logprobs[i, : len(g.ids)], torch.tensor(g.logprobs), atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("family", [*replicas.VISION_FAMILIES, "embedded:tiny-vlm"])
def test_an_image_placeholder_is_never_generated_and_the_policy_is_the_softmax_without_them(cache, family):
    """A policy that prefers an image placeholder above every word (its logit raised by a hook
    on the head, as a random or diverging model may put it first): greedy and sampled answers
    never hold one (the checkpoint's own decoding too, whose suppressed tokens stay
    suppressed), and PPO's scoring pass, whole or in head chunks, gives the sampled tokens the
    log-probs the sampler recorded: both are the softmax over the other tokens. Mllama's
    <|image|> lies past its head: nothing to hold back there."""
    from PIL import Image

    from ptlab import generation, ppo

    model = models.load_causal_lm(model_path(family), "fp32").eval()
    encoder = models.load_tokenizer(model_path(family))
    placeholders = generation.placeholder_tokens(model)
    head = model.get_output_embeddings()
    if family == "mllama":
        assert placeholders == [] and model.config.image_token_id >= head.weight.shape[0]
        return
    assert placeholders and all(i < head.weight.shape[0] for i in placeholders)
    own = 7  # a token the checkpoint's generation_config suppresses
    model.generation_config.suppress_tokens = [own]
    raised = head.register_forward_hook(lambda _m, _args, out: out.index_fill(-1, torch.tensor([own]), 1e4).index_fill(-1, torch.tensor(placeholders), 2e4))
    images = [Image.new("RGB", (90, 60), color) for color in ("red", "blue")]
    chats = [[chat.user_message("Which card is it?", image)] for image in images]
    with torch.no_grad():
        batch = chat.generation_batch(encoder, chats)
        assert model(**batch).logits[:, -1].argmax(-1).tolist() == [placeholders[0]] * 2  # the hook makes it the model's first choice
    torch.manual_seed(0)
    greedy = generation.generate(model, encoder, chats, 6, 0.0)
    defaults = generation.generate(model, encoder, chats, 6, 0.0, sampling={})  # the checkpoint's decoding
    sampled = generation.generate(model, encoder, chats, 6, 1.0, record_logprobs=True)
    for answer in greedy + sampled:
        assert len(answer.ids) > 0 and not set(answer.ids) & set(placeholders)
    assert all(len(answer.ids) > 0 and not set(answer.ids) & {*placeholders, own} for answer in defaults)
    transitions = []
    for i, (messages, image, answer) in enumerate(zip(chats, images, sampled)):
        encoded = chat.encode(encoder, messages, [image], generation_prompt=True)
        transitions.append(ppo.Transition(i, list(encoded["input_ids"]), list(answer.ids), [1.0] * len(answer.ids), 0.0, False, episode=i, images=(image,), prompt_pieces=encoded["pieces"]))
    text = chat.text_tokenizer(encoder)
    pad = text.pad_token_id if text.pad_token_id is not None else text.eos_token_id
    with torch.no_grad():
        for chunk in (0, 3):
            scored = ppo.score(ppo.PolicyAndValue(model, None), transitions, 1.0, pad, encoder=encoder, head_chunk=chunk)
            for i, answer in enumerate(sampled):
                torch.testing.assert_close(scored.token_logprobs[i, : len(answer.ids)], torch.tensor(answer.logprobs), atol=1e-4, rtol=1e-4)
    raised.remove()


@pytest.mark.parametrize("family", [*replicas.VISION_FAMILIES, "embedded:tiny-vlm"])
def test_an_answer_that_spells_a_placeholder_is_read_back_as_text(cache, family):
    """A model may spell an image placeholder out in ordinary tokens (a random LLaVA writes
    <image> in five pieces). Read back in the chat's next turn it must stay text: the next
    prompt holds the one image's tokens only, and the processor does not ask for a second
    image."""
    from PIL import Image

    encoder = models.load_tokenizer(model_path(family))
    placeholders = chat.placeholder_strings(encoder)
    assert placeholders
    image = Image.new("RGB", (90, 60), "red")
    first = [chat.user_message("Which card is it?", image)]
    answer = f"It is {' and '.join(placeholders)}, I think."
    later = [*first, {"role": "assistant", "content": answer}, chat.user_message("Look again.")]
    expected = chat.encode(encoder, first, [image], generation_prompt=True)["input_ids"]
    ids = chat.encode(encoder, later, [image], generation_prompt=True)["input_ids"]
    text = chat.text_tokenizer(encoder)
    for placeholder in placeholders:
        token = text.convert_tokens_to_ids(placeholder)
        assert list(ids).count(token) == list(expected).count(token)
    assert chat.generation_batch(encoder, [later])["input_ids"].shape[0] == 1
    assert "It is" in text.decode(ids)


@pytest.mark.parametrize("family", replicas.FAMILIES)
def test_the_checkpoint_s_own_sampling_draws_each_answer_from_its_key(cache, family):
    """evaluation.sampling "model-defaults" under each family's own generation_config.json
    (Llama 3's temperature and top-p, Qwen2.5's top-k and repetition penalty too): with keyed
    draws (evaluation's), a chat's answer is the same alone as among others of other lengths
    in one call, card images included, and it is sampled: not the greedy answer, but where the
    checkpoint's decoding keeps only the top token (Qwen2-VL-Instruct's top_k 1)."""
    from PIL import Image

    from ptlab import generation

    model = models.load_causal_lm(model_path(family), "fp32").eval()
    encoder = models.load_tokenizer(model_path(family))
    assert model.generation_config.do_sample and model.generation_config.temperature < 1
    vision = family in VISION
    prompts = [gp.GeneralPointsEpisode(gp.GeneralPointsConfig(), 60 + i).prompt + " Be brief." * i for i in range(3)]
    chats = [[chat.user_message(p, Image.new("RGB", (90, 60), c) if vision else None)] for p, c in zip(prompts, ("red", "blue", "green"))]
    draws = [generation.draw_key("family", family, i) for i in range(3)]
    together = [g.ids for g in generation.generate(model, encoder, chats, 8, 0.0, sampling={}, draws=draws)]
    alone = [generation.generate(model, encoder, [c], 8, 0.0, sampling={}, draws=[d])[0].ids for c, d in zip(chats, draws)]
    greedy = [g.ids for g in generation.generate(model, encoder, chats, 8, 0.0)]
    assert together == alone
    assert (together == greedy) == (model.generation_config.top_k == 1)


@pytest.mark.parametrize("family", [f for f in replicas.FAMILIES if f not in replicas.VISION_FAMILIES])
def test_continuous_batching_refuses_a_decoding_it_would_apply_in_part(cache, family):
    """The checkpoint's own decoding (evaluation.sampling "model-defaults") under model.kvCache
    "paged": Qwen2.5-Instruct's repetition penalty is a processor continuous batching drops (it
    only logs so): refused, naming it and what to use; Llama 3's (temperature, top-p) runs."""
    from ptlab import generation

    model = models.load_causal_lm(model_path(family), "fp32").eval()
    tokenizer = models.load_tokenizer(model_path(family))
    chats = [[chat.user_message(gp.GeneralPointsEpisode(gp.GeneralPointsConfig(), 80).prompt)]]
    if family == "qwen2.5":
        with pytest.raises(ValueError, match=r'paged.*RepetitionPenaltyLogitsProcessor.*use "dynamic" or "static"'):
            generation.generate(model, tokenizer, chats, 6, 0.0, "paged", sampling={})
    else:
        assert len(generation.generate(model, tokenizer, chats, 6, 0.0, "paged", sampling={})[0].ids) > 0


class _StoppedClock:
    """transformers' clock (the `datetime` its templates' strftime_now reads) at one moment."""

    def __init__(self, moment):
        self.moment = moment

    def now(self):
        return self.moment


@pytest.mark.parametrize("family", ["llama3", "mllama"])
def test_a_chat_is_the_same_ids_on_every_day(cache, family, monkeypatch):
    """Llama 3.2 Instruct's templates write today's date (strftime_now) in the system turn
    unless given `date_string`; the trainer renders every chat with chat.TEMPLATE_DATE, so SFT
    rows, rollout and evaluation prompts, and a run reproduced from its manifest read the same
    ids on any day."""
    import datetime as dt

    import transformers.utils.chat_template_utils as clock

    encoder = models.load_tokenizer(model_path(family))
    messages = trajectory(vision=False)

    def read_on(day):
        monkeypatch.setattr(clock, "datetime", _StoppedClock(dt.datetime(*day, 12)))
        unpinned = encoder.apply_chat_template(messages[:1], tokenize=False, add_generation_prompt=True)
        prompt = chat.encode(encoder, messages[:1], [], generation_prompt=True)["input_ids"]
        trained = chat.encode(encoder, messages, [], generation_prompt=False)["input_ids"]
        return unpinned, (prompt, trained)

    unpinned, ids = read_on((2026, 12, 7))
    assert "Today Date: 07 Dec 2026\n" in unpinned  # the template reads the clock, as published
    assert read_on((2026, 12, 8))[1] == ids
    assert f"Today Date: {chat.TEMPLATE_DATE}\n" in chat.text_tokenizer(encoder).decode(ids[0])
