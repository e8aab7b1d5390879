// The transcript viewer's data: queries over an episodes file, the rows, facets, failure
// summaries and index progress that answer them. Shared by the index (worker), the host and
// the webview (through src/protocol/transcripts.ts).

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
  /** Episode seeds (a GRPO group's, an evaluation seed through training). */
  seeds?: number[];
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
  /** 1-based line of episodes.jsonl (of `file`, for a source of several files). */
  line: number;
  /** The file the episode is in, relative to the folder opened: set for other trainers' dumps. */
  file?: string;
  step: number;
  split: string;
  splitKind?: string;
  task: string;
  checkpoint?: string;
  episode: number;
  /** -1: none recorded (another trainer's episode). */
  seed: number;
  turns: number;
  /** Undefined: another trainer's episode whose reward its files do not tell. */
  totalReward?: number;
  /** Undefined: no outcome recorded (another trainer's episode: only its reward). */
  success?: boolean;
  failureMode?: string;
  /** A one-line excerpt: around the text searched for, else of the last output. */
  snippet: string;
  /** Where the snippet's match is (turn 1-based); absent: the snippet is the last output. */
  match?: { turn: number; field: 'output' | 'verifier message' | 'prompt' };
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
  /** Episodes without an outcome (another trainer's: only rewards). */
  unknown: number;
  modes: { mode: string; count: number; examples: { row: number; episode: number; seed: number }[] }[];
}

export interface IndexProgress {
  bytes: number;
  size: number;
  episodes: number;
  skipped: number;
  /** "line 12: not JSON (a torn or garbage line)", the first few. */
  skippedExamples: string[];
  /** What reading another trainer's files could not tell (which TRL columns are rewards). */
  notes?: string[];
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

/** One turn's tokens, decoded: every array has `tokens` entries. */
export interface TurnTokens {
  turn: number;
  /** The update that trained on the turn. */
  update?: number;
  tokens: number;
  ids: number[];
  /** Where each token's text ends in the turn's output (UTF-16 code units). */
  textEnds: number[];
  sampling: number[];
  training: number[];
  entropy: number[];
  ratio: number[];
  weight: number[];
  advantage: number;
  value: number | null;
  return: number;
  reward: number;
  clip?: number;
}

/** An episode's per-token records, and the lines of it that could not be read. */
export interface EpisodeTokens {
  turns: TurnTokens[];
  problems: string[];
}
