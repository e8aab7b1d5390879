import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderState, readRunFolder, tensorBoardFolder, trainerFolder } from '../../src/core/runs/runFolder';
import { runEntry } from '../../src/core/runs/runTree';
import { parseMetricsJsonl, readEpisodesJsonl, type RecordedEpisodes } from '../../src/core/runs/runs';
import { lineProblems } from '../../src/core/runs/jsonlTail';
import { paperMeasures } from '../../src/core/dashboard/model';
import { compareRuns, configuredSplits, describeComparison, describePairedComparison, describeRun, describeRuns, listedRuns, LISTED_RUNS, METRICS_CHUNK_BYTES, pairedSplit, summarizeRun, summaryRecords } from '../../src/core/runs/runSummary';
import { compareEpisodes, type PairedSplit } from '../../src/core/compare/compare';
import type { OwnEpisode } from '../../src/core/contracts/contracts';

const runs = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs');
const read = (run: string, file: string) => readFileSync(join(runs, run, file), 'utf8');
const ppo = () => readRunFolder(join(runs, 'gp-l', 'ppo-s0'), read('gp-l/ppo-s0', 'run.json'));
const wholeRecords = (text: string) => parseMetricsJsonl(text).records;

/** A file's bytes as summaryRecords reads them, and the reads it made. */
function fileOf(text: string) {
  const bytes = Buffer.from(text);
  const reads: number[] = [];
  const readAt = async (position: number, length: number) => {
    reads.push(position);
    return bytes.subarray(position, position + length);
  };
  return { size: bytes.length, readAt, reads };
}

describe('run summaries for language-model tools', () => {
  it('reads a metrics file from its end in chunks, lines cut by a chunk or longer than one, as the whole file reads', async () => {
    const text = read('gp-l/ppo-s0', 'metrics.jsonl');
    const whole = summarizeRun(ppo(), 'runs/gp-l/ppo-s0', wholeRecords(text), 'finished');
    for (const chunk of [100, 1000, 7777]) {
      for (const splits of [configuredSplits(ppo()), undefined]) {
        const { size, readAt } = fileOf(text);
        assert.deepEqual(summarizeRun(ppo(), 'runs/gp-l/ppo-s0', await summaryRecords(size, readAt, splits, chunk), 'finished'), whole, `chunks of ${chunk}, splits ${splits}`);
      }
    }
  });

  it("finds each split's latest evaluation however far back it lies, and reads no further", async () => {
    const [idInit, oodInit, firstTrain] = read('gp-l/ppo-s0', 'metrics.jsonl').trim().split('\n');
    const train = (step: number) => JSON.stringify({ ...JSON.parse(firstTrain!), step });
    // Evaluated at Init only so far: hundreds of updates' records lie after it.
    const lines = [idInit, oodInit, ...Array.from({ length: 1000 }, (_, i) => train(i + 1))];
    const file = fileOf(`${lines.join('\n')}\n`);
    assert.ok(file.size > 2 * METRICS_CHUNK_BYTES);
    const summary = summarizeRun(ppo(), 'runs/gp-l/ppo-s0', await summaryRecords(file.size, file.readAt, configuredSplits(ppo())), 'finished');
    assert.deepEqual(summary.evaluations.map((e) => [e.split, e.step, e.rate]), [['id', 0, 0.304688], ['ood-rule', 0, 0.117188]]);
    assert.equal(summary.step, 1000);
    assert.equal(summary.training['rollout/reward_mean'], -2.0988);

    const evaluatedLast = fileOf(`${[...lines, idInit, oodInit].map((l, i) => (i >= lines.length ? l!.replace('"step": 0', '"step": 1000') : l)).join('\n')}\n`);
    await summaryRecords(evaluatedLast.size, evaluatedLast.readAt, configuredSplits(ppo()));
    assert.deepEqual(evaluatedLast.reads, [evaluatedLast.size - METRICS_CHUNK_BYTES]);
  });

  it('parses only evaluation lines once it has the latest training record, however far back it reads', async () => {
    const [idInit, oodInit, firstTrain] = read('gp-l/ppo-s0', 'metrics.jsonl').trim().split('\n');
    const lines = [idInit, oodInit, ...Array.from({ length: 1000 }, (_, i) => JSON.stringify({ ...JSON.parse(firstTrain!), step: i + 1 }))];
    const file = fileOf(`${lines.join('\n')}\n`);
    const lastChunkLines = Buffer.from(`${lines.join('\n')}\n`).subarray(file.size - METRICS_CHUNK_BYTES).toString().split('\n').length;
    const parse = JSON.parse;
    let parsed = 0;
    JSON.parse = (...args: Parameters<typeof JSON.parse>) => (parsed++, parse(...args));
    try {
      for (const splits of [undefined, ['id', 'ood-rule', 'never-evaluated']]) {
        parsed = 0;
        const summary = summarizeRun(ppo(), 'runs/gp-l/ppo-s0', await summaryRecords(file.size, file.readAt, splits), 'finished');
        assert.deepEqual(summary.evaluations.map((e) => [e.split, e.step]), [['id', 0], ['ood-rule', 0]]);
        assert.ok(parsed <= lastChunkLines + 2, `${parsed} lines parsed, splits ${splits}: the last chunk's and the 2 evaluations`);
      }
    } finally {
      JSON.parse = parse;
    }
  });

  it('keeps each split\'s latest evaluation and the latest training scalars', () => {
    const folder = join(runs, 'gp-l', 'ppo-s0');
    const summary = summarizeRun(readRunFolder(folder, read('gp-l/ppo-s0', 'run.json')), 'runs/gp-l/ppo-s0', wholeRecords(read('gp-l/ppo-s0', 'metrics.jsonl')), 'finished');
    assert.deepEqual(
      summary.evaluations.map((e) => [e.split, e.step, e.rate, e.n]),
      [
        ['id', 30, 0.734375, 256],
        ['ood-rule', 30, 0.160156, 256],
      ],
    );
    assert.equal(summary.step, 30);
    assert.ok('rollout/reward_mean' in summary.training);
    // the last step recorded is the highest, wherever it is in the file (Init evaluated again after a resume)
    const records = wholeRecords(read('gp-l/ppo-s0', 'metrics.jsonl'));
    const reevaluated = [...records, { ...records.find((r) => r.kind === 'eval')!, step: 0 }];
    assert.equal(summarizeRun(readRunFolder(folder, read('gp-l/ppo-s0', 'run.json')), 'runs/gp-l/ppo-s0', reevaluated, 'finished').step, 30);
    assert.match(describeRun(summary), /^runs\/gp-l\/ppo-s0: ppo run of gp-l, finished at step 30\n {2}id \(id\) success 73\.4% ± 2\.8% \(SE, n=256\) at step 30/);
    const sft = summarizeRun(readRunFolder(join(runs, 'gp-l', 'sft-s0'), read('gp-l/sft-s0', 'run.json')), 'runs/gp-l/sft-s0', wholeRecords(read('gp-l/sft-s0', 'metrics.jsonl')), 'finished');
    const [id, ood] = compareRuns(sft, summary);
    assert.ok(Math.abs(ood!.difference - (0.023438 - 0.160156)) < 1e-12 && Math.abs(ood!.stderr - Math.hypot(0.022922, 0.009456)) < 1e-12);
    assert.equal(id!.split, 'id');
  });

  it("names a run's live state as the Runs view does: a running run whose heartbeat stopped is stale", () => {
    const manifest = { ...JSON.parse(read('gp-l/ppo-s0', 'run.json')), status: 'running', heartbeatAt: '2026-11-18T12:00:00Z' };
    const run = readRunFolder(join(runs, 'gp-l', 'ppo-s0'), JSON.stringify(manifest));
    const now = Date.parse('2026-11-18T13:00:00Z');
    assert.equal(folderState(run, now), runEntry(run, now).state);
    const summary = summarizeRun(run, 'runs/gp-l/ppo-s0', wholeRecords(read('gp-l/ppo-s0', 'metrics.jsonl')), folderState(run, now));
    assert.match(describeRun(summary), /^runs\/gp-l\/ppo-s0: ppo run of gp-l, stale at step 30\n/);
    assert.match(describeComparison(summary, summary), /\nruns\/gp-l\/ppo-s0: ppo run of gp-l, stale at step 30\n/);
  });

  it("judges each split in the paper's measure, as the report and dashboard do (V-IRL: per-step accuracy on ID and rule OOD), and names it", () => {
    const virl = (name: string) => {
      const folder = join(runs, 'virl-l', name);
      return summarizeRun(readRunFolder(folder, read(`virl-l/${name}`, 'run.json')), `runs/virl-l/${name}`, wholeRecords(read(`virl-l/${name}`, 'metrics.jsonl')), 'finished');
    };
    const [sft, rl] = [virl('sft-s0'), virl('ppo-s0')];
    assert.match(describeRun(rl), /\n {2}ood-rule \(rule-ood\) per-step accuracy 89\.1% ± 0\.9% \(SE, n=1280\) at step 30/);
    const ood = compareRuns(sft, rl).find((c) => c.split === 'ood-rule')!;
    assert.ok(Math.abs(ood.b.rate - ood.a.rate - (0.891406 - 0.413281)) < 1e-12, 'per-step accuracy, not episode success');
    assert.match(describeComparison(sft, rl), /\nood-rule per-step accuracy: /);
    // a run that records the reference's per-step accuracy is judged in it, and not against a run that does not
    const withReference = wholeRecords(read('virl-l/ppo-s0', 'metrics.jsonl')).map((r) => (r.kind === 'eval' ? { ...r, perStepAccuracyReference: r.perStepAccuracy } : r));
    const rlReference = summarizeRun(readRunFolder(join(runs, 'virl-l', 'ppo-s0'), read('virl-l/ppo-s0', 'run.json')), 'runs/virl-l/ppo-s0', withReference, 'finished');
    assert.deepEqual(compareRuns(sft, rlReference), []);
    assert.match(describeComparison(sft, rlReference), /\nood-rule: not compared: A's is in perStepAccuracy, B's in perStepAccuracyReference\n/);
    // GeneralPoints: episode success
    assert.match(describeRun(summarizeRun(ppo(), 'runs/gp-l/ppo-s0', wholeRecords(read('gp-l/ppo-s0', 'metrics.jsonl')), 'finished')), /\n {2}id \(id\) success 73\.4% ± 2\.8% \(SE, n=256\) at step 30/);
  });

  it("compares two evaluations of the same seeds as the compare view does: paired SE and exact McNemar p, signed A - B", () => {
    const summary = (name: string) => summarizeRun(readRunFolder(join(runs, 'compare', name), read(`compare/${name}`, 'run.json')), `runs/compare/${name}`, wholeRecords(read(`compare/${name}`, 'metrics.jsonl')), 'finished');
    const episodes = (name: string, split: string) => read(`compare/${name}`, 'episodes.jsonl').trim().split('\n').map((l) => JSON.parse(l) as OwnEpisode).filter((e) => e.split === split);
    const [a, b] = [summary('sft-final'), summary('rl-final')];
    const view = compareEpisodes(episodes('sft-final', 'ood-rule'), episodes('rl-final', 'ood-rule')).splits[0]!;
    const ood = compareRuns(a, b).find((c) => c.split === 'ood-rule')!;
    const paired = pairedSplit(ood, episodes('sft-final', 'ood-rule'), episodes('rl-final', 'ood-rule'));
    assert.deepEqual(paired, view);
    const [withPairs] = compareRuns(a, b, new Map([['ood-rule', paired]])).filter((c) => c.split === 'ood-rule');
    assert.equal(withPairs!.difference, view.difference, 'A - B, as the compare view');
    assert.equal(withPairs!.stderr, view.differenceStderr);
    assert.ok(view.difference < 0 && b.evaluations[1]!.rate > a.evaluations[1]!.rate);
    const text = describeComparison(a, b, new Map<string, PairedSplit | string>([['ood-rule', paired], ['id', 'runs/compare/rl-final has no episodes at step 100']]));
    assert.match(text, /\nood-rule success: A - B = -25\.0 points \(paired SE [\d.]+ over 12 episodes on the same seeds; exact McNemar p = [\d.]+, A only \d+ \/ B only \d+\)/);
    assert.ok(text.includes(`paired SE ${(view.differenceStderr * 100).toFixed(1)} over`) && text.includes(`McNemar p = ${view.mcnemarP.toFixed(3)},`), text);
    assert.match(text, /\nid success: A - B = \+8\.3 points \(SE 18\.5, unpaired: runs\/compare\/rl-final has no episodes at step 100; within 2 SE\)/);
    // episodes that do not cover the evaluation, or other seeds, are not paired
    assert.match(pairedSplit(ood, episodes('sft-final', 'ood-rule').slice(1), episodes('rl-final', 'ood-rule')) as string, /^the episodes at these steps are not the same 12 seeds of each: 11 paired/);
    assert.match(pairedSplit(ood, [], episodes('rl-final', 'ood-rule')) as string, /^A has no ood-rule episodes at step 100$/);
  });

  it("says what could not be read of a run's episodes file, the episodes left out of the pairing (lineProblems)", async () => {
    const summary = (name: string) => summarizeRun(readRunFolder(join(runs, 'compare', name), read(`compare/${name}`, 'run.json')), `runs/compare/${name}`, wholeRecords(read(`compare/${name}`, 'metrics.jsonl')), 'finished');
    const lines = read('compare/rl-final', 'episodes.jsonl').trim().split('\n');
    const damaged = [...lines.slice(0, 14), 'garbage', ...lines.slice(15, -1), lines.at(-1)!.slice(0, 50)].join('\n');
    const recorded = async (text: string, file: string, step: number): Promise<RecordedEpisodes> => {
      const read = await readEpisodesJsonl([text], (e) => e.step === step && e.split !== 'train');
      return { episodes: read.records, problems: lineProblems(file, read, false, 'the comparison') };
    };
    const text = await describePairedComparison(summary('sft-final'), summary('rl-final'), (run, step) =>
      run === 'a' ? recorded(read('compare/sft-final', 'episodes.jsonl'), 'runs/compare/sft-final/episodes.jsonl', step) : recorded(damaged, 'runs/compare/rl-final/episodes.jsonl', step),
    );
    assert.ok(text.includes('\n  problem: runs/compare/rl-final/episodes.jsonl: skipped 1 bad line(s), first at line 15\n'), text);
    assert.ok(text.includes('\n  problem: runs/compare/rl-final/episodes.jsonl line 24 is incomplete: the run stopped while writing it\n'), text);
    assert.equal(text.match(/problem: /g)!.length, 2, 'once each, though both splits read the file');
    assert.match(text, /\nood-rule success: A - B = -25\.0 points \(SE [\d.]+, unpaired: the episodes at these steps are not the same 12 seeds of each: 10 paired;/);
    // the file read whole: paired as the compare view pairs, no problem
    const clean = await describePairedComparison(summary('sft-final'), summary('rl-final'), (run, step) => recorded(read(`compare/${run === 'a' ? 'sft' : 'rl'}-final`, 'episodes.jsonl'), 'e.jsonl', step));
    assert.ok(!clean.includes('problem: ') && clean.includes('ood-rule success: A - B = -25.0 points (paired SE 12.5 over 12 episodes on the same seeds'), clean);
  });

  it('lists the runs a filter names (folder or experiment) before reading any metrics, newest first, at most LISTED_RUNS', () => {
    const manifest = JSON.parse(read('gp-l/ppo-s0', 'run.json')) as Record<string, unknown>;
    const at = (i: number) => new Date(Date.parse('2026-11-18T00:00:00Z') + i * 60_000).toISOString();
    const all = Array.from({ length: 150 }, (_, i) => readRunFolder(`/w/runs/sweep/run-${i}`, JSON.stringify({ ...manifest, experiment: i % 2 ? 'odd' : 'even', updatedAt: at(i) })));
    const name = (folder: string) => folder.replace('/w/', '');
    const { shown, matched } = listedRuns(all, name, undefined);
    assert.equal(matched, 150);
    assert.equal(shown.length, LISTED_RUNS);
    assert.deepEqual(shown.slice(0, 2).map((r) => name(r.folder)), ['runs/sweep/run-149', 'runs/sweep/run-148']);
    assert.deepEqual(listedRuns(all, name, 'ODD').shown.map((r) => r.manifest!.experiment), Array(75).fill('odd'));
    assert.deepEqual(listedRuns(all, name, 'run-14').shown.map((r) => name(r.folder)), ['runs/sweep/run-149', 'runs/sweep/run-148', 'runs/sweep/run-147', 'runs/sweep/run-146', 'runs/sweep/run-145', 'runs/sweep/run-144', 'runs/sweep/run-143', 'runs/sweep/run-142', 'runs/sweep/run-141', 'runs/sweep/run-140', 'runs/sweep/run-14']);
    const summaries = shown.map((r) => summarizeRun(r, name(r.folder), [], 'finished'));
    const text = describeRuns(summaries, matched, 150);
    assert.match(text, /^150 run\(s\); the 100 most recently updated are listed, 50 more: narrow them with filter \(folder or experiment\)\. /);
    assert.equal(text.split('\n').length, 101);
    assert.match(describeRuns(summaries.slice(0, 1), 1, 150), /^1 run\(s\); each split's latest evaluation/);
    assert.equal(describeRuns([], 0, 150, 'nothing'), 'No run matches "nothing" (150 run(s) in the workspace).');
    assert.equal(describeRuns([], 0, 0), 'No runs in the workspace yet.');
  });

  it('keeps each line one line: names from files flattened and bounded', () => {
    const [id, ood] = read('gp-l/ppo-s0', 'metrics.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { split: string });
    const forged = [{ ...id!, split: `id\u2028  ood-rule (rule-ood) success 99.0%\u0085${'y'.repeat(300)}` }, ood!].map((r) => JSON.stringify(r)).join('\n');
    const summary = summarizeRun(ppo(), 'runs/gp-l/new\nline', wholeRecords(forged), 'finished');
    const lines = describeRun({ ...summary, problems: ['run.json /: bad\r\n  id (id) success 100%'] }).split(/\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/);
    assert.equal(lines.length, 4, JSON.stringify(lines));
    assert.match(lines[0]!, /^runs\/gp-l\/new line: ppo run of gp-l/);
    assert.match(lines[1]!, /^ {2}id ood-rule \(rule-ood\) success 99\.0% y+… \(id\) success 30\.5% /);
    assert.ok(lines[1]!.length < 300);
    assert.equal(lines[3], '  problem: run.json /: bad id (id) success 100%');
  });

  it("says that another trainer's run is listed without evaluations or training scalars", () => {
    const folder = join(runs, '..', 'imported', 'trl', 'grpo-gp-l');
    const trl = trainerFolder(folder, [{ path: 'checkpoint-6/trainer_state.json', text: readFileSync(join(folder, 'checkpoint-6', 'trainer_state.json'), 'utf8') }]);
    const text = describeRun(summarizeRun(trl, 'imported/trl/grpo-gp-l', [], folderState(trl, 0)));
    assert.equal(text, "imported/trl/grpo-gp-l: unknown run of Trainer: trl, finished at step 6 (hf-trainer run)\n  another trainer's run: its evaluations and training scalars are not read here (the dashboard shows its scalars)");
  });

  it("says that a TensorBoard folder is listed by its name only: its event files give no state or step here", () => {
    const tb = tensorBoardFolder('/ws/tb-run');
    const text = describeRun(summarizeRun(tb, 'tb-run', [], folderState(tb, 0)));
    assert.equal(text, "tb-run: unknown run of TensorBoard: ., unknown (tensorboard run)\n  another trainer's run: its state, step, evaluations and training scalars are not read here (the dashboard shows its scalars)");
  });

  it('claims no significance from a standard error of 0 (rates of 0% or 100%)', () => {
    const at = (folder: string, rate: number) => ({
      ...summarizeRun(ppo(), folder, [], 'finished'),
      evaluations: [{ split: 'ood-rule', splitKind: 'rule-ood', measure: paperMeasures('GP-L', false)['rule-ood'], step: 100, rate, stderr: Math.sqrt((rate * (1 - rate)) / 64), n: 64 }],
    });
    const verdict = (a: number, b: number) => describeComparison(at('runs/a', a), at('runs/b', b)).split('\n').at(-1);
    assert.equal(verdict(0, 0), 'ood-rule success: A - B = +0.0 points (SE 0.0, unpaired: no episodes read; no difference)');
    assert.equal(verdict(1, 1), 'ood-rule success: A - B = +0.0 points (SE 0.0, unpaired: no episodes read; no difference)');
    assert.equal(verdict(0, 1), 'ood-rule success: A - B = -100.0 points (SE 0.0, unpaired: no episodes read; SE undefined: both rates are 0% or 100%, so no significance is claimed)');
    assert.match(verdict(0, 0.5)!, /\(SE 6\.3, unpaired: no episodes read; beyond 2 SE\)$/);
  });
});
