// activate(): one register call per feature, nothing else. The run folders' service is shared:
// the Runs view, the dashboard, the jobs and compare subscribe to it.
import type * as vscode from 'vscode';
import { registerRunTools } from './features/assistant/runTools';
import { ComparePanel } from './features/compare/comparePanel';
import { ConfigEditing } from './features/config/configEditing';
import { registerNewExperiment } from './features/config/newExperiment';
import { DashboardPanel } from './features/dashboard/dashboardPanel';
import { JobManager } from './features/jobs/jobManager';
import { PtlabTaskProvider } from './features/jobs/tasks';
import { disposeLog } from './features/log';
import { PreviewPanel } from './features/preview/previewPanel';
import { RunAlerts } from './features/runs/runAlerts';
import { RunFolders } from './features/runs/runFolders';
import { RunsView } from './features/runs/runsView';
import { hostTimings, recordActivation } from './features/timing';
import { TranscriptsPanel } from './features/transcripts/transcriptsPanel';

export function activate(context: vscode.ExtensionContext) {
  const started = performance.now();
  const runs = RunFolders.register(context);
  const runsSnapshot = RunsView.register(context, runs);
  DashboardPanel.register(context, runs);
  PreviewPanel.register(context);
  ComparePanel.register(context, runs);
  TranscriptsPanel.register(context);
  ConfigEditing.register(context);
  registerNewExperiment(context);
  PtlabTaskProvider.register(context);
  JobManager.register(context, runs);
  registerRunTools(context, runs, RunAlerts.register(context, runs));
  context.subscriptions.push({ dispose: disposeLog });
  recordActivation(started);
  /** For tests and other extensions: the Runs view's data and the host timings. */
  return { runs: runsSnapshot, timings: hostTimings };
}

export function deactivate(): void {}
