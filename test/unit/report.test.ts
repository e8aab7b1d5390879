import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OwnEpisode } from '../../src/core/contracts/contracts';
import { buildReport, jsonForScript, reportHtml, runSeconds, studyTitle, type RunFiles } from '../../src/core/report/report';
import type { RunManifest } from '../../src/core/contracts/generated/types';

const runs = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs', 'compare');

function files(name: string): RunFiles {
  const read = (file: string) => readFileSync(join(runs, name, file), 'utf8');
  return { folder: `runs/compare/${name}`, manifest: read('run.json'), metrics: read('metrics.jsonl'), episodes: read('episodes.jsonl') };
}

/** A run's episode records, from its episodes.jsonl (the fixtures' are whole). */
const episodesOf = (run: RunFiles) => run.episodes!.trim().split('\n').map((l) => JSON.parse(l) as OwnEpisode);
/** Records as a JSON-lines file's text. */
const jsonl = (records: unknown[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');

describe('study report', () => {
  const data = buildReport('GP-L', [files('sft-final')], [files('rl-final')], '2026-11-25T12:00:00Z');

  it('takes the final evaluations of both runs and compares them episode by episode', () => {
    assert.deepEqual(
      data.finals.map((f) => [f.method, f.split, f.rate]),
      [['SFT', 'id', 0.75], ['SFT', 'ood-rule', 0.5], ['RL', 'id', 8 / 12], ['RL', 'ood-rule', 0.75]],
    );
    assert.deepEqual(data.comparison.splits.map((s) => [s.split, s.pairs, s.onlyA, s.onlyB]), [['id', 12, 3, 2], ['ood-rule', 12, 0, 3]]);
    assert.ok(data.comparison.examples.length > 0 && data.comparison.examples.every((e) => e.sft.success !== e.rl.success));
    assert.equal(data.comparison.examples[0]!.split, 'ood-rule', 'OOD examples come first');
  });

  it("times a run by its processes' segments, not the pause between a cancel and its resume", () => {
    const manifest = JSON.parse(files('rl-final').manifest!) as RunManifest;
    const at = (minutes: number) => new Date(Date.parse('2026-12-05T05:00:00Z') + minutes * 60_000).toISOString();
    const resumed: RunManifest = { ...manifest, createdAt: at(0), endedAt: at(60), segments: [
      { index: 0, startedAt: at(0), startStep: 0, endedAt: at(2), endStatus: 'cancelled' },
      { index: 1, startedAt: at(30), startStep: 1, endedAt: at(60), endStatus: 'finished' },
    ] };
    assert.equal(runSeconds(resumed), 32 * 60);
    assert.equal(runSeconds({ ...resumed, segments: [{ index: 0, startedAt: at(0), startStep: 0 }, { index: 1, startedAt: at(30), startStep: 1 }] }), 30 * 60, 'a killed segment left no end; the last ends with the run');
    assert.equal(runSeconds({ ...resumed, segments: undefined }), 60 * 60);
    assert.equal(runSeconds({ ...resumed, endedAt: undefined }), undefined);
  });

  it('decides no verdict when the runs have no evaluation of Init (step 0)', () => {
    assert.equal(data.verdict.outcome, 'undecided');
    assert.deepEqual(data.verdict.effects, []);
  });

  it("takes Init from the RL run when the SFT run left it to the RL run (evaluation.atStart false)", () => {
    const rl = files('rl-final');
    const atInit = (line: string) => line.replace('"step": 100', '"step": 0');
    const withInit: RunFiles = {
      ...rl,
      metrics: rl.metrics!.trim().split('\n').map(atInit).join('\n') + '\n' + rl.metrics,
      episodes: jsonl([...episodesOf(rl).map((e) => ({ ...e, step: 0, success: false })), ...episodesOf(rl)]),
    };
    const study = buildReport('GP-L', [files('sft-final')], [withInit], '2026-11-25T12:00:00Z');
    assert.deepEqual(study.init.map((p) => [p.split, p.rate]), [['id', 8 / 12], ['ood-rule', 0.75]]);
    assert.notEqual(study.verdict.outcome, 'undecided');
    assert.equal(study.verdict.effects.length, 5);
  });

  it("reads each final at its run's last evaluated step: that step's failure modes, its change from Init, its episodes (not Init's, not training rollouts)", () => {
    const rl = files('rl-final');
    const lines = rl.metrics!.trim().split('\n');
    // Init evaluated after the final evaluation in the file (a resumed run's order): the file does not end at the last step
    const atInit = (line: string) => line.replace('"step": 100', '"step": 0').replace(/"failureModes": \{[^}]*\}/, '"failureModes": {"format": 12}');
    const rollout = { ...episodesOf(rl)[0]!, split: 'train', step: 150 } as OwnEpisode;
    const withInit: RunFiles = { ...rl, metrics: `${[...lines, ...lines.map(atInit)].join('\n')}\n`, episodes: jsonl([...episodesOf(rl).map((e) => ({ ...e, step: 0, success: false })), ...episodesOf(rl), rollout]) };
    const study = buildReport('GP-L', [files('sft-final')], [withInit], '2026-11-25T12:00:00Z');
    assert.deepEqual(study.finals.find((f) => f.method === 'RL' && f.split === 'id')!.failureModes, { arithmetic: 4, 'wrong-numbers': 16 });
    const sft = study.finals.filter((f) => f.method === 'SFT');
    assert.deepEqual(sft.map((f) => [f.split, Math.round(f.delta! * 1e6) / 1e6]), [['id', Math.round((0.75 - 8 / 12) * 1e6) / 1e6], ['ood-rule', -0.25]], 'final minus Init');
    assert.deepEqual(study.comparison.splits.map((s) => [s.split, s.pairs]), [['id', 12], ['ood-rule', 12]]);
    assert.equal(study.verdict.effects.length, 5);
    assert.ok(study.verdict.effects.every((e) => e.pairing === 'paired' && e.n === 12), study.verdict.sentence);
  });

  it('with several training seeds per arm: each run\'s finals, the verdict over the seeds, the first runs compared', () => {
    const rl = files('rl-final');
    const atInit = (line: string) => line.replace('"step": 100', '"step": 0');
    const withInit: RunFiles = { ...rl, metrics: rl.metrics!.trim().split('\n').map(atInit).join('\n') + '\n' + rl.metrics, episodes: jsonl([...episodesOf(rl).map((e) => ({ ...e, step: 0, success: false })), ...episodesOf(rl)]) };
    const seed1 = (run: RunFiles, folder: string): RunFiles => {
      const manifest = JSON.parse(run.manifest!) as RunManifest & { config: Record<string, unknown> };
      return { ...run, folder, manifest: JSON.stringify({ ...manifest, seeds: { ...manifest.seeds, global: 1 }, config: { ...manifest.config, seed: 1 } }) };
    };
    const sft = files('sft-final');
    const study = buildReport('GP-L', [sft, seed1(sft, 'runs/compare/sft-final-seed1')], [withInit, seed1(rl, 'runs/compare/rl-final-seed1')], '2026-11-25T12:00:00Z');
    assert.deepEqual(study.runs.map((r) => [r.method, r.folder]), [['SFT', 'runs/compare/sft-final'], ['SFT', 'runs/compare/sft-final-seed1'], ['RL', 'runs/compare/rl-final'], ['RL', 'runs/compare/rl-final-seed1']]);
    assert.deepEqual(study.finals.filter((f) => f.split === 'id').map((f) => f.folder), study.runs.map((r) => r.folder));
    assert.equal(study.verdict.seeds, 2);
    assert.ok(study.verdict.effects.length === 5 && study.verdict.effects.every((e) => e.perSeed.length === 2));
    assert.deepEqual([study.comparison.sft, study.comparison.rl], ['runs/compare/sft-final', 'runs/compare/rl-final']);
    assert.throws(() => buildReport('GP-L', [], [rl]), /at least one SFT run and one RL run/);
  });

  it('refuses two runs of one arm with the same training seed, naming both folders: they would be averaged as two seeds', () => {
    const sft = files('sft-final');
    const copy: RunFiles = { ...sft, folder: 'runs/compare/sft-final-seed1' };
    assert.throws(() => buildReport('GP-L', [sft, copy], [files('rl-final')]), /runs\/compare\/sft-final and runs\/compare\/sft-final-seed1 are runs of SFT with the same seed \(0\)/);
    const rl = files('rl-final');
    assert.throws(() => buildReport('GP-L', [sft], [rl, { ...rl, folder: 'runs/compare/rl-final-seed1' }]), /runs\/compare\/rl-final and runs\/compare\/rl-final-seed1 are runs of RL with the same seed \(0\)/);
  });

  it('keeps RL runs of two learning rates apart: each arm its own effects, named, and its own finals', () => {
    const rl = files('rl-final');
    const atInit = (line: string) => line.replace('"step": 100', '"step": 0');
    const withInit: RunFiles = { ...rl, metrics: rl.metrics!.trim().split('\n').map(atInit).join('\n') + '\n' + rl.metrics, episodes: jsonl([...episodesOf(rl).map((e) => ({ ...e, step: 0, success: false })), ...episodesOf(rl)]) };
    const manifest = JSON.parse(rl.manifest!) as RunManifest & { config: { ppo: Record<string, unknown> } };
    const fasterLr: RunFiles = { ...rl, folder: 'runs/compare/rl-lr3e-5', manifest: JSON.stringify({ ...manifest, config: { ...manifest.config, ppo: { ...manifest.config.ppo, learningRate: 3e-5 } } }) };
    const study = buildReport('GP-L', [files('sft-final')], [withInit, fasterLr], '2026-11-25T12:00:00Z');
    const [slow, fast] = ['RL (ppo.learningRate=0.00001)', 'RL (ppo.learningRate=0.00003)'];
    assert.deepEqual(study.verdict.effects.map((e) => e.claim), [
      'SFT raises ID success (id)',
      `${slow} raises ID success (id)`,
      `${fast} raises ID success (id)`,
      "SFT lowers OOD success below Init's (ood-rule)",
      `${slow} raises OOD success above Init's (ood-rule)`,
      `${fast} raises OOD success above Init's (ood-rule)`,
      `${slow} ends above SFT on OOD success (ood-rule)`,
      `${fast} ends above SFT on OOD success (ood-rule)`,
    ]);
    assert.ok(study.verdict.effects.every((e) => e.perSeed.length === 1), 'no arm averages the other\'s run as a seed');
    assert.equal(study.verdict.seeds, 1);
    assert.deepEqual(study.finals.filter((f) => f.split === 'id').map((f) => [f.arm, f.folder]), [['SFT', 'runs/compare/sft-final'], [slow, 'runs/compare/rl-final'], [fast, 'runs/compare/rl-lr3e-5']]);
    assert.match(study.verdict.sentence, /RL \(ppo\.learningRate=0\.00003\) raises OOD success above Init's \(ood-rule\): \+\d+\.\d pts \(SE \d+\.\d, n=12\)/);
  });

  it('refuses runs whose evaluations do not pair: another decoding, or a split played from another seed', () => {
    const rl = files('rl-final');
    const manifest = JSON.parse(rl.manifest!) as RunManifest;
    const sampled: RunFiles = { ...rl, manifest: JSON.stringify({ ...manifest, evaluationDecoding: { source: 'configured', doSample: true, temperature: 0.7, topP: 1, topK: 0, maxNewTokens: 96, draws: 'per-episode' } }) };
    assert.throws(() => buildReport('GP-L', [files('sft-final')], [sampled]), /not evaluated alike.*evaluation decoding doSample: false in SFT \(runs\/compare\/sft-final\), true in RL \(runs\/compare\/rl-final\)/);
    const reseeded: RunFiles = { ...rl, episodes: jsonl(episodesOf(rl).map((e) => ({ ...e, seed: e.seed + 1000 }))) };
    assert.throws(() => buildReport('GP-L', [files('sft-final')], [reseeded]), /not evaluated alike.*split id: seed/);
  });

  it("lists what it could not read of the runs' files, by file and line, and leaves those lines out", () => {
    assert.deepEqual(data.problems, [], 'the fixtures are whole');
    const rl = files('rl-final');
    const [first, ...rest] = episodesOf(rl);
    const { seed: _seed, ...unseeded } = rest[0]!;
    const metrics = rl.metrics!.trim().split('\n');
    const damaged: RunFiles = {
      ...rl,
      metrics: `${metrics[0]}\n{"kind": "eval", "step": 100}\n\u0000 garbage\n${metrics.slice(1).join('\n')}\n`,
      // line 2 off the episode-record contract (no seed), line 3 not JSON, the last line torn
      episodes: `${jsonl([first])}${JSON.stringify(unseeded)}\nnot json\n${jsonl(rest)}{"runId": "rl-fin`,
    };
    const manifest = JSON.parse(files('sft-final').manifest!) as Record<string, unknown>;
    const sft: RunFiles = { ...files('sft-final'), manifest: JSON.stringify({ ...manifest, status: 'done' }) };
    const study = buildReport('GP-L', [sft], [damaged], '2026-11-25T12:00:00Z');
    assert.equal(study.problems.length, 4, study.problems.join('\n'));
    assert.match(study.problems[0]!, /^runs\/compare\/sft-final\/run\.json \/status: /);
    assert.deepEqual(study.problems.slice(1), [
      'runs/compare/rl-final/metrics.jsonl: skipped 2 bad line(s), first at line 2',
      'runs/compare/rl-final/episodes.jsonl: skipped 2 bad line(s), first at line 2',
      'runs/compare/rl-final/episodes.jsonl line 27 is incomplete: the run stopped while writing it',
    ]);
    assert.equal(study.runs[0]!.status, 'unknown');
    assert.deepEqual(study.comparison.splits, data.comparison.splits, 'the unseeded episode is not compared');
    assert.deepEqual(study.finals.map((f) => f.rate), data.finals.map((f) => f.rate));
  });

  it("lists a running run's last line being written: the report is on a live run", () => {
    const rl = files('rl-final');
    const running: RunFiles = { ...rl, manifest: JSON.stringify({ ...(JSON.parse(rl.manifest!) as object), status: 'running' }), episodes: `${rl.episodes}{"runId": "rl-fin` };
    const study = buildReport('GP-L', [files('sft-final')], [running], '2026-11-25T12:00:00Z');
    assert.deepEqual(study.problems, ['runs/compare/rl-final/episodes.jsonl line 25 is incomplete: the run is still writing it (the report is on a live run)']);
    assert.equal(study.runs[1]!.status, 'running');
    // killed seconds ago on this machine (its heartbeat still fresh): the line is torn, as the other views say
    const killed = buildReport('GP-L', [files('sft-final')], [running], '2026-11-25T12:00:00Z', () => true);
    assert.deepEqual(killed.problems, ['runs/compare/rl-final/episodes.jsonl line 25 is incomplete: the run stopped while writing it']);
  });

  it('shows failures first among the OOD samples', () => {
    const sft = data.samples.find((s) => s.method === 'SFT')!.records;
    assert.equal(sft.length, 3);
    assert.ok(sft.every((r) => r.splitKind === 'rule-ood'));
    assert.equal(sft[0]!.success, false);
    // RL failed 3 of its 12 OOD episodes: the three samples are those, wherever they are in the file
    const rl = data.samples.find((s) => s.method === 'RL')!.records;
    assert.deepEqual(rl.map((r) => r.success), [false, false, false]);
  });

  it('measures a V-IRL study in per-step accuracy, GeneralPoints in success (the paper\'s measures)', () => {
    const virl = (name: string): RunFiles => {
      const folder = join(runs, '..', 'virl-l', name);
      return { folder: `runs/virl-l/${name}`, manifest: readFileSync(join(folder, 'run.json'), 'utf8'), metrics: readFileSync(join(folder, 'metrics.jsonl'), 'utf8'), episodes: '' };
    };
    const study = buildReport('V-IRL-L', [virl('sft-s0')], [virl('ppo-s0')], '2026-11-25T12:00:00Z');
    // these older runs record our per-step accuracy only (not the reference's)
    assert.equal(study.measures.id.field, 'perStepAccuracy');
    assert.ok(study.verdict.effects.every((e) => e.field === 'perStepAccuracy'));
    const atInit = readFileSync(join(runs, '..', 'virl-l', 'sft-s0', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number; split: string; perStepAccuracy?: { rate: number } }).filter((r) => r.kind === 'eval' && r.step === 0);
    assert.deepEqual(study.init.map((p) => [p.split, p.rate]), atInit.map((r) => [r.split, r.perStepAccuracy!.rate]));
    assert.ok(study.runs.every((r) => r.curves.every((c) => c.points.every((p) => p.n === 1280))), 'per-step accuracy counts calls (256 episodes of 5)');
    assert.ok(study.verdict.effects.length === 5 && study.verdict.effects.every((e) => e.claim.includes('per-step accuracy')));
    assert.equal(data.measures.id.field, 'success');
  });

  describe('V-IRL-VL: the visual-OOD split (VLN mini) judged in route success, ID in per-step accuracy (the paper\'s figure 7 and 5)', () => {
    type Call = 'right' | 'wrong';
    const moves = (...calls: [Call, number][]): Call[] => calls.flatMap(([call, times]) => Array<Call>(times).fill(call));
    const followed = moves(['right', 5]); // 5 of 5 moves right: the route's end reached
    const revised = Array.from({ length: 5 }, () => moves(['wrong', 1], ['right', 1])).flat(); // reached, each move on its second attempt: 5 of 10
    const lost = moves(['wrong', 2]); // 0 of 2
    const lostLate = moves(['right', 4], ['wrong', 2]); // 4 of 6, the route not finished
    const environment = { env: 'virl', modality: 'vision' };
    /** A split's episodes at `step`: `count` episodes making each group's calls, in seed order. */
    function played(split: string, splitKind: OwnEpisode['splitKind'], step: number, groups: [number, Call[]][]): OwnEpisode[] {
      const each = groups.flatMap(([count, calls]) => Array<Call[]>(count).fill(calls));
      return each.map((calls, episode) => {
        const success = calls.filter((c) => c === 'right').length === 5;
        const turns = calls.map((c, index) => ({ index, promptDelta: '', output: '', message: '', done: index === calls.length - 1, reward: c === 'right' ? 1 : -1, ...(c === 'wrong' ? { failureMode: 'wrong-turn' } : {}) }));
        return { runId: 'r', step, split, splitKind, episode, seed: 1000 + episode, environment, success, totalReward: turns.reduce((a, t) => a + t.reward, 0), turns } as unknown as OwnEpisode;
      });
    }
    /** The evaluation record of a split's episodes, its rates as ptlab's evaluation counts them. */
    function recorded(episodes: OwnEpisode[]): string {
      const rate = (hits: number, n: number) => ({ rate: hits / n, stderr: Math.sqrt((hits / n) * (1 - hits / n) / n), n });
      const calls = episodes.flatMap((e) => e.turns);
      const right = calls.filter((t) => t.reward === 1).length;
      const { step, split, splitKind } = episodes[0]!;
      return JSON.stringify({
        kind: 'eval', step, time: '2026-11-25T10:00:00Z', compute: { parameters: 10, trainTokens: step * 100, inferenceTokens: 0, gflops: step * 2 },
        split, splitKind, episodesEvaluated: episodes.length, success: rate(episodes.filter((e) => e.success).length, episodes.length),
        perStepAccuracy: rate(right, calls.length), perStepAccuracyReference: rate(right, calls.length),
      });
    }
    /** A run of the study: a V-IRL fixture's run.json made vision, with these evaluations. */
    function study(job: 'sft-s0' | 'ppo-s0', evaluations: OwnEpisode[][]): RunFiles {
      const manifest = JSON.parse(readFileSync(join(runs, '..', 'virl-l', job, 'run.json'), 'utf8')) as { config: { environment: { modality: string } } };
      manifest.config.environment.modality = 'vision';
      return { folder: `runs/virl-vl/${job}`, manifest: JSON.stringify(manifest), metrics: evaluations.map(recorded).join('\n') + '\n', episodes: jsonl(evaluations.flat()) };
    }
    // ID: per-step accuracy rises in both arms while fewer routes are finished (the ID effects hold in per-step accuracy)
    const id = (step: number) => (step === 0 ? played('id', 'id', 0, [[50, revised], [50, lost]]) : played('id', 'id', step, [[20, followed], [80, lostLate]]));
    // VLN mini: SFT gets more moves right but finishes fewer routes; RL the other way round
    const sft = study('sft-s0', [id(0), played('vln-mini', 'visual-ood', 0, [[40, followed], [60, lost]]), id(10), played('vln-mini', 'visual-ood', 10, [[10, followed], [90, lostLate]])]);
    const rl = study('ppo-s0', [id(8), played('vln-mini', 'visual-ood', 8, [[70, revised], [30, lost]])]);
    const data = buildReport('V-IRL-VL', [sft], [rl], '2026-11-25T12:00:00Z');
    const effect = (claim: string) => data.verdict.effects.find((e) => e.claim.startsWith(claim) && e.split === 'vln-mini')!;

    it('decides the visual-OOD effects on route success, where per-step accuracy moves the other way', () => {
      assert.deepEqual(data.finals.filter((f) => f.split === 'vln-mini').map((f) => [f.method, f.rate]), [['SFT', 0.1], ['RL', 0.7]]);
      assert.equal(data.init.find((p) => p.split === 'vln-mini')!.rate, 0.4);
      assert.ok(Math.abs(effect('SFT lowers OOD route success').difference - -0.3) < 1e-12 && effect('SFT lowers OOD route success').holds);
      assert.ok(Math.abs(effect('RL raises OOD route success').difference - 0.3) < 1e-12 && effect('RL raises OOD route success').holds);
      assert.ok(Math.abs(effect('RL ends above SFT on OOD route success').difference - 0.6) < 1e-12);
      assert.equal(data.verdict.outcome, 'reproduced', data.verdict.sentence);
      assert.deepEqual(data.problems, [], 'every episode read');
      assert.match(data.verdict.sentence, /; id in per-step accuracy, .*; vln-mini in route success, the paper's V-IRL visual-OOD measure/);
    });

    it('keeps per-step accuracy for ID', () => {
      const sftId = data.verdict.effects.find((e) => e.split === 'id')!;
      assert.match(sftId.claim, /^SFT raises ID per-step accuracy/);
      assert.ok(Math.abs(sftId.difference - (420 / 580 - 250 / 600)) < 1e-12);
      assert.deepEqual(data.finals.filter((f) => f.split === 'id').map((f) => f.rate), [420 / 580, 420 / 580]);
    });
  });

  it("names the study's task and base model from the SFT run's config", () => {
    const manifest = (env: string, modality: string) => JSON.stringify({ config: { model: { name: 'embedded:virl-base' }, environment: { env, modality } } });
    assert.equal(studyTitle(manifest('virl', 'language')), 'V-IRL-L: SFT vs RL from the same Init (embedded:virl-base)');
    assert.equal(studyTitle(manifest('virl', 'vision')), 'V-IRL-VL: SFT vs RL from the same Init (embedded:virl-base)');
    assert.equal(studyTitle(manifest('gp', 'language')), 'GP-L: SFT vs RL from the same Init (embedded:virl-base)');
    assert.equal(studyTitle(manifest('gp', 'vision')), 'GP-VL: SFT vs RL from the same Init (embedded:virl-base)');
    assert.equal(studyTitle('not json'), 'SFT vs RL from the same Init');
  });

  it('keeps the data block from closing its script element', () => {
    const hostile = { text: '</script><script>alert(1)</script><!-- \u2028' };
    const json = jsonForScript(hostile);
    assert.ok(!json.includes('<'));
    assert.deepEqual(JSON.parse(json), hostile);
    const html = reportHtml({ ...data, title: '<b>t</b>' }, 'console.log("</script>")', 'body{}', 'N0NCE');
    assert.equal(html.match(/<\/script>/g)?.length, 2, 'only the two real script ends');
    assert.ok(html.includes('<title>&#60;b&#62;t&#60;/b&#62;</title>'));
    assert.ok(html.includes("script-src 'nonce-N0NCE'"));
  });
});
