// The metrics worker thread: see metrics.ts.
import { MetricsFiles, type MetricsEvents, type MetricsRequests } from './metrics';
import { serveWorker } from './rpc';

const metrics = new MetricsFiles((update) => emit('update', update));
const { emit } = serveWorker<MetricsRequests, MetricsEvents>({
  show: ({ files }) => {
    metrics.show(files);
    return metrics.poll();
  },
  poll: ({ folders }) => metrics.poll(folders),
  rewind: () => {
    metrics.rewind();
    return metrics.poll();
  },
  progress: ({ path }) => metrics.progress(path),
  alerts: ({ path, config }) => metrics.alerts(path, config),
});
