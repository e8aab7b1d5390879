// What the dashboard shows, computed from run manifests and metric records. Pure (no DOM, no
// vscode): the webview renders it, the host and unit tests share it.
import type { EvaluationRecord, MetricRecord, TrainingRecord } from '../contracts/generated/types';
import type { RunIdentity } from '../runs/runFolder';
import { differenceLabel, groupDifferences } from '../runs/seedGroup';
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
/** A rate field of the evaluation records that the paper reports. */
export type PaperField = 'success' | 'perStepAccuracy' | 'perStepAccuracyReference';

/** What one split is judged in: the record's field and how the report and the claims name it. */
export interface PaperMeasure {
  field: PaperField;
  /** As the claims name it, e.g. "per-step accuracy". */
  name: string;
  /** In full, for the verdict's sentence. */
  description: string;
}

/** The paper's measure of each split kind of a task. */
export type PaperMeasures = Record<SplitKind, PaperMeasure>;

const EPISODE_SUCCESS: PaperMeasure = { field: 'success', name: 'success', description: 'episode success' };
const ROUTE_SUCCESS: PaperMeasure = { field: 'success', name: 'route success', description: "route success, the paper's V-IRL visual-OOD measure (VLN mini): routes followed to their end" };
const PER_STEP: PaperMeasure = { field: 'perStepAccuracy', name: 'per-step accuracy', description: 'per-step accuracy: correct attempts over verified attempts' };
const PER_STEP_REFERENCE: PaperMeasure = { field: 'perStepAccuracyReference', name: 'per-step accuracy', description: "per-step accuracy, the paper's V-IRL measure: correct attempts over every model call" };

/** The paper's measures for `task` (e.g. "V-IRL-VL"): episode success for GeneralPoints; for
 * V-IRL per-step accuracy on ID and rule OOD (figures 5-6) and route success on visual OOD (VLN
 * mini, figure 7), the reference's per-step accuracy (every model call counted) where the runs
 * record it, ours where only that is (older runs). */
export function paperMeasures(task: string, recordsReference: boolean): PaperMeasures {
  if (!task.startsWith('V-IRL')) return { id: EPISODE_SUCCESS, 'rule-ood': EPISODE_SUCCESS, 'visual-ood': EPISODE_SUCCESS };
  const perStep = recordsReference ? PER_STEP_REFERENCE : PER_STEP;
  return { id: perStep, 'rule-ood': perStep, 'visual-ood': ROUTE_SUCCESS };
}

/** The paper's measures for a study's runs (one task, one Init): the first run's task. */
export function studyMeasures(runs: readonly { info: RunInfo; records: RunRecords }[]): PaperMeasures {
  return paperMeasures(runs[0]?.info.task ?? '', runs.some((r) => r.records.has(metricById('id/perStepAccuracyReference'))));
}
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
  trainMetric('perf/peak_memory_gib', 'Peak GPU memory (GiB)'),
  trainMetric('perf/padding_fraction', 'Padded share of the positions read', true),
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
  /** The run whose seed this one repeats in its seed group (keepRepeatedSeedsApart): drawn apart, not averaged as another seed. */
  repeatOf?: string;
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

/** Absent value in a batch column (every axis and count is >= 0). */
const ABSENT = -1;
const AXES = ['gflops', 'tokens', 'episodes', 'wallSeconds'] as const;

/**
 * Metric records as columns of float64: what the worker sends and the webview keeps. Typed
 * arrays cross both hops as memory copies (worker_threads' structured clone, and VS Code's
 * webview postMessage, which transfers ArrayBuffers for engines >= 1.57), where arrays of
 * numbers or a million small objects cost a walk, an allocation per value and the garbage
 * collector's time. Series keys are `train:<metric name>` and
 * `eval:<split>:<success|perStepAccuracy|perStepAccuracyReference|recognition|meanReward>`.
 */
export interface MetricBatch {
  count: number;
  axes: { steps: Float64Array; gflops: Float64Array; tokens: Float64Array; episodes: Float64Array; wallSeconds: Float64Array };
  series: Record<string, { steps: Float64Array; ys: Float64Array; ns: Float64Array }>;
  splits: Record<string, SplitKind>;
}

/** A batch under construction: plain arrays pushed to, then packed into float64 columns. */
class BatchBuilder {
  count = 0;
  readonly axes = { steps: [] as number[], gflops: [] as number[], tokens: [] as number[], episodes: [] as number[], wallSeconds: [] as number[] };
  readonly series: Record<string, { steps: number[]; ys: number[]; ns: number[] }> = {};
  readonly splits: Record<string, SplitKind> = {};

  /** A record's axes; a record at the step of the one before (its evaluations) joins that row, as RunRecords would join them, so a log's rows ascend and are appended whole. */
  row(step: number, gflops: number, tokens: number, episodes: number, wallSeconds: number): void {
    this.count++;
    const a = this.axes;
    const last = a.steps.length - 1;
    if (last >= 0 && a.steps[last] === step) {
      const values = { gflops, tokens, episodes, wallSeconds };
      for (const name of AXES) if (values[name] !== ABSENT) a[name][last] = values[name];
      return;
    }
    this.axes.steps.push(step);
    this.axes.gflops.push(gflops);
    this.axes.tokens.push(tokens);
    this.axes.episodes.push(episodes);
    this.axes.wallSeconds.push(wallSeconds);
  }

  put(key: string, step: number, y: number, n: number): void {
    const column = (this.series[key] ??= { steps: [], ys: [], ns: [] });
    column.steps.push(step);
    column.ys.push(y);
    column.ns.push(n);
  }

  pack(): MetricBatch {
    const f = (values: number[]) => Float64Array.from(values);
    const a = this.axes;
    const series: MetricBatch['series'] = {};
    for (const [key, c] of Object.entries(this.series)) series[key] = { steps: f(c.steps), ys: f(c.ys), ns: f(c.ns) };
    return { count: this.count, axes: { steps: f(a.steps), gflops: f(a.gflops), tokens: f(a.tokens), episodes: f(a.episodes), wallSeconds: f(a.wallSeconds) }, series, splits: { ...this.splits } };
  }
}

export function emptyBatch(): MetricBatch {
  return new BatchBuilder().pack();
}

export function batchOf(records: readonly MetricRecord[]): MetricBatch {
  const batch = new BatchBuilder();
  for (const r of records) {
    batch.row(r.step, r.compute.gflops, r.compute.trainTokens, r.episodes ?? ABSENT, r.wallSeconds ?? ABSENT);
    if (r.kind === 'train') {
      const metrics = (r as TrainingRecord).metrics;
      for (const name in metrics) {
        const y = metrics[name];
        if (typeof y === 'number') batch.put(`train:${name}`, r.step, y, ABSENT);
      }
      continue;
    }
    const ev = r as MetricRecord & EvaluationRecord;
    batch.splits[ev.split] = ev.splitKind;
    for (const field of ['success', 'perStepAccuracy', 'perStepAccuracyReference', 'recognition'] as const) {
      const rate = ev[field];
      if (rate) batch.put(`eval:${ev.split}:${field}`, ev.step, rate.rate, rate.n);
    }
    if (ev.meanReward !== undefined) batch.put(`eval:${ev.split}:meanReward`, ev.step, ev.meanReward, ABSENT);
  }
  return batch.pack();
}

/**
 * Scalars from another writer (a TensorBoard log) as columns: each tag a training series under
 * its own name, one axes row per step; GFLOPs, tokens and episodes absent (such a log does not
 * count them), wall time in seconds from `startTime` (the log's first event), absent where a
 * point has none (a Hugging Face trainer_state.json).
 */
export function batchOfScalars(points: readonly { tag: string; step: number; wallTime?: number; value: number }[], startTime: number): MetricBatch {
  const batch = new BatchBuilder();
  let lastStep: number | undefined;
  for (const p of points) {
    if (p.step !== lastStep) {
      batch.row(p.step, ABSENT, ABSENT, ABSENT, p.wallTime === undefined ? ABSENT : Math.max(0, p.wallTime - startTime));
      lastStep = p.step;
    }
    if (!Number.isFinite(p.value)) continue; // a gap, as TensorBoard draws them
    batch.put(`train:${p.tag}`, p.step, p.value, ABSENT);
  }
  return batch.pack();
}

/** First index whose step is >= `step` in an ascending array. */
export function lowerBound(steps: ArrayLike<number>, step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid]! < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A float64 column that grows by doubling; `view()` is its filled part (no copy). */
class GrowingColumn {
  private data = new Float64Array(0);
  length = 0;

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  last(): number | undefined {
    return this.length ? this.data[this.length - 1] : undefined;
  }

  setAt(i: number, value: number): void {
    this.data[i] = value;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const grown = new Float64Array(Math.max(this.length + extra, this.data.length * 2, 16));
    grown.set(this.view());
    this.data = grown;
  }

  append(values: ArrayLike<number>): void {
    this.reserve(values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  insert(at: number, value: number): void {
    this.reserve(1);
    this.data.copyWithin(at + 1, at, this.length);
    this.data[at] = value;
    this.length++;
  }
}

/** Columns kept ascending by step; a step seen again is replaced. Appending in order costs a memory copy. */
class StepColumns<K extends string> {
  readonly steps = new GrowingColumn();
  readonly values: Record<K, GrowingColumn>;

  constructor(private readonly names: readonly K[]) {
    this.values = Object.fromEntries(names.map((n) => [n, new GrowingColumn()])) as unknown as Record<K, GrowingColumn>;
  }

  /** Append whole columns when they all come after the last step and ascend (a log read in order). */
  tryAppend(steps: ArrayLike<number>, columns: Record<K, ArrayLike<number>>): boolean {
    let previous = this.steps.last() ?? -Infinity;
    for (let i = 0; i < steps.length; i++) {
      if (!(steps[i]! > previous)) return false;
      previous = steps[i]!;
    }
    this.steps.append(steps);
    for (const n of this.names) this.values[n].append(columns[n]);
    return true;
  }

  /** Set this step's values; `keep` (for axes) leaves a present value alone where the new one is absent. */
  set(step: number, row: (name: K) => number, keep = false): void {
    const steps = this.steps.view();
    const at = lowerBound(steps, step);
    if (at < steps.length && steps[at] === step) {
      for (const n of this.names) {
        const v = row(n);
        if (!keep || v !== ABSENT) this.values[n].setAt(at, v);
      }
      return;
    }
    this.steps.insert(at, step);
    for (const n of this.names) this.values[n].insert(at, row(n));
  }
}

/** One series of a run as columns, x from the chosen axis; `ses` for rates with a known n. */
export interface CurveColumns {
  split?: string;
  splitKind?: SplitKind;
  steps: Float64Array;
  xs: Float64Array;
  ys: Float64Array;
  /** Binomial standard error of each rate (NaN where n is unknown); absent when no point has one. */
  ses?: Float64Array;
}

/**
 * One run's metric records, joined by global step: a later record for the same series and
 * step replaces the earlier one (a resumed segment re-logging a step). Adding records costs
 * time proportional to their number when they come in step order, as a log's do.
 */
export class RunRecords {
  private readonly axes = new StepColumns(AXES);
  private readonly series = new Map<string, StepColumns<'y' | 'n'>>();
  readonly splits = new Map<string, SplitKind>();
  /** What is computed from the records (columns, warnings), until records are added. */
  private readonly cache = new Map<string, unknown>();
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
    return this.axes.steps.last();
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

  /** `compute()`'s value, kept until records are added; `key` names it and what else it depends on. */
  memo<T>(key: string, compute: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, compute());
    return this.cache.get(key) as T;
  }

  /** The metric's series (one per split for evaluations) as columns; no copy of the stored values. */
  columns(metric: MetricDef, xKey: XKey): CurveColumns[] {
    return this.memo(`columns\u0000${metric.id}\u0000${xKey}`, () => {
      const curves: CurveColumns[] = [];
      for (const { key, ...where } of this.keysOf(metric)) {
        const columns = this.seriesColumns(key, xKey);
        if (columns && columns.steps.length > 0) curves.push({ ...where, ...columns });
      }
      return curves;
    });
  }

  /** The metric's series as points: for the few-point views (evaluations, step times) and tests. */
  curves(metric: MetricDef, xKey: XKey): Curve[] {
    return this.columns(metric, xKey).map(({ steps, xs, ys, ses, ...where }) => ({
      ...where,
      points: Array.from(steps, (step, i): CurvePoint => (ses && !Number.isNaN(ses[i]!) ? { step, x: xs[i]!, y: ys[i]!, se: ses[i]! } : { step, x: xs[i]!, y: ys[i]! })),
    }));
  }

  /** A series' columns with x from the axes: each axis carried forward from the last step that recorded it. */
  private seriesColumns(key: string, xKey: XKey): Omit<CurveColumns, 'split' | 'splitKind'> | undefined {
    const column = this.series.get(key);
    if (!column) return undefined;
    const steps = column.steps.view();
    const ys = column.values.y.view();
    const ns = column.values.n.view();
    let ses: Float64Array | undefined;
    for (let i = 0; i < ns.length; i++) {
      if (ns[i] === ABSENT) continue;
      ses ??= new Float64Array(ns.length).fill(Number.NaN);
      ses[i] = binomialStderr(ys[i]!, ns[i]!);
    }
    if (xKey === 'step') return { steps, xs: steps, ys, ...(ses ? { ses } : {}) };
    const axisSteps = this.axes.steps.view();
    const axis = this.axes.values[xKey].view();
    if (axis.every((v) => v === ABSENT)) return undefined; // the run never records this axis (a TensorBoard log: no GFLOPs)
    const xs = new Float64Array(steps.length);
    let j = 0;
    let carried = 0;
    for (let i = 0; i < steps.length; i++) {
      for (; j < axisSteps.length && axisSteps[j]! <= steps[i]!; j++) if (axis[j] !== ABSENT) carried = axis[j]!;
      xs[i] = carried;
    }
    return { steps, xs, ys, ...(ses ? { ses } : {}) };
  }
}

/** The stages a PPO update's record splits its time into (trainer/ptlab/ppo.py Timeline), in loop order. */
export const TIME_STAGES = ['generation', 'environment', 'scoring', 'token_records', 'training', 'evaluation', 'checkpoint'] as const;
export type TimeStage = (typeof TIME_STAGES)[number];

export interface StepTimeline {
  /** Updates that recorded their time. */
  updates: number;
  /** Each bar's first and last update: one update a bar, or consecutive updates where they outnumber the chart's pixel columns. */
  steps: number[];
  lastSteps: number[];
  /** Per stage, its share of each bar's time: its updates' mean share (0-1; the shares of a bar add up to 1). */
  shares: Record<TimeStage, number[]>;
  /** Per stage, its mean seconds per update and its share of the run's whole recorded time. */
  totals: Record<TimeStage, { meanSeconds: number; share: number }>;
  /** Mean tokens/s of generation (new tokens) and of training (tokens read), over the updates that record them. */
  tokensPerSecond: { generation?: number; training?: number };
}

/** Each stage's time column (`time/<stage>_s`), absent where the run records none. */
function stageColumns(records: RunRecords): (CurveColumns | undefined)[] {
  return TIME_STAGES.map((stage) => records.columns(metricById(`time/${stage}_s`), 'step')[0]);
}

/** Whether a run records step times: some update with a stage's time above 0 (what stepTimeline draws). */
export function recordsStepTimes(records: RunRecords): boolean {
  return stageColumns(records).some((column) => column?.ys.some((seconds) => seconds > 0) ?? false);
}

/** The ascending union of ascending step columns (one of them when they agree, as a log's do). */
function unionSteps(columns: readonly Float64Array[]): Float64Array {
  const [first] = columns;
  if (!first) return new Float64Array(0);
  if (columns.every((c) => c.length === first.length && c.every((step, i) => step === first[i]))) return first;
  const all = new Float64Array(columns.reduce((sum, c) => sum + c.length, 0));
  columns.reduce((at, c) => (all.set(c, at), at + c.length), 0);
  all.sort();
  let kept = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[kept++] = all[i]!;
  return all.subarray(0, kept);
}

/** The updates' steps, ascending, and their stage seconds (a row of TIME_STAGES.length per update; 0 where a stage is not recorded); steps of no time left out. */
function updateRows(records: RunRecords): { steps: Float64Array; seconds: Float64Array } {
  const columns = stageColumns(records);
  const union = unionSteps(columns.flatMap((c) => (c ? [c.steps] : [])));
  const width = columns.length;
  const seconds = new Float64Array(union.length * width);
  columns.forEach((c, k) => {
    for (let i = 0, at = 0; c && i < c.steps.length; i++) {
      while (union[at] !== c.steps[i]) at++;
      seconds[at * width + k] = c.ys[i]!;
    }
  });
  const steps = new Float64Array(union.length);
  let kept = 0;
  for (let i = 0; i < union.length; i++) {
    let timed = false;
    for (let k = 0; k < width; k++) timed ||= seconds[i * width + k]! > 0;
    if (!timed) continue;
    seconds.copyWithin(kept * width, i * width, (i + 1) * width);
    steps[kept++] = union[i]!;
  }
  return { steps: steps.subarray(0, kept), seconds: seconds.subarray(0, kept * width) };
}

/**
 * Where a run's update time went (`time/<stage>_s`), update by update, or in `bars` bars where
 * its updates outnumber them (the chart's pixel columns), each the mean share of its
 * consecutive updates; undefined for a run that does not record it.
 */
export function stepTimeline(records: RunRecords, bars = Infinity): StepTimeline | undefined {
  const { steps, seconds } = updateRows(records);
  const n = steps.length;
  if (!n) return undefined;
  const width = TIME_STAGES.length;
  const sums = TIME_STAGES.map(() => 0);
  const shareSums = TIME_STAGES.map(() => 0);
  const shares = Object.fromEntries(TIME_STAGES.map((stage) => [stage, [] as number[]])) as StepTimeline['shares'];
  const barCount = Math.max(1, Math.min(n, Math.floor(bars)));
  const firsts: number[] = [];
  const lasts: number[] = [];
  for (let bar = 0; bar < barCount; bar++) {
    const [from, to] = [Math.floor((bar * n) / barCount), Math.floor(((bar + 1) * n) / barCount)];
    shareSums.fill(0);
    for (let i = from; i < to; i++) {
      let whole = 0;
      for (let k = 0; k < width; k++) whole += seconds[i * width + k]!;
      for (let k = 0; k < width; k++) {
        sums[k]! += seconds[i * width + k]!;
        shareSums[k]! += seconds[i * width + k]! / whole;
      }
    }
    TIME_STAGES.forEach((stage, k) => shares[stage].push(shareSums[k]! / (to - from)));
    firsts.push(steps[from]!);
    lasts.push(steps[to - 1]!);
  }
  const whole = sums.reduce((a, b) => a + b, 0);
  const totals = Object.fromEntries(TIME_STAGES.map((stage, k) => [stage, { meanSeconds: sums[k]! / n, share: sums[k]! / whole }])) as StepTimeline['totals'];
  const mean = (name: string): number | undefined => {
    const ys = records.columns(metricById(name), 'step')[0]?.ys;
    return ys?.length ? ys.reduce((sum, y) => sum + y, 0) / ys.length : undefined;
  };
  return { updates: n, steps: firsts, lastSteps: lasts, shares, totals, tokensPerSecond: { generation: mean('perf/generation_tokens_per_second'), training: mean('perf/training_tokens_per_second') } };
}

/** A bar's tooltip title: its update, or the range of updates it averages. */
export function timelineBarTitle(timeline: StepTimeline, bar: number): string {
  const [first, last] = [timeline.steps[bar]!, timeline.lastSteps[bar]!];
  return first === last ? String(first) : `updates ${first}–${last}`;
}

/** PPO's per-token KL between the rollout's sampler and the training forward (trainer/ptlab/ppo.py). */
export const MISMATCH_KL = 'mismatch/kl';

/** The updates at which a run's generation vs training KL exceeded `threshold`: the worst one and how many; undefined when none did. Every view asks: kept until the run's records change. */
export function mismatchWarning(records: RunRecords, threshold: number): { step: number; kl: number; updates: number } | undefined {
  return records.memo(`mismatch\u0000${threshold}`, () => {
    const [column] = records.columns(metricById(MISMATCH_KL), 'step');
    if (!column) return undefined;
    let worst = -1;
    let updates = 0;
    for (let i = 0; i < column.ys.length; i++) {
      if (!(column.ys[i]! > threshold)) continue;
      updates++;
      if (worst < 0 || column.ys[i]! > column.ys[worst]!) worst = i;
    }
    return worst < 0 ? undefined : { step: column.steps[worst]!, kl: column.ys[worst]!, updates };
  });
}

export function metricById(id: string): MetricDef {
  return METRICS.find((m) => m.id === id) ?? trainMetric(id, id);
}

// ------------------------------------------------------------------ the paper's view

export interface MethodPanel {
  method: 'SFT' | 'RL';
  /** The arm: its method, and with several arms of it from the Init how its config differs. */
  label: string;
  runs: string[];
  /** Seeds aggregated by step, x = GFLOPs. */
  curve: AggregatePoint[];
  /** Mean over seeds of each run's last value, with its SEM over seeds. */
  final: { mean: number; sem: number; n: number };
}

export interface PaperPanel {
  /** The row: ID (figure 5), rule OOD (figure 6) or visual OOD (figure 7). */
  splitKind: SplitKind;
  /** What the row is drawn in: the paper's measure of the split kind it shows. */
  measure: PaperMeasure;
  /** The shared Init checkpoint's value: the mean of the runs' step-0 evaluations. */
  init: number | undefined;
  methods: MethodPanel[];
}

export interface PaperColumn {
  /** The Init run folder the column's runs started from. */
  init: string;
  task: string;
  rows: PaperPanel[];
}

/** Runs of one method that are seeds of one arm: their configs differ only in the seed. */
export interface Arm<T> {
  method: 'SFT' | 'RL';
  /** "SFT" or "RL" when it is the method's only arm, else with the config fields in which it
   * differs from the method's other arms, e.g. "RL (ppo.learningRate=0.00001)". */
  label: string;
  runs: T[];
}

/** `runs` (SFT and PPO runs from one Init) as arms by seed group, SFT's first, each method's in
 * the order of their first runs; `methodOf` says a run's method (by default its job). */
export function paperArms<T extends { info: RunInfo }>(runs: readonly T[], methodOf = (run: T): 'SFT' | 'RL' => (run.info.job === 'ppo' ? 'RL' : 'SFT')): Arm<T>[] {
  const groups = new Map<string, { method: 'SFT' | 'RL'; key: string; runs: T[] }>();
  for (const run of runs) {
    const method = methodOf(run);
    const id = `${method}\u0000${run.info.groupKey}`;
    const group = groups.get(id) ?? { method, key: run.info.groupKey, runs: [] };
    groups.set(id, group);
    group.runs.push(run);
  }
  return (['SFT', 'RL'] as const).flatMap((method) => {
    const arms = [...groups.values()].filter((g) => g.method === method);
    const differences = groupDifferences(arms.map((a) => a.key));
    return arms.map((arm, i): Arm<T> => ({ method, label: arms.length > 1 ? `${method} (${differenceLabel(differences[i]!)})` : method, runs: arm.runs }));
  });
}

/**
 * The paper's figures 5-7 for the workspace: one column per comparison, i.e. per Init
 * checkpoint that both SFT and PPO runs started from; rows ID and each OOD kind (paperRows), one curve and bar per
 * arm in each (its seeds averaged, never runs of different configs); each row in the paper's
 * measure of the split kind it shows (studyMeasures: success for GeneralPoints; for V-IRL
 * per-step accuracy, the reference's denominator, and route success on visual OOD).
 */
export function paperColumns(runs: readonly { info: RunInfo; records: RunRecords }[]): PaperColumn[] {
  const byInit = new Map<string, { info: RunInfo; records: RunRecords }[]>();
  for (const run of runs) {
    if (!run.info.init || (run.info.job !== 'sft' && run.info.job !== 'ppo')) continue;
    byInit.set(run.info.init, [...(byInit.get(run.info.init) ?? []), run]);
  }
  const compared = [...byInit.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .filter(([, members]) => members.some((m) => m.info.job === 'sft') && members.some((m) => m.info.job === 'ppo'));
  const rows = paperRows(compared.flatMap(([, members]) => members));
  return compared.map(([init, members]) => {
    const measures = studyMeasures(members);
    return { init, task: members[0]!.info.task, rows: rows.map((kind) => paperPanel(kind, members, measures)) };
  });
}

/** The rows of every column (a grid): ID, then each OOD kind a run evaluated, rule OOD (figure 6)
 * before visual OOD (figure 7); an empty rule-OOD row where none did. */
function paperRows(runs: readonly { records: RunRecords }[]): SplitKind[] {
  const evaluated = new Set(runs.flatMap((m) => [...m.records.splits.values()]));
  const ood = (['rule-ood', 'visual-ood'] as const).filter((kind) => evaluated.has(kind));
  return ['id', ...(ood.length ? ood : (['rule-ood'] as const))];
}

function paperPanel(kind: SplitKind, members: readonly { info: RunInfo; records: RunRecords }[], measures: PaperMeasures): PaperPanel {
  const measure = measures[kind];
  const metric = metricById(`${kind === 'id' ? 'id' : 'ood'}/${measure.field}`);
  // One split per run: the first of the row's kind the run evaluated (the config's order: the
  // task's own splits before recognition-only ones), so every run of a panel shows the same
  // split whatever order its config lists them in.
  const evaluated = (records: RunRecords): CurvePoint[] => records.curves(metric, 'gflops').find((c) => c.splitKind === kind)?.points ?? [];
  const initPoints = members.map((m) => evaluated(m.records).find((p) => p.step === 0)).filter((p): p is CurvePoint => p !== undefined);
  const starts = initPoints.map((p) => p.y);
  // A run that left Init to a sibling (evaluation.atStart false) starts at the sibling's Init point.
  const curveOf = (records: RunRecords): CurvePoint[] => {
    const points = evaluated(records);
    return points.length && points[0]!.step !== 0 && initPoints[0] ? [initPoints[0], ...points] : points;
  };
  const methods = paperArms(members).map(({ method, label, runs }): MethodPanel => {
    const curves = runs.map((m) => curveOf(m.records)).filter((c) => c.length > 0);
    const finals = curves.map((c) => c[c.length - 1]!.y);
    // One run: its binomial error (the paper's error bars), as in the Curves view; several: the spread over seeds.
    const single = curves.length === 1 ? curves[0]! : undefined;
    return {
      method,
      label,
      runs: runs.map((m) => m.info.folder),
      curve: single
        ? single.map((p): AggregatePoint => ({ step: p.step, x: p.x, y: p.y, n: 1, sem: p.se ?? 0, ci95: (p.se ?? 0) * Z95 }))
        : aggregateByStep(curves.map((c) => c.map((p): SeriesPoint => ({ step: p.step, x: p.x, y: p.y })))),
      final: { mean: finals.length ? mean(finals) : Number.NaN, sem: single ? (single[single.length - 1]!.se ?? 0) : sem(finals), n: finals.length },
    };
  });
  return { splitKind: kind, measure, init: starts.length ? mean(starts) : undefined, methods };
}

// ------------------------------------------------------------------ export

export type CsvRow = readonly (string | number | undefined)[];

/** One RFC 4180 CSV line: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvLine(row: CsvRow): string {
  const field = (v: string | number | undefined): string => {
    const text = v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return row.map(field).join(',') + '\r\n';
}

/** Rows as one CSV string (a small table: an export is streamed by writeCsvFile). */
export function toCsv(rows: Iterable<CsvRow>): string {
  return Array.from(rows, csvLine).join('');
}
