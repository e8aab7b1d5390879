// The transcript viewer's worker (transcripts.worker.ts): what it answers and reports, and the
// extension host's client. One worker per open episodes source (our episodes.jsonl, or another
// trainer's dump folder: src/core/transcripts/episodeSources.ts), indexing it off the host.
import type { EpisodeRecord } from '../core/contracts/generated/types';
import type { EpisodeGroup, SeedHistory } from '../core/transcripts/related';
import type { EpisodeTokens, FailureGroup, IndexProgress, QueryResult, TranscriptFacets, TranscriptQuery } from '../core/transcripts/types';
import { WorkerClient, workerFile, type EventArgs } from './rpc';

export type TranscriptRequests = {
  query: { params: { query: TranscriptQuery; start: number; count: number }; result: QueryResult };
  window: { params: { generation: number; start: number; count: number }; result: QueryResult };
  summary: { params: Record<string, never>; result: FailureGroup[] };
  record: { params: { row: number }; result: { raw: string; line: number; file?: string; record: EpisodeRecord | string } };
  /** An episode's per-token records (our runs' tokens.jsonl); undefined when the source has none. */
  tokens: { params: { step: number; split: string; episode: number }; result: EpisodeTokens | undefined };
  /** A rollout episode's GRPO group (same step and seed), an evaluation episode's seed at every evaluated step. */
  related: { params: { row: number }; result: { group?: EpisodeGroup; history?: SeedHistory } };
};

export type TranscriptEvents = {
  progress: { progress: IndexProgress; facets: TranscriptFacets };
  search: { fraction: number };
  failed: { error: string };
};

/** What the worker is started with. */
export interface TranscriptWorkerData {
  path: string;
  /** ptlab.staleAfterSeconds: a running run whose heartbeat is older has stopped (its torn last line is reported). */
  staleSeconds?: number;
}

export class TranscriptClient {
  private readonly worker: WorkerClient<TranscriptRequests, TranscriptEvents>;
  progress: IndexProgress | undefined;
  facets: TranscriptFacets | undefined;
  private readonly firstProgress: Promise<IndexProgress>;
  private readonly finished: Promise<IndexProgress>;

  constructor(
    readonly path: string,
    listener: (...event: EventArgs<TranscriptEvents>) => void = () => undefined,
    file = workerFile('transcripts'),
    staleSeconds?: number,
  ) {
    let first: (p: IndexProgress) => void;
    let done: (p: IndexProgress) => void;
    let failed: (e: Error) => void;
    this.firstProgress = new Promise((resolve) => (first = resolve));
    this.finished = new Promise((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    this.finished.catch(() => undefined);
    this.worker = new WorkerClient(file, {
      name: 'the transcript worker',
      workerData: { path, staleSeconds } satisfies TranscriptWorkerData,
      onStop: (error) => failed(error),
      onEvent: (...event) => {
        const [name, value] = event;
        if (name === 'progress') {
          this.progress = value.progress;
          this.facets = value.facets;
          first(value.progress);
          if (value.progress.done) done(value.progress);
        } else if (name === 'failed') void this.worker.dispose(`cannot read ${path}: ${value.error}`);
        listener(...event);
      },
    });
  }

  /** Resolves after the first chunk is indexed (or the file failed to open). */
  started(): Promise<IndexProgress> {
    return Promise.race([this.firstProgress, this.finished]);
  }

  indexed(): Promise<IndexProgress> {
    return this.finished;
  }

  request<M extends keyof TranscriptRequests & string>(method: M, params: TranscriptRequests[M]['params']): Promise<TranscriptRequests[M]['result']> {
    return this.worker.request(method, params);
  }

  dispose(): Promise<void> {
    return this.worker.dispose('the transcript viewer closed');
  }
}
