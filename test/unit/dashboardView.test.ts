import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricRecord } from '../../src/core/contracts/generated/types';
import { writeCsvFile } from '../../src/core/dashboard/csvFile';
import { batchOf, toCsv, type CsvRow, type RunInfo, type StepTimeline } from '../../src/core/dashboard/model';
import { DashboardData, POINT_BUDGET, type ViewRequest } from '../../src/core/dashboard/view';
import { fixtureDashboard } from '../support/fixtureRuns';

// The dashboard's views as the metrics worker computes them (src/core/dashboard/view.ts).
const fixtureRunsRoot = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs');
const request = (over: Partial<ViewRequest> = {}): ViewRequest => ({
  view: 'curves',
  metric: 'id/success',
  xKey: 'gflops',
  smoothing: 'savgol:9',
  band: 'se',
  aggregate: true,
  selected: null,
  width: 1200,
  mismatchKlWarning: 1e-3,
  ...over,
});
const info = (folder: string, over: Partial<RunInfo> = {}): RunInfo =>
  ({ folder, runId: folder, experiment: 'x', job: 'ppo', status: 'finished', source: 'ptlab', seed: 0, task: 'GP-L', init: undefined, groupKey: folder, groupLabel: folder, segments: [], problems: [], ...over }) as RunInfo;
const train = (step: number, metrics: Record<string, number>): MetricRecord =>
  ({ kind: 'train', step, time: '2026-12-03T00:00:00Z', segment: 0, wallSeconds: step, episodes: step * 8, compute: { parameters: 1, trainTokens: step * 10, inferenceTokens: 0, gflops: step * 2 }, metrics }) as MetricRecord;

function longRun(steps: number): DashboardData {
  const data = new DashboardData();
  data.setRuns([info('runs/long')]);
  const records = Array.from({ length: steps }, (_, i) => train(i + 1, { 'rollout/reward_mean': Math.sin(i / 300) + ((i * 7919) % 100) / 200 }));
  data.apply({ folder: 'runs/long', reset: true, batch: batchOf(records), skippedLines: [], pendingLine: false });
  return data;
}

describe('dashboard views (the metrics worker)', () => {
  it('draws the fixture suites: seed groups with N, each run ticked by its curve, coloured by it', () => {
    const view = fixtureDashboard(fixtureRunsRoot).view(request({ selected: ['runs/gp-l/sft-s0', 'runs/gp-l/sft-s1', 'runs/gp-l/ppo-s0'] }));
    assert.equal(view.metric, 'id/success');
    assert.deepEqual(view.curves!.curves.map((c) => c.label).sort(), ['GP-L RL from gp-l/init · id (N=1)', 'GP-L SFT from gp-l/init · id (N=2)']);
    const rows = new Map(view.runs.map((r) => [r.folder, r]));
    assert.equal(rows.get('runs/gp-l/sft-s1')!.selected, true);
    assert.equal(rows.get('runs/gp-l/sft-s2')!.selected, false);
    assert.equal(rows.get('runs/gp-l/sft-s2')!.hasMetric, true);
    const sft = view.curves!.curves.findIndex((c) => c.label.startsWith('GP-L SFT'));
    assert.equal(rows.get('runs/gp-l/sft-s0')!.color, sft);
    const curve = view.curves!.curves[sft]!;
    assert.ok(curve.band && curve.raw && curve.at.ns, 'a smoothed, banded, aggregated curve');
    assert.equal(curve.at.raw.length, curve.main.xs.length);
  });

  it('sends a long run as its M4 points at the chart width, with the raw value, band and N at each', () => {
    const view = longRun(50_000).view(request({ metric: 'rollout/reward_mean', xKey: 'step', width: 800, smoothing: 'savgol:31' }));
    const [curve] = view.curves!.curves;
    assert.equal(curve!.count, 50_000);
    assert.ok(curve!.main.xs.length <= 4 * 800 && curve!.main.xs.length > 800, `${curve!.main.xs.length} points`);
    assert.ok(curve!.raw!.xs.length <= 4 * 800);
    assert.deepEqual(view.curves!.xRange, [1, 50_000]);
    // the tooltip's raw value is the record's, at the drawn point's step
    const k = 123;
    const step = curve!.main.steps[k]!;
    assert.equal(curve!.at.raw[k], Math.sin((step - 1) / 300) + (((step - 1) * 7919) % 100) / 200);
    // many curves at once: coarser columns, within the budget
    const many = new DashboardData();
    const folders = Array.from({ length: 10 }, (_, r) => `runs/r${r}`);
    many.setRuns(folders.map((f) => info(f)));
    for (const f of folders) many.apply({ folder: f, reset: true, batch: batchOf(Array.from({ length: 20_000 }, (_, i) => train(i + 1, { 'rollout/reward_mean': Math.cos(i) }))), skippedLines: [], pendingLine: false });
    const drawn = many.view(request({ metric: 'rollout/reward_mean', xKey: 'step', aggregate: false, smoothing: 'savgol:9', width: 2000 })).curves!.curves;
    const total = drawn.reduce((sum, c) => sum + c.main.xs.length + (c.raw?.xs.length ?? 0), 0);
    assert.ok(total <= POINT_BUDGET, `${total} points`);
  });

  it("shows the focused runs' first recorded metric when they lack the one asked for, and falls back to the step without GFLOPs", () => {
    const data = new DashboardData();
    data.setRuns([info('runs/sft', { job: 'sft' }), info('runs/tb', { source: 'tensorboard' })]);
    data.apply({ folder: 'runs/sft', reset: true, batch: batchOf([train(1, { 'train/loss': 2 }), train(2, { 'train/loss': 1 })]), skippedLines: [4], pendingLine: true });
    const view = data.view(request({ metric: 'id/success', selected: ['runs/sft'] }));
    assert.equal(view.metric, 'train/loss');
    assert.equal(view.curves!.curves.length, 1);
    assert.deepEqual(view.problems, ['runs/sft: metrics.jsonl: skipped 1 bad line(s), first at line 4', 'runs/sft: metrics.jsonl: the last line is incomplete (torn) and was not read']);
    for (const status of ['running', 'unknown'] as const) {
      data.setRuns([info('runs/sft', { job: 'sft', status }), info('runs/tb', { source: 'tensorboard' })]);
      assert.deepEqual(data.view(request({ metric: 'id/success', selected: ['runs/sft'] })).problems, ['runs/sft: metrics.jsonl: skipped 1 bad line(s), first at line 4'], `${status}: a line being written (stoppedWriting, the transcripts' rule)`);
    }
    assert.deepEqual(view.runs.map((r) => [r.folder, r.lastStep]), [['runs/sft', 2], ['runs/tb', undefined]]);
    const scalars = new DashboardData();
    scalars.setRuns([info('runs/tb', { source: 'tensorboard' })]);
    scalars.apply({ folder: 'runs/tb', reset: true, batch: { ...batchOf([train(1, { reward: 1 }), train(2, { reward: 2 })]), axes: { steps: Float64Array.of(1, 2), gflops: Float64Array.of(-1, -1), tokens: Float64Array.of(-1, -1), episodes: Float64Array.of(-1, -1), wallSeconds: Float64Array.of(0, 1) } }, skippedLines: [], pendingLine: false });
    const fallback = scalars.view(request({ metric: 'reward', xKey: 'gflops' })).curves!;
    assert.deepEqual([fallback.xKey, fallback.xFallback], ['step', true]);
    assert.deepEqual(scalars.view(request()).extraMetrics, ['reward']);
  });

  it('writes the CSV at full resolution, and the paper and step-time views', () => {
    const data = longRun(3_000);
    const csv = toCsv(data.csvRows(request({ metric: 'rollout/reward_mean', xKey: 'step', width: 100 }))).trimEnd().split('\r\n');
    assert.equal(csv.length, 3_001);
    const fixtures = fixtureDashboard(fixtureRunsRoot);
    assert.deepEqual(fixtures.view(request({ view: 'paper' })).paper!.map((c) => c.task), ['GP-L', 'V-IRL-L']);
    assert.ok(toCsv(fixtures.csvRows(request({ view: 'paper' }))).startsWith('task,init,split,method,step,gflops,value'));
    const time = fixtures.view(request({ view: 'time' }));
    assert.ok(time.timelines!.length > 0 && time.runs.some((r) => r.hasMetric));
    assert.ok(toCsv(fixtures.csvRows(request({ view: 'time' }))).startsWith('run,update,stage,share'));
  });

  it('streams the CSV to its file in chunks under a temporary name, renamed over the file once complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-csv-'));
    try {
      const file = join(dir, 'curves.csv');
      const rows = longRun(50).csvRows(request({ metric: 'rollout/reward_mean', xKey: 'step' }));
      const expected = toCsv(longRun(50).csvRows(request({ metric: 'rollout/reward_mean', xKey: 'step' })));
      let seenWhileWriting: { file: boolean; written: number } | undefined;
      function* watched(): Generator<CsvRow> {
        let n = 0;
        for (const row of rows) {
          if (++n === 40) {
            const temps = readdirSync(dir).filter((name) => name !== 'curves.csv');
            seenWhileWriting = { file: existsSync(file), written: temps.length === 1 ? readFileSync(join(dir, temps[0]!), 'utf8').length : -1 };
          }
          yield row;
        }
      }
      await writeCsvFile(file, watched(), 64);
      assert.equal(readFileSync(file, 'utf8'), expected);
      assert.equal(seenWhileWriting?.file, false, 'the file appears only once complete');
      assert.ok(seenWhileWriting.written > 0 && seenWhileWriting.written < expected.length, `chunks were written as they filled (${seenWhileWriting.written} of ${expected.length} characters at row 40)`);
      assert.deepEqual(readdirSync(dir), ['curves.csv']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves one whole export when two Export CSV write one file at once (one worker, one pid)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-csv-'));
    try {
      const file = join(dir, 'curves.csv');
      function* rows(tag: string, n: number): Generator<CsvRow> {
        for (let i = 0; i < n; i++) yield [tag, i, 'x'.repeat(50)];
      }
      const exports = await Promise.allSettled([writeCsvFile(file, rows('A', 2_000), 256), writeCsvFile(file, rows('BBBB', 500), 256)]);
      assert.deepEqual(exports.map((e) => e.status), ['fulfilled', 'fulfilled']);
      const text = readFileSync(file, 'utf8');
      assert.ok(text === toCsv(rows('A', 2_000)) || text === toCsv(rows('BBBB', 500)), `one export whole, not a mix: ${text.length} characters`);
      assert.deepEqual(readdirSync(dir), ['curves.csv']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the file as it was when the CSV cannot be written, and fails with why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-csv-'));
    try {
      const file = join(dir, 'curves.csv');
      writeFileSync(file, 'the previous export\r\n');
      function* failing(): Generator<CsvRow> {
        for (let i = 0; i < 100; i++) yield ['row', i];
        throw new RangeError('Invalid string length');
      }
      await assert.rejects(writeCsvFile(file, failing(), 16), /Invalid string length/);
      assert.equal(readFileSync(file, 'utf8'), 'the previous export\r\n');
      assert.deepEqual(readdirSync(dir), ['curves.csv'], 'no temporary file is left behind');
      const nowhere = join(dir, 'missing', 'curves.csv');
      await assert.rejects(writeCsvFile(nowhere, [['a']]), /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a run that repeats a seed of its arm apart: its own series and paper arm, named as a problem, not another seed', () => {
    const key = (lr: number) => JSON.stringify({ job: 'ppo', init: 'runs/init', config: { ppo: { learningRate: lr } } });
    const arm = (folder: string, seed: number, job: 'ppo' | 'sft' = 'ppo') => info(folder, { seed, job, init: 'runs/init', groupKey: job === 'ppo' ? key(1e-6) : 'sft', groupLabel: job === 'ppo' ? 'GP-L RL' : 'GP-L SFT' });
    const data = new DashboardData();
    data.setRuns([arm('runs/s0', 0), arm('runs/s1', 1), arm('runs/s0-copy', 0), arm('runs/sft', 0, 'sft')]);
    const evaluation = (step: number, success: number) => ({ kind: 'eval', step, time: '2026-12-03T00:00:00Z', compute: { parameters: 1, trainTokens: step, inferenceTokens: 0, gflops: step }, split: 'id', splitKind: 'id', episodesEvaluated: 100, success: { rate: success, stderr: 0.05, n: 100 } }) as unknown as MetricRecord;
    for (const [folder, success] of [['runs/s0', 0.5], ['runs/s1', 0.7], ['runs/s0-copy', 0.5], ['runs/sft', 0.2]] as const) {
      data.apply({ folder, reset: true, batch: batchOf([evaluation(0, 0.1), evaluation(1, success)]), skippedLines: [], pendingLine: false });
    }
    const view = data.view(request({ smoothing: 'none' }));
    const labels = view.curves!.curves.map((c) => c.label).sort();
    assert.deepEqual(labels, ['GP-L RL (N=2)', 'GP-L RL · repeat 1 (N=1)', 'GP-L SFT (N=1)'].map((l) => l.replace(' (', ' · id (')).sort());
    assert.ok(view.problems.some((p) => p.startsWith('runs/s0-copy: repeats seed 0 of runs/s0 with the same config')), view.problems.join('\n'));
    const rl = data.view(request({ view: 'paper' })).paper![0]!.rows[0]!.methods.filter((m) => m.method === 'RL');
    assert.deepEqual(rl.map((m) => [m.label, m.runs, m.final.n]), [['RL (seedRepeat=unset)', ['runs/s0', 'runs/s1'], 2], ['RL (seedRepeat=1)', ['runs/s0-copy'], 1]]);
  });

  it("recomputes a view's curves of the runs that changed only: the others' smoothing, seed means and M4 points are kept", () => {
    const folders = ['runs/a', 'runs/b', 'runs/c'];
    const records = (from: number, count: number, r: number) => Array.from({ length: count }, (_, i) => train(from + i, { 'rollout/reward_mean': Math.sin((from + i) / 50 + r) }));
    const fill = (data: DashboardData, extra: number) => {
      data.setRuns(folders.map((f, r) => info(f, { seed: r, groupKey: r < 2 ? 'g' : 'h', groupLabel: r < 2 ? 'g' : 'h' })));
      folders.forEach((f, r) => data.apply({ folder: f, reset: true, batch: batchOf(records(1, 3_000, r)), skippedLines: [], pendingLine: false }));
      if (extra) data.apply({ folder: 'runs/a', reset: false, batch: batchOf(records(3_001, extra, 0)), skippedLines: [], pendingLine: false });
    };
    const stats = require('../../src/core/dashboard/stats') as typeof import('../../src/core/dashboard/stats');
    const decimate = require('../../src/core/dashboard/decimate') as typeof import('../../src/core/dashboard/decimate');
    const [savgol, aggregateColumns, m4Indices] = [stats.savgol, stats.aggregateColumns, decimate.m4Indices];
    const calls = { savgol: 0, aggregateColumns: 0, m4Indices: 0 };
    stats.savgol = (...args) => (calls.savgol++, savgol(...args));
    stats.aggregateColumns = (...args) => (calls.aggregateColumns++, aggregateColumns(...args));
    decimate.m4Indices = (...args) => (calls.m4Indices++, m4Indices(...args));
    const counted = (work: () => void) => {
      Object.assign(calls, { savgol: 0, aggregateColumns: 0, m4Indices: 0 });
      work();
      return { ...calls };
    };
    try {
      for (const aggregate of [false, true]) {
        const asked = request({ metric: 'rollout/reward_mean', xKey: 'step', aggregate, band: 'none' });
        const data = new DashboardData();
        fill(data, 0);
        data.view(asked);
        assert.deepEqual(counted(() => data.view(asked)), { savgol: 0, aggregateColumns: 0, m4Indices: 0 }, 'nothing changed');
        data.apply({ folder: 'runs/a', reset: false, batch: batchOf(records(3_001, 10, 0)), skippedLines: [], pendingLine: false });
        let view = data.view(asked);
        const changed = counted(() => (data.apply({ folder: 'runs/a', reset: false, batch: batchOf(records(3_011, 10, 0)), skippedLines: [], pendingLine: false }), (view = data.view(asked))));
        assert.deepEqual([changed.savgol, changed.aggregateColumns], aggregate ? [1, 1] : [1, 0], "runs/a's curve (its seed group's) again, no other");
        const fresh = new DashboardData();
        fill(fresh, 20);
        assert.deepEqual(view, fresh.view(asked), 'what a view computed afresh draws');
      }
    } finally {
      Object.assign(stats, { savgol, aggregateColumns });
      decimate.m4Indices = m4Indices;
    }
  });

  it("computes step times for the ticked runs only, in at most the chart's width of bars; the CSV has every update", () => {
    const data = new DashboardData();
    const folders = ['runs/a', 'runs/b', 'runs/c'];
    data.setRuns([...folders, 'runs/sft'].map((f) => info(f)));
    const timed = (step: number) => train(step, { 'time/generation_s': 1 + (step % 7), 'time/training_s': 2, 'time/evaluation_s': step % 100 === 0 ? 30 : 0 });
    for (const f of folders) data.apply({ folder: f, reset: true, batch: batchOf(Array.from({ length: 5_000 }, (_, i) => timed(i + 1))), skippedLines: [], pendingLine: false });
    data.apply({ folder: 'runs/sft', reset: true, batch: batchOf([train(1, { 'train/loss': 1 })]), skippedLines: [], pendingLine: false });
    const model = require('../../src/core/dashboard/model') as typeof import('../../src/core/dashboard/model');
    const computed: number[] = [];
    const stepTimeline = model.stepTimeline;
    model.stepTimeline = (records, bars) => (computed.push(records.records), stepTimeline(records, bars));
    try {
      const view = data.view(request({ view: 'time', selected: ['runs/b'], width: 300 }));
      assert.deepEqual(view.runs.map((r) => [r.folder, r.hasMetric, r.selected]), [['runs/a', true, false], ['runs/b', true, true], ['runs/c', true, false], ['runs/sft', false, false]]);
      assert.deepEqual(computed, [5_000], 'one timeline computed: the ticked run');
      const [{ folder, timeline }] = view.timelines as [{ folder: string; timeline: StepTimeline }];
      assert.equal(folder, 'runs/b');
      assert.deepEqual([timeline.updates, timeline.steps.length, timeline.steps[0], timeline.lastSteps.at(-1)], [5_000, 300, 1, 5_000]);
      assert.ok(JSON.stringify(view).length < 100_000, `${JSON.stringify(view).length} bytes`);
      assert.equal(toCsv(data.csvRows(request({ view: 'time', selected: ['runs/b'], width: 300 }))).trimEnd().split('\r\n').length, 1 + 7 * 5_000);
    } finally {
      model.stepTimeline = stepTimeline;
    }
  });
});
