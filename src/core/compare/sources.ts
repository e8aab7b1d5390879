// What the compare view can put side by side, found in run folders: ONNX exports of a
// run's checkpoints (played here with onnxruntime-node) and evaluations already written
// (eval metric records, as the metrics worker lists them: RecordedEvaluation; their episodes
// are in the run's episodes.jsonl). Pure.
import type { ExperimentConfig, RunManifest } from '../contracts/generated/types';
import { contractErrors, type OwnEpisode } from '../contracts/contracts';
import type { CompareSource } from './compare';
import { evaluationPlan, type SplitPlan } from './evaluation';
import type { RecordedEvaluation } from '../runs/metricsTail';

export interface OnnxExport {
  /** The export folder's name: its checkpoint folder's name. */
  name: string;
}

const basename = (path: string) => path.replace(/\/+$/, '').split('/').pop() ?? path;

export function sourcesOfRun(run: string, manifest: RunManifest, evaluations: readonly RecordedEvaluation[], exports: readonly OnnxExport[]): CompareSource[] {
  // run.json's contract holds its config snapshot as any object: one that is not an experiment
  // (edited by hand, an older trainer's) gives no split names and no checkpoint to evaluate
  const config = contractErrors('experiment.schema.json', manifest.config).length ? undefined : (manifest.config as unknown as ExperimentConfig);
  const configSplits = config?.evaluation?.splits.map((s) => s.name) ?? [];
  const sources: CompareSource[] = [];
  for (const onnx of exports) {
    const checkpoint = (manifest.checkpoints ?? []).find((c) => basename(c.path) === onnx.name);
    sources.push({
      id: `onnx:${run}:${onnx.name}`,
      kind: 'onnx',
      label: `${run} · ${onnx.name} (ONNX, local)`,
      run,
      step: checkpoint?.step ?? manifest.progress?.step ?? 0,
      checkpoint: checkpoint?.path ?? onnx.name,
      splits: configSplits,
      exportName: onnx.name,
    });
  }
  if (config?.evaluation && manifest.configPath) {
    for (const checkpoint of manifest.checkpoints ?? []) {
      sources.push({ id: `checkpoint:${run}:${checkpoint.path}`, kind: 'checkpoint', label: `${run} · ${basename(checkpoint.path)} @ ${checkpoint.step} (evaluate with the trainer)`, run, step: checkpoint.step, checkpoint: checkpoint.path, splits: configSplits });
    }
  }
  for (const { step, splits, checkpoint } of evaluations) {
    const what = checkpoint ? basename(checkpoint) : `step ${step}`;
    sources.push({ id: `evaluation:${run}:${step}`, kind: 'evaluation', label: `${run} · ${what} @ ${step} (evaluation)`, run, step, checkpoint, splits });
  }
  return sources;
}

/** Whether a record is one of the evaluation's episodes of a source: its step's records,
 * training rollouts excluded. */
export function isEvaluationEpisode(r: OwnEpisode, step: number, splits?: readonly string[]): boolean {
  return r.step === step && r.split !== 'train' && (!splits || splits.includes(r.split));
}

/** The split plans that reproduce a set of evaluation episodes (their environment, seeds);
 * a split's `eachRouteOnce` (V-IRL: episode i on route i, not a route drawn from its seed),
 * which records do not carry, from the config's split of that name (`configured`), and the
 * training environment (`training`, the config's: rule collapse is measured against it). */
export function plansFromEpisodes(records: readonly OwnEpisode[], configured: readonly Pick<SplitPlan, 'name' | 'eachRouteOnce'>[] = [], training?: Record<string, unknown>): SplitPlan[] {
  const bySplit = new Map<string, OwnEpisode[]>();
  for (const r of records) bySplit.set(r.split, [...(bySplit.get(r.split) ?? []), r]);
  return [...bySplit].map(([name, episodes]) => {
    // the trainer's episode i plays seed (evaluation.seed + i) wrapped to 32 bits
    const ordered = [...episodes].sort((x, y) => x.episode - y.episode);
    const seed = ordered[0]!.seed;
    const seeded = ordered.every((r, i) => r.episode === i && r.seed === (seed + i) >>> 0);
    if (!seeded) throw new Error(`split ${name}: its episodes are not episodes 0 to ${ordered.length - 1} on seeds (episode 0's seed + episode), so they cannot be replayed as a seeded split`);
    const eachRouteOnce = configured.find((p) => p.name === name)?.eachRouteOnce;
    return { name, kind: (ordered[0]!.splitKind ?? 'id') as SplitPlan['kind'], environment: ordered[0]!.environment as Record<string, unknown>, ...(training ? { training } : {}), episodes: ordered.length, seed, ...(eachRouteOnce ? { eachRouteOnce } : {}) };
  });
}

/** The split plans of an experiment config, optionally fewer episodes and fewer splits. */
export function plansFromConfig(config: ExperimentConfig, episodes?: number, splits?: readonly string[]): { plans: SplitPlan[]; temperature: number; topP: number; maxNewTokens: number } {
  const plan = evaluationPlan(config);
  const plans = plan.splits.filter((s) => !splits || splits.includes(s.name)).map((s) => (episodes ? { ...s, episodes } : s));
  return { plans, temperature: plan.temperature, topP: plan.topP, maxNewTokens: plan.maxNewTokens };
}
