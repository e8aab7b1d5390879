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
  /** later - earlier (RL - SFT for the comparison of the two arms), as a fraction. */
  difference: number;
  stderr: number;
  /** paired: the same seeded episodes on both sides (the SE of the mean paired difference); independent: sqrt(se1² + se2²). */
  pairing: 'paired' | 'independent';
  n: number;
  expected: 'up' | 'down';
  /** In the expected direction by more than two standard errors. */
  holds: boolean;
}

export interface Verdict {
  outcome: 'reproduced' | 'partly' | 'not reproduced' | 'undecided';
  effects: Effect[];
  /** One sentence with the numbers, for the report's top and the CLI. */
  sentence: string;
}

/** Standard errors an effect must clear. */
export const THRESHOLD_SE = 2;

function change(claim: string, later: SplitResult, earlier: SplitResult, expected: Effect['expected']): Effect {
  const paired = compareEpisodes(later.episodes, earlier.episodes).splits.find((s) => s.split === later.split);
  const [difference, stderr, n, pairing] =
    paired && paired.pairs > 0 && paired.pairs === later.episodes.length && paired.pairs === earlier.episodes.length
      ? [paired.difference, paired.differenceStderr, paired.pairs, 'paired' as const]
      : [later.rate - earlier.rate, Math.hypot(later.stderr, earlier.stderr), Math.min(later.n, earlier.n), 'independent' as const];
  const signed = expected === 'up' ? difference : -difference;
  return { claim, split: later.split, splitKind: later.splitKind, difference, stderr, pairing, n, expected, holds: signed > 0 && signed > THRESHOLD_SE * stderr };
}

const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;

/**
 * The paper's finding on a study with one Init and an SFT and an RL arm from it, each split
 * evaluated at Init and at the arms' final checkpoints: on ID both arms rise; on each OOD
 * split SFT falls below Init, RL rises above it, and RL ends above SFT; each in the expected
 * direction by more than two standard errors. Reproduced when every effect holds, partly when
 * some OOD effect does, not reproduced when none does, undecided without an OOD split at both ends.
 */
export function studyVerdict(init: SplitResult[], sft: SplitResult[], rl: SplitResult[]): Verdict {
  const effects: Effect[] = [];
  for (const start of init) {
    const s = sft.find((r) => r.split === start.split);
    const r = rl.find((x) => x.split === start.split);
    if (!s || !r) continue;
    if (start.splitKind === 'id') {
      effects.push(change(`SFT raises ID success (${start.split})`, s, start, 'up'), change(`RL raises ID success (${start.split})`, r, start, 'up'));
    } else {
      effects.push(
        change(`SFT lowers OOD success below Init's (${start.split})`, s, start, 'down'),
        change(`RL raises OOD success above Init's (${start.split})`, r, start, 'up'),
        change(`RL ends above SFT on OOD (${start.split})`, r, s, 'up'),
      );
    }
  }
  const ood = effects.filter((e) => e.splitKind !== 'id');
  const held = effects.filter((e) => e.holds).length;
  // ID rising alone is not the finding: without an OOD effect it is not reproduced
  const outcome = ood.length === 0 ? 'undecided' : held === effects.length ? 'reproduced' : ood.some((e) => e.holds) ? 'partly' : 'not reproduced';
  const numbers = effects.map((e) => `${e.claim}: ${pts(e.difference)} pts (SE ${(e.stderr * 100).toFixed(1)}, n=${e.n}) ${e.holds ? 'holds' : 'does not hold'}`).join('; ');
  const head =
    outcome === 'undecided'
      ? 'Undecided: the study has no OOD split evaluated at Init and at both final checkpoints.'
      : `The paper's finding is ${outcome === 'partly' ? 'partly reproduced' : outcome} (${held} of ${effects.length} effects beyond ${THRESHOLD_SE} standard errors).`;
  return { outcome, effects, sentence: numbers ? `${head} ${numbers}.` : head };
}
