// Bare uPlot in the page, on the same 166k-point data as bench/webview/chartjs.ts: the
// reference the dashboard's first render is measured against (bench/dashboardRender.ts).
import uPlot from 'uplot';

/** Draws `series` lines of `points` points each in a fresh 1200 x 600 plot; milliseconds until it drew (uPlot draws in a microtask after its constructor). */
async function renderUplot(series: number, points: number): Promise<number> {
  document.body.replaceChildren();
  const box = document.createElement('div');
  document.body.append(box);
  const xs = Float64Array.from({ length: points }, (_, i) => i);
  const ys = Array.from({ length: series }, (_, s) => Float64Array.from({ length: points }, (_, i) => Math.sin(i / 500 + s) * 50 + ((i * 7919 + s * 104729) % 1000) / 100));
  const t0 = performance.now();
  new uPlot(
    {
      width: 1200,
      height: 600,
      legend: { show: false },
      scales: { x: { time: false } },
      series: [{}, ...ys.map((_, s) => ({ stroke: ['#3794ff', '#f14c4c', '#89d185'][s % 3], width: 1 }))],
    },
    [xs, ...ys] as unknown as uPlot.AlignedData,
    box,
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  return performance.now() - t0;
}

(window as unknown as { renderUplot: typeof renderUplot }).renderUplot = renderUplot;
