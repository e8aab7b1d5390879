// The transcript viewer's worker thread: indexes one episodes source (path in workerData: an
// episodes.jsonl, or another trainer's dump folder) and
// answers queries, windows, summaries and records, so a 1 GB log never blocks the extension host.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { EpisodeFile } from '../core/transcripts/episodeFile';
import { episodeGroup, samePrompt, seedHistory } from '../core/transcripts/related';
import { TOKEN_RECORDS_FILE, TokenRecordFile } from '../core/transcripts/tokenRecords';
import { serveWorker } from './rpc';
import type { TranscriptEvents, TranscriptRequests, TranscriptWorkerData } from './transcripts';

const { path, staleSeconds } = workerData as TranscriptWorkerData;
const file = new EpisodeFile(path, staleSeconds);
let tokens: TokenRecordFile | undefined; // our run's tokens.jsonl, next to its episodes.jsonl

/** The per-token records of one of our episodes; other trainers' dumps have none. */
function episodeTokens(step: number, split: string, episode: number) {
  if (file.kind !== 'ptlab') return Promise.resolve(undefined);
  tokens ??= new TokenRecordFile(join(statSync(path).isDirectory() ? path : dirname(path), TOKEN_RECORDS_FILE));
  return tokens.episode(step, split, episode);
}

/** A rollout episode's group (same update and seed; another trainer's: same step and prompt), or an evaluation seed's episodes at every step. */
async function related(row: number) {
  const { record } = await file.readRow(row);
  if (typeof record === 'string') return {};
  const { step, split, seed } = record;
  if (record.source?.format === 'trl-completions') {
    const group = episodeGroup(samePrompt(record, await file.records({ stepMin: step, stepMax: step })));
    return group ? { group } : {};
  }
  if (seed === undefined || seed < 0 || record.source) return {};
  if (split === 'train') {
    const group = episodeGroup(await file.records({ splits: ['train'], stepMin: step, stepMax: step, seeds: [seed] }));
    return group ? { group } : {};
  }
  const history = seedHistory(await file.records({ splits: [split], seeds: [seed] }));
  return history ? { history } : {};
}

const { emit } = serveWorker<TranscriptRequests, TranscriptEvents>({
  query: ({ query, start, count }) => file.query(query, start, count, (fraction) => emit('search', { fraction })),
  window: ({ start, count, generation }) => file.window(start, count, generation),
  summary: () => file.failureSummary(),
  record: ({ row }) => file.readRow(row),
  tokens: ({ step, split, episode }) => episodeTokens(step, split, episode),
  related: ({ row }) => related(row),
});

file.build((progress) => emit('progress', { progress, facets: file.facets() })).catch((err: Error) => emit('failed', { error: err.message }));
