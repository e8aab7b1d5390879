// JSONL ingest speed of the metrics worker's reader (MetricsFiles: file chunks -> UTF-8 ->
// lines -> JSON.parse -> record shape check -> columns and job progress), as the worker runs it,
// and with the dashboard's records kept (DashboardData, which the dashboard's views are drawn from).
// `npm run bench:dashboard-ingest`. Prints MB/s.
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValid } from '../src/core/contracts/contracts';
import { DashboardData } from '../src/core/dashboard/view';
import { JsonlTail } from '../src/core/runs/jsonlTail';
import { isMetricRecordShape } from '../src/core/runs/metricShape';
import { MetricsFiles } from '../src/workers/metrics';

const compute = (step: number) => ({ parameters: 494032768, initTokens: 12000000, trainTokens: step * 65536, inferenceTokens: step * 393216, gflops: step * 1.2345e5, gflopsPaperApprox: step * 1.2e5 });

/** A PPO run's metrics.jsonl: a training record per update, ID and OOD evaluations every 10. */
export function metricsLines(updates: number, firstStep = 1): string {
  const lines: string[] = [];
  for (let step = firstStep; step < firstStep + updates; step++) {
    const time = new Date(Date.UTC(2026, 10, 25, 10) + step * 30_000).toISOString();
    lines.push(JSON.stringify({
      kind: 'train', step, time, wallSeconds: step * 30.5, segment: 0, episodes: step * 256, compute: compute(step),
      metrics: { 'rollout/reward_mean': Math.sin(step / 100), 'rollout/return_mean': Math.cos(step / 90), 'rollout/success_rate': 0.5, 'ppo/policy_loss': -0.01, 'ppo/value_loss': 0.3, 'ppo/clipfrac': 0.12, 'ppo/approx_kl': 0.008, 'ppo/kl_to_init': 0.1, 'ppo/entropy': 1.05, 'train/lr': 1e-6, 'perf/tokens_per_second': 4123.5 },
    }));
    if (step % 10 === 0) {
      for (const [split, splitKind] of [['id', 'id'], ['ood-rule', 'rule-ood']] as const) {
        lines.push(JSON.stringify({ kind: 'eval', step, time, checkpoint: `checkpoints/step-${step}`, compute: compute(step), split, splitKind, episodesEvaluated: 256, success: { rate: 0.42, stderr: 0.0308, n: 256 }, meanReward: -0.3 }));
      }
    }
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ptlab-ingest-'));
  const file = join(dir, 'metrics.jsonl');
  try {
    writeFileSync(file, metricsLines(100_000));
    const bytes = statSync(file).size;
    const rows: Record<string, string | number>[] = [];
    const measure = async (name: string, run: () => Promise<number>): Promise<void> => {
      await run(); // warm-up (JIT, validator compilation)
      const t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage();
      const records = await run();
      const cpu = process.cpuUsage(cpu0);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      // CPU time as well: on a shared machine wall time includes other processes' turns.
      rows.push({ reader: name, MB: +(bytes / 1e6).toFixed(1), records, 'wall s': +seconds.toFixed(3), 'MB/s (wall)': +(bytes / 1e6 / seconds).toFixed(1), 'MB/s (CPU time)': +(bytes / 1e6 / cpuSeconds).toFixed(1) });
    };
    await measure('MetricsFiles (file, record shape checked): the worker', async () => {
      let count = 0;
      const tailer = new MetricsFiles((u) => (count += u.batch.count));
      tailer.show([{ folder: 'run', path: file }]);
      await tailer.poll();
      return count;
    });
    await measure('MetricsFiles + DashboardData (the records kept for the views): the worker with a dashboard open', async () => {
      let count = 0;
      const data = new DashboardData();
      const tailer = new MetricsFiles((u) => {
        data.apply(u);
        count += u.batch.count;
      });
      tailer.show([{ folder: 'run', path: file }]);
      await tailer.poll();
      return count;
    });
    const text = Buffer.from(metricsLines(100_000));
    await measure('JsonlTail (memory, JSON.parse only)', async () => new JsonlTail((v: unknown): v is unknown => v !== null).push(text).records.length);
    await measure('JsonlTail (memory, record shape checked)', async () => new JsonlTail(isMetricRecordShape).push(text).records.length);
    await measure('JsonlTail (memory, full schema validation)', async () => new JsonlTail((v: unknown): v is unknown => isValid('metric-record.schema.json', v)).push(text).records.length);
    // Live: 1,000 appends of 10 updates each; each poll reads only the new bytes.
    let count = 0;
    const tailer = new MetricsFiles((u) => (count += u.batch.count));
    tailer.show([{ folder: 'run', path: file }]);
    await tailer.poll();
    count = 0;
    const appends = 1000;
    let appended = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < appends; i++) {
      const chunk = metricsLines(10, 100_001 + i * 10);
      appended += Buffer.byteLength(chunk);
      appendFileSync(file, chunk);
      await tailer.poll();
    }
    const perPoll = Number(process.hrtime.bigint() - t0) / 1e6 / appends;
    console.table(rows);
    console.log(`live tail: ${appends} appends of ${(appended / appends / 1024).toFixed(1)} KiB to a ${(bytes / 1e6).toFixed(0)} MB file: ${perPoll.toFixed(3)} ms per append+poll (${count} records), independent of the file's size`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
