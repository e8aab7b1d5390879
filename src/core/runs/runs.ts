// A run folder's JSON-lines files read whole: metrics.jsonl into rate curves, episodes.jsonl
// into episode records. Pure: callers pass the files' text.
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

export type ParsedJsonl<T> = TailBatch<T>;

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
  return new JsonlTail(isMetricRecord, evaluationsOnly ? mayBeEvaluation : undefined).push(text.endsWith('\n') ? text : `${text}\n`);
}

const isEpisodeRecord = (value: unknown): value is OwnEpisode => contractErrors('episode-record.schema.json', value).length === 0 && isOwnEpisode(value as EpisodeRecord);

/** Parse a whole episodes.jsonl as parseMetricsJsonl does its metrics: lines that are not our
 * episode records (torn, garbage, off the episode-record contract, another trainer's) are
 * skipped and counted by line number. */
export function parseEpisodesJsonl(text: string): ParsedJsonl<OwnEpisode> {
  return new JsonlTail(isEpisodeRecord).push(text.endsWith('\n') ? text : `${text}\n`);
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
