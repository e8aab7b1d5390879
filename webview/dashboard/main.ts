// Dashboard webview: ID vs OOD success (with standard errors) of the selected run.
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { RunSummary, SplitCurve } from '../../src/core/runs';
import type { FromDashboard, ToDashboard } from '../../src/protocol/dashboard';
import '../shared/elements';
import { connectHost, el, themeColor } from '../shared/host';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

type XAxis = 'gflops' | 'step';
interface State {
  runFolder?: string;
  xAxis: XAxis;
}

const host = connectHost<FromDashboard, State>();
const state: State = host.getState() ?? { xAxis: 'gflops' };
let runs: RunSummary[] = [];
let chart: Chart<'line', { x: number; y: number }[]> | undefined;

const root = document.getElementById('root')!;
const runSelect = el('vscode-single-select', { id: 'run-select', 'aria-label': 'Run' });
const xSelect = el('vscode-single-select', { id: 'x-select', 'aria-label': 'X axis' });
for (const [value, label] of [['gflops', 'GFLOPs'], ['step', 'Step']] as const) {
  xSelect.append(el('vscode-option', { value, ...(state.xAxis === value ? { selected: '' } : {}) }, label));
}
const refresh = el('vscode-button', { id: 'refresh', secondary: '' }, 'Refresh');
const status = el('div', { id: 'status', class: 'status' });
const problems = el('ul', { id: 'problems', class: 'problems' });
const canvas = el('canvas', { id: 'success-chart', 'aria-label': 'Success rate per split' });
const empty = el('p', { id: 'empty', class: 'empty' }, 'No runs yet: runs appear here when a folder in the workspace holds a run.json.');
root.append(
  el('header', { class: 'toolbar' }, el('vscode-label', {}, 'Run'), runSelect, el('vscode-label', {}, 'X axis'), xSelect, refresh),
  status,
  problems,
  el('div', { class: 'chart-box' }, canvas),
  empty,
);

runSelect.addEventListener('change', () => {
  state.runFolder = (runSelect as unknown as { value: string }).value;
  host.setState(state);
  render();
});
xSelect.addEventListener('change', () => {
  state.xAxis = (xSelect as unknown as { value: string }).value as XAxis;
  host.setState(state);
  render();
});
refresh.addEventListener('click', () => host.post({ type: 'runs/refresh' }));

window.addEventListener('message', (event: MessageEvent<ToDashboard>) => {
  const message = event.data;
  switch (message.type) {
    case 'runs/set':
      runs = message.runs;
      fillRunSelect();
      render();
      return;
  }
});

function fillRunSelect(): void {
  if (!runs.some((r) => r.folder === state.runFolder)) state.runFolder = runs[0]?.folder;
  runSelect.replaceChildren(
    ...runs.map((r) =>
      el('vscode-option', { value: r.folder, ...(r.folder === state.runFolder ? { selected: '' } : {}) }, `${r.experiment} / ${r.runId} (${r.status})`),
    ),
  );
}

const SPLIT_COLORS: Record<SplitCurve['splitKind'], [string, string]> = {
  id: ['--vscode-charts-blue', '#3794ff'],
  'rule-ood': ['--vscode-charts-orange', '#d18616'],
  'visual-ood': ['--vscode-charts-purple', '#b180d7'],
};

function render(): void {
  const run = runs.find((r) => r.folder === state.runFolder);
  empty.hidden = runs.length > 0;
  canvas.parentElement!.hidden = !run;
  status.textContent = run ? `${run.folder} · ${run.job} · ${run.status}${run.step === undefined ? '' : ` · step ${run.step}`}` : '';
  problems.replaceChildren(...(run?.problems ?? []).map((p) => el('li', {}, p)));
  if (!run) return;
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = run.curves.map((curve) => {
    const color = themeColor(...SPLIT_COLORS[curve.splitKind]);
    return {
      label: `${curve.split} (${curve.splitKind})`,
      data: curve.points.map((p) => ({ x: state.xAxis === 'gflops' ? p.gflops : p.step, y: p.rate * 100 })),
      borderColor: color,
      backgroundColor: color,
      tension: 0,
    };
  });
  const foreground = themeColor('--vscode-foreground', '#ccc');
  const grid = themeColor('--vscode-editorWidget-border', '#444');
  chart?.destroy();
  chart = new Chart<'line', { x: number; y: number }[]>(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: state.xAxis === 'gflops' ? 'GFLOPs' : 'step', color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
        y: { min: 0, max: 100, title: { display: true, text: 'success %', color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
      },
      plugins: {
        legend: { labels: { color: foreground } },
        tooltip: {
          callbacks: {
            label: (item) => {
              const point = run.curves[item.datasetIndex]?.points[item.dataIndex];
              return point ? `${item.dataset.label}: ${(point.rate * 100).toFixed(1)}% ± ${(point.stderr * 100).toFixed(1)} (n=${point.n})` : '';
            },
          },
        },
      },
    },
  });
}

host.post({ type: 'ready' });
