import * as assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricRecord, RunManifest } from '../../src/core/contracts/generated/types';
import { batchOf, batchOfScalars, metricById, mismatchWarning, paperColumns, recordsStepTimes, RunRecords, stepTimeline, timelineBarTitle, toCsv, type RunInfo } from '../../src/core/dashboard/model';
import { differenceLabel, groupDifferences, keepRepeatedSeedsApart, seedGroupKey } from '../../src/core/runs/seedGroup';
import { m4Indices } from '../../src/core/dashboard/decimate';
import { curveCsvRows, curveSeries, paperCsvRows } from '../../src/core/dashboard/series';
import { aggregateByStep, aggregateColumns, savgol, savgolStderr } from '../../src/core/dashboard/stats';
import { JsonlTail } from '../../src/core/runs/jsonlTail';
import { readRunFolder } from '../../src/core/runs/runFolder';
import { checkpointRun, runInfo } from '../../src/core/runs/runInfo';
import { fixtureRuns } from '../support/fixtureRuns';
import { withFollowedMetrics } from '../support/followedMetrics';

const repo = join(__dirname, '..', '..', '..');
const fixtureRunsRoot = join(repo, 'test', 'fixtures', 'workspace', 'runs');
const compute = (step: number) => ({ parameters: 10, trainTokens: step * 100, inferenceTokens: 0, gflops: step * 2 });
const train = (step: number, loss: number, segment = 0): MetricRecord =>
  ({ kind: 'train', step, time: '2026-11-25T10:00:00Z', segment, wallSeconds: step * 3, episodes: step * 8, compute: compute(step), metrics: { 'train/loss': loss } }) as MetricRecord;
const evaluation = (step: number, split: string, rate: number, n = 100): MetricRecord =>
  ({
    kind: 'eval',
    step,
    time: '2026-11-25T10:00:00Z',
    compute: compute(step),
    split,
    splitKind: split === 'id' ? 'id' : 'rule-ood',
    episodesEvaluated: n,
    success: { rate, stderr: Math.sqrt((rate * (1 - rate)) / n), n },
  }) as MetricRecord;

/** A GP-L SFT or RL run of a study under `folder` (its Init at folder/init), holding `records`. */
const studyRun =
  (folder: string) =>
  (job: 'sft' | 'ppo', records: MetricRecord[]): { info: RunInfo; records: RunRecords } => {
    const info = { ...fixtures().find((r) => r.info.task === 'GP-L' && r.info.job === job)!.info, folder: `${folder}/${job}`, init: `${folder}/init/checkpoints/final` };
    const set = new RunRecords();
    set.add(records);
    return { info, records: set };
  };

function fixtures(): { info: RunInfo; records: RunRecords }[] {
  const { runs, updates } = fixtureRuns(fixtureRunsRoot);
  return runs.map((info) => {
    const records = new RunRecords();
    for (const u of updates) if (u.folder === info.folder) records.addBatch(u.batch);
    return { info, records };
  });
}

describe('dashboard: tailing metrics.jsonl', () => {
  const isAny = (v: unknown): v is unknown => typeof v === 'object' && v !== null;

  it('parses only complete lines, holds a line being written, numbers torn lines', () => {
    const tail = new JsonlTail(isAny);
    assert.deepEqual(tail.push('{"a": 1}\n{"b"'), { records: [{ a: 1 }], skippedLines: [] });
    assert.equal(tail.pendingLine, '{"b"');
    assert.deepEqual(tail.push(': 2}\n{"torn\n{"c": 3}\n'), { records: [{ b: 2 }, { c: 3 }], skippedLines: [3] });
    assert.equal(tail.lines, 4);
  });

  it('reassembles multi-byte characters split across chunks', () => {
    const tail = new JsonlTail(isAny);
    const bytes = new TextEncoder().encode('{"name": "naïve ✓"}\n');
    const cut = bytes.indexOf(0xe2) + 1; // inside the check mark
    assert.deepEqual(tail.push(bytes.subarray(0, cut)).records, []);
    assert.deepEqual(tail.push(bytes.subarray(cut)).records, [{ name: 'naïve ✓' }]);
  });

  it('reads only appended bytes, and again from the start when the file is replaced (a resume)', async () => {
    await withFollowedMetrics(async (file, tailer, updates) => {
      writeFileSync(file, `${JSON.stringify(train(1, 2))}\n${JSON.stringify(train(2, 1.5)).slice(0, 20)}`);
      tailer.show([{ folder: 'runs/a', path: file }]);
      await tailer.poll();
      assert.deepEqual(updates.map((u) => [u.reset, u.batch.count, u.pendingLine]), [[true, 1, true]]);
      appendFileSync(file, `${JSON.stringify(train(2, 1.5)).slice(20)}\n${JSON.stringify(train(3, 1.2))}\n`);
      await tailer.poll();
      await tailer.poll(); // nothing new: no update
      assert.deepEqual(updates.map((u) => [u.reset, [...u.batch.axes.steps]]), [[true, [1]], [false, [2, 3]]]);
      writeFileSync(`${file}.next`, `${JSON.stringify(train(1, 2))}\n`);
      renameSync(`${file}.next`, file); // RunLog.truncate_records_after replaces the file atomically
      await tailer.poll();
      assert.deepEqual(updates.at(-1)!.reset, true);
      assert.deepEqual([...updates.at(-1)!.batch.axes.steps], [1]);
    });
  });
});

describe('dashboard: runs and records', () => {
  it('joins records by global step: a resumed segment re-logging a step replaces it', () => {
    const records = new RunRecords();
    records.add([train(1, 2), train(2, 1.9), train(3, 1.8), train(2, 1.5, 1), train(3, 1.4, 1), train(4, 1.3, 1)]);
    const [curve] = records.curves(metricById('train/loss'), 'step');
    assert.deepEqual(curve!.points.map((p) => [p.step, p.y]), [[1, 2], [2, 1.5], [3, 1.4], [4, 1.3]]);
  });

  it("names the trainer's speed records: peak GPU memory, and the padded share as a rate", () => {
    assert.deepEqual([metricById('perf/peak_memory_gib').label, metricById('perf/peak_memory_gib').rate], ['Peak GPU memory (GiB)', false]);
    assert.deepEqual([metricById('perf/padding_fraction').label, metricById('perf/padding_fraction').rate], ['Padded share of the positions read', true]);
  });

  it("measures another trainer's wall time from the log's start, never below 0 (a later file's earlier event)", () => {
    const batch = batchOfScalars([{ tag: 'loss', step: 1, wallTime: 98, value: 1 }, { tag: 'loss', step: 2, wallTime: 105, value: 0.5 }, { tag: 'loss', step: 3, value: 0.25 }], 100);
    assert.deepEqual([...batch.axes.wallSeconds], [0, 5, -1]);
  });

  it('puts every x-axis on evaluation points, carried from the training records of the step', () => {
    const records = new RunRecords();
    records.add([evaluation(0, 'id', 0.3), train(1, 2), train(2, 1.9), evaluation(2, 'id', 0.5), evaluation(2, 'ood', 0.1)]);
    const metric = metricById('id/success');
    assert.deepEqual(records.curves(metric, 'wallSeconds')[0]!.points.map((p) => p.x), [0, 6]);
    assert.deepEqual(records.curves(metric, 'episodes')[0]!.points.map((p) => p.x), [0, 16]);
    assert.deepEqual(records.curves(metric, 'gflops')[0]!.points.map((p) => p.x), [0, 4]);
    assert.deepEqual(records.curves(metric, 'tokens')[0]!.points.map((p) => p.x), [0, 200]);
    const [point] = records.curves(metric, 'step')[0]!.points;
    assert.equal(point!.se, Math.sqrt((0.3 * 0.7) / 100));
    assert.deepEqual(records.curves(metricById('ood/success'), 'step').map((c) => c.split), ['ood']);
  });

  it('reads manifests: task, Init, seed group (config minus seed), resume segments', () => {
    const runs = fixtures();
    const byFolder = new Map(runs.map((r) => [r.info.folder, r.info]));
    const sft0 = byFolder.get('runs/gp-l/sft-s0')!;
    const sft2 = byFolder.get('runs/gp-l/sft-s2')!;
    const ppo1 = byFolder.get('runs/gp-l/ppo-s1')!;
    assert.equal(sft0.task, 'GP-L');
    assert.equal(byFolder.get('runs/virl-l/ppo-s0')!.task, 'V-IRL-L');
    assert.equal(sft0.init, 'runs/gp-l/init');
    assert.equal(sft0.groupKey, sft2.groupKey);
    assert.notEqual(sft0.groupKey, ppo1.groupKey);
    assert.notEqual(sft0.groupKey, byFolder.get('runs/gp-l/init')!.groupKey);
    assert.deepEqual(ppo1.segments.map((s) => s.startStep), [0, 10]);
    assert.equal(checkpointRun('/abs/runs/x/init/checkpoints/final/'), '/abs/runs/x/init');
    const broken = runInfo(readRunFolder('runs/broken', '{"runId": 3'));
    assert.match(broken.problems[0]!, /run\.json is not valid JSON/);
  });

  it("groups a study's seed runs, which differ in seed, name, output folder and who evaluates Init; not runs of another recipe", () => {
    const manifest = JSON.parse(readFileSync(join(fixtureRunsRoot, 'gp-l', 'ppo-s0', 'run.json'), 'utf8')) as RunManifest & { config: Record<string, any> };
    const key = (edit: (config: Record<string, any>) => void, experiment = manifest.experiment) => {
      const config = structuredClone(manifest.config);
      edit(config);
      return runInfo(readRunFolder('runs/x', JSON.stringify({ ...manifest, experiment, config }))).groupKey;
    };
    const seed0 = key(() => {});
    const seed1 = key((c) => Object.assign(c, { seed: 1, name: 'demo-rl-seed1', outputDir: 'elsewhere', evaluation: { ...c.evaluation, atStart: false } }), 'demo-rl-seed1');
    assert.equal(seed1, seed0);
    // what only names, describes, logs or alerts on a run is no part of its arm either
    assert.equal(key((c) => Object.assign(c, { seed: 2, description: 'the third seed', logging: { tensorboard: true }, alerts: [{ metric: 'ppo/approx_kl', above: 0.1 }] })), seed0);
    // nor is the same config from another Init the same arm
    assert.notEqual(seedGroupKey('ppo', 'runs/a/init', manifest.config), seedGroupKey('ppo', 'runs/b/init', manifest.config));
    assert.notEqual(key((c) => (c.ppo.learningRate = 3e-5)), seed0);
    assert.notEqual(key((c) => (c.evaluation.seed = 7)), seed0, 'other evaluation episodes are another comparison');
  });

  it('keeps every repeat of a seed apart, each naming the first run of that seed', () => {
    const run = (folder: string, seed: number) => ({ folder, seed, groupKey: JSON.stringify({ job: 'ppo', config: { lr: 1 } }), groupLabel: 'RL' });
    const kept = keepRepeatedSeedsApart([run('s0', 0), run('s0-copy', 0), run('s1', 1), run('s0-again', 0)]);
    assert.deepEqual(kept.map((r) => [r.groupLabel, r.repeatOf]), [['RL', undefined], ['RL · repeat 1', 's0'], ['RL', undefined], ['RL · repeat 2', 's0']]);
    assert.equal(new Set(kept.map((r) => r.groupKey)).size, 3);
  });

  it("keeps run.json's files and checkpoints inside the run folder", () => {
    const folder = join(fixtureRunsRoot, 'gp-l', 'ppo-s0');
    const manifest = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')) as RunManifest;
    const planted = { ...manifest, files: { ...manifest.files, metrics: '../../../../dev/zero' }, checkpoints: [...(manifest.checkpoints ?? []), { step: 99, path: '/etc', createdAt: '2026-12-06T00:00:00Z' }, { step: 100, path: '../sft-s0/checkpoints/final', createdAt: '2026-12-06T00:00:00Z' }] };
    const run = readRunFolder(folder, JSON.stringify(planted));
    assert.equal(run.metricsFile, 'metrics.jsonl');
    assert.deepEqual(run.manifest!.checkpoints, manifest.checkpoints);
    assert.deepEqual(run.problems, ['run.json /files/metrics: "../../../../dev/zero" is not inside the run folder (ignored)', 'run.json /checkpoints/' + String(manifest.checkpoints!.length) + '/path: "/etc" is not inside the run folder (ignored)', 'run.json /checkpoints/' + String(manifest.checkpoints!.length + 1) + '/path: "../sft-s0/checkpoints/final" is not inside the run folder (ignored)']);
    assert.deepEqual(readRunFolder(folder, JSON.stringify(manifest)).problems, []);
  });

  it('aggregates seeds with N in the label and SEM bands; per run, binomial bands', () => {
    const runs = fixtures().filter((r) => r.info.folder.startsWith('runs/gp-l/'));
    const colours = (i: number) => `c${i}`;
    const grouped = curveSeries(runs, metricById('ood/success'), 'gflops', { smoothing: 'savgol:5', band: 'se', aggregate: true }, colours);
    assert.deepEqual(grouped.map((s) => s.label).sort(), ['GP-L RL from gp-l/init · ood-rule (N=3)', 'GP-L SFT from gp-l/init · ood-rule (N=3)', 'GP-L SFT · ood-rule (N=1)']);
    const sft = grouped.find((s) => s.label.startsWith('GP-L SFT from'))!;
    assert.equal(sft.ns![0], 3);
    assert.equal(sft.smoothed!.length, sft.steps.length);
    assert.ok(sft.band!.lo.every((lo, i) => lo <= sft.smoothed![i]! && sft.smoothed![i]! <= sft.band!.hi[i]!));
    const single = curveSeries(runs.slice(0, 1), metricById('id/success'), 'step', { smoothing: 'none', band: 'ci95', aggregate: false }, colours)[0]!;
    const y = single.ys[1]!;
    const halfWidth = single.band!.hi[1]! - y;
    const n = 256;
    assert.ok(Math.abs(halfWidth - 1.959963984540054 * Math.sqrt((y * (1 - y)) / n)) < 1e-12);
    assert.equal(single.smoothed, undefined);
    const csv = toCsv(curveCsvRows([single], 'step')).split('\r\n');
    assert.equal(csv[0], 'series,runs,split,step,step,value,smoothed,band_low,band_high,n_runs');
    assert.equal(csv.length, single.steps.length + 2);
  });

  it("smooths with the paper's order-3 Savitzky-Golay and carries each point's SE through the filter's weights", () => {
    const rates = [0.1, 0.5, 0.2, 0.9, 0.4, 0.35, 0.8, 0.05, 0.6];
    const one = studyRun('runs/smooth')('sft', rates.map((rate, i) => evaluation(i * 10, 'ood-rule', rate)));
    const [s] = curveSeries([one], metricById('ood/success'), 'step', { smoothing: 'savgol:5', band: 'se', aggregate: false }, (i) => `c${i}`);
    const smoothed = savgol(rates, 5, 3);
    const halfWidths = savgolStderr(rates.map((rate) => Math.sqrt((rate * (1 - rate)) / 100)), 5, 3);
    rates.forEach((_, i) => {
      assert.ok(Math.abs(s!.smoothed![i]! - smoothed[i]!) < 1e-12, `smoothed ${i}: ${s!.smoothed![i]} vs ${smoothed[i]}`);
      assert.ok(Math.abs(s!.band!.hi[i]! - smoothed[i]! - halfWidths[i]!) < 1e-12 && Math.abs(smoothed[i]! - s!.band!.lo[i]! - halfWidths[i]!) < 1e-12, `band ${i}`);
    });
  });

  it("draws seeds' 95% band as the t interval of their mean, SE as their SEM, and keeps each split of a kind its own curve", () => {
    const seed = (folder: string, a: [number, number], b: [number, number]) =>
      studyRun(folder)('ppo', [evaluation(0, 'ood-a', a[0]), evaluation(0, 'ood-b', b[0]), evaluation(10, 'ood-a', a[1]), evaluation(10, 'ood-b', b[1])]);
    const seeds = [seed('runs/seed-0', [0.2, 0.4], [0.5, 0.5]), seed('runs/seed-1', [0.3, 0.7], [0.6, 0.9])];
    const draw = (band: 'se' | 'ci95') => curveSeries(seeds, metricById('ood/success'), 'step', { smoothing: 'none', band, aggregate: true }, (i) => `c${i}`);
    const [a, b] = draw('ci95');
    assert.deepEqual([a!.label.endsWith(' · ood-a (N=2)'), b!.label.endsWith(' · ood-b (N=2)')], [true, true], `${a?.label} | ${b?.label}`);
    assert.ok(Math.abs(a!.ys[1]! - 0.55) < 1e-12 && Math.abs(b!.ys[1]! - 0.7) < 1e-12);
    // step 10 of ood-a: 0.4 and 0.7, SEM 0.15, t(0.975, df 1) = 12.706...
    assert.ok(Math.abs(a!.band!.hi[1]! - a!.ys[1]! - 12.706204736174705 * 0.15) < 1e-9, `${a!.band!.hi[1]! - a!.ys[1]!}`);
    const [se] = draw('se');
    assert.ok(Math.abs(se!.band!.hi[1]! - se!.ys[1]! - 0.15) < 1e-12);
  });

  it('tells long values that share their start apart by where they differ', () => {
    const key = (file: string | undefined) => JSON.stringify({ job: 'sft', init: 'runs/init', config: { sft: { data: file === undefined ? {} : { file } } } });
    const [a, b, c] = groupDifferences([key('data/gp-l/trajectories-optimal-4000-examples.jsonl'), key('data/gp-l/trajectories-optimal-4000-examples-v2.jsonl'), key(undefined)]);
    assert.deepEqual([a, b, c], [['sft.data.file=…0-examples.jsonl'], ['sft.data.file=…0-examples-v2.jsonl'], ['sft.data.file=unset']]);
    const [long] = groupDifferences([key(`${'x'.repeat(30)}A${'y'.repeat(60)}`), key(`${'x'.repeat(30)}B${'y'.repeat(60)}`)]);
    assert.equal(long![0], `sft.data.file=…${'x'.repeat(10)}A${'y'.repeat(28)}…`);
    // a third arm's short value shares no start with them: the two are still cut where they differ from each other
    const withShort = groupDifferences([key('data/gp-l/trajectories-optimal-4000-examples.jsonl'), key('data/gp-l/trajectories-optimal-4000-examples-v2.jsonl'), key('d.jsonl')]);
    assert.deepEqual(withShort, [['sft.data.file=…0-examples.jsonl'], ['sft.data.file=…0-examples-v2.jsonl'], ['sft.data.file=d.jsonl']]);
    // two folders each with a v1 and a v2 file: cut where each differs from its nearest, a and b's v1 would read alike
    const files = ['a', 'b'].flatMap((folder) => ['v1', 'v2'].map((v) => `data/${folder}/gp-l-trajectories-4000-opt-${v}.jsonl`));
    const twoByTwo = groupDifferences(files.map(key)).map(([label]) => label!);
    assert.equal(new Set(twoByTwo).size, 4, twoByTwo.join(' | '));
    assert.deepEqual(twoByTwo, files.map((f) => `sft.data.file=${f.slice(0, 20)}…${f.slice(-20)}`));
    // and where start and end are alike too, the whole value
    const deep = ['a', 'b'].flatMap((folder) => ['v1', 'v2'].map((v) => `data/gp-l/${folder}/trajectories-optimal-4000-examples-${v}.jsonl`));
    const deepLabels = groupDifferences(deep.map(key)).map(([label]) => label!);
    assert.equal(new Set(deepLabels).size, 4, deepLabels.join(' | '));
  });

  it('names aggregated arms of one task and Init apart by the config fields in which they differ', () => {
    const runs = fixtures().filter((r) => r.info.folder.startsWith('runs/gp-l/ppo-'));
    const otherRate = (run: (typeof runs)[number]) => {
      const key = JSON.parse(run.info.groupKey) as { config: { ppo: { learningRate: number } } };
      key.config.ppo.learningRate = 3e-5;
      return { ...run, info: { ...run.info, groupKey: JSON.stringify(key) } };
    };
    const arms = [runs[0]!, runs[1]!, otherRate(runs[2]!)];
    const labels = curveSeries(arms, metricById('ood/success'), 'gflops', { smoothing: 'none', band: 'se', aggregate: true }, (i) => `c${i}`).map((s) => s.label);
    assert.equal(new Set(labels).size, 2);
    assert.ok(labels.some((l) => /^GP-L RL from gp-l\/init \(ppo\.learningRate=\S+\) · ood-rule \(N=2\)$/.test(l)), labels.join(' | '));
    assert.ok(labels.some((l) => l === 'GP-L RL from gp-l/init (ppo.learningRate=0.00003) · ood-rule (N=1)'), labels.join(' | '));
    // at most three fields, then how many more: a fourth difference is counted, never dropped unsaid
    assert.equal(differenceLabel(['a=1', 'b=2', 'c=3']), 'a=1, b=2, c=3');
    assert.equal(differenceLabel(['a=1', 'b=2', 'c=3', 'd=4']), 'a=1, b=2, c=3, +1 more');
  });

  it('builds the paper view: one column per Init with SFT and RL, ID/OOD rows, Init baseline and final deltas', () => {
    const columns = paperColumns(fixtures());
    assert.deepEqual(columns.map((c) => [c.task, c.init, c.rows.map((r) => r.measure.field)]), [
      ['GP-L', 'runs/gp-l/init', ['success', 'success']],
      ['V-IRL-L', 'runs/virl-l/init', ['perStepAccuracy', 'perStepAccuracy']],
    ]);
    const [gp] = columns;
    assert.deepEqual(gp!.rows.map((r) => r.splitKind), ['id', 'rule-ood']);
    const ood = gp!.rows[1]!;
    const sft = ood.methods.find((m) => m.method === 'SFT')!;
    const rl = ood.methods.find((m) => m.method === 'RL')!;
    assert.equal(sft.final.n, 3);
    assert.equal(rl.runs.length, 3);
    assert.ok(ood.init !== undefined && sft.final.mean < ood.init && rl.final.mean > ood.init, 'the fixtures have the paper shape: SFT falls OOD, RL rises');
  });

  it('draws one curve and bar per arm: PPO runs of two learning rates from one Init are two arms, three seeds of one SFT config one', () => {
    const manifest = (job: 'sft' | 'ppo') => JSON.parse(readFileSync(join(fixtureRunsRoot, 'gp-l', `${job}-s0`, 'run.json'), 'utf8')) as RunManifest & { config: Record<string, any> };
    const run = (job: 'sft' | 'ppo', seed: number, learningRate: number, final: number) => {
      const m = manifest(job);
      const config: Record<string, any> = { ...structuredClone(m.config), seed, name: `${job}-seed${seed}` };
      config[job].learningRate = learningRate;
      const folder = `runs/arms/${job}-lr${learningRate}-s${seed}`;
      const records = new RunRecords();
      records.add([evaluation(0, 'ood-rule', 0.3), evaluation(10, 'ood-rule', final)]);
      return { info: runInfo(readRunFolder(folder, JSON.stringify({ ...m, runId: folder.split('/').pop(), experiment: config.name, config, seeds: { global: seed } }))), records };
    };
    const runs = [run('sft', 0, 3e-4, 0.2), run('sft', 1, 3e-4, 0.1), run('sft', 2, 3e-4, 0.15), run('ppo', 0, 1e-5, 0.5), run('ppo', 1, 1e-5, 0.6), run('ppo', 0, 1e-6, 0.35)];
    const [column, ...others] = paperColumns(runs);
    assert.equal(others.length, 0, 'one Init, one column');
    const ood = column!.rows[1]!;
    assert.deepEqual(
      ood.methods.map((m) => [m.method, m.label, m.final.n, Math.round(m.final.mean * 1000) / 1000]),
      [
        ['SFT', 'SFT', 3, 0.15],
        ['RL', 'RL (ppo.learningRate=0.00001)', 2, 0.55],
        ['RL', 'RL (ppo.learningRate=0.000001)', 1, 0.35],
      ],
    );
    assert.deepEqual(ood.methods[1]!.runs, ['runs/arms/ppo-lr0.00001-s0', 'runs/arms/ppo-lr0.00001-s1']);
    assert.ok(Math.abs(ood.methods[1]!.final.sem - 0.05) < 1e-12, "the SEM of the arm's two seeds, not of all three PPO runs");
    assert.equal(ood.init, 0.3);
    const finals = toCsv(paperCsvRows([column!])).split('\r\n').filter((line) => line.includes(',rule-ood,') && line.includes(',final,'));
    assert.deepEqual(finals.map((line) => line.split(',').pop()), ['SFT', 'RL (ppo.learningRate=0.00001)', 'RL (ppo.learningRate=0.000001)']);
    // delta: the arm's final mean minus Init's (SFT fell below Init, RL rose above it)
    assert.deepEqual(finals.map((line) => Number(line.split(',')[12]).toFixed(2)), ['-0.15', '0.25', '0.05']);
  });

  it('starts an arm that left Init to its sibling (evaluation.atStart false) at the sibling\'s Init point', () => {
    const run = studyRun('runs/study');
    const sft = run('sft', [evaluation(0, 'ood-rule', 0.3), evaluation(10, 'ood-rule', 0.2)]);
    const rl = run('ppo', [evaluation(4, 'ood-rule', 0.4), evaluation(8, 'ood-rule', 0.5)]);
    const ood = paperColumns([sft, rl])[0]!.rows[1]!;
    assert.equal(ood.init, 0.3);
    const curve = ood.methods.find((m) => m.method === 'RL')!.curve;
    assert.deepEqual(curve.map((p) => [p.step, p.y]), [[0, 0.3], [4, 0.4], [8, 0.5]]);
    // one run per arm: the band is each point's binomial standard error, not a spread over seeds (0)
    const binomial = (rate: number) => Math.sqrt((rate * (1 - rate)) / 100);
    for (const [i, rate] of [0.3, 0.4, 0.5].entries()) {
      assert.ok(Math.abs(curve[i]!.sem - binomial(rate)) < 1e-12 && Math.abs(curve[i]!.ci95 - 1.959963984540054 * binomial(rate)) < 1e-12);
    }
    const rlFinal = ood.methods.find((m) => m.method === 'RL')!.final;
    assert.ok(rlFinal.n === 1 && Math.abs(rlFinal.sem - binomial(0.5)) < 1e-12);
  });

  it("takes Init's value as the mean of the runs' step-0 evaluations (each run may evaluate Init anew)", () => {
    const run = studyRun('runs/init-twice');
    const sft = run('sft', [evaluation(0, 'ood-rule', 0.3), evaluation(10, 'ood-rule', 0.2)]);
    const rl = run('ppo', [evaluation(0, 'ood-rule', 0.4), evaluation(10, 'ood-rule', 0.5)]);
    assert.ok(Math.abs(paperColumns([sft, rl])[0]!.rows[1]!.init! - 0.35) < 1e-12);
  });

  it("shows every run's rule-OOD split in the rule-OOD row and its visual one in the visual row, whatever order its config lists them in", () => {
    const run = studyRun('runs/vl');
    const visual = (step: number, rate: number) => ({ ...evaluation(step, 'ood-visual', rate), splitKind: 'visual-ood' }) as MetricRecord;
    const sft = run('sft', [evaluation(0, 'ood-rule', 0.3), visual(0, 0.9), evaluation(10, 'ood-rule', 0.2), visual(10, 0.8)]);
    const rl = run('ppo', [visual(0, 0.9), evaluation(0, 'ood-rule', 0.3), visual(8, 0.7), evaluation(8, 'ood-rule', 0.5)]);
    const [, ruleRow, visualRow] = paperColumns([sft, rl])[0]!.rows;
    assert.deepEqual(ruleRow!.methods.map((m) => m.curve.map((p) => p.y)), [[0.3, 0.2], [0.3, 0.5]]);
    assert.deepEqual(visualRow!.methods.map((m) => m.curve.map((p) => p.y)), [[0.9, 0.8], [0.9, 0.7]]);
  });

  it("draws V-IRL's paper view with the reference's per-step accuracy where the runs record it", () => {
    const runs = fixtures();
    for (const run of runs.filter((r) => r.info.task.startsWith('V-IRL'))) {
      const record = evaluation(0, 'id', 0.5);
      run.records.add([{ ...record, perStepAccuracyReference: { rate: 0.4, stderr: 0.05, n: 100 } } as MetricRecord]);
    }
    const virl = paperColumns(runs).find((c) => c.task.startsWith('V-IRL'))!;
    assert.equal(virl.rows[0]!.measure.field, 'perStepAccuracyReference');
    assert.equal(virl.rows[0]!.init, 0.4);
  });

  it("draws a V-IRL-VL study's visual-OOD row (VLN mini) in route success, its ID row in per-step accuracy", () => {
    // per-step accuracy and route success move apart: SFT gets more moves right and finishes fewer routes
    const virl = (step: number, split: string, splitKind: 'id' | 'rule-ood' | 'visual-ood', success: number, perStep: number) =>
      ({ ...evaluation(step, split, success), splitKind, perStepAccuracyReference: { rate: perStep, stderr: 0.01, n: 500 } }) as MetricRecord;
    const vl = (job: 'sft' | 'ppo', records: MetricRecord[]) => {
      const run = studyRun('runs/virl-vl')(job, records);
      return { ...run, info: { ...run.info, task: 'V-IRL-VL' } };
    };
    const sft = vl('sft', [virl(0, 'id', 'id', 0.1, 0.5), virl(0, 'vln-mini', 'visual-ood', 0.4, 0.6), virl(10, 'id', 'id', 0.2, 0.9), virl(10, 'vln-mini', 'visual-ood', 0.1, 0.7)]);
    const rl = vl('ppo', [virl(8, 'id', 'id', 0.3, 0.8), virl(8, 'vln-mini', 'visual-ood', 0.7, 0.5)]);
    const [id, ood] = paperColumns([sft, rl])[0]!.rows;
    assert.deepEqual([id!.measure.name, id!.measure.field, id!.init], ['per-step accuracy', 'perStepAccuracyReference', 0.5]);
    assert.deepEqual([ood!.measure.name, ood!.measure.field, ood!.init], ['route success', 'success', 0.4]);
    assert.deepEqual(ood!.methods.map((m) => m.final.mean), [0.1, 0.7]);
    // with a rule-OOD split too (the paper preset's), both OOD rows: rule OOD (figure 6) in
    // per-step accuracy, then visual OOD (figure 7) still in route success
    const withRule = (run: { info: RunInfo; records: RunRecords }, step: number, perStep: number) => (run.records.add([virl(step, 'ood-rule', 'rule-ood', 0, perStep)]), run);
    const rows = paperColumns([withRule(withRule(sft, 0, 0.3), 10, 0.1), withRule(rl, 8, 0.6)])[0]!.rows;
    assert.deepEqual(rows.map((r) => r.splitKind), ['id', 'rule-ood', 'visual-ood']);
    const [, ruleRow, visualRow] = rows;
    assert.deepEqual([ruleRow!.measure.field, ruleRow!.init, ruleRow!.methods.map((m) => m.final.mean)], ['perStepAccuracyReference', 0.3, [0.1, 0.6]]);
    assert.deepEqual([visualRow!.measure.name, visualRow!.init, visualRow!.methods.map((m) => m.final.mean)], ['route success', 0.4, [0.1, 0.7]]);
    const csv = toCsv(paperCsvRows(paperColumns([sft, rl]))).split('\r\n');
    assert.ok(csv.some((line) => line.includes(',visual-ood,SFT,final,')) && csv.some((line) => line.includes(',rule-ood,RL,final,')));
  });

  it('CSV quotes what needs it', () => {
    assert.equal(toCsv([['a,b', 'say "hi"', 1.5, undefined, Number.NaN]]), '"a,b","say ""hi""",1.5,,\r\n');
  });
});

describe('dashboard: generation vs training mismatch', () => {
  const update = (step: number, kl: number | null): MetricRecord => ({ ...train(step, 1), metrics: { 'mismatch/kl': kl } }) as MetricRecord;

  it('warns at the worst update above the threshold, counting the updates above it', () => {
    const records = new RunRecords();
    records.add([update(1, 4e-14), update(2, 3e-3), update(3, 8e-3), update(4, 1e-3), update(5, 2e-4)]);
    assert.deepEqual(mismatchWarning(records, 1e-3), { step: 3, kl: 8e-3, updates: 2 });
    assert.equal(mismatchWarning(records, 1e-2), undefined);
  });

  it("reads the KL column, not points, once per run until the run's records change", () => {
    const records = new RunRecords();
    records.add([update(1, 2e-3), update(2, 1e-5)]);
    records.curves = () => assert.fail('a CurvePoint per update, on every view');
    const first = mismatchWarning(records, 1e-3);
    assert.deepEqual(first, { step: 1, kl: 2e-3, updates: 1 });
    assert.equal(mismatchWarning(records, 1e-3), first, 'kept until the records change');
    records.add([update(3, 5e-3)]);
    assert.deepEqual(mismatchWarning(records, 1e-3), { step: 3, kl: 5e-3, updates: 2 });
    assert.equal(mismatchWarning(records, 1e-2), undefined);
  });

  it('says nothing for a run that records no mismatch (SFT, another trainer) or only nulls', () => {
    const sft = new RunRecords();
    sft.add([train(1, 2), train(2, 1)]);
    assert.equal(mismatchWarning(sft, 0), undefined);
    const none = new RunRecords();
    none.add([update(1, null)]);
    assert.equal(mismatchWarning(none, 0), undefined);
  });
});

describe('dashboard: step time', () => {
  const update = (step: number, seconds: Record<string, number>, perf: Record<string, number> = {}): MetricRecord =>
    ({ ...train(step, 1), metrics: { ...Object.fromEntries(Object.entries(seconds).map(([k, v]) => [`time/${k}_s`, v])), ...perf } }) as MetricRecord;

  it("splits each update's time into stage shares, with means, shares of the whole and tokens/s", () => {
    const records = new RunRecords();
    const zero = { scoring: 0, evaluation: 0, checkpoint: 0 };
    records.add([
      update(1, { generation: 6, environment: 1, training: 3, ...zero }, { 'perf/generation_tokens_per_second': 100, 'perf/training_tokens_per_second': 1000 }),
      update(2, { generation: 4, environment: 1, training: 3, ...zero, evaluation: 2 }, { 'perf/generation_tokens_per_second': 200, 'perf/training_tokens_per_second': 3000 }),
    ]);
    const timeline = stepTimeline(records)!;
    assert.deepEqual(timeline.steps, [1, 2]);
    assert.deepEqual(timeline.shares.generation, [0.6, 0.4]);
    assert.deepEqual(timeline.shares.evaluation, [0, 0.2]);
    for (const i of [0, 1]) assert.ok(Math.abs(Object.values(timeline.shares).reduce((sum, shares) => sum + shares[i]!, 0) - 1) < 1e-12);
    assert.deepEqual(timeline.totals.generation, { meanSeconds: 5, share: 0.5 });
    assert.deepEqual(timeline.totals.training, { meanSeconds: 3, share: 0.3 });
    assert.deepEqual(timeline.tokensPerSecond, { generation: 150, training: 2000 });
  });

  it('is undefined for a run that records no step times', () => {
    const sft = new RunRecords();
    sft.add([train(1, 2)]);
    assert.equal(stepTimeline(sft), undefined);
    assert.equal(recordsStepTimes(sft), false);
  });

  it("averages consecutive updates into at most the chart's bars, each with its update range; the totals stay every update's", () => {
    const records = new RunRecords();
    const zero = { environment: 0, scoring: 0, token_records: 0, evaluation: 0, checkpoint: 0 };
    // step 6 records no time (not an update of the timeline); step 11 only its generation, late
    records.add([1, 2, 3, 4, 5, 7, 8, 9, 10].map((step) => update(step, { generation: step, training: 10 - step, ...zero })));
    records.add([update(6, { generation: 0, training: 0, ...zero }), update(11, { generation: 3 })]);
    const full = stepTimeline(records)!;
    assert.deepEqual([full.updates, full.steps, full.lastSteps], [10, [1, 2, 3, 4, 5, 7, 8, 9, 10, 11], [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]]);
    assert.equal(recordsStepTimes(records), true);
    const bars = stepTimeline(records, 4)!;
    assert.equal(bars.updates, 10);
    assert.deepEqual([bars.steps, bars.lastSteps], [[1, 3, 7, 9], [2, 5, 8, 11]]);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.deepEqual(bars.shares.generation, [mean([0.1, 0.2]), mean([0.3, 0.4, 0.5]), mean([0.7, 0.8]), mean([0.9, 1, 1])]);
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(Object.values(bars.shares).reduce((sum, shares) => sum + shares[i]!, 0) - 1) < 1e-12);
    assert.deepEqual(bars.totals, full.totals);
    assert.deepEqual(stepTimeline(records, 10), full);
    assert.deepEqual([0, 1, 3].map((i) => timelineBarTitle(bars, i)), ['updates 1–2', 'updates 3–5', 'updates 9–11']);
    assert.equal(timelineBarTitle(full, 5), '7');
  });
});

describe('dashboard: record shape check', () => {
  it('accepts the fixture records and rejects what the dashboard cannot draw', async () => {
    const { isMetricRecordShape } = await import('../../src/core/runs/metricShape');
    const good = [train(1, 2), evaluation(0, 'id', 0.5)];
    for (const r of good) assert.equal(isMetricRecordShape(JSON.parse(JSON.stringify(r))), true);
    const bad = [{ ...train(1, 2), step: -1 }, { ...train(1, 2), compute: {} }, { ...evaluation(0, 'id', 0.5), splitKind: 'x' }, { ...evaluation(0, 'id', 0.5), success: { rate: '1' } }, { kind: 'train', step: 1 }, null, [], 'x'];
    for (const r of bad) assert.equal(isMetricRecordShape(r), false, JSON.stringify(r));
  });

  it('keeps a partial line whose bytes sit in a buffer the caller reuses', () => {
    const tail = new JsonlTail((value: unknown): value is unknown => value !== undefined);
    const buffer = Buffer.alloc(64);
    const first = Buffer.from('{"a": 1}\n{"b":');
    first.copy(buffer);
    tail.push(buffer.subarray(0, first.length));
    const second = Buffer.from(' 2}\n');
    buffer.fill(0x78);
    second.copy(buffer);
    assert.deepEqual(tail.push(buffer.subarray(0, second.length)).records, [{ b: 2 }]);
  });
});

describe('dashboard: columns and pixel-exact decimation', () => {
  it('keeps out-of-order and re-logged steps sorted in its growing columns, and curves agree with columns', () => {
    const records = new RunRecords();
    records.add(Array.from({ length: 40 }, (_, i) => train(i * 2 + 2, i))); // steps 2..80, past the first capacity
    records.add([train(1, -1), train(41, -41), train(80, 99)]); // before, inside, and again
    const [columns] = records.columns(metricById('train/loss'), 'gflops');
    const steps = [...columns!.steps];
    assert.deepEqual(steps, [...steps].sort((a, b) => a - b));
    assert.equal(steps.length, 42);
    assert.deepEqual([steps[0], columns!.ys[0]], [1, -1]);
    assert.equal(columns!.ys[steps.indexOf(41)], -41);
    assert.equal(columns!.ys.at(-1), 99);
    assert.deepEqual([...columns!.xs], steps.map((s) => s * 2)); // GFLOPs of each step
    const [curve] = records.curves(metricById('train/loss'), 'gflops');
    assert.deepEqual(curve!.points.map((p) => [p.step, p.x, p.y]), steps.map((s, i) => [s, columns!.xs[i], columns!.ys[i]]));
  });

  it("a log's evaluations at a training record's step share its axes row: batches ascend, so records are appended whole", () => {
    const log = [train(1, 0.5), train(2, 0.4), evaluation(2, 'id', 0.3), evaluation(2, 'ood-rule', 0.1), train(3, 0.3)];
    const batch = batchOf(log);
    assert.equal(batch.count, 5);
    assert.deepEqual([...batch.axes.steps], [1, 2, 3]);
    assert.deepEqual([...batch.axes.gflops], [2, 4, 6]);
    assert.deepEqual([...batch.axes.episodes], [8, 16, 24]); // the training record's episodes kept: evaluations record none
    const whole = new RunRecords();
    whole.addBatch(batch);
    const oneByOne = new RunRecords();
    for (const record of log) oneByOne.add([record]);
    for (const metric of ['train/loss', 'id/success', 'ood/success'])
      for (const xKey of ['step', 'gflops', 'episodes'] as const) assert.deepEqual(whole.columns(metricById(metric), xKey), oneByOne.columns(metricById(metric), xKey), `${metric} vs ${xKey}`);
  });

  it('aggregates seeds by a merge of their steps, as the per-step definition says', () => {
    const a = { steps: [1, 2, 4], xs: [10, 20, 40], ys: [0.1, 0.2, 0.4] };
    const b = { steps: [2, 3, 4], xs: [22, 30, 44], ys: [0.3, 0.5, 0.6] };
    const merged = aggregateColumns([a, b]);
    assert.deepEqual([...merged.steps], [1, 2, 3, 4]);
    assert.deepEqual([...merged.ns], [1, 2, 1, 2]);
    assert.deepEqual([...merged.xs], [10, 21, 30, 42]);
    assert.ok(Math.abs(merged.ys[1]! - 0.25) < 1e-15 && Math.abs(merged.sems[1]! - 0.05) < 1e-15);
    assert.ok(Math.abs(merged.ci95s[3]! - 12.706204736174705 * merged.sems[3]!) < 1e-9); // t(0.975, df 1)
    assert.deepEqual(aggregateByStep([[{ step: 2, x: 1, y: 3 }, { step: 1, x: 0, y: 1 }]]).map((p) => [p.step, p.n, p.sem]), [[1, 1, 0], [2, 1, 0]]);
  });

  it('M4 keeps, per pixel column, the first, last, lowest and highest point: the extremes of every column survive', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 50_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i * 0.37);
    const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 900) + random() - 0.5);
    ys[12_345] = Number.NaN; // a gap stays a gap
    const columns = 300;
    const kept = m4Indices(xs, ys, xs[0]!, xs[n - 1]!, columns);
    assert.ok(kept.length <= 4 * columns + 2, `${kept.length} points`);
    assert.ok(kept.includes(12_345) && kept.includes(12_344) && kept.includes(12_346));
    assert.deepEqual([...kept], [...kept].sort((a, b) => a - b));
    const columnOf = (i: number) => Math.min(columns - 1, Math.floor(((xs[i]! - xs[0]!) / (xs[n - 1]! - xs[0]!)) * columns));
    const extremes = (indices: Iterable<number>) => {
      const out = new Map<number, [number, number, number, number]>();
      for (const i of indices) {
        if (Number.isNaN(ys[i]!)) continue;
        const c = columnOf(i);
        const e = out.get(c) ?? [Infinity, -Infinity, i, i];
        out.set(c, [Math.min(e[0], ys[i]!), Math.max(e[1], ys[i]!), Math.min(e[2], i), Math.max(e[3], i)]);
      }
      return out;
    };
    assert.deepEqual(extremes(kept), extremes(xs.keys()));
    assert.deepEqual([...m4Indices(xs.subarray(0, 10), ys.subarray(0, 10), 0, 4, 300)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // few points: all
  });
});
