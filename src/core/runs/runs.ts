// A run folder's JSON-lines files read: metrics.jsonl into rate curves, episodes.jsonl into
// episode records, whole from their text or (episodes.jsonl, GBs) chunk by chunk. Pure:
// callers pass the files' text or chunks.
import type { EpisodeRecord, EvaluationRecord, MetricRecord } from '../contracts/generated/types';
import { contractErrors, isOwnEpisode, type OwnEpisode } from '../contracts/contracts';
import { JsonlTail, type TailBatch } from './jsonlTail';

export interface CurvePoint {
  step: number;
  gflops: number;
  rate: number;
  stderr: number;
  n: number;
}

export interface SplitCurve {
  split: string;
  splitKind: EvaluationRecord['splitKind'];
  points: CurvePoint[];
}

/** A whole file's records and skipped lines, `cutLine` the last line's number where it was cut
 * off (JsonlTail.end; lineProblems words them). */
export type ParsedJsonl<T> = TailBatch<T> & { cutLine?: number };

/** All of a JSON-lines text through `tail`, its last line read without a newline too. */
function parseWhole<T>(tail: JsonlTail<T>, text: string): ParsedJsonl<T> {
  const body = tail.push(text);
  const end = tail.end();
  const parsed: ParsedJsonl<T> = { records: [...body.records, ...end.records], skippedLines: [...body.skippedLines, ...end.skippedLines] };
  return end.cutLine === undefined ? parsed : { ...parsed, cutLine: end.cutLine };
}

const isMetricRecord = (value: unknown): value is MetricRecord => contractErrors('metric-record.schema.json', value).length === 0;

/** Whether a metrics line may be an evaluation record, before it is parsed: an eval record's
 * line holds its kind, "eval"; a training record's that holds the string too is parsed and
 * turned down by its kind. */
const mayBeEvaluation = (line: string): boolean => line.includes('"eval"');

/** Parse a whole JSON-lines text; bad lines (torn, garbage or off-contract) are skipped and
 * counted by line number, never fatal. A last line without its newline counts too.
 * `evaluationsOnly`: lines that cannot be evaluation records are passed over unparsed (most
 * of a PPO run's lines are training records), and not counted as bad. */
export function parseMetricsJsonl(text: string, evaluationsOnly = false): ParsedJsonl<MetricRecord> {
  return parseWhole(new JsonlTail(isMetricRecord, evaluationsOnly ? mayBeEvaluation : undefined), text);
}

const isEpisodeRecord = (value: unknown): value is OwnEpisode => contractErrors('episode-record.schema.json', value).length === 0 && isOwnEpisode(value as EpisodeRecord);

/** Parse a whole episodes.jsonl as parseMetricsJsonl does its metrics: lines that are not our
 * episode records (torn, garbage, off the episode-record contract, another trainer's) are
 * skipped and counted by line number. */
export function parseEpisodesJsonl(text: string): ParsedJsonl<OwnEpisode> {
  return parseWhole(new JsonlTail(isEpisodeRecord), text);
}

/** An episodes.jsonl read as parseEpisodesJsonl reads its text, from its chunks as they are read
 * (a PPO run's file runs to GBs, never held whole), keeping only the records `keep` wants. */
export async function readEpisodesJsonl(chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, keep: (episode: OwnEpisode) => boolean): Promise<ParsedJsonl<OwnEpisode>> {
  const tail = new JsonlTail(isEpisodeRecord);
  const read: ParsedJsonl<OwnEpisode> = { records: [], skippedLines: [] };
  const add = (batch: ParsedJsonl<OwnEpisode>) => {
    for (const episode of batch.records) if (keep(episode)) read.records.push(episode);
    for (const line of batch.skippedLines) read.skippedLines.push(line);
    if (batch.cutLine !== undefined) read.cutLine = batch.cutLine;
  };
  for await (const chunk of chunks) add(tail.push(chunk));
  add(tail.end());
  return read;
}

/** A run's episodes of one evaluation as read from its episodes.jsonl, and what could not be
 * read of the file (lineProblems): the reason when fewer episodes pair than were evaluated. */
export interface RecordedEpisodes {
  episodes: OwnEpisode[];
  problems: string[];
}

/** One rate of the evaluation records per split, the one `fieldOf` its kind (success, or V-IRL's
 * per-step accuracy), ordered by step (a later record for the same step wins); records without
 * the rate are left out. */
export function rateCurves(records: MetricRecord[], fieldOf: (splitKind: SplitCurve['splitKind']) => 'success' | 'perStepAccuracy' | 'perStepAccuracyReference'): SplitCurve[] {
  const bySplit = new Map<string, { kind: SplitCurve['splitKind']; points: Map<number, CurvePoint> }>();
  for (const r of records) {
    if (r.kind !== 'eval') continue;
    const ev = r as MetricRecord & EvaluationRecord;
    const value = ev[fieldOf(ev.splitKind)];
    if (!value) continue;
    let entry = bySplit.get(ev.split);
    if (!entry) bySplit.set(ev.split, (entry = { kind: ev.splitKind, points: new Map() }));
    entry.points.set(ev.step, { step: ev.step, gflops: ev.compute.gflops, rate: value.rate, stderr: value.stderr, n: value.n });
  }
  return [...bySplit.entries()].map(([split, { kind, points }]) => ({
    split,
    splitKind: kind,
    points: [...points.values()].sort((a, b) => a.step - b.step),
  }));
}
