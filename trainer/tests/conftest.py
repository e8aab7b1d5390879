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



@pytest.fixture(scope="session")
def tiny_opt(tmp_path_factory) -> Path:
    """A tiny OPT checkpoint (random weights, no dropout, the embedded tokenizer and chat
    template): a decoder that does not read restarting positions into its mask, so sequences
    laid end to end in a row attend to one another under SDPA or eager attention."""
    shared = _shared_temp(tmp_path_factory)
    target = shared / "tiny-opt"
    with FileLock(str(shared / "tiny-opt.lock")):
        if not (target / "tokenizer_config.json").exists():  # written last
            torch = pytest.importorskip("torch")
            from transformers import OPTConfig, OPTForCausalLM

            from ptlab import models

            tokenizer = models.embedded_tokenizer()
            sizes = {"hidden_size": 64, "ffn_dim": 128, "word_embed_proj_dim": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "max_position_embeddings": 1024}
            no_dropout = {"dropout": 0.0, "attention_dropout": 0.0, "activation_dropout": 0.0, "layerdrop": 0.0}
            config = OPTConfig(**sizes, **no_dropout, vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
            torch.manual_seed(0)
            OPTForCausalLM(config).save_pretrained(target)
            tokenizer.save_pretrained(target)
    return target


@pytest.fixture
def full_disk_image_saves(monkeypatch):
    """PIL's Image.save writes the start of a PNG, then fails as a full disk does."""
    from PIL import Image

    def full_disk(self, fp, *args, **kwargs):
        if isinstance(fp, (str, Path)):
            Path(fp).write_bytes(b"\x89PNG")
        else:
            fp.write(b"\x89PNG")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", full_disk)
