"""Per-token records of sampled PPO rollout turns: RUN/tokens.jsonl (schemas/token-record.schema.json).

For a share of the rollout's episodes (logging.tokenRecordRate, drawn by a hash of the run's
seed, the process and the episode's number: no random stream moves), every turn keeps each
generated token's sampling log-prob (from generation), its log-prob and the entropy under the
training forward with the rollout's weights (one no-grad pass over the sampled turns before
the update), its ratio to the old policy in the update's last epoch, its weight, and the
turn's advantage, value, return and reward. A turn's line is written when its episode's
record is, under that record's step, split and episode number, so the transcript viewer finds
an episode's tokens by the keys it already has. Arrays are little-endian float32 / int32 in
base64: about 32 bytes per token for the seven of them.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

FILE = "tokens.jsonl"
FLOAT_FIELDS = ("sampling", "training", "entropy", "ratio", "weight")
INT_FIELDS = ("ids", "textEnds")


def sampled(seed: int, process: int, episode: int, rate: float) -> bool:
    """Whether episode `episode` of process `process` gets per-token records."""
    if rate <= 0:
        return False
    if rate >= 1:
        return True
    return zlib.crc32(f"ptlab-token-records:{seed}:{process}:{episode}".encode()) < rate * 2**32


def encode(values: Any, dtype: str) -> str:
    return base64.b64encode(np.asarray(values, dtype=dtype).tobytes()).decode("ascii")


def decode(text: str, dtype: str, count: int, where: str) -> np.ndarray:
    values = np.frombuffer(base64.b64decode(text, validate=True), dtype=dtype)
    if len(values) != count:
        raise ValueError(f"{where}: {len(values)} values where the record has {count} tokens")
    return values


def utf16_ends(text: str, ends: list[int], count: int) -> list[int]:
    """Token text ends as offsets into `text` in UTF-16 code units (how the viewer's JavaScript
    indexes strings), from code-point ends; non-decreasing, at most the text's length; tokens
    past `ends` (the stop token) end at the text's end."""
    units = [0]
    for ch in text:
        units.append(units[-1] + (2 if ord(ch) > 0xFFFF else 1))
    result, last = [], 0
    for i in range(count):
        end = units[min(ends[i], len(text))] if i < len(ends) else units[-1]
        last = max(last, end)
        result.append(last)
    return result


@dataclass
class TurnTokens:
    """One sampled turn's tokens, filled in as the update goes: the rollout, the pre-update
    forward, the update's last epoch."""

    ids: list[int]
    text_ends: list[int]
    sampling: list[float]
    weight: list[float]
    reward: float
    training: list[float] | None = None
    entropy: list[float] | None = None
    ratio: list[float] | None = None
    value: float | None = None
    advantage: float = 0.0
    ret: float = 0.0
    update: int = 0

    def complete(self) -> bool:
        return self.training is not None and self.entropy is not None and self.ratio is not None

    def line(self, run_id: str, step: int, split: str, episode: int, turn: int, clip: float) -> dict[str, Any]:
        assert self.training is not None and self.entropy is not None and self.ratio is not None, "a turn's tokens are written once it was trained on"
        return {
            "runId": run_id,
            "step": step,
            "split": split,
            "episode": episode,
            "turn": turn,
            "update": self.update,
            "tokens": len(self.ids),
            "ids": encode(self.ids, "<i4"),
            "textEnds": encode(self.text_ends, "<i4"),
            "sampling": encode(self.sampling, "<f4"),
            "training": encode(self.training, "<f4"),
            "entropy": encode(self.entropy, "<f4"),
            "ratio": encode(self.ratio, "<f4"),
            "weight": encode(self.weight, "<f4"),
            "advantage": self.advantage,
            "value": self.value,
            "return": self.ret,
            "reward": self.reward,
            "clip": clip,
        }


def read(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a tokens.jsonl with their arrays decoded (numpy), line by line; a torn
    last line (a run still writing) is left out."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.endswith("\n"):
                return
            record = json.loads(line)
            where = f"{path} line {number}"
            for name in FLOAT_FIELDS:
                record[name] = decode(record[name], "<f4", record["tokens"], f"{where}: {name}")
            for name in INT_FIELDS:
                record[name] = decode(record[name], "<i4", record["tokens"], f"{where}: {name}")
            yield record
