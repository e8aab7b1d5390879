// The whole host <-> transcripts webview contract. Imported by both sides, and by the
// worker that indexes the episodes file. Every string here may come from a model or a file:
// the webview shows them as text only.
import type { EpisodeRecord } from '../core/contracts/generated/types';
import type { RouteMapView } from '../core/envs/views';
import type { EpisodeGroup, SeedHistory } from '../core/transcripts/related';
import type { EpisodeRow, EpisodeTokens, FailureGroup, IndexProgress, QueryResult, TranscriptFacets, TranscriptQuery, TurnContext } from '../core/transcripts/types';
export type { SortKey, TranscriptQuery, EpisodeRow, TranscriptFacets, FailureGroup, IndexProgress, QueryResult, TurnContext, EpisodeTokens, TurnTokens } from '../core/transcripts/types';

export type { EpisodeGroup, GroupMember, HistoryPoint, SeedHistory } from '../core/transcripts/related';

export const TRANSCRIPTS_VIEW_TYPE = 'ptlab.transcripts';

export interface EpisodeDetail {
  row: number;
  line: number;
  /** The file the line is in, relative to the folder opened: set for other trainers' dumps. */
  file?: string;
  record: EpisodeRecord;
  /** The line as the file holds it (a TRL parquet row: the record converted from it). */
  raw: string;
  turns: TurnContext[];
  maxVerify: number;
  /** A webview URI of the record's own image (inside the run folder), or a data URI drawn from
   * the record: an SVG of the hand, a PNG of the first street-view grid (posted once drawn). */
  image?: { src: string; caption: string };
  /** Webview URIs of the turns' own images (V-IRL: the grid at each new position), by turn; or
   * (V-IRL-VL records that name none) PNG data URIs of the grids drawn from the record. */
  turnImages: (string | undefined)[];
  /** Why observation images are missing, or that they are being drawn. */
  imageNote?: string;
  /** V-IRL: the route with the positions the agent reached. */
  route?: RouteMapView;
  routeNote?: string;
  /** Per-token records of the episode's turns (a PPO run's tokens.jsonl), when it has any. */
  tokens?: EpisodeTokens;
  /** A rollout episode's GRPO group: the episodes of its update that shared its seed. */
  group?: EpisodeGroup;
  /** An evaluation episode's seed at every evaluated step. */
  history?: SeedHistory;
}

export interface TranscriptsView {
  title: string;
  file: string;
  /** The episodes file's (or dump folder's) absolute path: the webview keeps it so a reloaded window reopens it. */
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
  /** The detail's images so far, as the street-view grids drawn from the record arrive. */
  | { type: 'detail/images'; row: number; image?: EpisodeDetail['image']; turnImages: EpisodeDetail['turnImages']; imageNote?: string }
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
