// Environment preview: sampled episodes of each variant of a *.ptlab.json config, played by hand.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { checkJsonText, formatLocated } from '../../core/contracts/contracts';
import type { ExperimentConfig } from '../../core/contracts/generated/types';
import { nodeRouteFileLoader } from '../../core/envs/routeFiles';
import { PREVIEW_VIEW_TYPE, type EpisodeView, type FromPreview, type PreviewState, type ToPreview } from '../../protocol/preview';
import { webviewHtml, webviewOptions } from '../webview/html';
import { PreviewEpisode, previewVariants, type PreviewSource } from '../../core/envs/previewEpisode';
import { StreetViewRenderer } from '../streetView';

interface LoadedConfig extends PreviewSource {
  uri: vscode.Uri;
}

export class PreviewPanel {
  private static current: PreviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private pending: ToPreview | undefined;
  private config: LoadedConfig | undefined;
  private episode: PreviewEpisode | undefined;
  /** Counts load() calls: a load whose document arrives after a newer load began is dropped. */
  private loads = 0;
  private readonly streetViews = new StreetViewRenderer();

  static register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(
      vscode.commands.registerCommand('ptlab.previewEnvironment', (uri?: vscode.Uri) => PreviewPanel.open(context.extensionUri, uri)),
      vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => {
          PreviewPanel.current?.panel.dispose();
          PreviewPanel.current = new PreviewPanel(panel, context.extensionUri);
        },
      }),
    );
  }

  /** The command: opens (or reuses) the panel on a config; answers the first episode's view. */
  static async open(extensionUri: vscode.Uri, uri?: vscode.Uri): Promise<EpisodeView | undefined> {
    const target = uri ?? (await pickConfig());
    if (!target) return undefined;
    if (!PreviewPanel.current) {
      const panel = vscode.window.createWebviewPanel(PREVIEW_VIEW_TYPE, 'Preview Environment', vscode.ViewColumn.Active, {
        ...webviewOptions(extensionUri),
        retainContextWhenHidden: true,
      });
      PreviewPanel.current = new PreviewPanel(panel, extensionUri);
    }
    const preview = PreviewPanel.current;
    preview.panel.reveal();
    return preview.load(target);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'preview', 'Preview Environment', ['preview.css', 'route-map.css']);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ptlab.svg');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: FromPreview) => void this.onMessage(m), null, this.disposables);
    vscode.workspace.onDidChangeConfiguration(
      (change) => {
        if (change.affectsConfiguration('ptlab.pythonPath')) this.publish(); // the street-view grid may now be drawn
      },
      null,
      this.disposables,
    );
    vscode.workspace.onDidSaveTextDocument(
      (doc) => {
        if (this.config && doc.uri.toString() === this.config.uri.toString()) void this.load(doc.uri, this.episode?.variant.id, this.episode?.seed);
      },
      null,
      this.disposables,
    );
  }

  private async onMessage(message: FromPreview): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (message.restore && !this.config) await this.restore(message.restore);
        else if (this.pending) void this.panel.webview.postMessage(this.pending);
        this.pending = undefined;
        return;
      case 'episode/select':
        this.start(message.variantId, message.seed);
        return;
      case 'episode/restart':
        if (this.episode) this.start(this.episode.variant.id, this.episode.seed);
        return;
      case 'episode/answer':
        if (this.episode?.answer(message.text)) this.publish();
        return;
    }
  }

  /** Reads and validates the config (unsaved edits included) and starts its first variant. */
  async load(uri: vscode.Uri, variantId?: string, seed?: number): Promise<EpisodeView | undefined> {
    const load = ++this.loads;
    this.episode = undefined;
    const document = await vscode.workspace.openTextDocument(uri);
    if (load !== this.loads) return undefined; // superseded: the newer load shows its config
    const file = vscode.workspace.asRelativePath(uri);
    this.panel.title = `Preview: ${file.split('/').pop()}`;
    const { value, errors } = checkJsonText('experiment.schema.json', document.getText());
    if (errors.length > 0) {
      this.config = undefined;
      this.post({ type: 'error', message: `${file} is not a valid experiment config:\n${errors.map((e) => formatLocated(file, e)).join('\n')}` });
      return undefined;
    }
    const experiment = value as ExperimentConfig;
    const variants = previewVariants(experiment);
    this.config = { uri, configUri: uri.toString(), configPath: file, experiment: experiment.name, variants };
    const variant = variants.find((v) => v.id === variantId) ?? variants[0]!;
    return this.start(variant.id, seed ?? variant.firstSeed)?.view();
  }

  private async restore(state: PreviewState): Promise<void> {
    if (!(await this.load(vscode.Uri.parse(state.configUri), state.variantId, state.seed))) return; // invalid, or superseded
    for (const answer of state.answers) this.episode?.answer(answer);
    this.publish();
  }

  private start(variantId: string, seed: number): PreviewEpisode | undefined {
    const config = this.config;
    if (!config) return undefined;
    try {
      this.episode = new PreviewEpisode(config, variantId, seed, nodeRouteFileLoader(dirname(config.uri.fsPath)));
    } catch (err) {
      // Environment errors (a bad route file, an unknown city) are shown in the panel.
      this.episode = undefined;
      this.post({ type: 'error', message: `${config.configPath}: ${(err as Error).message}` });
    }
    this.publish();
    return this.episode;
  }

  private publish(): void {
    if (!this.episode || !this.config) return;
    const view = this.episode.view();
    this.post({ type: 'episode/set', view });
    const street = view.virl?.streetView;
    if (street) {
      // The grid comes from the Python trainer; the view is sent again when it arrives.
      const episode = this.episode;
      const panoramas = episode.variant.environment.panoramas;
      void this.streetViews.render(street, this.config.uri, typeof panoramas === 'string' ? panoramas : undefined).then((rendered) => {
        if (rendered && this.episode === episode && episode.view().virl?.position === street.position) {
          this.post({ type: 'episode/set', view: { ...view, virl: { ...view.virl!, streetView: rendered } } });
        }
      });
    }
  }

  private post(message: ToPreview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.pending = message; // only the latest state matters
  }

  private dispose(): void {
    if (PreviewPanel.current === this) PreviewPanel.current = undefined;
    this.streetViews.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The active editor's config, else a quick pick of the workspace's configs. */
async function pickConfig(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.path.endsWith('.ptlab.json')) return active;
  const found = await vscode.workspace.findFiles('**/*.ptlab.json', '**/node_modules/**', 200);
  if (found.length === 0) {
    void vscode.window.showInformationMessage('No *.ptlab.json experiment config in the workspace: create one with Post-Training Lab: New Experiment.');
    return undefined;
  }
  const items = found
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return (await vscode.window.showQuickPick(items, { title: 'Preview Environment', placeHolder: 'Experiment config to preview' }))?.uri;
}
