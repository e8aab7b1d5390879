// Where the trainer's evaluation of a checkpoint goes (as the Evaluate command names it), and
// whether a finished evaluation there can stand for it: it evaluated this checkpoint, after the
// checkpoint was written, with the evaluation and environment the config says now. Otherwise a
// fresh folder beside it: a finished run's records are never written over.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as jsonc from 'jsonc-parser';
import type { ExperimentConfig, RunManifest } from '../contracts/generated/types';
import { canonicalJson } from '../canonicalJson';
import { withDefaults } from '../config/checks';
import { configFacts, defaultRunDir } from '../jobs/jobs';
import { readRunFolder } from '../runs/runFolder';
import experimentSchema from '../../../schemas/experiment.schema.json';

const evaluationDefaults = experimentSchema.$defs.evaluation.properties;

/** A checkpoint of a run, to be evaluated with the config the run was launched from. */
export interface EvaluatedCheckpoint {
  runFolder: string;
  /** Relative to the run folder. */
  checkpoint: string;
  manifest: Pick<RunManifest, 'configPath' | 'config' | 'checkpoints'>;
}

/** What decides an evaluation's episodes in a config: its environment and evaluation, the schema's defaults filled in. */
export function evaluationProtocol(config: ExperimentConfig): string {
  const environment = config.environment as unknown as Record<string, unknown>;
  const evaluation = config.evaluation;
  return canonicalJson({
    environment: withDefaults(environment),
    splits: (evaluation?.splits ?? []).map((s) => ({ name: s.name, kind: s.kind, episodes: s.episodes, eachRouteOnce: s.eachRouteOnce ?? false, recognition: s.recognition ?? false, environment: withDefaults({ ...environment, ...(s.overrides ?? {}) }) })),
    seed: evaluation?.seed ?? evaluationDefaults.seed.default,
    sampling: evaluation?.sampling ?? evaluationDefaults.sampling.default,
    temperature: evaluation?.temperature ?? evaluationDefaults.temperature.default,
    topP: evaluation?.topP ?? evaluationDefaults.topP.default,
    maxNewTokens: evaluation?.maxNewTokens ?? evaluationDefaults.maxNewTokens.default,
  });
}

const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));

/** Why the finished evaluation `run` does not stand for `target` evaluated with `current` (the
 * config as it is now); undefined when it does. */
export function staleEvaluation(run: Pick<RunManifest, 'init' | 'createdAt' | 'config'>, target: EvaluatedCheckpoint, current: ExperimentConfig | undefined): string | undefined {
  const checkpoint = join(target.runFolder, target.checkpoint);
  if (!run.init || real(run.init) !== real(checkpoint)) return `it evaluated ${run.init ?? 'the config model'}, not ${checkpoint}`;
  const written = target.manifest.checkpoints?.find((c) => real(join(target.runFolder, c.path)) === real(checkpoint))?.createdAt;
  if (written && Date.parse(run.createdAt) < Date.parse(written)) return `it was made on ${run.createdAt}, before the checkpoint (${written})`;
  if (!current || evaluationProtocol(run.config as unknown as ExperimentConfig) !== evaluationProtocol(current)) return 'its config evaluates otherwise than the config does now';
  return undefined;
}

function readConfig(path: string): ExperimentConfig | undefined {
  try {
    const value = jsonc.parse(readFileSync(path, 'utf8'), [], { allowTrailingComma: true }) as ExperimentConfig | undefined;
    return value && typeof value === 'object' && value.environment ? value : undefined;
  } catch {
    return undefined;
  }
}

function finishedManifest(runDir: string): RunManifest | undefined {
  const manifest = readRunFolder(runDir, readFileSync(join(runDir, 'run.json'), 'utf8')).manifest;
  return manifest?.status === 'finished' ? manifest : undefined;
}

/** The evaluation folder of `target`: one whose finished evaluation stands for it (`reuse`), or
 * the first without a run: the Evaluate command's name for it, then `-2`, `-3`, ... */
export function evaluationRunDir(target: EvaluatedCheckpoint): { runDir: string; reuse: boolean } {
  const configPath = target.manifest.configPath!;
  const facts = configFacts(target.manifest.config as unknown as ExperimentConfig); // the trainer checked the snapshot against the contract
  const named = resolve(dirname(configPath), defaultRunDir(facts, 'eval', join(target.runFolder, target.checkpoint)));
  const current = readConfig(configPath);
  for (let i = 1; ; i++) {
    const runDir = i === 1 ? named : `${named}-${i}`;
    if (!existsSync(join(runDir, 'run.json'))) return { runDir, reuse: false };
    const finished = finishedManifest(runDir);
    if (finished && !staleEvaluation(finished, target, current)) return { runDir, reuse: true };
  }
}
