// The paper's figures 5-7 for the workspace's runs: per comparison (task and Init checkpoint)
// a column with ID and OOD curves of SFT and RL against GFLOPs from the shared Init (dashed),
// and the final-performance bars with their change from Init; one curve and bar per arm (several
// arms of a method, named by how their configs differ, in shades of its colour).
import { Chart, type ChartDataset, type Plugin } from 'chart.js';
import type { MethodPanel, PaperColumn, PaperPanel } from '../../src/core/dashboard/model';
import { smooth, type Band, type Smoothing } from '../../src/core/dashboard/series';
import { tickCallback } from '../../src/core/dashboard/ticks';
import { el, themeColor } from '../shared/host';
import { withAlpha } from './draw';

interface Options {
  smoothing: Smoothing;
  band: Band;
}

export function methodColor(method: 'SFT' | 'RL' | 'Init'): string {
  if (method === 'RL') return themeColor('--vscode-charts-blue', '#3794ff');
  if (method === 'SFT') return themeColor('--vscode-charts-red', '#f14c4c');
  return withAlpha(themeColor('--vscode-foreground', '#cccccc'), 0.75);
}

/** A method's further arms: after its own colour, these (then again, fainter). */
const MORE_ARMS = { SFT: [['--vscode-charts-orange', '#d18616'], ['--vscode-charts-yellow', '#cca700']], RL: [['--vscode-charts-purple', '#b180d7'], ['--vscode-charts-green', '#89d185']] } as const;

/** The colour of the `index`th arm of `method` in a column. */
export function armColor(method: 'SFT' | 'RL', index: number): string {
  if (index === 0) return methodColor(method);
  const more = MORE_ARMS[method];
  const [variable, fallback] = more[(index - 1) % more.length]!;
  const color = themeColor(variable, fallback);
  return index > more.length ? withAlpha(color, 0.55) : color;
}

/** Each arm of a panel with its colour (panels of a column list the same arms in the same order). */
function armsOf(panel: PaperPanel): { arm: MethodPanel; color: string }[] {
  return panel.methods.map((arm) => ({ arm, color: armColor(arm.method, panel.methods.filter((m) => m.method === arm.method).indexOf(arm)) }));
}

function colors(): { text: string; grid: string } {
  const text = themeColor('--vscode-foreground', '#ccc');
  return { text, grid: withAlpha(text, 0.12) };
}

const ROW_NAMES = { id: 'In-distribution', 'rule-ood': 'Out-of-distribution (rule)', 'visual-ood': 'Out-of-distribution (visual)' } as const;
const ROW_LABELS = { id: 'ID', 'rule-ood': 'OOD rule', 'visual-ood': 'OOD visual' } as const;

/** Builds the figure into `box`; returns its charts (the caller destroys them). */
export function paperFigure(box: HTMLElement, columns: readonly PaperColumn[], options: Options): Chart[] {
  box.replaceChildren();
  if (columns.length === 0) return [];
  const entries = new Map<string, string>([['Init (shared checkpoint)', methodColor('Init')]]);
  for (const column of columns) for (const { arm, color } of armsOf(column.rows[0]!)) if (!entries.has(arm.label)) entries.set(arm.label, color);
  const legend = el(
    'div',
    { class: 'paper-legend' },
    ...[...entries].map(([label, color], i) => {
      const swatch = el('span', { class: `swatch${i === 0 ? ' dashed' : ''}` });
      swatch.style.backgroundColor = color;
      return el('span', { class: 'legend-item' }, swatch, el('span', { class: 'figure-text' }, label));
    }),
  );
  const grid = el('div', { class: 'paper-grid', id: 'paper-grid' });
  grid.style.gridTemplateColumns = `auto repeat(${columns.length}, minmax(180px, 1fr))`;
  box.append(legend, grid); // charts are sized from their attached canvases' boxes
  grid.append(el('div', {}), ...columns.map((c) => el('div', { class: 'paper-title figure-text', title: c.init }, `${c.task} · Init: ${c.init.split('/').slice(-2).join('/')}`)));
  const charts: Chart[] = [];
  for (const [row, { splitKind }] of columns[0]!.rows.entries()) {
    grid.append(el('div', { class: 'row-label figure-text' }, ROW_LABELS[splitKind]));
    for (const column of columns) {
      const canvas = el('canvas', { class: 'paper-curve', 'aria-label': `${column.task} ${ROW_NAMES[column.rows[row]!.splitKind]}` });
      grid.append(el('div', { class: 'panel' }, canvas));
      charts.push(curveChart(canvas, column.rows[row]!, options));
    }
  }
  grid.append(el('div', { class: 'row-label figure-text' }, 'Final'));
  for (const column of columns) {
    const canvas = el('canvas', { class: 'paper-bars', 'aria-label': `${column.task} final performance` });
    grid.append(el('div', { class: 'panel bars' }, canvas));
    charts.push(barChart(canvas, column));
  }
  return charts;
}

type Point = { x: number; y: number };

function curveChart(canvas: HTMLCanvasElement, panel: PaperPanel, options: Options): Chart {
  const datasets: ChartDataset<'line', Point[]>[] = [];
  const xs = panel.methods.flatMap((m) => m.curve.map((p) => p.x));
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  if (panel.init !== undefined && xs.length) {
    datasets.push({ label: 'Init', data: [{ x: xMin, y: panel.init * 100 }, { x: xMax, y: panel.init * 100 }], borderColor: methodColor('Init'), borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0 });
  }
  for (const { arm, color } of armsOf(panel)) datasets.push(...armDatasets(arm, color, options));
  const c = colors();
  const { field, name } = panel.measure;
  const metric = field === 'perStepAccuracyReference' ? "Per-step acc., reference's (%)" : field === 'perStepAccuracy' ? 'Per-step acc. (%)' : `${name.charAt(0).toUpperCase()}${name.slice(1)} (%)`;
  return new Chart<'line', Point[]>(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      plugins: { legend: { display: false }, tooltip: { filter: (item) => Boolean(item.dataset.label) } },
      scales: {
        x: {
          type: 'linear',
          min: xMin,
          max: xMax,
          title: { display: true, text: 'GFLOPs', color: c.text },
          ticks: { color: c.text, maxTicksLimit: 5, callback: (v) => shortNumber(Number(v)) },
          grid: { color: c.grid },
        },
        y: { title: { display: true, text: metric, color: c.text }, ticks: { color: c.text, maxTicksLimit: 6, callback: tickCallback }, grid: { color: c.grid }, grace: '5%' },
      },
    },
  });
}

function armDatasets(m: MethodPanel, color: string, options: Options): ChartDataset<'line', Point[]>[] {
  const ys = m.curve.map((p) => p.y * 100);
  const smoothed = smooth(ys, options.smoothing);
  const centre = smoothed ?? ys;
  const out: ChartDataset<'line', Point[]>[] = [];
  const half = m.curve.map((p) => (options.band === 'ci95' ? p.ci95 : p.sem) * 100);
  if (options.band !== 'none' && half.some((h) => h > 0)) {
    const widths = smooth(half, options.smoothing) ?? half;
    out.push({ data: m.curve.map((p, i) => ({ x: p.x, y: centre[i]! - widths[i]! })), borderWidth: 0, pointRadius: 0, fill: false });
    out.push({ data: m.curve.map((p, i) => ({ x: p.x, y: centre[i]! + widths[i]! })), borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: withAlpha(color, 0.2) });
  }
  if (smoothed) out.push({ data: m.curve.map((p, i) => ({ x: p.x, y: ys[i]! })), borderColor: withAlpha(color, 0.3), borderWidth: 1, pointRadius: 1.5, pointBackgroundColor: withAlpha(color, 0.35) });
  out.push({ label: `${m.label} (N=${m.runs.length})`, data: m.curve.map((p, i) => ({ x: p.x, y: centre[i]! })), borderColor: color, backgroundColor: color, borderWidth: 2.2, pointRadius: 0, pointHitRadius: 6 });
  return out;
}

export function shortNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** Value labels above the bars (each arm also shows its change from Init) and SEM whiskers;
 * dataset 0 is Init's, dataset k the panels' arm k - 1. */
function barAnnotations(column: PaperColumn): Plugin<'bar'> {
  return {
    id: 'barAnnotations',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.textAlign = 'center';
      ctx.font = '10px sans-serif';
      chart.data.datasets.forEach((dataset, d) => {
        const meta = chart.getDatasetMeta(d);
        meta.data.forEach((bar, i) => {
          const panel = column.rows[i]!;
          const value = dataset.data[i] as number;
          if (!Number.isFinite(value)) return;
          const method = d === 0 ? undefined : panel.methods[d - 1];
          const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
          let top = y;
          if (method && method.final.sem > 0) {
            const yScale = chart.scales.y!;
            const hi = yScale.getPixelForValue((method.final.mean + method.final.sem) * 100);
            const lo = yScale.getPixelForValue((method.final.mean - method.final.sem) * 100);
            ctx.strokeStyle = themeColor('--vscode-foreground', '#ccc');
            ctx.beginPath();
            ctx.moveTo(x, lo);
            ctx.lineTo(x, hi);
            ctx.moveTo(x - 3, hi);
            ctx.lineTo(x + 3, hi);
            ctx.stroke();
            top = Math.min(top, hi);
          }
          const delta = method && panel.init !== undefined ? (method.final.mean - panel.init) * 100 : undefined;
          ctx.fillStyle = delta === undefined ? themeColor('--vscode-foreground', '#ccc') : delta >= 0 ? themeColor('--vscode-charts-green', '#89d185') : themeColor('--vscode-charts-red', '#f14c4c');
          ctx.fillText(delta === undefined ? `${value.toFixed(1)}` : `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}`, x, top - 4);
        });
      });
      ctx.restore();
    },
  };
}

function barChart(canvas: HTMLCanvasElement, column: PaperColumn): Chart {
  const c = colors();
  const arms = armsOf(column.rows[0]!);
  const bars = [
    { label: 'Init', color: methodColor('Init'), fill: withAlpha(themeColor('--vscode-foreground', '#ccc'), 0.35), value: (panel: PaperPanel) => (panel.init ?? Number.NaN) * 100 },
    ...arms.map(({ arm, color }, k) => ({ label: arm.label, color, fill: withAlpha(color, 0.8), value: (panel: PaperPanel) => (panel.methods[k]?.final.mean ?? Number.NaN) * 100 })),
  ];
  const max = Math.max(...column.rows.flatMap((panel) => bars.map((bar) => bar.value(panel))).filter(Number.isFinite));
  return new Chart<'bar', number[]>(canvas, {
    type: 'bar',
    data: {
      labels: column.rows.map((r) => ROW_LABELS[r.splitKind]),
      datasets: bars.map((bar) => ({ label: bar.label, data: column.rows.map(bar.value), backgroundColor: bar.fill, borderColor: bar.color, borderWidth: 1 })),
    },
    plugins: [barAnnotations(column)],
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { ticks: { color: c.text }, grid: { display: false } },
        y: { min: 0, max: Math.min(100, Math.ceil((max * 1.2) / 10) * 10 || 100), title: { display: true, text: 'final (%)', color: c.text }, ticks: { color: c.text, maxTicksLimit: 5 }, grid: { color: c.grid } },
      },
    },
  });
}
