// A run folder as the host knows it: its run.json read and checked against the contract once
// (readRunFolder, the one reader of manifests), from which the Runs view's entries, the
// dashboard's run summaries and the report's are derived. Pure: callers pass the text.
import type { RunManifest } from '../contracts/generated/types';
import { contractErrors } from '../contracts/contracts';

export interface RunFolder {
  /** The run folder (absolute on the host; as the caller names it elsewhere). */
  folder: string;
  /** run.json, when it meets the contract. */
  manifest: RunManifest | undefined;
  /** What is wrong with run.json, in words (missing, not JSON, or its first contract errors). */
  problems: string[];
  /** The metrics file, relative to the folder. */
  metricsFile: string;
}

export type RunState = RunManifest['status'] | 'stale' | 'unknown';

/** What every view of a run names it by; a folder whose run.json is off-contract still has one. */
export interface RunIdentity {
  folder: string;
  runId: string;
  experiment: string;
  job: RunManifest['job'] | 'unknown';
  status: RunManifest['status'] | 'unknown';
}

/** The run's identity, named `folder` (the Runs view: absolute; the dashboard: workspace-relative). */
export function runIdentity(run: RunFolder, folder = run.folder): RunIdentity {
  const { manifest } = run;
  return {
    folder,
    runId: manifest?.runId ?? folder.replace(/\\/g, '/').split('/').filter(Boolean).pop() ?? folder,
    experiment: manifest?.experiment ?? 'unknown',
    job: manifest?.job ?? 'unknown',
    status: manifest?.status ?? 'unknown',
  };
}

/** A running run whose heartbeat is older than this is shown as stale (the trainer beats every 10 s). */
export const DEFAULT_STALE_SECONDS = 60;

export function readRunFolder(folder: string, manifestText: string | undefined): RunFolder {
  const problems: string[] = [];
  let manifest: RunManifest | undefined;
  if (manifestText === undefined) problems.push('run.json is missing');
  else {
    try {
      const value: unknown = JSON.parse(manifestText);
      const errors = contractErrors('run-manifest.schema.json', value);
      if (errors.length === 0) manifest = value as RunManifest;
      else problems.push(...errors.slice(0, 3).map((e) => `run.json ${e.pointer || '/'}: ${e.message}`));
    } catch (err) {
      problems.push(`run.json is not valid JSON: ${(err as Error).message}`);
    }
  }
  return { folder, manifest, problems, metricsFile: manifest?.files?.metrics || 'metrics.jsonl' };
}

/** Live state: a `running` manifest whose heartbeat stopped is `stale` (the process died without a word). */
export function runState(manifest: Pick<RunManifest, 'status' | 'heartbeatAt'> | undefined, nowMs: number, staleSeconds = DEFAULT_STALE_SECONDS): RunState {
  if (!manifest) return 'unknown';
  if (manifest.status !== 'running') return manifest.status;
  const beat = Date.parse(manifest.heartbeatAt);
  return Number.isFinite(beat) && nowMs - beat > staleSeconds * 1000 ? 'stale' : 'running';
}
