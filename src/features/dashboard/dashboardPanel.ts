// The dashboard: learning curves of the workspace's runs, the paper's SFT-vs-RL view,
// live from metrics.jsonl (parsed in a worker thread), click-through to episodes.
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { DASHBOARD_VIEW_TYPE, type FromDashboard, type ToDashboard } from '../../protocol/dashboard';
import { webviewHtml, webviewOptions } from '../webview/html';
import type { TailUpdate } from './metricsTailer';
import type { ToMetricsWorker } from './metricsWorker';
import type { OpenTranscriptsArgs } from '../transcripts/transcriptsPanel';
import { scanRuns, type ScannedRun } from './runScanner';

const LIVE_POLL_MS = 2000;

/** `ptlab.openDashboard` takes nothing, a run folder or run folders (the Runs view passes them). */
export type OpenDashboardArgument = vscode.Uri | vscode.Uri[] | undefined;

export class DashboardPanel {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly worker: Worker;
  private runs: ScannedRun[] = [];
  private ready = false;
  private focus: string[] | undefined;

  static register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      vscode.commands.registerCommand('ptlab.openDashboard', (target?: OpenDashboardArgument) => DashboardPanel.show(context.extensionUri, target)),
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          DashboardPanel.current = new DashboardPanel(panel, context.extensionUri);
        },
      }),
    );
  }

  static show(extensionUri: vscode.Uri, target?: OpenDashboardArgument): DashboardPanel {
    const focus = target === undefined ? undefined : (Array.isArray(target) ? target : [target]).map((uri) => vscode.workspace.asRelativePath(uri, false));
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      DashboardPanel.current.focusOn(focus);
      void DashboardPanel.current.refresh();
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Post-Training Lab: Dashboard', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    DashboardPanel.current = new DashboardPanel(panel, extensionUri);
    DashboardPanel.current.focusOn(focus);
    return DashboardPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'dashboard', 'Dashboard');
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ptlab.svg');
    this.worker = new Worker(vscode.Uri.joinPath(extensionUri, 'dist', 'metricsWorker.js').fsPath);
    this.worker.on('message', (update: TailUpdate) => this.post({ type: 'records/append', ...update }));
    this.worker.on('error', (err) => void vscode.window.showErrorMessage(`Post-Training Lab dashboard: the metrics reader failed: ${err.message}`));
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: FromDashboard) => void this.onMessage(m), null, this.disposables);
    const manifests = vscode.workspace.createFileSystemWatcher('**/run.json');
    const metrics = vscode.workspace.createFileSystemWatcher('**/*.jsonl');
    const refreshSoon = debounce(() => void this.refresh(), 300);
    const pollSoon = debounce(() => this.toWorker({ type: 'poll' }), 100);
    const live = setInterval(() => {
      if (this.runs.some((r) => r.info.status === 'running')) this.toWorker({ type: 'poll' });
    }, LIVE_POLL_MS);
    this.disposables.push(
      manifests,
      metrics,
      manifests.onDidChange(refreshSoon),
      manifests.onDidCreate(refreshSoon),
      manifests.onDidDelete(refreshSoon),
      metrics.onDidChange(pollSoon),
      metrics.onDidCreate(pollSoon),
      { dispose: () => clearInterval(live) },
    );
    void this.refresh();
  }

  private toWorker(message: ToMetricsWorker): void {
    this.worker.postMessage(message);
  }

  /** Show these runs: now, or once the webview is ready (then the user's choices rule). */
  private focusOn(folders: string[] | undefined): void {
    if (!folders) return;
    if (this.ready) this.post({ type: 'focus', folders });
    else this.focus = folders;
  }

  private async onMessage(message: FromDashboard): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)loaded webview has nothing: send the runs, and every file again from the start.
        this.ready = true;
        this.post({ type: 'runs/set', runs: this.runs.map((r) => r.info) });
        if (this.focus) this.post({ type: 'focus', folders: this.focus });
        this.focus = undefined;
        this.toWorker({ type: 'rewind' });
        return;
      case 'runs/refresh':
        await this.refresh();
        return;
      case 'open/transcripts':
        await this.openTranscripts(message.folder, message.step, message.split);
        return;
      case 'export':
        await this.export(message.format, message.fileName, message.data);
        return;
    }
  }

  private post(message: ToDashboard): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  async refresh(): Promise<void> {
    this.runs = await scanRuns();
    this.post({ type: 'runs/set', runs: this.runs.map((r) => r.info) });
    this.toWorker({ type: 'files', files: this.runs.map((r) => ({ folder: r.info.folder, path: r.metricsUri.fsPath })) });
  }

  private async openTranscripts(folder: string, step: number, split: string): Promise<void> {
    const run = this.runs.find((r) => r.info.folder === folder);
    if (run) await vscode.commands.executeCommand('ptlab.openTranscripts', { runDir: run.uri, step, split } satisfies OpenTranscriptsArgs);
  }

  private async export(format: 'png' | 'csv', fileName: string, data: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName) } : {}),
      filters: format === 'png' ? { 'PNG image': ['png'] } : { CSV: ['csv'] },
    });
    if (!target) return;
    const bytes = format === 'png' ? Buffer.from(data.slice(data.indexOf(',') + 1), 'base64') : Buffer.from(data, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(target, false)}`);
  }

  private dispose(): void {
    DashboardPanel.current = undefined;
    void this.worker.terminate();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function debounce(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
