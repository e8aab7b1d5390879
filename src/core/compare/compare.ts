// Two checkpoints on the same seeded episodes: per-split success with standard errors, the
// paired difference with an exact McNemar test, the episodes whose outcomes differ, and
// where two transcripts first diverge. Pure: the compare view and the CLI share it.
import type { EpisodeRecord } from '../contracts/generated/types';
import type { OwnEpisode } from '../contracts/contracts';
import { canonicalJson } from '../canonicalJson';

/** Something to compare: an exported checkpoint run here with onnxruntime-node, the
 *  episodes an evaluation already wrote (`python -m ptlab eval`, or the evaluations inside a
 *  training run), or a checkpoint of any size that the trainer evaluates first (as a task). */
export interface CompareSource {
  id: string;
  kind: 'onnx' | 'evaluation' | 'checkpoint';
  label: string;
  /** Run folder, relative to the workspace. */
  run: string;
  step: number;
  checkpoint?: string;
  /** Splits it can play (onnx: from its run's config) or has episodes of (evaluation). */
  splits: string[];
  /** onnx: the export folder's name under the run's onnx/. */
  exportName?: string;
}

export interface SideRate {
  successes: number;
  n: number;
  rate: number;
  stderr: number;
}

export interface PairedSplit {
  split: string;
  splitKind?: EpisodeRecord['splitKind'];
  pairs: number;
  a: SideRate;
  b: SideRate;
  /** rate(a) - rate(b) on the paired episodes, with the paired standard error. */
  difference: number;
  differenceStderr: number;
  /** Discordant pairs: a succeeded where b failed, and the reverse. */
  onlyA: number;
  onlyB: number;
  /** Exact two-sided McNemar test (binomial on the discordant pairs, p = 1/2). */
  mcnemarP: number;
}

export interface Divergence {
  /** First turn whose text differs (prompt or output), or the first turn one side lacks. */
  turn: number;
  field: 'prompt' | 'output' | 'missing';
  /** Offset of the first differing character within that field. */
  offset: number;
}

export interface EpisodePair {
  split: string;
  seed: number;
  episode: number;
  a: OwnEpisode;
  b: OwnEpisode;
  outcomeDiffers: boolean;
  divergence: Divergence | undefined;
}

export interface Comparison {
  splits: PairedSplit[];
  pairs: EpisodePair[];
  /** Episodes only one side has (different splits, seeds or episode counts); `differs`: both
   * sides have the split and seed, but as other episodes (another environment variant, hand or
   * route: two configs can name their splits alike), left unpaired. */
  unmatched: { side: 'a' | 'b'; split: string; seed: number; differs?: true }[];
}

function sideRate(successes: number, n: number): SideRate {
  const rate = n ? successes / n : 0;
  return { successes, n, rate, stderr: n ? Math.sqrt((rate * (1 - rate)) / n) : 0 };
}

/** log(exp(x) + exp(y)) without overflow. */
function logAdd(x: number, y: number): number {
  if (x === -Infinity) return y;
  const high = Math.max(x, y);
  return high + Math.log1p(Math.exp(Math.min(x, y) - high));
}

/** Exact two-sided McNemar p-value: 2 * P(X <= min(b, c)) for X ~ Binomial(b + c, 1/2), capped at 1. */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let logChoose = 0; // log C(n, 0)
  let logTail = -Infinity;
  for (let i = 0; i <= k; i++) {
    logTail = logAdd(logTail, logChoose);
    logChoose += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, 2 * Math.exp(logTail - n * Math.LN2));
}

function commonPrefix(x: string, y: string): number {
  const limit = Math.min(x.length, y.length);
  let i = 0;
  while (i < limit && x.charCodeAt(i) === y.charCodeAt(i)) i++;
  return i;
}

/** Where two episodes' transcripts first differ; undefined when they are the same. */
export function firstDivergence(a: OwnEpisode, b: OwnEpisode): Divergence | undefined {
  const turns = Math.max(a.turns.length, b.turns.length);
  for (let t = 0; t < turns; t++) {
    const x = a.turns[t];
    const y = b.turns[t];
    if (!x || !y) return { turn: t, field: 'missing', offset: 0 };
    const promptX = x.prompt ?? x.promptDelta ?? '';
    const promptY = y.prompt ?? y.promptDelta ?? '';
    if (promptX !== promptY) return { turn: t, field: 'prompt', offset: commonPrefix(promptX, promptY) };
    if (x.output !== y.output) return { turn: t, field: 'output', offset: commonPrefix(x.output, y.output) };
  }
  return undefined;
}

const key = (r: OwnEpisode) => `${r.split}\u0000${r.seed}`;

/** What an episode starts from: its environment variant and its hand (GeneralPoints) or route
 * (V-IRL); not where it ended. */
function start(r: OwnEpisode): string {
  const s = r.state;
  const begins = s === undefined ? null : 'routeId' in s ? { routeId: s.routeId, city: s.city } : { cards: s.cards, suits: s.suits, values: s.values };
  return canonicalJson({ environment: r.environment, begins });
}

/** Pairs the episodes of two evaluations by split and seed, when they are one episode (start),
 * and summarises each split. */
export function compareEpisodes(a: readonly OwnEpisode[], b: readonly OwnEpisode[]): Comparison {
  const byKey = new Map(b.map((r) => [key(r), r]));
  const seen = new Set<string>();
  const pairs: EpisodePair[] = [];
  const unmatched: Comparison['unmatched'] = [];
  for (const x of a) {
    const y = byKey.get(key(x));
    if (!y) {
      unmatched.push({ side: 'a', split: x.split, seed: x.seed });
      continue;
    }
    seen.add(key(x));
    if (start(x) !== start(y)) {
      unmatched.push({ side: 'a', split: x.split, seed: x.seed, differs: true }, { side: 'b', split: y.split, seed: y.seed, differs: true });
      continue;
    }
    pairs.push({ split: x.split, seed: x.seed, episode: x.episode, a: x, b: y, outcomeDiffers: x.success !== y.success, divergence: firstDivergence(x, y) });
  }
  for (const y of b) if (!seen.has(key(y))) unmatched.push({ side: 'b', split: y.split, seed: y.seed });
  const splitNames = [...new Set(pairs.map((p) => p.split))];
  const splits = splitNames.map((split) => summarizeSplit(split, pairs.filter((p) => p.split === split)));
  return { splits, pairs, unmatched };
}

function summarizeSplit(split: string, pairs: EpisodePair[]): PairedSplit {
  const n = pairs.length;
  const onlyA = pairs.filter((p) => p.a.success && !p.b.success).length;
  const onlyB = pairs.filter((p) => !p.a.success && p.b.success).length;
  const a = sideRate(pairs.filter((p) => p.a.success).length, n);
  const b = sideRate(pairs.filter((p) => p.b.success).length, n);
  const difference = a.rate - b.rate;
  // Each pair contributes d in {-1, 0, 1}; the SE of the mean of d.
  const meanSquare = (onlyA + onlyB) / Math.max(1, n);
  const differenceStderr = n > 0 ? Math.sqrt(Math.max(0, meanSquare - difference * difference) / n) : 0;
  return { split, splitKind: pairs[0]?.a.splitKind, pairs: n, a, b, difference, differenceStderr, onlyA, onlyB, mcnemarP: mcnemarExact(onlyA, onlyB) };
}
