"""The seeds a run derives from its global `seed`, kept apart from evaluation's.

Training plays episodes from crc32 bases of the seed: SFT's example i has seed
sft_data_base + i, PPO's episodes seeds ppo_episode_base + j (every process its own j, as
ppo.EpisodeSource numbers them); evaluation plays evaluation.seed + i (the same for every
checkpoint, ptlab.evaluate). A base lands anywhere in the 32-bit range, so for some seeds
training's range meets evaluation's: config.training_seeds_refused refuses those configs
(src/core/config/checks.ts in the same words, its crc32 the same as zlib's).
"""

from __future__ import annotations

import math
import zlib

MASK = 0xFFFFFFFF


def sft_data_base(seed: int) -> int:
    """The first SFT example's seed (ptlab.data)."""
    return zlib.crc32(f"ptlab-sft-data:{seed}".encode())


def ppo_episode_base(seed: int) -> int:
    """The first PPO episode's seed (ptlab.ppo.EpisodeSource)."""
    return zlib.crc32(f"ptlab-ppo-episodes:{seed}".encode())


def ppo_episode_seeds(updates: int, steps_per_update: int, parallel_envs: int, group_size: int | None, processes: int) -> int:
    """How many seeds from ppo_episode_base a run's episodes may take, at most: each process
    takes every processes-th. GAE (`group_size` None) opens parallelEnvs episodes, then one for
    each that finishes (at most one per transition); group advantages open waves of parallelEnvs
    episodes while an update has fewer than stepsPerUpdate transitions (each episode makes at
    least one), groupSize of them sharing a seed."""
    if group_size is None:
        per_process = parallel_envs + updates * steps_per_update
    else:
        per_process = updates * math.ceil(steps_per_update / parallel_envs) * math.ceil(parallel_envs / group_size)
    return per_process * processes


def meet(start: int, count: int, other_start: int, other_count: int) -> bool:
    """Whether the seeds start + i (i < count) and other_start + j (j < other_count), mod 2**32, share one."""
    if count <= 0 or other_count <= 0:
        return False
    return (other_start - start) & MASK < count or (start - other_start) & MASK < other_count


def span(start: int, count: int) -> str:
    """The seeds start .. start + count - 1 as written in messages: "seeds start..end" (mod
    2**32: it may wrap), or "every seed" where there are 2**32 or more."""
    if count > MASK:
        return "every seed"
    return f"seeds {start}..{(start + count - 1) & MASK}"


def process_seed(purpose: str, seed: int, rank: int) -> int:
    """The seed of process `rank`'s random streams (torch's, Python's) for `purpose` ("sft",
    "ppo", "evaluation"). Rank 0 keeps the seed itself, so every single-process run (the
    committed demo and bench numbers among them) draws what it always drew; the other ranks get a
    crc32 of their own, where seed + rank gave rank r + 1 of seed s the stream of rank r of
    seed s + 1 (consecutive seeds shared streams)."""
    return seed if rank == 0 else zlib.crc32(f"ptlab-process:{purpose}:{seed}:{rank}".encode())
