// The curves the dashboard draws: per run (binomial bands for rates) or per seed group
// (mean with SEM or 95% t band, N in the legend), smoothed; and the CSV of what is drawn.
// Pure, shared by the webview and unit tests.
import { toCsv, type MetricDef, type PaperColumn, type RunInfo, type RunRecords, type XKey } from './model';
import { aggregateByStep, emaDebiased, savgol, Z95 } from './stats';

/** 'savgol:<window>' (order 3, the paper's), 'ema:<weight>' (TensorBoard's), or 'none'. */
export type Smoothing = `savgol:${number}` | `ema:${number}` | 'none';
/** 'se': binomial SE for one run's rate, SEM over seeds; 'ci95': 95% interval; 'none'. */
export type Band = 'se' | 'ci95' | 'none';

export interface DisplayPoint {
  step: number;
  x: number;
  y: number;
  /** Runs behind an aggregated point. */
  n?: number;
}

export interface DisplaySeries {
  label: string;
  color: string;
  /** The runs drawn by this series (several when seeds are aggregated). */
  folders: string[];
  split?: string;
  points: DisplayPoint[];
  /** Smoothed y (absent without smoothing); the raw points are drawn faint beside it. */
  smoothed?: number[];
  band?: { step: number; x: number; lo: number; hi: number }[];
}

export function smooth(ys: readonly number[], smoothing: Smoothing): number[] | undefined {
  if (smoothing === 'none') return undefined;
  const [kind, parameter] = smoothing.split(':') as [string, string];
  return kind === 'savgol' ? savgol(ys, Number(parameter), 3) : emaDebiased(ys, Number(parameter));
}


interface Options {
  smoothing: Smoothing;
  band: Band;
  aggregate: boolean;
}

/** Smoothed series with their band moved along (both filters are linear). */
function finish(series: Omit<DisplaySeries, 'smoothed' | 'band'>, halfWidths: number[] | undefined, smoothing: Smoothing): DisplaySeries {
  const ys = series.points.map((p) => p.y);
  const smoothed = smooth(ys, smoothing);
  const centre = smoothed ?? ys;
  const out: DisplaySeries = { ...series, ...(smoothed ? { smoothed } : {}) };
  if (halfWidths && halfWidths.some((h) => h > 0)) {
    const widths = smooth(halfWidths, smoothing) ?? halfWidths;
    out.band = series.points.map((p, i) => ({ step: p.step, x: p.x, lo: centre[i]! - widths[i]!, hi: centre[i]! + widths[i]! }));
  }
  return out;
}

export function curveSeries(
  runs: readonly { info: RunInfo; records: RunRecords }[],
  metric: MetricDef,
  xKey: XKey,
  options: Options,
  colorAt: (index: number) => string,
): DisplaySeries[] {
  const curves = runs.flatMap((run) => run.records.curves(metric, xKey).map((curve) => ({ run: run.info, curve })));
  const splitSuffix = (split: string | undefined): string => (split && metric.source.kind === 'eval' ? ` · ${split}` : '');
  if (!options.aggregate) {
    return curves.map(({ run, curve }, i) => {
      const halfWidths = options.band === 'none' || !metric.rate ? undefined : curve.points.map((p) => (p.se ?? 0) * (options.band === 'ci95' ? Z95 : 1));
      return finish(
        { label: `${run.folder}${splitSuffix(curve.split)}`, color: colorAt(i), folders: [run.folder], ...(curve.split ? { split: curve.split } : {}), points: curve.points.map((p) => ({ step: p.step, x: p.x, y: p.y })) },
        halfWidths,
        options.smoothing,
      );
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
  return [...groups.values()].map((group, i) => {
    const points = aggregateByStep(group.curves.map(({ curve }) => curve.points.map((p) => ({ step: p.step, x: p.x, y: p.y }))));
    const n = group.curves.length;
    const single = n === 1 ? group.curves[0]!.curve : undefined;
    // One run: its binomial error; several: the spread over seeds.
    const halfWidths =
      options.band === 'none'
        ? undefined
        : single
          ? metric.rate
            ? single.points.map((p) => (p.se ?? 0) * (options.band === 'ci95' ? Z95 : 1))
            : undefined
          : points.map((p) => (options.band === 'ci95' ? p.ci95 : p.sem));
    return finish(
      {
        label: `${group.label}${splitSuffix(group.split)} (N=${n})`,
        color: colorAt(i),
        folders: group.folders,
        ...(group.split ? { split: group.split } : {}),
        points: points.map((p) => ({ step: p.step, x: p.x, y: p.y, n: p.n })),
      },
      halfWidths,
      options.smoothing,
    );
  });
}

/** One row per drawn point: what the chart shows, raw and smoothed. */
export function curveCsv(series: readonly DisplaySeries[], xLabel: string): string {
  const rows: (string | number | undefined)[][] = [['series', 'runs', 'split', 'step', xLabel, 'value', 'smoothed', 'band_low', 'band_high', 'n_runs']];
  for (const s of series) {
    s.points.forEach((p, i) => {
      rows.push([s.label, s.folders.join(' '), s.split, p.step, p.x, p.y, s.smoothed?.[i], s.band?.[i]?.lo, s.band?.[i]?.hi, p.n ?? 1]);
    });
  }
  return toCsv(rows);
}

/** The paper view's numbers: every aggregated curve point, then the final values with deltas to Init. */
export function paperCsv(columns: readonly PaperColumn[]): string {
  const rows: (string | number | undefined)[][] = [['task', 'init', 'split', 'method', 'step', 'gflops', 'value', 'sem', 'n_runs', 'final', 'final_sem', 'init_value', 'delta']];
  for (const column of columns) {
    for (const panel of column.rows) {
      for (const m of panel.methods) {
        for (const p of m.curve) rows.push([column.task, column.init, panel.splitKind, m.method, p.step, p.x, p.y, p.sem, p.n]);
        const delta = panel.init === undefined ? undefined : m.final.mean - panel.init;
        rows.push([column.task, column.init, panel.splitKind, m.method, 'final', undefined, undefined, undefined, m.final.n, m.final.mean, m.final.sem, panel.init, delta]);
      }
    }
  }
  return toCsv(rows);
}
