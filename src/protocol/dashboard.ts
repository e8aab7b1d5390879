// The whole host <-> dashboard webview contract. Imported by both sides.
import type { RunSummary } from '../core/runs';

export type ToDashboard = { type: 'runs/set'; runs: RunSummary[]; generatedAt: string };

export type FromDashboard = { type: 'ready' } | { type: 'runs/refresh' };

export const DASHBOARD_VIEW_TYPE = 'ptlab.dashboard';
