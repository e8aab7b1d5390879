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

from pathlib import Path
from typing import Any


def is_multimodal(encoder: Any) -> bool:
    return hasattr(encoder, "image_processor")


def text_tokenizer(encoder: Any) -> Any:
    return encoder.tokenizer if is_multimodal(encoder) else encoder


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


def image_inputs(encoder: Any, images: list[Any]) -> dict[str, Any]:
    """The model's image tensors for these images, in order ({} for none)."""
    if not images:
        return {}
    return dict(encoder.image_processor(images, return_tensors="pt"))


def encode(encoder: Any, messages: list[dict[str, Any]], images: list[Any], generation_prompt: bool) -> dict[str, Any]:
    """Token ids of one chat (image placeholders expanded) and, for training examples
    (generation_prompt False), the assistant-token mask."""
    require_multimodal(encoder, bool(images), "chat")
    if not is_multimodal(encoder):
        if generation_prompt:
            text = encoder.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
            return {"input_ids": encoder(text, add_special_tokens=False)["input_ids"]}
        encoded = encoder.apply_chat_template(messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
        return {"input_ids": list(encoded["input_ids"]), "assistant_masks": list(encoded["assistant_masks"])}
    with_images = _bind_images(messages, images)
    if generation_prompt:
        text = encoder.apply_chat_template(with_images, tokenize=False, add_generation_prompt=True)
        return {"input_ids": encoder(text=[text], images=images or None, add_special_tokens=False)["input_ids"][0]}
    encoded = encoder.apply_chat_template(with_images, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    return {"input_ids": list(encoded["input_ids"][0]), "assistant_masks": list(encoded["assistant_masks"][0])}


def _bind_images(messages: list[dict[str, Any]], images: list[Any]) -> list[dict[str, Any]]:
    """The chat with each image item carrying its loaded image (processors read `image`)."""
    loaded = iter(images)
    out = []
    for message in messages:
        if isinstance(message["content"], str):
            out.append(message)
            continue
        content = [{"type": "image", "image": next(loaded)} if item.get("type") == "image" else item for item in message["content"]]
        out.append({**message, "content": content})
    return out


def generation_batch(encoder: Any, chats: list[list[dict[str, Any]]]) -> Any:
    """Left-padded model inputs for a batch of chats, ready for `generate`."""
    tokenizer = text_tokenizer(encoder)
    tokenizer.padding_side = "left"
    texts = [encoder.apply_chat_template(chat, tokenize=False, add_generation_prompt=True) for chat in chats]
    images = [image for chat in chats for image in images_in(chat)]
    require_multimodal(encoder, bool(images), "generate")
    if not is_multimodal(encoder):
        return encoder(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    return encoder(text=texts, images=images or None, return_tensors="pt", padding=True, add_special_tokens=False)
