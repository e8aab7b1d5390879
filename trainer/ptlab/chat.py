"""Chats to model inputs, for text-only tokenizers and image-text-to-text processors alike.

A chat is a list of `{"role", "content"}` messages whose content is a string or a list of
`{"type": "text", "text"}` / `{"type": "image", "image": PIL image | "path": file}` items.
`encoder` is what `models.load_tokenizer` returns: a tokenizer, or a processor (image
processor + tokenizer + chat template) for image-text-to-text models. Pixel inputs are
whatever the processor's image processor returns (`pixel_values`, and e.g. grid sizes for
Qwen2-VL), passed to the model as they are, so any HF image-text-to-text model takes the
same path as the embedded tiny-vlm.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

GENERATION_MARKER = re.compile(r"\{%-?\s*generation\s*-?%\}")
# The date every chat is rendered with, as `date_string`: Llama 3.x Instruct's templates write
# "Today Date: " + date_string, else today's (strftime_now) in the system turn, so a prompt's ids
# would change from day to day. This is the templates' own fallback (a chat rendered without a
# clock); src/core/inference/tokenizer.ts renders with the same (test/vectors/chat-templates.json).
TEMPLATE_DATE = "26 Jul 2024"


class ChatMaskError(ValueError):
    """No assistant tokens can be found in a training chat; the message names the model,
    its chat template and the example."""


def is_multimodal(encoder: Any) -> bool:
    return hasattr(encoder, "image_processor")


def text_tokenizer(encoder: Any) -> Any:
    return encoder.tokenizer if is_multimodal(encoder) else encoder


def token_ends(tokenizer: Any, ids: list[int]) -> list[int]:
    """Where each token's text ends in the decoded `ids`: len(tokenizer.decode(ids[: i + 1],
    skip_special_tokens=True)) for each i. Stepped through tokenizers' DecodeStream, which
    decodes a few tokens per step where decoding every prefix is quadratic (a 512-token answer:
    23 ms a turn, on the host, while the GPU waits). A step that completes no character (a
    multi-byte one's first bytes, a skipped special token) is decoded whole, as the definition
    says; a tokenizer without a fast backend, one that cleans up spaces, or a stream whose text
    does not add up to the whole decode's is decoded prefix by prefix."""
    def decoded(n: int) -> int:
        return len(tokenizer.decode(ids[:n], skip_special_tokens=True))

    backend = getattr(tokenizer, "backend_tokenizer", None)
    streamed = None if backend is None or getattr(tokenizer, "clean_up_tokenization_spaces", False) else _streamed_ends(backend, ids, decoded)
    return [decoded(i + 1) for i in range(len(ids))] if streamed is None else streamed


def _streamed_ends(backend: Any, ids: list[int], decoded: Any) -> list[int] | None:
    """token_ends through a DecodeStream; None where it cannot be trusted."""
    from tokenizers.decoders import DecodeStream

    stream, length, ends, emitted = DecodeStream(skip_special_tokens=True), 0, [], 0
    try:
        for i, token in enumerate(ids):
            piece = stream.step(backend, token)
            if piece is None:
                ends.append(decoded(i + 1))
            else:
                length += len(piece)
                ends.append(length)
                emitted = i + 1
    except Exception:  # the stream refused a prefix it decoded differently
        return None
    return None if emitted and length != decoded(emitted) else ends  # the pieces must add up to the decode they stand for


def sampled_answer(text: str) -> dict[str, Any]:
    """The assistant message of an answer the model sampled (`text` as decoded): read back
    without the text its template writes between the generation prompt and a message's content
    (answer_separator), which the model said itself."""
    return {"role": "assistant", "content": text, "sampled": True}


def user_message(text: str, image: Any = None) -> dict[str, Any]:
    """A user turn, with the observation image first when there is one."""
    if image is None:
        return {"role": "user", "content": text}
    return {"role": "user", "content": [{"type": "image", "image": image}, {"type": "text", "text": text}]}


def images_in(messages: list[dict[str, Any]], base_dir: Path | None = None) -> list[Any]:
    """The chat's images in order, files opened as RGB PIL images (`path` relative to base_dir)."""
    from PIL import Image

    images = []
    for message in messages:
        if isinstance(message["content"], str):
            continue
        for item in message["content"]:
            if item.get("type") != "image":
                continue
            if "image" in item:
                images.append(item["image"])
            else:
                path = Path(item["path"])
                with Image.open(base_dir / path if base_dir is not None else path) as image:
                    images.append(image.convert("RGB"))
    return images


def require_multimodal(encoder: Any, has_images: bool, where: str) -> None:
    if has_images and not is_multimodal(encoder):
        raise ValueError(f"{where}: vision needs an image-text-to-text model (model.kind \"image-text-to-text\", e.g. embedded:tiny-vlm); this model reads text only")


def encode(encoder: Any, messages: list[dict[str, Any]], images: list[Any], generation_prompt: bool, example: str = "a chat", whole_chat: bool = False) -> dict[str, Any]:
    """Token ids of one chat (image placeholders expanded), read in its `pieces` (turn_pieces)
    as every reader of a chat reads it, and, for training examples (generation_prompt False),
    the mask of the tokens learned (`assistant_mask`)."""
    require_multimodal(encoder, bool(images), "chat")
    if generation_prompt:
        pieces = prompt_pieces(encoder, messages, images)
        return {"input_ids": _tokens(encoder, pieces, images)[0], "pieces": pieces}
    return assistant_mask(encoder, messages, images, example, whole_chat)


def render(encoder: Any, messages: list[dict[str, Any]], images: list[Any], generation_prompt: bool) -> str:
    """The chat as its template writes it (what a processor reads along with the images)."""
    return _render(encoder, for_encoder(encoder, messages, images), generation_prompt)


def _render(encoder: Any, bound: list[dict[str, Any]], generation_prompt: bool) -> str:
    return encoder.apply_chat_template(bound, tokenize=False, add_generation_prompt=generation_prompt, **template_context(encoder))


def template_context(encoder: Any) -> dict[str, str]:
    """What every chat is rendered with besides the chat: the pinned TEMPLATE_DATE, for a template
    that reads `date_string` (a processor takes any other keyword for itself, and warns)."""
    return {"date_string": TEMPLATE_DATE} if "date_string" in chat_template(encoder) else {}


def prompt_pieces(encoder: Any, messages: list[dict[str, Any]], images: list[Any]) -> tuple[str, ...]:
    """The chat with the generation prompt, in the pieces it is tokenized in (turn_pieces);
    the whole text in one piece where the template does not render the chat prefix by prefix."""
    return turn_pieces(encoder, for_encoder(encoder, messages, images), generation_prompt=True) or (render(encoder, messages, images, generation_prompt=True),)


def turn_pieces(encoder: Any, bound: list[dict[str, Any]], generation_prompt: bool) -> tuple[str, ...] | None:
    """The chat as its template writes it, cut around each assistant turn: the odd pieces are
    the turns (from where the generation prompt ends through the template's end-of-turn), the
    even ones what lies between. Each piece is tokenized on its own, so a turn's ids are what
    generation reads and writes there: the chat before it with the generation prompt, then the
    answer's own tokens. Tokenized whole, a merge across a cut would change them (ChatML's
    "assistant\n" before an answer starting with "\n" reads one "\n\n" token). Found by
    rendering the chat prefix by prefix, as TRL and verl find a turn in templates without
    {% generation %} markers; None where the template does not render it so. Each turn ends
    with reply_end's eos where the template's turn has no end-of-turn token (and the reply
    does not end with the eos already), after the reply's own trailing whitespace."""
    text = _render(encoder, bound, generation_prompt)
    closing = reply_end(encoder) if any(message["role"] == "assistant" for message in bound) else ""
    pieces, at = [], 0
    for i, message in enumerate(bound):
        if message["role"] != "assistant":
            continue
        before, through = _render(encoder, bound[:i], True), _render(encoder, bound[: i + 1], False)
        if not (through.startswith(before) and text.startswith(through) and len(before) >= at):
            return None
        end = _turn_end(before, through)
        turn = text[len(before) : end]
        if not turn.endswith(closing):
            turn = _with_trailing_space(turn, through[len(before) :], _text_of(message["content"]))
            end = len(before) + len(turn)
            turn += closing
        pieces += [text[at : len(before)], turn]
        at = end
    return (*pieces, text[at:])


def _with_trailing_space(turn: str, written: str, reply: str) -> str:
    """The turn (cut before the whitespace that ends `written`, the turn as rendered) through the
    reply's own trailing whitespace, where the template wrote the reply last in it: reply_end's
    eos goes after all the reply says ("}\\n</s>", as a model that said it reads it back)."""
    said = reply.rstrip()
    space = reply[len(said) :]
    return turn + space if space and turn.endswith(said) and written[len(turn) :].startswith(space) else turn


def reply_end(encoder: Any) -> str:
    """What ends each assistant turn beyond the template's text: the tokenizer's eos where the
    template writes no end-of-turn token (end_of_turn_tokens), else nothing. LLaVA 1.5's
    template ends a reply with the space before the next "USER: "; generation stops at its
    generation config's eos, </s>, so a model SFT'd on the template's text alone never learns to
    stop. LLaVA's own training ended each reply with </s> (its vicuna_v1 conversation's sep2),
    and a rollout's later turn reads each earlier reply as the model said it, </s> included:
    the chat the model is trained on and the one it reads stay the same ids."""
    if end_of_turn_tokens(encoder):
        return ""
    return text_tokenizer(encoder).eos_token or ""


def _turn_end(prompt: str, through: str) -> int:
    """Where the assistant turn that `through` (a chat rendered through an assistant message)
    ends, `prompt` being the chat before it with the generation prompt: after the template's
    end-of-turn, before the whitespace it writes between turns."""
    return len(prompt) + len(through[len(prompt) :].rstrip())


def _piece_tokens(tokenizer: Any, pieces: tuple[str, ...], special: bool, offsets: bool = False) -> tuple[list[int], list[int], list[int]]:
    """The pieces' ids, each piece tokenized on its own (the first with the special tokens
    when `special`): ids, each token's start in the joined text (with `offsets`), its piece."""
    ids: list[int] = []
    starts: list[int] = []
    piece_of: list[int] = []
    at = 0
    for k, piece in enumerate(pieces):
        if piece or (k == 0 and special):
            encoded = tokenizer(piece, add_special_tokens=special and k == 0, return_offsets_mapping=offsets)
            ids += encoded["input_ids"]
            starts += [at + start for start, _ in encoded["offset_mapping"]] if offsets else []
            piece_of += [k] * len(encoded["input_ids"])
        at += len(piece)
    return ids, starts, piece_of


def _tokens(encoder: Any, pieces: tuple[str, ...], images: list[Any]) -> tuple[list[int], list[int | None]]:
    """The chat's ids, read piece by piece, and each id's piece (None: an image placeholder
    the processor repeated)."""
    tokenizer = text_tokenizer(encoder)
    if not is_multimodal(encoder):
        ids, _, piece_of = _piece_tokens(tokenizer, pieces, False)
        return ids, list(piece_of)
    text = "".join(pieces)
    special = special_tokens(encoder, [text])
    expanded = list(encoder(text=[text], images=[images] if images else None, add_special_tokens=special)["input_ids"][0])
    ids, _, piece_of = _pieces_in_expanded(tokenizer, pieces, expanded, special)
    return ids, piece_of


def _pieces_in_expanded(tokenizer: Any, pieces: tuple[str, ...], expanded: list[int], special: bool) -> tuple[list[int], list[int], list[int | None]]:
    """A processor's ids for the joined pieces (`expanded`: the whole text tokenized, its image
    placeholders repeated) with the text's tokens replaced by the pieces' own: the ids, for
    each the position in `expanded` whose per-token inputs it takes (the whole-text token its
    characters start in), and its piece (None: a repeated placeholder)."""
    text = "".join(pieces)
    whole = tokenizer(text, add_special_tokens=special, return_offsets_mapping=True)
    ids, starts, piece_of = _piece_tokens(tokenizer, pieces, special, offsets=True)
    matched = _matched(expanded, list(whole["input_ids"]))
    lead = len(tokenizer("", add_special_tokens=True)["input_ids"]) if special else 0  # the tokens the tokenizer adds before a text
    whole_starts = [start for start, _ in whole["offset_mapping"]]
    owners: dict[int, list[int]] = {}
    for k, start in enumerate(starts):
        owners.setdefault(k if k < lead else max(lead, bisect.bisect_right(whole_starts, start, lead) - 1), []).append(k)
    out, sources, pieces_out = [], [], []
    for position, (token, j) in enumerate(zip(expanded, matched)):
        for k in [None] if j is None else owners.get(j, []):
            out.append(token if k is None else ids[k])
            sources.append(position)
            pieces_out.append(None if k is None else piece_of[k])
    return out, sources, pieces_out


def special_tokens(encoder: Any, texts: list[str]) -> bool:
    """Whether rendered chats are read with the tokenizer's special tokens, as transformers'
    apply_chat_template reads them: a tokenizer's never (its templates write them); a
    processor's unless the text starts with the tokenizer's BOS (LLaVA 1.5's template writes
    none, and its Llama tokenizer adds <s>; Llama 3.2 Vision's writes <|begin_of_text|>).
    Every reader of a rendered chat asks here, so prompts, training rows and masks agree."""
    if not is_multimodal(encoder):
        return False
    bos = text_tokenizer(encoder).bos_token
    starts = {bool(bos) and text.startswith(bos) for text in texts}
    if len(starts) > 1:
        raise ChatMaskError(f"model {_model_name(encoder)}: some rendered chats start with its BOS token {bos!r} and some do not; render every chat with its chat template")
    return not starts or not starts.pop()


def chat_template(encoder: Any) -> str:
    template = getattr(encoder, "chat_template", None) or getattr(text_tokenizer(encoder), "chat_template", None)
    if not isinstance(template, str):
        raise ChatMaskError(f"model {_model_name(encoder)}: its tokenizer has no chat template (a single template string); give the checkpoint one")
    return template


def assistant_mask(encoder: Any, messages: list[dict[str, Any]], images: list[Any], example: str, whole_chat: bool = False) -> dict[str, Any]:
    """The chat's token ids and which of them the model must learn to say (`assistant_masks`):
    each assistant message (but those marked `"train": false`) and the template's end-of-turn
    after it (the eos where the template writes none: reply_end), as turn_pieces finds them:
    each turn's ids are those generation reads at it (the chat before it with the generation
    prompt) followed by the answer's own tokens. A template
    with `{% generation %}` markers that does not render the chat prefix by prefix says where
    its turns are itself (the chat then tokenized whole: no prompt generation reads is a
    prefix of it; each span must end with a special token, _check_marked_ends). Each span must
    decode to its message, and a chat without assistant tokens is an error, never a zero loss.
    `whole_chat` (sft.assistantOnlyLoss false): every token of the chat instead, the prompts'
    too, as pretraining learns a document, except the assistant messages marked `"train":
    false` (a wrong answer is context, never something to learn to say); text models only.
    `replies` marks the assistant tokens learned either way (what a cut must keep some of)."""
    template = chat_template(encoder)
    bound = for_encoder(encoder, messages, images)
    pieces = turn_pieces(encoder, bound, generation_prompt=False)
    if pieces is not None:
        ids, piece_of = _tokens(encoder, pieces, images)
        mask = [int(piece is not None and piece % 2 == 1) for piece in piece_of]
    elif GENERATION_MARKER.search(template):
        encoded = encoder.apply_chat_template(bound, tokenize=True, return_dict=True, return_assistant_tokens_mask=True, **template_context(encoder))
        ids, mask = encoded["input_ids"], encoded["assistant_masks"]
        ids, mask = (list(ids[0]), list(mask[0])) if is_multimodal(encoder) else (list(ids), list(mask))
        pieces = (_render(encoder, bound, False),)
        _check_marked_ends(encoder, ids, mask, template, example)
    else:
        raise ChatMaskError(
            f"{example}: model {_model_name(encoder)}'s chat template ({_describe(template)}) does not render the chat prefix by prefix, "
            "so its assistant tokens cannot be found; add {% generation %} markers around assistant messages to the template"
        )
    if not any(mask):
        raise ChatMaskError(f"{example}: no assistant tokens for model {_model_name(encoder)} with its chat template ({_describe(template)}); the chat needs an assistant message the template renders")
    _check_spans(encoder, bound, ids, mask, template, example)
    trained = _without_untrained(messages, mask)
    if not any(trained):
        raise ChatMaskError(f"{example}: every assistant message is marked \"train\": false; nothing to learn from this chat")
    learned = trained
    if whole_chat:
        if is_multimodal(encoder):
            raise ChatMaskError(f"{example}: sft.assistantOnlyLoss false (a loss on every token) is for text models; model {_model_name(encoder)} is image-text-to-text, whose image placeholder tokens are not text to learn: set it to true")
        learned = [0 if assistant and not reply else 1 for assistant, reply in zip(mask, trained)]
    return {"input_ids": ids, "assistant_masks": learned, "replies": trained, "pieces": pieces}


def _matched(expanded: list[int], text_ids: list[int]) -> list[int | None]:
    """For each of the processor's ids, the text token it is (None: a repeated image placeholder)."""
    matched: list[int | None] = []
    at = 0
    for token in expanded:
        if at < len(text_ids) and token == text_ids[at]:
            matched.append(at)
            at += 1
        else:
            matched.append(None)
    if at != len(text_ids):
        raise ChatMaskError("the processor's token ids do not extend the tokenizer's (only image placeholders may be repeated)")
    return matched


def _check_spans(encoder: Any, messages: list[dict[str, Any]], ids: list[int], mask: list[int], template: str, example: str) -> None:
    """Each run of learned tokens decodes to its assistant message (with the end-of-turn)."""
    tokenizer = text_tokenizer(encoder)
    runs, current = [], []
    for token, learned in zip(ids, mask):
        if learned:
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    replies = [_text_of(m["content"]) for m in messages if m["role"] == "assistant"]
    decoded = [tokenizer.decode(run) for run in runs]
    if len(decoded) != len(replies) or any(reply.strip() not in text for reply, text in zip(replies, decoded)):
        raise ChatMaskError(
            f"{example}: model {_model_name(encoder)}'s assistant tokens (chat template {_describe(template)}) decode to {decoded[:3]!r}, "
            f"not to its {len(replies)} assistant message(s) {[r[:60] for r in replies[:3]]!r}"
        )


def _check_marked_ends(encoder: Any, ids: list[int], mask: list[int], template: str, example: str) -> None:
    """Each {% generation %} span (the chat tokenized whole, as the template writes it, where
    reply_end cannot add the eos) ends with a special token, an end-of-turn or the eos, before
    any whitespace (TRL's training templates mark "<|im_end|>\\n"): else SFT never teaches the
    model where an answer ends, and every answer runs to maxNewTokens."""
    tokenizer = text_tokenizer(encoder)
    special = _special_ids(tokenizer)
    ends = [k for k, learned in enumerate(mask) if learned and (k + 1 == len(mask) or not mask[k + 1])]
    unended = [tokenizer.decode(ids[max(0, k - 2) : k + 1]) for k in ends if _last_said(tokenizer, ids, mask, k, special) not in special]
    if unended:
        raise ChatMaskError(
            f"{example}: model {_model_name(encoder)}'s chat template ({_describe(template)}) does not render the chat prefix by prefix and its "
            f"{{% generation %}} spans end without an end-of-turn token (they end {unended[:2]!r}), "
            f"so SFT would never teach the model to stop: put the end-of-turn, or the eos {tokenizer.eos_token!r}, inside each {{% generation %}} block"
        )


def _last_said(tokenizer: Any, ids: list[int], mask: list[int], end: int, special: set[int]) -> int | None:
    """The last token of the learned span ending at `end` that is not whitespace alone (None: all of it is)."""
    k = end
    while k >= 0 and mask[k] and ids[k] not in special and not tokenizer.decode([ids[k]]).strip():
        k -= 1
    return ids[k] if k >= 0 and mask[k] else None


def _without_untrained(messages: list[dict[str, Any]], mask: list[int]) -> list[int]:
    """The mask without the assistant messages marked `"train": false` (context, e.g. a wrong
    earlier answer): _check_spans made each run of learned tokens one assistant message, in order."""
    trained = iter([m.get("train", True) is not False for m in messages if m["role"] == "assistant"])
    out, keep, previous = [], True, 0
    for learned in mask:
        if learned and not previous:
            keep = next(trained)
        out.append(int(learned and keep))
        previous = learned
    return out


def _text_of(content: Any) -> str:
    return content if isinstance(content, str) else "".join(item.get("text", "") for item in content if item.get("type") == "text")


def _model_name(encoder: Any) -> str:
    return repr(getattr(text_tokenizer(encoder), "name_or_path", "") or "(unnamed)")


def _describe(template: str) -> str:
    head = " ".join(template.split())[:60]
    return f"{'with' if GENERATION_MARKER.search(template) else 'without'} {{% generation %}} markers, beginning {head!r}"


def placeholder_strings(encoder: Any) -> list[str]:
    """The text a processor expands into an image's (or a video's) tokens: LLaVA's <image>,
    Qwen2-VL's <|image_pad|> and <|video_pad|>, Mllama's <|image|>."""
    return [t for t in (getattr(encoder, "image_token", None), getattr(encoder, "video_token", None)) if isinstance(t, str) and t]


def _escaped(text: str, placeholders: list[str]) -> str:
    """`text` with each placeholder string broken by a space: a model's answer may spell one
    out in ordinary tokens, and read back in the chat's next turn it would ask the processor
    for an image that is not there."""
    for placeholder in placeholders:
        text = text.replace(placeholder, f"{placeholder[0]} {placeholder[1:]}")
    return text


def for_encoder(encoder: Any, messages: list[dict[str, Any]], images: list[Any]) -> list[dict[str, Any]]:
    """The chat as the encoder's template reads it. Processors' templates (LLaVA's, Qwen2-VL's,
    Mllama's) take every message's content as a list of typed items, each image item with
    its loaded image, and every text without a placeholder string (_escaped: images come as
    image items only); a tokenizer's takes the chat as it is. Both read each sampled answer
    as generation wrote it (_as_sampled)."""
    if not is_multimodal(encoder):
        return _as_sampled(encoder, messages)
    placeholders = placeholder_strings(encoder)
    loaded = iter(images)
    out = []
    for message in messages:
        items = [{"type": "text", "text": message["content"]}] if isinstance(message["content"], str) else message["content"]
        content = [{"type": "image", "image": next(loaded)} if item.get("type") == "image" else {**item, "text": _escaped(item["text"], placeholders)} if item.get("type") == "text" else item for item in items]
        out.append({**message, "content": content})
    return _as_sampled(encoder, out)


ANSWER_MARKER = "<ptlab-answer>"


def _as_sampled(encoder: Any, bound: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bound chat with each sampled answer (sampled_answer) rid of its template's
    answer_separator, where it starts with it: generation read the separator's text as its own
    (LLaVA 1.5's generation prompt ends "ASSISTANT:", its assistant turns read "ASSISTANT: " +
    content, and a model trained on them says " \n{..."), so the chat then reads the
    generation prompt and the answer as generated, as the training rows read them."""
    if not any(message.get("sampled") for message in bound):
        return bound
    out: list[dict[str, Any]] = []
    for message in bound:
        if message.get("sampled"):
            message = {**message, "content": _without_lead(message["content"], answer_separator(encoder, out, message))}
        out.append(message)
    return out


def answer_separator(encoder: Any, before: list[dict[str, Any]], message: dict[str, Any]) -> str:
    """What the template writes between the generation prompt after `before` (a bound chat) and
    the content of the assistant `message` there; "" where the generation prompt is not a
    prefix of the message's rendering."""
    return _around_content(encoder, before, message)[0]


def end_of_turn_tokens(encoder: Any) -> list[int]:
    """The special tokens the template writes after an assistant message's content to end the
    turn (through the turn's end as turn_pieces cuts it), which SFT teaches the model to say
    after each answer (assistant_mask): ChatML's <|im_end|>, Llama 3's <|eot_id|>. Generation
    stops at them. None (an empty list) where the template ends a turn with text alone (LLaVA
    1.5's " "): the turn then ends with the tokenizer's eos (reply_end)."""
    tokenizer = text_tokenizer(encoder)
    bound = for_encoder(encoder, [user_message("?"), {"role": "assistant", "content": "!"}], [])
    closing = _around_content(encoder, bound[:1], bound[1])[1]
    special = _special_ids(tokenizer)
    return [i for i in tokenizer(closing, add_special_tokens=False)["input_ids"] if i in special]


def _special_ids(tokenizer: Any) -> set[int]:
    return {i for i, token in tokenizer.added_tokens_decoder.items() if token.special} | set(tokenizer.all_special_ids)


def _around_content(encoder: Any, before: list[dict[str, Any]], message: dict[str, Any]) -> tuple[str, str]:
    """What the template writes around the content of the assistant `message` after `before` (a
    bound chat): from the generation prompt's end to the content, and from the content to the
    turn's end (_turn_end); ("", "") where the generation prompt is not a prefix of the
    message's rendering."""
    marked = {**message, "content": _with_text(message["content"], ANSWER_MARKER)}
    prompt, written = _render(encoder, before, True), _render(encoder, [*before, marked], False)
    at = written.find(ANSWER_MARKER, len(prompt))
    if not written.startswith(prompt) or at < 0:
        return "", ""
    return written[len(prompt) : at], written[at + len(ANSWER_MARKER) : _turn_end(prompt, written)]


def _with_text(content: Any, text: str) -> Any:
    return text if isinstance(content, str) else [{"type": "text", "text": text}]


def _without_lead(content: Any, lead: str) -> Any:
    if isinstance(content, str):
        return content.removeprefix(lead)
    return [{**item, "text": item["text"].removeprefix(lead)} if item.get("type") == "text" and k == 0 else item for k, item in enumerate(content)]


def generation_batch(encoder: Any, chats: list[list[dict[str, Any]]]) -> Any:
    """Left-padded model inputs for a batch of chats, ready for `generate`, read as `encode`
    reads them: every tensor the processor returns (pixels, grid sizes, aspect ratios,
    cross-attention masks), the images grouped per chat."""
    per_chat = [images_in(chat) for chat in chats]
    require_multimodal(encoder, any(per_chat), "generate")
    pieces = [prompt_pieces(encoder, chat, images) for chat, images in zip(chats, per_chat)]
    if not is_multimodal(encoder):
        return encoder.pad({"input_ids": [_tokens(encoder, p, [])[0] for p in pieces]}, padding=True, padding_side="left", return_tensors="pt")
    return _read(encoder, pieces, per_chat if any(per_chat) else None, "left")


def _read(encoder: Any, pieces: list[tuple[str, ...]], images: list[list[Any]] | None, padding_side: str) -> Any:
    """The processor's padded inputs for chats given in pieces: what it returns for the joined
    texts, with each row's text tokens those of its pieces (_pieces_in_expanded) and its
    per-token tensors (Mllama's cross-attention mask, Qwen2-VL's token types) moved with them."""
    import torch

    texts = ["".join(p) for p in pieces]
    special = special_tokens(encoder, texts)
    read = encoder(text=texts, images=images, return_tensors="pt", padding=True, padding_side=padding_side, add_special_tokens=special)
    shape = tuple(read["input_ids"].shape)
    rows, changed = [], False
    for i, chat_pieces in enumerate(pieces):
        at = read["attention_mask"][i].nonzero().flatten().tolist()
        expanded = read["input_ids"][i, at].tolist()
        ids, sources, _ = _pieces_in_expanded(text_tokenizer(encoder), chat_pieces, expanded, special)
        rows.append((ids, [at[s] for s in sources]))
        changed = changed or ids != expanded
    if not changed:
        return read
    width = max(len(ids) for ids, _ in rows)
    per_token = [k for k, v in read.items() if k != "input_ids" and v.dim() >= 2 and tuple(v.shape[:2]) == shape]
    pad = text_tokenizer(encoder).pad_token_id or 0
    out = {"input_ids": torch.full((shape[0], width), pad, dtype=read["input_ids"].dtype)} | {k: read[k].new_zeros((shape[0], width, *read[k].shape[2:])) for k in per_token}
    for i, (ids, sources) in enumerate(rows):
        place = slice(width - len(ids), width) if padding_side == "left" else slice(0, len(ids))
        out["input_ids"][i, place] = torch.tensor(ids)
        for k in per_token:
            out[k][i, place] = read[k][i, sources]
    for k, v in out.items():
        read[k] = v
    return read


def causal_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """batch_inputs' text-only inputs without the attention mask: their padding is on the
    right, after every real token, so causal attention alone never lets a real token read it
    (the padded positions' own outputs are never used). Without a mask SDPA runs its causal
    kernel, which skips the masked half and reads grouped key/value heads as they are,
    instead of a dense masked pass over heads expanded to the query heads. Inputs with any
    other tensor (images) are returned as they are."""
    import torch

    if set(inputs) != {"input_ids", "attention_mask"}:
        return inputs
    mask = inputs["attention_mask"]
    right_padded = (torch.arange(mask.shape[1], device=mask.device).unsqueeze(0) < mask.sum(dim=1, keepdim=True)).to(mask.dtype)
    if not torch.equal(mask, right_padded):
        raise ValueError("causal_inputs needs right-padded rows, as batch_inputs makes them")
    return {"input_ids": inputs["input_ids"]}


def batch_inputs(encoder: Any, rows: list[tuple[tuple[str, ...], list[Any], list[int]]], pad_id: int) -> dict[str, Any]:
    """Right-padded model inputs for sequences that continue what a processor read: each row
    is (pieces, their images, ids), the ids beginning with `encode`'s for the chat in pieces
    (a prompt, then a sampled response; or a whole training chat). `input_ids` and
    `attention_mask`, and with images every other tensor the processor returns, as it batches
    them: per-token ones (Mllama's cross-attention mask, Qwen2-VL's token types) extended
    over the continuation with the text's last position, the image tensors as they are."""
    import torch

    width = max(len(ids) for _, _, ids in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (_, _, row) in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
        attention[i, : len(row)] = 1
    inputs: dict[str, Any] = {"input_ids": ids, "attention_mask": attention}
    if not any(images for _, images, _ in rows):
        return inputs
    require_multimodal(encoder, True, "a training batch")
    read = _read(encoder, [pieces for pieces, _, _ in rows], [images for _, images, _ in rows], "right")
    lengths = read["attention_mask"].sum(dim=1).tolist()
    for i, (n, (_, _, row)) in enumerate(zip(lengths, rows)):
        if read["input_ids"][i, :n].tolist() != list(row[:n]):
            raise ValueError(f"batch row {i}: the processor's ids for its chat differ from the sequence's first {n} ids (was the chat rendered by another template or processor?)")
    for key, value in read.items():
        if key in inputs:
            continue
        if value.dim() >= 2 and tuple(value.shape[:2]) == tuple(read["input_ids"].shape):
            inputs[key] = _extend(value, lengths, [len(row) for _, _, row in rows], width)
        else:
            inputs[key] = value
    return inputs


def _extend(per_token: Any, lengths: list[int], totals: list[int], width: int) -> Any:
    """A per-token tensor widened to `width`: each row's positions past what the processor
    read (up to the row's total) repeat its last read position; padding is zero."""
    import torch

    out = torch.zeros((per_token.shape[0], width, *per_token.shape[2:]), dtype=per_token.dtype)
    for i, (n, total) in enumerate(zip(lengths, totals)):
        out[i, :n] = per_token[i, :n]
        out[i, n:total] = per_token[i, n - 1]
    return out
