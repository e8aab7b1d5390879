// The curves chart: the worker's decimated lines (src/core/dashboard/view.ts) drawn by uPlot,
// which draws a few thousand points per line in a few milliseconds and moves its cursor without
// redrawing them (Chart.js took a frame of 50-60 ms per hover and 100 ms to build a chart in a
// fresh page). Around it, in the page: the legend (text, for the PNG and screen readers), the
// tooltip of the nearest point with its raw value, band and seed count, and a click on a point
// to open its episodes.
import uPlot from 'uplot';
import { lowerBound, X_AXES } from '../../src/core/dashboard/model';
import { tickLabel } from '../../src/core/dashboard/ticks';
import type { CurveView, CurvesFigure, Line } from '../../src/core/dashboard/view';
import { el, themeColor } from '../shared/host';
import { palette, withAlpha } from './draw';

/** A point of a curve's main line: the curve and its index k there. */
export interface CurvePoint {
  curve: CurveView;
  k: number;
}

export interface CurvesPlot {
  /** Fits the plot to its box again (the box was resized). */
  resize(): void;
  destroy(): void;
  /** Where the keyboard's cursor is, for a redraw to put it back (undefined: not placed). */
  keyboardCursor(): KeyboardCursor | undefined;
}

/** The keyboard's cursor by curve label and x: what survives a redraw of a live run's curves. */
export interface KeyboardCursor {
  label: string;
  x: number;
}

/** A curve with 60 points or fewer shows them as dots. */
const FEW_POINTS = 60;
/** Pixels either side of the cursor searched for the nearest point. */
const PICK_RADIUS = 12;

/**
 * Draws `figure` into `box`: the legend into `legend`, the plot (its canvas gets the id
 * `canvasId`) below it. `onDrawn` runs after each draw; `onPick` on a click on a point.
 */
export function curvesPlot(
  box: HTMLElement,
  legend: HTMLElement,
  figure: CurvesFigure,
  labels: { y: string; canvasId: string },
  events: { onDrawn(): void; onPick(point: CurvePoint): void },
  kept?: KeyboardCursor,
): CurvesPlot {
  const { rate } = figure;
  const text = themeColor('--vscode-foreground', '#ccc');
  const grid = withAlpha(themeColor('--vscode-foreground', '#888'), 0.12);
  const font = `12px ${themeColor('--vscode-font-family', 'sans-serif')}`;
  legend.replaceChildren(
    ...figure.curves.map((curve) => el('li', { class: 'legend-item' }, swatch(palette(curve.color)), el('span', { class: 'figure-text' }, curve.label))),
  );

  const lines: { line: Line; series: uPlot.Series }[] = [];
  const bands: uPlot.Band[] = [];
  const mains: CurveView[] = [];
  for (const curve of figure.curves) {
    const color = palette(curve.color);
    const few = curve.count <= FEW_POINTS;
    if (curve.band) {
      lines.push({ line: curve.band.hi, series: { stroke: 'transparent', width: 0, points: { show: false }, spanGaps: true } });
      lines.push({ line: curve.band.lo, series: { stroke: 'transparent', width: 0, points: { show: false }, spanGaps: true } });
      bands.push({ series: [lines.length - 1, lines.length], fill: withAlpha(color, 0.18) }); // series indices count the x column
    }
    if (curve.raw) lines.push({ line: curve.raw, series: { stroke: withAlpha(color, 0.3), width: 1, points: { show: few, size: 3, fill: withAlpha(color, 0.3) }, spanGaps: true } });
    lines.push({ line: curve.main, series: { label: curve.label, stroke: color, width: 2, points: { show: few, size: 5, fill: color }, spanGaps: true } });
    mains.push(curve);
  }

  // The tooltip follows the pointer silently; a keyboard move is announced in the live region.
  const tooltip = el('div', { class: 'chart-tooltip' });
  tooltip.hidden = true;
  const announcement = el('div', { id: `${box.id}-announcement`, class: 'visually-hidden', 'aria-live': 'polite' });
  const dot = el('div', { class: 'chart-dot' });
  dot.hidden = true;
  const [x0, x1] = figure.xRange;
  const xLabel = X_AXES.find((a) => a.key === figure.xKey)!.label;
  const axis = (label: string, values: uPlot.Axis['values']): uPlot.Axis => ({
    stroke: text,
    font,
    labelFont: font,
    label,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    values,
  });
  const spaced: uPlot.Axis['values'] = (_u, splits) => splits.map((v, i) => tickLabel(v, (splits[i + 1] ?? splits[i - 1] ?? v) - v));
  let drawnOnce = false;
  const plot = new uPlot(
    {
      ...size(box, legend),
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false }, y: false },
      scales: {
        x: { time: false, ...(x0 < x1 ? { auto: false, range: [x0, x1] as uPlot.Range.MinMax } : {}) },
        y: rate ? { auto: false, range: [0, 1] as uPlot.Range.MinMax } : {},
      },
      axes: [
        axis(xLabel, spaced),
        { ...axis(rate ? `${labels.y} (%)` : labels.y, rate ? (_u, splits) => splits.map((v) => `${Math.round(v * 100)}`) : spaced), size: yAxisSize },
      ],
      series: [{}, ...lines.map((l) => l.series)],
      bands,
      hooks: {
        draw: [
          (u) => {
            drawMarkers(u, figure.markers);
            if (!drawnOnce) box.dataset.drawn = 'true';
            drawnOnce = true;
            events.onDrawn();
          },
        ],
        setCursor: [(u) => hover(u)],
      },
    },
    aligned(lines.map((l) => l.line)),
    box,
  );
  const canvas = plot.ctx.canvas;
  canvas.id = labels.canvasId;
  // role=application: a screen reader passes the arrow keys through to the chart's cursor
  for (const [name, value] of Object.entries({ tabindex: '0', role: 'application', 'aria-roledescription': 'chart', 'aria-label': `Learning curves: ${KEYS_HINT}` })) canvas.setAttribute(name, value);
  plot.over.append(dot);
  box.append(tooltip, announcement);

  /** The main line's point nearest the cursor, within PICK_RADIUS pixels along x (the nearest by x when none). */
  const nearest = (u: uPlot): { point: CurvePoint; left: number; top: number } | undefined => {
    const left = u.cursor.left ?? -1;
    const top = u.cursor.top ?? -1;
    if (left < 0) return undefined;
    let best: { point: CurvePoint; left: number; top: number; distance: number } | undefined;
    const consider = (curve: CurveView, k: number): void => {
      const { xs, ys } = curve.main;
      if (!Number.isFinite(ys[k]!)) return;
      const px = u.valToPos(xs[k]!, 'x');
      const py = u.valToPos(ys[k]!, 'y');
      const distance = Math.hypot(px - left, py - top);
      if (!best || distance < best.distance) best = { point: { curve, k }, left: px, top: py, distance };
    };
    for (const curve of mains) {
      const { xs } = curve.main;
      if (xs.length === 0) continue;
      // the points within PICK_RADIUS of the cursor along x, and the nearest one on each side
      const from = Math.max(0, lowerBound(xs, u.posToVal(left - PICK_RADIUS, 'x')) - 1);
      const to = Math.min(xs.length - 1, lowerBound(xs, u.posToVal(left + PICK_RADIUS, 'x')));
      for (let k = from; k <= to; k++) consider(curve, k);
    }
    return best;
  };
  function hover(u: uPlot): void {
    show(u, nearest(u));
  }
  /** The tooltip and dot at `hit` (in the plot area's pixels); hidden when undefined. */
  function show(u: uPlot, hit: { point: CurvePoint; left: number; top: number } | undefined): void {
    tooltip.hidden = dot.hidden = !hit;
    if (!hit) return;
    const { curve, k } = hit.point;
    tooltip.textContent = pointText(curve, k, rate);
    dot.style.background = palette(curve.color);
    dot.style.transform = `translate(${hit.left - 4}px, ${hit.top - 4}px)`;
    const over = u.over.getBoundingClientRect();
    const frame = box.getBoundingClientRect();
    const overLeft = over.left - frame.left;
    const overTop = over.top - frame.top;
    const flip = hit.left > u.over.clientWidth / 2;
    tooltip.style.left = flip ? '' : `${overLeft + hit.left + 12}px`;
    tooltip.style.right = flip ? `${box.clientWidth - overLeft - hit.left + 12}px` : '';
    tooltip.style.top = `${overTop + hit.top + 12}px`;
  }
  plot.over.addEventListener('click', () => {
    const hit = nearest(plot);
    if (hit) events.onPick(hit.point);
  });
  plot.over.addEventListener('mouseleave', () => (tooltip.hidden = dot.hidden = true));

  // The keyboard's cursor: a point of one curve's main line.
  const drawn = mains.filter((curve) => curve.main.xs.some((_x, k) => Number.isFinite(curve.main.ys[k]!)));
  let cursor: CurvePoint | undefined;
  const place = (point: CurvePoint, announce = true): void => {
    cursor = point;
    show(plot, { point, left: plot.valToPos(point.curve.main.xs[point.k]!, 'x'), top: plot.valToPos(point.curve.main.ys[point.k]!, 'y') });
    if (announce) announcement.textContent = tooltip.textContent;
  };
  const hide = (): void => {
    cursor = undefined; // Enter opens no point it does not show
    show(plot, undefined);
  };
  canvas.addEventListener('keydown', (event) => {
    if (drawn.length === 0) return;
    const at = cursor ?? { curve: drawn[0]!, k: -1 };
    const c = drawn.indexOf(at.curve);
    let next: CurvePoint | undefined;
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') next = { curve: at.curve, k: finiteFrom(at.curve, at.k, event.key === 'ArrowRight' ? 1 : -1) ?? Math.max(at.k, 0) };
    else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const curve = drawn[(c + (event.key === 'ArrowDown' ? 1 : drawn.length - 1)) % drawn.length]!;
      next = { curve, k: nearestAlongX(curve, cursor ? at.curve.main.xs[at.k]! : curve.main.xs[0]!) };
    } else if ((event.key === 'Enter' || event.key === ' ') && cursor) events.onPick(cursor);
    else if (event.key === 'Escape') hide();
    else return;
    event.preventDefault();
    if (next && Number.isFinite(next.curve.main.ys[next.k]!)) place(next);
  });
  canvas.addEventListener('blur', hide);
  const keptCurve = kept && drawn.find((curve) => curve.label === kept.label);
  if (keptCurve) place({ curve: keptCurve, k: nearestAlongX(keptCurve, kept.x) }, false); // the same point, said once already
  return {
    keyboardCursor: () => (cursor ? { label: cursor.curve.label, x: cursor.curve.main.xs[cursor.k]! } : undefined),
    resize: () => plot.setSize(size(box, legend)),
    destroy: () => {
      plot.destroy();
      tooltip.remove();
      announcement.remove();
    },
  };
}

/** How the chart's keyboard cursor is moved (in the canvas's label). */
const KEYS_HINT = 'Left and Right move along a curve, Up and Down switch curves, Enter opens the point’s episodes';

/** The next point of `curve`'s main line from k in direction `by` with a finite value, if any. */
function finiteFrom(curve: CurveView, k: number, by: 1 | -1): number | undefined {
  const { ys } = curve.main;
  for (let j = k + by; j >= 0 && j < ys.length; j += by) if (Number.isFinite(ys[j]!)) return j;
  return undefined;
}

/** The point of `curve`'s main line with a finite value nearest x. */
function nearestAlongX(curve: CurveView, x: number): number {
  const { xs } = curve.main;
  const right = finiteFrom(curve, lowerBound(xs, x) - 1, 1);
  const left = finiteFrom(curve, Math.min(lowerBound(xs, x), xs.length), -1);
  if (right === undefined) return left!;
  if (left === undefined) return right;
  return Math.abs(xs[left]! - x) <= Math.abs(xs[right]! - x) ? left : right;
}

/** A curve's point as the tooltip says it: value, band, step and the runs behind it. */
export function pointText(curve: CurveView, k: number, rate: boolean): string {
  const fmt = (v: number): string => (rate ? `${(v * 100).toFixed(1)}%` : v.toPrecision(4));
  const { raw, lo, hi, ns } = curve.at;
  const spread = lo && hi ? ` [${fmt(lo[k]!)}, ${fmt(hi[k]!)}]` : '';
  const n = ns?.[k];
  return `${curve.label}: ${fmt(raw[k]!)}${spread} · step ${curve.main.steps[k]}${n ? ` · N=${n}` : ''}`;
}

function swatch(color: string): HTMLElement {
  const node = el('span', { class: 'swatch' });
  node.style.background = color;
  return node;
}

/** The plot fills its box below the legend. */
function size(box: HTMLElement, legend: HTMLElement): { width: number; height: number } {
  return { width: Math.max(200, box.clientWidth), height: Math.max(160, box.clientHeight - legend.offsetHeight - 4) };
}

/** The y axis as wide as its longest tick label (uPlot's default is a fixed 50 px). */
function yAxisSize(u: uPlot, values: string[] | null): number {
  if (!values || values.length === 0) return 50;
  u.ctx.font = `${12 * uPlot.pxRatio}px sans-serif`;
  const widest = Math.max(...values.map((v) => u.ctx.measureText(v).width)) / uPlot.pxRatio;
  return Math.ceil(widest) + 16;
}

/**
 * uPlot's data: one x column, the union of every line's x, and each line's values at its own
 * x's (null elsewhere, spanned: the lines are not gapped by each other's points). A line's x's
 * ascend (the worker's M4 keeps their order), so each is placed by one walk along the union.
 */
function aligned(lines: readonly Line[]): uPlot.AlignedData {
  let total = 0;
  for (const line of lines) total += line.xs.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const line of lines) {
    all.set(line.xs, at);
    at += line.xs.length;
  }
  all.sort();
  let unique = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[unique - 1]) all[unique++] = all[i]!;
  const xs = all.subarray(0, unique);
  const columns = lines.map(({ xs: lineXs, ys: lineYs }) => {
    const ys = new Array<number | null>(unique).fill(null);
    for (let k = 0, j = 0; k < lineXs.length; k++) {
      const x = lineXs[k]!;
      if (xs[j]! > x) j = lowerBound(xs, x); // out of order: found by search
      while (xs[j]! < x) j++;
      const y = lineYs[k]!;
      ys[j] = Number.isFinite(y) ? y : null;
    }
    return ys;
  });
  return [xs, ...columns] as unknown as uPlot.AlignedData;
}

/** Vertical dashed lines where a run was resumed (segment starts) and at a marked step. */
function drawMarkers(u: uPlot, markers: readonly { x: number; label: string }[]): void {
  if (markers.length === 0) return;
  const { ctx, bbox } = u;
  const ratio = uPlot.pxRatio;
  ctx.save();
  ctx.strokeStyle = themeColor('--vscode-charts-yellow', '#cca700');
  ctx.fillStyle = ctx.strokeStyle;
  ctx.lineWidth = ratio;
  ctx.setLineDash([4 * ratio, 3 * ratio]);
  ctx.font = `${10 * ratio}px sans-serif`;
  for (const m of markers) {
    const px = u.valToPos(m.x, 'x', true);
    if (px < bbox.left || px > bbox.left + bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(px, bbox.top);
    ctx.lineTo(px, bbox.top + bbox.height);
    ctx.stroke();
    ctx.fillText(m.label, px + 3 * ratio, bbox.top + 10 * ratio);
  }
  ctx.restore();
}
