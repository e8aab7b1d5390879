// The transcript viewer's worker thread: indexes one episodes.jsonl (path in workerData) and
// answers queries, windows, summaries and records, so a 1 GB log never blocks the extension host.
import { parentPort, workerData } from 'node:worker_threads';
import { EpisodeFile } from './episodeFile';
import type { WorkerMessage, WorkerRequest } from './workerProtocol';

const port = parentPort!;
const file = new EpisodeFile((workerData as { path: string }).path);
const post = (message: WorkerMessage) => port.postMessage(message);
let facetsAt = -1;

const built = file
  .build((progress) => {
    // facets walk the index: only on the first report, then now and then, and at the end
    if (facetsAt < 0 || progress.done || progress.episodes > facetsAt * 2) facetsAt = progress.episodes;
    post({ event: 'progress', progress, facets: file.facets() });
  })
  .catch((err: Error) => post({ event: 'failed', error: err.message }));

async function answer(request: WorkerRequest): Promise<unknown> {
  switch (request.kind) {
    case 'query':
      return file.query(request.query, request.start, request.count, (fraction) => post({ event: 'search', fraction }));
    case 'window':
      return file.window(request.start, request.count, request.generation);
    case 'summary':
      return file.failureSummary();
    case 'record':
      return file.readRow(request.row);
  }
}

port.on('message', (request: WorkerRequest) => {
  answer(request).then(
    (value) => post({ id: request.id, ok: true, value }),
    (err: Error) => post({ id: request.id, ok: false, error: err.message }),
  );
});
void built;
