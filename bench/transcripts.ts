// Transcript viewer on a big log: `npm run bench:transcripts [-- SIZE_MB]` (default 1024).
// Writes /tmp/ptlab-bench-episodes-<SIZE>MB.jsonl once (real records from the fixtures with
// steps, episodes and seeds varied, plus a torn line every 10,000), then opens it as the
// viewer does (TranscriptClient + its worker thread) and prints the time to the first page,
// the time to the whole index, a filter, a search, and the process's peak RSS (extension-host
// side and worker together: one process).
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { TranscriptClient } from '../src/workers/transcripts';

const repo = resolve(__dirname, '..', '..');
const sizeMb = Number(process.argv[2] ?? 1024);
const file = `/tmp/ptlab-bench-episodes-${sizeMb}MB.jsonl`;

function fixtureRecords(): Record<string, unknown>[] {
  const runs = ['compare/sft-final', 'compare/rl-final', 'transcripts/gp-vl', 'transcripts/virl-vl'];
  return runs.flatMap((run) =>
    readFileSync(join(repo, 'test', 'fixtures', 'workspace', 'runs', run, 'episodes.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
}

async function generate(): Promise<void> {
  if (existsSync(file) && statSync(file).size >= sizeMb * 1024 * 1024) return;
  const started = Date.now();
  const records = fixtureRecords();
  const out = createWriteStream(file);
  let written = 0;
  let n = 0;
  const target = sizeMb * 1024 * 1024;
  while (written < target) {
    const batch: string[] = [];
    for (let k = 0; k < 2000; k++, n++) {
      const base = records[n % records.length]!;
      const line = n % 10_000 === 9_999 ? '{"runId": "torn", "step": 1, "turns": [{"out' : JSON.stringify({ ...base, step: Math.floor(n / 5000) * 10, episode: n % 5000, seed: 1000 + n });
      batch.push(line);
    }
    const text = batch.join('\n') + '\n';
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  console.log(`wrote ${file}: ${(written / 1024 / 1024).toFixed(0)} MB, ${n.toLocaleString('en')} lines in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  await generate();
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t0 = performance.now();
  const client = new TranscriptClient(file, undefined, join(__dirname, '..', 'src', 'workers', 'transcripts.worker.js'));
  await client.started();
  const firstChunk = performance.now() - t0;
  const first = await client.request('query', { query: {}, start: 0, count: 100 });
  const firstPage = performance.now() - t0;
  const done = await client.indexed();
  const indexed = performance.now() - t0;
  const t1 = performance.now();
  const filtered = await client.request('query', { query: { splitKinds: ['ood'], success: false, sort: { key: 'reward', descending: true } }, start: 0, count: 100 });
  const filterMs = performance.now() - t1;
  const t2 = performance.now();
  const searched = await client.request('query', { query: { text: 'You recognized wrong cards' }, start: 0, count: 100 });
  const searchMs = performance.now() - t2;
  const t3 = performance.now();
  await client.request('window', { generation: searched.generation, start: Math.floor(searched.total / 2), count: 100 });
  const windowMs = performance.now() - t3;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await client.dispose();
  const mb = (x: number) => `${(x / 1024 / 1024).toFixed(0)} MB`;
  console.table({
    file: { value: `${mb(done.size)} (${file})` },
    'first page (100 rows)': { value: `${firstPage.toFixed(0)} ms (${first.rows.length} rows; worker up and first chunk indexed at ${firstChunk.toFixed(0)} ms)` },
    'whole index': { value: `${(indexed / 1000).toFixed(1)} s: ${done.episodes.toLocaleString('en')} episodes, ${done.skipped} torn lines skipped` },
    'filter + sort (OOD failures by reward)': { value: `${filterMs.toFixed(0)} ms, ${filtered.total.toLocaleString('en')} rows` },
    'full-text search': { value: `${(searchMs / 1000).toFixed(1)} s, ${searched.total.toLocaleString('en')} rows` },
    'a window mid-list': { value: `${windowMs.toFixed(0)} ms` },
    'RSS before opening': { value: mb(baseline) },
    'peak RSS (host side + worker)': { value: `${mb(peak)} (+${mb(peak - baseline)})` },
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
