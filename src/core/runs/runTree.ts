// The Runs view's model: run folders grouped by experiment, each with its live state and
// checkpoints. Pure: derived from the run folders (readRunFolder) and the clock.
import { isAbsolute, relative, sep } from 'node:path';
import { formatDuration, idleSeconds } from './alerts';
import { DEFAULT_STALE_SECONDS, folderState, runIdentity, type EndedHere, type RunFolder, type RunIdentity, type RunState } from './runFolder';

export interface RunEntry extends RunIdentity {
  state: RunState;
  step: number | undefined;
  totalSteps: number | undefined;
  updatedAt: string | undefined;
  /** Seconds since the last heartbeat, for running and stale runs. */
  heartbeatAgeSeconds: number | undefined;
  /** Seconds since a running run's job last moved (run.json's activeAt): a hang beats but does not move. */
  idleSeconds: number | undefined;
  checkpoints: { step: number; path: string }[];
  error: string | undefined;
  pid: number | undefined;
  /** The experiment file of the run's latest launch (resume and evaluate use it). */
  configPath: string | undefined;
  /** What is wrong with its run.json (an unknown run says why). */
  problems: string[];
}

export interface ExperimentEntry {
  name: string;
  runs: RunEntry[];
}

export function runEntry(run: RunFolder, nowMs: number, staleSeconds = DEFAULT_STALE_SECONDS, endedHere?: EndedHere): RunEntry {
  const { manifest } = run;
  const state = folderState(run, nowMs, staleSeconds, endedHere);
  const heartbeat = manifest ? Date.parse(manifest.heartbeatAt) : NaN;
  return {
    ...runIdentity(run),
    state,
    step: manifest?.progress?.step ?? run.imported?.step,
    totalSteps: manifest?.progress?.totalSteps ?? run.imported?.totalSteps,
    updatedAt: manifest?.updatedAt,
    heartbeatAgeSeconds: (state === 'running' || state === 'stale') && Number.isFinite(heartbeat) ? Math.max(0, Math.round((nowMs - heartbeat) / 1000)) : undefined,
    idleSeconds: idleSeconds(manifest, state, nowMs),
    checkpoints: [...(manifest?.checkpoints ?? run.imported?.checkpoints ?? [])].sort((a, b) => a.step - b.step).map((c) => ({ step: c.step, path: c.path })),
    error: manifest?.error?.message,
    pid: manifest?.host.pid,
    configPath: manifest?.configPath || undefined,
    problems: run.problems,
  };
}

/** The Runs view's tooltip of a run, as Markdown: what run.json and the folder's name say is
 * text (markdownText), since a cloned run's could otherwise show an image that calls home or a link. */
export function runTooltip(run: RunEntry): string {
  const stale = run.state === 'stale' ? 'The process stopped beating without ending the run (killed or crashed): resume it from its last checkpoint.' : '';
  return [`**${markdownText(run.runId)}** (${markdownText(run.job)}): ${run.state}`, markdownText(run.folder), run.error ? `Error: ${markdownText(run.error)}` : '', ...run.problems.map(markdownText), stale]
    .filter(Boolean)
    .join('\n\n');
}

/** `text` shown as it is in Markdown: every ASCII punctuation mark escaped (CommonMark lets a
 * backslash escape any), so none starts an image, link, autolink, emphasis, code or HTML. */
export function markdownText(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** Experiments by name, runs by folder. */
export function groupByExperiment(runs: RunEntry[]): ExperimentEntry[] {
  const byName = new Map<string, RunEntry[]>();
  for (const run of runs) byName.set(run.experiment, [...(byName.get(run.experiment) ?? []), run]);
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entries]) => ({ name, runs: entries.sort((a, b) => a.folder.localeCompare(b.folder)) }));
}

/** A job that moves does so every few seconds (each generate call, each micro-batch): a minute without is worth showing. */
const SHOWN_IDLE_SECONDS = 60;

/** One line under the run's name: `running · step 12/40 · heartbeat 3 s ago`, and `· no progress for 14 min` for a job that stopped moving. */
export function describeRun(run: RunEntry): string {
  const parts: string[] = [run.state];
  if (run.step !== undefined) parts.push(`step ${run.step}${run.totalSteps !== undefined ? `/${run.totalSteps}` : ''}`);
  if (run.heartbeatAgeSeconds !== undefined) parts.push(`heartbeat ${run.heartbeatAgeSeconds} s ago`);
  if (run.idleSeconds !== undefined && run.idleSeconds >= SHOWN_IDLE_SECONDS) parts.push(`no progress for ${formatDuration(run.idleSeconds)}`);
  return parts.join(' · ');
}

/** One line under a TensorBoard log's name: `TensorBoard log`, then what is wrong with its event files (the file, what). */
export function describeLog(run: RunEntry): string {
  const [first, ...more] = run.problems;
  if (first === undefined) return 'TensorBoard log';
  return `TensorBoard log · ${first}${more.length ? ` (+${more.length} more)` : ''}`;
}

/**
 * Why Delete Run refuses `folder` (deleted recursively), or undefined: it deletes a folder inside a
 * workspace folder only, never a workspace folder itself (event files, a run.json or a Trainer's
 * state at its root make it a run), one that holds a workspace folder, or one outside them all.
 */
export function deleteRefusal(folder: string, workspaceFolders: readonly string[]): string | undefined {
  const within = (root: string, inner: string) => {
    const rel = relative(root, inner);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  if (workspaceFolders.some((root) => relative(root, folder) === '')) return `${folder} is a workspace folder: Delete Run does not delete it (delete its run files yourself).`;
  const held = workspaceFolders.find((root) => within(folder, root));
  if (held) return `${folder} holds the workspace folder ${held}: Delete Run does not delete it.`;
  if (!workspaceFolders.some((root) => within(root, folder))) return `${folder} is not inside a workspace folder: Delete Run deletes run folders of the workspace only.`;
  return undefined;
}
