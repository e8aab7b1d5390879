// The dashboard's figures, computed where the records are: in the metrics worker, which parses
// the runs' metric files and keeps them as columns. The webview asks for a view (what it shows,
// and how many pixels wide its chart is) and draws what comes back: each curve smoothed on all
// its points, then M4-decimated to the chart's pixel columns, a few thousand points where the
// files hold hundreds of thousands. Pure (no DOM, no vscode, no worker): unit tests and the
// benchmark call it directly.
import { m4Indices } from './decimate';
import { METRICS, RunRecords, X_AXES, lowerBound, metricById, mismatchWarning, paperColumns, recordsStepTimes, stepTimeline, TIME_STAGES, type CsvRow, type MetricBatch, type PaperColumn, type RunInfo, type StepTimeline, type XKey } from './model';
import { stoppedWriting } from '../runs/jsonlTail';
import { keepRepeatedSeedsApart } from '../runs/seedGroup';
import { CurveCache, curveCsvRows, curveSeries, paperCsvRows, type Band, type DisplaySeries, type Smoothing } from './series';

export type DashboardViewKind = 'curves' | 'paper' | 'time';

/** A step marked on a run's curves (an alert: where it fired). */
export interface DashboardMark {
  step: number;
  label: string;
}

/** The dashboard's settings: what it shows (the webview keeps them as its state). */
export interface DashboardSettings {
  view: DashboardViewKind;
  metric: string;
  xKey: XKey;
  smoothing: Smoothing;
  band: Band;
  aggregate: boolean;
  /** Runs ticked; null: every run that records the metric. */
  selected: string[] | null;
  /** A step marked on a run's curves (an alert's point), until other runs are shown. */
  mark?: DashboardMark & { folder: string };
}

/** What the webview shows; the worker answers it with a DashboardView. */
export interface ViewRequest extends DashboardSettings {
  /** The curves chart's width in device pixels: the columns M4 decimates to. */
  width: number;
  /** ptlab.mismatchKlWarning. */
  mismatchKlWarning: number;
}

/** A decimated line: its points' x, y and global step. */
export interface Line {
  xs: Float64Array;
  ys: Float64Array;
  steps: Float64Array;
}

export interface CurveView {
  label: string;
  /** Index into the webview's palette. */
  color: number;
  folders: string[];
  split?: string;
  /** Points of the whole series (few are drawn as dots). */
  count: number;
  /** The curve drawn: smoothed where smoothing is on. */
  main: Line;
  /** At each point of `main`: the raw value, the band and the runs behind it (the tooltip's). */
  at: { raw: Float64Array; lo?: Float64Array; hi?: Float64Array; ns?: Float64Array };
  /** The raw values, drawn faint behind a smoothed curve. */
  raw?: Line;
  band?: { lo: Line; hi: Line };
}

export interface RunRow {
  folder: string;
  /** Records the metric (curves) or step times (time view). */
  hasMetric: boolean;
  selected: boolean;
  lastStep?: number;
  /** The palette index of the curve that draws it. */
  color?: number;
}

export interface CurvesFigure {
  /** The x axis drawn: the one asked for, or the step where the runs do not record it. */
  xKey: XKey;
  xFallback: boolean;
  rate: boolean;
  curves: CurveView[];
  /** Resumes and the marked step, at their x. */
  markers: { x: number; label: string }[];
  /** x range of every curve: the axis spans it, M4's columns divide it. */
  xRange: [number, number];
}

export interface DashboardView {
  kind: DashboardViewKind;
  /** The metric shown: the one asked for, or the focused runs' first when they do not record it. */
  metric: string;
  /** Training scalars outside METRICS that some run records, sorted. */
  extraMetrics: string[];
  runs: RunRow[];
  problems: string[];
  curves?: CurvesFigure;
  paper?: PaperColumn[];
  timelines?: { folder: string; timeline: StepTimeline }[];
}

/** Points the curves chart draws at most: the webview redraws them all on every hover frame. */
export const POINT_BUDGET = 12_000;

/** What other trainers call their headline curves (TRL's reward and loss), offered first for their runs. */
const COMMON_NAMES = ['reward', 'loss', 'eval_loss'];

interface RunData {
  records: RunRecords;
  skippedLines: number[];
  pendingLine: boolean;
  logProblems: string[];
}

/** New records of one run's metrics file (the metrics worker's update). */
export interface RecordsUpdate {
  folder: string;
  /** Forget the folder's earlier records (file replaced, newly shown, or rewound). */
  reset: boolean;
  batch: MetricBatch;
  skippedLines: number[];
  pendingLine: boolean;
  /** Another trainer's log: what could not be read of its files so far, each naming its file (replaces the last update's). */
  logProblems?: string[];
}

/** The dashboard's runs and their records, as the metrics worker keeps them. */
export class DashboardData {
  private runList: RunInfo[] = [];
  private readonly data = new Map<string, RunData>();
  /** The last view's curves, reused for the runs whose records did not change since. */
  private readonly curves = new CurveCache();

  /** The runs shown, as the host last set them. */
  runs(): RunInfo[] {
    return [...this.runList];
  }

  setRuns(runs: readonly RunInfo[]): void {
    this.runList = keepRepeatedSeedsApart(runs);
    for (const folder of this.data.keys()) if (!runs.some((r) => r.folder === folder)) this.data.delete(folder);
  }

  apply(update: RecordsUpdate): void {
    let run = this.data.get(update.folder);
    if (!run || update.reset) this.data.set(update.folder, (run = { records: new RunRecords(), skippedLines: [], pendingLine: false, logProblems: [] }));
    run.records.addBatch(update.batch);
    for (const line of update.skippedLines) run.skippedLines.push(line);
    run.pendingLine = update.pendingLine;
    if (update.logProblems) run.logProblems = [...update.logProblems];
  }

  private all(): { info: RunInfo; records: RunRecords }[] {
    return this.runList.map((info) => ({ info, records: this.data.get(info.folder)?.records ?? new RunRecords() }));
  }

  view(request: ViewRequest): DashboardView {
    const all = this.all();
    const extraMetrics = [...new Set(all.flatMap((r) => r.records.trainNames()))].filter((n) => !METRICS.some((m) => m.id === n)).sort();
    let metricId = request.metric;
    const isSelected = (folder: string, having: Set<string>): boolean => (request.selected === null ? having.has(folder) : request.selected.includes(folder));
    if (request.view === 'curves' && request.selected !== null) {
      // The runs asked for (the Runs view's choice) do not record this metric: show their first one.
      const focused = all.filter((r) => request.selected!.includes(r.info.folder));
      if (focused.length > 0 && !focused.some((r) => r.records.has(metricById(metricId)))) {
        const first = [...METRICS.map((m) => m.id), ...COMMON_NAMES, ...focused.flatMap((r) => r.records.trainNames()).sort()].find((id) => focused.some((r) => r.records.has(metricById(id))));
        if (first) metricId = first;
      }
    }
    const metric = metricById(metricId);
    const metricRuns = new Set(all.filter((r) => r.records.has(metric)).map((r) => r.info.folder));
    const problems = this.problems(all.filter((r) => isSelected(r.info.folder, metricRuns)).map((r) => r.info), request.mismatchKlWarning);
    const rows = (having: Set<string>, colors = new Map<string, number>()): RunRow[] =>
      all.map(({ info, records }) => ({
        folder: info.folder,
        hasMetric: having.has(info.folder),
        selected: isSelected(info.folder, having),
        ...(records.lastStep !== undefined ? { lastStep: records.lastStep } : {}),
        ...(colors.has(info.folder) ? { color: colors.get(info.folder)! } : {}),
      }));
    const base = { kind: request.view, metric: metricId, extraMetrics, problems };
    if (request.view === 'time') {
      const having = new Set(all.filter((r) => recordsStepTimes(r.records)).map((r) => r.info.folder));
      // The ticked runs' only, in a bar per pixel column at most: a run can hold 200k updates.
      const timelines = all.filter((r) => having.has(r.info.folder) && isSelected(r.info.folder, having)).map(({ info, records }) => ({ folder: info.folder, timeline: stepTimeline(records, request.width)! }));
      return { ...base, runs: rows(having), timelines };
    }
    if (request.view === 'paper') return { ...base, runs: rows(metricRuns), paper: paperColumns(all) };
    const shown = all.filter((r) => isSelected(r.info.folder, metricRuns));
    const { series, xKey, xFallback } = this.series(shown, request, metricId);
    this.curves.settle();
    const colors = new Map(series.flatMap((s, i) => s.folders.map((f) => [f, i] as const)));
    return { ...base, runs: rows(metricRuns, colors), curves: curvesFigure(series, metric.rate, shown.map((r) => r.info), xKey, xFallback, request) };
  }

  /** The curves at full resolution, with the x axis drawn (the step where the runs lack the one asked for). */
  private series(shown: { info: RunInfo; records: RunRecords }[], request: ViewRequest, metricId: string): { series: DisplaySeries[]; xKey: XKey; xFallback: boolean } {
    const metric = metricById(metricId);
    const options = { smoothing: request.smoothing, band: request.band, aggregate: request.aggregate };
    const colorIndex = (i: number): string => String(i);
    const series = curveSeries(shown, metric, request.xKey, options, colorIndex, this.curves);
    if (series.length === 0 && request.xKey !== 'step' && shown.some((r) => r.records.has(metric))) {
      // Logs of other trainers (TensorBoard) count no GFLOPs, tokens or episodes: fall back to the step.
      return { series: curveSeries(shown, metric, 'step', options, colorIndex, this.curves), xKey: 'step', xFallback: true };
    }
    return { series, xKey: request.xKey, xFallback: false };
  }

  /** What is drawn, as CSV rows at full resolution: the curves' every point, the paper view's numbers, or the step times. */
  csvRows(request: ViewRequest): Iterable<CsvRow> {
    const view = this.view({ ...request, width: 1 });
    if (request.view === 'paper') return paperCsvRows(view.paper ?? []);
    if (request.view === 'time') {
      // every update of each shown run, not the view's bars
      return timeCsvRows((view.timelines ?? []).map(({ folder }) => ({ folder, timeline: stepTimeline(this.data.get(folder)!.records)! })));
    }
    const shown = this.all().filter((r) => view.runs.some((row) => row.selected && row.folder === r.info.folder));
    const { series, xKey } = this.series(shown, request, view.metric);
    return curveCsvRows(series, X_AXES.find((a) => a.key === xKey)!.label);
  }

  private problems(shown: RunInfo[], mismatchKlWarning: number): string[] {
    const items: string[] = [];
    for (const run of shown) {
      const d = this.data.get(run.folder);
      items.push(...run.problems.map((p) => `${run.folder}: ${p}`));
      if (run.repeatOf) items.push(`${run.folder}: repeats seed ${run.seed} of ${run.repeatOf} with the same config: drawn as a series of its own ("${run.groupLabel}"), not averaged as another seed; give each run of an arm its own seed`);
      if (d && d.skippedLines.length > 0) items.push(`${run.folder}: metrics.jsonl: skipped ${d.skippedLines.length} bad line(s), first at line ${d.skippedLines[0]}`);
      if (d?.pendingLine && stoppedWriting(run.status)) items.push(`${run.folder}: metrics.jsonl: the last line is incomplete (torn) and was not read`);
      items.push(...(d?.logProblems ?? []).map((p) => `${run.folder}: ${p}`));
      const mismatch = d && mismatchWarning(d.records, mismatchKlWarning);
      if (mismatch) {
        items.push(
          `${run.folder}: generation vs training mismatch: KL ${mismatch.kl.toPrecision(2)} per token at update ${mismatch.step} (${mismatch.updates} update(s) above ptlab.mismatchKlWarning ${mismatchKlWarning}): the rollout did not sample from the policy PPO trains (dtype, kernels, sampling options); ppo.oldLogProbs "recompute" keeps the ratio right`,
        );
      }
    }
    return items;
  }
}

function* timeCsvRows(timelines: readonly { folder: string; timeline: StepTimeline }[]): Generator<CsvRow> {
  yield ['run', 'update', 'stage', 'share'];
  for (const { folder, timeline } of timelines) for (const stage of TIME_STAGES) for (let i = 0; i < timeline.steps.length; i++) yield [folder, timeline.steps[i], stage, timeline.shares[stage][i]];
}

/** Each series' x range (a series is kept unchanged while its runs are: CurveCache). */
const xRanges = new WeakMap<DisplaySeries, [number, number]>();

/** The x range of every series: M4's columns span it. */
function xRangeOf(series: readonly DisplaySeries[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    let range = xRanges.get(s);
    if (!range) {
      let [first, last] = [Infinity, -Infinity];
      for (let i = 0; i < s.xs.length; i++) {
        const x = s.xs[i]!;
        if (x < first) first = x;
        if (x > last) last = x;
      }
      xRanges.set(s, (range = [first, last]));
    }
    if (range[0] < lo) lo = range[0];
    if (range[1] > hi) hi = range[1];
  }
  return [lo, hi];
}

/** Each series' curve as last sent, with the x range and columns it was decimated to: a run unchanged since (CurveCache keeps its series) is not decimated again. */
const decimated = new WeakMap<DisplaySeries, { to: string; curve: CurveView }>();

function curvesFigure(series: DisplaySeries[], rate: boolean, shownRuns: RunInfo[], xKey: XKey, xFallback: boolean, request: ViewRequest): CurvesFigure {
  const [x0, x1] = xRangeOf(series);
  const lines = series.reduce((sum, s) => sum + 1 + (s.smoothed ? 1 : 0) + (s.band ? 2 : 0), 0);
  // Pixel-exact while the lines fit the budget; coarser columns beyond it (many runs at once).
  const columns = Math.max(1, Math.min(request.width, Math.max(100, Math.floor(POINT_BUDGET / (4 * Math.max(lines, 1))))));
  const pick = (values: ArrayLike<number>, indices: Uint32Array): Float64Array => {
    const out = new Float64Array(indices.length);
    for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]!]!;
    return out;
  };
  const line = (s: DisplaySeries, ys: Float64Array): Line => {
    const indices = m4Indices(s.xs, ys, x0, x1, columns);
    return { xs: pick(s.xs, indices), ys: pick(ys, indices), steps: pick(s.steps, indices) };
  };
  const curve = (s: DisplaySeries, color: number): CurveView => {
    const centre = s.smoothed ?? s.ys;
    const indices = m4Indices(s.xs, centre, x0, x1, columns);
    return {
      label: s.label,
      color,
      folders: s.folders,
      ...(s.split ? { split: s.split } : {}),
      count: s.steps.length,
      main: { xs: pick(s.xs, indices), ys: pick(centre, indices), steps: pick(s.steps, indices) },
      at: {
        raw: pick(s.ys, indices),
        ...(s.band ? { lo: pick(s.band.lo, indices), hi: pick(s.band.hi, indices) } : {}),
        ...(s.ns ? { ns: pick(s.ns, indices) } : {}),
      },
      ...(s.smoothed ? { raw: line(s, s.ys) } : {}),
      ...(s.band ? { band: { lo: line(s, s.band.lo), hi: line(s, s.band.hi) } } : {}),
    };
  };
  const curves = series.map((s, color): CurveView => {
    const to = `${x0}:${x1}:${columns}:${color}`;
    const last = decimated.get(s);
    if (last?.to === to) return last.curve;
    const fresh = curve(s, color);
    decimated.set(s, { to, curve: fresh });
    return fresh;
  });
  const xOfStep = (run: RunInfo, step: number): number | undefined => {
    if (xKey === 'step') return step;
    const s = series.find((candidate) => candidate.folders.includes(run.folder));
    const at = s ? lowerBound(s.steps, step) : -1;
    return s && at < s.steps.length ? s.xs[at] : undefined;
  };
  const markers = shownRuns.flatMap((run) =>
    run.segments.filter((seg) => seg.index > 0).flatMap((seg) => {
      const x = xOfStep(run, seg.startStep);
      return x === undefined ? [] : [{ x, label: `${run.runId} resumed @${seg.startStep}` }];
    }),
  );
  const mark = request.mark;
  const marked = mark && shownRuns.find((run) => run.folder === mark.folder);
  const markX = marked ? xOfStep(marked, mark.step) : undefined;
  if (markX !== undefined) markers.push({ x: markX, label: mark!.label });
  return { xKey, xFallback, rate, curves, markers, xRange: [x0, x1] };
}
