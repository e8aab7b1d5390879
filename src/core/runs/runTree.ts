// The Runs view's model: run folders grouped by experiment, each with its live state and
// checkpoints. Pure: callers pass manifest texts and the clock.
import type { RunManifest } from '../contracts/generated/types';

export type RunState = RunManifest['status'] | 'stale' | 'unknown';

export interface RunEntry {
  /** The run folder (absolute, or as the caller names it). */
  folder: string;
  runId: string;
  experiment: string;
  job: string;
  state: RunState;
  step: number | undefined;
  totalSteps: number | undefined;
  updatedAt: string | undefined;
  /** Seconds since the last heartbeat, for running and stale runs. */
  heartbeatAgeSeconds: number | undefined;
  checkpoints: { step: number; path: string }[];
  error: string | undefined;
  pid: number | undefined;
}

export interface ExperimentEntry {
  name: string;
  runs: RunEntry[];
}

/** A running run whose heartbeat is older than this is shown as stale (the trainer beats every 10 s). */
export const DEFAULT_STALE_SECONDS = 60;

/** Live state: a `running` manifest whose heartbeat stopped is `stale` (the process died without a word). */
export function runState(manifest: Pick<RunManifest, 'status' | 'heartbeatAt'>, nowMs: number, staleSeconds = DEFAULT_STALE_SECONDS): RunState {
  if (manifest.status !== 'running') return manifest.status;
  const beat = Date.parse(manifest.heartbeatAt);
  return Number.isFinite(beat) && nowMs - beat > staleSeconds * 1000 ? 'stale' : 'running';
}

export function runEntry(folder: string, manifestText: string | undefined, nowMs: number, staleSeconds = DEFAULT_STALE_SECONDS): RunEntry {
  const fallbackId = folder.replace(/\\/g, '/').split('/').filter(Boolean).pop() ?? folder;
  let manifest: Partial<RunManifest> | undefined;
  try {
    const value: unknown = manifestText === undefined ? undefined : JSON.parse(manifestText);
    if (typeof value === 'object' && value !== null && typeof (value as RunManifest).status === 'string') manifest = value as RunManifest;
  } catch {
    manifest = undefined; // a torn or foreign run.json shows as unknown, never breaks the view
  }
  const heartbeat = manifest?.heartbeatAt ? Date.parse(manifest.heartbeatAt) : NaN;
  const state = manifest?.status && manifest.heartbeatAt ? runState(manifest as RunManifest, nowMs, staleSeconds) : 'unknown';
  return {
    folder,
    runId: manifest?.runId ?? fallbackId,
    experiment: manifest?.experiment ?? 'unknown',
    job: manifest?.job ?? 'unknown',
    state,
    step: manifest?.progress?.step,
    totalSteps: manifest?.progress?.totalSteps,
    updatedAt: manifest?.updatedAt,
    heartbeatAgeSeconds: (state === 'running' || state === 'stale') && Number.isFinite(heartbeat) ? Math.max(0, Math.round((nowMs - heartbeat) / 1000)) : undefined,
    checkpoints: [...(manifest?.checkpoints ?? [])].sort((a, b) => a.step - b.step).map((c) => ({ step: c.step, path: c.path })),
    error: manifest?.error?.message,
    pid: manifest?.host?.pid,
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
