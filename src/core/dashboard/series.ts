// The curves the dashboard draws: per run (binomial bands for rates) or per seed group
// (mean with SEM or 95% t band, N in the legend), smoothed; and the CSV of what is drawn.
// Pure, shared by the webview and unit tests.
import { type CsvRow, type CurveColumns, type MetricDef, type PaperColumn, type RunInfo, type RunRecords, type XKey } from './model';
import { aggregateColumns, emaDebiased, emaDebiasedStderr, savgol, savgolStderr, Z95 } from './stats';
import { differenceLabel, groupDifferences } from '../runs/seedGroup';

/** 'savgol:<window>' (order 3, the paper's), 'ema:<weight>' (TensorBoard's), or 'none'. */
export type Smoothing = `savgol:${number}` | `ema:${number}` | 'none';
/** 'se': binomial SE for one run's rate, SEM over seeds; 'ci95': 95% interval; 'none'. */
export type Band = 'se' | 'ci95' | 'none';

export interface DisplaySeries {
  label: string;
  color: string;
  /** The runs drawn by this series (several when seeds are aggregated). */
  folders: string[];
  split?: string;
  /** The points as columns (a curve can hold 100k points: no object per point). */
  steps: Float64Array;
  xs: Float64Array;
  ys: Float64Array;
  /** Runs behind each point (aggregated series). */
  ns?: Float64Array;
  /** Smoothed y (absent without smoothing); the raw points are drawn faint beside it. */
  smoothed?: Float64Array;
  band?: { lo: Float64Array; hi: Float64Array };
}

export function smooth(ys: ArrayLike<number>, smoothing: Smoothing): Float64Array | undefined {
  if (smoothing === 'none') return undefined;
  const [kind, parameter] = smoothing.split(':') as [string, string];
  return kind === 'savgol' ? savgol(ys, Number(parameter), 3) : Float64Array.from(emaDebiased(ys, Number(parameter)));
}

interface Options {
  smoothing: Smoothing;
  band: Band;
  aggregate: boolean;
}

/** The half-widths of the smoothed series: each point's, through the filter's weights squared. */
function smoothedHalfWidths(ys: ArrayLike<number>, halfWidths: ArrayLike<number>, smoothing: Smoothing): ArrayLike<number> {
  if (smoothing === 'none') return halfWidths;
  const [kind, parameter] = smoothing.split(':') as [string, string];
  return kind === 'savgol' ? savgolStderr(halfWidths, Number(parameter), 3) : emaDebiasedStderr(ys, halfWidths, Number(parameter));
}

/** Smoothed series with their band: the smoothed value's standard error (both filters are linear). */
function finish(series: Omit<DisplaySeries, 'smoothed' | 'band'>, halfWidths: ArrayLike<number> | undefined, smoothing: Smoothing): DisplaySeries {
  const smoothed = smooth(series.ys, smoothing);
  const centre = smoothed ?? series.ys;
  const out: DisplaySeries = { ...series, ...(smoothed ? { smoothed } : {}) };
  if (halfWidths && Array.prototype.some.call(halfWidths, (h: number) => h > 0)) {
    const widths = smoothedHalfWidths(series.ys, halfWidths, smoothing);
    const lo = new Float64Array(centre.length);
    const hi = new Float64Array(centre.length);
    for (let i = 0; i < centre.length; i++) {
      lo[i] = centre[i]! - widths[i]!;
      hi[i] = centre[i]! + widths[i]!;
    }
    out.band = { lo, hi };
  }
  return out;
}

/** A run's binomial half-widths (0 where n is unknown), times z for a 95% interval. */
function binomialHalfWidths(curve: CurveColumns, band: Band): Float64Array {
  const z = band === 'ci95' ? Z95 : 1;
  return Float64Array.from(curve.ses ?? new Float64Array(curve.steps.length), (se) => (Number.isNaN(se) ? 0 : se * z));
}

/**
 * The series of the last view, each kept while the columns it was computed from are the same
 * objects (RunRecords makes new ones when a run's records change): a live run's poll smooths
 * and aggregates that run's curve again, not every run's. Holds what the last view used only.
 */
export class CurveCache {
  private kept = new Map<string, { from: readonly CurveColumns[]; series: DisplaySeries }>();
  private used = new Map<string, { from: readonly CurveColumns[]; series: DisplaySeries }>();

  /** The series `key` names (its settings, label, colour and runs), computed from `from`. */
  get(key: string, from: readonly CurveColumns[], compute: () => DisplaySeries): DisplaySeries {
    const hit = this.used.get(key) ?? this.kept.get(key);
    const series = hit && hit.from.length === from.length && hit.from.every((c, i) => c === from[i]) ? hit.series : compute();
    this.used.set(key, { from, series });
    return series;
  }

  /** A view is done: forget the series it did not use (another metric's, another setting's). */
  settle(): void {
    this.kept = this.used;
    this.used = new Map();
  }
}

export function curveSeries(
  runs: readonly { info: RunInfo; records: RunRecords }[],
  metric: MetricDef,
  xKey: XKey,
  options: Options,
  colorAt: (index: number) => string,
  cache = new CurveCache(),
): DisplaySeries[] {
  const curves = runs.flatMap((run) => run.records.columns(metric, xKey).map((curve) => ({ run: run.info, curve })));
  const splitSuffix = (split: string | undefined): string => (split && metric.source.kind === 'eval' ? ` · ${split}` : '');
  const settings = [metric.id, xKey, options.smoothing, options.band, options.aggregate].join('\u0000');
  const cached = (label: string, color: string, folders: string[], split: string | undefined, from: CurveColumns[], compute: () => DisplaySeries) =>
    cache.get([settings, label, color, split ?? '', ...folders].join('\u0000'), from, compute);
  if (!options.aggregate) {
    return curves.map(({ run, curve }, i) => {
      const [label, color] = [`${run.folder}${splitSuffix(curve.split)}`, colorAt(i)];
      return cached(label, color, [run.folder], curve.split, [curve], () => {
        const halfWidths = options.band === 'none' || !metric.rate ? undefined : binomialHalfWidths(curve, options.band);
        return finish({ label, color, folders: [run.folder], ...(curve.split ? { split: curve.split } : {}), steps: curve.steps, xs: curve.xs, ys: curve.ys }, halfWidths, options.smoothing);
      });
    });
  }
  const groups = new Map<string, { label: string; folders: string[]; split?: string; curves: typeof curves }>();
  for (const item of curves) {
    const key = `${item.run.groupKey}\u0000${item.curve.split ?? ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { label: item.run.groupLabel, folders: [], ...(item.curve.split ? { split: item.curve.split } : {}), curves: [] }));
    group.folders.push(item.run.folder);
    group.curves.push(item);
  }
  return distinctLabels([...groups.values()]).map((group, i) => {
    const n = group.curves.length;
    const [label, color] = [`${group.label}${splitSuffix(group.split)} (N=${n})`, colorAt(i)];
    const from = group.curves.map(({ curve }) => curve);
    return cached(label, color, group.folders, group.split, from, () => {
      const single = n === 1 ? from[0]! : undefined;
      const aggregated = single ? undefined : aggregateColumns(from);
      // One run: its binomial error; several: the spread over seeds.
      const halfWidths =
        options.band === 'none' ? undefined : single ? (metric.rate ? binomialHalfWidths(single, options.band) : undefined) : options.band === 'ci95' ? aggregated!.ci95s : aggregated!.sems;
      const columns = single ? { steps: single.steps, xs: single.xs, ys: single.ys, ns: new Float64Array(single.steps.length).fill(1) } : aggregated!;
      return finish(
        { label, color, folders: group.folders, ...(group.split ? { split: group.split } : {}), steps: columns.steps, xs: columns.xs, ys: columns.ys, ns: columns.ns },
        halfWidths,
        options.smoothing,
      );
    });
  });
}

/** Groups that share a label (arms of one task and Init, e.g. two learning rates) named apart by
 * the config fields in which their seed groups differ. */
function distinctLabels<G extends { label: string; curves: readonly { run: RunInfo }[] }>(groups: G[]): G[] {
  const byLabel = new Map<string, G[]>();
  for (const group of groups) byLabel.set(group.label, [...(byLabel.get(group.label) ?? []), group]);
  return groups.map((group) => {
    const namesakes = [...new Set(byLabel.get(group.label)!.map((g) => g.curves[0]!.run.groupKey))];
    if (namesakes.length < 2) return group;
    const fields = groupDifferences(namesakes)[namesakes.indexOf(group.curves[0]!.run.groupKey)]!;
    return { ...group, label: `${group.label} (${differenceLabel(fields)})` };
  });
}

/** One row per drawn point: what the chart shows, raw and smoothed. */
export function* curveCsvRows(series: readonly DisplaySeries[], xLabel: string): Generator<CsvRow> {
  yield ['series', 'runs', 'split', 'step', xLabel, 'value', 'smoothed', 'band_low', 'band_high', 'n_runs'];
  for (const s of series) {
    const runs = s.folders.join(' ');
    for (let i = 0; i < s.steps.length; i++) {
      yield [s.label, runs, s.split, s.steps[i], s.xs[i], s.ys[i], s.smoothed?.[i], s.band?.lo[i], s.band?.hi[i], s.ns?.[i] ?? 1];
    }
  }
}

/** The paper view's numbers: every aggregated curve point, then the final values with deltas to Init; per arm, named last. */
export function* paperCsvRows(columns: readonly PaperColumn[]): Generator<CsvRow> {
  yield ['task', 'init', 'split', 'method', 'step', 'gflops', 'value', 'sem', 'n_runs', 'final', 'final_sem', 'init_value', 'delta', 'arm'];
  for (const column of columns) {
    for (const panel of column.rows) {
      for (const m of panel.methods) {
        for (const p of m.curve) yield [column.task, column.init, panel.splitKind, m.method, p.step, p.x, p.y, p.sem, p.n, undefined, undefined, undefined, undefined, m.label];
        const delta = panel.init === undefined ? undefined : m.final.mean - panel.init;
        yield [column.task, column.init, panel.splitKind, m.method, 'final', undefined, undefined, undefined, m.final.n, m.final.mean, m.final.sem, panel.init, delta, m.label];
      }
    }
  }
}
