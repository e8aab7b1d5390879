// The workspace's run folders, for every feature: one scan, one run.json watcher, each
// manifest read and checked once per change (readRunFolder). The Runs view, the dashboard,
// the jobs and compare subscribe to it. It also owns the metrics worker, which follows the
// folders' metrics files for the dashboard (it keeps their records and computes the dashboard's
// views), the jobs (progress), the alerts and compare (a run's evaluations).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { coalesced } from '../../core/coalesce';
import { readRunFolder, tensorBoardFolder, trainerFolder, type RunFolder } from '../../core/runs/runFolder';
import type { MetricsEvents, MetricsRequests } from '../../workers/metrics';
import { WorkerClient, workerFile } from '../../workers/rpc';
import { debounce } from '../debounce';

const EXCLUDE = '**/{node_modules,.git,.venv}/**';

/** A run folder's name in the workspace, unique over its roots: in a multi-root workspace it
 * starts with the root's name (two roots' runs/x/ppo would otherwise be one run to the
 * dashboard's records and compare's sources). */
export function runName(folder: string | vscode.Uri): string {
  return vscode.workspace.asRelativePath(typeof folder === 'string' ? vscode.Uri.file(folder) : folder);
}
const TENSORBOARD_GLOB = 'events.out.tfevents.*';
const decoder = new TextDecoder();

interface Known {
  /** What the run was read from: run.json's text, a Trainer's states, or a log's problems. */
  text: string | undefined;
  run: RunFolder;
}

export class RunFolders implements vscode.Disposable {
  /** run folder (absolute) -> its run.json text and what was read from it */
  private runs = new Map<string, Known>();
  private loaded: Promise<void> | undefined;
  /** Scans one at a time: overlapping ones could end out of order, an older snapshot last. */
  private readonly scans = coalesced(() => this.scan());
  private readonly changed = new vscode.EventEmitter<void>();
  /** A run folder appeared, changed or went. */
  readonly onDidChange = this.changed.event;
  private readonly metricsUpdated = new vscode.EventEmitter<{ folder: string }>();
  /** New records of a run the dashboard shows (the worker keeps them; the dashboard asks for its view). */
  readonly onMetricsUpdate = this.metricsUpdated.event;
  private worker: WorkerClient<MetricsRequests, MetricsEvents> | undefined;
  private readonly disposables: vscode.Disposable[];

  static register(context: vscode.ExtensionContext): RunFolders {
    const runs = new RunFolders();
    context.subscriptions.push(runs);
    return runs;
  }

  private constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/run.json');
    const reread = (uri: vscode.Uri) => void this.reread([path.dirname(uri.fsPath)]);
    // A TensorBoard log folder appears or goes with its event files (created, not changed, per writer).
    const events = vscode.workspace.createFileSystemWatcher(`**/${TENSORBOARD_GLOB}`, false, true, false);
    // A Hugging Face Trainer writes checkpoint-N/trainer_state.json at each save.
    const states = vscode.workspace.createFileSystemWatcher('**/trainer_state.json');
    const logsChanged = debounce(() => void this.rescan(), 500);
    this.disposables = [
      this.changed,
      this.changed.event(() => this.listRunsToWorker()),
      this.metricsUpdated,
      watcher,
      watcher.onDidCreate(reread),
      watcher.onDidChange(reread),
      watcher.onDidDelete((uri) => this.forget(path.dirname(uri.fsPath))),
      events,
      events.onDidCreate(logsChanged),
      events.onDidDelete(logsChanged),
      states,
      states.onDidCreate(logsChanged),
      states.onDidChange(logsChanged),
      states.onDidDelete(logsChanged),
      { dispose: () => logsChanged.cancel() },
    ];
  }

  /** Every run folder, by folder (the first call scans the workspace). */
  async all(): Promise<RunFolder[]> {
    await (this.loaded ??= this.scans());
    return [...this.runs.values()].map((r) => r.run).sort((a, b) => a.folder.localeCompare(b.folder));
  }

  /** Scan the workspace again, for runs whose creation no watcher event reported. */
  rescan(): Promise<void> {
    this.loaded = this.scans();
    return this.loaded;
  }

  /** These folders' run.json read again now (file events can be lost); undefined where there is none. */
  async reread(folders: readonly string[]): Promise<(RunFolder | undefined)[]> {
    await (this.loaded ??= this.scans());
    const texts = await Promise.all(folders.map((folder) => readText(path.join(folder, 'run.json'))));
    let changed = false;
    const runs = folders.map((folder, i) => {
      const text = texts[i];
      if (text === undefined) return undefined; // not written yet, or gone (the watcher says so)
      const known = this.runs.get(folder);
      if (known?.text === text) return known.run;
      changed = true;
      const run = readRunFolder(folder, text);
      this.runs.set(folder, { text, run });
      return run;
    });
    if (changed) this.changed.fire();
    return runs;
  }

  /** A folder whose run.json is gone (deleted here or elsewhere). */
  forget(folder: string): void {
    if (this.runs.delete(folder)) this.changed.fire();
  }

  /** Ask the metrics worker (started on first use, and again after a failure). */
  metrics<M extends keyof MetricsRequests & string>(method: M, params: MetricsRequests[M]['params']): Promise<MetricsRequests[M]['result']> {
    if (!this.worker || this.worker.stopped) {
      this.worker = new WorkerClient<MetricsRequests, MetricsEvents>(workerFile('metrics'), { name: 'the metrics reader', unref: true, onEvent: (_name, update) => this.metricsUpdated.fire(update) });
    }
    return this.worker.request(method, params);
  }

  /** The metrics worker forgets what it followed for a job, the alerts or compare in runs no longer listed (deleted). */
  private listRunsToWorker(): void {
    if (this.worker && !this.worker.stopped) void this.worker.request('runs', { folders: [...this.runs.keys()] }).catch(() => undefined);
  }

  private async scan(): Promise<void> {
    const [uris, eventFiles, stateFiles] = await Promise.all([
      vscode.workspace.findFiles('**/run.json', EXCLUDE, 5000),
      vscode.workspace.findFiles(`**/${TENSORBOARD_GLOB}`, EXCLUDE, 20000),
      vscode.workspace.findFiles('**/trainer_state.json', EXCLUDE, 20000),
    ]);
    const texts = await Promise.all(uris.map((uri) => readText(uri.fsPath)));
    const previous = this.runs;
    this.runs = new Map();
    uris.forEach((uri, i) => {
      const folder = path.dirname(uri.fsPath);
      const known = previous.get(folder);
      this.runs.set(folder, known && known.text === texts[i] ? known : { text: texts[i], run: readRunFolder(folder, texts[i]) });
    });
    // A Hugging Face Trainer's output_dir: the folder of its checkpoint-N/ folders (or of its own trainer_state.json).
    const trainerStates = new Map<string, string[]>();
    for (const uri of stateFiles) {
      const parent = path.dirname(uri.fsPath);
      const folder = /^checkpoint-\d+$/.test(path.basename(parent)) ? path.dirname(parent) : parent;
      if (this.runs.has(folder)) continue;
      trainerStates.set(folder, [...(trainerStates.get(folder) ?? []), path.relative(folder, uri.fsPath)]);
    }
    for (const [folder, relative] of trainerStates) {
      relative.sort();
      // Progress is the latest state's: read the root one and the highest checkpoint's only.
      const stepOf = (file: string) => Number(/checkpoint-(\d+)/.exec(file)?.[1] ?? Infinity);
      const latest = relative.reduce((a, b) => (stepOf(b) > stepOf(a) && stepOf(b) !== Infinity ? b : a), relative.find((f) => stepOf(f) !== Infinity) ?? relative[0]!);
      const texts = await Promise.all(relative.map((file) => (file === latest || stepOf(file) === Infinity ? readText(path.join(folder, file)) : Promise.resolve(undefined))));
      const text = relative.map((file, i) => `${file}\u0000${texts[i]}`).join('\u0000');
      const known = previous.get(folder);
      this.runs.set(folder, known?.text === text ? known : { text, run: trainerFolder(folder, relative.map((file, i) => ({ path: file, text: texts[i] }))) });
    }
    const notTensorBoard = new Set(this.runs.keys()); // our runs and Trainers', not the logs found below
    // Our own runs' TensorBoard copies (logging.reportTo: RUN/tensorboard) are shown as the runs
    // themselves, and so are a Trainer's (report_to tensorboard: output_dir/runs/<date_host>).
    // A log inside another log (add_scalars' and add_hparams' subruns) is a run of its own, as TensorBoard lists it.
    const logs = [...new Set(eventFiles.map((uri) => path.dirname(uri.fsPath)))].filter((folder) => !notTensorBoard.has(folder) && !notTensorBoard.has(path.dirname(folder)) && !trainerStates.has(path.dirname(path.dirname(folder))));
    for (const folder of logs) {
      const known = previous.get(folder);
      this.runs.set(folder, known?.run.source === 'tensorboard' ? known : { text: '', run: tensorBoardFolder(folder) });
    }
    if (this.runs.size !== previous.size || [...this.runs].some(([folder, known]) => previous.get(folder) !== known)) this.changed.fire();
    void this.checkLogs(logs);
  }

  /** The metrics worker reads the logs' event files (off the extension host, after the listing:
   * a workspace of large logs is listed at once): what is damaged in a log is its run's problem,
   * shown with it when the worker has read it. */
  private async checkLogs(logs: readonly string[]): Promise<void> {
    const problems = await Promise.all(logs.map((folder) => this.metrics('logProblems', { folder }).catch(() => undefined)));
    let changed = false;
    logs.forEach((folder, i) => {
      const known = this.runs.get(folder);
      const text = (problems[i] ?? []).join('\n');
      if (known?.run.source !== 'tensorboard' || known.text === text) return; // gone, or unchanged
      this.runs.set(folder, { text, run: tensorBoardFolder(folder, problems[i]) });
      changed = true;
    });
    if (changed) this.changed.fire();
  }

  dispose(): void {
    void this.worker?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  } catch {
    return undefined;
  }
}
