// Choosing the next token from a row of logits: greedy, or temperature (with optional
// nucleus) sampling whose uniforms come from the answer's draw key and the token's position,
// as the trainer's keyed draws (trainer/ptlab/generation.py: draw_key, keyed_uniforms,
// _KeyedDraws): one key gives the same answer here and in Python, up to float rounding.
import { blake2b } from '@noble/hashes/blake2b';

export interface SamplingOptions {
  /** 0 (the default) is greedy decoding. */
  temperature?: number;
  /** Nucleus sampling: keep the smallest set of tokens whose probability reaches topP. */
  topP?: number;
  /** The answer's key to its random draws (drawKey); sampling (temperature > 0) needs one. */
  drawKey?: number;
}

const utf8 = new TextEncoder();

/** A 32-bit key for one answer's random draws from what identifies it, as generation.py's
 * draw_key: BLAKE2b with a 4-byte digest of the parts joined by "/", read little-endian.
 * Evaluation keys an answer by (evaluation seed, split, episode, attempt). */
export function drawKey(...parts: readonly (string | number)[]): number {
  for (const part of parts) {
    if (typeof part === 'number' && !Number.isSafeInteger(part)) throw new RangeError(`draw key parts are strings and integers, got ${part}`);
  }
  const digest = blake2b(utf8.encode(parts.join('/')), { dkLen: 4 });
  return (digest[0]! | (digest[1]! << 8) | (digest[2]! << 16) | (digest[3]! << 24)) >>> 0;
}

/** generation.py's _mix32: Chris Wellons' lowbias32 hash of a 32-bit integer. */
function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** generation.py's keyed_uniforms for one key: the uniform in (0, 1) of decoding step `step`. */
export function keyedUniform(key: number, step: number): number {
  return (mix32((key ^ mix32(step >>> 0)) >>> 0) + 0.5) / 2 ** 32;
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

/** One answer's token choices: call `next` once per generated token, in order. */
export class Sampler {
  private readonly temperature: number;
  private readonly topP: number;
  private readonly key: number;
  private step = 0;

  constructor(options: SamplingOptions = {}) {
    this.temperature = options.temperature ?? 0;
    this.topP = options.topP ?? 1;
    if (!(this.temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${options.temperature}`);
    if (!(this.topP > 0 && this.topP <= 1)) throw new RangeError(`topP must be in (0, 1], got ${options.topP}`);
    const key = options.drawKey;
    if (this.temperature > 0 && key === undefined) throw new RangeError('sampling (temperature > 0) needs the answer\'s draw key (drawKey)');
    if (key !== undefined && !(Number.isInteger(key) && key >= 0 && key < 2 ** 32)) throw new RangeError(`drawKey must be a 32-bit unsigned integer, got ${key}`);
    this.key = key ?? 0;
  }

  /** The next token id from `length` logits starting at `offset`. */
  next(logits: ArrayLike<number>, offset = 0, length = logits.length - offset): number {
    const step = this.step++;
    if (this.temperature === 0) return argmax(logits, offset, length);
    const probs = this.softmax(logits, offset, length);
    if (this.topP < 1) this.dropOutsideNucleus(probs);
    return inverseCdf(probs, keyedUniform(this.key, step));
  }

  private softmax(logits: ArrayLike<number>, offset: number, length: number): Float64Array {
    const best = logits[offset + argmax(logits, offset, length)]!;
    const probs = new Float64Array(length);
    let total = 0;
    for (let i = 0; i < length; i++) {
      probs[i] = Math.exp((logits[offset + i]! - best) / this.temperature);
      total += probs[i]!;
    }
    for (let i = 0; i < length; i++) probs[i] = probs[i]! / total;
    return probs;
  }

  /** transformers' TopPLogitsWarper: from the least probable token up, zero each while the mass so
   * far (its own included) is at most 1 - topP; the most probable token always stays. */
  private dropOutsideNucleus(probs: Float64Array): void {
    const ascending = Array.from(probs.keys()).sort((a, b) => probs[a]! - probs[b]! || b - a);
    let mass = 0;
    for (const i of ascending.slice(0, -1)) {
      mass += probs[i]!;
      if (mass > 1 - this.topP) return;
      probs[i] = 0;
    }
  }
}

/** _KeyedDraws' choice: the first token, in vocabulary order, whose cumulative mass exceeds
 * `uniform` times the total. */
function inverseCdf(probs: Float64Array, uniform: number): number {
  let total = 0;
  for (const p of probs) total += p;
  const target = uniform * total;
  let cdf = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] === 0) continue;
    cdf += probs[i]!;
    if (cdf > target) return i;
    last = i;
  }
  return last;
}
