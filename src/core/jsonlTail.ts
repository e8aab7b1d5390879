// Incremental JSON-lines reader for files that only grow (metrics.jsonl): each push parses
// only the new bytes; a line is parsed once its newline has arrived, so a line being written
// waits and a torn line in the middle is reported by number. Pure: the dashboard's worker
// feeds it file chunks, tests feed it strings.

export interface TailBatch<T> {
  records: T[];
  /** 1-based line numbers of complete lines that were not valid records. */
  skippedLines: number[];
}

export type RecordCheck<T> = (value: unknown) => value is T;

export class JsonlTail<T> {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  private lineCount = 0;

  constructor(private readonly isRecord: RecordCheck<T>) {}

  /** Complete lines so far (the next line's number is this + 1). */
  get lines(): number {
    return this.lineCount;
  }

  /** The bytes of the last line received so far without its newline ('' when none). */
  get pendingLine(): string {
    return this.partial;
  }

  push(chunk: Uint8Array | string): TailBatch<T> {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    const batch: TailBatch<T> = { records: [], skippedLines: [] };
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      this.lineCount++;
      this.parseLine(text.slice(start, end), batch);
      start = end + 1;
    }
    this.partial = text.slice(start);
    return batch;
  }

  private parseLine(line: string, batch: TailBatch<T>): void {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      batch.skippedLines.push(this.lineCount);
      return;
    }
    if (this.isRecord(value)) batch.records.push(value);
    else batch.skippedLines.push(this.lineCount);
  }
}
