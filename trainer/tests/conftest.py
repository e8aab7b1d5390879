"""One embedded-model cache for the whole test run, shared by pytest-xdist workers."""

import os
from pathlib import Path

import pytest
from filelock import FileLock


def _shared_temp(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # xdist: workers' folders share a parent


@pytest.fixture(scope="session", autouse=True)
def _cache_outside_home(tmp_path_factory):
    """Every test's PTLAB_CACHE_DIR is the run's shared cache, whether or not it asks for
    ptlab_cache: a test that loads an embedded model without it must not build one under the
    user's HOME (which may not be writable), nor pass or fail by which test ran before it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PTLAB_CACHE_DIR", str(_shared_temp(tmp_path_factory) / "ptlab-cache"))
        yield


@pytest.fixture(scope="session")
def ptlab_cache(tmp_path_factory) -> Path:
    """The PTLAB_CACHE_DIR of every test, with embedded:tiny-lm built once: the first worker
    to get here builds it under a lock, the others wait and reuse it."""
    shared = _shared_temp(tmp_path_factory)
    cache = shared / "ptlab-cache"
    with FileLock(str(shared / "ptlab-cache.lock")):
        pytest.importorskip("torch")
        from ptlab import models

        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("PTLAB_CACHE_DIR", str(cache))
            models.resolve_model_path("embedded:tiny-lm")
    return cache
