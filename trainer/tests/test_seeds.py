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


def test_ppo_episode_seeds_bound_what_gae_and_group_waves_open_on_every_process():
    """GAE: parallelEnvs, then one per transition; group advantages: ceil(stepsPerUpdate /
    parallelEnvs) waves an update, parallelEnvs / groupSize seeds each; times the processes."""
    assert seeds.ppo_episode_seeds(3, 10, 4, None, 1) == 4 + 3 * 10
    assert seeds.ppo_episode_seeds(3, 10, 4, None, 2) == (4 + 3 * 10) * 2
    assert seeds.ppo_episode_seeds(3, 10, 4, 2, 1) == 3 * 3 * 2  # 10 transitions take 3 waves of 4
    assert seeds.ppo_episode_seeds(3, 8, 4, 2, 3) == 3 * 2 * 2 * 3
    assert seeds.ppo_episode_seeds(1, 4, 8, 4, 1) == 1 * 1 * 2  # one wave of 8 episodes, 2 seeds


def test_seed_ranges_meet_exactly_where_they_share_a_seed_mod_2_32():
    mod = 2**32
    starts = [0, 1, 2, 5, mod - 3, mod - 1]
    for start in starts:
        for count in range(5):
            mine = {(start + i) % mod for i in range(count)}
            for other in starts:
                for other_count in range(5):
                    theirs = {(other + j) % mod for j in range(other_count)}
                    assert seeds.meet(start, count, other, other_count) == bool(mine & theirs), (start, count, other, other_count)


def test_a_span_names_its_first_and_last_seed_wrapping_or_every_seed():
    assert seeds.span(5, 3) == "seeds 5..7"
    assert seeds.span(5, 1) == "seeds 5..5"
    assert seeds.span(2**32 - 1, 2) == "seeds 4294967295..0"
    assert seeds.span(0, 2**32 - 1) == "seeds 0..4294967294"
    assert seeds.span(7, 2**32) == "every seed"


def test_the_bases_are_the_crc32s_the_extension_s_check_computes():
    """src/core/config/checks.ts refuses configs by crc32(`ptlab-sft-data:${seed}`) and
    crc32(`ptlab-ppo-episodes:${seed}`): the trainer's bases must be those (test/unit/crc.test.ts
    pins the TypeScript crc32 to zlib's)."""
    import re
    import zlib
    from pathlib import Path

    checks = (Path(__file__).resolve().parents[2] / "src" / "core" / "config" / "checks.ts").read_text()
    for base, name in ((seeds.sft_data_base, "SFT's examples"), (seeds.ppo_episode_base, "PPO's episodes")):
        prefix = re.search(rf"\[\"{re.escape(name)}\", crc32\(`([a-z-]+:)\$\{{seed\}}`\)", checks)[1]
        for seed in (0, 1, 4103606, 2**32 - 1):
            assert base(seed) == zlib.crc32(f"{prefix}{seed}".encode())
