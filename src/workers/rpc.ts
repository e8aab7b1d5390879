// The one convention between a worker thread and its client: requests answered by id (with
// optional progress and cancellation), and events the worker pushes on its own. Each worker
// declares its API as a type; `WorkerClient` and `serveWorker` are typed by it, so both sides
// agree at compile time. Every worker entry is src/workers/<name>.worker.ts, built into
// dist/workers/<name>.js (scripts/build.mjs), shipped (.vscodeignore) and checked in the VSIX
// (test/runner/vsix.ts) by that one folder listing.
import { join } from 'node:path';
import { parentPort, Worker, type MessagePort } from 'node:worker_threads';

/** A worker's requests: method -> its params, its result, and what it reports while it runs. */
export type RequestMap = Record<string, { params: unknown; result: unknown; progress?: unknown }>;
/** A worker's events: name -> payload. */
export type EventMap = Record<string, unknown>;
/** An event as a listener gets it: checking `name` narrows `value`. */
export type EventArgs<E extends EventMap> = { [K in keyof E & string]: [name: K, value: E[K]] }[keyof E & string];

type Wire =
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'cancel'; id: number }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: string }
  | { kind: 'progress'; id: number; value: unknown }
  | { kind: 'event'; name: string; value: unknown };

/** The built worker `name` (src/workers/<name>.worker.ts), next to the bundle that asks: the
 * extension host and the CLI are both bundled into dist/. */
export function workerFile(name: string, bundleDir = __dirname): string {
  return join(bundleDir, 'workers', `${name}.js`);
}

export interface RequestOptions<P> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: unknown) => void;
  /** Removes the request's abort listener from the caller's signal, which may outlive it. */
  detach(): void;
}

export class WorkerClient<R extends RequestMap, E extends EventMap = Record<never, never>> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private ended: Error | undefined;
  private readonly onStop: ((error: Error) => void) | undefined;

  constructor(
    file: string,
    options: {
      workerData?: unknown;
      onEvent?: (...[name, value]: EventArgs<E>) => void;
      /** Called once when the worker stops (crash, exit or dispose), with what requests fail with. */
      onStop?: (error: Error) => void;
      /** Let the process exit while the worker idles (a long-lived helper, not a job). */
      unref?: boolean;
      /** What a request fails with once the worker is gone (its name, for the user). */
      name?: string;
    } = {},
  ) {
    const name = options.name ?? file;
    this.worker = new Worker(file, { workerData: options.workerData });
    if (options.unref) this.worker.unref();
    this.worker.on('message', (message: Wire) => {
      if (message.kind === 'event') options.onEvent?.(...([message.name, message.value] as EventArgs<E>));
      else if (message.kind === 'progress') this.pending.get(message.id)?.onProgress?.(message.value);
      else if (message.kind === 'result') this.settle(message);
    });
    this.onStop = options.onStop;
    this.worker.on('error', (err) => this.end(new Error(`${name} failed: ${err.message}`)));
    this.worker.on('exit', (code) => this.end(new Error(`${name} exited (code ${code})`)));
  }

  /** Whether the worker has stopped (crashed, exited or disposed): a new client is needed. */
  get stopped(): boolean {
    return this.ended !== undefined;
  }

  request<M extends keyof R & string>(method: M, params: R[M]['params'], options: RequestOptions<R[M]['progress']> = {}): Promise<R[M]['result']> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const { signal } = options;
      const cancel = () => this.post({ kind: 'cancel', id });
      const detach = () => signal?.removeEventListener('abort', cancel);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: options.onProgress as ((p: unknown) => void) | undefined, detach });
      signal?.addEventListener('abort', cancel, { once: true });
      this.post({ kind: 'request', id, method, params });
    });
  }

  /** Stops the worker; requests still waiting fail with `reason`. */
  async dispose(reason = 'the worker was stopped'): Promise<void> {
    this.end(new Error(reason));
    await this.worker.terminate();
  }

  private post(message: Wire): void {
    if (!this.ended) this.worker.postMessage(message);
  }

  private settle(message: Extract<Wire, { kind: 'result' }>): void {
    const waiting = this.pending.get(message.id);
    this.pending.delete(message.id);
    waiting?.detach();
    if (message.ok) waiting?.resolve(message.value);
    else waiting?.reject(new Error(message.error));
  }

  private end(error: Error): void {
    if (this.ended) return;
    this.ended = error;
    this.onStop?.(error);
    for (const waiting of this.pending.values()) {
      waiting.detach();
      waiting.reject(error);
    }
    this.pending.clear();
  }
}

/** What a handler gets besides its params: the request's cancellation and a progress report. */
export interface RequestContext<P> {
  signal: AbortSignal;
  progress(value: P): void;
}

export type Handlers<R extends RequestMap> = {
  [M in keyof R]: (params: R[M]['params'], context: RequestContext<R[M]['progress']>) => R[M]['result'] | Promise<R[M]['result']>;
};

/** The worker's side: answer each request with its handler (concurrently; a handler that
 * must run one at a time queues itself), and return `emit` for events. */
export function serveWorker<R extends RequestMap, E extends EventMap = Record<never, never>>(
  handlers: Handlers<R>,
  port: MessagePort | null = parentPort,
): { emit<K extends keyof E & string>(name: K, value: E[K]): void } {
  if (!port) throw new Error('a worker module must run in a worker thread');
  const running = new Map<number, AbortController>();
  const post = (message: Wire) => port.postMessage(message);
  port.on('message', (message: Wire) => {
    if (message.kind === 'cancel') {
      running.get(message.id)?.abort();
      return;
    }
    if (message.kind !== 'request') return;
    const { id, method, params } = message;
    const abort = new AbortController();
    running.set(id, abort);
    const handler = handlers[method as keyof R];
    const context: RequestContext<unknown> = { signal: abort.signal, progress: (value) => post({ kind: 'progress', id, value }) };
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown request "${method}"`);
        return handler(params as never, context as never);
      })
      .then(
        (value) => post({ kind: 'result', id, ok: true, value }),
        (err: unknown) => post({ kind: 'result', id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => running.delete(id));
  });
  return { emit: (name, value) => post({ kind: 'event', name, value }) };
}
