// The dashboard on long runs: R generated PPO runs of L lines each (a training record per
// update with its step times and mismatch KL, ID and OOD evaluations every 100 updates).
// 1. the Step time view with one run ticked: the worker's time, the view's message (JSON
//    megabytes) and the webview's time from that message to a drawn frame (Chromium);
// 2. the default view (ID success vs GFLOPs, smoothed, seeds aggregated): ms per view with
//    nothing changed, and after 10 updates appended to one run;
// 3. a TensorBoard log and a Trainer output_dir that nothing writes to, polled as the dashboard
//    polls them (every 2 s): `changed` events (each a view the webview asks for);
// 4. the dashboard opening on the R runs in the metrics worker (dist/workers/metrics.js) with
//    the later half ticked (a restored dashboard's ticks), the webview asking for a view on each `changed` (one in flight, 50 ms
//    round trip): time until all is read, events, views computed meanwhile and the worker's
//    time in them, when the ticked runs were first drawn whole; then 10 updates appended to one
//    run: the next view's time, every run shown.
// `npm run bench:dashboard-scale [-- R L]` (builds first; default 10 runs of 200,000 lines).
// Writes its runs under the system's temporary folder and removes them.
import { appendFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricRecord } from '../src/core/contracts/generated/types';
import { batchOf, TIME_STAGES, type MetricBatch, type RunInfo } from '../src/core/dashboard/model';
import { DashboardData, type ViewRequest } from '../src/core/dashboard/view';
import type { MetricsEvents, MetricsRequests, ShownFile } from '../src/workers/metrics';
import { WorkerClient } from '../src/workers/rpc';
import { launchChromium, openDashboardPage, post, repoRoot } from '../test/support/dashboardHarness';

const RUNS = Number(process.argv[2] ?? 10);
const LINES = Number(process.argv[3] ?? 200_000);
const ROUND_TRIP_MS = 50;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const compute = (step: number) => ({ parameters: 494032768, initTokens: 12000000, trainTokens: step * 65536, inferenceTokens: step * 393216, gflops: step * 1.2345e5, gflopsPaperApprox: step * 1.2e5 });

function trainLine(step: number): string {
  const time = Object.fromEntries(TIME_STAGES.map((stage, k) => [`time/${stage}_s`, k < 5 ? 2 + Math.sin(step / (40 + k)) : step % 100 === 0 ? 20 : 0]));
  const metrics = { 'rollout/reward_mean': Math.sin(step / 100), 'rollout/return_mean': Math.cos(step / 90), 'rollout/success_rate': 0.5, 'ppo/policy_loss': -0.01, 'ppo/value_loss': 0.3, 'ppo/clipfrac': 0.12, 'ppo/approx_kl': 0.008, 'ppo/kl_to_init': 0.1, 'ppo/entropy': 1.05, 'train/lr': 1e-6, 'perf/tokens_per_second': 4123.5, 'mismatch/kl': 1e-5, 'mismatch/logprob_abs_max': 0.02, ...time };
  return JSON.stringify({ kind: 'train', step, time: new Date(Date.UTC(2026, 10, 25) + step * 30_000).toISOString(), wallSeconds: step * 30.5, segment: 0, episodes: step * 256, compute: compute(step), metrics });
}

/** `lines` lines of a PPO run's metrics.jsonl from `firstStep`: an update each, ID and OOD evaluations every 100. */
function ppoLines(lines: number, firstStep = 1): string {
  const out: string[] = [];
  for (let step = firstStep; out.length < lines; step++) {
    out.push(trainLine(step));
    if (step % 100 !== 0) continue;
    for (const [split, splitKind] of [['id', 'id'], ['ood-rule', 'rule-ood']]) {
      out.push(JSON.stringify({ kind: 'eval', step, time: new Date(Date.UTC(2026, 10, 25) + step * 30_000).toISOString(), checkpoint: `checkpoints/step-${step}`, compute: compute(step), split, splitKind, episodesEvaluated: 256, success: { rate: 0.42, stderr: 0.03, n: 256 }, meanReward: -0.3 }));
    }
  }
  return out.slice(0, lines).join('\n') + '\n';
}

const runInfo = (r: number): RunInfo => ({ folder: `runs/r${r}`, runId: `r${r}`, experiment: 'bench', job: 'ppo', status: 'finished', source: 'ptlab', seed: r, task: 'GP-L', init: undefined, groupKey: `g${r % 2}`, groupLabel: `group ${r % 2}`, segments: [{ index: 0, startStep: 0 }], problems: [] });

const request = (over: Partial<ViewRequest>): ViewRequest => ({ view: 'curves', metric: 'id/success', xKey: 'gflops', smoothing: 'savgol:9', band: 'se', aggregate: true, selected: null, width: 1400, mismatchKlWarning: 1e-3, ...over });

/** The metrics worker's records once it has read the R runs (each run the same batch). */
function workerData(batch: MetricBatch): DashboardData {
  const data = new DashboardData();
  const runs = Array.from({ length: RUNS }, (_, r) => runInfo(r));
  data.setRuns(runs);
  for (const run of runs) data.apply({ folder: run.folder, reset: true, batch, skippedLines: [], pendingLine: false });
  return data;
}

function timed<T>(work: () => T): [number, T] {
  const t0 = performance.now();
  const value = work();
  return [performance.now() - t0, value];
}

async function stepTimeView(data: DashboardData): Promise<Record<string, number>> {
  const state = { view: 'time', metric: 'rollout/reward_mean', xKey: 'step', smoothing: 'none', band: 'none', aggregate: false, selected: ['runs/r0'] };
  const browser = await launchChromium();
  try {
    const page = await openDashboardPage(browser, { width: 1400, height: 900 }, state);
    await post(page, [{ type: 'runs/set', runs: data.runs() }]);
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'view'));
    const asked = await page.evaluate(() => (window as unknown as { __posted: { type: string; id: number; request: ViewRequest }[] }).__posted.find((m) => m.type === 'view')!);
    const [worker, view] = timed(() => data.view(asked.request));
    const drawn = await page.evaluate(async (message) => {
      const t0 = performance.now();
      window.postMessage(message, '*');
      await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return performance.now() - t0;
    }, { type: 'view', id: asked.id, view } as const);
    return {
      [`Step time view, ${RUNS} runs x ${LINES} lines, 1 ticked: worker ms`]: worker,
      'Step time view: message MB (JSON)': JSON.stringify(view).length / 1e6,
      'Step time view: webview ms, message to drawn frame': drawn,
    };
  } finally {
    await browser.close();
  }
}

function defaultView(data: DashboardData): Record<string, number> {
  const asked = request({});
  data.view(asked);
  const unchanged = Array.from({ length: 5 }, () => timed(() => data.view(asked))[0]);
  const lastStep = data.view(asked).runs[0]!.lastStep!;
  const live = Array.from({ length: 5 }, (_, k) => {
    const appended = ppoLines(10, lastStep + 1 + k * 10).trimEnd().split('\n').map((line) => JSON.parse(line) as MetricRecord);
    data.apply({ folder: 'runs/r0', reset: false, batch: batchOf(appended), skippedLines: [], pendingLine: false });
    return timed(() => data.view(asked))[0];
  });
  return {
    [`default view (ID success vs GFLOPs), ${RUNS} runs x ${LINES} lines: ms per view, nothing changed (median of 5)`]: median(unchanged),
    'default view: ms per view after 10 updates appended to one run (median of 5)': median(live),
  };
}

async function idlePolls(): Promise<Record<string, number>> {
  const fixtures = join(repoRoot, 'test', 'fixtures');
  const files: ShownFile[] = [
    { folder: 'tb', path: join(fixtures, 'tensorboard', 'int-scalars'), source: 'tensorboard' },
    { folder: 'trl', path: join(fixtures, 'workspace', 'imported', 'trl', 'grpo-gp-l'), source: 'hf-trainer' },
  ];
  let changed = 0;
  const worker = new WorkerClient<MetricsRequests, MetricsEvents>(join(repoRoot, 'dist', 'workers', 'metrics.js'), { name: 'the metrics reader', onEvent: () => changed++ });
  try {
    const runs = files.map((f) => ({ ...runInfo(0), folder: f.folder, status: 'unknown' as const, source: f.source! }));
    await worker.request('show', { runs, files });
    changed = 0;
    for (let k = 0; k < 5; k++) await worker.request('poll', {});
    await new Promise((resolve) => setTimeout(resolve, 100)); // events posted before the last answer
    return { "idle TensorBoard log + Trainer output_dir, 5 polls with nothing written: 'changed' events": changed };
  } finally {
    await worker.dispose();
  }
}

async function firstLoad(dir: string): Promise<Record<string, number>> {
  const text = ppoLines(LINES);
  const base = join(dir, 'base.jsonl');
  writeFileSync(base, text);
  const runs = Array.from({ length: RUNS }, (_, r) => runInfo(r));
  const files = runs.map((run, r) => {
    mkdirSync(join(dir, run.folder), { recursive: true });
    const path = join(dir, run.folder, 'metrics.jsonl');
    if (r === 0) writeFileSync(path, text); // its own file: the live appends go to it alone
    else linkSync(base, path);
    return { folder: run.folder, path };
  });
  const ticked = runs.slice(Math.floor(RUNS / 2)).map((r) => r.folder); // the later half: read last in folder order
  const lastStep = Number(/"step":(\d+)/.exec(text.trimEnd().split('\n').at(-1)!)![1]);
  const asked = request({ metric: 'rollout/reward_mean', aggregate: false, selected: ticked });
  let events = 0;
  let views = 0;
  let viewMs = 0;
  let inFlight = false;
  let stale = false;
  let tickedWhole: number | undefined;
  let t0 = 0;
  let webviewOpen = true;
  // The webview: one view request in flight; a change meanwhile asks again once it is answered.
  const ask = (): void => {
    if (!webviewOpen) return;
    if (inFlight) {
      stale = true;
      return;
    }
    inFlight = true;
    stale = false;
    setTimeout(() => {
      const sent = performance.now();
      void worker.request('view', { request: asked }).then((view) => {
        viewMs += performance.now() - sent;
        views++;
        if (tickedWhole === undefined && view.runs.filter((r) => ticked.includes(r.folder)).every((r) => r.lastStep === lastStep)) tickedWhole = performance.now() - t0;
        setTimeout(() => {
          inFlight = false;
          if (stale) ask();
        }, ROUND_TRIP_MS / 2);
      });
    }, ROUND_TRIP_MS / 2);
  };
  const worker = new WorkerClient<MetricsRequests, MetricsEvents>(join(repoRoot, 'dist', 'workers', 'metrics.js'), {
    name: 'the metrics reader',
    onEvent: () => {
      events++;
      ask();
    },
  });
  try {
    t0 = performance.now();
    const shown = worker.request('show', { runs, files, prefer: ticked }); // the ticks of a restored dashboard, as the host sends them
    ask(); // the webview's first view, asked for when the runs come
    await shown;
    const loaded = performance.now() - t0;
    while (inFlight || stale) await new Promise((resolve) => setTimeout(resolve, 20));
    webviewOpen = false;
    const loadEvents = events;
    // Live: 10 updates appended to one run, read by a poll, then the view the webview asks for.
    const live: number[] = [];
    for (let k = 0; k < 5; k++) {
      appendFileSync(files[0]!.path, ppoLines(10, lastStep + 1 + k * 10));
      await worker.request('poll', {});
      const sent = performance.now();
      await worker.request('view', { request: { ...asked, selected: null } });
      live.push(performance.now() - sent);
    }
    const megabytes = ((text.length * RUNS) / 1e6).toFixed(0);
    return {
      [`first load, ${RUNS} runs x ${LINES} lines (${megabytes} MB), the later half ticked, webview asking (${ROUND_TRIP_MS} ms round trip): s until all is read`]: loaded / 1000,
      "first load: 'changed' events": loadEvents,
      'first load: views computed meanwhile': views,
      "first load: s of the worker's time in them": viewMs / 1000,
      'first load: s until the ticked runs were drawn whole': (tickedWhole ?? Number.NaN) / 1000,
      'live: 10 updates appended to one run, then the view of all runs: ms (median of 5)': median(live),
    };
  } finally {
    await worker.dispose();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ptlab-scale-'));
  try {
    const batch = batchOf(ppoLines(LINES).trimEnd().split('\n').map((line) => JSON.parse(line) as MetricRecord));
    const data = workerData(batch);
    const rows = { ...defaultView(data), ...(await stepTimeView(data)), ...(await idlePolls()), ...(await firstLoad(dir)) };
    console.table(Object.entries(rows).map(([what, value]) => ({ what, value: +value.toFixed(value < 10 ? 2 : 1) })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
