// Alerts on the workspace's runs while they run (src/core/runs/alerts.ts): each rule of the run's
// experiment that fires sends one VS Code notification per run, with a link that opens the
// dashboard on the run, the metric and the step. Runs that ended or stopped beating before this
// window saw them running are not notified about; the assistant's ptlab_runAlerts tool reads any run's alerts.
// The metrics worker reads the files (RunFolders owns it); run.json changes and a timer
// (a stopped heartbeat changes nothing) drive the checks.
import * as vscode from 'vscode';
import { coalesced } from '../../core/coalesce';
import { ALERT_NAMES, alertRules, manifestAlerts, type RunAlert } from '../../core/runs/alerts';
import { runState, type RunFolder } from '../../core/runs/runFolder';
import { debounce } from '../debounce';
import { endedHere, staleSeconds } from './liveness';
import { runName, type RunFolders } from './runFolders';

const CHECK_EVERY_MS = 15_000;

/** An alert as notified: which run, and what the notification said. */
export interface NotifiedAlert extends RunAlert {
  folder: string;
  text: string;
}

export class RunAlerts implements vscode.Disposable {
  /** Runs seen running in this window (folder): they are checked until they end. */
  private readonly watched = new Set<string>();
  /** `folder\u0000rule`: what was notified already. */
  private readonly sent = new Set<string>();
  readonly notified: NotifiedAlert[] = [];
  /** Check the running runs and notify what is new: one pass at a time, and one more after it
   * for the calls that came during it (it may have read the runs before they changed). */
  readonly check = coalesced(() => this.checkRuns());
  private readonly disposables: vscode.Disposable[] = [];

  static register(context: vscode.ExtensionContext, runs: RunFolders): RunAlerts {
    const alerts = new RunAlerts(runs);
    // the command looks at every run now: a run created a moment ago too (file events come late)
    context.subscriptions.push(alerts, vscode.commands.registerCommand('ptlab.checkRunAlerts', () => runs.rescan().then(() => alerts.check()).then(() => alerts.notified)));
    return alerts;
  }

  private constructor(private readonly runs: RunFolders) {
    const soon = debounce(() => void this.check(), 1000);
    const timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    this.disposables.push(runs.onDidChange(soon), { dispose: () => soon.cancel() }, { dispose: () => clearInterval(timer) });
    void this.check();
  }

  /** Every alert a run raises now under its experiment's rules (any run of ours, running or not). */
  async alertsOf(run: RunFolder, nowMs = Date.now()): Promise<RunAlert[]> {
    if (run.source !== 'ptlab' || !run.manifest) return [];
    const config = run.manifest.config;
    const fromMetrics = await this.runs.metrics('alerts', { path: `${run.folder}/${run.metricsFile}`, config });
    return [...fromMetrics, ...manifestAlerts(run.manifest, runState(run.manifest, nowMs, staleSeconds(), endedHere), alertRules(config), nowMs)];
  }

  private async checkRuns(): Promise<void> {
    const now = Date.now();
    for (const run of await this.runs.all()) {
      if (run.source !== 'ptlab' || !run.manifest) continue;
      const state = runState(run.manifest, now, staleSeconds(), endedHere);
      if (state === 'running') this.watched.add(run.folder);
      if (!this.watched.has(run.folder)) continue; // ended (or went stale) before this window saw it run
      if (state !== 'running' && state !== 'stale') this.watched.delete(run.folder); // one last look: a run that failed on a non-finite loss
      let alerts: RunAlert[];
      try {
        alerts = await this.alertsOf(run, now);
      } catch {
        continue; // the worker restarts on the next check
      }
      for (const alert of alerts) this.notify(run, alert);
    }
  }

  private notify(run: RunFolder, alert: RunAlert): void {
    const key = `${run.folder}\u0000${alert.rule}`;
    if (this.sent.has(key)) return;
    this.sent.add(key);
    const name = runName(run.folder);
    const where = alert.step !== undefined ? ` at step ${alert.step}` : '';
    const text = `Post-Training Lab: ${name}: ${ALERT_NAMES[alert.rule]}${where}. ${alert.message}.`;
    this.notified.push({ ...alert, folder: run.folder, text });
    const action = 'Open in Dashboard';
    void vscode.window.showWarningMessage(text, action).then((picked) => {
      if (picked !== action) return;
      const mark = alert.step !== undefined ? { step: alert.step, label: `⚠ ${ALERT_NAMES[alert.rule]} @${alert.step}` } : undefined;
      void vscode.commands.executeCommand('ptlab.openDashboard', { runs: [vscode.Uri.file(run.folder)], ...(alert.metric ? { metric: alert.metric } : {}), ...(mark ? { mark } : {}) });
    });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
