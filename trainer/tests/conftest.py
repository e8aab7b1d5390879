"""One embedded-model cache for the whole test run, shared by pytest-xdist workers."""

import os
from pathlib import Path

import pytest
from filelock import FileLock


@pytest.fixture(scope="session")
def ptlab_cache(tmp_path_factory) -> Path:
    """The PTLAB_CACHE_DIR of every test, with embedded:tiny-lm built once: the first worker
    to get here builds it under a lock, the others wait and reuse it."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # xdist: workers' folders share a parent
    cache = shared / "ptlab-cache"
    with FileLock(str(shared / "ptlab-cache.lock")):
        pytest.importorskip("torch")
        from ptlab import models

        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("PTLAB_CACHE_DIR", str(cache))
            models.resolve_model_path("embedded:tiny-lm")
    return cache
