// A folder of runs as the dashboard's metrics worker holds them, without VS Code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { batchOf } from '../../src/core/dashboard/model';
import { JsonlTail } from '../../src/core/runs/jsonlTail';
import { isMetricRecordShape } from '../../src/core/runs/metricShape';
import { readRunFolder } from '../../src/core/runs/runFolder';
import { runInfo } from '../../src/core/runs/runInfo';
import type { RunInfo } from '../../src/core/dashboard/model';
import { DashboardData, type RecordsUpdate } from '../../src/core/dashboard/view';

/** Every run folder under `root`: its summary and its records as the metrics worker reads them. */
export function fixtureRuns(root: string): { runs: RunInfo[]; updates: RecordsUpdate[] } {
  const folders: string[] = [];
  const walk = (dir: string): void => {
    if (existsSync(join(dir, 'run.json'))) folders.push(dir);
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
  };
  walk(root);
  const base = join(root, '..');
  const runs = folders.sort().map((dir) => runInfo(readRunFolder(relative(base, dir), readFileSync(join(dir, 'run.json'), 'utf8'))));
  const updates = folders.map((dir, i): RecordsUpdate => {
    const tail = new JsonlTail(isMetricRecordShape);
    const batch = tail.push(existsSync(join(dir, 'metrics.jsonl')) ? readFileSync(join(dir, 'metrics.jsonl')) : '');
    return { folder: runs[i]!.folder, reset: true, batch: batchOf(batch.records), skippedLines: batch.skippedLines, pendingLine: tail.pendingLine !== '' };
  });
  return { runs, updates };
}

/** The dashboard's data in the metrics worker for the runs under `root`. */
export function fixtureDashboard(root: string): DashboardData {
  const { runs, updates } = fixtureRuns(root);
  const data = new DashboardData();
  data.setRuns(runs);
  for (const update of updates) data.apply(update);
  return data;
}
