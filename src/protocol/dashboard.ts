// The whole host <-> dashboard webview contract. Imported by both sides.
import type { MetricBatch, RunInfo } from '../core/dashboard/model';

export type ToDashboard =
  /** Every run folder's manifest summary (small; sent whole on each change). */
  | { type: 'runs/set'; runs: RunInfo[] }
  /** New records of one run's metrics.jsonl, as columns; `reset`: forget earlier ones (file replaced, or a rewind). */
  | { type: 'records/append'; folder: string; reset: boolean; batch: MetricBatch; skippedLines: number[]; pendingLine: boolean }
  /** Show these runs (ptlab.openDashboard called with run folders), with a metric and a marked step (an alert's point). */
  | { type: 'focus'; folders: string[]; metric?: string; mark?: DashboardMark }
  /** The settings the dashboard reads (ptlab.mismatchKlWarning). */
  | { type: 'settings'; mismatchKlWarning: number };

export type FromDashboard =
  | { type: 'ready' }
  | { type: 'runs/refresh' }
  | { type: 'open/transcripts'; folder: string; step: number; split: string }
  /** Save what is shown: PNG as a data: URL, CSV as text. */
  | { type: 'export'; format: 'png' | 'csv'; fileName: string; data: string };

export const DASHBOARD_VIEW_TYPE = 'ptlab.dashboard';

/** A step marked on the curves of the first focused run (an alert: where it fired). */
export interface DashboardMark {
  step: number;
  label: string;
}
