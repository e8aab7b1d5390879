// What the dashboard shows, computed from run manifests and metric records. Pure (no DOM, no
// vscode): the webview renders it, the host and unit tests share it.
import type { EvaluationRecord, MetricRecord, TrainingRecord } from '../contracts/generated/types';
import type { RunIdentity } from '../runs/runFolder';
import { aggregateByStep, binomialStderr, mean, sem, Z95, type AggregatePoint, type SeriesPoint } from './stats';

export type XKey = 'gflops' | 'step' | 'tokens' | 'episodes' | 'wallSeconds';
export const X_AXES: readonly { key: XKey; label: string }[] = [
  { key: 'gflops', label: 'GFLOPs' },
  { key: 'step', label: 'step' },
  { key: 'tokens', label: 'training tokens' },
  { key: 'episodes', label: 'episodes' },
  { key: 'wallSeconds', label: 'wall time (s)' },
];

export type SplitKind = EvaluationRecord['splitKind'];
type RateField = 'success' | 'perStepAccuracy' | 'perStepAccuracyReference' | 'recognition';
export type MetricSource = { kind: 'eval'; field: RateField | 'meanReward'; splitKinds: SplitKind[] } | { kind: 'train'; name: string };

export interface MetricDef {
  id: string;
  label: string;
  /** A proportion in [0, 1], shown in %, with binomial standard errors where n is known. */
  rate: boolean;
  source: MetricSource;
}

const OOD: SplitKind[] = ['rule-ood', 'visual-ood'];
const evalMetric = (id: string, label: string, field: RateField | 'meanReward', splitKinds: SplitKind[]): MetricDef => ({
  id,
  label,
  rate: field !== 'meanReward',
  source: { kind: 'eval', field, splitKinds },
});
const trainMetric = (name: string, label: string, rate = false): MetricDef => ({ id: name, label, rate, source: { kind: 'train', name } });

/** The metrics the dashboard offers first; any other training scalar found is offered after them. */
export const METRICS: readonly MetricDef[] = [
  evalMetric('id/success', 'ID success', 'success', ['id']),
  evalMetric('ood/success', 'OOD success', 'success', OOD),
  evalMetric('id/perStepAccuracy', 'ID per-step accuracy', 'perStepAccuracy', ['id']),
  evalMetric('ood/perStepAccuracy', 'OOD per-step accuracy', 'perStepAccuracy', OOD),
  evalMetric('id/perStepAccuracyReference', "ID per-step accuracy, reference's (every call)", 'perStepAccuracyReference', ['id']),
  evalMetric('ood/perStepAccuracyReference', "OOD per-step accuracy, reference's (every call)", 'perStepAccuracyReference', OOD),
  evalMetric('id/recognition', 'ID recognition accuracy', 'recognition', ['id']),
  evalMetric('ood/recognition', 'OOD recognition accuracy', 'recognition', OOD),
  evalMetric('id/meanReward', 'ID mean episode reward', 'meanReward', ['id']),
  evalMetric('ood/meanReward', 'OOD mean episode reward', 'meanReward', OOD),
  trainMetric('rollout/reward_mean', 'Reward (rollout mean)'),
  trainMetric('rollout/return_mean', 'Return (rollout mean)'),
  trainMetric('rollout/success_rate', 'Rollout success', true),
  trainMetric('ppo/policy_loss', 'Policy loss'),
  trainMetric('ppo/value_loss', 'Value loss'),
  trainMetric('ppo/approx_kl', 'KL (approx., old policy)'),
  trainMetric('ppo/kl_to_init', 'KL to Init'),
  trainMetric('ppo/clipfrac', 'Clip fraction'),
  trainMetric('ppo/entropy', 'Entropy'),
  trainMetric('train/loss', 'SFT loss'),
  trainMetric('train/lr', 'Learning rate'),
  trainMetric('perf/tokens_per_second', 'Tokens/s'),
  trainMetric('mismatch/kl', 'Generation vs training KL (per token)'),
  trainMetric('mismatch/logprob_abs_max', 'Generation vs training |log-prob diff| (max)'),
];

// ------------------------------------------------------------------ runs

/** A run as the dashboard shows it; `folder` is relative to the workspace folder. */
export interface RunInfo extends RunIdentity {
  seed: number | undefined;
  /** The paper's task name: GP-L, GP-VL, V-IRL-L, V-IRL-VL. */
  task: string;
  /** The checkpoint the run started from: runs sharing it form one SFT-vs-RL comparison. */
  init: string | undefined;
  /** Runs whose configs differ only in the seed share it (seed aggregation). */
  groupKey: string;
  groupLabel: string;
  /** Process lifetimes: index > 0 marks a resume at startStep. */
  segments: { index: number; startStep: number; endStatus?: string }[];
  problems: string[];
}

// ------------------------------------------------------------------ records of one run

export interface CurvePoint {
  step: number;
  x: number;
  y: number;
  /** Binomial standard error of a rate. */
  se?: number;
}

export interface Curve {
  split?: string;
  splitKind?: SplitKind;
  points: CurvePoint[];
}

/** Absent value in a batch column (every axis and count is >= 0; NaN would not survive JSON). */
const ABSENT = -1;

/**
 * Metric records as columns: what the worker sends and the webview keeps (arrays of numbers
 * cost far less to post, clone and hold than a million small objects). Series keys are
 * `train:<metric name>` and `eval:<split>:<success|perStepAccuracy|perStepAccuracyReference|recognition|meanReward>`.
 */
export interface MetricBatch {
  count: number;
  axes: { steps: number[]; gflops: number[]; tokens: number[]; episodes: number[]; wallSeconds: number[] };
  series: Record<string, { steps: number[]; ys: number[]; ns: number[] }>;
  splits: Record<string, SplitKind>;
}

export function emptyBatch(): MetricBatch {
  return { count: 0, axes: { steps: [], gflops: [], tokens: [], episodes: [], wallSeconds: [] }, series: {}, splits: {} };
}

export function batchOf(records: readonly MetricRecord[]): MetricBatch {
  const batch = emptyBatch();
  const put = (key: string, step: number, y: number, n: number): void => {
    const column = (batch.series[key] ??= { steps: [], ys: [], ns: [] });
    column.steps.push(step);
    column.ys.push(y);
    column.ns.push(n);
  };
  for (const r of records) {
    batch.count++;
    const axes = batch.axes;
    axes.steps.push(r.step);
    axes.gflops.push(r.compute.gflops);
    axes.tokens.push(r.compute.trainTokens);
    axes.episodes.push(r.episodes ?? ABSENT);
    axes.wallSeconds.push(r.wallSeconds ?? ABSENT);
    if (r.kind === 'train') {
      const metrics = (r as TrainingRecord).metrics;
      for (const name in metrics) {
        const y = metrics[name];
        if (typeof y === 'number') put(`train:${name}`, r.step, y, ABSENT);
      }
      continue;
    }
    const ev = r as MetricRecord & EvaluationRecord;
    batch.splits[ev.split] = ev.splitKind;
    for (const field of ['success', 'perStepAccuracy', 'perStepAccuracyReference', 'recognition'] as const) {
      const rate = ev[field];
      if (rate) put(`eval:${ev.split}:${field}`, ev.step, rate.rate, rate.n);
    }
    if (ev.meanReward !== undefined) put(`eval:${ev.split}:meanReward`, ev.step, ev.meanReward, ABSENT);
  }
  return batch;
}

/**
 * Scalars from another writer (a TensorBoard log) as columns: each tag a training series under
 * its own name, one axes row per step; GFLOPs, tokens and episodes absent (such a log does not
 * count them), wall time in seconds from `startTime` (the log's first event), absent where a
 * point has none (a Hugging Face trainer_state.json).
 */
export function batchOfScalars(points: readonly { tag: string; step: number; wallTime?: number; value: number }[], startTime: number): MetricBatch {
  const batch = emptyBatch();
  let lastStep: number | undefined;
  for (const p of points) {
    if (p.step !== lastStep) {
      batch.count++;
      batch.axes.steps.push(p.step);
      batch.axes.gflops.push(ABSENT);
      batch.axes.tokens.push(ABSENT);
      batch.axes.episodes.push(ABSENT);
      batch.axes.wallSeconds.push(p.wallTime === undefined ? ABSENT : Math.max(0, p.wallTime - startTime));
      lastStep = p.step;
    }
    if (!Number.isFinite(p.value)) continue; // NaN and infinities do not survive JSON; a gap, as TensorBoard draws them
    const column = (batch.series[`train:${p.tag}`] ??= { steps: [], ys: [], ns: [] });
    column.steps.push(p.step);
    column.ys.push(p.value);
    column.ns.push(ABSENT);
  }
  return batch;
}

/** First index whose step is >= `step` in an ascending array. */
function lowerBound(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid]! < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Columns kept ascending by step; a step seen again is replaced. Appending in order is O(1). */
class StepColumns<K extends string> {
  steps: number[] = [];
  values: Record<K, number[]>;

  constructor(private readonly names: readonly K[]) {
    this.values = Object.fromEntries(names.map((n) => [n, []])) as unknown as Record<K, number[]>;
  }

  /** Append whole columns when they all come after the last step and ascend (a log read in order). */
  tryAppend(steps: readonly number[], columns: Record<K, readonly number[]>): boolean {
    let previous = this.steps.length ? this.steps[this.steps.length - 1]! : -Infinity;
    for (const step of steps) {
      if (!(step > previous)) return false;
      previous = step;
    }
    if (this.steps.length === 0) {
      // The first batch of a run: adopt copies whole (a memory copy, not a push per value).
      this.steps = steps.slice();
      for (const n of this.names) this.values[n] = columns[n].slice();
      return true;
    }
    for (const step of steps) this.steps.push(step);
    for (const n of this.names) {
      const target = this.values[n];
      for (const v of columns[n]) target.push(v);
    }
    return true;
  }

  /** Set this step's values; `keep` (for axes) leaves a present value alone where the new one is absent. */
  set(step: number, row: (name: K) => number, keep = false): void {
    const last = this.steps.length - 1;
    if (last < 0 || step > this.steps[last]!) {
      this.steps.push(step);
      for (const n of this.names) this.values[n].push(row(n));
      return;
    }
    const at = lowerBound(this.steps, step);
    if (this.steps[at] === step) {
      for (const n of this.names) {
        const v = row(n);
        if (!keep || v !== ABSENT) this.values[n][at] = v;
      }
      return;
    }
    this.steps.splice(at, 0, step);
    for (const n of this.names) this.values[n].splice(at, 0, row(n));
  }
}

const AXES = ['gflops', 'tokens', 'episodes', 'wallSeconds'] as const;

/**
 * One run's metric records, joined by global step: a later record for the same series and
 * step replaces the earlier one (a resumed segment re-logging a step). Adding records costs
 * time proportional to their number when they come in step order, as a log's do.
 */
export class RunRecords {
  private readonly axes = new StepColumns(AXES);
  private readonly series = new Map<string, StepColumns<'y' | 'n'>>();
  readonly splits = new Map<string, SplitKind>();
  private readonly cache = new Map<string, Curve[]>();
  records = 0;

  add(records: readonly MetricRecord[]): void {
    this.addBatch(batchOf(records));
  }

  addBatch(batch: MetricBatch): void {
    this.records += batch.count;
    this.cache.clear();
    const a = batch.axes;
    if (!this.axes.tryAppend(a.steps, a)) {
      for (let i = 0; i < a.steps.length; i++) this.axes.set(a.steps[i]!, (name) => a[name][i]!, true);
    }
    for (const [key, column] of Object.entries(batch.series)) {
      let target = this.series.get(key);
      if (!target) this.series.set(key, (target = new StepColumns(['y', 'n'] as const)));
      if (target.tryAppend(column.steps, { y: column.ys, n: column.ns })) continue;
      for (let i = 0; i < column.steps.length; i++) target.set(column.steps[i]!, (name) => (name === 'y' ? column.ys[i]! : column.ns[i]!));
    }
    for (const [split, kind] of Object.entries(batch.splits)) this.splits.set(split, kind);
  }

  /** The last global step recorded. */
  get lastStep(): number | undefined {
    return this.axes.steps.at(-1);
  }

  /** Training scalar names present (for metrics outside METRICS). */
  trainNames(): string[] {
    return [...this.series.keys()].filter((k) => k.startsWith('train:')).map((k) => k.slice('train:'.length));
  }

  has(metric: MetricDef): boolean {
    return this.keysOf(metric).some(({ key }) => (this.series.get(key)?.steps.length ?? 0) > 0);
  }

  private keysOf(metric: MetricDef): { key: string; split?: string; splitKind?: SplitKind }[] {
    const source = metric.source;
    if (source.kind === 'train') return [{ key: `train:${source.name}` }];
    return [...this.splits.entries()].filter(([, kind]) => source.splitKinds.includes(kind)).map(([split, splitKind]) => ({ key: `eval:${split}:${source.field}`, split, splitKind }));
  }

  curves(metric: MetricDef, xKey: XKey): Curve[] {
    const cacheKey = `${metric.id}\u0000${xKey}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const curves = this.keysOf(metric)
      .map(({ key, ...where }) => ({ ...where, points: this.points(key, xKey) }))
      .filter((c) => c.points.length > 0);
    this.cache.set(cacheKey, curves);
    return curves;
  }

  /** A series' points with x from the axes: each axis carried forward from the last step that recorded it. */
  private points(key: string, xKey: XKey): CurvePoint[] {
    const column = this.series.get(key);
    if (!column) return [];
    const { steps } = column;
    const { y: ys, n: ns } = column.values;
    const axisSteps = this.axes.steps;
    const axis = xKey === 'step' ? undefined : this.axes.values[xKey];
    const points = new Array<CurvePoint>(steps.length);
    if (axis && axis.every((v) => v === ABSENT)) return []; // the run never records this axis (a TensorBoard log: no GFLOPs)
    let j = 0;
    let carried = 0;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (axis) {
        for (; j < axisSteps.length && axisSteps[j]! <= step; j++) if (axis[j] !== ABSENT) carried = axis[j]!;
      }
      const y = ys[i]!;
      const n = ns[i]!;
      points[i] = n === ABSENT ? { step, x: axis ? carried : step, y } : { step, x: axis ? carried : step, y, se: binomialStderr(y, n) };
    }
    return points;
  }
}

/** The stages a PPO update's record splits its time into (trainer/ptlab/ppo.py Timeline), in loop order. */
export const TIME_STAGES = ['generation', 'environment', 'scoring', 'token_records', 'training', 'evaluation', 'checkpoint'] as const;
export type TimeStage = (typeof TIME_STAGES)[number];

export interface StepTimeline {
  steps: number[];
  /** Per stage, its share of each update's recorded time (0-1; the shares of an update add up to 1). */
  shares: Record<TimeStage, number[]>;
  /** Per stage, its mean seconds per update and its share of the run's whole recorded time. */
  totals: Record<TimeStage, { meanSeconds: number; share: number }>;
  /** Mean tokens/s of generation (new tokens) and of training (tokens read), over the updates that record them. */
  tokensPerSecond: { generation?: number; training?: number };
}

/** Where a run's update time went (`time/<stage>_s`), update by update; undefined for a run that does not record it. */
export function stepTimeline(records: RunRecords): StepTimeline | undefined {
  const columns = TIME_STAGES.map((stage) => records.curves(metricById(`time/${stage}_s`), 'step')[0]?.points ?? []);
  const bySteps = new Map<number, number[]>();
  columns.forEach((points, k) => {
    for (const p of points) {
      let row = bySteps.get(p.step);
      if (!row) bySteps.set(p.step, (row = TIME_STAGES.map(() => 0)));
      row[k] = p.y;
    }
  });
  const steps = [...bySteps.keys()].sort((a, b) => a - b).filter((step) => bySteps.get(step)!.some((v) => v > 0));
  if (!steps.length) return undefined;
  const rows = steps.map((step) => bySteps.get(step)!);
  const sums = TIME_STAGES.map((_, k) => rows.reduce((sum, row) => sum + row[k]!, 0));
  const whole = sums.reduce((a, b) => a + b, 0);
  const shares = {} as StepTimeline['shares'];
  const totals = {} as StepTimeline['totals'];
  TIME_STAGES.forEach((stage, k) => {
    shares[stage] = rows.map((row) => row[k]! / row.reduce((a, b) => a + b, 0));
    totals[stage] = { meanSeconds: sums[k]! / rows.length, share: sums[k]! / whole };
  });
  const mean = (name: string): number | undefined => {
    const points = records.curves(metricById(name), 'step')[0]?.points ?? [];
    return points.length ? points.reduce((sum, p) => sum + p.y, 0) / points.length : undefined;
  };
  return { steps, shares, totals, tokensPerSecond: { generation: mean('perf/generation_tokens_per_second'), training: mean('perf/training_tokens_per_second') } };
}

/** PPO's per-token KL between the rollout's sampler and the training forward (trainer/ptlab/ppo.py). */
export const MISMATCH_KL = 'mismatch/kl';

/** The updates at which a run's generation vs training KL exceeded `threshold`: the worst one and how many; undefined when none did. */
export function mismatchWarning(records: RunRecords, threshold: number): { step: number; kl: number; updates: number } | undefined {
  const [curve] = records.curves(metricById(MISMATCH_KL), 'step');
  let worst: CurvePoint | undefined;
  let updates = 0;
  for (const point of curve?.points ?? []) {
    if (!(point.y > threshold)) continue;
    updates++;
    if (!worst || point.y > worst.y) worst = point;
  }
  return worst ? { step: worst.step, kl: worst.y, updates } : undefined;
}

export function metricById(id: string): MetricDef {
  return METRICS.find((m) => m.id === id) ?? trainMetric(id, id);
}

// ------------------------------------------------------------------ the paper's view

export interface MethodPanel {
  method: 'SFT' | 'RL';
  runs: string[];
  /** Seeds aggregated by step, x = GFLOPs. */
  curve: AggregatePoint[];
  /** Mean over seeds of each run's last value, with its SEM over seeds. */
  final: { mean: number; sem: number; n: number };
}

export interface PaperPanel {
  splitKind: 'id' | 'ood';
  /** The shared Init checkpoint's value: the mean of the runs' step-0 evaluations. */
  init: number | undefined;
  methods: MethodPanel[];
}

export interface PaperColumn {
  /** The Init run folder the column's runs started from. */
  init: string;
  task: string;
  metric: MetricDef;
  rows: PaperPanel[];
}

/**
 * The paper's figures 5-7 for the workspace: one column per comparison, i.e. per Init
 * checkpoint that both SFT and PPO runs started from; rows ID and OOD; the metric is the
 * paper's (success for GeneralPoints, per-step accuracy for V-IRL, the reference's denominator).
 */
export function paperColumns(runs: readonly { info: RunInfo; records: RunRecords }[]): PaperColumn[] {
  const byInit = new Map<string, { info: RunInfo; records: RunRecords }[]>();
  for (const run of runs) {
    if (!run.info.init || (run.info.job !== 'sft' && run.info.job !== 'ppo')) continue;
    byInit.set(run.info.init, [...(byInit.get(run.info.init) ?? []), run]);
  }
  const columns: PaperColumn[] = [];
  for (const [init, members] of [...byInit.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!members.some((m) => m.info.job === 'sft') || !members.some((m) => m.info.job === 'ppo')) continue;
    const task = members[0]!.info.task;
    // V-IRL: the paper's measure, the reference's per-step accuracy, where the runs record it (older runs have ours only)
    const reference = members.some((m) => m.records.has(metricById('id/perStepAccuracyReference')));
    const field = task.startsWith('V-IRL') ? (reference ? 'perStepAccuracyReference' : 'perStepAccuracy') : 'success';
    const rows = (['id', 'ood'] as const).map((row) => {
      const metric = metricById(`${row}/${field}`);
      return paperPanel(row, members, metric);
    });
    columns.push({ init, task, metric: metricById(`id/${field}`), rows });
  }
  return columns;
}

function paperPanel(splitKind: 'id' | 'ood', members: readonly { info: RunInfo; records: RunRecords }[], metric: MetricDef): PaperPanel {
  // One OOD split per run: the first OOD kind the run evaluated (rule before visual).
  const evaluated = (records: RunRecords): CurvePoint[] => records.curves(metric, 'gflops')[0]?.points ?? [];
  const initPoints = members.map((m) => evaluated(m.records).find((p) => p.step === 0)).filter((p): p is CurvePoint => p !== undefined);
  const starts = initPoints.map((p) => p.y);
  // A run that left Init to a sibling (evaluation.atStart false) starts at the sibling's Init point.
  const curveOf = (records: RunRecords): CurvePoint[] => {
    const points = evaluated(records);
    return points.length && points[0]!.step !== 0 && initPoints[0] ? [initPoints[0], ...points] : points;
  };
  const methods = (['SFT', 'RL'] as const).map((method): MethodPanel => {
    const runs = members.filter((m) => (m.info.job === 'ppo' ? 'RL' : 'SFT') === method);
    const curves = runs.map((m) => curveOf(m.records)).filter((c) => c.length > 0);
    const finals = curves.map((c) => c[c.length - 1]!.y);
    // One run: its binomial error (the paper's error bars), as in the Curves view; several: the spread over seeds.
    const single = curves.length === 1 ? curves[0]! : undefined;
    return {
      method,
      runs: runs.map((m) => m.info.folder),
      curve: single
        ? single.map((p): AggregatePoint => ({ step: p.step, x: p.x, y: p.y, n: 1, sem: p.se ?? 0, ci95: (p.se ?? 0) * Z95 }))
        : aggregateByStep(curves.map((c) => c.map((p): SeriesPoint => ({ step: p.step, x: p.x, y: p.y })))),
      final: { mean: finals.length ? mean(finals) : Number.NaN, sem: single ? (single[single.length - 1]!.se ?? 0) : sem(finals), n: finals.length },
    };
  });
  return { splitKind, init: starts.length ? mean(starts) : undefined, methods };
}

// ------------------------------------------------------------------ export

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsv(rows: readonly (readonly (string | number | undefined)[])[]): string {
  const field = (v: string | number | undefined): string => {
    const text = v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
