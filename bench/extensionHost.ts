// Extension-host budget: activation under 50 ms, no host task over 100 ms.
//   npm run bench:host   (builds dist/ first)
// 1. Activation measured in a real VS Code: the integration suite (npm test -- --only vscode)
//    writes test-results/extension-host-timings.json from inside code-server's extension host
//    (bundle load + activate(), and the longest timed host task of that run).
// 2. Activation in plain Node with a stub `vscode` module (LABELLED: a shim, not VS Code):
//    a fresh process per sample loads dist/extension.js and calls activate().
// 3. The work the host does per event, at sizes beyond the usual, and the metrics parsing
//    that the worker takes off the host.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig } from '../src/core/config/checks';
import { MetricsTail } from '../src/core/runs/metricsTail';
import { readRunFolder } from '../src/core/runs/runFolder';
import { groupByExperiment, runEntry } from '../src/core/runs/runTree';
import type { MetricsEvents, MetricsRequests } from '../src/workers/metrics';
import { WorkerClient } from '../src/workers/rpc';

const repo = join(__dirname, '..', '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number | undefined) => (x === undefined ? "n/a" : `${x.toFixed(1)} ms`);

function time(work: () => void, repeat = 5): number {
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

// ---------------------------------------------------------------- 1. real VS Code

function realVsCode(): void {
  const file = join(repo, 'test-results', 'extension-host-timings.json');
  if (!existsSync(file)) {
    console.log('1. VS Code (code-server) extension host: no test-results/extension-host-timings.json; run `npm test -- --only vscode` first');
    return;
  }
  const t = JSON.parse(readFileSync(file, 'utf8')) as { activationMs: number; activationCpuMs: number; activateCallMs: number; longest?: { name: string; ms: number }; byName: Record<string, { count: number; maxMs: number; maxCpuMs?: number }> };
  console.log('1. VS Code (code-server 4.139.1) extension host, from the last integration run:');
  console.log(`   activation (load dist/extension.js + activate()): ${ms(t.activationMs)} wall, ${ms(t.activationCpuMs)} CPU   activate() alone: ${ms(t.activateCallMs)}`);
  for (const [name, v] of Object.entries(t.byName)) console.log(`   ${name.padEnd(22)} max ${ms(v.maxMs)} wall, ${ms(v.maxCpuMs)} CPU, over ${v.count} calls`);
}

// ---------------------------------------------------------------- 2. Node with a vscode shim

const SHIM_SAMPLE = `
const Module = require('module');
const deep = () => new Proxy(function () {}, { get: (_t, k) => (k === 'then' || k === Symbol.iterator ? undefined : k === 'visible' ? false : deep()), set: () => true, apply: () => deep(), construct: () => deep() });
const names = ['commands','window','workspace','languages','tasks','extensions','env','EventEmitter','Uri','ThemeIcon','ThemeColor','StatusBarAlignment','TreeItem','TreeItemCollapsibleState','DiagnosticSeverity','ProgressLocation','RelativePattern','TaskScope','TaskGroup','TaskRevealKind','TaskPanelKind','ProcessExecution','Task','CodeLens','Range','Diagnostic','MarkdownString','ConfigurationTarget','ViewColumn'];
const shim = Object.fromEntries(names.map((n) => [n, deep()]));
const load = Module._load;
Module._load = function (request) { return request === 'vscode' ? shim : load.apply(this, arguments); };
const api = require(process.argv[1]).activate({ subscriptions: [], extensionUri: deep(), extensionPath: '' });
process.stdout.write(JSON.stringify(api.timings()));
process.exit(0);
`;

function shimActivation(samples = 9): void {
  const bundle = join(repo, 'dist', 'extension.js');
  const runs = Array.from({ length: samples }, () => JSON.parse(execFileSync(process.execPath, ['-e', SHIM_SAMPLE, bundle], { encoding: 'utf8' })) as { activationMs: number; activationCpuMs: number; activateCallMs: number });
  console.log(`2. Node ${process.version} with a stub vscode module (a shim, not VS Code), ${samples} fresh processes:`);
  console.log(`   activation (load + activate()): median ${ms(median(runs.map((r) => r.activationMs)))}, min ${ms(Math.min(...runs.map((r) => r.activationMs)))}, CPU median ${ms(median(runs.map((r) => r.activationCpuMs)))}   activate() alone: median ${ms(median(runs.map((r) => r.activateCallMs)))}`);
}

// ---------------------------------------------------------------- 3. host tasks

function manifestText(i: number, config: unknown): string {
  const started = new Date(Date.now() - 5_000).toISOString();
  return JSON.stringify({ schemaVersion: 1, runId: `run-${i}`, experiment: `exp-${i % 20}`, job: i % 2 ? 'ppo' : 'sft', status: i % 7 ? 'finished' : 'running', createdAt: started, updatedAt: started, heartbeatAt: started, configPath: '/w/x.ptlab.json', config, progress: { step: 100, totalSteps: 100 }, checkpoints: Array.from({ length: 10 }, (_, k) => ({ step: 10 * k, path: `checkpoints/step-${k}`, createdAt: started })), host: { hostname: 'h', platform: 'linux', python: '3.11', cpuCount: 2, pid: 100 + i } }, null, 2);
}

function metricsFile(dir: string, records: number): string {
  const compute = { parameters: 1_000_000, initTokens: 0, trainTokens: 1000, inferenceTokens: 0, gflops: 1 };
  const lines: string[] = [];
  for (let step = 0; lines.length < records; step++) {
    lines.push(JSON.stringify({ kind: 'train', step, time: '2026-11-25T10:00:00Z', wallSeconds: step, segment: 0, compute, metrics: { 'train/loss': 1 / (step + 1), 'rollout/reward_mean': -1 + step / records } }));
    lines.push(JSON.stringify({ kind: 'eval', step, time: '2026-11-25T10:00:00Z', compute, split: 'id', splitKind: 'id', episodesEvaluated: 234, success: { rate: 0.5, stderr: 0.03, n: 234 } }));
    lines.push(JSON.stringify({ kind: 'eval', step, time: '2026-11-25T10:00:00Z', compute, split: 'ood-rule', splitKind: 'rule-ood', episodesEvaluated: 234, success: { rate: 0.1, stderr: 0.02, n: 234 } }));
  }
  const file = join(dir, 'metrics.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A job's progress asked of the metrics worker (dist/workers/metrics.js), as the jobs ask it. */
async function parseInWorker(file: string): Promise<{ wallMs: number; hostHandlingMs: number }> {
  const worker = new WorkerClient<MetricsRequests, MetricsEvents>(join(repo, 'dist', 'workers', 'metrics.js'), { name: 'the metrics reader' });
  try {
    const started = performance.now();
    const progress = await worker.request('progress', { path: file });
    const handled = performance.now();
    const summary = JSON.stringify(progress); // what the host does with the answer
    void summary;
    return { wallMs: handled - started, hostHandlingMs: performance.now() - handled };
  } finally {
    await worker.dispose();
  }
}

async function hostTasks(): Promise<void> {
  console.log('3. Host tasks (Node, this machine):');
  const example = readFileSync(join(repo, 'examples', 'gp-vl.ptlab.json'), 'utf8');
  const config = JSON.parse(example) as unknown;
  const texts = Array.from({ length: 500 }, (_, i) => manifestText(i, config));
  const now = Date.now();
  const read = time(() => texts.map((t, i) => readRunFolder(`/w/runs/${i}`, t)));
  console.log(`   run folders read, 500 run.json (config snapshot, 10 checkpoints each; parsed and validated once per change): ${ms(read)}`);
  const folders = texts.map((t, i) => readRunFolder(`/w/runs/${i}`, t));
  const tree = time(() => groupByExperiment(folders.map((run) => runEntry(run, now))));
  console.log(`   Runs view update, 500 runs (from the run folders; each change, each heartbeat check): ${ms(tree)}`);
  const diagnostics = time(() => checkConfig(example, () => true), 20);
  console.log(`   config diagnostics (semantic checks) on gp-vl.ptlab.json: ${ms(diagnostics)}`);
  const firstValidation = execFileSync(process.execPath, ['-e', `const t=performance.now(); require(${JSON.stringify(join(__dirname, '..', 'src', 'core', 'contracts', 'contracts.js'))}).contractErrors('run-manifest.schema.json', {}); process.stdout.write(String(performance.now()-t))`], { encoding: 'utf8' });
  console.log(`   first schema validation (the generated validators load, once per session; the run folders' first scan): ${ms(Number(firstValidation))}`);

  const dir = mkdtempSync(join(tmpdir(), 'ptlab-bench-'));
  try {
    const file = metricsFile(dir, 300_000);
    const size = readFileSync(file).length;
    const bytes = new Uint8Array(readFileSync(file));
    const onHost = time(() => new MetricsTail().push(bytes), 3);
    const worker = await parseInWorker(file);
    console.log(`   metrics.jsonl ${(size / 1e6).toFixed(1)} MB, 300k records: parsing it would block the host ${ms(onHost)};`);
    console.log(`     in the worker: ${ms(worker.wallMs)} wall, off the host; the host handles the answer in ${ms(worker.hostHandlingMs)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  realVsCode();
  shimActivation();
  await hostTasks();
  console.log('targets: activation < 50 ms; no extension-host task > 100 ms');
}

void main();
