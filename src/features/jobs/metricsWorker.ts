// A worker thread (dist/metricsWorker.js) that follows metrics.jsonl files, so reading and
// parsing large logs never blocks the extension host.
import { open, stat } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { emptyTail, feed, type TailState } from '../../core/runs/metricsTail';
import type { FromMetricsWorker, ToMetricsWorker } from '../../protocol/metricsWorker';

const CHUNK = 4 * 1024 * 1024;
const tails = new Map<string, { state: TailState; inode: number }>();

async function read(file: string): Promise<{ state: TailState; bytes: number }> {
  const info = await stat(file);
  let entry = tails.get(file);
  // The trainer rewrites the file (temp + rename) when a resumed run drops records past its checkpoint.
  if (!entry || entry.inode !== info.ino || info.size < entry.state.offset) entry = { state: emptyTail(), inode: info.ino };
  const handle = await open(file, 'r');
  let bytes = 0;
  try {
    const buffer = new Uint8Array(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, entry.state.offset);
      if (bytesRead === 0) break;
      entry.state = feed(entry.state, buffer.slice(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await handle.close();
  }
  tails.set(file, entry);
  return { state: entry.state, bytes };
}

parentPort?.on('message', (message: ToMetricsWorker) => {
  const started = performance.now();
  read(message.file).then(
    ({ state, bytes }) => post({ type: 'metrics/progress', id: message.id, file: message.file, progress: state.progress, bytes, parseMs: performance.now() - started }),
    (err: unknown) => post({ type: 'metrics/error', id: message.id, file: message.file, message: (err as Error).message }),
  );
});

function post(message: FromMetricsWorker): void {
  parentPort?.postMessage(message);
}
