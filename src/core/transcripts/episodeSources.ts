// Where the transcript viewer's episodes come from: our run's episodes.jsonl, or another
// trainer's rollout dumps (src/core/imports/episodes.ts), recognised from the path a user
// opens with no configuration. A source is a list of segments, each a run of JSON lines the
// index addresses by byte offset: our file as it is; each verl `<step>.jsonl` as it is, its
// lines converted when parsed; each TRL completions parquet converted to JSON lines of
// records in memory when its turn to be indexed comes. Runs in the transcript worker.
import { open, readdir, readFile, stat, type FileHandle } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import type { EpisodeRecord } from '../contracts/generated/types';
import { episodesIn, isValidationFolder, noEpisodesMessage, TRL_COMPLETIONS_FILE, trlCompletionRecord, trlRewardColumns, VERL_DUMP_FILE, verlGenerationRecord, type ImportedFormat } from '../imports/episodes';
import { CHECKPOINT_FOLDER, readTrainerState } from '../imports/trainerState';
import { summarizeLine } from './episodeIndex';

export type EpisodeSourceKind = 'ptlab' | ImportedFormat;

/** A run of JSON lines, one episode each. */
export interface Segment {
  /** The file, relative to the folder opened (what views show). */
  name: string;
  /** Bytes of its lines (our growing episodes.jsonl: those read so far). */
  size: number;
  /** Its file's inode, when it is read from one: a file replaced under its name is another. */
  inode?: number;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Line `line` (1-based) as an episode record, or why it is skipped. */
  parse(text: string, line: number): EpisodeRecord | string;
  close(): Promise<void>;
  /** What the conversion could not tell (TRL: which columns are rewards), for the viewer. */
  notes?: string[];
}

export interface EpisodeSource {
  kind: EpisodeSourceKind;
  /** The file or folder opened. */
  path: string;
  /** Bytes on disk of all its files (what indexing progress counts). */
  bytes: number;
  /** Its files' sizes on disk, in segment order. */
  fileBytes: number[];
  /** Segment i, opened (TRL: converted) when asked for. */
  segment(i: number): Promise<Segment>;
}

async function fileSegment(path: string, name: string, parse: Segment['parse']): Promise<Segment> {
  const handle: FileHandle = await open(path, 'r');
  const { size, ino } = await handle.stat();
  return {
    name,
    size,
    inode: ino,
    read: async (buffer, offset, length, position) => (await handle.read(buffer, offset, length, position)).bytesRead,
    parse,
    close: () => handle.close(),
  };
}

function memorySegment(name: string, bytes: Buffer): Segment {
  return {
    name,
    size: bytes.length,
    read: async (buffer, offset, length, position) => bytes.copy(buffer, offset, position, Math.min(bytes.length, position + length)),
    parse: (text) => summarizeLine(text),
    close: async () => undefined,
  };
}

/** A TRL completions parquet file as JSON lines of episode records; `rewardNames`: the run's reward functions (trlRewardFunctions). */
export async function trlSegment(path: string, name: string, runId: string, rewardNames: readonly string[] | undefined): Promise<Segment> {
  let rows: Record<string, unknown>[];
  try {
    const bytes = await readFile(path);
    rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  } catch (err) {
    throw new Error(`${name}: not a readable parquet file (${(err as Error).message})`);
  }
  const fileStep = Number(TRL_COMPLETIONS_FILE.exec(basename(path))?.[1] ?? 0);
  const { rewardFunctions, note } = trlRewardColumns(rewardNames, Object.keys(rows[0] ?? {}), name);
  const lines = rows.map((row, i) => JSON.stringify(trlCompletionRecord(row, i, { runId, file: name, fileStep }, rewardFunctions)));
  return { ...memorySegment(name, Buffer.from(lines.length ? `${lines.join('\n')}\n` : '', 'utf8')), ...(note && rows.length ? { notes: [note] } : {}) };
}

/** The reward functions a TRL output_dir's trainer_state.json names: its own, else its latest checkpoint's that names any. */
export async function trlRewardFunctions(root: string): Promise<string[] | undefined> {
  const checkpoints = (await readdir(root).catch(() => [] as string[]))
    .map((n) => CHECKPOINT_FOLDER.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  for (const state of [join(root, 'trainer_state.json'), ...checkpoints.map((m) => join(root, m[0], 'trainer_state.json'))]) {
    try {
      const names = readTrainerState(await readFile(state, 'utf8')).rewardFunctions;
      if (names.length) return names;
    } catch {
      // absent, being rewritten, or not a Trainer's
    }
  }
  return undefined;
}

const byStep = (pattern: RegExp) => (a: string, b: string) => Number(pattern.exec(a)![1]) - Number(pattern.exec(b)![1]);

async function sizes(paths: string[]): Promise<number[]> {
  return Promise.all(paths.map(async (p) => (await stat(p)).size));
}

/**
 * The episodes at a path: an episodes.jsonl (or any JSON-lines file of our records); a run
 * folder holding one; a TRL output_dir (its completions/ folder) or that folder itself; a verl
 * rollout or validation dump folder (`<step>.jsonl` files) or one of its files. Throws, naming
 * what it looked for, when the path holds none of them.
 */
export async function openEpisodeSource(path: string): Promise<EpisodeSource> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`${path} does not exist`);
  if (info.isFile()) {
    const name = basename(path);
    if (TRL_COMPLETIONS_FILE.test(name)) return trlSource(path, [name], basename(join(path, '..', '..')), join(path, '..', '..'));
    if (VERL_DUMP_FILE.test(name)) return verlSource(join(path, '..'), [name]);
    return { kind: 'ptlab', path, bytes: info.size, fileBytes: [info.size], segment: async () => fileSegment(path, name, (text) => summarizeLine(text)) };
  }
  const names = await readdir(path);
  const completions = await readdir(join(path, 'completions')).catch(() => [] as string[]);
  const found = episodesIn(names, completions);
  const steps = (list: readonly string[], pattern: RegExp) => list.filter((n) => pattern.test(n)).sort(byStep(pattern));
  switch (found?.kind) {
    case 'ptlab':
      return openEpisodeSource(join(path, 'episodes.jsonl'));
    case 'trl-completions':
      return found.inCompletions
        ? trlSource(join(path, 'completions'), steps(completions, TRL_COMPLETIONS_FILE), basename(path), path)
        : trlSource(path, steps(names, TRL_COMPLETIONS_FILE), basename(join(path, '..')), join(path, '..'));
    case 'verl-generations':
      return verlSource(path, steps(names, VERL_DUMP_FILE));
    default:
      throw new Error(noEpisodesMessage(path));
  }
}

async function trlSource(folder: string, names: string[], runId: string, root: string): Promise<EpisodeSource> {
  const paths = names.map((n) => join(folder, n));
  const fileBytes = await sizes(paths);
  const rewardNames = await trlRewardFunctions(root);
  return {
    kind: 'trl-completions',
    path: root,
    bytes: fileBytes.reduce((a, b) => a + b, 0),
    fileBytes,
    segment: (i) => trlSegment(paths[i]!, relative(root, paths[i]!).replace(/\\/g, '/'), runId, rewardNames),
  };
}

async function verlSource(folder: string, names: string[]): Promise<EpisodeSource> {
  const paths = names.map((n) => join(folder, n));
  const fileBytes = await sizes(paths);
  const runId = basename(folder);
  const validation = isValidationFolder(runId);
  return {
    kind: 'verl-generations',
    path: folder,
    bytes: fileBytes.reduce((a, b) => a + b, 0),
    fileBytes,
    segment: (i) => {
      const name = names[i]!;
      const fileStep = Number(VERL_DUMP_FILE.exec(name)![1]);
      return fileSegment(paths[i]!, name, (text, line) => verlGenerationRecord(text, line - 1, { runId, file: name, fileStep }, validation));
    },
  };
}
