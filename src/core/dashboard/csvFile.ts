// The dashboard's Export CSV, written by the metrics worker: many runs at full resolution outgrow
// one string (V8's limit is about 512M characters), so rows are written as they are made.
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { tempBeside } from '../tempFile';
import { csvLine, type CsvRow } from './model';

const CHUNK_CHARS = 1 << 20;

/**
 * Writes `rows` to `file` in chunks of about `chunkChars` characters, under a temporary name
 * renamed over `file` once complete: a failure leaves `file` as it was (the dashboard says why, naming it).
 */
export async function writeCsvFile(file: string, rows: Iterable<CsvRow>, chunkChars = CHUNK_CHARS): Promise<void> {
  const temp = tempBeside(file);
  try {
    const handle = await open(temp, 'wx');
    try {
      await writeChunks(handle, rows, chunkChars);
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function writeChunks(handle: FileHandle, rows: Iterable<CsvRow>, chunkChars: number): Promise<void> {
  let chunk = '';
  for (const row of rows) {
    chunk += csvLine(row);
    if (chunk.length < chunkChars) continue;
    await handle.write(chunk);
    chunk = '';
  }
  await handle.write(chunk);
}
