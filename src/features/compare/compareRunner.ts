// Finds compare sources in the workspace and produces both sides' episodes: read from an
// evaluation's episodes.jsonl, or played here with an ONNX export on the same seeds.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { compareEpisodes, type Comparison } from '../../core/compare/compare';
import { isEvaluationEpisode, sourcesOfRun } from '../../core/compare/sources';
import { localPlay, type ComparedSide, type LocalPlay } from '../../core/compare/protocol';
import type { RunManifest } from '../../core/contracts/generated/types';
import type { OwnEpisode } from '../../core/contracts/contracts';
import { readRunFolder, runState, type RunFolder, type RunState } from '../../core/runs/runFolder';
import { lineProblems, stoppedWriting } from '../../core/runs/jsonlTail';
import { readEpisodesJsonl, type RecordedEpisodes } from '../../core/runs/runs';
import { EnvServer } from '../../core/envs/server';
import { runRouteFileLoader } from '../../core/envs/routeFiles';
import { episodeRecord, playSplit, type ChatGenerator } from '../../core/compare/evaluation';
import type { InferenceClient } from '../../workers/inference';
import type { CompareSource, ComparisonView, PairRow } from '../../protocol/compare';
import type { RecordedEvaluation } from '../../core/runs/metricsTail';
import { log } from '../log';
import { runName } from '../runs/runFolders';
import { endedHere, staleSeconds } from '../runs/liveness';

export interface LocatedSource extends CompareSource {
  runUri: vscode.Uri;
  manifest: RunManifest;
}

export type EpisodePair = Comparison['pairs'][number];

const EXCLUDE = '**/{node_modules,.git,.venv}/**';

/** A run's evaluations, by step, as the metrics worker lists them from its metrics file (RunFolders.metrics). */
export type EvaluationsOf = (metricsFile: string) => Promise<RecordedEvaluation[]>;

/** The compare sources of these run folders (those whose run.json meets the contract). Their
 * metrics files are read by the metrics worker, off the extension host, and followed there:
 * a refresh reads only what was appended since. */
export async function findSources(runs: readonly RunFolder[], evaluationsOf: EvaluationsOf, token?: vscode.CancellationToken): Promise<LocatedSource[]> {
  const exports = await vscode.workspace.findFiles('**/onnx/*/ptlab-onnx.json', EXCLUDE, 2000, token);
  const found = await Promise.all(
    runs.map(async ({ folder, manifest, metricsFile }) => {
      if (!manifest) return [];
      const runUri = vscode.Uri.file(folder);
      const prefix = `${runUri.path}/onnx/`;
      const names = exports.filter((e) => e.path.startsWith(prefix)).map((e) => ({ name: e.path.slice(prefix.length).split('/')[0]! }));
      const file = join(folder, metricsFile);
      const evaluations = await evaluationsOf(file).catch((err: Error) => {
        log().warn(`${file}: its evaluations could not be read (${err.message}); the compare view lists none of them`);
        return [];
      });
      return sourcesOfRun(runName(runUri), manifest, evaluations, names).map((s) => ({ ...s, runUri, manifest }));
    }),
  );
  return found.flat().sort((x, y) => x.label.localeCompare(y.label));
}

/** The episodes of a run's evaluation at `step` (isEvaluationEpisode), from its episodes.jsonl,
 * kept as they are read (most of a PPO run's file is training rollouts), and what could not be
 * read of the file; `state`, the run's (folderState), tells a torn last line from one being written. */
export async function recordedEpisodes(runFolder: string, state: RunState, step: number, splits?: readonly string[]): Promise<RecordedEpisodes> {
  const read = await readEpisodesJsonl(createReadStream(join(runFolder, 'episodes.jsonl')), (r) => isEvaluationEpisode(r, step, splits));
  return { episodes: read.records, problems: lineProblems(`${runName(runFolder)}/episodes.jsonl`, read, !stoppedWriting(state), 'the comparison') };
}

export interface CompareRequest {
  a: LocatedSource;
  b: LocatedSource;
  episodes?: number;
  splits?: string[];
  inference: () => InferenceClient;
  /** Runs the trainer's evaluation of a checkpoint source (a task) and returns it as an evaluation source. */
  evaluate: (source: LocatedSource) => Promise<LocatedSource>;
  progress: (message: string, fraction: number) => void;
  signal: AbortSignal;
}

async function play(source: LocatedSource, local: LocalPlay, request: CompareRequest, side: string): Promise<{ records: OwnEpisode[]; tokensPerSecond: number }> {
  const client = request.inference();
  const model = vscode.Uri.joinPath(source.runUri, 'onnx', source.exportName!).fsPath;
  const { plans, decoding } = local;
  const total = plans.reduce((n, p) => n + p.episodes, 0);
  let done = 0;
  let tokens = 0;
  let seconds = 0;
  const generate: ChatGenerator = async (chats, drawKeys) => {
    const answers = [];
    for (const [i, messages] of chats.entries()) {
      const result = await client.generate({ model, prompt: { messages }, options: { ...decoding, drawKey: drawKeys[i] }, signal: request.signal });
      tokens += result.tokens.length;
      seconds += result.seconds;
      answers.push({ text: result.text, promptTokens: result.promptIds.length, outputTokens: result.tokens.length });
    }
    return answers;
  };
  // route files are relative to the config of the run whose environment is played
  const workspace = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const routes = local.replays ? runRouteFileLoader(local.replays.runJson, local.replays.manifest, workspace) : runRouteFileLoader(join(source.runUri.fsPath, 'run.json'), source.manifest, workspace);
  const server = new EnvServer(routes);
  const records: OwnEpisode[] = [];
  for (const plan of plans) {
    request.progress(`${side}: playing ${plan.name} (${plan.episodes} episodes) with ${source.label}`, done / Math.max(1, total));
    const played = await playSplit(plan, server, generate, request.signal);
    records.push(...played.episodes.map((e) => episodeRecord(source.manifest.runId, source.step, plan, source.checkpoint, e)));
    done += plan.episodes;
  }
  return { records, tokensPerSecond: seconds > 0 ? tokens / seconds : 0 };
}

/** The run's run.json as it is now: the sources' copy is as old as the panel's last refresh, and
 * a running run's heartbeat in it goes stale, which would call the line it writes torn. */
async function currentManifest(runFolder: string, listed: RunManifest): Promise<RunManifest | undefined> {
  const text = await readFile(join(runFolder, 'run.json'), 'utf8').catch(() => undefined);
  return text === undefined ? listed : readRunFolder(runFolder, text).manifest;
}

export async function runComparison(request: CompareRequest): Promise<{ view: ComparisonView; pairs: EpisodePair[] }> {
  const evaluated = async (side: LocatedSource, name: string) => {
    if (side.kind !== 'checkpoint') return side;
    request.progress(`${name}: the trainer evaluates ${side.label}`, 0);
    return request.evaluate(side);
  };
  const a = await evaluated(request.a, 'A');
  const b = await evaluated(request.b, 'B');
  const recorded = new Map<string, RecordedEpisodes>();
  for (const side of [a, b]) {
    if (side.kind !== 'evaluation' || recorded.has(side.id)) continue;
    const state = runState(await currentManifest(side.runUri.fsPath, side.manifest), Date.now(), staleSeconds(), endedHere);
    recorded.set(side.id, await recordedEpisodes(side.runUri.fsPath, state, side.step, request.splits));
  }
  const compared = (source: LocatedSource, side: string): ComparedSide => ({ side, label: source.label, runJson: join(source.runUri.fsPath, 'run.json'), kind: source.kind === 'evaluation' ? 'evaluation' : 'onnx', manifest: source.manifest, episodes: recorded.get(source.id)?.episodes });
  const local = localPlay(compared(a, 'A'), compared(b, 'B'), { episodes: request.episodes, splits: request.splits });
  const tokensPerSecond: { a?: number; b?: number } = {};
  const episodes = async (source: LocatedSource, side: 'a' | 'b') => {
    if (source.kind === 'evaluation') return recorded.get(source.id)!.episodes;
    const played = await play(source, local!, request, side.toUpperCase());
    tokensPerSecond[side] = played.tokensPerSecond;
    return played.records;
  };
  const recordsA = await episodes(a, 'a');
  const recordsB = await episodes(b, 'b');
  request.progress('comparing', 1);
  const comparison = compareEpisodes(recordsA, recordsB);
  const rows: PairRow[] = comparison.pairs.map((p) => ({
    split: p.split,
    seed: p.seed,
    episode: p.episode,
    successA: p.a.success,
    successB: p.b.success,
    rewardA: p.a.totalReward,
    rewardB: p.b.totalReward,
    turnsA: p.a.turns.length,
    turnsB: p.b.turns.length,
    divergence: p.divergence,
  }));
  // both sides may be evaluations of one run: its file's problems once
  const problems = [...new Set([...recorded.values()].flatMap((r) => r.problems))];
  const view = { a: strip(a), b: strip(b), splits: comparison.splits, rows, unmatched: comparison.unmatched, problems, tokensPerSecond };
  return { view, pairs: comparison.pairs };
}

function strip(source: LocatedSource): CompareSource {
  const { runUri: _runUri, manifest: _manifest, ...rest } = source;
  return rest;
}
