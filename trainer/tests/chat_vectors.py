"""Shared test vectors for rendering chats: test/vectors/chat-templates.json.

Llama 3.2 Instruct's published templates (the llama3 and mllama replicas') write the system
turn's date from `date_string`, else from the clock, and trim each message as Python's str.strip
does (answers that end in \x85 or \x1c, or start with U+FEFF, which JavaScript's trim treats
otherwise). LLaVA 1.5's template, over text messages (Vicuna's), writes a space between its
generation prompt "ASSISTANT:" and an answer, which a sampled answer (chat.sampled_answer) says
itself. Each case is a chat as the trainer renders it (ptlab.chat, with chat.TEMPLATE_DATE)
through the embedded tokenizer given that template: its text in its pieces (chat.turn_pieces)
and its ids. None of these templates writes an end-of-turn token of that tokenizer (Llama 3's
<|eot_id|> is text to it), so each reply ends with its eos, <|end|> (chat.reply_end), as
LLaVA 1.5's replies end with </s>. The TypeScript tests check the extension's ChatTokenizer
(src/core/inference/tokenizer.ts) renders and reads each the same.

`.venv/bin/python trainer/tests/chat_vectors.py --write` writes the file; the Python tests check it is current.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vectors_cli import print_or_write

VECTORS_FILE = Path(__file__).resolve().parents[2] / "test" / "vectors" / "chat-templates.json"

SYSTEM = {"role": "system", "content": "Answer with one formula."}
PROMPT = {"role": "user", "content": "Cards: ['A', '5', '10', 'K']. Make 24."}
ANSWER = {"role": "assistant", "content": '{"formula": "10+10+5-1"}'}
RETRY = {"role": "user", "content": "You failed this trial because your formula is incorrect."}
CHATS = [([PROMPT], True), ([SYSTEM, PROMPT], True), ([PROMPT, ANSWER, RETRY], True), ([PROMPT, ANSWER], False)]


def sampled(content: str) -> dict[str, Any]:
    """An answer as a model may sample it (chat.sampled_answer)."""
    return {"role": "assistant", "content": content, "sampled": True}


# Answers whose whitespace Python's str.strip and JavaScript's trim strip differently.
TRIMMED_CHATS = [([PROMPT, sampled(text), RETRY], True) for text in (ANSWER["content"] + "\x85", ANSWER["content"] + "\x1c", ANSWER["content"] + " \ufeff", "\ufeff" + ANSWER["content"])]
# An answer that says the space LLaVA 1.5's template writes after "ASSISTANT:" itself, as the training row taught;
# one that ends with a newline, which the eos follows.
SEPARATED_CHATS = [([PROMPT, sampled(" " + ANSWER["content"]), RETRY], True), ([PROMPT, ANSWER, RETRY], True), ([PROMPT, sampled(" " + ANSWER["content"]), RETRY, ANSWER], False),
                   ([PROMPT, sampled(" " + ANSWER["content"] + "\n"), RETRY, {**ANSWER, "content": ANSWER["content"] + "\n"}], False)]
DATED = ("llama3", "mllama")
# LLaVA 1.5's (replicas.LLAVA_TEMPLATE) over text messages.
LLAVA_TEXT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] != 'system' %}{{ message['role'].upper() + ': '}}{% endif %}"
    "{{ message['content'] + ' ' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)


def templates() -> dict[str, str]:
    from ptlab import replicas

    return {"llama3": replicas.LLAMA3_TEMPLATE, "mllama": replicas.MLLAMA_TEMPLATE, "llava-text": LLAVA_TEXT_TEMPLATE}


def chats(family: str) -> list[tuple[list[dict[str, Any]], bool]]:
    return SEPARATED_CHATS if family == "llava-text" else CHATS + TRIMMED_CHATS if family == "llama3" else CHATS


def cases() -> list[dict[str, Any]]:
    from ptlab import chat, models

    tokenizer = models.embedded_tokenizer()
    out = []
    for family, template in templates().items():
        tokenizer.chat_template = template
        for messages, generation_prompt in chats(family):
            encoded = chat.encode(tokenizer, messages, [], generation_prompt)
            out.append({"template": family, "messages": messages, "addGenerationPrompt": generation_prompt, "pieces": list(encoded["pieces"]), "ids": encoded["input_ids"]})
    return out


def render() -> str:
    from ptlab import chat, models

    tokenizer = models.embedded_tokenizer()
    vectors = {"about": __doc__.splitlines()[0], "templateDate": chat.TEMPLATE_DATE, "bosToken": tokenizer.bos_token, "eosToken": tokenizer.eos_token, "templates": templates(), "cases": cases()}
    return json.dumps(vectors, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    print_or_write(__doc__, VECTORS_FILE, render)


if __name__ == "__main__":
    main()
