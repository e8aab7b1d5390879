// What the dashboard shows, computed from run manifests and metric records. Pure (no DOM, no
// vscode): the webview renders it, the host and unit tests share it.
import type { EvaluationRecord, MetricRecord, RunManifest, TrainingRecord } from './contracts.generated';
import { aggregateByStep, binomialStderr, mean, sem, type AggregatePoint, type SeriesPoint } from './stats';

export type XKey = 'gflops' | 'step' | 'tokens' | 'episodes' | 'wallSeconds';
export const X_AXES: readonly { key: XKey; label: string }[] = [
  { key: 'gflops', label: 'GFLOPs' },
  { key: 'step', label: 'step' },
  { key: 'tokens', label: 'training tokens' },
  { key: 'episodes', label: 'episodes' },
  { key: 'wallSeconds', label: 'wall time (s)' },
];

export type SplitKind = EvaluationRecord['splitKind'];
type RateField = 'success' | 'perStepAccuracy' | 'recognition';
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
];

// ------------------------------------------------------------------ runs

export interface RunInfo {
  /** Run folder, relative to the workspace folder. */
  folder: string;
  runId: string;
  experiment: string;
  job: RunManifest['job'] | 'unknown';
  status: RunManifest['status'] | 'unknown';
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

interface Axes {
  gflops?: number;
  tokens?: number;
  episodes?: number;
  wallSeconds?: number;
}

interface Value {
  y: number;
  /** Trials behind a rate (binomial standard error). */
  n?: number;
}

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

/**
 * One run's metric records, joined by global step: a later record for the same series and
 * step replaces the earlier one (a resumed segment re-logging a step). Adding records costs
 * time proportional to their number.
 */
export class RunRecords {
  private readonly axes = new Map<number, Axes>();
  private readonly values = new Map<string, Map<number, Value>>();
  readonly splits = new Map<string, SplitKind>();
  records = 0;

  add(records: readonly MetricRecord[]): void {
    for (const r of records) this.addOne(r);
  }

  private addOne(record: MetricRecord): void {
    this.records++;
    const axes = this.axes.get(record.step) ?? {};
    axes.gflops = record.compute.gflops;
    axes.tokens = record.compute.trainTokens;
    if (record.episodes !== undefined) axes.episodes = record.episodes;
    if (record.wallSeconds !== undefined) axes.wallSeconds = record.wallSeconds;
    this.axes.set(record.step, axes);
    if (record.kind === 'train') {
      for (const [name, y] of Object.entries((record as TrainingRecord).metrics)) if (typeof y === 'number') this.set(`train:${name}`, record.step, { y });
      return;
    }
    const ev = record as MetricRecord & EvaluationRecord;
    this.splits.set(ev.split, ev.splitKind);
    for (const field of ['success', 'perStepAccuracy', 'recognition'] as const) {
      const rate = ev[field];
      if (rate) this.set(`eval:${ev.split}:${field}`, ev.step, { y: rate.rate, n: rate.n });
    }
    if (ev.meanReward !== undefined) this.set(`eval:${ev.split}:meanReward`, ev.step, { y: ev.meanReward });
  }

  private set(key: string, step: number, value: Value): void {
    let series = this.values.get(key);
    if (!series) this.values.set(key, (series = new Map()));
    series.set(step, value);
  }

  /** Training scalar names present (for metrics outside METRICS). */
  trainNames(): string[] {
    return [...this.values.keys()].filter((k) => k.startsWith('train:')).map((k) => k.slice('train:'.length));
  }

  has(metric: MetricDef): boolean {
    return this.curves(metric, 'step').some((c) => c.points.length > 0);
  }

  /** x for every step: each axis carried forward from the last step that recorded it (0 before). */
  private xByStep(xKey: XKey): Map<number, number> {
    const out = new Map<number, number>();
    let last = 0;
    for (const step of [...this.axes.keys()].sort((a, b) => a - b)) {
      if (xKey === 'step') out.set(step, step);
      else {
        last = this.axes.get(step)![xKey] ?? last;
        out.set(step, last);
      }
    }
    return out;
  }

  curves(metric: MetricDef, xKey: XKey): Curve[] {
    const xs = this.xByStep(xKey);
    const toCurve = (key: string, extra: Omit<Curve, 'points'>): Curve => {
      const series = this.values.get(key) ?? new Map<number, Value>();
      const points = [...series.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([step, v]): CurvePoint => ({ step, x: xs.get(step) ?? step, y: v.y, ...(v.n !== undefined ? { se: binomialStderr(v.y, v.n) } : {}) }));
      return { ...extra, points };
    };
    const source = metric.source;
    if (source.kind === 'train') return [toCurve(`train:${source.name}`, {})];
    return [...this.splits.entries()]
      .filter(([, kind]) => source.splitKinds.includes(kind))
      .map(([split, splitKind]) => toCurve(`eval:${split}:${source.field}`, { split, splitKind }))
      .filter((c) => c.points.length > 0);
  }
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
 * paper's (success for GeneralPoints, per-step accuracy for V-IRL).
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
    const field = task.startsWith('V-IRL') ? 'perStepAccuracy' : 'success';
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
  const curveOf = (records: RunRecords): CurvePoint[] => records.curves(metric, 'gflops')[0]?.points ?? [];
  const starts = members.map((m) => curveOf(m.records).find((p) => p.step === 0)?.y).filter((y): y is number => y !== undefined);
  const methods = (['SFT', 'RL'] as const).map((method): MethodPanel => {
    const runs = members.filter((m) => (m.info.job === 'ppo' ? 'RL' : 'SFT') === method);
    const curves = runs.map((m) => curveOf(m.records)).filter((c) => c.length > 0);
    const finals = curves.map((c) => c[c.length - 1]!.y);
    return {
      method,
      runs: runs.map((m) => m.info.folder),
      curve: aggregateByStep(curves.map((c) => c.map((p): SeriesPoint => ({ step: p.step, x: p.x, y: p.y })))),
      final: { mean: finals.length ? mean(finals) : Number.NaN, sem: sem(finals), n: finals.length },
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
