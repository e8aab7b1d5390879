// Whether two recorded evaluations played alike, so that their episodes pair: each split's
// environment and seed, and how the answers were decoded (run.json's evaluationDecoding, or
// as the config states it). Used by Compare Checkpoints (protocol.ts) and the study report.
// Pure, and light: the report's webview type-checks it.
import type { Decoding, ExperimentConfig, RunManifest } from '../contracts/generated/types';
import type { OwnEpisode } from '../contracts/contracts';
import { canonicalJson } from '../canonicalJson';
import experimentSchema from '../../../schemas/experiment.schema.json';

const evaluationDefaults = experimentSchema.$defs.evaluation.properties;

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

/** A decoding as records state it; one read from a config under `model-defaults` knows only its source and token limit. */
export type StatedDecoding = Partial<Decoding> & Pick<Decoding, 'source' | 'maxNewTokens'>;

export const who = (s: ComparedSide) => `${s.side} (${s.label})`;

export function experimentOf(side: ComparedSide): ExperimentConfig {
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

const DECODING_FIELDS = ['source', 'doSample', 'temperature', 'topP', 'topK', 'maxNewTokens'] as const;

export const shown = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value));

/** The first field two decodings both state and differ in, worded with both values. */
export function decodingDifference(a: ComparedSide, x: Partial<Decoding>, b: ComparedSide, y: Partial<Decoding>): string | undefined {
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

export interface SplitFacts {
  environment: unknown;
  seed?: number;
  episodes?: number;
  eachRouteOnce?: boolean;
}

/** A recorded evaluation's splits: the environment of their first episode, the seed of episode 0. */
export function recordedSplits(records: readonly OwnEpisode[]): Map<string, SplitFacts> {
  const splits = new Map<string, SplitFacts>();
  for (const r of records) {
    const facts = splits.get(r.split) ?? { environment: r.environment };
    if (r.episode === 0) facts.seed = r.seed;
    splits.set(r.split, facts);
  }
  return splits;
}

/** The first way two sides' splits differ: in a split both have, its environment, seed,
 * episodes or eachRouteOnce; then (`every`: each must have the other's) a split only one has. */
export function splitDifference(a: ComparedSide, x: Map<string, SplitFacts>, b: ComparedSide, y: Map<string, SplitFacts>, every: boolean): string | undefined {
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

