// What the two sides of a comparison must share for their episodes to be paired (each split's
// environment and seeds, and how the answers were decoded), and what the local (ONNX) side
// plays: the splits and seeds of the recorded evaluation it faces, decoded as that evaluation
// decoded (run.json's evaluationDecoding), or, for two exports, the splits and decoding their
// configs share. Anything else is refused, naming the field and both values. Pure.
import type { SplitPlan } from './evaluation';
import type { ExperimentConfig } from '../contracts/generated/types';
import { evaluationDifference, experimentOf, recordedDecoding, splitDifference, who, type ComparedSide, type SplitFacts, type StatedDecoding } from './pairing';
import { plansFromConfig, plansFromEpisodes } from './sources';

export type { ComparedSide } from './pairing';

/** How the local side decodes: the inference worker's options (temperature 0: greedy). */
export interface LocalDecoding {
  temperature: number;
  topP: number;
  maxNewTokens: number;
}

export interface LocalPlay {
  plans: SplitPlan[];
  decoding: LocalDecoding;
  /** The recorded evaluation the local side replays (its config's folder holds its route files). */
  replays?: ComparedSide;
}

/** The local side's decoding that draws the answers `side`'s evaluation drew; throws, saying why
 * and what to do, for a decoding it cannot replay. */
export function replayDecoding(side: ComparedSide, decoding: StatedDecoding): LocalDecoding {
  const refuse = (why: string) =>
    new Error(`${who(side)}: its evaluation ${why}, so the local side cannot decode as it did (${side.runJson}: evaluationDecoding); compare the export's checkpoint through the trainer instead (its "evaluate with the trainer" source), or evaluate again with evaluation.sampling "configured" and model.kvCache other than "paged"`);
  if (decoding.source === 'model-defaults') throw refuse("decoded with the checkpoint's generation_config.json (evaluation.sampling model-defaults)");
  if (!decoding.doSample) return { temperature: 0, topP: 1, maxNewTokens: decoding.maxNewTokens };
  if (decoding.draws !== 'per-episode') throw refuse(`sampled from each process's random stream (draws ${decoding.draws ?? 'not recorded: an earlier trainer'}), not from each episode's keys`);
  if (decoding.topK) throw refuse(`sampled with a top-k cut of ${decoding.topK}`);
  return { temperature: decoding.temperature!, topP: decoding.topP ?? 1, maxNewTokens: decoding.maxNewTokens };
}

function plannedSplits(plans: readonly SplitPlan[]): Map<string, SplitFacts> {
  return new Map(plans.map((p) => [p.name, { environment: p.environment, seed: p.seed, episodes: p.episodes, eachRouteOnce: p.eachRouteOnce ?? false }]));
}

/** Refuses two evaluations that did not play their common splits alike (environment, seeds) or did not decode alike. */
function checkSameEvaluation(a: ComparedSide, b: ComparedSide): void {
  const difference = evaluationDifference(a, b);
  if (difference) {
    throw new Error(`${who(a)} and ${who(b)} were not evaluated alike, so their episodes do not pair: ${difference}; evaluate both checkpoints with one config (python -m ptlab eval --config FILE --checkpoint DIR)`);
  }
}

/** What the local side plays against `a` and `b` (one of them, or both, an export); undefined when both are evaluations (checked to pair). */
export function localPlay(a: ComparedSide, b: ComparedSide, options: { episodes?: number; splits?: readonly string[] } = {}): LocalPlay | undefined {
  const recorded = [a, b].filter((s) => s.kind === 'evaluation');
  if (recorded.length === 2) {
    checkSameEvaluation(a, b);
    return undefined;
  }
  const reference = recorded[0];
  if (reference) {
    // how the evaluation played each split (eachRouteOnce is in no record): its own config's
    const config = reference.manifest.config as unknown as ExperimentConfig | undefined;
    const training = config?.environment as unknown as Record<string, unknown> | undefined;
    return { plans: plansFromEpisodes(reference.episodes ?? [], config?.evaluation?.splits ?? [], training), decoding: replayDecoding(reference, recordedDecoding(reference)), replays: reference };
  }
  const [x, y] = [a, b].map((s) => plansFromConfig(experimentOf(s), options.episodes, options.splits));
  const decoding = (p: typeof x): LocalDecoding => (p!.temperature > 0 ? { temperature: p!.temperature, topP: p!.topP, maxNewTokens: p!.maxNewTokens } : { temperature: 0, topP: 1, maxNewTokens: p!.maxNewTokens });
  const [dx, dy] = [decoding(x), decoding(y)];
  const difference = splitDifference(a, plannedSplits(x!.plans), b, plannedSplits(y!.plans), true) ?? (['temperature', 'topP', 'maxNewTokens'] as const).filter((f) => dx[f] !== dy[f]).map((f) => `evaluation.${f}: ${dx[f]} in ${who(a)}, ${dy[f]} in ${who(b)}`)[0];
  if (difference) {
    throw new Error(`${who(a)} and ${who(b)} would not play the same episodes: ${difference} (their runs' configs); compare exports of runs with the same environment, evaluation splits and decoding, or compare each with a recorded evaluation`);
  }
  return { plans: x!.plans, decoding: dx };
}
