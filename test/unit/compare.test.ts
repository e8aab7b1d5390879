import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareEpisodes, firstDivergence, mcnemarExact } from '../../src/core/compare/compare';
import { episodeRecord, evaluationPlan, newEpisodes, playSplit, summarize, type PlayedEpisode, type SplitPlan } from '../../src/core/compare/evaluation';
import { cardValue, type Rank } from '../../src/core/envs/generalpoints';
import type { ChatMessage } from '../../src/core/inference/tokenizer';
import { EnvServer } from '../../src/core/envs/server';
import { virlConfig, type VirlEpisode } from '../../src/core/envs/virl';
import { plansFromEpisodes, sourcesOfRun } from '../../src/core/compare/sources';
import { MetricsTail } from '../../src/core/runs/metricsTail';
import { localPlay, type ComparedSide } from '../../src/core/compare/protocol';
import { evaluationProtocol, evaluationRunDir } from '../../src/core/compare/evaluationRuns';
import type { Decoding, ExperimentConfig, RunManifest } from '../../src/core/contracts/generated/types';
import type { OwnEpisode } from '../../src/core/contracts/contracts';

function episode(split: string, seed: number, success: boolean, outputs: string[]): OwnEpisode {
  return {
    runId: 'r',
    step: 0,
    split,
    splitKind: split === 'id' ? 'id' : 'rule-ood',
    episode: seed,
    seed,
    environment: { env: 'generalpoints' },
    turns: outputs.map((output, index) => ({ index, ...(index === 0 ? { prompt: 'P' } : { promptDelta: `retry ${index}` }), output, reward: 0, message: '', done: index === outputs.length - 1 })) as OwnEpisode['turns'],
    success,
    totalReward: success ? 5 : -1,
  };
}

describe('checkpoint comparison', () => {
  it('exact McNemar p-values match the binomial by hand', () => {
    assert.equal(mcnemarExact(0, 0), 1);
    assert.equal(mcnemarExact(3, 3), 1);
    // b=1, c=9: 2 * (C(10,0) + C(10,1)) / 2^10 = 22 / 1024
    assert.ok(Math.abs(mcnemarExact(1, 9) - 22 / 1024) < 1e-15);
    assert.ok(Math.abs(mcnemarExact(9, 1) - 22 / 1024) < 1e-15);
    // b=0, c=5: 2 / 32
    assert.ok(Math.abs(mcnemarExact(0, 5) - 0.0625) < 1e-15);
    // Python, exact integers: 2 * sum(comb(n, i) for i in range(k + 1)) / 2**n
    assert.ok(Math.abs(mcnemarExact(40, 60) / 0.05688793364098079 - 1) < 1e-12);
    // large n stays finite (no 2^-n underflow)
    assert.ok(Math.abs(mcnemarExact(2400, 2600) / 0.004883649737517518 - 1) < 1e-9);
  });

  it('pairs by split and seed, counts discordant pairs and the paired difference', () => {
    const a = [episode('id', 1, true, ['x']), episode('id', 2, true, ['x']), episode('id', 3, false, ['x', 'y']), episode('ood', 1, false, ['z']), episode('id', 9, true, ['x'])];
    const b = [episode('id', 2, false, ['q']), episode('id', 1, true, ['x']), episode('id', 3, false, ['x', 'w']), episode('ood', 1, true, ['z', 'k']), episode('ood', 7, true, ['x'])];
    const result = compareEpisodes(a, b);
    const id = result.splits.find((s) => s.split === 'id')!;
    assert.equal(id.pairs, 3);
    assert.deepEqual([id.a.successes, id.b.successes, id.onlyA, id.onlyB], [2, 1, 1, 0]);
    assert.ok(Math.abs(id.difference - 1 / 3) < 1e-12);
    // d = [0, 1, 0]: mean 1/3, E[d^2] = 1/3, var = 1/3 - 1/9 = 2/9, SE = sqrt(2/27)
    assert.ok(Math.abs(id.differenceStderr - Math.sqrt(2 / 27)) < 1e-12);
    // each side's binomial SE over the n paired episodes: sqrt(p (1 - p) / n)
    assert.ok(Math.abs(id.a.stderr - Math.sqrt((2 / 3) * (1 / 3) / 3)) < 1e-12 && Math.abs(id.b.stderr - Math.sqrt((1 / 3) * (2 / 3) / 3)) < 1e-12);
    assert.equal(id.mcnemarP, 1);
    assert.deepEqual(result.unmatched, [{ side: 'a', split: 'id', seed: 9 }, { side: 'b', split: 'ood', seed: 7 }]);
    assert.deepEqual(result.pairs.filter((p) => p.outcomeDiffers).map((p) => `${p.split}/${p.seed}`), ['id/2', 'ood/1']);
  });

  it('leaves unpaired the records of one split and seed that are other episodes: another environment, hand or route', () => {
    const hand = (cards: string[]) => ({ cards, values: [1, 2, 3, 4] }) as unknown as OwnEpisode['state'];
    const a = [episode('ood', 1, true, ['x']), { ...episode('ood', 2, true, ['x']), state: hand(['A', '2', '3', '4']) }, { ...episode('ood', 3, true, ['x']), state: { routeId: 'r1', position: 5 } }] as OwnEpisode[];
    const b: OwnEpisode[] = [
      { ...episode('ood', 1, false, ['x']), environment: { env: 'generalpoints', faceCards: '11-12-13' } as OwnEpisode['environment'] },
      { ...episode('ood', 2, false, ['x']), state: hand(['A', '2', '3', '5']) },
      { ...episode('ood', 3, false, ['y']), state: { routeId: 'r1', position: 2 } }, // one route, ended elsewhere: one episode
    ];
    const result = compareEpisodes(a, b);
    assert.deepEqual(result.pairs.map((p) => p.seed), [3]);
    // one route id in two cities is two routes
    const inCity = (success: boolean, city: string) => ({ ...episode('ood', 4, success, ['x']), state: { routeId: 'r1', city, position: 0 } }) as unknown as OwnEpisode;
    assert.deepEqual(compareEpisodes([inCity(true, 'NYC')], [inCity(false, 'Tokyo')]).pairs, []);
    assert.equal(compareEpisodes([inCity(true, 'NYC')], [inCity(false, 'NYC')]).pairs.length, 1);
    assert.deepEqual(result.unmatched, [1, 2].flatMap((seed) => [{ side: 'a', split: 'ood', seed, differs: true }, { side: 'b', split: 'ood', seed, differs: true }]));
  });

  it('finds the first divergence: turn, field and character', () => {
    assert.equal(firstDivergence(episode('id', 1, true, ['abc']), episode('id', 1, true, ['abc'])), undefined);
    assert.deepEqual(firstDivergence(episode('id', 1, false, ['abc', 'hello']), episode('id', 1, false, ['abc', 'help'])), { turn: 1, field: 'output', offset: 3 });
    assert.deepEqual(firstDivergence(episode('id', 1, false, ['abc']), episode('id', 1, false, ['abc', 'more'])), { turn: 1, field: 'missing', offset: 0 });
  });
});

describe('compare sources', () => {
  const run = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs', 'compare', 'sft-final');
  const manifest = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
  const tail = new MetricsTail(); // the metrics worker's reader, which lists a run's evaluations for compare
  tail.push(readFileSync(join(run, 'metrics.jsonl')));
  const metrics = tail.evaluations;

  it('lists exports, evaluations and, with a config path, checkpoints for the trainer', () => {
    const withCheckpoints = { ...manifest, configPath: '/x/c.ptlab.json', checkpoints: [{ step: 40, path: 'checkpoints/step-40', createdAt: '2026-11-25T12:00:00.000Z' }] };
    const sources = sourcesOfRun('runs/r', withCheckpoints, metrics, [{ name: 'step-40' }]);
    assert.deepEqual(
      sources.map((s) => [s.id, s.kind, s.step]),
      [
        ['onnx:runs/r:step-40', 'onnx', 40],
        ['checkpoint:runs/r:checkpoints/step-40', 'checkpoint', 40],
        ['evaluation:runs/r:100', 'evaluation', 100],
      ],
    );
    assert.deepEqual(sources[2]!.splits, ['id', 'ood-rule']);
    assert.equal(sourcesOfRun('runs/r', { ...withCheckpoints, configPath: '' }, metrics, []).filter((s) => s.kind === 'checkpoint').length, 0, 'no config to evaluate with');
    // a config snapshot that is no experiment (run.json's contract takes any object): its evaluations, nothing from the config
    const edited = sourcesOfRun('runs/r', { ...withCheckpoints, config: { evaluation: { temperature: 0 } } }, metrics, [{ name: 'step-40' }]);
    assert.deepEqual(edited.map((s) => [s.kind, s.splits]), [['onnx', []], ['evaluation', ['id', 'ood-rule']]]);
  });
});

describe('compare: replaying recorded evaluations', () => {
  it("rebuilds each split's plan from its episodes, and eachRouteOnce from the config's split of that name", () => {
    const virl = { env: 'virl', routes: { synthetic: { city: 'vln-mini', routes: 4 } } } as unknown as OwnEpisode['environment'];
    const records = [1234, 1235, 1236, 1237].map((seed, i) => ({ ...episode('ood-visual', seed, false, ['x']), episode: i, splitKind: 'visual-ood', environment: virl }) as OwnEpisode);
    const configured: SplitPlan[] = [{ name: 'ood-visual', kind: 'visual-ood', environment: {}, episodes: 4, seed: 1234, eachRouteOnce: true }];
    assert.deepEqual(plansFromEpisodes(records, configured), [{ name: 'ood-visual', kind: 'visual-ood', environment: virl, episodes: 4, seed: 1234, eachRouteOnce: true }]);
    assert.equal(plansFromEpisodes(records)[0]!.eachRouteOnce, undefined);
    assert.equal(plansFromEpisodes([...records].reverse())[0]!.seed, 1234, 'in any order');
    const missing = /split ood-visual: its episodes are not episodes 0 to 2 on seeds \(episode 0's seed \+ episode\), so they cannot be replayed/;
    assert.throws(() => plansFromEpisodes(records.filter((r) => r.seed !== 1235)), missing);
    assert.throws(() => plansFromEpisodes(records.slice(1)), missing, 'no episode 0');
  });

  it('replays an evaluation whose seeds wrap past 2^32 - 1 from its seed, as the trainer numbers them', () => {
    const seeds = [4294967294, 4294967295, 0, 1];
    const records = seeds.map((seed, i) => ({ ...episode('id', seed, false, ['x']), episode: i }) as OwnEpisode);
    const [plan] = plansFromEpisodes(records);
    assert.deepEqual([plan!.seed, plan!.episodes], [4294967294, 4]);
    assert.deepEqual(newEpisodes(plan!, new EnvServer()).map((e) => e.seed), seeds, 'the local side plays the same seeds');
  });
});

describe('compare: evaluation splits', () => {
  const plan = (episodes: number): SplitPlan => ({
    name: 'ood-visual',
    kind: 'visual-ood',
    environment: { env: 'virl', routes: { synthetic: { city: 'vln-mini', routes: 4 } }, verifier: 'reference' },
    episodes,
    seed: 1234,
    eachRouteOnce: true,
  });

  it('eachRouteOnce runs episode i on route i, each route once, in order', () => {
    const server = new EnvServer();
    const routes = server.routesFor(virlConfig(plan(4).environment)).map((r) => r.routeId);
    const played = newEpisodes(plan(4), server).map((e) => (e.env as VirlEpisode).route.routeId);
    assert.deepEqual(played, routes);
    assert.equal(new Set(played).size, 4);
  });

  it('eachRouteOnce with another episode count than routes is an error naming the count to set', () => {
    assert.throws(() => newEpisodes(plan(18), new EnvServer()), /set episodes to 4 \(it is 18\)/);
  });

  it("rule collapse is the training rule's values on a split of another rule, not on the training rule's own (as the trainer)", async () => {
    const experiment = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'tiny.ptlab.json'), 'utf8')) as ExperimentConfig;
    // a model that answers by the rule it was not told: trained on all-10, the ID split is all-10, ood-rule 11-12-13
    const theOtherRule = async (chats: ChatMessage[][]) =>
      chats.map((chat) => {
        const text = chat[0]!.content as string;
        const cards = /Cards: \[(.*?)\]/.exec(text)![1]!.replaceAll("'", '').split(', ') as Rank[];
        const other = text.includes("count as '10'") ? '11-12-13' : 'all-10';
        return { text: JSON.stringify({ cards, formula: cards.map((c) => cardValue(c, other)).join('+') }), promptTokens: 1, outputTokens: 1 };
      });
    const modes: Record<string, Set<string>> = {};
    for (const plan of evaluationPlan(experiment).splits) {
      const { episodes } = await playSplit({ ...plan, episodes: 8 }, new EnvServer(), theOtherRule);
      modes[plan.name] = new Set(episodes.flatMap((e) => e.turns.map((t) => t.failureMode ?? '')));
    }
    assert.ok(modes.id!.has('wrong-numbers') && !modes.id!.has('rule-collapse'), [...modes.id!].join());
    assert.ok(modes['ood-rule']!.has('rule-collapse'), [...modes['ood-rule']!].join());
    const replayed = plansFromEpisodes([{ ...episode('ood-rule', 5, false, ['x']), episode: 0 }], [], experiment.environment as unknown as Record<string, unknown>);
    assert.deepEqual(replayed[0]!.training, experiment.environment, 'a replayed evaluation measures collapse against its config');
  });

  it('a split summary has a recognition rate for GeneralPoints-VL only, not for V-IRL-VL (as the trainer)', () => {
    const summary = (environment: Record<string, unknown>) => {
      const played = { index: 0, seed: 0, environment, env: { success: true }, recognized: 0, turns: [{ index: 0, prompt: 'P', output: 'x', reward: 1, message: 'Correct action.', done: true }] } as unknown as PlayedEpisode;
      return summarize({ name: 'id', kind: 'id', environment, episodes: 1, seed: 0 }, [played]);
    };
    assert.equal(summary({ env: 'virl', modality: 'vision' }).recognition, undefined);
    assert.ok(summary({ env: 'generalpoints', modality: 'vision' }).recognition);
  });

  it("summarizes a split as the trainer's evaluate.summarize does: the call past the budget is a turn, not an attempt", () => {
    const turn = (reward: number, failureMode?: string, recognized?: boolean) => ({ index: 0, prompt: 'P', output: 'x', reward, message: '', done: false, ...(failureMode ? { failureMode } : {}), ...(recognized !== undefined ? { recognized } : {}) });
    const played = (environment: Record<string, unknown>, success: boolean, turns: ReturnType<typeof turn>[], recognized = 0) =>
      ({ index: 0, seed: 0, environment, env: { success, state: () => ({}) }, recognized, turns }) as unknown as PlayedEpisode;
    const virl = { env: 'virl' };
    const plan: SplitPlan = { name: 'ood', kind: 'rule-ood', environment: virl, episodes: 2, seed: 0 };
    const summary = summarize(plan, [
      played(virl, true, [turn(1), turn(-1, 'wrong-turn'), turn(1)]),
      played(virl, false, [turn(-1.5, 'phantom-intersection'), turn(-1, 'wrong-turn'), turn(-1, 'budget-exhausted')]),
    ]);
    assert.ok(summary.success.rate === 0.5 && summary.success.n === 2 && Math.abs(summary.success.stderr - Math.sqrt(0.25 / 2)) < 1e-15);
    assert.equal(summary.meanReward, -2.5 / 2, 'the reward of every turn, per episode');
    assert.equal(summary.meanAttempts, 5 / 2);
    assert.deepEqual(summary.failureModes, { 'budget-exhausted': 1, 'phantom-intersection': 1, 'wrong-turn': 2 });
    assert.deepEqual([summary.perStepAccuracy!.rate, summary.perStepAccuracy!.n], [2 / 5, 5], 'ours: correct over scored attempts');
    assert.deepEqual([summary.perStepAccuracyReference!.rate, summary.perStepAccuracyReference!.n], [2 / 6, 6], "the reference's: over every model call");
    // recognition: recognized turns over attempts (the turn past the budget is no attempt)
    const vision = { env: 'generalpoints', modality: 'vision' };
    const recognition = summarize({ ...plan, environment: vision }, [played(vision, false, [turn(-2, 'wrong-numbers', true), turn(-1, 'budget-exhausted')], 1)]).recognition!;
    assert.deepEqual([recognition.rate, recognition.n], [1, 1]);
    // an episode's failure mode: its last attempt's, the budget's only when nothing else failed
    const gp = { env: 'generalpoints' };
    const record = (modes: string[]) => episodeRecord('r', 0, { ...plan, environment: gp }, undefined, played(gp, false, modes.map((m) => turn(-1, m)))).failureMode;
    assert.equal(record(['wrong-numbers', 'arithmetic', 'budget-exhausted']), 'arithmetic');
    assert.equal(record(['budget-exhausted']), 'budget-exhausted');
  });

  it("reads a rejected answer back in the next chat as a sampled answer (the trainer's chat.sampled_answer), so the template's separator is not written twice", async () => {
    const revisions: SplitPlan = { name: 'id', kind: 'id', environment: { env: 'generalpoints', maxVerify: 2 }, episodes: 1, seed: 7, eachRouteOnce: false };
    const chats: ChatMessage[][] = [];
    await playSplit(revisions, new EnvServer(), async (asked) => {
      chats.push(...asked);
      return asked.map(() => ({ text: ' \n{"formula": "1+1"}', promptTokens: 1, outputTokens: 1 }));
    });
    assert.equal(chats.length, 2);
    assert.deepEqual(chats[1]![1], { role: 'assistant', content: ' \n{"formula": "1+1"}', sampled: true });
  });
});

describe('compare: what the local side plays, and which sides do not pair', () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs', 'compare', 'sft-final', 'run.json'), 'utf8')) as RunManifest;
  type Config = { environment: Record<string, unknown>; evaluation: Record<string, unknown> & { splits: Record<string, unknown>[] } };
  const config = (change: (c: Config) => void = () => {}) => {
    const c = structuredClone(fixture.config) as unknown as Config;
    change(c);
    return c;
  };
  const records = (split: string, environment: Record<string, unknown>, seed = 500) => [0, 1, 2].map((i) => ({ ...episode(split, seed + i, false, ['x']), episode: i, environment }) as unknown as OwnEpisode);
  const gp = config().environment;
  const evaluation = (side: string, decoding?: Decoding, episodes = [...records('id', gp), ...records('ood-rule', { ...gp, faceCards: '11-12-13' })]): ComparedSide =>
    ({ side, label: `eval-${side}`, runJson: `/w/eval-${side}/run.json`, kind: 'evaluation', manifest: { ...fixture, ...(decoding ? { evaluationDecoding: decoding } : {}) }, episodes });
  const onnx = (side: string, c: Config): ComparedSide => ({ side, label: `export-${side}`, runJson: `/w/export-${side}/run.json`, kind: 'onnx', manifest: { ...fixture, config: c as unknown as RunManifest['config'] } });
  const greedy: Decoding = { source: 'configured', doSample: false, maxNewTokens: 96 };
  const sampled: Decoding = { source: 'configured', doSample: true, temperature: 0.7, topP: 0.9, topK: 0, maxNewTokens: 64, draws: 'per-episode' };

  it("decodes an export as the evaluation it faces decoded (run.json's evaluationDecoding), not as the export's run config says", () => {
    const export8 = onnx('B', config((c) => Object.assign(c.evaluation, { temperature: 1, maxNewTokens: 8 })));
    const against = (decoding?: Decoding) => localPlay(evaluation('A', decoding), export8)!;
    assert.deepEqual(against(greedy).decoding, { temperature: 0, topP: 1, maxNewTokens: 96 });
    assert.deepEqual(against(sampled).decoding, { temperature: 0.7, topP: 0.9, maxNewTokens: 64 });
    assert.deepEqual(against(undefined).decoding, { temperature: 0, topP: 1, maxNewTokens: 96 }, "an earlier trainer's run.json: its config's evaluation");
    const play = against(greedy);
    assert.equal(play.replays?.side, 'A', "the evaluation's route files, relative to its config");
    assert.deepEqual(play.plans.map((p) => [p.name, p.seed, p.episodes]), [['id', 500, 3], ['ood-rule', 500, 3]]);
    assert.deepEqual(localPlay(export8, evaluation('B', greedy))!.decoding.maxNewTokens, 96, 'either side');
  });

  it('refuses to replay a decoding the local side cannot draw again, saying why and what to do', () => {
    const export0 = onnx('B', config());
    const refused = (decoding: Decoding, why: RegExp) => assert.throws(() => localPlay(evaluation('A', decoding), export0), why);
    refused({ source: 'model-defaults', doSample: true, temperature: 0.6, topP: 0.95, topK: 20, maxNewTokens: 96, draws: 'per-episode' }, /A \(eval-A\): its evaluation decoded with the checkpoint's generation_config.json \(evaluation.sampling model-defaults\), so the local side cannot decode as it did \(\/w\/eval-A\/run.json: evaluationDecoding\); compare the export's checkpoint through the trainer instead/);
    refused({ ...sampled, draws: 'per-process' }, /sampled from each process's random stream \(draws per-process\)/);
    const { draws: _, ...undrawn } = sampled;
    refused(undrawn, /draws not recorded: an earlier trainer/);
  });

  it('refuses two exports whose runs play other environments, splits or decoding, naming the field and both values', () => {
    const gpConfig = config();
    const virl = config((c) => {
      c.environment = { env: 'virl', routes: { synthetic: { city: 'nyc', routes: 10 } } };
      c.evaluation.splits = [{ name: 'id', kind: 'id', episodes: 12 }, { name: 'ood-rule', kind: 'rule-ood', episodes: 12, overrides: { actionSpace: 'relative' } }];
    });
    assert.throws(() => localPlay(onnx('A', gpConfig), onnx('B', virl)), /A \(export-A\) and B \(export-B\) would not play the same episodes: split id: environment.env "generalpoints" in A \(export-A\), "virl" in B \(export-B\)/);
    const oneSplit = config((c) => void c.evaluation.splits.pop());
    assert.throws(() => localPlay(onnx('A', gpConfig), onnx('B', oneSplit)), /split ood-rule: A \(export-A\) has it, B \(export-B\) has not/);
    assert.ok(localPlay(onnx('A', gpConfig), onnx('B', oneSplit), { splits: ['id'] }), 'the splits asked for agree');
    const seeded = config((c) => void (c.evaluation.seed = 7));
    assert.throws(() => localPlay(onnx('A', gpConfig), onnx('B', seeded)), /split id: seed 500 in A \(export-A\), 7 in B \(export-B\)/);
    const hot = config((c) => void (c.evaluation.temperature = 1));
    assert.throws(() => localPlay(onnx('A', gpConfig), onnx('B', hot)), /evaluation.temperature: 0 in A \(export-A\), 1 in B \(export-B\)/);
    const longer = config((c) => void (c.evaluation.topP = 0.5));
    assert.deepEqual(localPlay(onnx('A', gpConfig), onnx('B', longer))!.decoding, { temperature: 0, topP: 1, maxNewTokens: 96 }, 'greedy: top-p plays no part');
  });

  it('refuses two evaluations that decoded otherwise or played other seeds or environments in a split they share', () => {
    assert.equal(localPlay(evaluation('A', greedy), evaluation('B')), undefined, 'alike (B: its config says greedy, 96 tokens)');
    assert.throws(() => localPlay(evaluation('A', greedy), evaluation('B', sampled)), /A \(eval-A\) and B \(eval-B\) were not evaluated alike, so their episodes do not pair: evaluation decoding doSample: false in A \(eval-A\), true in B \(eval-B\); evaluate both checkpoints with one config/);
    assert.throws(() => localPlay(evaluation('A', greedy), evaluation('B', { ...greedy, maxNewTokens: 16 })), /evaluation decoding maxNewTokens: 96 in A \(eval-A\), 16 in B \(eval-B\)/);
    assert.throws(() => localPlay(evaluation('A', greedy), evaluation('B', greedy, records('id', gp, 900))), /split id: seed 500 in A \(eval-A\), 900 in B \(eval-B\)/);
    assert.throws(() => localPlay(evaluation('A', greedy), evaluation('B', greedy, records('id', { ...gp, target: 10 }))), /split id: environment.target 24 in A \(eval-A\), 10 in B \(eval-B\)/);
    assert.equal(localPlay(evaluation('A', greedy), evaluation('B', greedy, records('id', gp))), undefined, 'a split only one has is left unpaired');
  });
});

describe('compare: reusing the trainer\'s evaluation of a checkpoint', () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs', 'compare', 'sft-final', 'run.json'), 'utf8')) as RunManifest;
  const snapshot = fixture.config as unknown as ExperimentConfig; // the trainer's, defaults filled in
  // the config file as written: the same experiment, defaults left out
  const written = {
    name: 'compare-fixture',
    environment: { env: 'generalpoints', verifier: 'strict' },
    model: { name: 'embedded:tiny-lm' },
    evaluation: { splits: [{ name: 'id', kind: 'id', episodes: 12 }, { name: 'ood-rule', kind: 'rule-ood', episodes: 12, overrides: { faceCards: '11-12-13' } }], seed: 500, temperature: 0, maxNewTokens: 96 },
  };
  let workspace: string;
  let run: string;
  let target: Parameters<typeof evaluationRunDir>[0];
  const evalDir = () => join(workspace, 'runs', 'compare-fixture', 'eval-ppo-final');
  const writeEval = (dir: string, manifest: Partial<RunManifest>) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...fixture, runId: 'eval-ppo-final', init: join(run, 'checkpoints', 'final'), createdAt: '2026-12-03T09:00:00.000Z', ...manifest }));
  };

  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'ptlab-eval-reuse-'));
    const configPath = join(workspace, 'exp.ptlab.json');
    writeFileSync(configPath, JSON.stringify(written));
    run = join(workspace, 'runs', 'compare-fixture', 'ppo');
    mkdirSync(join(run, 'checkpoints', 'final'), { recursive: true });
    target = { runFolder: run, checkpoint: 'checkpoints/final', manifest: { configPath, config: fixture.config, checkpoints: [{ step: 20, path: 'checkpoints/final', createdAt: '2026-12-02T10:00:00.000Z' }] } };
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  it("compares a config's evaluation with the schema's defaults filled in", () => {
    assert.equal(evaluationProtocol(written as unknown as ExperimentConfig), evaluationProtocol(snapshot));
    assert.notEqual(evaluationProtocol({ ...written, evaluation: { ...written.evaluation, temperature: 0.7 } } as unknown as ExperimentConfig), evaluationProtocol(snapshot));
  });

  it('reuses a finished evaluation of this checkpoint made after it with the evaluation the config says now', () => {
    assert.deepEqual(evaluationRunDir(target), { runDir: evalDir(), reuse: false }, 'none yet');
    writeEval(evalDir(), {});
    assert.deepEqual(evaluationRunDir(target), { runDir: evalDir(), reuse: true });
    writeEval(evalDir(), { status: 'running' });
    assert.deepEqual(evaluationRunDir(target), { runDir: `${evalDir()}-2`, reuse: false }, 'one still running is left alone');
  });

  it('evaluates again, into a fresh folder, when the evaluation there is of an older checkpoint, another checkpoint or another config', () => {
    const fresh = { runDir: `${evalDir()}-2`, reuse: false };
    writeEval(evalDir(), { createdAt: '2026-11-25T12:00:00.000Z' }); // the run was trained again since
    assert.deepEqual(evaluationRunDir(target), fresh);
    writeEval(evalDir(), { init: join(workspace, 'runs', 'other', 'checkpoints', 'final') });
    assert.deepEqual(evaluationRunDir(target), fresh);
    writeEval(evalDir(), { config: { ...fixture.config, evaluation: { ...snapshot.evaluation!, splits: [snapshot.evaluation!.splits[0]!] } } as unknown as RunManifest['config'] });
    assert.deepEqual(evaluationRunDir(target), fresh);
    writeEval(`${evalDir()}-2`, {});
    assert.deepEqual(evaluationRunDir(target), { runDir: `${evalDir()}-2`, reuse: true }, 'the fresh one, once finished, is reused');
    assert.match(readFileSync(join(evalDir(), 'run.json'), 'utf8'), /"splits":\[\{"name":"id"[^\]]*\]/, 'the stale one is left as it was');
  });
});
