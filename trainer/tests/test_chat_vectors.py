"""The extension's chat reference vectors (test/vectors/chat-templates.json) are current: the
trainer still renders and reads each chat as the TypeScript unit tests check ChatTokenizer against,
with the pinned date in the system turn of Llama 3.2's templates."""

import json

import pytest

pytest.importorskip("torch")

import chat_vectors  # noqa: E402


def test_chat_vectors_file_is_current():
    recorded = json.loads(chat_vectors.VECTORS_FILE.read_text(encoding="utf-8"))
    assert recorded == json.loads(chat_vectors.render()), "run .venv/bin/python trainer/tests/chat_vectors.py --write"


def test_every_vector_chat_is_dated_with_the_pinned_date():
    vectors = json.loads(chat_vectors.render())
    assert all(f"Today Date: {vectors['templateDate']}\n" in "".join(case["pieces"]) for case in vectors["cases"] if case["template"] in chat_vectors.DATED)
