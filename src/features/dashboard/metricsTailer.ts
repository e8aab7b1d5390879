// Follows metrics.jsonl files by reading only the bytes appended since the last look; a file
// that shrank or was replaced (a resume drops records after its checkpoint, atomically) is
// read again from the start. No vscode import: runs inside the dashboard's worker thread.
import { promises as fs } from 'node:fs';
import type { MetricRecord } from '../../core/contracts/generated/types';
import { batchOf, type MetricBatch } from '../../core/dashboard/model';
import { JsonlTail } from '../../core/runs/jsonlTail';
import { isMetricRecordShape } from '../../core/runs/metricShape';

export interface TailUpdate {
  folder: string;
  reset: boolean;
  /** The new records, as columns. */
  batch: MetricBatch;
  skippedLines: number[];
  pendingLine: boolean;
}

const CHUNK_BYTES = 1024 * 1024;

interface Followed {
  path: string;
  offset: number;
  inode: number;
  tail: JsonlTail<MetricRecord>;
  busy: Promise<void>;
}

export class MetricsTailer {
  private readonly files = new Map<string, Followed>();

  constructor(private readonly emit: (update: TailUpdate) => void) {}

  /** Follow exactly these run folders' metric files (folder -> file path). */
  setFiles(files: readonly { folder: string; path: string }[]): void {
    const wanted = new Set(files.map((f) => f.folder));
    for (const folder of this.files.keys()) if (!wanted.has(folder)) this.files.delete(folder);
    for (const { folder, path } of files) {
      const known = this.files.get(folder);
      if (!known || known.path !== path) this.files.set(folder, { path, offset: 0, inode: -1, tail: new JsonlTail(isMetricRecordShape), busy: Promise.resolve() });
    }
  }

  /** Forget what was read: the next poll sends every file again from the start. */
  rewind(): void {
    for (const f of this.files.values()) {
      f.busy = f.busy.then(() => {
        f.offset = 0;
        f.inode = -1;
      });
    }
  }

  /** Read what was appended to the given folders' files (all when omitted). */
  async poll(folders?: readonly string[]): Promise<void> {
    const targets = [...this.files.entries()].filter(([folder]) => !folders || folders.includes(folder));
    await Promise.all(targets.map(([folder, f]) => (f.busy = f.busy.then(() => this.read(folder, f)).catch(() => undefined))));
  }

  private async read(folder: string, f: Followed): Promise<void> {
    let stat;
    try {
      stat = await fs.stat(f.path);
    } catch {
      return; // not written yet
    }
    const reset = stat.ino !== f.inode || stat.size < f.offset;
    if (reset) {
      f.offset = 0;
      f.inode = stat.ino;
      f.tail = new JsonlTail(isMetricRecordShape);
    }
    if (!reset && stat.size === f.offset) return;
    // One update per chunk: records are handed on as they are parsed, never all held at once.
    let first = reset;
    const handle = await fs.open(f.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      do {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, stat.size - f.offset), f.offset);
        f.offset += bytesRead;
        const batch = f.tail.push(buffer.subarray(0, bytesRead));
        const done = bytesRead === 0 || f.offset >= stat.size;
        if (batch.records.length > 0 || batch.skippedLines.length > 0 || first || done) {
          this.emit({ folder, reset: first, batch: batchOf(batch.records), skippedLines: batch.skippedLines, pendingLine: f.tail.pendingLine.trim() !== '' });
          first = false;
        }
        if (done) break;
      } while (f.offset < stat.size);
    } finally {
      await handle.close();
    }
  }
}
