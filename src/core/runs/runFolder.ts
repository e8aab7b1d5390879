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
  /** The metrics file, relative to the folder ('' for a TensorBoard log: its event files). */
  metricsFile: string;
  /** Whose run: ours (run.json, metrics.jsonl), or a TensorBoard log folder from any writer. */
  source: RunSource;
}

export type RunSource = 'ptlab' | 'tensorboard';

/** TensorBoard's event files are named so (events.out.tfevents.<time>.<host>...). */
export const TENSORBOARD_EVENT_FILE = /^events\.out\.tfevents\./;

export type RunState = RunManifest['status'] | 'stale' | 'unknown';

/** What every view of a run names it by; a folder whose run.json is off-contract still has one. */
export interface RunIdentity {
  folder: string;
  runId: string;
  experiment: string;
  job: RunManifest['job'] | 'unknown';
  status: RunManifest['status'] | 'unknown';
  source: RunSource;
}

/** The run's identity, named `folder` (the Runs view: absolute; the dashboard: workspace-relative). */
export function runIdentity(run: RunFolder, folder = run.folder): RunIdentity {
  const { manifest } = run;
  const parts = folder.replace(/\\/g, '/').split('/').filter(Boolean);
  return {
    folder,
    runId: manifest?.runId ?? parts.at(-1) ?? folder,
    // A TensorBoard log folder's parent is its log dir: the experiment, as TensorBoard groups runs.
    experiment: manifest?.experiment ?? (run.source === 'tensorboard' ? `TensorBoard: ${parts.at(-2) ?? '.'}` : 'unknown'),
    job: manifest?.job ?? 'unknown',
    status: manifest?.status ?? 'unknown',
    source: run.source,
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
  return { folder, manifest, problems, metricsFile: manifest?.files?.metrics || 'metrics.jsonl', source: 'ptlab' };
}

/** A folder holding TensorBoard event files (and no run.json): a run of another trainer. */
export function tensorBoardFolder(folder: string): RunFolder {
  return { folder, manifest: undefined, problems: [], metricsFile: '', source: 'tensorboard' };
}

/** Live state: a `running` manifest whose heartbeat stopped is `stale` (the process died without a word). */
export function runState(manifest: Pick<RunManifest, 'status' | 'heartbeatAt'> | undefined, nowMs: number, staleSeconds = DEFAULT_STALE_SECONDS): RunState {
  if (!manifest) return 'unknown';
  if (manifest.status !== 'running') return manifest.status;
  const beat = Date.parse(manifest.heartbeatAt);
  return Number.isFinite(beat) && nowMs - beat > staleSeconds * 1000 ? 'stale' : 'running';
}
