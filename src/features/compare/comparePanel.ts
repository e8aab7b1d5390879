// Compare Checkpoints: two checkpoints on the same seeded episodes, side by side.
import * as vscode from 'vscode';
import { InferenceClient } from '../../workers/inference';
import { COMPARE_VIEW_TYPE, type ComparisonView, type FromCompare, type ToCompare } from '../../protocol/compare';
import { webviewHtml, webviewOptions } from '../webview/html';
import type { RunFolders } from '../runs/runFolders';
import { findSources, runComparison, type EpisodePair, type LocatedSource } from './compareRunner';
import { evaluateCheckpoint } from './checkpointEvaluation';
import { EpisodePlayer } from './episodePlayer';

/** `ptlab.compareCheckpoints` arguments: run a comparison without the UI (scripts, tests). */
export interface CompareArgs {
  a: string;
  b: string;
  episodes?: number;
  splits?: string[];
}

export class ComparePanel {
  private static current: ComparePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private queue: ToCompare[] = [];
  private sources: LocatedSource[] = [];
  private pairs = new Map<string, EpisodePair>();
  private running: AbortController | undefined;
  private inference: InferenceClient | undefined;
  private player: EpisodePlayer | undefined;

  static register(context: vscode.ExtensionContext, runs: RunFolders): void {
    context.subscriptions.push(
      vscode.commands.registerCommand('ptlab.compareCheckpoints', (args?: CompareArgs) => {
        const panel = ComparePanel.show(context.extensionUri, runs);
        return args ? panel.compare(args.a, args.b, args.episodes, args.splits) : undefined;
      }),
      vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          ComparePanel.current = new ComparePanel(panel, context.extensionUri, runs);
        },
      }),
    );
  }

  static show(extensionUri: vscode.Uri, runs: RunFolders): ComparePanel {
    if (ComparePanel.current) {
      ComparePanel.current.panel.reveal();
      return ComparePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'Post-Training Lab: Compare Checkpoints', vscode.ViewColumn.Active, { ...webviewOptions(extensionUri), retainContextWhenHidden: true });
    ComparePanel.current = new ComparePanel(panel, extensionUri, runs);
    return ComparePanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly runs: RunFolders,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'compare', 'Compare Checkpoints');
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ptlab.svg');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: FromCompare) => this.onMessage(m), null, this.disposables);
    void this.refreshSources();
  }

  private onMessage(message: FromCompare): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.queue.splice(0)) void this.panel.webview.postMessage(m);
        return;
      case 'sources/refresh':
        void this.refreshSources(true);
        return;
      case 'compare/run':
        void this.compare(message.a, message.b, message.episodes, message.splits).catch(() => undefined);
        return;
      case 'compare/cancel':
        this.running?.abort();
        return;
      case 'play/start':
      case 'play/generate':
      case 'play/submit':
        void this.play(message);
        return;
      case 'pair/open': {
        const pair = this.pairs.get(`${message.split}\u0000${message.seed}`);
        if (pair) this.post({ type: 'pair/show', split: pair.split, seed: pair.seed, a: pair.a, b: pair.b, divergence: pair.divergence });
        return;
      }
    }
  }

  private post(message: ToCompare): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  /** The sources of the workspace's run folders (`rescan`: look for new ones first). */
  private async refreshSources(rescan = false): Promise<void> {
    if (rescan) await this.runs.rescan();
    this.sources = await findSources(await this.runs.all(), (path) => this.runs.metrics('evaluations', { path }));
    this.post({ type: 'sources/set', sources: this.sources.map(({ runUri: _u, manifest: _m, ...s }) => s) });
  }

  /** Runs a comparison and shows it; resolves with what was shown (for scripts and tests). */
  async compare(a: string, b: string, episodes?: number, splits?: string[]): Promise<ComparisonView> {
    if ([a, b].some((id) => !this.sources.some((s) => s.id === id))) await this.refreshSources(true); // new runs since
    const find = (id: string) => {
      const source = this.sources.find((s) => s.id === id);
      if (!source) throw new Error(`no checkpoint or evaluation '${id}' in this workspace`);
      return source;
    };
    this.running?.abort();
    const running = new AbortController();
    this.running = running;
    try {
      const { view, pairs } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comparing checkpoints', cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => running.abort());
        let reported = 0;
        return runComparison({
          a: find(a),
          b: find(b),
          episodes,
          splits,
          inference: () => (this.inference ??= new InferenceClient()),
          evaluate: async (source) => {
            const runDir = await evaluateCheckpoint(source, running.signal);
            await this.refreshSources();
            const evaluation = this.sources.find((s) => s.kind === 'evaluation' && s.runUri.fsPath === runDir);
            if (!evaluation) throw new Error(`${runDir}: the evaluation wrote no eval records`);
            return evaluation;
          },
          signal: running.signal,
          progress: (message, fraction) => {
            progress.report({ message, increment: Math.max(0, fraction * 100 - reported) });
            reported = Math.max(reported, fraction * 100);
            this.post({ type: 'compare/progress', message, fraction });
          },
        });
      });
      this.pairs = new Map(pairs.map((p) => [`${p.split}\u0000${p.seed}`, p]));
      this.post({ type: 'compare/result', view });
      return view;
    } catch (err) {
      const message = running.signal.aborted ? 'comparison cancelled' : (err as Error).message;
      this.post({ type: 'compare/error', message });
      throw new Error(message);
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  /** Playing one episode by hand: start it, let the checkpoint propose, submit an answer. */
  async play(message: Extract<FromCompare, { type: 'play/start' | 'play/generate' | 'play/submit' }>): Promise<void> {
    try {
      if (message.type === 'play/start') {
        if (!this.sources.some((s) => s.id === message.source)) await this.refreshSources();
        const source = this.sources.find((s) => s.id === message.source);
        if (!source) throw new Error(`no checkpoint '${message.source}' in this workspace`);
        this.player = EpisodePlayer.start(source, message.split, message.episode, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
        this.post({ type: 'play/state', state: this.player.state() });
        return;
      }
      if (!this.player) throw new Error('start an episode first');
      if (message.type === 'play/generate') {
        const proposal = await this.player.propose((this.inference ??= new InferenceClient()));
        this.post({ type: 'play/proposal', ...proposal });
      } else {
        this.post({ type: 'play/state', state: this.player.submit(message.answer) });
      }
    } catch (err) {
      this.post({ type: 'play/error', message: (err as Error).message });
    }
  }

  private dispose(): void {
    ComparePanel.current = undefined;
    this.running?.abort();
    void this.inference?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
