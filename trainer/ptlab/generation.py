"""Sampling answers from a model for a batch of chats: what PPO's rollouts and evaluation share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ptlab import chat

GENERATE_BATCH = 32


@dataclass(frozen=True)
class Generation:
    """One sampled answer: its text, and the token ids exactly as sampled (what PPO trains
    on; re-encoding the text can give other ids), ending with the stop token when the model
    produced one rather than running out of max_new_tokens."""

    text: str
    prompt_tokens: int
    ids: tuple[int, ...]
    stopped: bool

    @property
    def answer_tokens(self) -> int:
        """The answer's tokens, the stop token not counted."""
        return len(self.ids) - self.stopped


def stop_tokens(model: Any, tokenizer: Any) -> list[int]:
    """The tokens that end a turn: the checkpoint's generation config's (Llama 3 lists
    <|eot_id|>, <|eom_id|> and <|end_of_text|>; Qwen <|im_end|> and <|endoftext|>) and the tokenizer's eos."""
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    listed = configured if isinstance(configured, list) else [configured]
    return list(dict.fromkeys(t for t in [*listed, tokenizer.eos_token_id] if t is not None))


def generate(model: Any, encoder: Any, chats: list[list[dict[str, Any]]], max_new_tokens: int, temperature: float, kv_cache: str = "dynamic", sampling: dict[str, Any] | None = None, synced_gpus: bool = False) -> list[Generation]:
    """A Generation for each chat, batched, left-padded; `encoder` is the tokenizer or, for
    image-text-to-text models, the processor (chats with images). `kv_cache` is the config's
    model.kvCache: "static" preallocates the cache, and on CUDA generate compiles decoding.
    `sampling`, when given, are generate's sampling arguments in place of `temperature`'s
    ({} decodes as the model's generation_config says). `synced_gpus`: the model's parameters
    are sharded over the processes (ZeRO-3), which all call this together: each forward gathers
    them, so a process whose answers are done keeps decoding until every process's are."""
    import torch

    tokenizer = chat.text_tokenizer(encoder)
    results: list[Generation] = []
    stop = stop_tokens(model, tokenizer)
    for start in range(0, len(chats), GENERATE_BATCH):
        batch = chat.generation_batch(encoder, chats[start : start + GENERATE_BATCH]).to(model.device)
        options = dict(sampling) if sampling is not None else {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        if kv_cache == "static":
            options["cache_implementation"] = "static"
        if synced_gpus:
            options["synced_gpus"] = True
        with torch.no_grad():
            out = model.generate(**batch, max_new_tokens=max_new_tokens, eos_token_id=stop, pad_token_id=tokenizer.pad_token_id, **options)
        new = out[:, batch["input_ids"].shape[1] :]
        for row, prompt_mask in zip(new, batch["attention_mask"]):
            ids = row.tolist()
            end = next((i for i, t in enumerate(ids) if t in stop or t == tokenizer.pad_token_id), len(ids))
            stopped = end < len(ids)
            results.append(Generation(tokenizer.decode(ids[:end], skip_special_tokens=True), int(prompt_mask.sum()), tuple(ids[: end + stopped]), stopped))
    return results
