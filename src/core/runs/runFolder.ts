// A run folder as the host knows it: its run.json read and checked against the contract once
// (readRunFolder, the one reader of manifests), from which the Runs view's entries, the
// dashboard's run summaries and the report's are derived. Pure: callers pass the text.
import type { RunManifest } from '../contracts/generated/types';
import { contractErrors } from '../contracts/contracts';
import { readTrainerState } from '../imports/trainerState';

export interface RunFolder {
  /** The run folder (absolute on the host; as the caller names it elsewhere). */
  folder: string;
  /** run.json, when it meets the contract. */
  manifest: RunManifest | undefined;
  /** What is wrong with run.json, in words (missing, not JSON, or its first contract errors). */
  problems: string[];
  /** The metrics file, relative to the folder ('' for a TensorBoard log: its event files). */
  metricsFile: string;
  /** Whose run: ours (run.json, metrics.jsonl), a TensorBoard log folder from any writer, or
   * a Hugging Face Trainer's output_dir (TRL's trainers included: checkpoint-N/trainer_state.json). */
  source: RunSource;
  /** Another trainer's progress and checkpoints, from its own files. */
  imported?: ImportedProgress;
}

export type RunSource = 'ptlab' | 'tensorboard' | 'hf-trainer';

/** What the files of another trainer's run say of its progress (a manifest's part of it). */
export interface ImportedProgress {
  step: number | undefined;
  totalSteps: number | undefined;
  finished: boolean;
  checkpoints: { step: number; path: string }[];
}

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
    experiment: manifest?.experiment ?? (run.source === 'ptlab' ? 'unknown' : `${SOURCE_NAMES[run.source]}: ${parts.at(-2) ?? '.'}`),
    job: manifest?.job ?? 'unknown',
    status: manifest?.status ?? (run.imported?.finished ? 'finished' : 'unknown'),
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
      if (errors.length === 0) manifest = confined(value as RunManifest, problems);
      else problems.push(...errors.slice(0, 3).map((e) => `run.json ${e.pointer || '/'}: ${e.message}`));
    } catch (err) {
      problems.push(`run.json is not valid JSON: ${(err as Error).message}`);
    }
  }
  return { folder, manifest, problems, metricsFile: manifest?.files?.metrics || 'metrics.jsonl', source: 'ptlab' };
}

/** The manifest without the paths (its files, its checkpoints) that lead out of the run folder,
 * a problem for each: a run.json in a cloned repository must not have the views read another
 * file (`../../../dev/zero`) or a job pass the trainer another folder as a checkpoint. */
function confined(manifest: RunManifest, problems: string[]): RunManifest {
  const inside = (path: string, where: string): boolean => {
    if (staysInside(path)) return true;
    problems.push(`run.json ${where}: ${JSON.stringify(path)} is not inside the run folder (ignored)`);
    return false;
  };
  const files = Object.fromEntries(Object.entries(manifest.files ?? {}).filter(([name, path]) => inside(path, `/files/${name}`)));
  const checkpoints = (manifest.checkpoints ?? []).filter((c, i) => inside(c.path, `/checkpoints/${i}/path`));
  return { ...manifest, ...(manifest.files ? { files } : {}), ...(manifest.checkpoints ? { checkpoints } : {}) };
}

/** Whether a relative path stays in its folder: not absolute (/x, C:\\x, \\\\host), no URL, no `..` segment. */
export function staysInside(path: string): boolean {
  if (!path || /^([a-z][a-z0-9+.-]*:|[\\/])/i.test(path)) return false;
  return !path.split(/[\\/]/).includes('..');
}

/** How views name a run's source. */
export const SOURCE_NAMES: Record<RunSource, string> = { ptlab: 'Post-Training Lab', tensorboard: 'TensorBoard', 'hf-trainer': 'Trainer' };

/**
 * A Hugging Face Trainer's output_dir, from its trainer_state.json files (`checkpoint-N/`'s and
 * its own, relative paths with their text): progress from the most advanced, the checkpoints
 * from the folder names.
 */
export function trainerFolder(folder: string, states: readonly { path: string; text: string | undefined }[]): RunFolder {
  const problems: string[] = [];
  let best: { globalStep: number; maxSteps: number | undefined; path: string } | undefined;
  const checkpoints: ImportedProgress['checkpoints'] = [];
  for (const { path, text } of states) {
    const checkpoint = /(?:^|[\\/])checkpoint-(\d+)[\\/]trainer_state\.json$/.exec(path);
    if (checkpoint) checkpoints.push({ step: Number(checkpoint[1]), path: path.replace(/[\\/]trainer_state\.json$/, '') });
    if (text === undefined) continue;
    try {
      const state = readTrainerState(text);
      if (!best || state.globalStep > best.globalStep) best = { ...state, path };
    } catch (err) {
      problems.push(`${path}: ${(err as Error).message}`);
    }
  }
  checkpoints.sort((a, b) => a.step - b.step);
  const imported: ImportedProgress = {
    step: best?.globalStep,
    totalSteps: best?.maxSteps,
    finished: best !== undefined && best.maxSteps !== undefined && best.globalStep >= best.maxSteps,
    checkpoints,
  };
  return { folder, manifest: undefined, problems, metricsFile: best?.path ?? '', source: 'hf-trainer', imported };
}

/** A folder holding TensorBoard event files (and no run.json): a run of another trainer, with
 * what could not be read of its event files (logProblems), each naming its file. */
export function tensorBoardFolder(folder: string, problems: readonly string[] = []): RunFolder {
  return { folder, manifest: undefined, problems: [...problems], metricsFile: '', source: 'tensorboard' };
}

/** Whether a run's process ran on this machine and has ended: the extension host can look
 * (features/runs/localProcess.ts), pure code and webviews cannot. */
export type EndedHere = (host: RunManifest['host']) => boolean;

/** A run folder's live state, as every view names it: its manifest's (runState); another
 * trainer's run is finished when its files say so, else unknown, as is an off-contract run.json. */
export function folderState(run: RunFolder, nowMs: number, staleSeconds = DEFAULT_STALE_SECONDS, endedHere?: EndedHere): RunState {
  return run.manifest ? runState(run.manifest, nowMs, staleSeconds, endedHere) : run.imported?.finished ? 'finished' : 'unknown';
}

/** Live state: a `running` manifest whose heartbeat stopped, or whose process `endedHere` (what a
 * SIGKILL leaves: a heartbeat seconds old), is `stale` (the process died without a word). */
export function runState(manifest: (Pick<RunManifest, 'status' | 'heartbeatAt'> & { host?: RunManifest['host'] }) | undefined, nowMs: number, staleSeconds = DEFAULT_STALE_SECONDS, endedHere?: EndedHere): RunState {
  if (!manifest) return 'unknown';
  if (manifest.status !== 'running') return manifest.status;
  const beat = Date.parse(manifest.heartbeatAt);
  if (Number.isFinite(beat) && nowMs - beat > staleSeconds * 1000) return 'stale';
  return manifest.host && endedHere?.(manifest.host) ? 'stale' : 'running';
}
