// The episodes of a source (src/core/transcripts/episodeSources.ts: our episodes.jsonl, or
// another trainer's dumps) as the transcript viewer reads them: indexed in chunks (the first
// small, so the first page is there at once), lines read back by byte offset, text search by a
// sequential pass over the matching rows. Our episodes.jsonl is followed as a run writes it: each
// query first indexes what was appended, or the whole file again when a resume replaced it; its last
// line without a newline waits while the run runs, and is reported torn once it has stopped. Runs inside the worker
// (src/workers/transcripts.worker.ts); no vscode, so unit tests and the bench drive it directly.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { endedHere } from '../runs/processEnded';
import { stoppedWriting, tornLastLine } from '../runs/jsonlTail';
import { DEFAULT_STALE_SECONDS, folderState, readRunFolder, type RunState } from '../runs/runFolder';
import type { EpisodeRecord } from '../contracts/generated/types';
import type { EpisodeRow, FailureGroup, IndexProgress, QueryResult, TranscriptFacets, TranscriptQuery } from './types';
import { EpisodeIndex, LineSplitter, recordMatches, snippetOf, textNeedle } from './episodeIndex';
import { openEpisodeSource, type EpisodeSource, type Segment } from './episodeSources';

const FIRST_CHUNK = 256 * 1024;
const CHUNK = 4 * 1024 * 1024;
const SEARCH_CHUNK = 8 * 1024 * 1024;

interface TextSearch {
  matches: Uint8Array;
  /** Rows [0, scanned) are decided. */
  scanned: number;
}

export class EpisodeFile {
  private index = new EpisodeIndex();
  private source: EpisodeSource | undefined;
  /** The segments indexed so far, and where each starts in the index's byte space. */
  private readonly segments: Segment[] = [];
  /** The segments' notes, each once. */
  private readonly notes = new Set<string>();
  private readonly starts: number[] = [];
  /** Source bytes (on disk) indexed so far. */
  private position = 0;
  private done = false;
  private closed = false;
  private readonly searches = new Map<string, TextSearch>();
  private selection: { key: string; rows: Uint32Array; needle?: string; partial: boolean } | undefined;
  /** Bumped by every query: a search of an older one stops. */
  private generation = 0;
  /** Requests being answered: indexing waits for them (a page matters more than the rest of the index). */
  private answering = 0;
  /** Our episodes.jsonl as indexed: its inode, and where its next lines go (the splitter holds a last line still being written). */
  private growing: { inode: number; splitter: LineSplitter; add: (bytes: Buffer, offset: number) => void } | undefined;
  /** Our file's last line, left without its newline by a run that stopped (tornLastLine). */
  private torn: string | undefined;
  /** A catch-up with the file in progress: queries that come together wait for the one. */
  private following: Promise<void> | undefined;
  private report: (p: IndexProgress) => void = () => undefined;
  private everyMs = 200;

  /** `path`: an episodes.jsonl, a run folder, or another trainer's dump folder (openEpisodeSource);
   * `staleSeconds`: a running run whose heartbeat is older has stopped (runState). */
  constructor(
    readonly path: string,
    private readonly staleSeconds = DEFAULT_STALE_SECONDS,
  ) {}

  /** What was opened: ours or another trainer's, once build() has started. */
  get kind(): EpisodeSource['kind'] | undefined {
    return this.source?.kind;
  }

  /** Indexes every segment, reporting after the first (small) chunk and then every `everyMs` (and after a query found the file changed). */
  async build(report: (p: IndexProgress) => void, everyMs = 200): Promise<IndexProgress> {
    this.report = report;
    this.everyMs = everyMs;
    return this.indexSource(await openEpisodeSource(this.path));
  }

  private async indexSource(source: EpisodeSource): Promise<IndexProgress> {
    this.source = source;
    const { report, everyMs } = this;
    const several = source.kind !== 'ptlab';
    let chunk = Buffer.alloc(FIRST_CHUNK);
    let last = 0;
    let end = 0;
    for (let s = 0; s < source.fileBytes.length && !this.closed; s++) {
      const segment = await source.segment(s);
      const start = end;
      this.segments.push(segment);
      this.starts.push(start);
      for (const note of segment.notes ?? []) this.notes.add(note);
      const splitter = new LineSplitter();
      let line = 0;
      const add = (bytes: Buffer, offset: number) => this.index.addLine(bytes, offset, { line: ++line, segment: s, ...(several ? { file: segment.name } : {}) }, segment.parse);
      let at = 0;
      const onDisk = source.fileBytes[s]!;
      const indexed = this.position;
      while (at < segment.size) {
        await this.afterAnswers();
        const bytesRead = await segment.read(chunk, 0, Math.min(chunk.length, segment.size - at), at);
        if (bytesRead === 0) break;
        splitter.push(chunk.subarray(0, bytesRead), start + at, add);
        at += bytesRead;
        this.position = indexed + Math.round((onDisk * at) / segment.size);
        if (chunk.length === FIRST_CHUNK) {
          if (start + at < FIRST_CHUNK) continue; // a source of small files: its first page may span several
          chunk = Buffer.alloc(CHUNK); // the lines handed out above are copies or already parsed
          report(this.progress());
          last = Date.now();
        } else if (Date.now() - last >= everyMs) {
          report(this.progress());
          last = Date.now();
        }
      }
      // Our file's last line without its newline is being written: it waits for the rest.
      if (several) splitter.finish(add);
      else this.growing = { inode: segment.inode ?? -1, splitter, add };
      this.position = indexed + onDisk;
      end = start + segment.size;
    }
    if (chunk.length === FIRST_CHUNK) report(this.progress()); // the first page: the whole source was smaller
    await this.checkTorn();
    this.done = true;
    const final = this.progress();
    report(final);
    return final;
  }

  progress(): IndexProgress {
    const torn = this.torn ? [this.torn] : [];
    return {
      bytes: this.position,
      size: this.source?.bytes ?? 0,
      episodes: this.index.size,
      skipped: this.index.skipped.count + torn.length,
      skippedExamples: [...this.index.skipped.examples.map((e) => `${e.file ? `${e.file} ` : ''}line ${e.line}: ${e.reason}`), ...torn],
      notes: [...this.notes],
      done: this.done,
    };
  }

  facets(): TranscriptFacets {
    return this.index.facets();
  }

  /** The query's rows [start, start + count), of our file as it is now; a text query first finishes its pass over the file. */
  async query(query: TranscriptQuery, start: number, count: number, onSearch?: (fraction: number) => void): Promise<QueryResult> {
    await this.follow();
    return this.first(() => this.runQuery(query, start, count, onSearch));
  }

  /** Once indexed, our episodes.jsonl is caught up with at each query (other trainers' dumps are read as they were at open). */
  private follow(): Promise<void> {
    if (this.following) return this.following;
    if (!this.done || this.closed || !this.growing) return Promise.resolve();
    this.following = this.catchUp().finally(() => (this.following = undefined));
    return this.following;
  }

  /** Indexes what the run appended; a file replaced (a resumed run rewrites it without the episodes after its checkpoint) or shrunk, again from the start. */
  private async catchUp(): Promise<void> {
    const segment = this.segments[0]!;
    const now = await stat(this.source!.path).catch(() => undefined);
    if (!now || (now.ino === this.growing!.inode && now.size === segment.size)) {
      // unchanged, or gone: what was read stays, its last line torn once the run has stopped
      const torn = this.torn;
      if (torn !== (await this.checkTorn())) this.report(this.progress());
      return;
    }
    if (now.ino !== this.growing!.inode || now.size < segment.size) await this.reindex();
    else {
      await this.extend(segment, now.size);
      await this.checkTorn();
    }
    this.report(this.progress());
  }

  /** Whether our file's last line without its newline is torn: its run has stopped writing (run.json beside it says so). */
  private async checkTorn(): Promise<string | undefined> {
    const pending = this.growing?.splitter.pending;
    this.torn = pending && stoppedWriting(await this.runState()) ? tornLastLine(basename(this.source!.path), this.index.lines + 1) : undefined;
    return this.torn;
  }

  /** The state of the run writing our file, from the run.json beside it ('unknown' without a valid one). */
  private async runState(): Promise<RunState> {
    const folder = dirname(this.source!.path);
    const text = await readFile(join(folder, 'run.json'), 'utf8').catch(() => undefined);
    return text === undefined ? 'unknown' : folderState(readRunFolder(folder, text), Date.now(), this.staleSeconds, endedHere);
  }

  /** Indexes our file's lines from where the last read stopped to `size`. */
  private async extend(segment: Segment, size: number): Promise<void> {
    const { splitter, add } = this.growing!;
    const chunk = Buffer.alloc(Math.min(CHUNK, size - segment.size));
    while (segment.size < size && !this.closed) {
      await this.afterAnswers();
      const bytesRead = await segment.read(chunk, 0, Math.min(chunk.length, size - segment.size), segment.size);
      if (bytesRead === 0) break;
      splitter.push(chunk.subarray(0, bytesRead), segment.size, add);
      segment.size += bytesRead;
    }
    this.position = this.source!.bytes = this.source!.fileBytes[0] = segment.size;
  }

  private async reindex(): Promise<void> {
    const source = await openEpisodeSource(this.path); // before forgetting the old one: a file gone meanwhile leaves it shown
    this.generation++; // a search of the old file stops
    await this.afterAnswers();
    await Promise.all(this.segments.splice(0).map((s) => s.close()));
    this.starts.length = 0;
    this.notes.clear();
    this.index = new EpisodeIndex();
    this.searches.clear();
    this.selection = undefined;
    this.position = 0;
    this.done = false;
    this.growing = undefined;
    this.torn = undefined;
    await this.indexSource(source);
  }

  /** Indexing waits for the requests being answered. */
  private async afterAnswers(): Promise<void> {
    while (this.answering > 0) await new Promise((r) => setTimeout(r, 1));
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
      const record = this.parse(i, lines[k]!);
      rows.push(this.row(i, typeof record === 'string' ? { snippet: '' } : snippetOf(record, selection.needle)));
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
    const buffer = await this.readRange(from, to - from);
    return Array.from(rows, (i) => {
      const { offset, length } = this.index.location(i);
      return buffer.toString('utf8', offset - from, offset - from + length);
    });
  }

  /** `length` bytes from `from` in the index's byte space, across segments. */
  private async readRange(from: number, length: number): Promise<Buffer> {
    if (!this.source) throw new Error('the episodes are not open');
    const buffer = Buffer.alloc(length);
    let s = this.segmentAt(from);
    let filled = 0;
    while (filled < length && s < this.segments.length) {
      const segment = this.segments[s]!;
      const at = from + filled - this.starts[s]!;
      const n = Math.min(length - filled, segment.size - at);
      if (n > 0) filled += await segment.read(buffer, filled, n, at);
      s++;
    }
    return buffer;
  }

  private segmentAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Row i's line as a record, read by its segment's format. */
  private parse(i: number, text: string): EpisodeRecord | string {
    const { segment, line } = this.index.location(i);
    return this.segments[segment]!.parse(text, line);
  }

  /** The list's row i: with its file when the source has several. */
  private row(i: number, { snippet, match }: Pick<EpisodeRow, 'snippet' | 'match'>): EpisodeRow {
    const row = this.index.row(i, snippet);
    if (match) row.match = match;
    if (this.source && this.source.kind !== 'ptlab') row.file = this.segments[this.index.location(i).segment]!.name;
    return row;
  }

  failureSummary(): FailureGroup[] {
    return this.index.failureSummary(this.selection?.rows ?? this.index.select({}));
  }

  /** The records of the rows a query selects without text (the first `limit`), for the detail's related episodes. */
  async records(query: TranscriptQuery, limit = 500): Promise<{ row: number; record: EpisodeRecord }[]> {
    return this.first(async () => {
      const rows = this.index.select(query).subarray(0, limit);
      const lines = await this.readRows(rows);
      const found: { row: number; record: EpisodeRecord }[] = [];
      rows.forEach((i, k) => {
        const record = this.parse(i, lines[k]!);
        if (typeof record !== 'string') found.push({ row: i, record });
      });
      return found;
    });
  }

  /** Row i's line, parsed (or why it does not parse now: the file changed under us), and where it is. */
  async readRow(i: number): Promise<{ raw: string; line: number; file?: string; record: EpisodeRecord | string }> {
    const { offset, length, line, segment } = this.index.location(i);
    const raw = (await this.readRange(offset, length)).toString('utf8');
    const file = this.source?.kind !== 'ptlab' ? this.segments[segment]?.name : undefined;
    return { raw, line, ...(file ? { file } : {}), record: this.parse(i, raw) };
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
      const buffer = await this.readRange(first.offset, last.offset + last.length - first.offset);
      for (let i = from; i < end; i++) {
        const { offset, length } = this.index.location(i);
        const text = buffer.toString('utf8', offset - first.offset, offset - first.offset + length);
        if (raw !== undefined && !text.toLowerCase().includes(raw)) continue; // cheap test on the raw JSON first
        const record = this.parse(i, text);
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
    this.closed = true;
    await Promise.all(this.segments.splice(0).map((s) => s.close()));
  }
}
