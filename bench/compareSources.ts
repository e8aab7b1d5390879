// Compare Checkpoints' sources on R runs of L metrics lines each (a PPO run: a training record
// per update, ID and OOD evaluations every 100): the runs' evaluations asked of the metrics
// worker (dist/workers/metrics.js) as the compare panel asks (one request per run, all at once),
// on opening (every file read whole, in the worker), on a refresh with nothing new, and after
// an evaluation was appended. Prints the wall time of each, the extension host's longest
// event-loop block meanwhile and the process's peak RSS (host and worker).
//   npm run bench:compare-sources -- [R=20] [L=200000]
// The runs share one file (hard links): R x L lines are read, one file of L lines is on disk.
import { appendFileSync, closeSync, linkSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricsEvents, MetricsRequests } from '../src/workers/metrics';
import { WorkerClient } from '../src/workers/rpc';

const repo = join(__dirname, '..', '..');
const RUNS = Number(process.argv[2] ?? 20);
const LINES = Number(process.argv[3] ?? 200_000);

const compute = (step: number) => ({ parameters: 494032768, initTokens: 12000000, trainTokens: step * 65536, inferenceTokens: step * 393216, gflops: step * 1.2345e5, gflopsPaperApprox: step * 1.2e5 });
const time = (step: number) => new Date(Date.UTC(2026, 10, 25) + step * 30_000).toISOString();
const TRAIN_METRICS = ['rollout/reward_mean', 'rollout/return_mean', 'rollout/success_rate', 'ppo/policy_loss', 'ppo/value_loss', 'ppo/clipfrac', 'ppo/approx_kl', 'ppo/kl_to_init', 'ppo/entropy', 'train/lr', 'perf/tokens_per_second', 'perf/peak_memory_gib', 'perf/padding_fraction', 'mismatch/kl', 'mismatch/logprob_abs_max', 'time/generation_s', 'time/environment_s', 'time/scoring_s', 'time/training_s', 'time/token_records_s'];
/** A PPO update's record, about 1 kB (full-precision floats, as the trainer writes them). */
const trainLine = (step: number) => JSON.stringify({ kind: 'train', step, time: time(step), wallSeconds: step * 30.5, segment: 0, episodes: step * 256, compute: compute(step), metrics: Object.fromEntries(TRAIN_METRICS.map((m, i) => [m, Math.sin(step / (50 + i)) + i])) });
const evalLine = (step: number, split: string, splitKind: string) => JSON.stringify({ kind: 'eval', step, time: time(step), checkpoint: `checkpoints/step-${step}`, compute: compute(step), split, splitKind, episodesEvaluated: 256, success: { rate: 0.42, stderr: 0.03, n: 256 }, meanReward: -0.3 });

/** `lines` lines: a training record per step, ID and OOD evaluations every 100 steps; the next step. */
function writeMetrics(file: string, lines: number): number {
  const fd = openSync(file, 'w');
  let step = 1;
  try {
    for (let written = 0; written < lines; ) {
      const out: string[] = [];
      for (; out.length < 10_000 && written + out.length < lines; step++) {
        out.push(trainLine(step));
        if (step % 100 === 0) out.push(evalLine(step, 'id', 'id'), evalLine(step, 'ood-rule', 'rule-ood'));
      }
      const kept = out.slice(0, lines - written);
      writeSync(fd, `${kept.join('\n')}\n`);
      written += kept.length;
    }
  } finally {
    closeSync(fd);
  }
  return step;
}

/** Runs `work` with the host's event loop watched: wall time, longest block, peak RSS. */
async function watched<T>(work: () => Promise<T>): Promise<{ seconds: number; longestMs: number; peakRss: number; result: T }> {
  let longestMs = 0;
  let peakRss = process.memoryUsage().rss;
  let last = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    longestMs = Math.max(longestMs, now - last - 10);
    last = now;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  try {
    const result = await work();
    return { seconds: (performance.now() - started) / 1000, longestMs, peakRss, result };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ptlab-compare-sources-'));
  const worker = new WorkerClient<MetricsRequests, MetricsEvents>(join(repo, 'dist', 'workers', 'metrics.js'), { name: 'the metrics reader' });
  try {
    const base = join(dir, 'metrics.jsonl');
    const nextStep = writeMetrics(base, LINES);
    const files = Array.from({ length: RUNS }, (_, i) => {
      mkdirSync(join(dir, `run-${i}`));
      const file = join(dir, `run-${i}`, 'metrics.jsonl');
      linkSync(base, file);
      return file;
    });
    const ask = () => Promise.all(files.map((path) => worker.request('evaluations', { path })));
    const report = (what: string, r: Awaited<ReturnType<typeof watched<Awaited<ReturnType<typeof ask>>>>>) => {
      const evaluations = r.result.reduce((n, e) => n + e.length, 0);
      console.log(`  ${what.padEnd(44)} ${r.seconds.toFixed(2).padStart(6)} s, ${evaluations} evaluations; host's longest event-loop block ${r.longestMs.toFixed(0)} ms; peak RSS (host + worker) ${(r.peakRss / 1048576).toFixed(0)} MB`);
    };
    console.log(`Compare Checkpoints' sources, ${RUNS} run(s) x ${LINES} lines (${(statSync(base).size / 1e6).toFixed(0)} MB each), Node ${process.version}; RSS before ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB:`);
    report('open (every file read, in the metrics worker)', await watched(ask));
    report('refresh, nothing appended', await watched(ask));
    appendFileSync(base, `${evalLine(nextStep, 'id', 'id')}\n${evalLine(nextStep, 'ood-rule', 'rule-ood')}\n`); // every run's (one file)
    report('refresh after an evaluation was appended', await watched(ask));
  } finally {
    await worker.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
