// The portable PRNG shared with Python (trainer/ptlab/envs/prng.py), bit for bit:
// xoshiro128** on 32-bit words, seeded from a uint32 through splitmix32. Integers in [0, n)
// by rejection (no modulo bias); floats with 24 bits, exact in both languages.

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
  return [next, (z ^ (z >>> 15)) >>> 0];
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Rng {
  private s: [number, number, number, number];

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2**32): ${seed}`);
    let state = seed;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, word] = splitmix32(state);
      state = next;
      words.push(word);
    }
    if (!words.some((w) => w !== 0)) words[0] = 1;
    this.s = words as [number, number, number, number];
  }

  nextU32(): number {
    let [s0, s1, s2, s3] = this.s;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    this.s = [s0, s1, s2, s3];
    return result;
  }

  /** Uniform integer in [0, n), 1 <= n <= 2**32. */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`n out of range: ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Uniform integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.below(high - low + 1);
  }

  /** Uniform float in [0, 1) with 24 random bits. */
  random(): number {
    return (this.nextU32() >>> 8) / 16777216;
  }

  /** Fisher-Yates, from the last index down. */
  shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
  }
}
