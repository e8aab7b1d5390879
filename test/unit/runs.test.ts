import * as assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lineProblems } from '../../src/core/runs/jsonlTail';
import { readRunFolder, runIdentity } from '../../src/core/runs/runFolder';
import { parseEpisodesJsonl, parseMetricsJsonl, rateCurves, readEpisodesJsonl } from '../../src/core/runs/runs';

const runDir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs', 'tiny-gp-l', 'ppo');
const compute = { parameters: 10, trainTokens: 0, inferenceTokens: 0, gflops: 1 };
const evalLine = (step: number, split: string, rate: number, gflops = step) =>
  JSON.stringify({
    kind: 'eval',
    step,
    time: '2026-11-25T10:00:00Z',
    compute: { ...compute, gflops },
    split,
    splitKind: split === 'id' ? 'id' : 'rule-ood',
    episodesEvaluated: 4,
    success: { rate, stderr: Math.sqrt((rate * (1 - rate)) / 4), n: 4 },
  });

describe('runs: metrics.jsonl', () => {
  it('skips torn, garbage and off-contract lines with their line numbers, never throws', () => {
    const text = [evalLine(0, 'id', 0.5), '{"kind": "eval", "st', '\u0000\u00ff garbage', '{"kind":"train","step":1}', '', evalLine(1, 'id', 0.75)].join('\n');
    const parsed = parseMetricsJsonl(text);
    assert.equal(parsed.records.length, 2);
    assert.deepEqual(parsed.skippedLines, [2, 3, 4]);
  });

  it('handles an empty file and a file without a final newline', () => {
    assert.deepEqual(parseMetricsJsonl(''), { records: [], skippedLines: [] });
    assert.equal(parseMetricsJsonl(evalLine(0, 'id', 0.5)).records.length, 1);
  });

  it('builds one success curve per split, ordered by step, the latest record of a step winning', () => {
    const { records } = parseMetricsJsonl([evalLine(2, 'id', 0.5), evalLine(0, 'id', 0.25), evalLine(0, 'ood-rule', 0), evalLine(2, 'id', 1)].join('\n'));
    const curves = rateCurves(records, () => 'success');
    assert.deepEqual(
      curves.map((c) => [c.split, c.splitKind, c.points.map((p) => [p.step, p.rate])]),
      [
        ['id', 'id', [[0, 0.25], [2, 1]]],
        ['ood-rule', 'rule-ood', [[0, 0]]],
      ],
    );
  });

  it("takes each split kind's own rate, leaving out the records without it", () => {
    const withAccuracy = (step: number, rate: number) => JSON.stringify({ ...JSON.parse(evalLine(step, 'id', 0)), perStepAccuracy: { rate, stderr: 0.1, n: 20 } });
    const { records } = parseMetricsJsonl([evalLine(0, 'id', 0.25), withAccuracy(1, 0.6), evalLine(1, 'ood-rule', 0.5)].join('\n'));
    const curves = rateCurves(records, (kind) => (kind === 'id' ? 'perStepAccuracy' : 'success'));
    assert.deepEqual(curves.map((c) => [c.split, c.points.map((p) => [p.step, p.rate, p.n])]), [['id', [[1, 0.6, 20]]], ['ood-rule', [[1, 0.5, 4]]]]);
  });
});

describe('runs: episodes.jsonl', () => {
  it("skips torn, garbage, off-contract and other trainers' lines with their line numbers", () => {
    const episodes = join(runDir, '..', '..', 'compare', 'rl-final', 'episodes.jsonl');
    const [line] = readFileSync(episodes, 'utf8').split('\n');
    const episode = JSON.parse(line!) as Record<string, unknown>;
    const { seed: _seed, ...unseeded } = episode;
    const text = [line, '{"runId": "rl', JSON.stringify(unseeded), JSON.stringify({ ...episode, source: 'trl' }), '', line, line!.slice(0, 40)].join('\n');
    const parsed = parseEpisodesJsonl(text);
    assert.equal(parsed.records.length, 2);
    assert.deepEqual(parsed.skippedLines, [2, 3, 4, 7]);
    assert.deepEqual(parseEpisodesJsonl(''), { records: [], skippedLines: [] });
  });

  it('reads a file in byte chunks as its whole text reads, naming its bad lines and its cut last line by the run\'s state', async () => {
    const lines = readFileSync(join(runDir, '..', '..', 'compare', 'rl-final', 'episodes.jsonl'), 'utf8').split('\n');
    const { seed: _seed, ...unseeded } = JSON.parse(lines[1]!) as Record<string, unknown>;
    // a garbage middle line, a record off the episode-record contract (no seed), a torn last line
    const text = [lines[0], 'not json {', lines[2], JSON.stringify(unseeded), lines[3], lines[4]!.slice(0, 60)].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-episodes-'));
    try {
      const file = join(dir, 'episodes.jsonl');
      writeFileSync(file, text);
      const read = await readEpisodesJsonl(createReadStream(file, { highWaterMark: 97 }), (e) => e.seed !== 502);
      assert.deepEqual(read.records.map((e) => e.seed), [500, 503]);
      assert.deepEqual([read.skippedLines, read.cutLine], [[2, 4, 6], 6]);
      const whole = parseEpisodesJsonl(text);
      assert.deepEqual([whole.skippedLines, whole.cutLine, whole.records.length], [read.skippedLines, read.cutLine, 3]);
      assert.deepEqual(lineProblems('runs/x/episodes.jsonl', read, false, 'the comparison'), [
        'runs/x/episodes.jsonl: skipped 2 bad line(s), first at line 2',
        'runs/x/episodes.jsonl line 6 is incomplete: the run stopped while writing it',
      ]);
      assert.equal(lineProblems('runs/x/episodes.jsonl', read, true, 'the comparison')[1], 'runs/x/episodes.jsonl line 6 is incomplete: the run is still writing it (the comparison is on a live run)');
      // a last line that is JSON but no episode record is a bad line, not a cut one
      const offContract = await readEpisodesJsonl([Buffer.from(`${lines[0]}\n{"a": 1}`)], () => true);
      assert.deepEqual(lineProblems('e.jsonl', offContract, false, 'the comparison'), ['e.jsonl: skipped 1 bad line(s), first at line 2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runs: run.json (readRunFolder, runIdentity)', () => {
  it('reads the fixture run and its metrics: status, both curves, the torn line counted', () => {
    const run = runIdentity(readRunFolder('runs/tiny-gp-l/ppo', readFileSync(join(runDir, 'run.json'), 'utf8')));
    assert.equal(run.runId, 'ppo');
    assert.equal(run.status, 'finished');
    const metrics = parseMetricsJsonl(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8'));
    assert.deepEqual(rateCurves(metrics.records, () => 'success').map((c) => [c.split, c.points.length]), [['id', 11], ['ood-rule', 11]]);
    assert.deepEqual(metrics.skippedLines, [8]);
  });

  it('reports a missing or invalid manifest instead of failing, its status unknown', () => {
    assert.deepEqual(readRunFolder('r', undefined).problems, ['run.json is missing']);
    assert.match(readRunFolder('r', '{').problems[0]!, /run.json is not valid JSON/);
    const invalid = readRunFolder('r', '{"schemaVersion": 1}');
    assert.equal(runIdentity(invalid).status, 'unknown');
    assert.match(invalid.problems[0]!, /missing required property/);
  });
});
