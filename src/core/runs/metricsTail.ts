// Following a growing metrics.jsonl: new bytes in, a running summary out (latest step,
// latest ID and OOD success, latest reward). Lines are split and parsed by JsonlTail, the
// dashboard's reader. Pure: the jobs' metrics worker feeds it file chunks; tests, strings.
import { JsonlTail } from './jsonlTail';

export interface JobProgress {
  step: number | undefined;
  /** Latest evaluation success rate of the `id` splits, and of the OOD ones (mean over them at that step). */
  id: { step: number; rate: number } | undefined;
  ood: { step: number; rate: number } | undefined;
  /** Latest PPO rollout reward mean, when the job reports one. */
  reward: number | undefined;
  records: number;
  skippedLines: number;
}

/** A metrics record as far as progress needs it. */
interface ProgressRecord {
  kind: 'train' | 'eval';
  step: number;
  metrics?: Record<string, unknown>;
  success?: { rate?: unknown };
  splitKind?: unknown;
}

const isProgressRecord = (value: unknown): value is ProgressRecord => {
  const record = value as Partial<ProgressRecord> | null;
  return typeof record === 'object' && record !== null && typeof record.step === 'number' && (record.kind === 'train' || record.kind === 'eval');
};

export interface TailState {
  /** Bytes read from the file so far (the partial line included): where the next read starts. */
  offset: number;
  /** The line reader; it keeps an incomplete last line for the next chunk. */
  lines: JsonlTail<ProgressRecord>;
  progress: JobProgress;
  /** OOD rates at the latest OOD step, to average several OOD splits. */
  oodAtStep: number[];
}

export function emptyTail(): TailState {
  return { offset: 0, lines: new JsonlTail(isProgressRecord), progress: { step: undefined, id: undefined, ood: undefined, reward: undefined, records: 0, skippedLines: 0 }, oodAtStep: [] };
}

/** Consume the bytes that follow `state.offset` (the state's line reader moves on with them);
 * only whole lines count (the writer flushes per line). */
export function feed(state: TailState, chunk: Uint8Array): TailState {
  const batch = state.lines.push(chunk);
  const progress = { ...state.progress, skippedLines: state.progress.skippedLines + batch.skippedLines.length };
  const next: TailState = { ...state, offset: state.offset + chunk.length, progress, oodAtStep: [...state.oodAtStep] };
  for (const record of batch.records) absorb(next, record);
  return next;
}

function absorb(state: TailState, record: ProgressRecord): void {
  const { progress } = state;
  const step = record.step;
  progress.records++;
  if (progress.step === undefined || step > progress.step) progress.step = step;
  if (record.kind === 'train') {
    const reward = record.metrics?.['rollout/reward_mean'];
    if (typeof reward === 'number') progress.reward = reward;
    return;
  }
  const rate = record.success?.rate;
  if (typeof rate !== 'number') return;
  if (record.splitKind === 'id') {
    if (!progress.id || step >= progress.id.step) progress.id = { step, rate };
  } else if (!progress.ood || step > progress.ood.step) {
    state.oodAtStep = [rate];
    progress.ood = { step, rate };
  } else if (step === progress.ood.step) {
    state.oodAtStep.push(rate);
    progress.ood = { step, rate: state.oodAtStep.reduce((a, b) => a + b, 0) / state.oodAtStep.length };
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
