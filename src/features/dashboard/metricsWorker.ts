// Worker thread (dist/metricsWorker.js): parses metrics.jsonl off the extension host.
import { parentPort } from 'node:worker_threads';
import { MetricsTailer } from './metricsTailer';

export type ToMetricsWorker =
  | { type: 'files'; files: { folder: string; path: string }[] }
  | { type: 'poll'; folders?: string[] }
  | { type: 'rewind' };

const port = parentPort!;
const tailer = new MetricsTailer((update) => port.postMessage(update));
port.on('message', (message: ToMetricsWorker) => {
  switch (message.type) {
    case 'files':
      tailer.setFiles(message.files);
      void tailer.poll();
      return;
    case 'poll':
      void tailer.poll(message.folders);
      return;
    case 'rewind':
      tailer.rewind();
      void tailer.poll();
      return;
  }
});
