// The whole host <-> compare webview contract. Imported by both sides.
import type { CompareSource, Comparison, Divergence, PairedSplit } from '../core/compare/compare';
import type { OwnEpisode, OwnTurn } from '../core/contracts/contracts';
export type { CompareSource } from '../core/compare/compare';

export interface PairRow {
  split: string;
  seed: number;
  episode: number;
  successA: boolean;
  successB: boolean;
  rewardA: number;
  rewardB: number;
  turnsA: number;
  turnsB: number;
  divergence: Divergence | undefined;
}

export interface ComparisonView {
  a: CompareSource;
  b: CompareSource;
  splits: PairedSplit[];
  rows: PairRow[];
  unmatched: Comparison['unmatched'];
  /** What could not be read of the evaluations' episodes.jsonl (lineProblems): the episodes left out, by file and line. */
  problems: string[];
  /** Generation speed of local runs, per side. */
  tokensPerSecond?: { a?: number; b?: number };
}

export type ToCompare =
  | { type: 'sources/set'; sources: CompareSource[]; selected?: { a?: string; b?: string } }
  | { type: 'compare/progress'; message: string; fraction: number }
  | { type: 'compare/result'; view: ComparisonView }
  | { type: 'compare/error'; message: string }
  | { type: 'pair/show'; split: string; seed: number; a: OwnEpisode; b: OwnEpisode; divergence: Divergence | undefined }
  | { type: 'play/state'; state: PlayState }
  | { type: 'play/proposal'; text: string; tokens: number; tokensPerSecond: number }
  | { type: 'play/error'; message: string };

/** An episode played by hand with a checkpoint proposing each answer. */
export interface PlayState {
  source: string;
  split: string;
  seed: number;
  turns: OwnTurn[];
  /** What the model is shown next: the whole prompt (a new chat) or what the turn appends. */
  next: { prompt: string } | { promptDelta: string } | undefined;
  done: boolean;
  success: boolean;
  totalReward: number;
  /** Sampled decoding: whose random draws the next proposal takes (the evaluation's for this episode and attempt). */
  draws?: string;
}

export type FromCompare =
  | { type: 'ready' }
  | { type: 'sources/refresh' }
  | { type: 'compare/run'; a: string; b: string; episodes: number | undefined; splits: string[] | undefined }
  | { type: 'compare/cancel' }
  | { type: 'pair/open'; split: string; seed: number }
  | { type: 'play/start'; source: string; split: string; episode: number }
  | { type: 'play/generate' }
  | { type: 'play/submit'; answer: string };

export const COMPARE_VIEW_TYPE = 'ptlab.compare';
