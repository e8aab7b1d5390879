import { strict as assert } from 'node:assert';
import type { OwnEpisode } from '../../src/core/contracts/contracts';
import { paperMeasures } from '../../src/core/dashboard/model';
import { armsVerdict, episodeScore, studyVerdict, type SplitResult } from '../../src/core/report/verdict';

/** A split's result with `successes` of `n` seeded episodes succeeding (the first ones, or those listed). */
function result(split: string, splitKind: SplitResult['splitKind'], n: number, succeeded: (seed: number) => boolean, withEpisodes = true): SplitResult {
  const episodes = Array.from({ length: n }, (_, seed) => ({ split, splitKind, seed, episode: seed, step: 0, success: succeeded(seed), turns: [] }) as unknown as OwnEpisode);
  const rate = episodes.filter((e) => e.success).length / n;
  return { split, splitKind, rate, stderr: Math.sqrt((rate * (1 - rate)) / n), n, episodes: withEpisodes ? episodes : [] };
}
const below = (k: number) => (seed: number) => seed < k;

describe('study verdict', () => {
  const init = [result('id', 'id', 200, below(60)), result('ood-rule', 'rule-ood', 200, below(40))];

  it('is reproduced when every effect clears two standard errors, with paired SEs on shared seeds', () => {
    const v = studyVerdict(init, [[result('id', 'id', 200, below(120)), result('ood-rule', 'rule-ood', 200, below(10))]], [[result('id', 'id', 200, below(110)), result('ood-rule', 'rule-ood', 200, below(80))]]);
    assert.equal(v.outcome, 'reproduced');
    assert.deepEqual(v.effects.map((e) => [e.claim.split(' (')[0], Math.round(e.difference * 1000) / 10, e.pairing, e.holds]), [
      ['SFT raises ID success', 30, 'paired', true],
      ['RL raises ID success', 25, 'paired', true],
      ["SFT lowers OOD success below Init's", -15, 'paired', true],
      ["RL raises OOD success above Init's", 20, 'paired', true],
      ['RL ends above SFT on OOD success', 35, 'paired', true],
    ]);
    // nested successes: each pair differs by 0 or 1 in one direction; SE of the mean paired difference
    const sftOod = v.effects[2]!;
    assert.ok(Math.abs(sftOod.stderr - Math.sqrt((0.15 - 0.15 ** 2) / 200)) < 1e-12);
    assert.match(v.sentence, /^The paper's finding is reproduced \(5 of 5 effects beyond 2 standard errors\)\. SFT raises ID success \(id\): \+30\.0 pts/);
  });

  it('reports a null result as one: small changes within noise hold nothing', () => {
    const v = studyVerdict(init, [[result('id', 'id', 200, below(62)), result('ood-rule', 'rule-ood', 200, below(39))]], [[result('id', 'id', 200, below(63)), result('ood-rule', 'rule-ood', 200, below(42))]]);
    assert.equal(v.outcome, 'not reproduced');
    assert.ok(v.effects.every((e) => !e.holds));
    assert.match(v.sentence, /^The paper's finding is not reproduced \(0 of 5/);
  });

  it('counts an effect in the wrong direction as not holding, however large', () => {
    const v = studyVerdict(init, [[result('id', 'id', 200, below(120)), result('ood-rule', 'rule-ood', 200, below(90))]], [[result('id', 'id', 200, below(120)), result('ood-rule', 'rule-ood', 200, below(100))]]);
    assert.equal(v.effects[2]!.holds, false, 'SFT raising OOD is not memorization');
    assert.equal(v.outcome, 'partly', 'RL still rises above Init on OOD');
  });

  it('ID rising alone does not reproduce the finding', () => {
    const v = studyVerdict(init, [[result('id', 'id', 200, below(120)), result('ood-rule', 'rule-ood', 200, below(40))]], [[result('id', 'id', 200, below(120)), result('ood-rule', 'rule-ood', 200, below(40))]]);
    assert.equal(v.outcome, 'not reproduced');
  });

  it('falls back to independent standard errors when the episodes are not there', () => {
    const v = studyVerdict([result('ood-rule', 'rule-ood', 100, below(40), false)], [[result('ood-rule', 'rule-ood', 100, below(10), false)]], [[result('ood-rule', 'rule-ood', 100, below(70), false)]]);
    assert.ok(v.effects.every((e) => e.pairing === 'independent'));
    assert.ok(Math.abs(v.effects[0]!.stderr - Math.hypot(Math.sqrt(0.24 / 100), Math.sqrt(0.09 / 100))) < 1e-12);
    assert.equal(v.outcome, 'reproduced');
    // episodes of only some of the seeds (another evaluation size) do not pair either: the rates are of all of them
    const half = studyVerdict([result('ood-rule', 'rule-ood', 200, below(80))], [[result('ood-rule', 'rule-ood', 100, below(10))]], [[result('ood-rule', 'rule-ood', 200, below(140))]]);
    assert.deepEqual(half.effects.map((e) => e.pairing), ['independent', 'paired', 'independent']);
  });

  it("pairs RL with SFT over the seeds both have when RL has more; a split some arm lacks is no effect", () => {
    const id = (k: number) => result('id', 'id', 200, below(k));
    const ood = (k: number) => result('ood-rule', 'rule-ood', 200, below(k));
    const v = armsVerdict(init, [{ label: 'SFT', seeds: [[id(120), ood(20)]] }], [{ label: 'RL', seeds: [[id(110), ood(80)], [id(110), ood(90)], [id(110), ood(70)]] }]);
    const above = v.effects.find((e) => e.claim.startsWith('RL ends above SFT'))!;
    assert.deepEqual(above.perSeed.map((d) => Math.round(d * 1000) / 1000), [0.3]);
    const lacking = studyVerdict(init, [[id(120), ood(20)]], [[id(110)]]);
    assert.equal(lacking.outcome, 'undecided');
    assert.deepEqual(lacking.effects.map((e) => e.splitKind), ['id', 'id']);
  });

  it("averages each arm's change from Init over all its seeds, and pairs RL with SFT over the seeds both have", () => {
    const id = (k: number) => result('id', 'id', 200, below(k));
    const ood = (k: number) => result('ood-rule', 'rule-ood', 200, below(k));
    const sft = { label: 'SFT', seeds: [[id(120), ood(38)], [id(120), ood(20)], [id(120), ood(20)]] };
    const rlA = { label: 'RL (a)', seeds: [[id(110), ood(80)], [id(110), ood(80)], [id(110), ood(80)]] };
    const rlB = { label: 'RL (b)', seeds: [[id(110), ood(80)]] };
    const v = armsVerdict(init, [sft], [rlA, rlB]);
    const effect = (claim: string) => v.effects.find((e) => e.claim.startsWith(claim))!;
    assert.equal(effect('SFT lowers OOD').perSeed.length, 3, "a one-seed RL arm does not cut SFT's seeds");
    assert.equal(effect('RL (a) ends above SFT').perSeed.length, 3);
    assert.equal(effect('RL (b) ends above SFT').perSeed.length, 1);
    assert.deepEqual([v.seeds, v.mostSeeds], [1, 3]);
    assert.match(v.sentence, / over 1 to 3 training seeds per arm\)/);
  });

  it('averages each effect over training seeds, its SE their spread and the evaluation noise combined', () => {
    const id = (k: number) => result('id', 'id', 200, below(k));
    const ood = (k: number) => result('ood-rule', 'rule-ood', 200, below(k));
    // RL's OOD change is +20 and +0 over Init (40): its mean +10 spreads by 10 points (SE 10), more than the evaluation's ~3
    const v = studyVerdict(init, [[id(120), ood(10)], [id(118), ood(12)]], [[id(110), ood(80)], [id(100), ood(40)]]);
    assert.equal(v.seeds, 2);
    const rlOod = v.effects[3]!;
    assert.deepEqual(rlOod.perSeed.map((d) => Math.round(d * 1000) / 10), [20, 0]);
    assert.ok(Math.abs(rlOod.difference - 0.1) < 1e-12 && rlOod.stderr > 0.1 && rlOod.stderr < 0.106, `${rlOod.difference} ${rlOod.stderr}`);
    assert.equal(rlOod.holds, false, 'one seed alone would hold; the two together do not');
    assert.equal(rlOod.n, 400);
    // SFT's OOD changes (-15, -14) agree: the evaluation noise of their mean is the SE. Both
    // seeds lose the same hands (12-39) and one loses 10 and 11 too: per hand the mean change
    // is -1 (28 hands), -1/2 (2) or 0; the SE is that of the hands' mean change, not of two
    // independent evaluations
    const sftOod = v.effects[2]!;
    const perHand = [...Array<number>(28).fill(-1), -0.5, -0.5, ...Array<number>(170).fill(0)];
    const mean = perHand.reduce((a, b) => a + b, 0) / 200;
    const noise = Math.sqrt(perHand.reduce((a, d) => a + (d - mean) ** 2, 0)) / 200;
    const spread = Math.abs(-0.15 - -0.14) / Math.sqrt(2) / Math.sqrt(2); // sd of the two changes over √2
    assert.ok(Math.abs(sftOod.stderr - Math.hypot(noise, spread)) < 1e-12 && sftOod.holds, `${sftOod.stderr} ${noise}`);
    assert.ok(noise > Math.sqrt((0.15 - 0.15 ** 2) / 200 + (0.14 - 0.14 ** 2) / 200) / 2, 'more than if the seeds had been evaluated on other hands');
    assert.deepEqual(v.effects[4]!.perSeed.map((d) => Math.round(d * 1000) / 10), [35, 14], 'RL vs SFT pairs the arms seed by seed');
    assert.match(v.sentence, /over 2 training seeds per arm\)\..*per seed \+20\.0 \+0\.0\) does not hold/);
  });

  it('a training seed repeated on the same evaluation episodes does not shrink the SE', () => {
    const id = (k: number) => result('id', 'id', 200, below(k));
    const ood = (k: number) => result('ood-rule', 'rule-ood', 200, below(k));
    const one = studyVerdict(init, [[id(120), ood(10)]], [[id(110), ood(80)]]);
    const twice = studyVerdict(init, [[id(120), ood(10)], [id(120), ood(10)]], [[id(110), ood(80)], [id(110), ood(80)]]);
    for (const [a, b] of one.effects.map((e, i) => [e, twice.effects[i]!] as const)) {
      assert.ok(Math.abs(a.stderr - b.stderr) < 1e-12 && Math.abs(a.difference - b.difference) < 1e-12, `${a.claim}: ${a.stderr} against ${b.stderr}`);
    }
  });

  it('is undecided without an OOD split at Init and both ends', () => {
    const v = studyVerdict([init[0]!], [[result('id', 'id', 200, below(120))]], [[result('id', 'id', 200, below(120))]]);
    assert.equal(v.outcome, 'undecided');
    assert.match(v.sentence, /^Undecided/);
  });

  describe('V-IRL: per-step accuracy, the paper\'s measure', () => {
    type Call = 'right' | 'wrong' | 'past-budget';
    /** An episode of V-IRL model calls: correct moves (reward 1), wrong ones (-1), the reference's call past the attempt budget. */
    const episode = (split: string, splitKind: SplitResult['splitKind'], seed: number, calls: Call[], success = false) =>
      ({ split, splitKind, seed, episode: seed, step: 0, success, turns: calls.map((c, index) => ({ index, output: '', message: '', done: false, reward: c === 'right' ? 1 : -1, ...(c === 'past-budget' ? { failureMode: 'budget-exhausted' } : c === 'wrong' ? { failureMode: 'wrong-action' } : {}) })) }) as unknown as OwnEpisode;
    /** A split whose episode `seed` makes the calls `calls(seed)`; its rate as the evaluation record has it. */
    function virl(split: string, splitKind: SplitResult['splitKind'], n: number, calls: (seed: number) => Call[], field: 'perStepAccuracy' | 'perStepAccuracyReference' = 'perStepAccuracyReference'): SplitResult {
      const episodes = Array.from({ length: n }, (_, seed) => episode(split, splitKind, seed, calls(seed)));
      const hits = episodes.reduce((a, e) => a + episodeScore(e, field).hits, 0);
      const count = episodes.reduce((a, e) => a + episodeScore(e, field).count, 0);
      const rate = hits / count;
      return { split, splitKind, rate, stderr: Math.sqrt((rate * (1 - rate)) / count), n: count, episodes };
    }
    const calls = (right: number, wrong: number, pastBudget = 0): Call[] => [...Array<Call>(right).fill('right'), ...Array<Call>(wrong).fill('wrong'), ...Array<Call>(pastBudget).fill('past-budget')];

    it('scores an episode as the evaluation record counts: the reference\'s every call, ours the verified attempts', () => {
      const e = episode('id', 'id', 0, calls(3, 2, 1));
      assert.deepEqual(episodeScore(e, 'perStepAccuracyReference'), { hits: 3, count: 6 });
      assert.deepEqual(episodeScore(e, 'perStepAccuracy'), { hits: 3, count: 5 });
      assert.deepEqual(episodeScore({ ...e, success: true } as OwnEpisode, 'success'), { hits: 1, count: 1 });
    });

    it('decides on per-step accuracy, not episode success, and names it', () => {
      // no episode ever succeeds, yet both arms get more of the route's moves right
      const init = [virl('id', 'id', 100, () => calls(2, 3)), virl('ood-rule', 'rule-ood', 100, () => calls(2, 3))];
      const sft = [virl('id', 'id', 100, (s) => calls(4, 1 + (s % 2))), virl('ood-rule', 'rule-ood', 100, () => calls(1, 4))];
      const rl = [virl('id', 'id', 100, () => calls(4, 1)), virl('ood-rule', 'rule-ood', 100, (s) => calls(3 + (s % 2), 2))];
      const v = studyVerdict(init, [sft], [rl], paperMeasures('V-IRL-L', true));
      assert.ok(v.effects.every((e) => e.field === 'perStepAccuracyReference'));
      assert.equal(v.outcome, 'reproduced');
      assert.deepEqual(v.effects.map((e) => e.claim.split(' (')[0]), ['SFT raises ID per-step accuracy', 'RL raises ID per-step accuracy', "SFT lowers OOD per-step accuracy below Init's", "RL raises OOD per-step accuracy above Init's", 'RL ends above SFT on OOD per-step accuracy']);
      assert.ok(v.effects.every((e) => e.pairing === 'paired' && Math.abs(e.difference - e.perSeed[0]!) < 1e-12));
      // pooled over calls: SFT's ID episodes make 5 or 6 calls with 4 right, 400 of 550
      assert.ok(Math.abs(v.effects[0]!.difference - (400 / 550 - 0.4)) < 1e-12);
      assert.match(v.sentence, /effects beyond 2 standard errors, in per-step accuracy, the paper's V-IRL measure: correct attempts over every model call\)\./);
      assert.equal(studyVerdict(init, [[init[0]!, init[1]!]], [[init[0]!, init[1]!]], paperMeasures('V-IRL-L', true)).outcome, 'not reproduced', 'no change is no effect');
    });

    it('pairs episodes for the SE: with equal calls per episode, the SE of the mean paired change in each episode\'s accuracy', () => {
      const before = (s: number) => calls(s % 5, 5 - (s % 5));
      const after = (s: number) => calls((s * 7) % 6, 5 - ((s * 7) % 6));
      const v = studyVerdict([virl('ood-rule', 'rule-ood', 60, before)], [[virl('ood-rule', 'rule-ood', 60, after)]], [[virl('ood-rule', 'rule-ood', 60, after)]], paperMeasures('V-IRL-L', true));
      const d = Array.from({ length: 60 }, (_, s) => ((s * 7) % 6) / 5 - (s % 5) / 5);
      const mean = d.reduce((a, x) => a + x, 0) / 60;
      const se = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0)) / 60;
      const sftOod = v.effects[0]!;
      assert.ok(Math.abs(sftOod.difference - mean) < 1e-12 && Math.abs(sftOod.stderr - se) < 1e-12, `${sftOod.difference} ${sftOod.stderr} vs ${mean} ${se}`);
      assert.equal(sftOod.n, 60, 'n counts episodes, the unit the SE treats as independent');
    });

    it('weights episodes by their calls: a long route counts for more moves than a short one', () => {
      // episode 0 makes 10 calls, episode 1 two: pooled 11/12 after, 1/12 before (not the mean of the episodes' 0.95 and 0.5)
      const before = (s: number) => (s === 0 ? calls(1, 9) : calls(0, 2));
      const after = (s: number) => (s === 0 ? calls(10, 0) : calls(1, 1));
      const v = studyVerdict([virl('id', 'id', 2, before)], [[virl('id', 'id', 2, after)]], [[virl('id', 'id', 2, after)]], paperMeasures('V-IRL-L', true));
      assert.ok(Math.abs(v.effects[0]!.difference - (11 / 12 - 1 / 12)) < 1e-12);
    });
  });
});
