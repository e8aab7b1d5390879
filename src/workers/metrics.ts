// The metrics worker (metrics.worker.ts): follows run folders' metrics files off the
// extension host, one stat/offset/inode loop per file, for its readers: the dashboard (the
// new records of the files it shows, as columns, kept in the worker's DashboardData, which
// answers the dashboard's views; a `changed` event tells the host), and on request the jobs (a
// job's progress), the alerts and compare (a run's evaluations), until its file is gone or its run
// leaves the runs list. A file that shrank or was replaced (a resume drops records
// after its checkpoint, atomically) is read again from the start.
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { batchOf, batchOfScalars, type MetricBatch, type RunInfo } from '../core/dashboard/model';
import type { DashboardView, RecordsUpdate, ViewRequest } from '../core/dashboard/view';
import { logProblems, ScalarRun, TfEventsTail, type DecodedEvent, type ScalarPoint, type TagKinds } from '../core/imports/tensorboard';
import { CHECKPOINT_FOLDER, readTrainerState, trainerStateBatch } from '../core/imports/trainerState';
import { alertRules, seriesAlerts, type RunAlert } from '../core/runs/alerts';
import { MetricsTail, type JobProgress, type RecordedEvaluation } from '../core/runs/metricsTail';
import { TENSORBOARD_EVENT_FILE, type RunSource } from '../core/runs/runFolder';

/** New records of a shown file, as columns (what DashboardData applies). */
export type MetricsUpdate = RecordsUpdate;

export type MetricsRequests = {
  /** The runs the dashboard shows, and their files (run folder -> metrics file, or for a TensorBoard log its folder); a file new to it is read from the start, the runs of `prefer` (the ticked ones, where known) first. */
  show: { params: { runs: RunInfo[]; files: ShownFile[]; prefer?: string[] | null }; result: void };
  /** The dashboard's figures for what its webview shows (src/core/dashboard/view.ts). */
  view: { params: { request: ViewRequest }; result: DashboardView };
  /** Writes what the dashboard shows, as CSV at full resolution, to the file `path` (streamed: it can outgrow a string). */
  csv: { params: { request: ViewRequest; path: string }; result: void };
  /** Read what was appended to the shown files (those of `folders`, all when omitted). */
  poll: { params: { folders?: string[] }; result: void };
  /** A job's progress in its metrics file (undefined until the file exists). */
  progress: { params: { path: string }; result: JobProgress | undefined };
  /** The evaluations a run's metrics file records, by step (compare's sources; [] until the file exists). */
  evaluations: { params: { path: string }; result: RecordedEvaluation[] };
  /** The runs list's folders: a file asked about in none of them (a deleted run's) is followed no longer for its askers. */
  runs: { params: { folders: string[] }; result: void };
  /** The alerts a run's metrics file raises under its experiment's rules (`config`: run.json's copy of the experiment). */
  alerts: { params: { path: string; config: unknown }; result: RunAlert[] };
  /** What could not be read of a TensorBoard log folder's event files, each naming its file (undefined when the folder is gone). */
  logProblems: { params: { folder: string }; result: string[] | undefined };
};

/** `changed`: a shown run's records changed (the dashboard asks for its view again): once per read of its file, however many chunks it took. */
export type MetricsEvents = { changed: { folder: string } };

export interface ShownFile {
  folder: string;
  path: string;
  /** 'tensorboard': `path` is a folder of event files; 'hf-trainer': a Trainer's output_dir (default: a metrics.jsonl). */
  source?: RunSource;
}

const CHUNK_BYTES = 1024 * 1024;

interface Followed {
  path: string;
  /** Another trainer's files, followed instead of `tail`. */
  log: ImportedLog | undefined;
  /** The log's problems as last sent (JSON). */
  sentProblems: string | undefined;
  inode: number;
  tail: MetricsTail;
  /** Reads and rewinds of this file, one at a time. */
  busy: Promise<unknown>;
  /** The dashboard's name for it, while shown there. */
  folder: string | undefined;
  /** A job, the alerts or compare asked about it: kept (and read on from where it stopped) when
   * the dashboard stops showing it, until its file is gone or its run leaves the runs list. */
  asked: boolean;
  /** The alerts asked about it: its tail keeps their series (about 50 bytes a record, which nobody else reads). */
  alerts: boolean;
}

export class MetricsFiles {
  private readonly files = new Map<string, Followed>();
  /** TensorBoard log folders the Runs view asked about. */
  private readonly checks = new Map<string, EventFilesCheck>();
  /** Shown runs read before the others: the ticked ones. */
  private preferred = new Set<string>();

  /**
   * `emit`: each update, a chunk's records at most (a first read of a long file is many, never
   * all held at once); `changed`: a shown run's read is done and emitted something (one view,
   * not one per megabyte).
   */
  constructor(
    private readonly emit: (update: MetricsUpdate) => void,
    private readonly changed: (folder: string) => void = () => undefined,
  ) {}

  show(files: readonly ShownFile[]): void {
    const wanted = new Map(files.map((f) => [f.path, f.folder]));
    const logs = new Map(files.filter((f) => f.source && f.source !== 'ptlab').map((f) => [f.path, f.source!] as const));
    for (const f of this.files.values()) {
      if (f.folder === undefined || wanted.get(f.path) === f.folder) continue;
      f.folder = undefined;
      if (!f.asked) this.files.delete(f.path);
    }
    for (const [path, folder] of wanted) {
      const f = this.followed(path);
      const source = logs.get(path);
      if (source) f.log ??= source === 'tensorboard' ? new TensorBoardLog(path) : new TrainerStateLog(path);
      if (f.folder === folder) continue;
      f.folder = folder;
      this.rewindFile(f);
    }
  }

  /** The runs to read first from now on (the dashboard's ticked runs); null: none before the others. */
  prefer(folders: readonly string[] | null): void {
    this.preferred = new Set(folders ?? []);
  }

  /**
   * Read what was appended to the shown files (those of `folders`, all when omitted), one file
   * at a time, each next one a preferred run's while one is left: a first read of long runs
   * (seconds each) draws the ticked runs first, whatever the workspace holds besides.
   */
  async poll(folders?: readonly string[]): Promise<void> {
    const waiting = [...this.files.values()].filter((f) => f.folder !== undefined && (!folders || folders.includes(f.folder)));
    while (waiting.length > 0) {
      const at = Math.max(0, waiting.findIndex((f) => f.folder !== undefined && this.preferred.has(f.folder)));
      const [f] = waiting.splice(at, 1);
      if (f!.folder !== undefined) await this.inTurn(f!, () => this.read(f!)); // else no longer shown
    }
  }

  async progress(path: string): Promise<JobProgress | undefined> {
    const f = this.askedAbout(path);
    return (await this.readAsked(f)) ? f.tail.progress : undefined;
  }

  async alerts(path: string, config: unknown): Promise<RunAlert[]> {
    const f = this.askedAbout(path);
    if (!f.alerts) {
      f.alerts = true;
      this.rewindFile(f); // read again from the start, into a tail that keeps the series
    }
    return (await this.readAsked(f)) && f.tail.alertSeries ? seriesAlerts(f.tail.alertSeries, alertRules(config)) : [];
  }

  async evaluations(path: string): Promise<RecordedEvaluation[]> {
    const f = this.askedAbout(path);
    return (await this.readAsked(f)) ? f.tail.evaluations : [];
  }

  runs(folders: readonly string[]): void {
    const listed = new Set(folders.map((folder) => nodePath.resolve(folder)));
    for (const f of this.files.values()) {
      if (!f.asked || inFolderOf(f.path, listed)) continue;
      f.asked = false;
      if (f.folder === undefined) this.files.delete(f.path);
    }
  }

  async logProblems(folder: string): Promise<string[] | undefined> {
    const check = this.checks.get(folder) ?? new EventFilesCheck(folder);
    this.checks.set(folder, check);
    const problems = await this.inTurn(check, () => check.problems()); // overlapping reads would push the same chunk twice
    if (!problems) this.checks.delete(folder);
    return problems;
  }

  /** What the worker holds for a file: undefined when it follows it for nobody. */
  held(path: string): { shown: boolean; asked: boolean; alertSeries: boolean } | undefined {
    const f = this.files.get(path);
    return f && { shown: f.folder !== undefined, asked: f.asked, alertSeries: f.tail.alertSeries !== undefined };
  }

  private followed(path: string): Followed {
    let f = this.files.get(path);
    if (!f) this.files.set(path, (f = { path, log: undefined, sentProblems: undefined, inode: -1, tail: new MetricsTail({ alertSeries: false }), busy: Promise.resolve(), folder: undefined, asked: false, alerts: false }));
    return f;
  }

  /** Whether an asked-about file exists (read on first); one gone is forgotten unless the dashboard shows it. */
  private async readAsked(f: Followed): Promise<boolean> {
    const exists = (await this.inTurn(f, () => this.read(f))) === true;
    if (!exists && f.folder === undefined && this.files.get(f.path) === f) this.files.delete(f.path);
    return exists;
  }

  private askedAbout(path: string): Followed {
    const f = this.followed(path);
    f.asked = true;
    return f;
  }

  private rewindFile(f: Followed): void {
    void this.inTurn(f, async () => {
      f.inode = -1;
      f.log?.rewind();
    });
  }

  /** Runs `task` after the reads already queued on this file or log folder. */
  private inTurn<T>(f: { busy: Promise<unknown> }, task: () => Promise<T>): Promise<T | undefined> {
    const turn = f.busy.then(task).catch(() => undefined);
    f.busy = turn;
    return turn;
  }

  /** Whether the file exists; its new records go to the dashboard (one update per chunk, never all held at once), then `changed`. */
  private async read(f: Followed): Promise<boolean> {
    let emitted: string | undefined;
    const emit = (update: MetricsUpdate) => {
      this.emit(update);
      emitted = update.folder;
    };
    try {
      return await this.readFile(f, emit);
    } finally {
      if (emitted !== undefined) this.changed(emitted);
    }
  }

  /** The read itself: its updates to `emit`. */
  private async readFile(f: Followed, emit: (update: MetricsUpdate) => void): Promise<boolean> {
    if (f.log) {
      const update = await f.log.read();
      if (update && f.folder !== undefined && isNews(f, update)) emit({ folder: f.folder, ...update, skippedLines: [], pendingLine: false });
      return update !== undefined;
    }
    let stat;
    try {
      stat = await fs.stat(f.path);
    } catch {
      return false; // not written yet
    }
    const reset = stat.ino !== f.inode || stat.size < f.tail.offset;
    if (reset) {
      f.inode = stat.ino;
      f.tail = new MetricsTail({ alertSeries: f.alerts });
    }
    if (!reset && stat.size === f.tail.offset) return true;
    let first = reset;
    const handle = await fs.open(f.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, stat.size - f.tail.offset), f.tail.offset);
        const batch = f.tail.push(buffer.subarray(0, bytesRead));
        const done = bytesRead === 0 || f.tail.offset >= stat.size;
        if (f.folder !== undefined && (batch.records.length > 0 || batch.skippedLines.length > 0 || first || done)) {
          emit({ folder: f.folder, reset: first, batch: batchOf(batch.records), skippedLines: batch.skippedLines, pendingLine: f.tail.pendingLine.trim() !== '' });
          first = false;
        }
        if (done) return true;
      }
    } finally {
      await handle.close();
    }
  }
}

/**
 * Whether a log's read brings the dashboard anything: a reset, points, or other problems than
 * it last sent. Another trainer's run is polled every 2 s while its status is unknown: an
 * update for nothing would be a view for nothing.
 */
function isNews(f: Followed, update: ImportedUpdate): boolean {
  const problems = update.logProblems && JSON.stringify(update.logProblems);
  const news = update.reset || update.batch.count > 0 || (problems !== undefined && problems !== f.sentProblems);
  if (news && problems !== undefined) f.sentProblems = problems;
  return news;
}

/** Whether `path` lies in one of the (resolved) `folders`. */
function inFolderOf(path: string, folders: ReadonlySet<string>): boolean {
  for (let dir = nodePath.dirname(nodePath.resolve(path)); ; dir = nodePath.dirname(dir)) {
    if (folders.has(dir)) return true;
    if (nodePath.dirname(dir) === dir) return false;
  }
}

/** A folder's entries; undefined when it is gone. */
async function listFolder(folder: string): Promise<string[] | undefined> {
  try {
    return await fs.readdir(folder);
  } catch {
    return undefined;
  }
}

interface ImportedLog {
  rewind(): void;
  /** What to send since the last read; undefined when the files are gone. */
  read(): Promise<ImportedUpdate | undefined>;
}

type ImportedUpdate = Pick<MetricsUpdate, 'reset' | 'batch' | 'logProblems'>;

/**
 * A Hugging Face Trainer's output_dir: its latest trainer_state.json (the highest checkpoint-N's,
 * or output_dir's own when it is further along), sent whole whenever it changes (the Trainer
 * rewrites it at each save; it is not appended to).
 */
class TrainerStateLog implements ImportedLog {
  private sent: string | undefined;

  constructor(private readonly folder: string) {}

  rewind(): void {
    this.sent = undefined;
  }

  async read(): Promise<ImportedUpdate | undefined> {
    const names = await listFolder(this.folder);
    if (!names) return undefined;
    const checkpoints = names.map((n) => CHECKPOINT_FOLDER.exec(n)).filter((m): m is RegExpExecArray => m !== null).sort((a, b) => Number(b[1]) - Number(a[1]));
    const candidates = [nodePath.join(this.folder, 'trainer_state.json'), ...checkpoints.slice(0, 1).map((m) => nodePath.join(this.folder, m[0], 'trainer_state.json'))];
    const found = (await Promise.all(candidates.map(async (file) => ({ file, stat: await fs.stat(file).catch(() => undefined) })))).filter((c) => c.stat);
    if (found.length === 0) return undefined;
    const signature = found.map((c) => `${c.file}:${c.stat!.mtimeMs}:${c.stat!.size}`).join('|');
    if (signature === this.sent) return { reset: false, batch: batchOfScalars([], 0) };
    let best: ReturnType<typeof readTrainerState> | undefined;
    for (const { file } of found) {
      try {
        const state = readTrainerState(await fs.readFile(file, 'utf8'));
        if (!best || state.globalStep > best.globalStep) best = state;
      } catch {
        // being rewritten, or not a Trainer's: the next read tries again
      }
    }
    if (!best) return { reset: false, batch: batchOfScalars([], 0) };
    this.sent = signature;
    return { reset: true, batch: trainerStateBatch(best) };
  }
}

/**
 * A TensorBoard log folder followed as it grows: its event files in name order (a restarted
 * writer adds a file), each read from where the last read stopped. A purge (a writer restarted
 * with purge_step), or a file replaced or shrunk, sends every point kept again from the start.
 */
class TensorBoardLog implements ImportedLog {
  private run = new ScalarRun();
  private tails: EventTails = new Map();
  private sentPurges = 0;
  private startTime: number | undefined;
  private sentAll = false;

  constructor(private readonly folder: string) {}

  rewind(): void {
    this.sentAll = false;
  }

  /** What to send since the last read; undefined when the folder is gone. */
  async read(): Promise<ImportedUpdate | undefined> {
    const added: ScalarPoint[] = [];
    const read = await readEventFiles(this.folder, this.tails, this.run.kinds, (events) => {
      for (const point of this.run.apply(events)) added.push(point);
    });
    if (read === 'replaced') return this.restart();
    if (!read) return undefined;
    this.startTime ??= added[0]?.wallTime;
    const problems = logProblems(this.tails);
    if (this.run.purges !== this.sentPurges || !this.sentAll) {
      this.sentPurges = this.run.purges;
      this.sentAll = true;
      return { reset: true, batch: this.everything(), logProblems: problems };
    }
    return { reset: false, batch: batchOfScalars(added, this.startTime ?? 0), logProblems: problems };
  }

  private async restart(): Promise<ImportedUpdate | undefined> {
    this.run = new ScalarRun();
    this.tails = new Map();
    this.startTime = undefined;
    this.sentAll = false;
    return this.read();
  }

  private everything(): MetricBatch {
    const points = [...this.run.scalars().values()].flat().sort((a, b) => a.step - b.step);
    const start = points.reduce((min, p) => Math.min(min, p.wallTime), Infinity);
    if (Number.isFinite(start)) this.startTime = start;
    return batchOfScalars(points, this.startTime ?? 0);
  }
}

/** A log folder's event files as followed: name -> its tail, and the file it read (a new inode is another file). */
type EventTails = Map<string, { tail: TfEventsTail; inode: number }>;

/**
 * Reads what was appended to a log folder's event files, in name order, and hands each chunk's
 * events on: 'read', 'replaced' when a file was replaced or shrank (read it all again, from new
 * tails), undefined when the folder is gone.
 */
async function readEventFiles(folder: string, tails: EventTails, kinds: TagKinds, take: (events: DecodedEvent[]) => void): Promise<'read' | 'replaced' | undefined> {
  const names = (await listFolder(folder))?.filter((name) => TENSORBOARD_EVENT_FILE.test(name)).sort();
  if (!names) return undefined;
  for (const gone of [...tails.keys()].filter((name) => !names.includes(name))) tails.delete(gone); // its problems went with it
  for (const name of names) {
    const file = nodePath.join(folder, name);
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      continue;
    }
    const known = tails.get(name);
    if (known && (known.inode !== stat.ino || stat.size < known.tail.offset)) return 'replaced';
    const followed = known ?? { tail: new TfEventsTail(kinds), inode: stat.ino };
    tails.set(name, followed);
    if (stat.size <= followed.tail.offset) continue;
    const handle = await fs.open(file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      while (followed.tail.offset < stat.size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, stat.size - followed.tail.offset), followed.tail.offset);
        if (bytesRead === 0) break;
        take(followed.tail.push(buffer.subarray(0, bytesRead)).events);
      }
    } finally {
      await handle.close();
    }
  }
  return 'read';
}

/** A TensorBoard log folder's event files followed for the Runs view: what could not be read of them (their points are not kept). */
class EventFilesCheck {
  private tails: EventTails = new Map();
  private kinds: TagKinds = new Map();
  /** Checks of this folder, one at a time (MetricsFiles.inTurn). */
  busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly folder: string) {}

  /** Undefined when the folder is gone. */
  async problems(): Promise<string[] | undefined> {
    const read = await readEventFiles(this.folder, this.tails, this.kinds, () => undefined);
    if (read === 'replaced') {
      this.tails = new Map();
      this.kinds = new Map();
      return this.problems();
    }
    return read && logProblems(this.tails);
  }
}
