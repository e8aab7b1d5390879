"""Assistant masks for any chat template: the template's {% generation %} markers when it
has them, else the chat rendered prefix by prefix. A Qwen2-architecture model whose
tokenizer carries a plain ChatML template (no markers, as real Qwen2.5 checkpoints ship it)
must train on its assistant tokens, and a chat with none is an error."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from ptlab import chat  # noqa: E402
from ptlab.chat import ChatMaskError  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

from ptlab.replicas import QWEN25_TEMPLATE  # noqa: E402  (Qwen2.5's template, in its own format)


TRAJECTORY = [
    {"role": "user", "content": "Cards: [5, 'K', 3, 8]. Output a formula that equals 24."},
    {"role": "assistant", "content": '{"cards": [5, 10, 3, 8], "formula": "5+10+3+8"}'},
    {"role": "user", "content": "Incorrect: your formula equals 26. Try again."},
    {"role": "assistant", "content": '{"cards": [5, 10, 3, 8], "formula": "(10-8)*3*5-6"}'},
]


@pytest.fixture(scope="module")
def embedded(ptlab_cache):
    from ptlab.models import embedded_path

    return embedded_path("embedded:tiny-lm")


def chatml_tokenizer(embedded: Path):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(embedded)
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|im_start|>", "<|im_end|>"]})
    tokenizer.eos_token = "<|im_end|>"
    tokenizer.chat_template = QWEN25_TEMPLATE
    return tokenizer


def learned_runs(encoded: dict) -> list[list[int]]:
    runs, current = [], []
    for token, learned in zip(encoded["input_ids"], encoded["assistant_masks"]):
        if learned:
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    return runs + ([current] if current else [])


def test_a_chatml_template_without_markers_masks_exactly_each_reply_and_its_end_of_turn(embedded):
    tokenizer = chatml_tokenizer(embedded)
    assert not chat.GENERATION_MARKER.search(tokenizer.chat_template)
    encoded = chat.encode(tokenizer, TRAJECTORY, [], generation_prompt=False)
    assert encoded["input_ids"] == list(tokenizer.apply_chat_template(TRAJECTORY, tokenize=True, return_dict=True)["input_ids"])
    runs = learned_runs(encoded)
    replies = [m["content"] for m in TRAJECTORY if m["role"] == "assistant"]
    # token by token: each run is the reply's tokens followed by <|im_end|>, nothing else
    assert runs == [tokenizer(reply, add_special_tokens=False)["input_ids"] + [tokenizer.convert_tokens_to_ids("<|im_end|>")] for reply in replies]
    assert [tokenizer.decode(run) for run in runs] == [f"{reply}<|im_end|>" for reply in replies]


def test_prefix_rendering_agrees_with_the_generation_markers(embedded):
    from transformers import AutoTokenizer

    marked = AutoTokenizer.from_pretrained(embedded)
    plain = AutoTokenizer.from_pretrained(embedded)
    plain.chat_template = marked.chat_template.replace("{% generation %}", "").replace("{% endgeneration %}", "")
    assert chat.GENERATION_MARKER.search(marked.chat_template) and not chat.GENERATION_MARKER.search(plain.chat_template)
    assert chat.encode(plain, TRAJECTORY, [], generation_prompt=False) == chat.encode(marked, TRAJECTORY, [], generation_prompt=False)


@pytest.mark.parametrize("template", ["markers", "chatml"])
def test_an_assistant_message_marked_train_false_is_context_not_learned(embedded, template):
    """A wrong earlier answer kept as context (`"train": false`): its tokens stay in the chat,
    out of the mask; the other replies are learned exactly as before; all untrained is an error."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(embedded) if template == "markers" else chatml_tokenizer(embedded)
    marked = [TRAJECTORY[0], {**TRAJECTORY[1], "train": False}, *TRAJECTORY[2:]]
    full, partial = chat.encode(tokenizer, TRAJECTORY, [], generation_prompt=False), chat.encode(tokenizer, marked, [], generation_prompt=False)
    assert partial["input_ids"] == full["input_ids"] and partial["pieces"] == full["pieces"]
    assert learned_runs(partial) == learned_runs(full)[1:]
    with pytest.raises(ChatMaskError, match=r"sft.jsonl:3: every assistant message is marked \"train\": false"):
        chat.encode(tokenizer, [{**m, "train": False} for m in TRAJECTORY], [], generation_prompt=False, example="sft.jsonl:3")


@pytest.mark.parametrize("template", ["markers", "chatml"])
def test_whole_chat_learns_every_token_but_an_untrained_reply(embedded, template):
    """sft.assistantOnlyLoss false: the prompts' tokens are learned too (pretraining on
    chats), the template's tokens and the replies as before, and a reply marked `"train":
    false` (a wrong answer kept as context) never is, with its end-of-turn."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(embedded) if template == "markers" else chatml_tokenizer(embedded)
    marked = [TRAJECTORY[0], {**TRAJECTORY[1], "train": False}, *TRAJECTORY[2:]]
    assistant_only = chat.encode(tokenizer, marked, [], generation_prompt=False)
    whole = chat.encode(tokenizer, marked, [], generation_prompt=False, whole_chat=True)
    assert whole["input_ids"] == assistant_only["input_ids"] and whole["pieces"] == assistant_only["pieces"]
    assert all(w for w, a in zip(whole["assistant_masks"], assistant_only["assistant_masks"]) if a)  # every reply learned is still learned
    unlearned = [token for token, learned in zip(whole["input_ids"], whole["assistant_masks"]) if not learned]
    assert tokenizer.decode(unlearned).strip() == tokenizer.decode(tokenizer(TRAJECTORY[1]["content"], add_special_tokens=False)["input_ids"] + [tokenizer.convert_tokens_to_ids(tokenizer.eos_token)]).strip()
    learned_text = tokenizer.decode([token for token, learned in zip(whole["input_ids"], whole["assistant_masks"]) if learned])
    assert TRAJECTORY[0]["content"] in learned_text and TRAJECTORY[2]["content"] in learned_text and TRAJECTORY[3]["content"] in learned_text
    assert chat.encode(tokenizer, TRAJECTORY, [], generation_prompt=False, whole_chat=True)["assistant_masks"] == [1] * len(whole["input_ids"])


def test_whole_chat_loss_is_for_text_models_and_says_so(ptlab_cache, monkeypatch):
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    from transformers import AutoProcessor

    from ptlab import models

    processor = AutoProcessor.from_pretrained(models.resolve_model_path("embedded:tiny-vlm"))
    with pytest.raises(ChatMaskError, match=r"sft.jsonl:2: sft.assistantOnlyLoss false .* is for text models; .* image-text-to-text.*set it to true"):
        chat.encode(processor, TRAJECTORY, [], generation_prompt=False, example="sft.jsonl:2", whole_chat=True)


def test_a_chat_without_assistant_tokens_is_an_error_naming_model_template_and_example(embedded):
    tokenizer = chatml_tokenizer(embedded)
    tokenizer.chat_template = QWEN25_TEMPLATE.replace("or (message.role == 'assistant')", "")  # drops replies
    with pytest.raises(ChatMaskError) as error:
        chat.encode(tokenizer, TRAJECTORY, [], generation_prompt=False, example="sft.jsonl:7")
    message = str(error.value)
    assert "sft.jsonl:7" in message and str(embedded) in message and "without {% generation %} markers, beginning \"{%- if messages[0]" in message
    with pytest.raises(ChatMaskError, match=r"sft.jsonl:8: no assistant tokens for model .*tiny-lm.* \(without \{% generation %\} markers"):
        chat.encode(chatml_tokenizer(embedded), TRAJECTORY[:1], [], generation_prompt=False, example="sft.jsonl:8")


# LLaVA 1.5's template over text messages (a reply ends with a space, no end-of-turn token),
# made not to render the chat prefix by prefix (the message count first), with its markers.
COUNTED_LLAVA = (
    "{{ messages | length }} {% for message in messages %}{{ message['role'].upper() + ': ' }}"
    "{% if message['role'] == 'assistant' %}{% generation %}{{ message['content'] + ' ' }}{% endgeneration %}"
    "{% else %}{{ message['content'] + ' ' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)


def test_a_reply_ends_with_the_eos_where_the_template_writes_no_end_of_turn_and_is_refused_where_it_cannot(embedded):
    """A template whose reply ends with text alone (LLaVA 1.5's space) never teaches the model to
    stop: rendered prefix by prefix, each learned run ends with the tokenizer's eos, which the
    next turn reads too; found by {% generation %} markers (the chat tokenized whole, as the
    template writes it), a span that does not end with a special token is an error saying what to do."""
    from transformers import AutoTokenizer

    from chat_vectors import LLAVA_TEXT_TEMPLATE

    tokenizer = AutoTokenizer.from_pretrained(embedded)
    tokenizer.chat_template = LLAVA_TEXT_TEMPLATE
    encoded = chat.encode(tokenizer, TRAJECTORY, [], generation_prompt=False)
    assert [tokenizer.decode(run) for run in learned_runs(encoded)] == [f" {m['content']}<|end|>" for m in TRAJECTORY if m["role"] == "assistant"]
    assert "".join(encoded["pieces"]).startswith("".join(chat.encode(tokenizer, TRAJECTORY[:3], [], generation_prompt=True)["pieces"]))
    tokenizer.chat_template = COUNTED_LLAVA
    with pytest.raises(ChatMaskError, match=r"sft.jsonl:4: .*does not render the chat prefix by prefix and its \{% generation %\} spans end without an end-of-turn token .*put the end-of-turn, or the eos '<\|end\|>', inside"):
        chat.encode(tokenizer, TRAJECTORY, [], generation_prompt=False, example="sft.jsonl:4")
    tokenizer.chat_template = COUNTED_LLAVA.replace("message['content'] + ' ' }}{% endgeneration %}", "message['content'] + '<|end|>' }}{% endgeneration %}")
    assert [tokenizer.decode(run) for run in learned_runs(chat.encode(tokenizer, TRAJECTORY, [], generation_prompt=False))] == [f"{m['content']}<|end|>" for m in TRAJECTORY if m["role"] == "assistant"]


def test_a_marked_span_that_ends_with_the_end_of_turn_then_whitespace_is_ended(ptlab_cache, monkeypatch):
    """TRL's own training templates (nemotron_3_nano_training, as TRL 1.16 ships it) put the
    newline after the end-of-turn inside the {% generation %} block ("<|im_end|>\\n"): the span
    is ended by its last token that is not whitespace, a special token, and learned through the
    newline as the template marks it. The same span without the special token is still refused."""
    trl = pytest.importorskip("trl")
    from ptlab import models, replicas

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    tokenizer = models.load_tokenizer(str(replicas.replica_path("qwen2.5")))  # <|im_end|> is special in it
    template = (Path(trl.__file__).parent / "chat_templates" / "nemotron_3_nano_training.jinja").read_text()
    tokenizer.chat_template = template
    assert chat.turn_pieces(tokenizer, chat.for_encoder(tokenizer, TRAJECTORY, []), False) is None  # read by its markers
    encoded = chat.encode(tokenizer, TRAJECTORY, [], generation_prompt=False)
    assert [tokenizer.decode(run) for run in learned_runs(encoded)] == [f"<think></think>{m['content']}<|im_end|>\n" for m in TRAJECTORY if m["role"] == "assistant"]
    ended = " ~ '<|im_end|>\\n' }}"  # each reply's line in the template (history and last)
    assert template.count(ended) == 2
    tokenizer.chat_template = template.replace(ended, " ~ '\\n' }}")
    with pytest.raises(ChatMaskError, match=r"sft.jsonl:2: .*\{% generation %\} spans end without an end-of-turn token \(they end \['\"\}\\n', '\"\}\\n'\]\)"):
        chat.encode(tokenizer, TRAJECTORY, [], generation_prompt=False, example="sft.jsonl:2")


def test_sft_of_a_qwen2_checkpoint_with_a_plain_chatml_template_trains_its_assistant_tokens(tmp_path, embedded, ptlab_cache):
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = chatml_tokenizer(embedded)
    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=1024, tie_word_embeddings=True, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    model_dir = tmp_path / "qwen2-chatml"
    Qwen2ForCausalLM(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    data = json.loads((EXAMPLES / "tiny.ptlab.json").read_text())
    data["model"] = {"name": str(model_dir), "kind": "causal-lm", "dtype": "fp32"}
    data["sft"].update(steps=6, globalBatchSize=8, microBatchSize=4, saveEverySteps=100)
    data["sft"]["data"] = {"examples": 32, "trajectories": "suboptimal"}
    del data["evaluation"]
    path = tmp_path / "qwen2.ptlab.json"
    path.write_text(json.dumps(data))
    run = tmp_path / "run"
    env = {**os.environ, "PTLAB_CACHE_DIR": str(ptlab_cache), "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-m", "ptlab", "sft", "--config", str(path), "--run-dir", str(run)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    train = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if json.loads(line)["kind"] == "train"]
    assert all(r["metrics"]["train/assistant_tokens"] > 0 and r["metrics"]["train/loss"] > 0 for r in train)
    assert train[-1]["metrics"]["train/loss"] < train[0]["metrics"]["train/loss"]


def test_a_processor_without_markers_masks_the_replies_not_the_expanded_image_tokens(ptlab_cache, monkeypatch):
    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    from transformers import AutoProcessor

    from ptlab import models
    from ptlab.envs import generalpoints as gp

    path = models.resolve_model_path("embedded:tiny-vlm")
    marked, plain = AutoProcessor.from_pretrained(path), AutoProcessor.from_pretrained(path)
    plain.chat_template = marked.chat_template.replace("{% generation %}", "").replace("{% endgeneration %}", "")
    episode = gp.GeneralPointsEpisode(gp.GeneralPointsConfig(modality="vision"), 3)
    messages = [chat.user_message(episode.prompt, episode.observation_image()), {"role": "assistant", "content": "ok"},
                {"role": "user", "content": "Try again."}, {"role": "assistant", "content": "24 = (3+5)*3"}]
    ours, theirs = (chat.encode(p, messages, chat.images_in(messages), generation_prompt=False) for p in (plain, marked))
    assert ours == theirs
    image_token = marked.tokenizer.convert_tokens_to_ids(models.IMAGE_TOKEN)
    assert ours["input_ids"].count(image_token) == 64 and not any(m for t, m in zip(ours["input_ids"], ours["assistant_masks"]) if t == image_token)
    assert [marked.tokenizer.decode(run) for run in learned_runs(ours)] == ["ok<|end|>", "24 = (3+5)*3<|end|>"]


@pytest.mark.parametrize("family", ["llama3", "qwen2.5", "mllama", "qwen2-vl", "llava", "embedded:gp-base", "embedded:tiny-lm"])
def test_token_ends_are_each_prefix_s_decoded_length_on_every_family(ptlab_cache, monkeypatch, family):
    """chat.token_ends (the character end of each answer token: token weights, token records)
    steps a DecodeStream but must equal the definition, len(decode(ids[:i+1])), everywhere: on
    text with multi-byte characters split across tokens, on special tokens (skipped), on
    random ids, and with the stream refused (the prefix-by-prefix way)."""
    import random

    from ptlab import models, replicas

    monkeypatch.setenv("PTLAB_CACHE_DIR", str(ptlab_cache))
    path = models.resolve_model_path(family) if family.startswith("embedded:") else str(replicas.replica_path(family))
    tokenizer = chat.text_tokenizer(models.load_tokenizer(path))
    text = " ".join(f"Step {i}: (3+4)*2 = 14 ✓, über 😀 Ω — “J Q K” \n\t{14 - i}" for i in range(12))
    rng = random.Random(0)
    cases = [tokenizer.encode(text, add_special_tokens=False), [rng.randrange(len(tokenizer)) for _ in range(200)], [*tokenizer.all_special_ids, *tokenizer.encode(" a😀b", add_special_tokens=False)], []]
    for ids in cases:
        wanted = [len(tokenizer.decode(ids[: i + 1], skip_special_tokens=True)) for i in range(len(ids))]
        assert chat.token_ends(tokenizer, ids) == wanted, (family, ids[:20])

    class Refused:
        def __init__(self, **_):
            pass

        def step(self, *_):
            raise RuntimeError("InvalidPrefix")

    import tokenizers.decoders

    monkeypatch.setattr(tokenizers.decoders, "DecodeStream", Refused)
    assert chat.token_ends(tokenizer, cases[0]) == [len(tokenizer.decode(cases[0][: i + 1], skip_special_tokens=True)) for i in range(len(cases[0]))]
