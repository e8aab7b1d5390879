// Language-model tools (package.json languageModelTools): an assistant in VS Code asks about the
// workspace's runs. Read-only: list runs with their state and latest ID/OOD results, compare
// two runs' latest evaluations (paired over the same seeds where both runs' episodes allow),
// find episodes by failure mode, split, outcome, reward or text, summarise a run's alerts.
// Each answer is text the model reads; the numbers come from the run folders' own files
// (metrics.jsonl read from its end; episodes through the transcript worker, and as the compare
// view reads an evaluation's), never from a cache.
import { open } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { checkToolInput, toolSchemas } from '../../core/contracts/toolInput';
import { folderState, type RunFolder } from '../../core/runs/runFolder';
import type { RecordedEpisodes } from '../../core/runs/runs';
import { configuredSplits, describePairedComparison, describeRuns, listedRuns, summarizeRun, summaryRecords, type RunSummary } from '../../core/runs/runSummary';
import { findEpisodeRows } from '../../core/transcripts/episodeAnswer';
import type { TranscriptQuery } from '../../core/transcripts/types';
import { TranscriptClient } from '../../workers/transcripts';
import { endedHere, staleSeconds } from '../runs/liveness';
import { recordedEpisodes } from '../compare/compareRunner';
import type { RunAlerts } from '../runs/runAlerts';
import { runName, type RunFolders } from '../runs/runFolders';
import { describeRunAlerts } from '../../core/runs/alerts';

export interface ListRunsInput {
  /** Only runs whose experiment name or folder contains this. */
  filter?: string;
}

export interface CompareRunsInput {
  a: string;
  b: string;
}

export interface RunAlertsInput {
  run: string;
}

export interface FindEpisodesInput {
  run: string;
  failureMode?: string;
  split?: string;
  success?: boolean;
  step?: number;
  minReward?: number;
  maxReward?: number;
  text?: string;
  limit?: number;
}

const relative = (folder: string): string => runName(folder);
const result = (text: string) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);

/** The records of a run's metrics file that its summary needs: the latest ones and each split's latest evaluation. */
async function latestRecords(run: RunFolder) {
  if (run.source !== 'ptlab') return [];
  const handle = await open(join(run.folder, run.metricsFile)).catch(() => undefined);
  if (!handle) return [];
  try {
    const readAt = async (position: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    };
    return await summaryRecords((await handle.stat()).size, readAt, configuredSplits(run));
  } finally {
    await handle.close();
  }
}

/** The run's live state as the Runs view and the alerts judge it (a dead run is stale, not running). */
const stateOf = (run: RunFolder) => folderState(run, Date.now(), staleSeconds(), endedHere);

async function summary(run: RunFolder): Promise<RunSummary> {
  return summarizeRun(run, relative(run.folder), await latestRecords(run), stateOf(run));
}

/** The run a model names: its folder relative to the workspace (as listRuns says it) or absolute. */
async function findRun(runs: RunFolders, name: string): Promise<RunFolder> {
  const wanted = name.replace(/\\/g, '/').replace(/\/+$/, '');
  const named = (all: RunFolder[]) => all.find((r) => relative(r.folder) === wanted || r.folder === wanted || (isAbsolute(wanted) && r.folder === wanted));
  let all = await runs.all();
  let run = named(all);
  if (!run) {
    await runs.rescan(); // a run made a moment ago: its file events may not have come yet
    all = await runs.all();
    run = named(all);
  }
  if (!run) throw new Error(`no run folder "${name}" in the workspace: ptlab_listRuns names them (${all.length} run(s))`);
  return run;
}

export async function listRuns(runs: RunFolders, input: ListRunsInput): Promise<string> {
  const all = await runs.all();
  const { shown, matched } = listedRuns(all, relative, input.filter);
  return describeRuns(await Promise.all(shown.map(summary)), matched, all.length, input.filter);
}

export async function compareRunsTool(runs: RunFolders, input: CompareRunsInput): Promise<string> {
  const [a, b] = await Promise.all([findRun(runs, input.a), findRun(runs, input.b)]);
  const [summaryA, summaryB] = await Promise.all([summary(a), summary(b)]);
  const read = new Map<string, Promise<RecordedEpisodes>>();
  const evaluated = (run: RunFolder, step: number) => {
    const key = `${run.folder}\u0000${step}`;
    if (!read.has(key)) read.set(key, recordedEpisodes(run.folder, stateOf(run), step).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? { episodes: [], problems: [] } : Promise.reject(err))));
    return read.get(key)!;
  };
  return describePairedComparison(summaryA, summaryB, (run, step) => evaluated(run === 'a' ? a : b, step));
}

export async function findEpisodes(runs: RunFolders, input: FindEpisodesInput): Promise<string> {
  const run = await findRun(runs, input.run);
  const limit = input.limit ?? 10;
  const query: TranscriptQuery = {};
  if (input.failureMode) query.failureModes = [input.failureMode];
  if (input.split) query.splits = [input.split];
  if (input.success !== undefined) query.success = input.success;
  if (input.step !== undefined) query.stepMin = query.stepMax = input.step;
  if (input.minReward !== undefined) query.rewardMin = input.minReward;
  if (input.maxReward !== undefined) query.rewardMax = input.maxReward;
  if (input.text) query.text = input.text;
  const client = new TranscriptClient(run.folder);
  try {
    await client.indexed();
    const search = { query: (q: TranscriptQuery, start: number, count: number) => client.request('query', { query: q, start, count }), failureSummary: () => client.request('summary', {}), facets: () => client.facets };
    return await findEpisodeRows(search, relative(run.folder), query, limit);
  } finally {
    await client.dispose();
  }
}

export async function runAlertsTool(runs: RunFolders, alerts: RunAlerts, input: RunAlertsInput): Promise<string> {
  const run = await findRun(runs, input.run);
  if (run.source !== 'ptlab') return `${relative(run.folder)} is another trainer's run: alerts read our runs' metrics.jsonl and run.json.`;
  return describeRunAlerts(relative(run.folder), run, stateOf(run), await alerts.alertsOf(run));
}

export function registerRunTools(context: vscode.ExtensionContext, runs: RunFolders, alerts: RunAlerts): void {
  if (typeof vscode.lm?.registerTool !== 'function') return; // a VS Code without language-model tools
  const schemas = toolSchemas(context.extension.packageJSON);
  const tool = <T>(name: string, message: string, answer: (input: T) => Promise<string>) =>
    vscode.lm.registerTool<T>(name, {
      prepareInvocation: () => ({ invocationMessage: message }),
      // invokeTool does not check the model's input against the tool's inputSchema: each field's type is checked first
      invoke: async (options) => result(await answer(checkToolInput<T>(name, schemas[name]!, options.input))),
    });
  context.subscriptions.push(
    tool<ListRunsInput>('ptlab_listRuns', 'Reading the runs and their latest evaluations', (input) => listRuns(runs, input)),
    tool<CompareRunsInput>('ptlab_compareRuns', 'Comparing two runs', (input) => compareRunsTool(runs, input)),
    tool<FindEpisodesInput>('ptlab_findEpisodes', "Searching a run's episodes", (input) => findEpisodes(runs, input)),
    tool<RunAlertsInput>('ptlab_runAlerts', "Checking a run's alerts", (input) => runAlertsTool(runs, alerts, input)),
  );
}
