// Following a growing metrics.jsonl: new bytes in, complete records and a running summary
// out (latest step, latest ID and OOD success, latest reward). Pure: the metrics worker
// feeds it file chunks; unit tests feed it strings.

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

export interface TailState {
  /** Bytes read from the file so far (the partial line included): where the next read starts. */
  offset: number;
  /** An incomplete last line, kept for the next chunk. */
  partial: Uint8Array;
  progress: JobProgress;
  /** OOD rates at the latest OOD step, to average several OOD splits. */
  oodAtStep: number[];
}

export function emptyTail(): TailState {
  return { offset: 0, partial: new Uint8Array(0), progress: { step: undefined, id: undefined, ood: undefined, reward: undefined, records: 0, skippedLines: 0 }, oodAtStep: [] };
}

const decoder = new TextDecoder();

/** Consume the bytes that follow `state.offset`; only whole lines count (the writer flushes per line). */
export function feed(state: TailState, chunk: Uint8Array): TailState {
  const bytes = concat(state.partial, chunk);
  const lastNewline = bytes.lastIndexOf(10);
  if (lastNewline < 0) return { ...state, offset: state.offset + chunk.length, partial: bytes };
  const complete = decoder.decode(bytes.subarray(0, lastNewline));
  const next: TailState = { ...state, offset: state.offset + chunk.length, partial: bytes.slice(lastNewline + 1), progress: { ...state.progress }, oodAtStep: [...state.oodAtStep] };
  for (const line of complete.split('\n')) absorb(next, line);
  return next;
}

function absorb(state: TailState, line: string): void {
  if (line.trim() === '') return;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    state.progress.skippedLines++;
    return;
  }
  const step = record.step;
  if (typeof step !== 'number' || (record.kind !== 'train' && record.kind !== 'eval')) {
    state.progress.skippedLines++;
    return;
  }
  const progress = state.progress;
  progress.records++;
  if (progress.step === undefined || step > progress.step) progress.step = step;
  if (record.kind === 'train') {
    const metrics = record.metrics as Record<string, unknown> | undefined;
    const reward = metrics?.['rollout/reward_mean'];
    if (typeof reward === 'number') progress.reward = reward;
    return;
  }
  const rate = (record.success as { rate?: unknown } | undefined)?.rate;
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

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
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
