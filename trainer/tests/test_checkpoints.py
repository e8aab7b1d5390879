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
