// The whole host <-> transcripts webview contract. Imported by both sides, and by the
// worker that indexes the episodes file. Every string here may come from a model or a file:
// the webview shows them as text only.
import type { EpisodeRecord } from '../core/contracts.generated';
import type { RouteMapView } from './preview';

export const TRANSCRIPTS_VIEW_TYPE = 'ptlab.transcripts';

export type SortKey = 'file' | 'step' | 'reward' | 'turns' | 'seed' | 'episode';

export interface TranscriptQuery {
  /** Split kinds; 'ood' stands for both rule-ood and visual-ood. */
  splitKinds?: string[];
  /** Split names (the variants: train, id, ood-rule, ...). */
  splits?: string[];
  tasks?: string[];
  success?: boolean;
  failureModes?: string[];
  checkpoints?: string[];
  stepMin?: number;
  stepMax?: number;
  rewardMin?: number;
  rewardMax?: number;
  /** Full text over prompts, outputs and verifier messages, any case. */
  text?: string;
  sort?: { key: SortKey; descending?: boolean };
}

/** One episode in the list (from the index, plus an excerpt read from the file). */
export interface EpisodeRow {
  /** Position in the index (file order), the handle for the detail. */
  row: number;
  /** 1-based line of episodes.jsonl. */
  line: number;
  step: number;
  split: string;
  splitKind?: string;
  task: string;
  checkpoint?: string;
  episode: number;
  seed: number;
  turns: number;
  totalReward: number;
  success: boolean;
  failureMode?: string;
  snippet: string;
}

export interface TranscriptFacets {
  splits: string[];
  splitKinds: string[];
  tasks: string[];
  checkpoints: string[];
  failureModes: string[];
  stepMin?: number;
  stepMax?: number;
}

export interface FailureGroup {
  split: string;
  splitKind?: string;
  step: number;
  episodes: number;
  failures: number;
  modes: { mode: string; count: number; examples: { row: number; episode: number; seed: number }[] }[];
}

export interface IndexProgress {
  bytes: number;
  size: number;
  episodes: number;
  skipped: number;
  /** "line 12: not JSON (a torn or garbage line)", the first few. */
  skippedExamples: string[];
  done: boolean;
}

/** The answer to a query: how many rows match and the requested window of them. */
export interface QueryResult {
  generation: number;
  total: number;
  start: number;
  rows: EpisodeRow[];
  /** The index was still being built: more rows may come. */
  partial: boolean;
  /** A text search still scanning the file (fraction done), or undefined. */
  searching?: number;
}

/** Turn i of the detail: where the agent stood and what attempts remained after it. */
export interface TurnContext {
  attempt: number;
  attemptsLeft: number;
  /** V-IRL: rail position (0-based) the turn answered at. */
  position?: number;
}

export interface EpisodeDetail {
  row: number;
  line: number;
  record: EpisodeRecord;
  raw: string;
  turns: TurnContext[];
  maxVerify: number;
  /** A webview URI of the record's own image (inside the run folder), or an SVG data URI drawn from the hand. */
  image?: { src: string; caption: string };
  /** Webview URIs of the turns' own images (V-IRL: the grid at each new position), by turn. */
  turnImages: (string | undefined)[];
  /** V-IRL: the route with the positions the agent reached. */
  route?: RouteMapView;
  routeNote?: string;
}

export interface TranscriptsView {
  title: string;
  file: string;
  /** The episodes file's absolute path: the webview keeps it so a reloaded window reopens it. */
  fsPath: string;
  query: TranscriptQuery;
}

/** What the webview keeps with setState (and VS Code hands back when it restores the panel). */
export interface TranscriptsState {
  fsPath?: string;
  query: TranscriptQuery;
}

export type ToTranscripts =
  | { type: 'open'; view: TranscriptsView }
  | { type: 'progress'; progress: IndexProgress; facets: TranscriptFacets }
  | { type: 'rows'; result: QueryResult }
  | { type: 'summary'; groups: FailureGroup[] }
  | { type: 'detail'; detail: EpisodeDetail }
  | { type: 'error'; message: string };

export type FromTranscripts =
  | { type: 'ready' }
  | { type: 'query'; query: TranscriptQuery; generation: number; start: number; count: number }
  | { type: 'window'; generation: number; start: number; count: number }
  | { type: 'summary' }
  | { type: 'detail'; row: number };

/** What `ptlab.openTranscripts` answers (scripts, tests): the file and the first page shown. */
export interface TranscriptsShown {
  file: string;
  total: number;
  skipped: number;
  rows: EpisodeRow[];
}
