// The metrics worker thread: see metrics.ts. It keeps the dashboard's records (DashboardData)
// and answers the dashboard's views from them.
import { writeCsvFile } from '../core/dashboard/csvFile';
import { DashboardData } from '../core/dashboard/view';
import { MetricsFiles, type MetricsEvents, type MetricsRequests } from './metrics';
import { serveWorker } from './rpc';

const dashboard = new DashboardData();
const metrics = new MetricsFiles(
  (update) => dashboard.apply(update),
  (folder) => emit('changed', { folder }),
);
const { emit } = serveWorker<MetricsRequests, MetricsEvents>({
  show: ({ runs, files, prefer }) => {
    dashboard.setRuns(runs);
    metrics.show(files);
    if (prefer !== undefined) metrics.prefer(prefer);
    return metrics.poll();
  },
  poll: ({ folders }) => metrics.poll(folders),
  view: ({ request }) => {
    metrics.prefer(request.selected); // a read under way goes on with the runs ticked now
    return dashboard.view(request);
  },
  csv: ({ request, path }) => writeCsvFile(path, dashboard.csvRows(request)),
  progress: ({ path }) => metrics.progress(path),
  runs: ({ folders }) => metrics.runs(folders),
  alerts: ({ path, config }) => metrics.alerts(path, config),
  evaluations: ({ path }) => metrics.evaluations(path),
  logProblems: ({ folder }) => metrics.logProblems(folder),
});
