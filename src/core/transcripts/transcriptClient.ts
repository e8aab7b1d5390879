// The extension host's side of the transcript worker: one Worker per open episodes file,
// requests answered by id, index progress as events.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { IndexProgress, TranscriptFacets } from './types';
import type { WorkerAnswers, WorkerMessage, WorkerRequest } from './workerProtocol';

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class TranscriptClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  progress: IndexProgress | undefined;
  facets: TranscriptFacets | undefined;
  private readonly firstProgress: Promise<IndexProgress>;
  private readonly finished: Promise<IndexProgress>;

  constructor(
    readonly path: string,
    listener: (message: Extract<WorkerMessage, { event: string }>) => void = () => undefined,
    workerFile = join(__dirname, 'transcriptWorker.js'),
  ) {
    this.worker = new Worker(workerFile, { workerData: { path } });
    let first: (p: IndexProgress) => void;
    let done: (p: IndexProgress) => void;
    let failed: (e: Error) => void;
    this.firstProgress = new Promise((resolve) => (first = resolve));
    this.finished = new Promise((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    this.finished.catch(() => undefined);
    this.worker.on('message', (message: WorkerMessage) => {
      if ('event' in message) {
        if (message.event === 'progress') {
          this.progress = message.progress;
          this.facets = message.facets;
          first(message.progress);
          if (message.progress.done) done(message.progress);
        } else if (message.event === 'failed') {
          const error = new Error(`cannot read ${path}: ${message.error}`);
          failed(error);
          for (const p of this.pending.values()) p.reject(error);
        }
        listener(message);
        return;
      }
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(message.error));
    });
    this.worker.on('error', (err) => failed(err));
  }

  /** Resolves after the first chunk is indexed (or the file failed to open). */
  started(): Promise<IndexProgress> {
    return Promise.race([this.firstProgress, this.finished]);
  }

  indexed(): Promise<IndexProgress> {
    return this.finished;
  }

  request<K extends Request['kind']>(request: Extract<Request, { kind: K }>): Promise<WorkerAnswers[K]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  dispose(): Promise<number> {
    for (const p of this.pending.values()) p.reject(new Error('the transcript viewer closed'));
    this.pending.clear();
    return this.worker.terminate();
  }
}
