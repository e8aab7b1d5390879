// Dashboard webview: learning curves of the workspace's runs (any metric, any x-axis,
// smoothed, with standard-error or seed bands) and the paper's SFT-vs-RL view.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type Plugin,
} from 'chart.js';
import { METRICS, RunRecords, lowerBound, TIME_STAGES, X_AXES, metricById, mismatchWarning, paperColumns, stepTimeline, toCsv, type RunInfo, type StepTimeline, type XKey } from '../../src/core/dashboard/model';
import { timelineFigure } from './timeline';
import type { DashboardMark, FromDashboard, ToDashboard } from '../../src/protocol/dashboard';
import '../shared/elements';
import { connectHost, el, themeColor } from '../shared/host';
import { curveCsv, curveSeries, paperCsv, type Band, type DisplaySeries, type Smoothing } from '../../src/core/dashboard/series';
import { paperFigure } from './paper';
import { palette, snapshotPng, valueOf, withAlpha } from './draw';
import { m4Indices } from '../../src/core/dashboard/decimate';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);

type View = 'curves' | 'paper' | 'time';
interface State {
  view: View;
  metric: string;
  xKey: XKey;
  smoothing: Smoothing;
  band: Band;
  aggregate: boolean;
  /** Runs shown; null: every run that has the metric. */
  selected: string[] | null;
  /** A step marked on a run's curves (an alert's point), until other runs are shown. */
  mark?: DashboardMark & { folder: string };
}

interface RunData {
  records: RunRecords;
  skippedLines: number[];
  pendingLine: boolean;
}

const host = connectHost<FromDashboard, State>();
const state: State = { view: 'curves', metric: 'id/success', xKey: 'gflops', smoothing: 'savgol:9', band: 'se', aggregate: true, selected: null, ...host.getState() };
let runs: RunInfo[] = [];
/** ptlab.mismatchKlWarning, as the host last sent it. */
let mismatchKlWarning = 1e-3;
const data = new Map<string, RunData>();
let charts: Chart[] = [];
let shownSeries: DisplaySeries[] = [];

// ------------------------------------------------------------------ layout

function select<T extends string>(id: string, label: string, options: readonly (readonly [T, string])[], current: () => T, set: (v: T) => void): HTMLElement {
  const node = el('vscode-single-select', { id, 'aria-label': label });
  node.append(...options.map(([value, text]) => el('vscode-option', { value, ...(current() === value ? { selected: '' } : {}) }, text)));
  node.addEventListener('change', () => {
    set(valueOf(node) as T);
    changed();
  });
  return el('span', { class: 'control' }, el('vscode-label', {}, label), node);
}

const SMOOTHING: readonly (readonly [Smoothing, string])[] = [
  ['savgol:5', 'Savitzky-Golay, window 5'],
  ['savgol:9', 'Savitzky-Golay, window 9'],
  ['savgol:15', 'Savitzky-Golay, window 15'],
  ['savgol:31', 'Savitzky-Golay, window 31'],
  ['savgol:101', 'Savitzky-Golay, window 101'],
  ['ema:0.6', 'EMA 0.6 (TensorBoard)'],
  ['ema:0.9', 'EMA 0.9 (TensorBoard)'],
  ['ema:0.99', 'EMA 0.99 (TensorBoard)'],
  ['none', 'None'],
];
const BANDS: readonly (readonly [Band, string])[] = [
  ['se', '±1 SE (binomial; SEM over seeds)'],
  ['ci95', '95% CI'],
  ['none', 'No band'],
];

const metricSelect = el('vscode-single-select', { id: 'metric-select', 'aria-label': 'Metric' });
metricSelect.addEventListener('change', () => {
  state.metric = valueOf(metricSelect);
  changed();
});
const aggregateBox = el('input', { id: 'aggregate', type: 'checkbox', ...(state.aggregate ? { checked: '' } : {}) });
aggregateBox.addEventListener('change', () => {
  state.aggregate = aggregateBox.checked;
  changed();
});
const viewTabs = el('div', { class: 'view-tabs', role: 'tablist' });
const exportPng = el('vscode-button', { id: 'export-png', secondary: '' }, 'Export PNG');
const exportCsv = el('vscode-button', { id: 'export-csv', secondary: '' }, 'Export CSV');
const refresh = el('vscode-button', { id: 'refresh', secondary: '' }, 'Refresh');
const curveControls = el(
  'span',
  { class: 'toolbar-group', id: 'curve-controls' },
  el('span', { class: 'control' }, el('vscode-label', {}, 'Metric'), metricSelect),
  select('x-select', 'X axis', X_AXES.map((a) => [a.key, a.label] as const), () => state.xKey, (v) => (state.xKey = v)),
  el('label', { class: 'control checkbox' }, aggregateBox, 'Aggregate seeds'),
);
const status = el('div', { id: 'status', class: 'status' });
const problems = el('ul', { id: 'problems', class: 'problems' });
const runList = el('div', { id: 'run-list', class: 'run-list', role: 'group', 'aria-label': 'Runs' });
const curvesCanvas = el('canvas', { id: 'curves-chart', 'aria-label': 'Learning curves' });
/** The curves' labels as text, for screen readers (the legend is drawn on the canvas). */
const seriesList = el('ul', { id: 'series-list', class: 'visually-hidden', 'aria-label': 'Curves shown' });
const curvesBox = el('div', { class: 'chart-box', id: 'curves' }, curvesCanvas, seriesList);
const paperBox = el('div', { id: 'paper', class: 'paper' });
const timeBox = el('div', { id: 'time', class: 'timeline' });
const empty = el('p', { id: 'empty', class: 'empty' }, 'No runs yet: runs appear here when a folder in the workspace holds a run.json.');
document.getElementById('root')!.append(
  el(
    'header',
    { class: 'toolbar' },
    viewTabs,
    curveControls,
    select('smoothing-select', 'Smoothing', SMOOTHING, () => state.smoothing, (v) => (state.smoothing = v)),
    select('band-select', 'Band', BANDS, () => state.band, (v) => (state.band = v)),
    exportPng,
    exportCsv,
    refresh,
  ),
  status,
  problems,
  el('div', { class: 'dashboard-body' }, runList, el('main', { class: 'figure-area' }, curvesBox, paperBox, timeBox)),
  empty,
);
for (const [view, text] of [['curves', 'Curves'], ['paper', 'Paper view (ID vs OOD)'], ['time', 'Step time']] as const) {
  const tab = el('button', { class: 'view-tab', id: `view-${view}`, role: 'tab' }, text);
  tab.addEventListener('click', () => {
    state.view = view;
    changed();
  });
  viewTabs.append(tab);
}
refresh.addEventListener('click', () => host.post({ type: 'runs/refresh' }));
exportPng.addEventListener('click', () => {
  const area = state.view === 'curves' ? curvesBox : state.view === 'paper' ? paperBox : timeBox;
  host.post({ type: 'export', format: 'png', fileName: `${exportName()}.png`, data: snapshotPng(area) });
});
exportCsv.addEventListener('click', () => {
  const text = state.view === 'curves' ? curveCsv(shownSeries, X_AXES.find((a) => a.key === state.xKey)!.label) : state.view === 'paper' ? paperCsv(paperColumns(runsWithData())) : timelineCsv(shownTimelines());
  host.post({ type: 'export', format: 'csv', fileName: `${exportName()}.csv`, data: text });
});

function exportName(): string {
  if (state.view === 'time') return 'ptlab-step-time';
  return state.view === 'paper' ? 'ptlab-paper-view' : `ptlab-${state.metric.replace(/[^A-Za-z0-9]+/g, '-')}-vs-${state.xKey}`;
}

// ------------------------------------------------------------------ messages

window.addEventListener('message', (event: MessageEvent<ToDashboard>) => {
  const message = event.data;
  switch (message.type) {
    case 'runs/set':
      runs = message.runs;
      for (const folder of data.keys()) if (!runs.some((r) => r.folder === folder)) data.delete(folder);
      break;
    case 'records/append': {
      let run = data.get(message.folder);
      if (!run || message.reset) data.set(message.folder, (run = { records: new RunRecords(), skippedLines: [], pendingLine: false }));
      run.records.addBatch(message.batch);
      for (const line of message.skippedLines) run.skippedLines.push(line);
      run.pendingLine = message.pendingLine;
      break;
    }
    case 'focus':
      state.selected = message.folders;
      state.view = 'curves';
      if (message.metric) state.metric = message.metric;
      state.mark = message.mark && message.folders[0] !== undefined ? { ...message.mark, folder: message.folders[0] } : undefined;
      break;
    case 'settings':
      mismatchKlWarning = message.mismatchKlWarning;
      break;
  }
  changed(false);
});

let frame = 0;
/** Re-render once per animation frame however many messages arrived. */
function changed(save = true): void {
  if (save) host.setState(state);
  if (!frame) frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}
new MutationObserver(() => changed(false)).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// ------------------------------------------------------------------ rendering

function runsWithData(): { info: RunInfo; records: RunRecords }[] {
  return runs.map((info) => ({ info, records: data.get(info.folder)?.records ?? new RunRecords() }));
}

function isSelected(folder: string, metricRuns: Set<string>): boolean {
  return state.selected === null ? metricRuns.has(folder) : state.selected.includes(folder);
}

function render(): void {
  empty.hidden = runs.length > 0;
  for (const tab of viewTabs.children) tab.setAttribute('aria-selected', String(tab.id === `view-${state.view}`));
  curveControls.hidden = state.view !== 'curves';
  curvesBox.hidden = state.view !== 'curves';
  paperBox.hidden = state.view !== 'paper';
  timeBox.hidden = state.view !== 'time';
  runList.hidden = state.view === 'paper'; // the paper view uses every comparison
  fillMetricSelect();
  const metric = metricById(state.metric);
  const all = runsWithData();
  const metricRuns = new Set(all.filter((r) => r.records.has(metric)).map((r) => r.info.folder));
  renderProblems(all.filter((r) => isSelected(r.info.folder, metricRuns)).map((r) => r.info));
  for (const chart of charts) chart.destroy();
  charts = [];
  if (state.view === 'time') {
    const timelines = shownTimelines();
    renderRunList(new Set(all.filter((r) => stepTimeline(r.records)).map((r) => r.info.folder)));
    status.textContent = timelines.length
      ? `Where each update's time went · ${timelines.length} run(s) · shares per update, mean seconds per stage, tokens/s`
      : "No step times yet: PPO runs record each update's time by stage (time/<stage>_s); tick one in the run list.";
    charts = timelineFigure(timeBox, timelines);
    performance.mark('ptlab-dashboard-rendered');
    return;
  }
  if (state.view === 'paper') {
    const columns = paperColumns(all);
    status.textContent = columns.length
      ? `${columns.length} comparison(s): SFT and RL runs from the same Init checkpoint · rows ID and OOD · ${state.smoothing === 'none' ? 'unsmoothed' : `smoothed (${state.smoothing})`}`
      : 'No comparison yet: the paper view needs SFT and PPO runs that start from the same Init checkpoint (run.json "init").';
    charts = paperFigure(paperBox, columns, { smoothing: state.smoothing, band: state.band });
    performance.mark('ptlab-dashboard-rendered');
    return;
  }
  const shown = all.filter((r) => isSelected(r.info.folder, metricRuns));
  const focused = state.selected === null ? [] : shown;
  if (focused.length > 0 && !focused.some((r) => r.records.has(metric))) {
    // The runs asked for (the Runs view's choice) do not record this metric: show their first one.
    const first = [...METRICS.map((m) => m.id), ...COMMON_NAMES, ...focused.flatMap((r) => r.records.trainNames()).sort()].find((id) => focused.some((r) => r.records.has(metricById(id))));
    if (first) {
      state.metric = first;
      return render();
    }
  }
  const options = { smoothing: state.smoothing, band: state.band, aggregate: state.aggregate };
  let xKey = state.xKey;
  shownSeries = curveSeries(shown, metric, xKey, options, palette);
  let axisNote = '';
  if (shownSeries.length === 0 && xKey !== 'step' && shown.some((r) => r.records.has(metric))) {
    // Logs of other trainers (TensorBoard) count no GFLOPs, tokens or episodes: fall back to the step.
    axisNote = ` · ${X_AXES.find((a) => a.key === xKey)!.label} not recorded by these runs: shown against step`;
    xKey = 'step';
    shownSeries = curveSeries(shown, metric, xKey, options, palette);
  }
  renderRunList(metricRuns);
  seriesList.replaceChildren(...shownSeries.map((series) => el('li', {}, series.label)));
  status.textContent = `${metric.label} vs ${X_AXES.find((a) => a.key === xKey)!.label} · ${shown.length} of ${runs.length} runs · ${shownSeries.length} curve(s)${axisNote} · click a point to open its episodes`;
  if (shown.length > 0 && shown.every((r) => r.info.source !== 'ptlab')) status.textContent = status.textContent.replace(' · click a point to open its episodes', '');
  if (shown.length === 1) status.textContent = `${shown[0]!.info.folder} · ${shown[0]!.info.source !== 'ptlab' ? describeSource(shown[0]!.info) : `${shown[0]!.info.job} · ${shown[0]!.info.status}`} · ${status.textContent}`;
  charts = [curvesChart(shownSeries, metric.rate, shown.map((r) => r.info), xKey)];
  performance.mark('ptlab-dashboard-rendered'); // bench/dashboardRender.ts times up to here
}

/** The ticked runs (all recording step times when none is ticked) with their step timeline. */
function shownTimelines(): { info: RunInfo; timeline: StepTimeline }[] {
  const withTimes = runsWithData().flatMap(({ info, records }) => {
    const timeline = stepTimeline(records);
    return timeline ? [{ info, timeline }] : [];
  });
  const folders = new Set(withTimes.map((r) => r.info.folder));
  return withTimes.filter((r) => isSelected(r.info.folder, folders));
}

/** The step-time view as CSV: a row per run, update and stage. */
function timelineCsv(timelines: { info: RunInfo; timeline: StepTimeline }[]): string {
  const rows: (string | number)[][] = [['run', 'update', 'stage', 'share']];
  for (const { info, timeline } of timelines) for (const stage of TIME_STAGES) timeline.steps.forEach((step, i) => rows.push([info.folder, step, stage, timeline.shares[stage][i]!]));
  return toCsv(rows);
}

/** What other trainers call their headline curves (TRL's reward and loss), offered first for their runs. */
const COMMON_NAMES = ['reward', 'loss', 'eval_loss'];

/** A run's status, with another trainer's run named for what it is (a TensorBoard log says nothing of its writer's state). */
function describeSource(run: RunInfo): string {
  return run.source === 'tensorboard' ? 'TensorBoard log' : run.source === 'hf-trainer' ? `Trainer run · ${run.status}` : run.status;
}

function fillMetricSelect(): void {
  const extra = new Set<string>();
  for (const run of data.values()) for (const name of run.records.trainNames()) if (!METRICS.some((m) => m.id === name)) extra.add(name);
  const options = [...METRICS.map((m) => [m.id, m.label] as const), ...[...extra].sort().map((n) => [n, n] as const)];
  const signature = options.map((o) => o[0]).join('|') + `#${state.metric}`;
  if (metricSelect.dataset.signature === signature) return;
  metricSelect.dataset.signature = signature;
  metricSelect.replaceChildren(...options.map(([value, text]) => el('vscode-option', { value, ...(value === state.metric ? { selected: '' } : {}) }, text)));
}

function renderRunList(metricRuns: Set<string>): void {
  const colours = new Map(shownSeries.flatMap((s) => s.folders.map((f) => [f, s.color] as const)));
  runList.replaceChildren(
    el('div', { class: 'run-list-title' }, 'Runs'),
    ...runs.map((run) => {
      const box = el('input', { type: 'checkbox', 'data-folder': run.folder, ...(isSelected(run.folder, metricRuns) ? { checked: '' } : {}) });
      box.addEventListener('change', () => {
        const current = state.selected ?? runs.filter((r) => metricRuns.has(r.folder)).map((r) => r.folder);
        state.selected = box.checked ? [...new Set([...current, run.folder])] : current.filter((f) => f !== run.folder);
        if (!box.checked && state.mark?.folder === run.folder) state.mark = undefined;
        changed();
      });
      const chip = el('span', { class: 'chip' });
      const colour = colours.get(run.folder);
      if (colour && state.view === 'curves') chip.style.background = colour;
      const restarts = run.segments.length > 1 ? ` · resumed ×${run.segments.length - 1}` : '';
      const lastStep = data.get(run.folder)?.records.lastStep;
      const progress = lastStep === undefined ? '' : ` · step ${lastStep}`;
      return el(
        'label',
        { class: `run${metricRuns.has(run.folder) ? '' : ' no-metric'}`, title: `${run.groupLabel}${run.seed !== undefined ? ` · seed ${run.seed}` : ''}` },
        box,
        chip,
        el('span', { class: 'run-name' }, run.folder),
        el('span', { class: `run-status status-${run.status}` }, `${describeSource(run)}${progress}${restarts}`),
      );
    }),
  );
}

function renderProblems(shown: RunInfo[]): void {
  const items: string[] = [];
  for (const run of shown) {
    const d = data.get(run.folder);
    items.push(...run.problems.map((p) => `${run.folder}: ${p}`));
    if (d && d.skippedLines.length > 0) items.push(`${run.folder}: metrics.jsonl: skipped ${d.skippedLines.length} bad line(s), first at line ${d.skippedLines[0]}`);
    if (d?.pendingLine && run.status !== 'running') items.push(`${run.folder}: metrics.jsonl: the last line is incomplete (torn) and was not read`);
    const mismatch = d && mismatchWarning(d.records, mismatchKlWarning);
    if (mismatch) {
      items.push(
        `${run.folder}: generation vs training mismatch: KL ${mismatch.kl.toPrecision(2)} per token at update ${mismatch.step} (${mismatch.updates} update(s) above ptlab.mismatchKlWarning ${mismatchKlWarning}): the rollout did not sample from the policy PPO trains (dtype, kernels, sampling options); ppo.oldLogProbs "recompute" keeps the ratio right`,
      );
    }
  }
  problems.replaceChildren(...items.map((p) => el('li', {}, p)));
}

/** Vertical dashed lines where a run was resumed (segment starts). */
function restartMarkers(markers: { x: number; label: string }[]): Plugin<'line'> {
  return {
    id: 'restartMarkers',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      ctx.save();
      ctx.strokeStyle = themeColor('--vscode-charts-yellow', '#cca700');
      ctx.fillStyle = ctx.strokeStyle;
      ctx.setLineDash([4, 3]);
      ctx.font = '10px sans-serif';
      for (const m of markers) {
        const px = scales.x!.getPixelForValue(m.x);
        if (px < chartArea.left || px > chartArea.right) continue;
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
        ctx.fillText(m.label, px + 3, chartArea.top + 10);
      }
      ctx.restore();
    },
  };
}

type Point = { x: number; y: number; step: number };
type Role = { series: DisplaySeries; kind: 'main' | 'raw' | 'band' };

/** The x range of every series drawn: M4's columns span it. */
function xRange(series: readonly DisplaySeries[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      const x = s.xs[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return [lo, hi];
}

/** Device pixels across the curves chart: the columns its lines are decimated to. */
function chartColumns(): number {
  return Math.max(200, Math.ceil(curvesBox.clientWidth * window.devicePixelRatio));
}

function curvesChart(series: DisplaySeries[], rate: boolean, shownRuns: RunInfo[], xKey: XKey): Chart {
  // Rates stay in [0, 1] (the y ticks say %), so the series' own points are the raw data.
  // Each line is drawn from its M4 points at this chart's width (pixel-exact; a curve of 100k
  // points becomes a few thousand), with the smoothing and bands computed on every point.
  const [x0, x1] = xRange(series);
  decimatedWidth = chartColumns();
  const lines = series.reduce((sum, s) => sum + 1 + (s.smoothed ? 1 : 0) + (s.band ? 2 : 0), 0);
  // Pixel-exact while the lines fit the budget; coarser columns beyond it (many runs at once),
  // so a hover frame, which redraws every point, stays cheap.
  const columns = Math.min(decimatedWidth, Math.max(100, Math.floor(POINT_BUDGET / (4 * Math.max(lines, 1)))));
  const line = (s: DisplaySeries, ys: Float64Array): Point[] => {
    const indices = m4Indices(s.xs, ys, x0, x1, columns);
    const points = new Array<Point>(indices.length);
    for (let k = 0; k < indices.length; k++) points[k] = { x: s.xs[indices[k]!]!, y: ys[indices[k]!]!, step: s.steps[indices[k]!]! };
    return points;
  };
  const roles: Role[] = [];
  const datasets: ChartDataset<'line', Point[]>[] = [];
  const few = (s: DisplaySeries): boolean => s.steps.length <= 60;
  for (const s of series) {
    if (s.band) {
      datasets.push({ data: line(s, s.band.lo), borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: 'transparent' });
      roles.push({ series: s, kind: 'band' });
      datasets.push({ data: line(s, s.band.hi), borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: withAlpha(s.color, 0.18) });
      roles.push({ series: s, kind: 'band' });
    }
    if (s.smoothed) {
      datasets.push({ data: line(s, s.ys), borderColor: withAlpha(s.color, 0.3), borderWidth: 1, pointRadius: few(s) ? 1.5 : 0, pointBackgroundColor: withAlpha(s.color, 0.3), fill: false });
      roles.push({ series: s, kind: 'raw' });
    }
    datasets.push({
      label: s.label,
      data: line(s, s.smoothed ?? s.ys),
      borderColor: s.color,
      backgroundColor: s.color,
      borderWidth: 2,
      pointRadius: few(s) ? 2.5 : 0,
      pointHoverRadius: 5,
      pointHitRadius: 6,
      fill: false,
    });
    roles.push({ series: s, kind: 'main' });
  }
  const colors = axisColors();
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
  const marked = state.mark && shownRuns.find((run) => run.folder === state.mark!.folder);
  const markX = marked ? xOfStep(marked, state.mark!.step) : undefined;
  if (markX !== undefined) markers.push({ x: markX, label: state.mark!.label });
  return new Chart<'line', Point[]>(curvesCanvas, {
    type: 'line',
    data: { datasets },
    plugins: [restartMarkers(markers)],
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      spanGaps: true,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        // the x axis spans the data exactly: the columns M4 decimated to are its pixels
        x: {
          type: 'linear',
          ...(x0 < x1 ? { min: x0, max: x1 } : {}),
          title: { display: true, text: X_AXES.find((a) => a.key === xKey)!.label, color: colors.text },
          ticks: { color: colors.text, maxTicksLimit: 8, maxRotation: 0 },
          grid: { color: colors.grid },
        },
        y: {
          ...(rate ? { min: 0, max: 1 } : {}),
          title: { display: true, text: rate ? `${metricById(state.metric).label} (%)` : metricById(state.metric).label, color: colors.text },
          ticks: { color: colors.text, ...(rate ? { callback: (v: string | number) => `${Math.round(Number(v) * 100)}` } : {}) },
          grid: { color: colors.grid },
        },
      },
      plugins: {
        legend: { labels: { color: colors.text, filter: (item) => roles[item.datasetIndex!]?.kind === 'main', boxHeight: 2 } },
        tooltip: {
          filter: (item) => roles[item.datasetIndex]?.kind === 'main',
          callbacks: {
            label: (item) => {
              const { series: s } = roles[item.datasetIndex]!;
              const point = item.raw as Point;
              const at = lowerBound(s.steps, point.step);
              const fmt = (v: number): string => (rate ? `${(v * 100).toFixed(1)}%` : v.toPrecision(4));
              const spread = s.band ? ` [${fmt(s.band.lo[at]!)}, ${fmt(s.band.hi[at]!)}]` : '';
              const n = s.ns?.[at];
              return `${s.label}: ${at < s.ys.length ? fmt(s.ys[at]!) : ''}${spread} · step ${point.step}${n ? ` · N=${n}` : ''}`;
            },
          },
        },
      },
      onClick: (event, elements, chart) => {
        const hit = chart.getElementsAtEventForMode(event as unknown as Event, 'nearest', { intersect: false }, true).find((e) => roles[e.datasetIndex]?.kind === 'main') ?? elements[0];
        if (!hit) return;
        const role = roles[hit.datasetIndex]!;
        const point = chart.data.datasets[hit.datasetIndex]!.data[hit.index] as Point;
        const folder = role.series.folders.find((f) => data.get(f)?.records !== undefined) ?? role.series.folders[0];
        // a TensorBoard log has no episodes; a Trainer run's are TRL's logged completions, when it logged them
        const episodes = (runs.find((r) => r.folder === folder)?.source ?? 'ptlab') !== 'tensorboard';
        if (folder && episodes) host.post({ type: 'open/transcripts', folder, step: point.step, split: role.series.split ?? 'train' });
      },
    },
  });
}

/** Points the curves chart draws at most (Chart.js redraws them all on every hover frame). */
const POINT_BUDGET = 12_000;
/** The chart width (device pixels) the shown curves were decimated for; a wider chart draws them again. */
let decimatedWidth = 0;
new ResizeObserver(() => {
  if (state.view === 'curves' && chartColumns() > decimatedWidth) changed(false);
}).observe(curvesBox);

export function axisColors(): { text: string; grid: string } {
  return { text: themeColor('--vscode-foreground', '#ccc'), grid: withAlpha(themeColor('--vscode-foreground', '#888'), 0.12) };
}

host.post({ type: 'ready' });
