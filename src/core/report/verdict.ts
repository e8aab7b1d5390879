// Whether a study reproduces the paper's finding for its task, decided from its numbers: the
// five effects the paper reports (SFT Memorizes, RL Generalizes, figures 5-7), each a change
// in success with its standard error. Pure: the report page and `ptlab report` share it.
import type { EpisodeRecord } from '../contracts/generated/types';
import type { OwnEpisode } from '../contracts/contracts';
import { compareEpisodes } from '../compare/compare';

export type SplitKind = EpisodeRecord['splitKind'];

/** A checkpoint's success on one split: its episodes when the evaluation wrote them, else the rate. */
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
  /** later - earlier (RL - SFT for the comparison of the two arms), as a fraction; with several
   * training seeds per arm, the mean over them of each seed's difference. */
  difference: number;
  /** One training seed: the evaluation's SE. Several: the larger of their spread's SE (sd / √k)
   * and the evaluation noise of their mean (√Σse² / k), since k of 2 or 3 can spread by chance
   * less than the evaluation alone would. */
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
  /** Training seeds per arm the effects average over. */
  seeds: number;
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
}

function oneChange(later: SplitResult, earlier: SplitResult): Change {
  const paired = compareEpisodes(later.episodes, earlier.episodes).splits.find((s) => s.split === later.split);
  return paired && paired.pairs > 0 && paired.pairs === later.episodes.length && paired.pairs === earlier.episodes.length
    ? { difference: paired.difference, stderr: paired.differenceStderr, n: paired.pairs, pairing: 'paired' }
    : { difference: later.rate - earlier.rate, stderr: Math.hypot(later.stderr, earlier.stderr), n: Math.min(later.n, earlier.n), pairing: 'independent' };
}

/** The effect over training seeds: `pairs` holds (later, earlier) for each seed. */
function change(claim: string, pairs: [SplitResult, SplitResult][], expected: Effect['expected']): Effect {
  const changes = pairs.map(([later, earlier]) => oneChange(later, earlier));
  const k = changes.length;
  const perSeed = changes.map((c) => c.difference);
  const difference = perSeed.reduce((a, b) => a + b, 0) / k;
  const evaluationNoise = Math.sqrt(changes.reduce((a, c) => a + c.stderr ** 2, 0)) / k;
  const spread = k > 1 ? Math.sqrt(perSeed.reduce((a, d) => a + (d - difference) ** 2, 0) / (k - 1) / k) : 0;
  const stderr = Math.max(evaluationNoise, spread);
  const pairing = changes.every((c) => c.pairing === 'paired') ? 'paired' : 'independent';
  const signed = expected === 'up' ? difference : -difference;
  const [first] = pairs[0]!;
  return { claim, split: first.split, splitKind: first.splitKind, difference, stderr, pairing, n: changes.reduce((a, c) => a + c.n, 0), perSeed, expected, holds: signed > 0 && signed > THRESHOLD_SE * stderr };
}

const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;

/**
 * The paper's finding on a study with one Init and an SFT and an RL arm from it, each split
 * evaluated at Init and at the arms' final checkpoints: on ID both arms rise; on each OOD
 * split SFT falls below Init, RL rises above it, and RL ends above SFT; each in the expected
 * direction by more than two standard errors. Reproduced when every effect holds, partly when
 * some OOD effect does, not reproduced when none does, undecided without an OOD split at both ends.
 * `sft` and `rl` hold each training seed's final results (one entry per seed; the arms'
 * seeds are matched by position for RL vs SFT, so both should have as many).
 */
export function studyVerdict(init: SplitResult[], sft: SplitResult[][], rl: SplitResult[][]): Verdict {
  const effects: Effect[] = [];
  const seeds = Math.min(sft.length, rl.length);
  for (const start of init) {
    const s = sft.slice(0, seeds).map((results) => results.find((r) => r.split === start.split));
    const r = rl.slice(0, seeds).map((results) => results.find((x) => x.split === start.split));
    if (seeds === 0 || s.some((x) => !x) || r.some((x) => !x)) continue;
    const sfts = s as SplitResult[];
    const rls = r as SplitResult[];
    const fromInit = (arm: SplitResult[]) => arm.map((x): [SplitResult, SplitResult] => [x, start]);
    if (start.splitKind === 'id') {
      effects.push(change(`SFT raises ID success (${start.split})`, fromInit(sfts), 'up'), change(`RL raises ID success (${start.split})`, fromInit(rls), 'up'));
    } else {
      effects.push(
        change(`SFT lowers OOD success below Init's (${start.split})`, fromInit(sfts), 'down'),
        change(`RL raises OOD success above Init's (${start.split})`, fromInit(rls), 'up'),
        change(`RL ends above SFT on OOD (${start.split})`, rls.map((x, i): [SplitResult, SplitResult] => [x, sfts[i]!]), 'up'),
      );
    }
  }
  const ood = effects.filter((e) => e.splitKind !== 'id');
  const held = effects.filter((e) => e.holds).length;
  // ID rising alone is not the finding: without an OOD effect it is not reproduced
  const outcome = ood.length === 0 ? 'undecided' : held === effects.length ? 'reproduced' : ood.some((e) => e.holds) ? 'partly' : 'not reproduced';
  const perSeed = (e: Effect) => (e.perSeed.length > 1 ? `, per seed ${e.perSeed.map(pts).join(' ')}` : '');
  const numbers = effects.map((e) => `${e.claim}: ${pts(e.difference)} pts (SE ${(e.stderr * 100).toFixed(1)}, n=${e.n}${perSeed(e)}) ${e.holds ? 'holds' : 'does not hold'}`).join('; ');
  const over = seeds > 1 ? ` over ${seeds} training seeds per arm` : '';
  const head =
    outcome === 'undecided'
      ? 'Undecided: the study has no OOD split evaluated at Init and at both final checkpoints.'
      : `The paper's finding is ${outcome === 'partly' ? 'partly reproduced' : outcome} (${held} of ${effects.length} effects beyond ${THRESHOLD_SE} standard errors${over}).`;
  return { outcome, effects, seeds, sentence: numbers ? `${head} ${numbers}.` : head };
}
