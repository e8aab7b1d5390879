// Rendering benchmarks in Chromium (playwright-core, Debian chromium, software rendering):
// 1. first render of 166,650 points with bare Chart.js and with bare uPlot (the library the
//    dashboard's curves chart is drawn with, here on its own, drawing every point), 3 lines of
//    55,550 points, the published uPlot benchmark's size (Chart.js about 38 ms, uPlot 34 ms
//    on their machine), in the same browser as the dashboard;
// 2. the dashboard: first render of one run with 166,650 steps, and of 10 runs x 100,000
//    steps (smoothed and M4-decimated to the chart's pixels in the metrics worker, drawn by uPlot),
//    then interaction: a setting changed,
//    hover frames. Cold renders: the median over fresh pages.
// `npm run bench:dashboard-render` (builds first). Prints milliseconds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { MetricBatch, RunInfo } from '../src/core/dashboard/model';
import { DashboardData } from '../src/core/dashboard/view';
import { launchChromium, openDashboardPage, post, repoRoot, serveDashboard } from '../test/support/dashboardHarness';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Cold renders are measured in this many fresh pages each (one look at a cold render is noise on a shared VM). */
const COLD_PAGES = 9;

/**
 * Bare Chart.js and bare uPlot. Each cold round renders a fresh Chart.js page, a fresh uPlot
 * page, then `between()` (the dashboard's cold page): the dashboard and uPlot are compared
 * round by round, under the same load of a shared VM.
 */
async function chartJsReference(between: () => Promise<void>): Promise<{ rows: Record<string, number>; uplotCold: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'ptlab-bench-'));
  for (const name of ['chartjs', 'uplot']) {
    await esbuild.build({ entryPoints: [join(repoRoot, 'bench', 'webview', `${name}.ts`)], bundle: true, outfile: join(dir, `${name}.js`), format: 'iife', minify: true, logLevel: 'warning' });
  }
  writeFileSync(join(dir, 'index.html'), `<!DOCTYPE html><html><body></body><script src="chartjs.js"></script><script src="uplot.js"></script></html>`);
  const browser = await launchChromium();
  try {
    const fresh = async (): Promise<Page> => {
      const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
      await page.goto(`file://${join(dir, 'index.html')}`);
      return page;
    };
    const chartJs = (page: Page, decimation: boolean) => page.evaluate((d) => (window as unknown as { renderLines(s: number, p: number, d: boolean): number }).renderLines(3, 55_550, d), decimation);
    const uplot = (page: Page) => page.evaluate(() => (window as unknown as { renderUplot(s: number, p: number): Promise<number> }).renderUplot(3, 55_550));
    const cold: number[] = [];
    const uplotCold: number[] = [];
    for (let i = 0; i < COLD_PAGES; i++) {
      for (const [times, render] of [[cold, (p: Page) => chartJs(p, false)], [uplotCold, uplot]] as const) {
        const page = await fresh();
        times.push(await render(page));
        await page.close();
      }
      await between();
    }
    const page = await fresh();
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await chartJs(page, false));
    const decimated: number[] = [];
    for (let i = 0; i < 5; i++) decimated.push(await chartJs(page, true));
    const uplotWarm: number[] = [];
    for (let i = 0; i < 5; i++) uplotWarm.push(await uplot(page));
    const rows = {
      [`Chart.js 166,650 points, first render (cold, median of ${COLD_PAGES} pages)`]: median(cold),
      'Chart.js 166,650 points, render (warm, median of 5)': median(warm),
      'Chart.js 166,650 points with LTTB decimation (median of 5)': median(decimated),
      [`uPlot 166,650 points, first render (cold, median of ${COLD_PAGES} pages)`]: median(uplotCold),
      'uPlot 166,650 points, render (warm, median of 5)': median(uplotWarm),
    };
    return { rows, uplotCold };
  } finally {
    await browser.close();
  }
}

/** What the metrics worker holds once it has read `runs` runs of `steps` training steps (bench:dashboard-ingest measures the reading). */
function workerData(runs: number, steps: number): DashboardData {
  const data = new DashboardData();
  const infos: RunInfo[] = Array.from({ length: runs }, (_, r) => ({ folder: `runs/bench/r${r}`, runId: `r${r}`, experiment: 'bench', job: 'ppo', status: 'finished', source: 'ptlab', seed: r, task: 'GP-L', init: undefined, groupKey: `g${r}`, groupLabel: `run ${r}`, segments: [], problems: [] }));
  data.setRuns(infos);
  for (let r = 0; r < runs; r++) {
    const stepsColumn = Float64Array.from({ length: steps }, (_, i) => i + 1);
    const batch: MetricBatch = {
      count: steps,
      axes: { steps: stepsColumn, gflops: stepsColumn.map((i) => i * 1.5), tokens: stepsColumn.map((i) => i * 100), episodes: stepsColumn.map((i) => i * 64), wallSeconds: stepsColumn.map((i) => i * 3) },
      series: { 'train:rollout/reward_mean': { steps: stepsColumn.slice(), ys: stepsColumn.map((i) => Math.sin(i / 700 + r) + ((i * 7919 + r) % 100) / 200), ns: stepsColumn.map(() => -1) } },
      splits: {},
    };
    data.apply({ folder: infos[r]!.folder, reset: true, batch, skippedLines: [], pendingLine: false });
  }
  return data;
}

/**
 * The dashboard's first render with the runs' records in the metrics worker: the worker's view
 * (smoothing every point, M4 to the chart's width; timed here in Node, where the worker runs),
 * then the webview's part, from the view's message to the drawn chart (timed in the page).
 */
async function dashboardFirstRender(page: Page, data: DashboardData): Promise<{ worker: number; webview: number }> {
  await post(page, [{ type: 'runs/set', runs: data.runs() }]);
  const worker = await serveDashboard(page, data);
  // Time the last view drawn, once the page is quiet (a page asks again when something changed while a view was on its way).
  const webview = await page.evaluate(async () => {
    const marks = (name: string): PerformanceEntry[] => performance.getEntriesByName(name);
    const deadline = performance.now() + 30_000;
    for (;;) {
      const count = marks('ptlab-dashboard-view-received').length + marks('ptlab-dashboard-rendered').length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const received = marks('ptlab-dashboard-view-received').at(-1);
      const rendered = marks('ptlab-dashboard-rendered').at(-1);
      const quiet = count === marks('ptlab-dashboard-view-received').length + marks('ptlab-dashboard-rendered').length;
      if (quiet && received && rendered && rendered.startTime >= received.startTime) return rendered.startTime - received.startTime;
      if (performance.now() > deadline) throw new Error(`the dashboard drew no view within 30 s (${marks('ptlab-dashboard-view-received').length} received, ${marks('ptlab-dashboard-rendered').length} drawn)`);
    }
  });
  return { worker: worker.at(-1)!, webview };
}

const DASHBOARD_STATE = { view: 'curves', metric: 'rollout/reward_mean', xKey: 'step', smoothing: 'savgol:31', band: 'none', aggregate: false, selected: null };

/** The dashboard's cold first renders (from `firsts`, one per round), against uPlot's in the same rounds. */
function firstRenderRows(firsts: { worker: number; webview: number }[], uplotCold: number[]): Record<string, number> {
  const both = firsts.map((f) => f.worker + f.webview);
  return {
    'dashboard: 1 run x 166,650 steps, first render, worker part, first view of the process (smooth, decimate)': firsts[0]!.worker,
    [`dashboard: 1 run x 166,650 steps, first render, worker part (median of ${COLD_PAGES})`]: median(firsts.map((f) => f.worker)),
    [`dashboard: 1 run x 166,650 steps, first render, webview part (view message to drawn chart; median of ${COLD_PAGES} pages)`]: median(firsts.map((f) => f.webview)),
    [`dashboard: 1 run x 166,650 steps, first render, both (median of ${COLD_PAGES} pages)`]: median(both),
    'dashboard: 1 run x 166,650 steps, first render, both, with the cold worker (first page)': both[0]!,
    [`dashboard minus uPlot, first render, paired by round (median of ${COLD_PAGES}; negative: the dashboard is faster)`]: median(both.map((b, i) => b - uplotCold[i]!)),
    [`rounds where the dashboard was no slower than uPlot (of ${COLD_PAGES})`]: both.filter((b, i) => b <= uplotCold[i]!).length,
  };
}

/** A many-run first render, then interaction on it: a setting changed, hover frames. */
async function dashboardInteraction(browser: Browser): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const page = await openDashboardPage(browser, { width: 1400, height: 800 }, DASHBOARD_STATE);
  const ten = await dashboardFirstRender(page, workerData(10, 100_000));
  out['dashboard: 10 runs x 100,000 steps, first render (worker + webview)'] = ten.worker + ten.webview;
  // Interaction: a setting changed (the x-axis select): a view asked for, computed, drawn.
  const rerender: number[] = [];
  for (const xKey of ['gflops', 'episodes', 'step', 'wallSeconds', 'tokens']) {
    rerender.push(
      await page.evaluate(async (key) => {
        performance.clearMarks();
        const t0 = performance.now();
        const select = document.getElementById('x-select') as unknown as { value: string; dispatchEvent(e: Event): boolean };
        select.value = key;
        select.dispatchEvent(new Event('change'));
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          const mark = performance.getEntriesByName('ptlab-dashboard-rendered').at(-1);
          if (mark && mark.startTime > t0) return mark.startTime - t0;
          if (performance.now() - t0 > 30_000) throw new Error(`no redraw within 30 s of x axis ${key}`);
        }
      }, xKey),
    );
  }
  out['dashboard: 10 x 100k, re-render on a setting change, request to drawn chart (median of 5)'] = median(rerender);
  // Hover: tooltip updates as the mouse moves across the chart, one frame each.
  const canvas = await page.locator('#curves-chart').boundingBox();
  const frames = await page.evaluate(async (box) => {
    const c = document.querySelector('#curves .u-over')!; // uPlot's event layer over the canvas
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      c.dispatchEvent(new MouseEvent('mousemove', { clientX: box.x + 80 + i * ((box.width - 160) / 30), clientY: box.y + box.height / 2, bubbles: true }));
      await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
      times.push(performance.now() - t0);
    }
    return times;
  }, canvas!);
  out['dashboard: 10 x 100k, hover frame with tooltip (median of 30)'] = median(frames);
  await page.close();
  return out;
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    const one = workerData(1, 166_650);
    const firsts: { worker: number; webview: number }[] = [];
    const dashboardCold = async (): Promise<void> => {
      const fresh = await openDashboardPage(browser, { width: 1400, height: 800 }, DASHBOARD_STATE);
      firsts.push(await dashboardFirstRender(fresh, one));
      await fresh.close();
    };
    const reference = await chartJsReference(dashboardCold);
    const rows = { ...reference.rows, ...firstRenderRows(firsts, reference.uplotCold), ...(await dashboardInteraction(browser)) };
    console.table(Object.entries(rows).map(([what, ms]) => ({ what, ms: +ms.toFixed(1) })));
  } finally {
    await browser.close();
  }
}

void main();
