// What the transcript viewer's per-token heatmap shows (pure: the webview draws it): the
// measures a turn's tokens can be colored by, one color scale per measure over the whole
// episode (so turns compare), each token's text piece, and the sampling vs training diff.
import type { TurnTokens } from './types';

export type TokenMeasure = 'sampling' | 'training' | 'diff' | 'entropy' | 'ratio' | 'advantage' | 'value' | 'weight';

type ScaleKind = 'logprob' | 'positive' | 'diverging' | 'ratio';

export const TOKEN_MEASURES: readonly { id: TokenMeasure; label: string; kind: ScaleKind; help: string }[] = [
  { id: 'sampling', label: 'sampling log-prob', kind: 'logprob', help: "each token's log-prob under the distribution the rollout sampled it from" },
  { id: 'training', label: 'training log-prob', kind: 'logprob', help: "each token's log-prob under the training forward with the rollout's weights" },
  { id: 'diff', label: 'training − sampling', kind: 'diverging', help: 'how far the training forward is from the sampler, token by token (0 when they agree)' },
  { id: 'entropy', label: 'entropy', kind: 'positive', help: "the entropy (nats) of the training forward's next-token distribution" },
  { id: 'ratio', label: 'ratio', kind: 'ratio', help: "the probability ratio to the old policy in the update's last epoch" },
  { id: 'advantage', label: 'advantage', kind: 'diverging', help: "the turn's advantage in the update (one per turn)" },
  { id: 'value', label: 'value', kind: 'diverging', help: "the value head's estimate at the turn's prompt (one per turn)" },
  { id: 'weight', label: 'weight', kind: 'positive', help: "the token's weight in the turn's log-prob (thought tokens weigh ppo.thoughtWeight)" },
];

/** The measure's value at each of a turn's tokens (NaN where there is none: no value head). */
export function measureValues(turn: TurnTokens, measure: TokenMeasure): number[] {
  switch (measure) {
    case 'diff':
      return turn.training.map((t, i) => t - turn.sampling[i]!);
    case 'advantage':
      return new Array<number>(turn.tokens).fill(turn.advantage);
    case 'value':
      return new Array<number>(turn.tokens).fill(turn.value ?? Number.NaN);
    default:
      return turn[measure];
  }
}

export interface TokenScale {
  measure: TokenMeasure;
  kind: ScaleKind;
  /** The domain the colors span: [lowest, highest]. */
  low: number;
  high: number;
  /** The ratio's clip range, when the records give it. */
  clip?: number;
}

/** One scale for the measure over every turn of the episode. */
export function tokenScale(turns: readonly TurnTokens[], measure: TokenMeasure): TokenScale {
  const kind = TOKEN_MEASURES.find((m) => m.id === measure)!.kind;
  let low = Infinity;
  let high = -Infinity;
  let largest = 0;
  for (const turn of turns) {
    for (const v of measureValues(turn, measure)) {
      if (!Number.isFinite(v)) continue;
      low = Math.min(low, v);
      high = Math.max(high, v);
      largest = Math.max(largest, Math.abs(kind === 'ratio' ? Math.log(v) : v));
    }
  }
  if (low === Infinity) return { measure, kind, low: 0, high: 0 };
  const clip = turns.find((t) => t.clip !== undefined)?.clip;
  switch (kind) {
    case 'logprob':
      return { measure, kind, low: Math.min(low, 0), high: 0 };
    case 'positive':
      return { measure, kind, low: 0, high: Math.max(high, 0) };
    case 'diverging':
      return { measure, kind, low: -largest, high: largest };
    case 'ratio': {
      const span = Math.exp(Math.max(largest, clip ? Math.log1p(clip) : 0));
      return { measure, kind, low: 1 / span, high: span, ...(clip !== undefined ? { clip } : {}) };
    }
  }
}

/** Where a value sits on the scale: -1 (low end of a diverging scale) .. 0 (nothing to see) .. 1 (the strong end). */
export function intensity(scale: TokenScale, v: number): number {
  if (!Number.isFinite(v)) return 0;
  switch (scale.kind) {
    case 'logprob':
      return scale.low < 0 ? Math.max(0, Math.min(1, v / scale.low)) : 0; // improbable tokens stand out
    case 'positive':
      return scale.high > 0 ? Math.min(1, Math.max(0, v / scale.high)) : 0;
    case 'diverging':
      return scale.high > 0 ? Math.max(-1, Math.min(1, v / scale.high)) : 0;
    case 'ratio':
      return v > 0 && scale.high > 1 ? Math.max(-1, Math.min(1, Math.log(v) / Math.log(scale.high))) : 0;
  }
}

/** Whether a token's ratio is beyond the clip range (its gradient was clipped when the advantage pushed it further). */
export function beyondClip(ratio: number, clip: number | undefined): boolean {
  return clip !== undefined && (ratio > 1 + clip || ratio < 1 - clip);
}

/** Each token's piece of the turn's output, or why the offsets do not fit the output. */
export function tokenPieces(output: string, turn: TurnTokens): string[] | string {
  const ends = turn.textEnds;
  if (ends.length !== turn.tokens) return `${ends.length} text offsets for ${turn.tokens} tokens`;
  let start = 0;
  const pieces: string[] = [];
  for (const end of ends) {
    if (end < start || end > output.length) return `the token offsets (up to ${ends.at(-1)}) do not fit the turn's output (${output.length} characters): the records belong to another run`;
    pieces.push(output.slice(start, end));
    start = end;
  }
  if (start !== output.length) return `the tokens cover ${start} of the output's ${output.length} characters`;
  return pieces;
}

/** The gap between the sampler and the training forward over the episode's recorded tokens. */
export interface SamplingGap {
  tokens: number;
  meanAbs: number;
  maxAbs: number;
  /** Where the largest gap is. */
  at?: { turn: number; token: number };
}

export function samplingGap(turns: readonly TurnTokens[]): SamplingGap {
  let sum = 0;
  let count = 0;
  let max = -1;
  let at: SamplingGap['at'];
  for (const turn of turns) {
    measureValues(turn, 'diff').forEach((d, i) => {
      const abs = Math.abs(d);
      if (!Number.isFinite(abs)) return;
      sum += abs;
      count++;
      if (abs > max) {
        max = abs;
        at = { turn: turn.turn, token: i };
      }
    });
  }
  return count ? { tokens: count, meanAbs: sum / count, maxAbs: max, ...(at ? { at } : {}) } : { tokens: 0, meanAbs: 0, maxAbs: 0 };
}

/** A number for the readout: small ones in exponent form (a 1e-7 gap is not 0.000). */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(1);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3);
}
