// The Runs view: experiments -> runs -> checkpoints, with each run's live state from its
// run.json (the run folders' service) and heartbeat (re-checked while anything runs).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunState } from '../../core/runs/runFolder';
import { deleteRefusal, describeLog, describeRun, groupByExperiment, runEntry, runTooltip, type ExperimentEntry, type RunEntry } from '../../core/runs/runTree';
import { log } from '../log';
import { timed } from '../timing';
import { endedHere, staleSeconds } from './liveness';
import type { RunFolders } from './runFolders';

export type RunsNode =
  | { kind: 'experiment'; name: string; runs: RunEntry[] }
  | { kind: 'run'; folder: string; configPath: string | undefined; job: string; entry: RunEntry }
  | { kind: 'checkpoint'; folder: string; configPath: string | undefined; checkpoint: string; step: number };

const HEARTBEAT_CHECK_MS = 5_000;
/** While the view is visible it also rescans, for runs whose creation no watcher event reported. */
const VISIBLE_RESCAN_MS = 15_000;

const STATE_ICONS: Record<RunState, [string, string | undefined]> = {
  running: ['sync~spin', 'charts.blue'],
  finished: ['pass', 'charts.green'],
  failed: ['error', 'charts.red'],
  cancelled: ['circle-slash', 'charts.orange'],
  stale: ['warning', 'charts.yellow'],
  unknown: ['question', undefined],
};

export class RunsView implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private entries: RunEntry[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Registers the view; returns its data, for the integration tests and other extensions (activate()'s API). */
  static register(context: vscode.ExtensionContext, runs: RunFolders): () => Promise<ExperimentEntry[]> {
    const view = new RunsView(runs);
    const tree = vscode.window.createTreeView('ptlab.runs', { treeDataProvider: view, showCollapseAll: true });
    const runNode = (node: RunsNode | undefined) => (node && node.kind !== 'experiment' ? node : undefined);
    let rescan: NodeJS.Timeout | undefined;
    const followVisibility = (visible: boolean) => {
      clearInterval(rescan);
      rescan = visible ? setInterval(() => void runs.rescan(), VISIBLE_RESCAN_MS) : undefined;
    };
    followVisibility(tree.visible);
    context.subscriptions.push(
      view,
      tree,
      tree.onDidChangeVisibility((e) => followVisibility(e.visible)),
      { dispose: () => clearInterval(rescan) },
      vscode.commands.registerCommand('ptlab.runs.refresh', () => runs.rescan()),
      vscode.commands.registerCommand('ptlab.runs.openDashboard', (node?: RunsNode) => {
        const run = runNode(node);
        return vscode.commands.executeCommand('ptlab.openDashboard', ...(run ? [vscode.Uri.file(run.folder)] : []));
      }),
      vscode.commands.registerCommand('ptlab.runs.openTranscripts', (node?: RunsNode) => {
        const run = runNode(node);
        return vscode.commands.executeCommand('ptlab.openTranscripts', ...(run ? [{ runDir: vscode.Uri.file(run.folder) }] : []));
      }),
      vscode.commands.registerCommand('ptlab.runs.reveal', (node?: RunsNode) => {
        const run = runNode(node);
        if (run) return vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(run.kind === 'checkpoint' ? run.checkpoint : run.folder));
        return undefined;
      }),
      vscode.commands.registerCommand('ptlab.runs.revealInOS', (node?: RunsNode) => {
        const run = runNode(node);
        if (run) return vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(run.kind === 'checkpoint' ? run.checkpoint : run.entry.source === 'ptlab' ? path.join(run.folder, 'run.json') : run.folder));
        return undefined;
      }),
      vscode.commands.registerCommand('ptlab.runs.delete', (node?: RunsNode) => view.deleteRun(node)),
    );
    return async () => {
      await view.update();
      return groupByExperiment(view.entries);
    };
  }

  private constructor(private readonly runs: RunFolders) {
    this.disposables.push(
      this.changed,
      runs.onDidChange(() => void this.update(true)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('ptlab.staleAfterSeconds') && void this.update()),
    );
  }

  /** Entries from the run folders and the clock; fires a change when any differs (or `force`). */
  private async update(force = false): Promise<void> {
    const folders = await this.runs.all();
    timed('runs view update', () => {
      const now = Date.now();
      const stale = staleSeconds();
      const next = folders.map((run) => runEntry(run, now, stale, endedHere));
      const key = (entries: RunEntry[]) => entries.map((e) => `${e.folder}|${e.state}|${e.step}|${e.checkpoints.length}`).join('\n');
      const differs = force || key(next) !== key(this.entries);
      this.entries = next;
      if (differs) this.changed.fire(undefined);
      this.scheduleHeartbeatCheck();
    });
  }

  /**
   * While a run says running, its manifest is re-read and its heartbeat re-checked, so a dead
   * process turns stale (no file event says so) and progress shows even if a watcher event is lost.
   */
  private scheduleHeartbeatCheck(): void {
    const live = () => this.entries.filter((e) => e.state === 'running' || e.state === 'stale').map((e) => e.folder);
    if (live().length > 0 && !this.heartbeatTimer) {
      this.heartbeatTimer = setInterval(() => void this.runs.reread(live()).then(() => this.update()), HEARTBEAT_CHECK_MS);
    } else if (live().length === 0 && this.heartbeatTimer) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
    }
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (!node) {
      await this.update();
      return groupByExperiment(this.entries).map((e) => ({ kind: 'experiment', name: e.name, runs: e.runs }));
    }
    if (node.kind === 'experiment') {
      return node.runs.map((entry) => ({ kind: 'run', folder: entry.folder, configPath: entry.configPath, job: entry.job, entry }));
    }
    if (node.kind === 'run') {
      return [...node.entry.checkpoints].reverse().map((c) => ({ kind: 'checkpoint', folder: node.folder, configPath: node.configPath, checkpoint: path.join(node.folder, c.path), step: c.step }));
    }
    return [];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.contextValue = 'experiment';
      item.description = `${node.runs.length} run${node.runs.length === 1 ? '' : 's'}`;
      item.id = `experiment:${node.name}`;
      return item;
    }
    if (node.kind === 'run') {
      const run = node.entry;
      const item = new vscode.TreeItem(path.basename(run.folder), run.checkpoints.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      const imported = run.source === 'tensorboard';
      const [icon, color] = !imported ? STATE_ICONS[run.state] : run.problems.length ? ['warning', 'charts.yellow'] : ['graph-line', undefined];
      item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
      item.description = imported ? describeLog(run) : run.source === 'hf-trainer' ? `Trainer · ${describeRun(run)}` : `${run.job} · ${describeRun(run)}`;
      item.tooltip = new vscode.MarkdownString(runTooltip(run));
      item.contextValue = run.source === 'ptlab' ? `run:${run.state}` : `run:${run.source}`;
      item.resourceUri = vscode.Uri.file(run.folder);
      item.id = `run:${run.folder}`;
      item.command = { command: 'ptlab.runs.openDashboard', title: 'Open Dashboard', arguments: [node] };
      return item;
    }
    const item = new vscode.TreeItem(path.basename(node.checkpoint), vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('package');
    item.description = `step ${node.step}`;
    item.tooltip = node.checkpoint;
    item.contextValue = 'checkpoint';
    item.id = `checkpoint:${node.checkpoint}`;
    return item;
  }

  private async deleteRun(node: RunsNode | undefined): Promise<void> {
    if (!node || node.kind !== 'run') return;
    if (node.entry.state === 'running') {
      void vscode.window.showWarningMessage(`Post-Training Lab: ${node.folder} is running; cancel it first.`);
      return;
    }
    const refusal = deleteRefusal(node.folder, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
    if (refusal) {
      void vscode.window.showWarningMessage(`Post-Training Lab: ${refusal}`);
      return;
    }
    const remove = 'Delete Run';
    const picked = await vscode.window.showWarningMessage(`Delete the run folder ${node.folder} with its checkpoints and logs?`, { modal: true, detail: 'This cannot be undone unless your system keeps a trash.' }, remove);
    if (picked !== remove) return;
    const uri = vscode.Uri.file(node.folder);
    try {
      await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: true });
    } catch {
      await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false }); // no trash here (remote, server)
    }
    log().info(`deleted run ${node.folder}`);
    this.runs.forget(node.folder);
  }

  dispose(): void {
    clearInterval(this.heartbeatTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
