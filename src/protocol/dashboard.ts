// The whole host <-> dashboard webview contract. Imported by both sides.
import type { RunInfo } from '../core/dashboard/model';
import type { DashboardMark, DashboardView, ViewRequest } from '../core/dashboard/view';

export type { DashboardMark } from '../core/dashboard/view';

export type ToDashboard =
  /** Every run folder's manifest summary (small; sent whole on each change). */
  | { type: 'runs/set'; runs: RunInfo[] }
  /** A shown run's records changed (the metrics worker read more of its file): ask for the view again. */
  | { type: 'runs/changed'; folder: string }
  /** The figures for the webview's request `id` (computed in the metrics worker). */
  | { type: 'view'; id: number; view: DashboardView }
  /** The view for request `id` could not be computed (the metrics worker failed): why. */
  | { type: 'view/failed'; id: number; message: string }
  /** Show these runs (ptlab.openDashboard called with run folders), with a metric and a marked step (an alert's point). */
  | { type: 'focus'; folders: string[]; metric?: string; mark?: DashboardMark }
  /** The settings the dashboard reads (ptlab.mismatchKlWarning). */
  | { type: 'settings'; mismatchKlWarning: number };

export type FromDashboard =
  | { type: 'ready' }
  | { type: 'runs/refresh' }
  /** What the webview shows now; answered by a `view` (or `view/failed`) message with this id. */
  | { type: 'view'; id: number; request: ViewRequest }
  | { type: 'open/transcripts'; folder: string; step: number; split: string }
  /** Save what is shown: PNG as a data: URL; CSV of `request`, written by the metrics worker at full resolution. */
  | { type: 'export'; format: 'png'; fileName: string; data: string }
  | { type: 'export'; format: 'csv'; fileName: string; request: ViewRequest };

export const DASHBOARD_VIEW_TYPE = 'ptlab.dashboard';
