// A run folder summarized for the dashboard: its task, the Init it started from
// (runs sharing one form an SFT-vs-RL comparison), and its seed group (config minus seed).
import { taskName } from '../envs/views';
import type { RunInfo } from '../dashboard/model';
import { runIdentity, type RunFolder } from './runFolder';
import { seedGroupKey } from './seedGroup';

/** The run folder a checkpoint lives in: runs/gp-l/init/checkpoints/final -> runs/gp-l/init. */
export function checkpointRun(checkpoint: string): string {
  const normalized = checkpoint.replace(/\\/g, '/').replace(/\/+$/, '');
  const at = normalized.lastIndexOf('/checkpoints/');
  return at === -1 ? normalized : normalized.slice(0, at);
}

function shortPath(path: string): string {
  return path.split('/').slice(-2).join('/');
}

/** A TensorBoard run named like `ppo-seed2`, `ppo_s2` or `ppo-2`: its base name and seed. */
const SEEDED_NAME = /^(.+?)(?:[-_.]s|[-_.]?seed)[-_=]?(\d+)$/i;

/** Another trainer's run (a TensorBoard log, a Trainer's output_dir): runs of one folder whose
 * names differ only in a seed suffix form one seed group. */
function importedInfo(run: RunFolder, folder: string): RunInfo {
  const identity = runIdentity(run, folder);
  const parts = folder.replace(/\\/g, '/').split('/');
  const logDir = parts.slice(0, -1).join('/');
  const match = SEEDED_NAME.exec(identity.runId);
  const base = match ? match[1]! : identity.runId;
  return {
    ...identity,
    seed: match ? Number(match[2]) : undefined,
    task: '',
    init: undefined,
    groupKey: `${run.source}:${logDir}/${base}`,
    groupLabel: `${logDir ? `${logDir}/` : ''}${base}`,
    segments: [],
    // A log's event files: the metrics worker names their problems as it reads them (logProblems), live.
    problems: run.source === 'tensorboard' ? [] : run.problems,
  };
}

/** The dashboard's summary of a run folder, named `folder` there (relative to the workspace). */
export function runInfo(run: RunFolder, folder = run.folder): RunInfo {
  if (run.source !== 'ptlab') return importedInfo(run, folder);
  const { manifest, problems } = run;
  const config = (manifest?.config ?? {}) as Record<string, unknown>;
  const job = manifest?.job ?? 'unknown';
  const init = manifest?.init ?? ((config[job] as { init?: string } | undefined)?.init || undefined);
  const task = taskName(config.environment);
  const method = job === 'ppo' ? 'RL' : job === 'sft' ? 'SFT' : job;
  return {
    ...runIdentity(run, folder),
    seed: manifest?.seeds.global,
    task,
    init: init === undefined ? undefined : checkpointRun(init),
    groupKey: manifest ? seedGroupKey(job, init, config) : `folder:${folder}`,
    groupLabel: manifest ? `${task} ${method}${init ? ` from ${shortPath(checkpointRun(init))}` : ''}` : folder,
    segments: (manifest?.segments ?? []).map((s) => ({ index: s.index, startStep: s.startStep, ...(s.endStatus ? { endStatus: s.endStatus } : {}) })),
    problems,
  };
}

