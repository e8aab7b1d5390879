"""ptlab.seeds: the seeds a run derives from its global seed."""

import pytest

from ptlab import seeds


@pytest.mark.parametrize("purpose", ["sft", "ppo", "evaluation"])
def test_process_seeds_are_each_processs_own_and_rank_0_keeps_the_seed(purpose):
    """Rank 0 is the seed itself (single-process runs unchanged); other ranks get streams of
    their own, not a neighbouring run's: seed + rank made (s, r + 1) the stream of (s + 1, r)."""
    for seed in (0, 1, 1234, 2**32 - 1):
        assert seeds.process_seed(purpose, seed, 0) == seed
        ranks = [seeds.process_seed(purpose, seed, rank) for rank in range(8)]
        assert len(set(ranks)) == 8
        assert all(0 <= s < 2**32 for s in ranks)
    for seed in range(4):
        for rank in range(4):
            assert seeds.process_seed(purpose, seed, rank + 1) != seeds.process_seed(purpose, seed + 1, rank)
    assert seeds.process_seed(purpose, 5, 1) != seeds.process_seed("other" + purpose, 5, 1)
