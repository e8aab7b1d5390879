import * as assert from 'node:assert/strict';
import { appendFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeProgress, MetricsTail } from '../../src/core/runs/metricsTail';
import { MetricsFiles } from '../../src/workers/metrics';
import { withFollowedMetrics } from '../support/followedMetrics';

const encoder = new TextEncoder();
/** What every metric record carries besides its kind (the reader checks the record's shape). */
const common = { time: '2026-11-25T10:00:00Z', compute: { parameters: 10, trainTokens: 0, inferenceTokens: 0, gflops: 1 } };
const evalLine = (step: number, split: string, kind: string, rate: number) => JSON.stringify({ kind: 'eval', step, ...common, split, splitKind: kind, success: { rate, stderr: 0, n: 4 } });
const checkpointEval = (step: number, split: string, checkpoint?: string) => JSON.stringify({ ...JSON.parse(evalLine(step, split, 'id', 0.5)), ...(checkpoint ? { checkpoint } : {}) });
const trainLine = (step: number, reward?: number) => JSON.stringify({ kind: 'train', step, ...common, metrics: reward === undefined ? { 'train/loss': 1 } : { 'rollout/reward_mean': reward } });

describe('metricsTail', () => {
  it('follows a growing file chunk by chunk, a line split across chunks included', () => {
    const text = [evalLine(0, 'id', 'id', 0.25), evalLine(0, 'ood', 'rule-ood', 0.1), trainLine(1, -1.5), evalLine(2, 'id', 'id', 0.5), evalLine(2, 'ood-b', 'visual-ood', 0.4), evalLine(2, 'ood-a', 'rule-ood', 0.2), evalLine(2, 'id-recognition', 'id', 0.9), evalLine(2, 'ood-visual-recognition', 'visual-ood', 0.8), ''].join('\n');
    const bytes = encoder.encode(text);
    const state = new MetricsTail();
    for (let at = 0; at < bytes.length; at += 37) state.push(bytes.subarray(at, Math.min(bytes.length, at + 37)));
    assert.equal(state.offset, bytes.length);
    assert.equal(state.progress.records, 8);
    assert.equal(state.progress.step, 2);
    assert.deepEqual(state.progress.id, { step: 2, rate: 0.5 }, "the first id split's (a recognition split comes after the task's)");
    assert.deepEqual(state.progress.ood, { step: 2, rate: 0.2, kind: 'rule-ood' }, 'the rule-OOD split before the visual ones');
    assert.equal(state.progress.reward, -1.5);
    assert.equal(describeProgress(state.progress, 10), 'step 2/10 · ID 50% · OOD 20%');
  });

  it('keeps an unfinished last line for later and skips garbage', () => {
    const state = new MetricsTail();
    state.push(encoder.encode(`${trainLine(1)}\n{"kind": "tr`));
    assert.equal(state.progress.step, 1);
    assert.equal(state.pendingLine, '{"kind": "tr');
    state.push(encoder.encode(`${trainLine(2).slice('{"kind":"tr'.length)}\nnot json\n{"kind":"other","step":9}\n`));
    assert.equal(state.progress.step, 2);
    assert.equal(state.progress.skippedLines, 2);
    assert.equal(state.pendingLine, '');
  });

  it('describes PPO progress by reward until there is an evaluation', () => {
    const state = new MetricsTail();
    state.push(encoder.encode(`${trainLine(3, 0.25)}\n`));
    assert.equal(describeProgress(state.progress), 'step 3 · reward 0.25');
  });

  it("lists the evaluations recorded, by step: the splits evaluated and the checkpoint (the latest record's naming one)", () => {
    const state = new MetricsTail();
    const lines = [checkpointEval(20, 'ood', 'checkpoints/step-20'), trainLine(21), checkpointEval(0, 'id'), checkpointEval(0, 'ood'), checkpointEval(20, 'id', 'checkpoints/step-20b'), checkpointEval(20, 'id'), '{"kind": "eval", "step": 30, "split": "torn'];
    state.push(encoder.encode(`${lines.join('\n')}\n`));
    assert.deepEqual(state.evaluations, [
      { step: 0, splits: ['id', 'ood'] },
      { step: 20, splits: ['id', 'ood'], checkpoint: 'checkpoints/step-20b' },
    ]);
  });

  it("lists a run's evaluations for compare from a file longer than a read, then from what was appended only", async () => {
    await withFollowedMetrics(async (file, files, updates) => {
      assert.deepEqual(await files.evaluations(file), [], 'no file yet');
      const lines: string[] = [];
      for (let step = 1; step <= 9000; step++) lines.push(trainLine(step, 0.5), ...(step % 1500 === 0 ? [checkpointEval(step, 'id', `checkpoints/step-${step}`)] : []));
      writeFileSync(file, `${lines.join('\n')}\n`);
      assert.ok(statSync(file).size > 1024 * 1024, "over the worker's 1 MB read");
      assert.deepEqual((await files.evaluations(file)).map((e) => [e.step, e.checkpoint]), [1500, 3000, 4500, 6000, 7500, 9000].map((s) => [s, `checkpoints/step-${s}`]));
      appendFileSync(file, `${checkpointEval(9000, 'ood')}\n`);
      files.show([]); // compare asked: followed on though the dashboard shows nothing
      const [last] = (await files.evaluations(file)).slice(-1);
      assert.deepEqual(last, { step: 9000, splits: ['id', 'ood'], checkpoint: 'checkpoints/step-9000' });
      assert.equal((await files.progress(file))?.records, 9007, 'each line read once');
      assert.equal(updates.length, 0);
    });
  });

  it("keeps no alert series for compare, and forgets an asked file once it is deleted or its run leaves the runs list", async () => {
    await withFollowedMetrics(async (file, files) => {
      const spike = JSON.stringify({ kind: 'train', step: 2, ...common, metrics: { 'rollout/reward_mean': 1, 'ppo/entropy': 1, 'ppo/approx_kl': 0.5 } });
      writeFileSync(file, `${trainLine(1, 0.5)}\n${spike}\n${checkpointEval(2, 'id')}\n`);
      assert.deepEqual(await files.evaluations(file), [{ step: 2, splits: ['id'] }]);
      assert.deepEqual(files.held(file), { shown: false, asked: true, alertSeries: false }, "compare's listing holds no alert series (about 10 MB for a 200k-record run)");
      assert.deepEqual((await files.alerts(file, {})).map((a) => [a.rule, a.step]), [['kl-spike', 2]], 'the alerts read the file again for theirs');
      assert.equal(files.held(file)?.alertSeries, true);
      rmSync(file);
      assert.deepEqual(await files.evaluations(file), []);
      assert.equal(files.held(file), undefined, 'a deleted file is forgotten');
      writeFileSync(file, `${checkpointEval(4, 'id')}\n`);
      await files.evaluations(file);
      files.runs([dirname(file)]);
      assert.equal(files.held(file)?.asked, true, 'its run is listed');
      files.runs([]);
      assert.equal(files.held(file), undefined, 'its run left the runs list (deleted)');
      files.show([{ folder: 'runs/a', path: file }]);
      await files.evaluations(file);
      files.runs([]);
      assert.deepEqual(files.held(file), { shown: true, asked: false, alertSeries: false }, 'the dashboard still shows it');
      files.show([]);
      assert.equal(files.held(file), undefined);
    });
  });

  it('reads a file once for the dashboard and a job alike: one offset, records to the one, progress to the other', async () => {
    await withFollowedMetrics(async (file, files, updates) => {
      assert.equal(await files.progress(file), undefined, 'no file yet');
      writeFileSync(file, `${trainLine(1, 0.5)}\n`);
      assert.equal((await files.progress(file))?.step, 1);
      assert.equal(updates.length, 0, 'not shown in the dashboard: no updates');
      files.show([{ folder: 'runs/a', path: file }]);
      await files.poll();
      assert.deepEqual(updates.map((u) => [u.folder, u.reset, [...u.batch.axes.steps]]), [['runs/a', true, [1]]], 'newly shown: from the start');
      appendFileSync(file, `${evalLine(2, 'id', 'id', 0.75)}\n`);
      const progress = await files.progress(file); // the job's read serves the dashboard too
      assert.deepEqual([progress?.step, progress?.id?.rate, progress?.records], [2, 0.75, 2]);
      assert.deepEqual(updates.map((u) => [u.reset, [...u.batch.axes.steps]]), [[true, [1]], [false, [2]]]);
      await files.poll(); // nothing new
      assert.equal(updates.length, 2);
      files.show([]);
      appendFileSync(file, `${trainLine(3)}\n`);
      assert.equal((await files.progress(file))?.step, 3);
      assert.equal(updates.length, 2, 'no longer shown');
    });
  });

  it('reads the ticked runs first, as the latest view asked, one file at a time', async () => {
    await withFollowedMetrics(async (file) => {
      const shown = ['a', 'b', 'c', 'd'].map((name) => ({ folder: `runs/${name}`, path: join(dirname(file), `${name}.jsonl`) }));
      for (const { path } of shown) writeFileSync(path, Array.from({ length: 2_000 }, (_, i) => trainLine(i + 1)).join('\n') + '\n');
      const read: string[] = [];
      const files = new MetricsFiles(
        () => undefined,
        (folder) => {
          read.push(folder);
          if (folder === 'runs/c') files.prefer(['runs/d', 'runs/b']); // other runs ticked meanwhile: the next view asks for them
        },
      );
      files.show(shown);
      files.prefer(['runs/c']);
      await files.poll();
      assert.deepEqual(read, ['runs/c', 'runs/b', 'runs/d', 'runs/a']);
    });
  });

  it("tells the dashboard once per read of a run's file, however many chunks it takes", async () => {
    await withFollowedMetrics(async (file, files, updates, changed) => {
      const lines = Array.from({ length: 30_000 }, (_, i) => trainLine(i + 1, i / 30_000)); // 3 MB: 1 MB chunks
      writeFileSync(file, lines.join('\n') + '\n');
      files.show([{ folder: 'runs/a', path: file }]);
      await files.poll();
      assert.ok(updates.length >= 3, `${updates.length} updates`); // a chunk each: the records are never all held at once
      assert.deepEqual(changed, ['runs/a'], "one 'changed' (a view of the dashboard) for the whole first read");
      appendFileSync(file, `${trainLine(30_001)}\n`);
      await files.poll();
      await files.poll(); // nothing new
      assert.deepEqual(changed, ['runs/a', 'runs/a']);
      appendFileSync(file, `${trainLine(30_002)}\n`);
      await files.progress(file); // a job's read: the dashboard's run changed too
      assert.deepEqual(changed, ['runs/a', 'runs/a', 'runs/a']);
    });
  });
});
