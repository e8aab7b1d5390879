"""The portable PRNG shared with TypeScript (src/core/envs/prng.ts), bit for bit.

xoshiro128** (Blackman and Vigna) on 32-bit words, seeded from a uint32 through
splitmix32. Integers in [0, n) by rejection (no modulo bias); floats with 24 bits, exact
in both languages. Only 32-bit integer operations, so JavaScript needs no BigInt.
"""

from __future__ import annotations

MASK = 0xFFFFFFFF


def _splitmix32(state: int) -> tuple[int, int]:
    state = (state + 0x9E3779B9) & MASK
    z = state
    z = ((z ^ (z >> 16)) * 0x21F0AAAD) & MASK
    z = ((z ^ (z >> 15)) * 0x735A2D97) & MASK
    return state, z ^ (z >> 15)


def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & MASK


class Rng:
    def __init__(self, seed: int) -> None:
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MASK:
            raise ValueError(f"seed must be an integer in [0, 2**32): {seed!r}")
        state = seed
        words = []
        for _ in range(4):
            state, word = _splitmix32(state)
            words.append(word)
        if not any(words):
            words[0] = 1
        self._s = words

    def next_u32(self) -> int:
        s0, s1, s2, s3 = self._s
        result = (_rotl((s1 * 5) & MASK, 7) * 9) & MASK
        t = (s1 << 9) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self._s = [s0, s1, s2, s3]
        return result

    def below(self, n: int) -> int:
        """Uniform integer in [0, n), 1 <= n <= 2**32."""
        if not 1 <= n <= MASK + 1:
            raise ValueError(f"n out of range: {n}")
        limit = (MASK + 1) - ((MASK + 1) % n)
        while True:
            x = self.next_u32()
            if x < limit:
                return x % n

    def between(self, low: int, high: int) -> int:
        """Uniform integer in [low, high]."""
        return low + self.below(high - low + 1)

    def random(self) -> float:
        """Uniform float in [0, 1) with 24 random bits."""
        return (self.next_u32() >> 8) / 16777216

    def shuffle(self, items: list) -> None:
        """Fisher-Yates, from the last index down."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
