// Incremental JSON-lines reader for files that only grow (metrics.jsonl): each push parses
// only the new bytes; a line is parsed once its newline has arrived, so a line being written
// waits and a torn line in the middle is reported by number. Pure: the dashboard's worker
// feeds it file chunks, tests feed it strings.

import type { RunState } from './runFolder';

/** Whether a run is known to have stopped writing its files: finished, failed, cancelled, or
 * stale (its process gone). A last line without its newline is then torn; while the run runs, or
 * where its state is unknown, it is a line being written, which waits for the rest. */
export function stoppedWriting(state: RunState): boolean {
  return state !== 'running' && state !== 'unknown';
}

/** The problem of a run file's torn last line (stoppedWriting). */
export function tornLastLine(file: string, line: number): string {
  return `${file} line ${line} is incomplete: the run stopped while writing it`;
}

/** What a whole read of a run's JSON-lines file (ended with JsonlTail.end) could not read, in
 * words alike wherever such a file is read: its bad lines, and a last line cut off: torn by a
 * run that stopped, or still being written by a running (`writing`) one, which whoever reads
 * `reader`'s numbers should know they are on a live run. */
export function lineProblems(file: string, read: TailBatch<unknown> & { cutLine?: number }, writing: boolean, reader: string): string[] {
  const bad = read.skippedLines.filter((line) => line !== read.cutLine);
  const cut = read.cutLine;
  return [
    ...(bad.length > 0 ? [`${file}: skipped ${bad.length} bad line(s), first at line ${bad[0]}`] : []),
    ...(cut === undefined ? [] : writing ? [`${file} line ${cut} is incomplete: the run is still writing it (${reader} is on a live run)`] : [tornLastLine(file, cut)]),
  ];
}

export interface TailBatch<T> {
  records: T[];
  /** 1-based line numbers of complete lines that were not valid records. */
  skippedLines: number[];
}

export type RecordCheck<T> = (value: unknown) => value is T;
/** A cheap test of a line's text before JSON.parse: lines it turns down are neither parsed nor skipped. */
export type LineFilter = (line: string) => boolean;

const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8');
/** Node's Buffer decodes UTF-8 faster than TextDecoder; the browser has only the latter
 * (reached through globalThis so that webview bundles type-check without Node's types). */
const nodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'utf8'): string } } }).Buffer;
const decode: (bytes: Uint8Array) => string = nodeBuffer
  ? (bytes) => nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  : (bytes) => utf8.decode(bytes);

export class JsonlTail<T> {
  /** Bytes after the last newline (a line being written); never split inside a character. */
  private partialBytes: Uint8Array = new Uint8Array(0);
  private partialText = '';
  private lineCount = 0;

  constructor(
    private readonly isRecord: RecordCheck<T>,
    private readonly wanted?: LineFilter,
  ) {}

  /** Complete lines so far (the next line's number is this + 1). */
  get lines(): number {
    return this.lineCount;
  }

  /** The last line received so far without its newline ('' when none). */
  get pendingLine(): string {
    return this.partialText + decode(this.partialBytes);
  }

  push(chunk: Uint8Array | string): TailBatch<T> {
    return typeof chunk === 'string' ? this.pushText(chunk) : this.pushBytes(chunk);
  }

  /** The end of the file: its last line without a newline is read as a line; `cutLine`, its
   * number, where it is not JSON at all (cut off while it was written, not a bad record). */
  end(): TailBatch<T> & { cutLine?: number } {
    const last = this.pendingLine;
    this.partialBytes = new Uint8Array(0);
    this.partialText = '';
    if (last === '') return { records: [], skippedLines: [] };
    const batch = this.pushText(`${last}\n`);
    return batch.skippedLines.includes(this.lineCount) && !parses(last) ? { ...batch, cutLine: this.lineCount } : batch;
  }

  private pushBytes(chunk: Uint8Array): TailBatch<T> {
    // Cut at the last newline: a newline byte never occurs inside a multi-byte character.
    const last = chunk.lastIndexOf(NEWLINE);
    // Copies (new Uint8Array(view)), not views: a caller may reuse its buffer, and Buffer's
    // slice() is a view.
    if (last === -1) {
      this.partialBytes = concat(this.partialBytes, new Uint8Array(chunk));
      return { records: [], skippedLines: [] };
    }
    const head = concat(this.partialBytes, chunk.subarray(0, last + 1));
    this.partialBytes = new Uint8Array(chunk.subarray(last + 1));
    return this.pushText(decode(head));
  }

  private pushText(chunk: string): TailBatch<T> {
    const text = this.partialText === '' ? chunk : this.partialText + chunk;
    const batch: TailBatch<T> = { records: [], skippedLines: [] };
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.lineCount++;
      if (end > start) {
        const line = text.slice(start, end);
        if (!this.wanted || this.wanted(line)) this.parseLine(line, batch);
      }
      start = end + 1;
    }
    this.partialText = text.slice(start);
    return batch;
  }

  private parseLine(line: string, batch: TailBatch<T>): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (line.trim() !== '') batch.skippedLines.push(this.lineCount);
      return;
    }
    if (this.isRecord(value)) batch.records.push(value);
    else batch.skippedLines.push(this.lineCount);
  }
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
