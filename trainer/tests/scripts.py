"""A script outside the package (a benchmark in bench/, a fixture writer), imported as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_script(path: Path) -> ModuleType:
    """As `python path` runs it: its own folder is on sys.path while it loads, so it may import
    a sibling module (make_trl_run.py imports trl_grpo.py)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module
