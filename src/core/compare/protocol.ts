// What the two sides of a comparison must share for their episodes to be paired (each split's
// environment and seeds, and how the answers were decoded), and what the local (ONNX) side
// plays: the splits and seeds of the recorded evaluation it faces, decoded as that evaluation
// decoded (run.json's evaluationDecoding), or, for two exports, the splits and decoding their
// configs share. Anything else is refused, naming the field and both values. Pure.
import type { Decoding, ExperimentConfig, RunManifest } from '../contracts/generated/types';
import type { OwnEpisode } from '../contracts/contracts';
import { canonicalJson } from '../canonicalJson';
import type { SplitPlan } from './evaluation';
import { plansFromConfig, plansFromEpisodes } from './sources';
import experimentSchema from '../../../schemas/experiment.schema.json';

const evaluationDefaults = experimentSchema.$defs.evaluation.properties;

/** How the local side decodes: the inference worker's options (temperature 0: greedy). */
export interface LocalDecoding {
  temperature: number;
  topP: number;
  maxNewTokens: number;
}

export interface ComparedSide {
  /** 'A' or 'B'. */
  side: string;
  label: string;
  /** Its run.json, for messages. */
  runJson: string;
  kind: 'onnx' | 'evaluation';
  manifest: RunManifest;
  /** An evaluation's episodes. */
  episodes?: readonly OwnEpisode[];
}

export interface LocalPlay {
  plans: SplitPlan[];
  decoding: LocalDecoding;
  /** The recorded evaluation the local side replays (its config's folder holds its route files). */
  replays?: ComparedSide;
}

/** A decoding as records state it; one read from a config under `model-defaults` knows only its source and token limit. */
export type StatedDecoding = Partial<Decoding> & Pick<Decoding, 'source' | 'maxNewTokens'>;

const who = (s: ComparedSide) => `${s.side} (${s.label})`;

function experimentOf(side: ComparedSide): ExperimentConfig {
  const config = side.manifest.config as unknown as ExperimentConfig | undefined;
  if (!config?.evaluation) throw new Error(`${side.runJson}: its config has no evaluation splits to play`);
  return config;
}

/** The decoding a config's evaluation states, as the trainer states it (evaluate.py's `decoding`). */
export function configuredDecoding(config: ExperimentConfig): StatedDecoding {
  const evaluation = config.evaluation!;
  const maxNewTokens = evaluation.maxNewTokens ?? evaluationDefaults.maxNewTokens.default;
  if ((evaluation.sampling ?? evaluationDefaults.sampling.default) === 'model-defaults') return { source: 'model-defaults', maxNewTokens };
  const temperature = evaluation.temperature ?? evaluationDefaults.temperature.default;
  if (temperature === 0) return { source: 'configured', doSample: false, maxNewTokens };
  const draws = config.model?.kvCache === 'paged' ? 'per-process' : 'per-episode';
  return { source: 'configured', doSample: true, temperature, topP: evaluation.topP ?? evaluationDefaults.topP.default, topK: 0, maxNewTokens, draws };
}

/** How a side's evaluation decoded: run.json's evaluationDecoding, or (a trainer that did not write it) as its config states it. */
export function recordedDecoding(side: ComparedSide): StatedDecoding {
  return side.manifest.evaluationDecoding ?? configuredDecoding(experimentOf(side));
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

const DECODING_FIELDS = ['source', 'doSample', 'temperature', 'topP', 'topK', 'maxNewTokens'] as const;

const shown = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value));

/** The first field two decodings both state and differ in, worded with both values. */
function decodingDifference(a: ComparedSide, x: Partial<Decoding>, b: ComparedSide, y: Partial<Decoding>): string | undefined {
  const field = DECODING_FIELDS.find((f) => f in x && f in y && x[f] !== y[f]);
  return field && `evaluation decoding ${field}: ${shown(x[field])} in ${who(a)}, ${shown(y[field])} in ${who(b)}`;
}

/** Where two JSON values first differ: a dotted path, or undefined when they are equal. */
function firstDifference(x: unknown, y: unknown, path: string): { path: string; x: unknown; y: unknown } | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(x) && isObject(y)) {
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const found = firstDifference(x[key], y[key], `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return canonicalJson(x) === canonicalJson(y) ? undefined : { path, x, y };
}

interface SplitFacts {
  environment: unknown;
  seed?: number;
  episodes?: number;
  eachRouteOnce?: boolean;
}

/** A recorded evaluation's splits: the environment of their first episode, the seed of episode 0. */
function recordedSplits(records: readonly OwnEpisode[]): Map<string, SplitFacts> {
  const splits = new Map<string, SplitFacts>();
  for (const r of records) {
    const facts = splits.get(r.split) ?? { environment: r.environment };
    if (r.episode === 0) facts.seed = r.seed;
    splits.set(r.split, facts);
  }
  return splits;
}

function plannedSplits(plans: readonly SplitPlan[]): Map<string, SplitFacts> {
  return new Map(plans.map((p) => [p.name, { environment: p.environment, seed: p.seed, episodes: p.episodes, eachRouteOnce: p.eachRouteOnce ?? false }]));
}

/** The first way two sides' splits differ: in a split both have, its environment, seed,
 * episodes or eachRouteOnce; then (`every`: each must have the other's) a split only one has. */
function splitDifference(a: ComparedSide, x: Map<string, SplitFacts>, b: ComparedSide, y: Map<string, SplitFacts>, every: boolean): string | undefined {
  for (const [name, p] of x) {
    const q = y.get(name);
    const found = q && firstDifference(p, q, '');
    if (found) return `split ${name}: ${found.path.slice(1)} ${shown(found.x)} in ${who(a)}, ${shown(found.y)} in ${who(b)}`;
  }
  if (!every) return undefined;
  const onlyA = [...x.keys()].find((n) => !y.has(n));
  if (onlyA !== undefined) return `split ${onlyA}: ${who(a)} has it, ${who(b)} has not`;
  const onlyB = [...y.keys()].find((n) => !x.has(n));
  return onlyB === undefined ? undefined : `split ${onlyB}: ${who(b)} has it, ${who(a)} has not`;
}

/** How a side's evaluation decoded, where its run.json says (undefined: a run.json without a config's evaluation). */
function knownDecoding(side: ComparedSide): StatedDecoding | undefined {
  return side.manifest.evaluationDecoding ?? ((side.manifest.config as unknown as ExperimentConfig | undefined)?.evaluation ? recordedDecoding(side) : undefined);
}

/** The first way two recorded evaluations did not play alike: a common split's environment or
 * seed, or (where both run.json say) their decoding; undefined when their episodes pair. */
export function evaluationDifference(a: ComparedSide, b: ComparedSide): string | undefined {
  const [x, y] = [knownDecoding(a), knownDecoding(b)];
  return splitDifference(a, recordedSplits(a.episodes ?? []), b, recordedSplits(b.episodes ?? []), false) ?? (x && y ? decodingDifference(a, x, b, y) : undefined);
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
    const configured = (reference.manifest.config as unknown as ExperimentConfig | undefined)?.evaluation?.splits ?? [];
    return { plans: plansFromEpisodes(reference.episodes ?? [], configured), decoding: replayDecoding(reference, recordedDecoding(reference)), replays: reference };
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
