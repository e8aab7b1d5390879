// The host messages the dashboard would get for a folder of runs, without VS Code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { batchOf } from '../../src/core/dashboard/model';
import { JsonlTail } from '../../src/core/runs/jsonlTail';
import { isMetricRecordShape } from '../../src/core/runs/metricShape';
import { readRunFolder } from '../../src/core/runs/runFolder';
import { runInfo } from '../../src/core/runs/runInfo';
import type { ToDashboard } from '../../src/protocol/dashboard';

/** Host messages for every run folder under `root` (what the extension would send). */
export function runMessages(root: string): ToDashboard[] {
  const folders: string[] = [];
  const walk = (dir: string): void => {
    if (existsSync(join(dir, 'run.json'))) folders.push(dir);
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
  };
  walk(root);
  const base = join(root, '..');
  const infos = folders.sort().map((dir) => runInfo(readRunFolder(relative(base, dir), readFileSync(join(dir, 'run.json'), 'utf8'))));
  const messages: ToDashboard[] = [{ type: 'runs/set', runs: infos }];
  folders.forEach((dir, i) => {
    const tail = new JsonlTail(isMetricRecordShape);
    const batch = tail.push(existsSync(join(dir, 'metrics.jsonl')) ? readFileSync(join(dir, 'metrics.jsonl')) : '');
    messages.push({ type: 'records/append', folder: infos[i]!.folder, reset: true, batch: batchOf(batch.records), skippedLines: batch.skippedLines, pendingLine: tail.pendingLine !== '' });
  });
  return messages;
}
