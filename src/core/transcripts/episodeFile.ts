// One episodes.jsonl on disk, as the transcript viewer reads it: indexed in chunks (the
// first small, so the first page is there at once), lines read back by byte offset, text
// search by a sequential pass over the matching rows. Runs inside the worker
// (src/workers/transcripts.worker.ts); no vscode, so unit tests and the bench drive it directly.
import { open, type FileHandle } from 'node:fs/promises';
import type { EpisodeRecord } from '../contracts/generated/types';
import type { EpisodeRow, FailureGroup, IndexProgress, QueryResult, TranscriptFacets, TranscriptQuery } from './types';
import { EpisodeIndex, LineSplitter, recordMatches, snippetOf, summarizeLine, textNeedle } from './episodeIndex';

const FIRST_CHUNK = 256 * 1024;
const CHUNK = 4 * 1024 * 1024;
const SEARCH_CHUNK = 8 * 1024 * 1024;

interface TextSearch {
  matches: Uint8Array;
  /** Rows [0, scanned) are decided. */
  scanned: number;
}

export class EpisodeFile {
  readonly index = new EpisodeIndex();
  private handle: FileHandle | undefined;
  private position = 0;
  private done = false;
  private readonly searches = new Map<string, TextSearch>();
  private selection: { key: string; rows: Uint32Array; needle?: string; partial: boolean } | undefined;
  /** Bumped by every query: a search of an older one stops. */
  private generation = 0;
  /** Requests being answered: indexing waits for them (a page matters more than the rest of the index). */
  private answering = 0;

  constructor(readonly path: string) {}

  /** Indexes the whole file, reporting after the first (small) chunk and then every `everyMs`. */
  async build(report: (p: IndexProgress) => void, everyMs = 200): Promise<IndexProgress> {
    this.handle = await open(this.path, 'r');
    const { size } = await this.handle.stat();
    const splitter = new LineSplitter();
    const add = (bytes: Buffer, offset: number) => this.index.addLine(bytes, offset);
    let chunk = Buffer.alloc(FIRST_CHUNK);
    let last = 0;
    while (this.position < size) {
      while (this.answering > 0) await new Promise((r) => setTimeout(r, 1));
      const { bytesRead } = await this.handle.read(chunk, 0, Math.min(chunk.length, size - this.position), this.position);
      if (bytesRead === 0) break;
      splitter.push(chunk.subarray(0, bytesRead), this.position, add);
      this.position += bytesRead;
      if (chunk.length === FIRST_CHUNK) {
        chunk = Buffer.alloc(CHUNK); // the lines handed out above are copies or already parsed
        report(this.progress(size));
        last = Date.now();
      } else if (Date.now() - last >= everyMs) {
        report(this.progress(size));
        last = Date.now();
      }
    }
    splitter.finish(add);
    this.done = true;
    const final = this.progress(size);
    report(final);
    return final;
  }

  progress(size: number): IndexProgress {
    return {
      bytes: this.position,
      size,
      episodes: this.index.size,
      skipped: this.index.skipped.count,
      skippedExamples: this.index.skipped.examples.map((e) => `line ${e.line}: ${e.reason}`),
      done: this.done,
    };
  }

  facets(): TranscriptFacets {
    return this.index.facets();
  }

  /** The query's rows [start, start + count); a text query first finishes its pass over the file. */
  async query(query: TranscriptQuery, start: number, count: number, onSearch?: (fraction: number) => void): Promise<QueryResult> {
    return this.first(() => this.runQuery(query, start, count, onSearch));
  }

  private async first<T>(answer: () => Promise<T>): Promise<T> {
    this.answering++;
    try {
      return await answer();
    } finally {
      this.answering--;
    }
  }

  private async runQuery(query: TranscriptQuery, start: number, count: number, onSearch?: (fraction: number) => void): Promise<QueryResult> {
    const generation = ++this.generation;
    const needle = query.text?.trim() ? query.text.trim() : undefined;
    let matches: Uint8Array | undefined;
    if (needle) {
      matches = await this.search(needle, generation, onSearch);
      if (!matches) return { generation, total: 0, start, rows: [], partial: !this.done, searching: 0 }; // superseded
    }
    const rows = this.index.select(query, matches);
    this.selection = { key: JSON.stringify(query), rows, needle: needle ? textNeedle(needle).needle : undefined, partial: !this.done };
    return this.readWindow(start, count, generation);
  }

  /** Another window of the last query's rows. */
  window(start: number, count: number, generation = this.generation): Promise<QueryResult> {
    return this.first(() => this.readWindow(start, count, generation));
  }

  private async readWindow(start: number, count: number, generation: number): Promise<QueryResult> {
    const selection = this.selection;
    if (!selection) return { generation, total: 0, start, rows: [], partial: !this.done };
    const wanted = selection.rows.subarray(start, start + count);
    const lines = await this.readRows(wanted);
    const rows: EpisodeRow[] = [];
    wanted.forEach((i, k) => {
      const record = summarizeLine(lines[k]!);
      rows.push(this.index.row(i, typeof record === 'string' ? '' : snippetOf(record, selection.needle)));
    });
    return { generation, total: selection.rows.length, start, rows, partial: selection.partial };
  }

  /** The lines of these rows: one read when they lie close together (a page in file order), else one each. */
  private async readRows(rows: Uint32Array): Promise<string[]> {
    if (!rows.length) return [];
    let from = Infinity;
    let to = 0;
    for (const i of rows) {
      const { offset, length } = this.index.location(i);
      from = Math.min(from, offset);
      to = Math.max(to, offset + length);
    }
    if (to - from > SEARCH_CHUNK) return Promise.all(Array.from(rows, async (i) => (await this.readRow(i)).raw));
    const buffer = Buffer.alloc(to - from);
    await this.handle!.read(buffer, 0, buffer.length, from);
    return Array.from(rows, (i) => {
      const { offset, length } = this.index.location(i);
      return buffer.toString('utf8', offset - from, offset - from + length);
    });
  }

  failureSummary(): FailureGroup[] {
    return this.index.failureSummary(this.selection?.rows ?? this.index.select({}));
  }

  /** Row i's line, parsed (or why it does not parse now: the file changed under us). */
  async readRow(i: number): Promise<{ raw: string; line: number; record: EpisodeRecord | string }> {
    if (!this.handle) throw new Error('the episodes file is not open');
    const { offset, length, line } = this.index.location(i);
    const buffer = Buffer.alloc(length);
    await this.handle.read(buffer, 0, length, offset);
    const raw = buffer.toString('utf8');
    return { raw, line, record: summarizeLine(raw) };
  }

  /** Which rows contain the text, decided for every row indexed so far; undefined when superseded. */
  private async search(text: string, generation: number, onSearch?: (fraction: number) => void): Promise<Uint8Array | undefined> {
    const { needle, raw } = textNeedle(text);
    let search = this.searches.get(needle);
    if (!search || search.matches.length < this.index.size) {
      const matches = new Uint8Array(Math.max(this.index.size, 1));
      if (search) matches.set(search.matches);
      search = { matches, scanned: search?.scanned ?? 0 };
      if (this.searches.size > 8) this.searches.delete(this.searches.keys().next().value!);
      this.searches.set(needle, search);
    }
    const to = this.index.size;
    let lastReport = Date.now();
    while (search.scanned < to) {
      if (generation !== this.generation) return undefined;
      const from = search.scanned;
      const first = this.index.location(from);
      let end = from + 1;
      while (end < to) {
        const next = this.index.location(end);
        if (next.offset + next.length - first.offset > SEARCH_CHUNK) break;
        end++;
      }
      const last = this.index.location(end - 1);
      const buffer = Buffer.alloc(last.offset + last.length - first.offset);
      await this.handle!.read(buffer, 0, buffer.length, first.offset);
      for (let i = from; i < end; i++) {
        const { offset, length } = this.index.location(i);
        const text = buffer.toString('utf8', offset - first.offset, offset - first.offset + length);
        if (raw !== undefined && !text.toLowerCase().includes(raw)) continue; // cheap test on the raw JSON first
        const record = summarizeLine(text);
        if (typeof record !== 'string' && recordMatches(record, needle)) search.matches[i] = 1;
      }
      search.scanned = end;
      if (onSearch && Date.now() - lastReport > 200) {
        onSearch(end / to);
        lastReport = Date.now();
      }
    }
    return search.matches;
  }

  async close(): Promise<void> {
    this.generation++;
    await this.handle?.close();
    this.handle = undefined;
  }
}
