"""What the checks of a training option against the model's own code share
(bench/liger_check.py, bench/varlen_check.py): their cases (a replica family of
ptlab.replicas, or an embedded model, `+lora` to train LoRA adapters), their arguments, and
their report: one JSON line per case, then a non-zero exit naming the cases that differ."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable

from ptlab import chat, models, replicas


def model_path(family: str) -> str:
    return models.resolve_model_path(family) if family.startswith("embedded:") else str(replicas.replica_path(family))


def pad_id(encoder: Any) -> int:
    text = chat.text_tokenizer(encoder)
    return text.pad_token_id if text.pad_token_id is not None else text.eos_token_id


def arguments(doc: str, dtype_help: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="fp32", help=dtype_help)
    return parser.parse_args()


def report(bench: str, cases: list[str], check: Callable[[str], dict[str, Any]], setting: dict[str, Any], differs: str) -> None:
    """Runs `check` on each case (its result says "ok"), prints each result after `setting`,
    and exits with `differs` and the cases that were not ok, if any."""
    failed = []
    for case in cases:
        result = check(case)
        if not result["ok"]:
            failed.append(case)
        print(json.dumps({"bench": bench, **setting, **result}), flush=True)
    if failed:
        sys.exit(f"{differs} in {', '.join(failed)}")
