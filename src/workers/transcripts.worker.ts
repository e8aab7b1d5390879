// The transcript viewer's worker thread: indexes one episodes source (path in workerData: an
// episodes.jsonl, or another trainer's dump folder) and
// answers queries, windows, summaries and records, so a 1 GB log never blocks the extension host.
import { workerData } from 'node:worker_threads';
import { EpisodeFile } from '../core/transcripts/episodeFile';
import { serveWorker } from './rpc';
import type { TranscriptEvents, TranscriptRequests, TranscriptWorkerData } from './transcripts';

const file = new EpisodeFile((workerData as TranscriptWorkerData).path);

const { emit } = serveWorker<TranscriptRequests, TranscriptEvents>({
  query: ({ query, start, count }) => file.query(query, start, count, (fraction) => emit('search', { fraction })),
  window: ({ start, count, generation }) => file.window(start, count, generation),
  summary: () => file.failureSummary(),
  record: ({ row }) => file.readRow(row),
});

file.build((progress) => emit('progress', { progress, facets: file.facets() })).catch((err: Error) => emit('failed', { error: err.message }));
