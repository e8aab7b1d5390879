// Transcripts: the episodes of a run or an evaluation (its episodes.jsonl), listed, filtered,
// searched and read turn by turn. One panel per file; a worker thread indexes the file and
// reads it by byte offset (src/core/transcripts), so big logs stay off the extension host.
import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { nodeRouteFileLoader } from '../../core/envs/routeFiles';
import { handImage, insideRunFolder, maxVerifyOf, recordRoute, turnContexts } from '../../core/transcripts/episodeDetail';
import { TRANSCRIPTS_VIEW_TYPE, type EpisodeDetail, type FromTranscripts, type ToTranscripts, type TranscriptQuery, type TranscriptsShown, type TranscriptsState } from '../../protocol/transcripts';
import type { EventArgs } from '../../workers/rpc';
import { TranscriptClient, type TranscriptEvents } from '../../workers/transcripts';
import { webviewHtml, webviewOptions } from '../webview/html';

/** `ptlab.openTranscripts` arguments: from the dashboard, or a run folder / episodes.jsonl URI. */
export interface OpenTranscriptsArgs {
  runDir: vscode.Uri;
  step?: number;
  split?: string;
}

const FIRST_PAGE = 100;

export class TranscriptsPanel {
  private static readonly open = new Map<string, TranscriptsPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private queue: ToTranscripts[] = [];
  private readonly client: TranscriptClient;

  static register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      vscode.commands.registerCommand('ptlab.openTranscripts', (arg?: OpenTranscriptsArgs | vscode.Uri) => TranscriptsPanel.openCommand(context.extensionUri, arg)),
      vscode.window.registerWebviewPanelSerializer(TRANSCRIPTS_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state: TranscriptsState | undefined) => TranscriptsPanel.restore(context.extensionUri, panel, state),
      }),
      { dispose: () => [...TranscriptsPanel.open.values()].forEach((p) => p.panel.dispose()) },
    );
  }

  /** The command: answers the first page it showed (for scripts and tests), undefined when nothing was picked. */
  static async openCommand(extensionUri: vscode.Uri, arg?: OpenTranscriptsArgs | vscode.Uri): Promise<TranscriptsShown | undefined> {
    const target = await resolveTarget(arg);
    if (!target) return undefined;
    const query: TranscriptQuery = {};
    if (target.step !== undefined) query.stepMin = query.stepMax = target.step;
    if (target.split) query.splits = [target.split];
    let panel = TranscriptsPanel.open.get(target.file.fsPath);
    if (panel) panel.panel.reveal();
    else {
      const runDir = vscode.Uri.file(dirname(target.file.fsPath));
      const webviewPanel = vscode.window.createWebviewPanel(TRANSCRIPTS_VIEW_TYPE, `Transcripts: ${vscode.workspace.asRelativePath(runDir)}`, vscode.ViewColumn.Active, {
        ...webviewOptions(extensionUri, [runDir]),
        retainContextWhenHidden: true,
      });
      panel = new TranscriptsPanel(webviewPanel, extensionUri, target.file, runDir);
      TranscriptsPanel.open.set(target.file.fsPath, panel);
    }
    return panel.show(query);
  }

  /** A panel VS Code brings back after a reload: the same file and query, re-indexed. */
  static async restore(extensionUri: vscode.Uri, panel: vscode.WebviewPanel, state: TranscriptsState | undefined): Promise<void> {
    const file = state?.fsPath ? vscode.Uri.file(state.fsPath) : undefined;
    if (!file || !existsSync(file.fsPath) || TranscriptsPanel.open.has(file.fsPath)) {
      panel.dispose(); // nothing to show: the file is gone (or already open)
      return;
    }
    const runDir = vscode.Uri.file(dirname(file.fsPath));
    panel.webview.options = webviewOptions(extensionUri, [runDir]);
    const restored = new TranscriptsPanel(panel, extensionUri, file, runDir);
    TranscriptsPanel.open.set(file.fsPath, restored);
    await restored.show(state?.query ?? {});
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly file: vscode.Uri,
    private readonly runDir: vscode.Uri,
  ) {
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'transcripts', 'Transcripts', ['transcripts.css', 'route-map.css']);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ptlab.svg');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: FromTranscripts) => void this.onMessage(m).catch((err: Error) => this.post({ type: 'error', message: err.message })), null, this.disposables);
    this.client = new TranscriptClient(file.fsPath, (...event) => this.onWorkerEvent(...event));
  }

  private async show(query: TranscriptQuery): Promise<TranscriptsShown> {
    const path = vscode.workspace.asRelativePath(this.file);
    this.post({ type: 'open', view: { title: path, file: path, fsPath: this.file.fsPath, query } });
    const progress = await this.client.started();
    const result = await this.client.request('query', { query, start: 0, count: FIRST_PAGE });
    this.post({ type: 'rows', result: { ...result, generation: 0 } });
    return { file: this.file.fsPath, total: result.total, skipped: (this.client.progress ?? progress).skipped, rows: result.rows };
  }

  private onWorkerEvent(...[name, value]: EventArgs<TranscriptEvents>): void {
    if (name === 'progress') this.post({ type: 'progress', progress: value.progress, facets: value.facets });
    else if (name === 'failed') this.post({ type: 'error', message: `Cannot read ${vscode.workspace.asRelativePath(this.file)}: ${value.error}` });
  }

  private async onMessage(message: FromTranscripts): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.queue.splice(0)) void this.panel.webview.postMessage(m);
        return;
      case 'query': {
        const result = await this.client.request('query', { query: message.query, start: message.start, count: message.count });
        this.post({ type: 'rows', result: { ...result, generation: message.generation } });
        return;
      }
      case 'window': {
        const result = await this.client.request('window', { generation: message.generation, start: message.start, count: message.count });
        this.post({ type: 'rows', result: { ...result, generation: message.generation } });
        return;
      }
      case 'summary':
        this.post({ type: 'summary', groups: await this.client.request('summary', {}) });
        return;
      case 'detail':
        this.post({ type: 'detail', detail: await this.detail(message.row) });
        return;
    }
  }

  private async detail(row: number): Promise<EpisodeDetail> {
    const { raw, line, record } = await this.client.request('record', { row });
    if (typeof record === 'string') throw new Error(`${vscode.workspace.asRelativePath(this.file)} line ${line}: ${record} (the file changed since it was indexed: reopen it)`);
    const imageUri = (path: unknown) => {
      const file = typeof path === 'string' ? this.runFile(path) : undefined;
      return file ? this.panel.webview.asWebviewUri(file).toString() : undefined;
    };
    const turnImages = record.turns.map((t, i) => (i > 0 ? imageUri(t.image) : undefined)); // the first turn's is the record's
    const detail: EpisodeDetail = { row, line, record, raw, turns: turnContexts(record), maxVerify: maxVerifyOf(record), turnImages };
    const own = imageUri(record.image);
    if (own) detail.image = { src: own, caption: `${String(record.image)} — the observation the model saw` };
    else {
      const hand = handImage(record);
      const vision = (record.environment as Record<string, unknown>).modality === 'vision';
      if (hand) detail.image = { src: hand, caption: vision ? 'The hand, drawn from the record (the run wrote no image)' : 'The hand, drawn from the record (the model read text only)' };
    }
    const folder = vscode.workspace.getWorkspaceFolder(this.file)?.uri.fsPath ?? this.runDir.fsPath;
    const route = recordRoute(record, nodeRouteFileLoader(folder));
    if (route.map) detail.route = route.map;
    if (route.note) detail.routeNote = route.note;
    return detail;
  }

  /** A file the record names, only inside the run folder (the webview may load nothing else). */
  private runFile(path: string): vscode.Uri | undefined {
    const full = insideRunFolder(this.runDir.fsPath, path);
    return full && existsSync(full) ? vscode.Uri.file(full) : undefined;
  }

  private post(message: ToTranscripts): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  private dispose(): void {
    TranscriptsPanel.open.delete(this.file.fsPath);
    void this.client.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

interface Target {
  file: vscode.Uri;
  step?: number;
  split?: string;
}

async function resolveTarget(arg: OpenTranscriptsArgs | vscode.Uri | undefined): Promise<Target | undefined> {
  if (arg instanceof vscode.Uri) return { file: await episodesFile(arg) };
  if (arg && typeof arg === 'object' && 'runDir' in arg) {
    const runDir = typeof arg.runDir === 'string' ? vscode.Uri.file(arg.runDir) : vscode.Uri.from(arg.runDir);
    return { file: await episodesFile(runDir), step: arg.step, split: arg.split };
  }
  const files = await vscode.workspace.findFiles('**/episodes.jsonl', '**/node_modules/**', 500);
  if (!files.length) {
    void vscode.window.showInformationMessage('No episodes.jsonl in this workspace yet: training and evaluation runs write one into their run folder.');
    return undefined;
  }
  const items = files
    .map((file) => ({ label: vscode.workspace.asRelativePath(dirname(file.fsPath)), description: 'episodes.jsonl', file }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick(items, { title: 'Open Transcripts', placeHolder: 'Run folder' });
  return picked ? { file: picked.file } : undefined;
}

/** A run folder's episodes.jsonl, or the file itself. */
async function episodesFile(uri: vscode.Uri): Promise<vscode.Uri> {
  const stat = await vscode.workspace.fs.stat(uri).then(
    (s) => s,
    () => undefined,
  );
  if (!stat) throw new Error(`Open Transcripts: ${uri.fsPath} does not exist`);
  if (stat.type & vscode.FileType.Directory) {
    const file = vscode.Uri.joinPath(uri, 'episodes.jsonl');
    const inner = await vscode.workspace.fs.stat(file).then(
      () => true,
      () => false,
    );
    if (!inner) throw new Error(`Open Transcripts: ${uri.fsPath} has no episodes.jsonl (runs write one once they play episodes)`);
    return file;
  }
  return uri;
}
