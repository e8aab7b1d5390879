// The transcript viewer's model of an episodes.jsonl file, without reading it: a byte-offset
// line index with each episode's summary in typed columns (a few dozen bytes an episode, so a
// 1 GB log indexes in tens of MB), filters, sorting, full-text matching and the failure-mode
// summary. Pure: the worker (src/workers/transcripts.worker.ts) feeds it bytes and reads lines by offset.
import type { EpisodeRecord } from '../contracts/generated/types';
import { IMPORTED_TASKS, jsonObjectLine } from '../imports/episodes';
import { oneLine } from '../oneLine';
import type { EpisodeRow, FailureGroup, TranscriptFacets, TranscriptQuery } from './types';

const NEWLINE = 0x0a;

/** Splits a byte stream into lines with their byte offsets; a line may span chunks. */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carryStart = 0;

  /** Calls `line(bytes, offset)` for every complete line of `chunk` (read at file offset `at`). */
  push(chunk: Buffer, at: number, line: (bytes: Buffer, offset: number) => void): void {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      if (this.carry.length) {
        line(Buffer.concat([...this.carry, chunk.subarray(0, nl)]), this.carryStart);
        this.carry = [];
      } else line(chunk.subarray(start, nl), at + start);
      start = nl + 1;
    }
    if (start < chunk.length) {
      if (!this.carry.length) this.carryStart = at + start;
      this.carry.push(Buffer.from(chunk.subarray(start)));
    }
  }

  /** Whether a last line waits for its newline (being written, or torn by a writer that stopped). */
  get pending(): boolean {
    return this.carry.length > 0;
  }

  /** The last line when the file does not end with a newline (possibly torn by a writer). */
  finish(line: (bytes: Buffer, offset: number) => void): void {
    if (this.carry.length) line(Buffer.concat(this.carry), this.carryStart);
    this.carry = [];
  }
}

/** The summary of one line, or why it is skipped. */
export function summarizeLine(text: string): EpisodeRecord | string {
  const value = jsonObjectLine(text);
  if (typeof value === 'string') return value;
  const r = value as Partial<EpisodeRecord>;
  if (typeof r.split !== 'string' || typeof r.step !== 'number' || !Array.isArray(r.turns) || (typeof r.success !== 'boolean' && !r.source)) {
    return 'not an episode record (needs split, step, turns, success)';
  }
  return r as EpisodeRecord;
}

/** Strings stored once, referred to by number. */
class Interned {
  readonly values: string[] = [''];
  private readonly ids = new Map<string, number>([['', 0]]);
  id(value: string | undefined): number {
    if (value === undefined || value === null) return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
  /** The id of a known value, -1 for one never seen (without storing it). */
  lookup(value: string): number {
    return this.ids.get(value) ?? -1;
  }
}

/** The paper's task name of an episode (GP-L, GP-VL, V-IRL-L, V-IRL-VL), or the trainer another trainer's episode comes from. */
export function taskOf(record: Pick<EpisodeRecord, 'environment' | 'source'>): string {
  if (record.source) return IMPORTED_TASKS[record.source.format] ?? record.source.format;
  const environment = record.environment as Record<string, unknown> | undefined;
  const env = environment?.env === 'virl' ? 'V-IRL' : 'GP';
  return `${env}-${environment?.modality === 'vision' ? 'VL' : 'L'}`;
}

/** `success` column value of an episode without an outcome. */
const UNKNOWN = 2;

const COLUMNS = ['offset', 'length', 'line', 'segment', 'step', 'episode', 'seed', 'turns', 'reward', 'success', 'split', 'splitKind', 'task', 'checkpoint', 'failureMode'] as const;
type Column = (typeof COLUMNS)[number];

export interface SkippedLines {
  count: number;
  /** The first few, for the message ("line 12: not JSON"); `file` when the source has several. */
  examples: { line: number; file?: string; reason: string }[];
}

/** Every indexed episode of one file, in file order, as typed columns. */
export class EpisodeIndex {
  size = 0;
  lines = 0;
  readonly skipped: SkippedLines = { count: 0, examples: [] };
  private offset = new Float64Array(1024);
  private length = new Uint32Array(1024);
  private line = new Uint32Array(1024);
  private segment = new Uint32Array(1024);
  private step = new Int32Array(1024);
  private episode = new Int32Array(1024);
  private seed = new Float64Array(1024);
  private turns = new Uint16Array(1024);
  private reward = new Float64Array(1024);
  private success = new Uint8Array(1024);
  private split = new Uint16Array(1024);
  private splitKind = new Uint16Array(1024);
  private task = new Uint16Array(1024);
  private checkpoint = new Uint16Array(1024);
  private failureMode = new Uint16Array(1024);
  private readonly strings = new Interned();

  /**
   * Adds one line (bytes at `offset`): line `line` (1-based) of segment `segment` (a file of a
   * source with several, named `file`), read by `parse`; a line that is no episode is counted.
   */
  addLine(bytes: Buffer, offset: number, where: { line?: number; segment?: number; file?: string } = {}, parse: (text: string, line: number) => EpisodeRecord | string = summarizeLine): void {
    this.lines++;
    const line = where.line ?? this.lines;
    const parsed = parse(bytes.toString('utf8'), line);
    if (typeof parsed === 'string') {
      if (parsed === 'empty line') return;
      this.skipped.count++;
      if (this.skipped.examples.length < 5) this.skipped.examples.push({ line, ...(where.file ? { file: where.file } : {}), reason: parsed });
      return;
    }
    this.add(parsed, offset, bytes.length, line, where.segment ?? 0);
  }

  add(r: EpisodeRecord, offset: number, length: number, line: number, segment = 0): void {
    if (this.size === this.offset.length) this.grow();
    const i = this.size++;
    this.offset[i] = offset;
    this.length[i] = length;
    this.line[i] = line;
    this.segment[i] = segment;
    this.step[i] = r.step;
    this.episode[i] = typeof r.episode === 'number' ? r.episode : -1;
    this.seed[i] = typeof r.seed === 'number' ? r.seed : -1;
    this.turns[i] = Math.min(r.turns.length, 0xffff);
    this.reward[i] = typeof r.totalReward === 'number' ? r.totalReward : NaN; // NaN: not known
    this.success[i] = r.success === true ? 1 : r.success === false ? 0 : UNKNOWN;
    this.split[i] = this.strings.id(r.split);
    this.splitKind[i] = this.strings.id(r.splitKind);
    this.task[i] = this.strings.id(taskOf(r));
    this.checkpoint[i] = this.strings.id(r.checkpoint);
    this.failureMode[i] = this.strings.id(r.success === false ? (r.failureMode ?? undefined) : undefined);
  }

  private grow(): void {
    const self = this as unknown as Record<Column, Float64Array | Uint32Array>;
    for (const name of COLUMNS) {
      const old = self[name];
      const bigger = new (old.constructor as Float64ArrayConstructor)(old.length * 2);
      bigger.set(old);
      self[name] = bigger;
    }
  }

  /** Where row `i`'s line is: its byte range in the source, its segment and its line there. */
  location(i: number): { offset: number; length: number; line: number; segment: number } {
    return { offset: this.offset[i]!, length: this.length[i]!, line: this.line[i]!, segment: this.segment[i]! };
  }

  row(i: number, snippet = ''): EpisodeRow {
    const text = (column: Uint16Array) => this.strings.values[column[i]!] || undefined;
    return {
      row: i,
      line: this.line[i]!,
      step: this.step[i]!,
      split: text(this.split) ?? '',
      splitKind: text(this.splitKind),
      task: text(this.task) ?? '',
      checkpoint: text(this.checkpoint),
      episode: this.episode[i]!,
      seed: this.seed[i]!,
      turns: this.turns[i]!,
      ...(Number.isNaN(this.reward[i]!) ? {} : { totalReward: this.reward[i]! }),
      success: this.success[i] === UNKNOWN ? undefined : this.success[i] === 1,
      failureMode: text(this.failureMode),
      snippet,
    };
  }

  /** Rows passing every filter but the text search, in the query's order. */
  select(query: TranscriptQuery, textMatches?: Uint8Array): Uint32Array {
    const wanted = (values: string[] | undefined) => (values?.length ? new Set(values.map((v) => this.strings.lookup(v))) : undefined);
    const splits = wanted(query.splits);
    const kinds = wanted(query.splitKinds?.flatMap((k) => (k === 'ood' ? ['rule-ood', 'visual-ood'] : [k])));
    const tasks = wanted(query.tasks);
    const modes = wanted(query.failureModes);
    const checkpoints = wanted(query.checkpoints);
    const seeds = query.seeds?.length ? new Set(query.seeds) : undefined;
    const out = new Uint32Array(this.size);
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (splits && !splits.has(this.split[i]!)) continue;
      if (kinds && !kinds.has(this.splitKind[i]!)) continue;
      if (tasks && !tasks.has(this.task[i]!)) continue;
      if (modes && !modes.has(this.failureMode[i]!)) continue;
      if (checkpoints && !checkpoints.has(this.checkpoint[i]!)) continue;
      if (seeds && !seeds.has(this.seed[i]!)) continue;
      if (query.success !== undefined && this.success[i] !== (query.success ? 1 : 0)) continue;
      if (query.stepMin !== undefined && this.step[i]! < query.stepMin) continue;
      if (query.stepMax !== undefined && this.step[i]! > query.stepMax) continue;
      if (query.rewardMin !== undefined && !(this.reward[i]! >= query.rewardMin)) continue; // an unknown reward (NaN) is in no range
      if (query.rewardMax !== undefined && !(this.reward[i]! <= query.rewardMax)) continue;
      if (textMatches && textMatches[i] !== 1) continue;
      out[n++] = i;
    }
    return this.sort(out.subarray(0, n), query.sort);
  }

  private sort(rows: Uint32Array, sort: TranscriptQuery['sort']): Uint32Array {
    if (!sort || sort.key === 'file') return sort?.descending ? rows.reverse() : rows;
    const column = { step: this.step, reward: this.reward, turns: this.turns, seed: this.seed, episode: this.episode }[sort.key];
    const sign = sort.descending ? -1 : 1;
    // stable: ties stay in file order
    const known = (i: number) => (Number.isNaN(column[i]!) ? 1 : 0); // unknown rewards last, either way
    return Uint32Array.from(rows).sort((a, b) => known(a) - known(b) || sign * (column[a]! - column[b]!) || a - b);
  }

  facets(): TranscriptFacets {
    const distinct = (column: Uint16Array) => {
      const seen = new Set<number>();
      for (let i = 0; i < this.size; i++) seen.add(column[i]!);
      return [...seen].map((id) => this.strings.values[id]!).filter(Boolean).sort();
    };
    let stepMin = Infinity;
    let stepMax = -Infinity;
    for (let i = 0; i < this.size; i++) {
      stepMin = Math.min(stepMin, this.step[i]!);
      stepMax = Math.max(stepMax, this.step[i]!);
    }
    return {
      splits: distinct(this.split),
      splitKinds: distinct(this.splitKind),
      tasks: distinct(this.task),
      checkpoints: distinct(this.checkpoint),
      failureModes: distinct(this.failureMode),
      ...(this.size ? { stepMin, stepMax } : {}),
    };
  }

  /** Failure modes of failed episodes per (split, step) of the given rows, with example rows. */
  failureSummary(rows: Uint32Array, examplesPerMode = 3): FailureGroup[] {
    const groups = new Map<string, FailureGroup>();
    for (const i of rows) {
      const key = `${this.split[i]}\u0000${this.step[i]}`;
      let group = groups.get(key);
      if (!group) {
        group = { split: this.strings.values[this.split[i]!]!, splitKind: this.strings.values[this.splitKind[i]!] || undefined, step: this.step[i]!, episodes: 0, failures: 0, unknown: 0, modes: [] };
        groups.set(key, group);
      }
      group.episodes++;
      if (this.success[i] === UNKNOWN) group.unknown++;
      if (this.success[i] !== 0) continue;
      group.failures++;
      const mode = this.strings.values[this.failureMode[i]!] || 'unlabelled';
      let entry = group.modes.find((m) => m.mode === mode);
      if (!entry) group.modes.push((entry = { mode, count: 0, examples: [] }));
      entry.count++;
      if (entry.examples.length < examplesPerMode) entry.examples.push({ row: i, episode: this.episode[i]!, seed: this.seed[i]! });
    }
    const list = [...groups.values()];
    for (const g of list) g.modes.sort((a, b) => b.count - a.count || a.mode.localeCompare(b.mode));
    return list.sort((a, b) => a.split.localeCompare(b.split) || a.step - b.step);
  }
}

/** Lower-cased needle and, for ASCII needles, its JSON-escaped form to test raw lines before parsing. */
export function textNeedle(text: string): { needle: string; raw?: string } {
  const needle = text.toLowerCase();
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x20-\x7e]*$/.test(needle);
  return ascii ? { needle, raw: JSON.stringify(needle).slice(1, -1) } : { needle };
}

/** Whether an episode's prompts, outputs or verifier messages contain the needle (any case). */
export function recordMatches(record: EpisodeRecord, needle: string): boolean {
  for (const t of record.turns) {
    for (const field of [t.prompt, t.promptDelta, t.output, t.message]) {
      if (typeof field === 'string' && field.toLowerCase().includes(needle)) return true;
    }
  }
  return false;
}

/** A one-line excerpt of the episode for the list: around the match (with where it is), else the last output. */
export function snippetOf(record: EpisodeRecord, needle?: string, width = 120): Pick<EpisodeRow, 'snippet' | 'match'> {
  if (needle) {
    for (const [i, t] of record.turns.entries()) {
      const fields = [[t.output, 'output'], [t.message, 'verifier message'], [t.promptDelta, 'prompt'], [t.prompt, 'prompt']] as const;
      for (const [field, name] of fields) {
        if (typeof field !== 'string') continue;
        const at = field.toLowerCase().indexOf(needle);
        if (at === -1) continue;
        const from = Math.max(0, at - 40);
        return { snippet: `${from > 0 ? '…' : ''}${oneLine(field.slice(from, from + width))}`, match: { turn: i + 1, field: name } };
      }
    }
  }
  const last = record.turns[record.turns.length - 1];
  return { snippet: oneLine(String(last?.output ?? '')).slice(0, width) };
}
