// A metrics.jsonl in a temporary folder and a MetricsFiles follower recording its updates and
// its `changed` calls; `run` removes the folder afterwards, whatever the test did.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsFiles, type MetricsUpdate } from '../../src/workers/metrics';

export async function withFollowedMetrics(body: (file: string, files: MetricsFiles, updates: MetricsUpdate[], changed: string[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ptlab-metrics-'));
  const updates: MetricsUpdate[] = [];
  const changed: string[] = [];
  try {
    await body(join(dir, 'metrics.jsonl'), new MetricsFiles((u) => updates.push(u), (folder) => changed.push(folder)), updates, changed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
