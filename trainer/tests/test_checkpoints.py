"""Checkpoints resumed with the wrong launcher fail with what to do, not a bare FileNotFoundError."""

import pytest
import torch

from ptlab import checkpoints


def _optimizer() -> torch.optim.Optimizer:
    return torch.optim.Adam([torch.nn.Parameter(torch.zeros(2))])


def test_a_deepspeed_checkpoint_resumed_without_deepspeed_names_its_launcher(tmp_path):
    (tmp_path / checkpoints.ENGINE_DIR).mkdir()  # what a DeepSpeed run leaves: the engine's shards, no optimizer.pt
    with pytest.raises(checkpoints.CheckpointError, match=r"has no optimizer\.pt: it holds a DeepSpeed run.*launcher\.distributed"):
        checkpoints.restore(tmp_path, _optimizer(), None)


def test_a_checkpoint_without_optimizer_state_says_so(tmp_path):
    with pytest.raises(checkpoints.CheckpointError, match=r"holds no optimizer state.*start a new run from it with init"):
        checkpoints.restore(tmp_path, _optimizer(), None)


def test_a_plain_checkpoint_resumed_under_deepspeed_names_its_launcher(tmp_path):
    with pytest.raises(checkpoints.CheckpointError, match=r"not saved by a DeepSpeed run"):
        checkpoints.restore_engine(tmp_path, engine=None)


def test_the_random_state_holds_the_gpu_s_once_the_job_uses_cuda(monkeypatch):
    """A resumed GPU run samples (generate) and drops out from the GPU's generator: the state
    keeps it beside the host's and Python's, and puts it back, on a job that uses CUDA; a job on
    the host neither reads nor writes one (a GPU checkpoint resumes there too)."""
    import random

    assert "cuda" not in checkpoints.rng_state() or torch.cuda.is_initialized()
    gpu = {"state": torch.arange(8, dtype=torch.uint8)}
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_rng_state", lambda *args: gpu["state"].clone())
    monkeypatch.setattr(torch.cuda, "set_rng_state", lambda state, *args: gpu.update(state=state.clone()))
    torch.manual_seed(5)
    random.seed(5)
    saved = checkpoints.rng_state()
    assert torch.equal(saved["cuda"], torch.arange(8, dtype=torch.uint8))
    drawn = (torch.rand(3), random.random())
    gpu["state"] = torch.zeros(8, dtype=torch.uint8)  # the generator moved on
    checkpoints.set_rng_state(saved)
    assert torch.equal(gpu["state"], saved["cuda"]) and (torch.rand(3).tolist(), random.random()) == (drawn[0].tolist(), drawn[1])
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: False)
    gpu["state"] = torch.zeros(8, dtype=torch.uint8)
    checkpoints.set_rng_state(saved)  # on the host: nothing to set
    assert "cuda" not in checkpoints.rng_state() and not gpu["state"].any()
