// Whether a study reproduces the paper's finding for its task, decided from its numbers: the
// five effects the paper reports (SFT Memorizes, RL Generalizes, figures 5-7), each a change
// in the paper's measure of the split (paperMeasures: episode success for GeneralPoints; for
// V-IRL per-step accuracy, and route success on visual OOD) with its standard error. Pure: the
// report page and `ptlab report` share it.
import type { EvaluationRecord } from '../contracts/generated/types';
import type { OwnEpisode } from '../contracts/contracts';
import { paperMeasures, type PaperField, type PaperMeasure, type PaperMeasures } from '../dashboard/model';

export type SplitKind = EvaluationRecord['splitKind'];

/** One episode's share of a split's rate: `hits` of `count` (success: 0 or 1 of 1; per-step
 * accuracy: its correct attempts of its model calls, counted as the evaluation record counts them). */
export function episodeScore(episode: OwnEpisode, field: PaperField): { hits: number; count: number } {
  if (field === 'success') return { hits: episode.success ? 1 : 0, count: 1 };
  const attempts = episode.turns.filter((t) => t.failureMode !== 'budget-exhausted');
  const hits = attempts.filter((t) => t.reward === 1).length;
  return { hits, count: field === 'perStepAccuracyReference' ? episode.turns.length : attempts.length };
}

/** A checkpoint's rate on one split (the study's measure): its episodes when the evaluation wrote them, else the rate. */
export interface SplitResult {
  split: string;
  splitKind: SplitKind;
  rate: number;
  stderr: number;
  n: number;
  episodes: OwnEpisode[];
}

export interface Effect {
  /** What the paper finds, e.g. "SFT lowers OOD success below Init's". */
  claim: string;
  split: string;
  splitKind: SplitKind;
  /** The measure the change is in: the paper's for the split's kind. */
  field: PaperField;
  /** later - earlier (RL - SFT for the comparison of the two arms), as a fraction; with several
   * training seeds per arm, the mean over them of each seed's difference. */
  difference: number;
  /** One training seed: the evaluation's SE. Several: their spread's SE (sd / √k) and the
   * evaluation noise of their mean combined, √(spread² + noise²). The seeds share their
   * episodes and their Init: that part of the noise is the same in every seed's change and
   * never shows in their spread (taking the larger of the two left it out: ±2 SE covered the
   * true change 84-91% of the time in simulation); the seed-level part counts twice, which
   * errs wide (92-95%). */
  stderr: number;
  /** paired: the same seeded episodes on both sides (the SE of the mean paired difference); independent: sqrt(se1² + se2²). */
  pairing: 'paired' | 'independent';
  /** Evaluation episodes per side, over every training seed. */
  n: number;
  /** Each training seed's difference (one entry with one seed per arm). */
  perSeed: number[];
  expected: 'up' | 'down';
  /** In the expected direction by more than two standard errors. */
  holds: boolean;
}

export interface Verdict {
  outcome: 'reproduced' | 'partly' | 'not reproduced' | 'undecided';
  effects: Effect[];
  /** Training seeds per arm the effects average over: the fewest of any arm's, and the most
   * (each arm's changes from Init average all its seeds; RL vs SFT pairs the first of both). */
  seeds: number;
  mostSeeds: number;
  /** One sentence with the numbers, for the report's top and the CLI. */
  sentence: string;
}

/** Standard errors an effect must clear. */
export const THRESHOLD_SE = 2;

interface Change {
  difference: number;
  stderr: number;
  n: number;
  pairing: Effect['pairing'];
  /** Paired: each episode's term of the difference's first-order error, by episode seed (the SE is √Σ z² / n). */
  terms?: Map<number, number>;
}

/**
 * later − earlier on the same seeded episodes. Each side's rate is a ratio Σhits / Σcount over
 * its episodes (a mean for success, per-step accuracy pools an episode's calls), so the SE is the
 * delta method's with the episode as the unit, paired: the SE of the mean of
 * z_i = (h_i − R·c_i)/c̄ on the later side minus the same on the earlier side. For success
 * (c_i = 1) that is the SE of the mean paired difference in {−1, 0, 1}.
 */
function pairedChange(later: SplitResult, earlier: SplitResult, field: PaperField): Change | undefined {
  const bySeed = new Map(earlier.episodes.map((e) => [e.seed, e]));
  const pairs = later.episodes.flatMap((e) => {
    const other = bySeed.get(e.seed);
    return other ? [[episodeScore(e, field), episodeScore(other, field), e.seed] as const] : [];
  });
  const n = pairs.length;
  if (n === 0 || n !== later.episodes.length || n !== earlier.episodes.length) return undefined;
  const side = (pick: 0 | 1) => {
    const hits = pairs.reduce((a, p) => a + p[pick].hits, 0);
    const count = pairs.reduce((a, p) => a + p[pick].count, 0);
    return { rate: count ? hits / count : 0, meanCount: count / n };
  };
  const [a, b] = [side(0), side(1)];
  if (a.meanCount === 0 || b.meanCount === 0) return undefined;
  const z = pairs.map(([x, y]) => (x.hits - a.rate * x.count) / a.meanCount - (y.hits - b.rate * y.count) / b.meanCount);
  const terms = new Map(pairs.map(([, , seed], i) => [seed, z[i]! / n]));
  return { difference: a.rate - b.rate, stderr: Math.sqrt(z.reduce((s, v) => s + v * v, 0)) / n, n, pairing: 'paired', terms };
}

function oneChange(later: SplitResult, earlier: SplitResult, field: PaperField): Change {
  return (
    pairedChange(later, earlier, field) ?? { difference: later.rate - earlier.rate, stderr: Math.hypot(later.stderr, earlier.stderr), n: Math.min(later.n, earlier.n), pairing: 'independent' }
  );
}

/**
 * The evaluation noise of the mean of the seeds' changes. Seeds evaluated on the same episodes
 * (and against one Init) share that noise: a hand that is hard for one seed's checkpoint tends
 * to be hard for the other's, so it does not average out. With paired changes the mean's
 * first-order error is Σ_i (Σ_k z_ki) / k over the episodes i, summing each seed's terms on a
 * shared episode before squaring (disjoint episodes give the independent sum back); otherwise
 * the seeds count as independent.
 */
function meanEvaluationNoise(changes: Change[]): number {
  const k = changes.length;
  if (!changes.every((c) => c.terms)) return Math.sqrt(changes.reduce((a, c) => a + c.stderr ** 2, 0)) / k;
  const byEpisode = new Map<number, number>();
  for (const c of changes) for (const [seed, term] of c.terms!) byEpisode.set(seed, (byEpisode.get(seed) ?? 0) + term);
  return Math.sqrt([...byEpisode.values()].reduce((a, w) => a + w * w, 0)) / k;
}

/** The effect over training seeds: `pairs` holds (later, earlier) for each seed. */
function change(claim: string, pairs: [SplitResult, SplitResult][], expected: Effect['expected'], field: PaperField): Effect {
  const changes = pairs.map(([later, earlier]) => oneChange(later, earlier, field));
  const k = changes.length;
  const perSeed = changes.map((c) => c.difference);
  const difference = perSeed.reduce((a, b) => a + b, 0) / k;
  const evaluationNoise = meanEvaluationNoise(changes);
  const spread = k > 1 ? Math.sqrt(perSeed.reduce((a, d) => a + (d - difference) ** 2, 0) / (k - 1) / k) : 0;
  const stderr = Math.hypot(evaluationNoise, spread);
  const pairing = changes.every((c) => c.pairing === 'paired') ? 'paired' : 'independent';
  const signed = expected === 'up' ? difference : -difference;
  const [first] = pairs[0]!;
  return { claim, split: first.split, splitKind: first.splitKind, field, difference, stderr, pairing, n: changes.reduce((a, c) => a + c.n, 0), perSeed, expected, holds: signed > 0 && signed > THRESHOLD_SE * stderr };
}

const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;

/** What the sentence says the effects are changes in: ", in <measure>", or "; <splits> in
 * <measure>" for each where splits differ in measure; nothing for episode success alone (GeneralPoints). */
function measuresText(effects: Effect[], measures: PaperMeasures): string {
  if (effects.every((e) => measures[e.splitKind].name === 'success')) return '';
  const splitsOf = new Map<string, string[]>();
  for (const e of effects) {
    const { description } = measures[e.splitKind];
    const splits = splitsOf.get(description) ?? [];
    if (!splits.includes(e.split)) splits.push(e.split);
    splitsOf.set(description, splits);
  }
  const used = [...splitsOf];
  if (used.length === 1) return `, in ${used[0]![0]}`;
  return `; ${used.map(([description, splits]) => `${splits.join(', ')} in ${description}`).join('; ')}`;
}

/** An arm's final results, one entry per training seed. */
export interface ArmResults {
  /** The arm as its claims name it: "SFT", "RL", or with how its config differs from its method's
   * other arms, e.g. "RL (ppo.learningRate=0.00001)" (the dashboard's paperArms). */
  label: string;
  seeds: SplitResult[][];
}

/** The verdict on a study with one SFT and one RL arm: `armsVerdict` of the arms "SFT" and "RL". */
export function studyVerdict(init: SplitResult[], sft: SplitResult[][], rl: SplitResult[][], measures: PaperMeasures = paperMeasures('GP-L', false)): Verdict {
  return armsVerdict(init, [{ label: 'SFT', seeds: sft }], [{ label: 'RL', seeds: rl }], measures);
}

/**
 * The paper's finding on a study with one Init and SFT and RL arms from it, each split
 * evaluated at Init and at the arms' final checkpoints: on ID every arm rises; on each OOD
 * split each SFT arm falls below Init, each RL arm rises above it and ends above each SFT arm;
 * each in the expected direction by more than two standard errors. Reproduced when every effect holds, partly when
 * some OOD effect does, not reproduced when none does, undecided without an OOD split at both ends.
 * An arm's seeds are averaged; arms never are (each effect names its arm). An arm's change from
 * Init averages all its seeds; RL vs SFT matches the two arms' seeds by position (the fewer of
 * the two are used). Each split's
 * results are in its kind's measure of `measures` (the paper's for the task, GeneralPoints'
 * by default), and so are the changes computed from its episodes.
 */
export function armsVerdict(init: SplitResult[], sftArms: ArmResults[], rlArms: ArmResults[], measures: PaperMeasures = paperMeasures('GP-L', false)): Verdict {
  const effects: Effect[] = [];
  const counts = sftArms.length && rlArms.length ? [...sftArms, ...rlArms].map((arm) => arm.seeds.length) : [0];
  const seeds = Math.min(...counts);
  for (const start of init) {
    // each arm's seeds' results on this split; the split counts only where every arm has it
    const onSplit = (arm: ArmResults): { label: string; results: SplitResult[] }[] => {
      const results = arm.seeds.map((seed) => seed.find((r) => r.split === start.split));
      return results.every((r) => r !== undefined) ? [{ label: arm.label, results: results as SplitResult[] }] : [];
    };
    const [sfts, rls] = [sftArms.flatMap(onSplit), rlArms.flatMap(onSplit)];
    if (seeds === 0 || sfts.length < sftArms.length || rls.length < rlArms.length) continue;
    const { field, name: measure }: PaperMeasure = measures[start.splitKind];
    const fromInit = (arm: SplitResult[]) => arm.map((x): [SplitResult, SplitResult] => [x, start]);
    if (start.splitKind === 'id') {
      for (const arm of [...sfts, ...rls]) effects.push(change(`${arm.label} raises ID ${measure} (${start.split})`, fromInit(arm.results), 'up', field));
    } else {
      for (const sft of sfts) effects.push(change(`${sft.label} lowers OOD ${measure} below Init's (${start.split})`, fromInit(sft.results), 'down', field));
      for (const rl of rls) effects.push(change(`${rl.label} raises OOD ${measure} above Init's (${start.split})`, fromInit(rl.results), 'up', field));
      for (const rl of rls) {
        for (const sft of sfts) {
          const paired = rl.results.slice(0, sft.results.length).map((x, i): [SplitResult, SplitResult] => [x, sft.results[i]!]);
          effects.push(change(`${rl.label} ends above ${sft.label} on OOD ${measure} (${start.split})`, paired, 'up', field));
        }
      }
    }
  }
  const ood = effects.filter((e) => e.splitKind !== 'id');
  const held = effects.filter((e) => e.holds).length;
  // ID rising alone is not the finding: without an OOD effect it is not reproduced
  const outcome = ood.length === 0 ? 'undecided' : held === effects.length ? 'reproduced' : ood.some((e) => e.holds) ? 'partly' : 'not reproduced';
  const perSeed = (e: Effect) => (e.perSeed.length > 1 ? `, per seed ${e.perSeed.map(pts).join(' ')}` : '');
  const numbers = effects.map((e) => `${e.claim}: ${pts(e.difference)} pts (SE ${(e.stderr * 100).toFixed(1)}, n=${e.n}${perSeed(e)}) ${e.holds ? 'holds' : 'does not hold'}`).join('; ');
  const mostSeeds = Math.max(...counts);
  const over = `${seedsPhrase({ seeds, mostSeeds }, ' over')}${measuresText(effects, measures)}`;
  const head =
    outcome === 'undecided'
      ? 'Undecided: the study has no OOD split evaluated at Init and at both final checkpoints.'
      : `The paper's finding is ${outcome === 'partly' ? 'partly reproduced' : outcome} (${held} of ${effects.length} effects beyond ${THRESHOLD_SE} standard errors${over}).`;
  return { outcome, effects, seeds, mostSeeds, sentence: numbers ? `${head} ${numbers}.` : head };
}

/** "`lead` 3 training seeds per arm" ("2 to 3" where arms differ); empty with one seed each. */
export function seedsPhrase({ seeds, mostSeeds }: Pick<Verdict, 'seeds' | 'mostSeeds'>, lead: string): string {
  if (mostSeeds <= 1) return '';
  return `${lead} ${seeds === mostSeeds ? seeds : `${seeds} to ${mostSeeds}`} training seeds per arm`;
}
