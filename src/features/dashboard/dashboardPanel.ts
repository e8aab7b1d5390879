// The dashboard: learning curves of the workspace's runs, the paper's SFT-vs-RL view,
// live from their metrics files (parsed in the metrics worker), click-through to episodes.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunInfo } from '../../core/dashboard/model';
import type { RunSource } from '../../core/runs/runFolder';
import { runInfo } from '../../core/runs/runInfo';
import type { ViewRequest } from '../../core/dashboard/view';
import { DASHBOARD_VIEW_TYPE, type DashboardMark, type FromDashboard, type ToDashboard } from '../../protocol/dashboard';
import { runName, type RunFolders } from '../runs/runFolders';
import type { MetricsRequests } from '../../workers/metrics';
import { webviewHtml, webviewOptions } from '../webview/html';
import type { OpenTranscriptsArgs } from '../transcripts/transcriptsPanel';
import { debounce } from '../debounce';

/** package.json's default of ptlab.mismatchKlWarning. */
const DEFAULT_MISMATCH_KL_WARNING = 1e-3;
const LIVE_POLL_MS = 2000;

/** `ptlab.openDashboard` takes nothing, a run folder or run folders (the Runs view passes them),
 * or run folders with a metric to show and a step to mark (an alert's link). */
export type OpenDashboardArgument = vscode.Uri | vscode.Uri[] | { runs: vscode.Uri[]; metric?: string; mark?: DashboardMark } | undefined;

interface Focus {
  folders: string[];
  metric?: string;
  mark?: DashboardMark;
}

export class DashboardPanel {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The workspace's runs: the dashboard's summary (folder relative to the workspace) and where the run lives. */
  private shown: { info: RunInfo; folder: string; metricsFile: string; source: RunSource }[] = [];
  private ready = false;
  private focus: Focus | undefined;

  static register(context: vscode.ExtensionContext, runs: RunFolders): void {
    context.subscriptions.push(
      vscode.commands.registerCommand('ptlab.openDashboard', (target?: OpenDashboardArgument) => DashboardPanel.show(context.extensionUri, runs, target)),
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          DashboardPanel.current = new DashboardPanel(panel, context.extensionUri, runs, tickedIn(state));
        },
      }),
    );
  }

  static show(extensionUri: vscode.Uri, runs: RunFolders, target?: OpenDashboardArgument): DashboardPanel {
    const focus = focusOf(target);
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      DashboardPanel.current.focusOn(focus);
      void DashboardPanel.current.refresh();
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Post-Training Lab: Dashboard', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    DashboardPanel.current = new DashboardPanel(panel, extensionUri, runs);
    DashboardPanel.current.focusOn(focus);
    return DashboardPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly runs: RunFolders,
    /** The runs the webview ticks, as last known (null: every run): the metrics worker reads them first. */
    private ticked: string[] | null = null,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'dashboard', 'Dashboard');
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ptlab.svg');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: FromDashboard) => void this.onMessage(m), null, this.disposables);
    // Metric files only (the trainer names them metrics.jsonl): episodes.jsonl and sft.jsonl
    // grow too, and say nothing to the curves.
    const metrics = vscode.workspace.createFileSystemWatcher('**/metrics.jsonl');
    const events = vscode.workspace.createFileSystemWatcher('**/events.out.tfevents.*');
    const refreshSoon = debounce(() => void this.refresh(), 300);
    const pollSoon = debounce(() => this.toWorker('poll', {}), 100);
    // Another trainer's files say nothing of whether it still runs: they are polled while shown.
    const live = setInterval(() => {
      if (this.shown.some((r) => r.info.status === 'running' || (r.source !== 'ptlab' && r.info.status !== 'finished'))) this.toWorker('poll', {});
    }, LIVE_POLL_MS);
    this.disposables.push(
      metrics,
      events,
      events.onDidChange(pollSoon),
      events.onDidCreate(pollSoon),
      runs.onDidChange(refreshSoon),
      runs.onMetricsUpdate(({ folder }) => this.post({ type: 'runs/changed', folder })),
      metrics.onDidChange(pollSoon),
      metrics.onDidCreate(pollSoon),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('ptlab.mismatchKlWarning') && this.postSettings()),
      { dispose: () => (clearInterval(live), refreshSoon.cancel(), pollSoon.cancel()) },
    );
    void this.refresh();
  }

  private postSettings(): void {
    this.post({ type: 'settings', mismatchKlWarning: vscode.workspace.getConfiguration('ptlab').get<number>('mismatchKlWarning', DEFAULT_MISMATCH_KL_WARNING) });
  }

  private toWorker<M extends 'show' | 'poll'>(method: M, params: MetricsRequests[M]['params']): void {
    this.runs.metrics(method, params).catch((err: Error) => void vscode.window.showErrorMessage(`Post-Training Lab dashboard: ${err.message}`));
  }

  /** Show these runs: now, or once the webview is ready (then the user's choices rule). */
  private focusOn(focus: Focus | undefined): void {
    if (!focus) return;
    this.ticked = focus.folders;
    if (this.ready) this.post({ type: 'focus', ...focus });
    else this.focus = focus;
  }

  private async onMessage(message: FromDashboard): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)loaded webview has nothing: send the runs (their records stay in the metrics worker, which draws its views).
        this.ready = true;
        // The runs last: the webview asks for its first view when they come.
        this.postSettings();
        if (this.focus) this.post({ type: 'focus', ...this.focus });
        this.focus = undefined;
        this.post({ type: 'runs/set', runs: this.shown.map((r) => r.info) });
        return;
      case 'view':
        await this.answerView(message.id, message.request);
        return;
      case 'runs/refresh':
        await this.runs.rescan();
        await this.refresh();
        return;
      case 'open/transcripts':
        await this.openTranscripts(message.folder, message.step, message.split);
        return;
      case 'export':
        await this.export(message);
        return;
    }
  }

  private post(message: ToDashboard): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  async refresh(): Promise<void> {
    const folders = await this.runs.all();
    this.shown = folders
      .map((run) => ({ info: runInfo(run, runName(run.folder)), folder: run.folder, metricsFile: path.join(run.folder, run.metricsFile), source: run.source }))
      .sort((a, b) => a.info.folder.localeCompare(b.info.folder));
    this.post({ type: 'runs/set', runs: this.shown.map((r) => r.info) });
    const files = this.shown.map((r) => ({ folder: r.info.folder, path: r.source === 'ptlab' ? r.metricsFile : r.folder, source: r.source }));
    this.toWorker('show', { runs: this.shown.map((r) => r.info), files, prefer: this.ticked });
  }

  private async openTranscripts(folder: string, step: number, split: string): Promise<void> {
    const run = this.shown.find((r) => r.info.folder === folder);
    if (!run) return;
    try {
      await vscode.commands.executeCommand('ptlab.openTranscripts', { runDir: vscode.Uri.file(run.folder), step, split } satisfies OpenTranscriptsArgs);
    } catch (err) {
      if (run.source === 'ptlab') throw err;
      // another trainer's run without episodes: TRL writes them only with log_completions
      void vscode.window.showInformationMessage(`${run.info.folder} has no episodes to show: TRL's GRPOTrainer writes its completions with log_completions=True (${(err as Error).message})`);
    }
  }

  /** The figures for the webview's request, from the metrics worker; a failure is answered too (the webview waits for an answer before it asks again). */
  private async answerView(id: number, request: ViewRequest): Promise<void> {
    this.ticked = request.selected;
    try {
      this.post({ type: 'view', id, view: await this.runs.metrics('view', { request }) });
    } catch (err) {
      this.post({ type: 'view/failed', id, message: (err as Error).message });
    }
  }

  private async export(message: Extract<FromDashboard, { type: 'export' }>): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, message.fileName) } : {}),
      filters: message.format === 'png' ? { 'PNG image': ['png'] } : { CSV: ['csv'] },
    });
    if (!target) return;
    const name = vscode.workspace.asRelativePath(target, false);
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Saving ${name}` }, () => this.save(message, target));
      void vscode.window.showInformationMessage(`Saved ${name}`);
    } catch (err) {
      void vscode.window.showErrorMessage(`Post-Training Lab: could not save ${name}: ${(err as Error).message}`);
    }
  }

  /** The CSV is written by the metrics worker, row by row: at full resolution it can outgrow one string. */
  private async save(message: Extract<FromDashboard, { type: 'export' }>, target: vscode.Uri): Promise<void> {
    if (message.format === 'csv') return this.runs.metrics('csv', { request: message.request, path: target.fsPath });
    await vscode.workspace.fs.writeFile(target, Buffer.from(message.data.slice(message.data.indexOf(',') + 1), 'base64'));
  }

  private dispose(): void {
    DashboardPanel.current = undefined;
    this.toWorker('show', { runs: [], files: [] });
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The runs ticked in a restored webview's state (null where it has none: every run). */
function tickedIn(state: unknown): string[] | null {
  const selected = (state as { selected?: unknown } | undefined)?.selected;
  return Array.isArray(selected) && selected.every((f) => typeof f === 'string') ? selected : null;
}

function focusOf(target: OpenDashboardArgument): Focus | undefined {
  if (target === undefined) return undefined;
  const relative = (uris: vscode.Uri[]) => uris.map(runName);
  if (target instanceof vscode.Uri) return { folders: relative([target]) };
  if (Array.isArray(target)) return { folders: relative(target) };
  return { folders: relative(target.runs.map((uri) => vscode.Uri.from(uri))), ...(target.metric ? { metric: target.metric } : {}), ...(target.mark ? { mark: target.mark } : {}) };
}
