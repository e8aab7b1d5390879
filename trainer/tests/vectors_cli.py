"""The command line of a shared-vector writer: print the vectors, or --write them (a temp file, then a rename)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def print_or_write(doc: str | None, path: Path, render: Callable[[], str]) -> None:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"write {path}")
    args = parser.parse_args()
    text = render()
    if not args.write:
        print(text, end="")
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    print(f"wrote {path}")
