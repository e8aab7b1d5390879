// The dashboard: ID vs OOD success curves of the workspace's runs.
import * as vscode from 'vscode';
import { DASHBOARD_VIEW_TYPE, type FromDashboard, type ToDashboard } from '../../protocol/dashboard';
import { webviewHtml, webviewOptions } from '../webview/html';
import { scanRuns } from './runScanner';

export class DashboardPanel {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private pending: ToDashboard[] = [];

  static register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      vscode.commands.registerCommand('ptlab.openDashboard', () => DashboardPanel.show(context.extensionUri)),
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          DashboardPanel.current = new DashboardPanel(panel, context.extensionUri);
        },
      }),
    );
  }

  static show(extensionUri: vscode.Uri): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      void DashboardPanel.current.refresh();
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Post-Training Lab: Dashboard', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    DashboardPanel.current = new DashboardPanel(panel, extensionUri);
    return DashboardPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'dashboard', 'Dashboard');
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ptlab.svg');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: FromDashboard) => this.onMessage(m), null, this.disposables);
    const watcher = vscode.workspace.createFileSystemWatcher('**/{run.json,metrics.jsonl}');
    const refreshSoon = debounce(() => void this.refresh(), 300);
    this.disposables.push(watcher, watcher.onDidChange(refreshSoon), watcher.onDidCreate(refreshSoon), watcher.onDidDelete(refreshSoon));
    void this.refresh();
  }

  private onMessage(message: FromDashboard): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.pending.splice(0)) void this.panel.webview.postMessage(m);
        return;
      case 'runs/refresh':
        void this.refresh();
        return;
    }
  }

  private post(message: ToDashboard): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.pending = [message]; // only the latest state matters
  }

  async refresh(): Promise<void> {
    this.post({ type: 'runs/set', runs: await scanRuns(), generatedAt: new Date().toISOString() });
  }

  private dispose(): void {
    DashboardPanel.current = undefined;
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
