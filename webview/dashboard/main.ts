// Dashboard webview: learning curves of the workspace's runs (any metric, any x-axis,
// smoothed, with standard-error or seed bands) and the paper's SFT-vs-RL view. It holds no
// records: the metrics worker keeps them and answers each view (src/core/dashboard/view.ts).
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { METRICS, X_AXES, metricById, type RunInfo } from '../../src/core/dashboard/model';
import { timelineFigure } from './timeline';
import type { FromDashboard, ToDashboard } from '../../src/protocol/dashboard';
import '../shared/elements';
import { connectHost, el } from '../shared/host';
import type { Band, Smoothing } from '../../src/core/dashboard/series';
import type { CurvesFigure, DashboardSettings, DashboardView, DashboardViewKind, ViewRequest } from '../../src/core/dashboard/view';
import { curvesPlot, type CurvePoint, type CurvesPlot, type KeyboardCursor } from './curves';
import { paperFigure } from './paper';
import { palette, snapshotPng, valueOf } from './draw';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);

type State = DashboardSettings;
let runs: RunInfo[] = [];
let haveRuns = false;
/** ptlab.mismatchKlWarning, as the host last sent it. */
let mismatchKlWarning = 1e-3;
/** What is drawn now (Chart.js charts, the uPlot curves plot): destroyed before the next view is drawn. */
let charts: { destroy(): void }[] = [];

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
const VIEWS: readonly (readonly [DashboardViewKind, string])[] = [
  ['curves', 'Curves'],
  ['paper', 'Paper view (ID vs OOD)'],
  ['time', 'Step time'],
];

const isOption = <T extends string>(value: unknown, options: readonly (readonly [T, string])[]): value is T => options.some(([option]) => option === value);

/**
 * The settings the page saved before a reload, each kept only where it is still one of this
 * page's options: a state saved by an older version can hold a setting since removed, which the
 * metrics worker would refuse on every view.
 */
function restoredState(saved: Partial<State> | undefined): State {
  const state: State = { view: 'curves', metric: 'id/success', xKey: 'gflops', smoothing: 'savgol:9', band: 'se', aggregate: true, selected: null };
  if (typeof saved !== 'object' || saved === null) return state;
  if (isOption(saved.view, VIEWS)) state.view = saved.view;
  if (typeof saved.metric === 'string') state.metric = saved.metric;
  const axis = X_AXES.find((a) => a.key === saved.xKey);
  if (axis) state.xKey = axis.key;
  if (isOption(saved.smoothing, SMOOTHING)) state.smoothing = saved.smoothing;
  if (isOption(saved.band, BANDS)) state.band = saved.band;
  if (typeof saved.aggregate === 'boolean') state.aggregate = saved.aggregate;
  if (Array.isArray(saved.selected) && saved.selected.every((f) => typeof f === 'string')) state.selected = saved.selected;
  const mark = saved.mark;
  if (mark && typeof mark.folder === 'string' && typeof mark.step === 'number' && typeof mark.label === 'string') state.mark = mark;
  return state;
}

const host = connectHost<FromDashboard, State>();
const state = restoredState(host.getState());

const metricSelect = el('vscode-single-select', { id: 'metric-select', 'aria-label': 'Metric' });
metricSelect.addEventListener('change', () => {
  state.metric = valueOf(metricSelect);
  changed();
});
fillMetricSelect([]); // our metrics now; other trainers' names when a view brings them
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
/** The curves' legend, as text (the plot below it, its canvas #curves-chart, is drawn by curves.ts). */
const seriesList = el('ul', { id: 'series-list', class: 'paper-legend curves-legend', 'aria-label': 'Curves shown' });
const curvesBox = el('div', { class: 'chart-box', id: 'curves', role: 'tabpanel', 'aria-labelledby': 'view-curves' }, seriesList);
const paperBox = el('div', { id: 'paper', class: 'paper', role: 'tabpanel', 'aria-labelledby': 'view-paper' });
const timeBox = el('div', { id: 'time', class: 'timeline', role: 'tabpanel', 'aria-labelledby': 'view-time' });
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
for (const [view, text] of VIEWS) {
  const tab = el('button', { class: 'view-tab', id: `view-${view}`, role: 'tab', 'aria-controls': view }, text);
  tab.addEventListener('click', () => showView(view));
  viewTabs.append(tab);
}
// A tablist is one tab stop: the arrow keys (and Home, End) move between its tabs, each showing its view.
viewTabs.addEventListener('keydown', (event) => {
  const at = VIEWS.findIndex(([view]) => view === state.view);
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: VIEWS.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const [view] = VIEWS[(to + VIEWS.length) % VIEWS.length]!;
  showView(view);
  document.getElementById(`view-${view}`)!.focus();
});

markSelectedTab();

function showView(view: DashboardViewKind): void {
  state.view = view;
  changed();
}

/** The selected tab is the tablist's one tab stop. */
function markSelectedTab(): void {
  for (const tab of viewTabs.children) {
    const selected = tab.id === `view-${state.view}`;
    tab.setAttribute('aria-selected', String(selected));
    tab.setAttribute('tabindex', selected ? '0' : '-1');
  }
}
refresh.addEventListener('click', () => host.post({ type: 'runs/refresh' }));
exportPng.addEventListener('click', () => {
  const area = state.view === 'curves' ? curvesBox : state.view === 'paper' ? paperBox : timeBox;
  host.post({ type: 'export', format: 'png', fileName: `${exportName()}.png`, data: snapshotPng(area) });
});
// The CSV holds every point of what is shown: the metrics worker, which keeps them, writes it.
exportCsv.addEventListener('click', () => host.post({ type: 'export', format: 'csv', fileName: `${exportName()}.csv`, request: viewRequest() }));

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
      haveRuns = true;
      break;
    case 'runs/changed':
      break;
    case 'view':
      received(message.id, message.view);
      return;
    case 'view/failed':
      failed(message.id, message.message);
      return;
    case 'focus':
      state.selected = message.folders;
      state.view = 'curves';
      if (message.metric) state.metric = message.metric;
      state.mark = message.mark && message.folders[0] !== undefined ? { ...message.mark, folder: message.folders[0] } : undefined;
      host.setState(state);
      break;
    case 'settings':
      mismatchKlWarning = message.mismatchKlWarning;
      break;
  }
  requestView();
});

function changed(): void {
  host.setState(state);
  requestView();
}

// ------------------------------------------------------------------ views
// The metrics worker keeps the runs' records and computes what is drawn (src/core/dashboard/
// view.ts); this page asks for a view on every change and draws the one that comes back. One
// request is in flight at a time: changes meanwhile ask again once it is answered.

let view: DashboardView | undefined;
let requested = 0;
let inFlight = false;
let stale = false;

function viewRequest(): ViewRequest {
  return {
    view: state.view,
    metric: state.metric,
    xKey: state.xKey,
    smoothing: state.smoothing,
    band: state.band,
    aggregate: state.aggregate,
    selected: state.selected,
    width: chartColumns(),
    mismatchKlWarning,
    ...(state.mark ? { mark: state.mark } : {}),
  };
}

function requestView(): void {
  if (!haveRuns) return; // the first view waits for the runs (a view without them would be drawn again at once)
  if (inFlight) {
    stale = true;
    return;
  }
  inFlight = true;
  stale = false;
  host.post({ type: 'view', id: ++requested, request: viewRequest() });
}

function received(id: number, answer: DashboardView): void {
  performance.mark('ptlab-dashboard-view-received'); // bench/dashboardRender.ts times from here
  if (id === requested) inFlight = false;
  if (id < requested && inFlight) return; // an answer to an earlier request: the latest is coming
  view = answer;
  if (answer.kind === 'curves' && answer.metric !== state.metric) {
    state.metric = answer.metric; // the focused runs do not record the metric asked for: their first one
    host.setState(state);
  }
  render();
  if (stale) requestView();
}

/** The host could not compute the view asked for (the metrics worker failed): say why, and ask again for any change since. */
function failed(id: number, message: string): void {
  if (id !== requested) return; // an earlier request's: the latest is coming
  inFlight = false;
  status.textContent = `This view could not be drawn: ${message}`;
  if (stale) requestView();
}

/** Device pixels across the curves chart: the columns its curves are decimated to. */
function chartColumns(): number {
  return Math.max(200, Math.ceil((curvesBox.clientWidth || document.body.clientWidth) * window.devicePixelRatio));
}

/** The chart width the shown curves were decimated for; a wider chart asks for them again. */
let decimatedWidth = 0;
/** The curves plot drawn now, if any: resized with its box. */
let curves: CurvesPlot | undefined;
new ResizeObserver(() => {
  curves?.resize();
  if (state.view === 'curves' && chartColumns() > decimatedWidth) requestView();
}).observe(curvesBox);
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// ------------------------------------------------------------------ rendering

function isShown(folder: string): boolean {
  return view?.runs.find((r) => r.folder === folder)?.selected ?? false;
}

function render(): void {
  empty.hidden = runs.length > 0;
  markSelectedTab();
  curveControls.hidden = state.view !== 'curves';
  curvesBox.hidden = state.view !== 'curves';
  paperBox.hidden = state.view !== 'paper';
  timeBox.hidden = state.view !== 'time';
  runList.hidden = state.view === 'paper'; // the paper view uses every comparison
  if (!view || view.kind !== state.view) return; // its view is on the way
  fillMetricSelect(view.extraMetrics);
  problems.replaceChildren(...view.problems.map((p) => el('li', {}, p)));
  // a live run's curves are redrawn as it writes: a focused chart stays focused
  const chartFocused = document.activeElement?.id === 'curves-chart';
  const keptCursor = chartFocused ? curves?.keyboardCursor() : undefined; // read before the chart goes, and its blur with it
  for (const chart of charts) chart.destroy();
  charts = [];
  if (view.timelines) {
    const timelines = view.timelines.flatMap(({ folder, timeline }) => {
      const info = runs.find((r) => r.folder === folder);
      return info ? [{ info, timeline }] : [];
    });
    renderRunList(view);
    status.textContent = timelines.length
      ? `Where each update's time went · ${timelines.length} run(s) · shares per update, mean seconds per stage, tokens/s`
      : "No step times yet: PPO runs record each update's time by stage (time/<stage>_s); tick one in the run list.";
    charts = timelineFigure(timeBox, timelines);
    performance.mark('ptlab-dashboard-rendered');
    return;
  }
  if (view.paper) {
    const columns = view.paper;
    status.textContent = columns.length
      ? `${columns.length} comparison(s): SFT and RL runs from the same Init checkpoint · rows ID and OOD · ${state.smoothing === 'none' ? 'unsmoothed' : `smoothed (${state.smoothing})`}`
      : 'No comparison yet: the paper view needs SFT and PPO runs that start from the same Init checkpoint (run.json "init").';
    charts = paperFigure(paperBox, columns, { smoothing: state.smoothing, band: state.band });
    performance.mark('ptlab-dashboard-rendered');
    return;
  }
  const figure = view.curves!;
  const metric = metricById(view.metric);
  const shown = runs.filter((r) => isShown(r.folder));
  renderRunList(view);
  const axisNote = figure.xFallback ? ` · ${X_AXES.find((a) => a.key === state.xKey)!.label} not recorded by these runs: shown against step` : '';
  const episodesHint = shown.length > 0 && shown.every((r) => r.source !== 'ptlab') ? '' : ' · click a point, or focus the chart and use the arrow keys and Enter, to open its episodes';
  status.textContent = `${metric.label} vs ${X_AXES.find((a) => a.key === figure.xKey)!.label} · ${shown.length} of ${runs.length} runs · ${figure.curves.length} curve(s)${axisNote}${episodesHint}`;
  if (shown.length === 1) status.textContent = `${shown[0]!.folder} · ${shown[0]!.source !== 'ptlab' ? describeSource(shown[0]!) : `${shown[0]!.job} · ${shown[0]!.status}`} · ${status.textContent}`;
  charts = [curvesChart(figure, metric.label, keptCursor)];
  if (chartFocused) document.getElementById('curves-chart')?.focus();
}

/** A run's status, with another trainer's run named for what it is (a TensorBoard log says nothing of its writer's state). */
function describeSource(run: RunInfo): string {
  return run.source === 'tensorboard' ? 'TensorBoard log' : run.source === 'hf-trainer' ? `Trainer run · ${run.status}` : run.status;
}

function fillMetricSelect(extra: readonly string[]): void {
  const options = [...METRICS.map((m) => [m.id, m.label] as const), ...extra.map((n) => [n, n] as const)];
  const signature = options.map((o) => o[0]).join('|') + `#${state.metric}`;
  if (metricSelect.dataset.signature === signature) return;
  metricSelect.dataset.signature = signature;
  metricSelect.replaceChildren(...options.map(([value, text]) => el('vscode-option', { value, ...(value === state.metric ? { selected: '' } : {}) }, text)));
}

function renderRunList(shownView: DashboardView): void {
  const rows = new Map(shownView.runs.map((r) => [r.folder, r]));
  const having = shownView.runs.filter((r) => r.hasMetric).map((r) => r.folder);
  runList.replaceChildren(
    el('div', { class: 'run-list-title' }, 'Runs'),
    ...runs.map((run) => {
      const row = rows.get(run.folder);
      // The ticks are the user's (state.selected) where they chose: a view answering an earlier choice must not undo a later one.
      const ticked = state.selected === null ? row?.selected === true : state.selected.includes(run.folder);
      const box = el('input', { type: 'checkbox', 'data-folder': run.folder, ...(ticked ? { checked: '' } : {}) });
      box.addEventListener('change', () => {
        const current = state.selected ?? having;
        state.selected = box.checked ? [...new Set([...current, run.folder])] : current.filter((f) => f !== run.folder);
        if (!box.checked && state.mark?.folder === run.folder) state.mark = undefined;
        changed();
      });
      const chip = el('span', { class: 'chip' });
      if (row?.color !== undefined && state.view === 'curves') chip.style.background = palette(row.color);
      const restarts = run.segments.length > 1 ? ` · resumed ×${run.segments.length - 1}` : '';
      const progress = row?.lastStep === undefined ? '' : ` · step ${row.lastStep}`;
      return el(
        'label',
        { class: `run${row?.hasMetric ? '' : ' no-metric'}`, title: `${run.groupLabel}${run.seed !== undefined ? ` · seed ${run.seed}` : ''}` },
        box,
        chip,
        el('span', { class: 'run-name' }, run.folder),
        el('span', { class: `run-status status-${run.status}` }, `${describeSource(run)}${progress}${restarts}`),
      );
    }),
  );
}

/** The curves of `figure` in the curves box; the rendered mark once uPlot has drawn them. */
function curvesChart(figure: CurvesFigure, metricLabel: string, keptCursor?: KeyboardCursor): { destroy(): void } {
  decimatedWidth = chartColumns();
  let marked = false;
  curves = curvesPlot(curvesBox, seriesList, figure, { y: metricLabel, canvasId: 'curves-chart' }, {
    onDrawn: () => {
      if (!marked) performance.mark('ptlab-dashboard-rendered'); // bench/dashboardRender.ts times up to here
      marked = true;
    },
    onPick: openEpisodes,
  }, keptCursor);
  const plot = curves;
  return { destroy: () => (plot.destroy(), curves === plot && (curves = undefined)) };
}

/** A click on a point: its run's episodes at that step (a TensorBoard log has none; a Trainer run's are TRL's logged completions, when it logged them). */
function openEpisodes({ curve, k }: CurvePoint): void {
  const folder = curve.folders[0];
  const episodes = (runs.find((r) => r.folder === folder)?.source ?? 'ptlab') !== 'tensorboard';
  if (folder && episodes) host.post({ type: 'open/transcripts', folder, step: curve.main.steps[k]!, split: curve.split ?? 'train' });
}

host.post({ type: 'ready' }); // the host answers with the settings, a focus if any, then the runs: the first view is asked for then
