// Following a growing metrics.jsonl: new bytes in, the new records out (for the dashboard)
// and a running summary kept (for the jobs: latest step, latest ID and OOD success, latest
// reward; for the alerts: the series their rules read; for compare: the evaluations recorded). Lines are split and parsed by JsonlTail, each checked by isMetricRecordShape.
// Pure: the metrics worker feeds it file chunks; tests, strings.
import type { EvaluationRecord, MetricRecord, TrainingRecord } from '../contracts/generated/types';
import { AlertSeries } from './alerts';
import { JsonlTail, type TailBatch } from './jsonlTail';
import { isMetricRecordShape } from './metricShape';

export interface JobProgress {
  step: number | undefined;
  /** Latest evaluation success rate of the first `id` split at its step, and of the first OOD
   * one, a rule-OOD split before a visual one (the config's order: the task's own splits come
   * before recognition-only ones, which a mean or the last would have shown instead). */
  id: { step: number; rate: number } | undefined;
  ood: { step: number; rate: number; kind: EvaluationRecord['splitKind'] } | undefined;
  /** Latest PPO rollout reward mean, when the job reports one. */
  reward: number | undefined;
  records: number;
  skippedLines: number;
}

/** The evaluations recorded at one step: the splits evaluated and the checkpoint (the latest record's that names one). */
export interface RecordedEvaluation {
  step: number;
  splits: string[];
  checkpoint?: string;
}

export class MetricsTail {
  /** Bytes read from the file so far (the partial line included): where the next read starts. */
  offset = 0;
  readonly progress: JobProgress = { step: undefined, id: undefined, ood: undefined, reward: undefined, records: 0, skippedLines: 0 };
  /** What the alert rules read (src/core/runs/alerts.ts); none in a tail made without
   * (`alertSeries: false`: the metrics worker's for compare, a job or the dashboard, who never read it). */
  readonly alertSeries: AlertSeries | undefined;
  /** step -> what compare lists of its evaluation (src/core/compare/sources.ts). */
  private readonly evaluated = new Map<number, { splits: Set<string>; checkpoint?: string }>();
  /** The line reader; it keeps an incomplete last line for the next chunk. */
  private readonly lines = new JsonlTail(isMetricRecordShape);

  constructor(options: { alertSeries?: boolean } = {}) {
    this.alertSeries = options.alertSeries === false ? undefined : new AlertSeries();
  }

  /** The last line received so far without its newline ('' when none). */
  get pendingLine(): string {
    return this.lines.pendingLine;
  }

  /** The evaluations recorded so far, by step. */
  get evaluations(): RecordedEvaluation[] {
    return [...this.evaluated]
      .sort(([x], [y]) => x - y)
      .map(([step, { splits, checkpoint }]) => ({ step, splits: [...splits].sort(), ...(checkpoint ? { checkpoint } : {}) }));
  }

  /** Consume the bytes that follow `offset`; only whole lines count (the writer flushes per line). */
  push(chunk: Uint8Array): TailBatch<MetricRecord> {
    const batch = this.lines.push(chunk);
    this.offset += chunk.length;
    this.progress.skippedLines += batch.skippedLines.length;
    for (const record of batch.records) this.absorb(record);
    return batch;
  }

  private absorb(record: MetricRecord): void {
    const { progress } = this;
    const step = record.step;
    progress.records++;
    this.alertSeries?.add(record);
    if (progress.step === undefined || step > progress.step) progress.step = step;
    if (record.kind === 'train') {
      const reward = (record as TrainingRecord).metrics['rollout/reward_mean'];
      if (typeof reward === 'number') progress.reward = reward;
      return;
    }
    const { success, splitKind, split } = record as EvaluationRecord;
    this.addEvaluation(step, split, record.checkpoint);
    const rate = success.rate;
    if (splitKind === 'id') {
      if (!progress.id || step > progress.id.step) progress.id = { step, rate };
    } else if (splitKind === 'rule-ood' || splitKind === 'visual-ood') {
      const current = progress.ood;
      if (!current || step > current.step || (step === current.step && splitKind === 'rule-ood' && current.kind !== 'rule-ood')) progress.ood = { step, rate, kind: splitKind };
    }
  }

  private addEvaluation(step: number, split: string, checkpoint: unknown): void {
    const evaluated = this.evaluated.get(step) ?? { splits: new Set<string>() };
    evaluated.splits.add(split);
    // the shape check leaves checkpoint unchecked (the dashboard does not read it)
    if (checkpoint && typeof checkpoint === 'string') evaluated.checkpoint = checkpoint;
    this.evaluated.set(step, evaluated);
  }
}

/** `step 12/40 · ID 45% · OOD 10%`, the status bar's text. */
export function describeProgress(progress: JobProgress, totalSteps?: number): string {
  const parts: string[] = [];
  if (progress.step !== undefined) parts.push(`step ${progress.step}${totalSteps !== undefined ? `/${totalSteps}` : ''}`);
  if (progress.id) parts.push(`ID ${percent(progress.id.rate)}`);
  if (progress.ood) parts.push(`OOD ${percent(progress.ood.rate)}`);
  if (progress.reward !== undefined && !progress.id) parts.push(`reward ${progress.reward.toFixed(2)}`);
  return parts.join(' · ');
}

function percent(rate: number): string {
  return `${(100 * rate).toFixed(rate < 0.1 ? 1 : 0)}%`;
}
