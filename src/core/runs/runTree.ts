// The Runs view's model: run folders grouped by experiment, each with its live state and
// checkpoints. Pure: derived from the run folders (readRunFolder) and the clock.
import { DEFAULT_STALE_SECONDS, runIdentity, runState, type RunFolder, type RunIdentity, type RunState } from './runFolder';

export interface RunEntry extends RunIdentity {
  state: RunState;
  step: number | undefined;
  totalSteps: number | undefined;
  updatedAt: string | undefined;
  /** Seconds since the last heartbeat, for running and stale runs. */
  heartbeatAgeSeconds: number | undefined;
  checkpoints: { step: number; path: string }[];
  error: string | undefined;
  pid: number | undefined;
  /** The experiment file the run was launched from (resume and evaluate use it). */
  configPath: string | undefined;
  /** What is wrong with its run.json (an unknown run says why). */
  problems: string[];
}

export interface ExperimentEntry {
  name: string;
  runs: RunEntry[];
}

export function runEntry(run: RunFolder, nowMs: number, staleSeconds = DEFAULT_STALE_SECONDS): RunEntry {
  const { manifest } = run;
  const state = manifest ? runState(manifest, nowMs, staleSeconds) : run.imported?.finished ? 'finished' : 'unknown';
  const heartbeat = manifest ? Date.parse(manifest.heartbeatAt) : NaN;
  return {
    ...runIdentity(run),
    state,
    step: manifest?.progress?.step ?? run.imported?.step,
    totalSteps: manifest?.progress?.totalSteps ?? run.imported?.totalSteps,
    updatedAt: manifest?.updatedAt,
    heartbeatAgeSeconds: (state === 'running' || state === 'stale') && Number.isFinite(heartbeat) ? Math.max(0, Math.round((nowMs - heartbeat) / 1000)) : undefined,
    checkpoints: [...(manifest?.checkpoints ?? run.imported?.checkpoints ?? [])].sort((a, b) => a.step - b.step).map((c) => ({ step: c.step, path: c.path })),
    error: manifest?.error?.message,
    pid: manifest?.host.pid,
    configPath: manifest?.configPath || undefined,
    problems: run.problems,
  };
}

/** Experiments by name, runs by folder. */
export function groupByExperiment(runs: RunEntry[]): ExperimentEntry[] {
  const byName = new Map<string, RunEntry[]>();
  for (const run of runs) byName.set(run.experiment, [...(byName.get(run.experiment) ?? []), run]);
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entries]) => ({ name, runs: entries.sort((a, b) => a.folder.localeCompare(b.folder)) }));
}

/** One line under the run's name: `running · step 12/40 · heartbeat 3 s ago`. */
export function describeRun(run: RunEntry): string {
  const parts: string[] = [run.state];
  if (run.step !== undefined) parts.push(`step ${run.step}${run.totalSteps !== undefined ? `/${run.totalSteps}` : ''}`);
  if (run.heartbeatAgeSeconds !== undefined) parts.push(`heartbeat ${run.heartbeatAgeSeconds} s ago`);
  return parts.join(' · ');
}
