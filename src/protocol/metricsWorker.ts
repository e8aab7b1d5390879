// Host <-> metrics worker messages: the host names a metrics.jsonl, the worker reads what
// was appended since last time (off the extension host) and answers the job's progress.
import type { JobProgress } from '../core/runs/metricsTail';

export interface ToMetricsWorker {
  type: 'metrics/read';
  id: number;
  file: string;
}

export type FromMetricsWorker =
  | { type: 'metrics/progress'; id: number; file: string; progress: JobProgress; bytes: number; parseMs: number }
  | { type: 'metrics/error'; id: number; file: string; message: string };
