// The extension host's side of the metrics worker: one worker, started on first use.
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { JobProgress } from '../../core/runs/metricsTail';
import type { FromMetricsWorker, ToMetricsWorker } from '../../protocol/metricsWorker';
import { log } from '../log';

export class MetricsReader implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (p: JobProgress | undefined) => void }>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** The progress in `file` (a metrics.jsonl), reading only what was appended since the last call. */
  read(file: string): Promise<JobProgress | undefined> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, { resolve });
      const message: ToMetricsWorker = { type: 'metrics/read', id, file };
      worker.postMessage(message);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(vscode.Uri.joinPath(this.extensionUri, 'dist', 'jobsMetricsWorker.js').fsPath);
    worker.on('message', (message: FromMetricsWorker) => {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.type === 'metrics/error') {
        if (!/ENOENT/.test(message.message)) log().warn(`metrics worker: ${message.file}: ${message.message}`);
        waiter?.resolve(undefined);
      } else {
        if (message.progress.skippedLines > 0) log().debug(`${message.file}: ${message.progress.skippedLines} line(s) skipped`);
        waiter?.resolve(message.progress);
      }
    });
    worker.on('error', (err) => log().error(`metrics worker failed: ${err.message}`));
    worker.on('exit', () => {
      this.worker = undefined;
      for (const w of this.waiting.values()) w.resolve(undefined);
      this.waiting.clear();
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
