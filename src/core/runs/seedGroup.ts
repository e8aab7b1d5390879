// A ptlab run's seed group: the runs that are seeds of one arm, whose configs differ only in
// the seed. Its key is what the dashboard aggregates by.
import { canonicalJson } from '../canonicalJson';

/** The key of a run of `job` from `init` with `config`: canonical JSON of them, the config without
 * the seed and without what names, files, reports or alerts on a run or says which run evaluates
 * the shared Init (`evaluation.atStart`): a study's seed runs differ in these (the demo's
 * `ppo-seed1` in its name and atStart). */
export function seedGroupKey(job: string, init: string | undefined, config: Record<string, unknown>): string {
  const { seed: _seed, name: _name, description: _description, outputDir: _outputDir, logging: _logging, alerts: _alerts, ...arm } = config;
  if (arm.evaluation && typeof arm.evaluation === 'object') {
    const { atStart: _atStart, ...evaluation } = arm.evaluation as Record<string, unknown>;
    arm.evaluation = evaluation;
  }
  return canonicalJson({ job, init: init ?? null, config: arm });
}
