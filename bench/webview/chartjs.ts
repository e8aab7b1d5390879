// Bare Chart.js in the page, for the 166k-point reference benchmark (bench/dashboardRender.ts).
import { Chart, Decimation, LinearScale, LineController, LineElement, PointElement } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Decimation);

/** Draws `series` lines of `points` points each on a fresh canvas; returns milliseconds. */
function renderLines(series: number, points: number, decimation: boolean): number {
  document.body.replaceChildren();
  const box = document.createElement('div');
  box.style.width = '1200px';
  box.style.height = '600px';
  const canvas = document.createElement('canvas');
  box.append(canvas);
  document.body.append(box);
  const datasets = Array.from({ length: series }, (_, s) => ({
    data: Array.from({ length: points }, (_, i) => ({ x: i, y: Math.sin(i / 500 + s) * 50 + ((i * 7919 + s * 104729) % 1000) / 100 })),
    borderColor: ['#3794ff', '#f14c4c', '#89d185'][s % 3],
    borderWidth: 1,
    pointRadius: 0,
  }));
  const t0 = performance.now();
  new Chart(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      maintainAspectRatio: false,
      scales: { x: { type: 'linear' }, y: { type: 'linear' } },
      plugins: { decimation: { enabled: decimation, algorithm: 'lttb', samples: 1000 } },
    },
  });
  return performance.now() - t0;
}

(window as unknown as { renderLines: typeof renderLines }).renderLines = renderLines;
