// Transcripts: the episodes of a run or an evaluation (its episodes.jsonl), or another trainer's
// rollout dumps (TRL's completions, verl's generations), listed, filtered, searched and read
// turn by turn. One panel per source; a worker thread indexes it and reads it by byte offset
// (src/core/transcripts), so big logs stay off the extension host.
import { basename, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { StreetViewView } from '../../core/envs/previewEpisode';
import { runFolderPanoramas, runFolderRouteFileLoader } from '../../core/envs/routeFiles';
import { episodesIn, noEpisodesMessage, VERL_DUMP_FILE } from '../../core/imports/episodes';
import { handImage, insideRunFolder, maxVerifyOf, recordRoute, recordStreetViews, turnContexts } from '../../core/transcripts/episodeDetail';
import { TRANSCRIPTS_VIEW_TYPE, type EpisodeDetail, type FromTranscripts, type ToTranscripts, type TranscriptQuery, type TranscriptsShown, type TranscriptsState } from '../../protocol/transcripts';
import type { EventArgs } from '../../workers/rpc';
import { TranscriptClient, type TranscriptEvents } from '../../workers/transcripts';
import { staleSeconds } from '../runs/liveness';
import { StreetViewRenderer } from '../streetView';
import { webviewHtml, webviewOptions } from '../webview/html';

/** `ptlab.openTranscripts` arguments: from the dashboard, or a run folder / episodes.jsonl / dump folder URI. */
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
  private readonly streetViews = new StreetViewRenderer();
  /** Counts the details asked for: the street views of an episode no longer shown are not drawn. */
  private details = 0;

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
      const runDir = await runFolderOf(target.file);
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
    const runDir = await runFolderOf(file);
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
    this.client = new TranscriptClient(file.fsPath, (...event) => this.onWorkerEvent(...event), undefined, staleSeconds());
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
      case 'detail': {
        const asked = ++this.details;
        const { detail, streetViews } = await this.detail(message.row);
        if (asked !== this.details) return; // another episode was asked for meanwhile
        this.post({ type: 'detail', detail });
        if (streetViews) await this.drawStreetViews(detail, streetViews, asked);
        return;
      }
    }
  }

  /** The detail, and (a V-IRL-VL record that names no image) the street views to draw, by turn. */
  private async detail(row: number): Promise<{ detail: EpisodeDetail; streetViews?: (StreetViewView | undefined)[] }> {
    const { raw, line, file, record } = await this.client.request('record', { row });
    if (typeof record === 'string') throw new Error(`${vscode.workspace.asRelativePath(this.file)}${file ? `/${file}` : ''} line ${line}: ${record} (the file changed since it was indexed: reopen it)`);
    const imageUri = (path: unknown) => {
      const file = typeof path === 'string' ? this.runFile(path) : undefined;
      return file ? this.panel.webview.asWebviewUri(file).toString() : undefined;
    };
    const turnImages = record.turns.map((t, i) => (i > 0 ? imageUri(t.image) : undefined)); // the first turn's is the record's
    const detail: EpisodeDetail = { row, line, ...(file ? { file } : {}), record, raw, turns: turnContexts(record), maxVerify: maxVerifyOf(record), turnImages };
    const loadRouteFile = runFolderRouteFileLoader(this.runDir.fsPath, this.workspaceFolders()); // relative to the run's config, read in the run's or a workspace folder only
    let streetViews: (StreetViewView | undefined)[] | undefined;
    const own = imageUri(record.image);
    if (own) detail.image = { src: own, caption: `${String(record.image)} — the observation the model saw` };
    else {
      const hand = handImage(record);
      const vision = (record.environment as Record<string, unknown> | undefined)?.modality === 'vision';
      if (hand) detail.image = { src: hand, caption: vision ? 'The hand, drawn from the record (the run wrote no image)' : 'The hand, drawn from the record (the model read text only)' };
      const street = recordStreetViews(record, loadRouteFile);
      if (street?.note) detail.imageNote = street.note;
      else if (street) {
        streetViews = street.views;
        detail.imageNote = 'Drawing the street-view grid the model saw at each position (the run wrote no image)…';
      }
    }
    const route = recordRoute(record, loadRouteFile);
    if (route.map) detail.route = route.map;
    if (route.note) detail.routeNote = route.note;
    if (!record.source) {
      const tokens = await this.client.request('tokens', { step: record.step, split: record.split, episode: record.episode });
      if (tokens && (tokens.turns.length || tokens.problems.length)) detail.tokens = tokens;
    }
    Object.assign(detail, await this.client.request('related', { row }));
    return { detail, ...(streetViews ? { streetViews } : {}) };
  }

  /** Draws the street views through the Python trainer (the preview's renderer), posting the
   * detail's images as each arrives; stops at the first it cannot draw, saying why, or when
   * another episode is asked for. */
  private async drawStreetViews(detail: EpisodeDetail, views: (StreetViewView | undefined)[], asked: number): Promise<void> {
    const post = (imageNote?: string) => this.post({ type: 'detail/images', row: detail.row, ...(detail.image ? { image: detail.image } : {}), turnImages: detail.turnImages, ...(imageNote ? { imageNote } : {}) });
    const named = (detail.record.environment as Record<string, unknown>).panoramas;
    let panoramas: string | undefined;
    try {
      panoramas = typeof named === 'string' ? runFolderPanoramas(this.runDir.fsPath, this.workspaceFolders(), named) : undefined;
    } catch (err) {
      post(`No street-view grid: ${(err as Error).message}`);
      return;
    }
    const runJson = vscode.Uri.joinPath(this.runDir, 'run.json'); // its folder's interpreter draws; panoramas is absolute
    for (const [t, view] of views.entries()) {
      if (!view || detail.turnImages[t]) continue; // a turn's own image stays
      const drawn = await this.streetViews.render(view, runJson, panoramas);
      if (asked !== this.details) return;
      if (!drawn?.image) {
        post(`No street-view grid at position ${view.position + 1}: ${drawn?.note ?? view.note}`);
        return;
      }
      if (t === 0) detail.image = { src: drawn.image, caption: `The street-view grid at position 1, drawn from the record (the run wrote no image). ${drawn.note}` };
      else detail.turnImages[t] = drawn.image;
      post(views.slice(t + 1).some(Boolean) ? detail.imageNote : undefined);
    }
  }

  private workspaceFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
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
    this.streetViews.dispose();
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
  const items = await episodeSourcesInWorkspace();
  if (!items.length) {
    void vscode.window.showInformationMessage(
      'No episodes in this workspace yet: our runs write episodes.jsonl into their run folder; TRL runs with log_completions write completions/*.parquet, verl runs <step>.jsonl dumps.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Open Transcripts', placeHolder: 'Run folder' });
  return picked ? { file: picked.file } : undefined;
}

/** Every run folder with episodes: ours (episodes.jsonl), TRL output_dirs (completions), verl dump folders. */
async function episodeSourcesInWorkspace(): Promise<{ label: string; description: string; file: vscode.Uri }[]> {
  const exclude = '**/node_modules/**';
  const [ours, trl, verl] = await Promise.all([
    vscode.workspace.findFiles('**/episodes.jsonl', exclude, 500),
    vscode.workspace.findFiles('**/completions/completions_*.parquet', exclude, 5000),
    vscode.workspace.findFiles('**/[0-9]*.jsonl', exclude, 5000),
  ]);
  const items = new Map<string, { label: string; description: string; file: vscode.Uri }>();
  for (const file of ours) items.set(file.fsPath, { label: vscode.workspace.asRelativePath(dirname(file.fsPath)), description: 'episodes.jsonl', file });
  for (const file of trl) {
    const folder = vscode.Uri.file(dirname(dirname(file.fsPath)));
    items.set(folder.fsPath, { label: vscode.workspace.asRelativePath(folder), description: 'TRL completions', file: folder });
  }
  for (const file of verl) {
    if (!VERL_DUMP_FILE.test(basename(file.fsPath))) continue;
    const folder = vscode.Uri.file(dirname(file.fsPath));
    if (!items.has(folder.fsPath)) items.set(folder.fsPath, { label: vscode.workspace.asRelativePath(folder), description: 'verl generations', file: folder });
  }
  return [...items.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** A run folder's episodes.jsonl, the file itself, or another trainer's dump folder (the worker reads what it holds). */
async function episodesFile(uri: vscode.Uri): Promise<vscode.Uri> {
  const stat = await vscode.workspace.fs.stat(uri).then(
    (s) => s,
    () => undefined,
  );
  if (!stat) throw new Error(`Open Transcripts: ${uri.fsPath} does not exist`);
  if (!(stat.type & vscode.FileType.Directory)) return uri;
  const list = (folder: vscode.Uri) => Promise.resolve(vscode.workspace.fs.readDirectory(folder)).then((entries) => entries.map(([name]) => name), () => [] as string[]);
  const found = episodesIn(await list(uri), await list(vscode.Uri.joinPath(uri, 'completions')));
  if (!found) throw new Error(`Open Transcripts: ${noEpisodesMessage(uri.fsPath)}`);
  return found.kind === 'ptlab' ? vscode.Uri.joinPath(uri, 'episodes.jsonl') : uri;
}

/** The folder the panel's webview may load files from: the run folder of an episodes file, or the dump folder itself. */
async function runFolderOf(target: vscode.Uri): Promise<vscode.Uri> {
  const stat = await vscode.workspace.fs.stat(target).then(
    (s) => s,
    () => undefined,
  );
  return stat && stat.type & vscode.FileType.Directory ? target : vscode.Uri.file(dirname(target.fsPath));
}
