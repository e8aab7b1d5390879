import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OwnEpisode } from '../../src/core/contracts/contracts';
import { buildReport, jsonForScript, reportHtml, runSeconds, studyTitle, type RunFiles } from '../../src/core/report/report';
import type { RunManifest } from '../../src/core/contracts/generated/types';

const runs = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs', 'compare');

function files(name: string): RunFiles {
  const read = (file: string) => readFileSync(join(runs, name, file), 'utf8');
  return { folder: `runs/compare/${name}`, manifest: read('run.json'), metrics: read('metrics.jsonl'), episodes: read('episodes.jsonl').trim().split('\n').map((l) => JSON.parse(l) as OwnEpisode) };
}

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
      episodes: [...rl.episodes.map((e) => ({ ...e, step: 0, success: false })), ...rl.episodes],
    };
    const study = buildReport('GP-L', [files('sft-final')], [withInit], '2026-11-25T12:00:00Z');
    assert.deepEqual(study.init.map((p) => [p.split, p.rate]), [['id', 8 / 12], ['ood-rule', 0.75]]);
    assert.notEqual(study.verdict.outcome, 'undecided');
    assert.equal(study.verdict.effects.length, 5);
  });

  it('with several training seeds per arm: each run\'s finals, the verdict over the seeds, the first runs compared', () => {
    const rl = files('rl-final');
    const atInit = (line: string) => line.replace('"step": 100', '"step": 0');
    const withInit: RunFiles = { ...rl, metrics: rl.metrics!.trim().split('\n').map(atInit).join('\n') + '\n' + rl.metrics, episodes: [...rl.episodes.map((e) => ({ ...e, step: 0, success: false })), ...rl.episodes] };
    const seed1 = (run: RunFiles, folder: string): RunFiles => ({ ...run, folder });
    const sft = files('sft-final');
    const study = buildReport('GP-L', [sft, seed1(sft, 'runs/compare/sft-final-seed1')], [withInit, seed1(rl, 'runs/compare/rl-final-seed1')], '2026-11-25T12:00:00Z');
    assert.deepEqual(study.runs.map((r) => [r.method, r.folder]), [['SFT', 'runs/compare/sft-final'], ['SFT', 'runs/compare/sft-final-seed1'], ['RL', 'runs/compare/rl-final'], ['RL', 'runs/compare/rl-final-seed1']]);
    assert.deepEqual(study.finals.filter((f) => f.split === 'id').map((f) => f.folder), study.runs.map((r) => r.folder));
    assert.equal(study.verdict.seeds, 2);
    assert.ok(study.verdict.effects.length === 5 && study.verdict.effects.every((e) => e.perSeed.length === 2));
    assert.deepEqual([study.comparison.sft, study.comparison.rl], ['runs/compare/sft-final', 'runs/compare/rl-final']);
    assert.throws(() => buildReport('GP-L', [], [rl]), /at least one SFT run and one RL run/);
  });

  it('refuses runs whose evaluations do not pair: another decoding, or a split played from another seed', () => {
    const rl = files('rl-final');
    const manifest = JSON.parse(rl.manifest!) as RunManifest;
    const sampled: RunFiles = { ...rl, manifest: JSON.stringify({ ...manifest, evaluationDecoding: { source: 'configured', doSample: true, temperature: 0.7, topP: 1, topK: 0, maxNewTokens: 96, draws: 'per-episode' } }) };
    assert.throws(() => buildReport('GP-L', [files('sft-final')], [sampled]), /not evaluated alike.*evaluation decoding doSample: false in SFT \(runs\/compare\/sft-final\), true in RL \(runs\/compare\/rl-final\)/);
    const reseeded: RunFiles = { ...rl, episodes: rl.episodes.map((e) => ({ ...e, seed: e.seed + 1000 })) };
    assert.throws(() => buildReport('GP-L', [files('sft-final')], [reseeded]), /not evaluated alike.*split id: seed/);
  });

  it('shows failures first among the OOD samples', () => {
    const sft = data.samples.find((s) => s.method === 'SFT')!.records;
    assert.equal(sft.length, 3);
    assert.ok(sft.every((r) => r.splitKind === 'rule-ood'));
    assert.equal(sft[0]!.success, false);
  });

  it('measures a V-IRL study in per-step accuracy, GeneralPoints in success (the paper\'s measures)', () => {
    const virl = (name: string): RunFiles => {
      const folder = join(runs, '..', 'virl-l', name);
      return { folder: `runs/virl-l/${name}`, manifest: readFileSync(join(folder, 'run.json'), 'utf8'), metrics: readFileSync(join(folder, 'metrics.jsonl'), 'utf8'), episodes: [] };
    };
    const study = buildReport('V-IRL-L', [virl('sft-s0')], [virl('ppo-s0')], '2026-11-25T12:00:00Z');
    // these older runs record our per-step accuracy only (not the reference's)
    assert.equal(study.field, 'perStepAccuracy');
    assert.equal(study.verdict.field, 'perStepAccuracy');
    const atInit = readFileSync(join(runs, '..', 'virl-l', 'sft-s0', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number; split: string; perStepAccuracy?: { rate: number } }).filter((r) => r.kind === 'eval' && r.step === 0);
    assert.deepEqual(study.init.map((p) => [p.split, p.rate]), atInit.map((r) => [r.split, r.perStepAccuracy!.rate]));
    assert.ok(study.runs.every((r) => r.curves.every((c) => c.points.every((p) => p.n === 1280))), 'per-step accuracy counts calls (256 episodes of 5)');
    assert.ok(study.verdict.effects.length === 5 && study.verdict.effects.every((e) => e.claim.includes('per-step accuracy') || e.claim.startsWith('RL ends above SFT')));
    assert.equal(data.field, 'success');
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
