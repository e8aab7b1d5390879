// activate(): one register call per feature, nothing else.
import type * as vscode from 'vscode';
import { ComparePanel } from './features/compare/comparePanel';
import { DashboardPanel } from './features/dashboard/dashboardPanel';
import { PreviewPanel } from './features/preview/previewPanel';
import { TranscriptsPanel } from './features/transcripts/transcriptsPanel';
// --- jobs, runs view, config editing (issue 5) ---
import { ConfigEditing } from './features/config/configEditing';
import { registerNewExperiment } from './features/config/newExperiment';
import { JobManager } from './features/jobs/jobManager';
import { PtlabTaskProvider } from './features/jobs/tasks';
import { disposeLog } from './features/log';
import { RunsView } from './features/runs/runsView';
import { hostTimings, recordActivation } from './features/timing';
// --- end issue 5 ---

export function activate(context: vscode.ExtensionContext) {
  const started = performance.now();
  DashboardPanel.register(context);
  PreviewPanel.register(context);
  ComparePanel.register(context);
  TranscriptsPanel.register(context);
  // --- jobs, runs view, config editing (issue 5) ---
  ConfigEditing.register(context);
  registerNewExperiment(context);
  PtlabTaskProvider.register(context);
  JobManager.register(context);
  RunsView.register(context);
  context.subscriptions.push({ dispose: disposeLog });
  recordActivation(started);
  // --- end issue 5 ---
  /** For tests and other extensions: the Runs view's data and the host timings. */
  return { runs: () => RunsView.snapshot(), timings: hostTimings };
}

export function deactivate(): void {}
