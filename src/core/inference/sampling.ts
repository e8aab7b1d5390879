// Choosing the next token from a row of logits: greedy, or temperature (with optional
// nucleus) sampling from the portable PRNG so a seed gives the same text everywhere.
import { Rng } from '../envs/prng';

export interface SamplingOptions {
  /** 0 (the default) is greedy decoding. */
  temperature?: number;
  /** Nucleus sampling: keep the smallest set of tokens whose probability reaches topP. */
  topP?: number;
  seed?: number;
}

export function argmax(logits: ArrayLike<number>, offset = 0, length = logits.length - offset): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const value = logits[offset + i]!;
    if (value > bestValue) {
      bestValue = value;
      best = i;
    }
  }
  return best;
}

export class Sampler {
  private readonly rng: Rng;
  private readonly temperature: number;
  private readonly topP: number;

  constructor(options: SamplingOptions = {}) {
    this.temperature = options.temperature ?? 0;
    this.topP = options.topP ?? 1;
    if (!(this.temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${options.temperature}`);
    if (!(this.topP > 0 && this.topP <= 1)) throw new RangeError(`topP must be in (0, 1], got ${options.topP}`);
    this.rng = new Rng(options.seed ?? 0);
  }

  /** The next token id from `length` logits starting at `offset`. */
  next(logits: ArrayLike<number>, offset = 0, length = logits.length - offset): number {
    if (this.temperature === 0) return argmax(logits, offset, length);
    const best = logits[offset + argmax(logits, offset, length)]!;
    const weights = new Float64Array(length);
    let total = 0;
    for (let i = 0; i < length; i++) {
      weights[i] = Math.exp((logits[offset + i]! - best) / this.temperature);
      total += weights[i]!;
    }
    const candidates = this.nucleus(weights, total);
    let mass = 0;
    for (const i of candidates) mass += weights[i]!;
    let threshold = this.rng.random() * mass;
    for (const i of candidates) {
      threshold -= weights[i]!;
      if (threshold < 0) return i;
    }
    return candidates[candidates.length - 1]!;
  }

  private nucleus(weights: Float64Array, total: number): number[] {
    const order = Array.from(weights.keys());
    if (this.topP >= 1) return order;
    order.sort((a, b) => weights[b]! - weights[a]! || a - b);
    const kept: number[] = [];
    let mass = 0;
    for (const i of order) {
      kept.push(i);
      mass += weights[i]!;
      if (mass >= this.topP * total) break;
    }
    return kept;
  }
}
