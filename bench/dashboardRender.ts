// Rendering benchmarks in Chromium (playwright-core, Debian chromium, software rendering):
// 1. first render of 166,650 points with bare Chart.js and with bare uPlot (a benchmark-only
//    dependency), 3 lines of 55,550 points, the published uPlot benchmark's size (Chart.js
//    about 38 ms, uPlot 34 ms on their machine), in the same browser as the dashboard;
// 2. the dashboard: first render of one run with 166,650 steps, and of 10 runs x 100,000
//    steps (smoothed, M4 decimation to the chart's pixels), then interaction: a setting changed,
//    hover frames. Cold renders: the median over fresh pages.
// `npm run bench:dashboard-render` (builds first). Prints milliseconds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { launchChromium, openDashboardPage, repoRoot } from '../test/support/dashboardHarness';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Cold renders are measured in this many fresh pages each (one look at a cold render is noise on a shared VM). */
const COLD_PAGES = 5;

async function chartJsReference(): Promise<Record<string, number>> {
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
    }
    const page = await fresh();
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await chartJs(page, false));
    const decimated: number[] = [];
    for (let i = 0; i < 5; i++) decimated.push(await chartJs(page, true));
    const uplotWarm: number[] = [];
    for (let i = 0; i < 5; i++) uplotWarm.push(await uplot(page));
    return {
      [`Chart.js 166,650 points, first render (cold, median of ${COLD_PAGES} pages)`]: median(cold),
      'Chart.js 166,650 points, render (warm, median of 5)': median(warm),
      'Chart.js 166,650 points with LTTB decimation (median of 5)': median(decimated),
      [`uPlot 166,650 points, first render (cold, median of ${COLD_PAGES} pages)`]: median(uplotCold),
      'uPlot 166,650 points, render (warm, median of 5)': median(uplotWarm),
    };
  } finally {
    await browser.close();
  }
}

/** Builds `runs` runs of `steps` training steps inside the page and posts them as the host would; ms to the rendered chart. */
async function dashboardFirstRender(page: Page, runs: number, steps: number): Promise<number> {
  return page.evaluate(
    async ({ runs, steps }) => {
      const messages: unknown[] = [
        {
          type: 'runs/set',
          runs: Array.from({ length: runs }, (_, r) => ({ folder: `runs/bench/r${r}`, runId: `r${r}`, experiment: 'bench', job: 'ppo', status: 'finished', seed: r, task: 'GP-L', init: undefined, groupKey: `g${r}`, groupLabel: `run ${r}`, segments: [], problems: [] })),
        },
      ];
      for (let r = 0; r < runs; r++) {
        // Float64 columns, as the worker sends them (bench:dashboard-ingest measures building them).
        const stepsColumn = Float64Array.from({ length: steps }, (_, i) => i + 1);
        const batch = {
          count: steps,
          axes: { steps: stepsColumn, gflops: stepsColumn.map((i) => i * 1.5), tokens: stepsColumn.map((i) => i * 100), episodes: stepsColumn.map((i) => i * 64), wallSeconds: stepsColumn.map((i) => i * 3) },
          series: { 'train:rollout/reward_mean': { steps: stepsColumn.slice(), ys: stepsColumn.map((i) => Math.sin(i / 700 + r) + ((i * 7919 + r) % 100) / 200), ns: stepsColumn.map(() => -1) } },
          splits: {},
        };
        messages.push({ type: 'records/append', folder: `runs/bench/r${r}`, reset: true, batch, skippedLines: [], pendingLine: false });
      }
      performance.clearMarks();
      const t0 = performance.now();
      for (const m of messages) window.postMessage(m, '*');
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const mark = performance.getEntriesByName('ptlab-dashboard-rendered').at(-1);
        if (mark && mark.startTime > t0) return mark.startTime - t0;
      }
    },
    { runs, steps },
  );
}

async function dashboardBench(): Promise<Record<string, number>> {
  const browser = await launchChromium();
  const out: Record<string, number> = {};
  try {
    const state = { view: 'curves', metric: 'rollout/reward_mean', xKey: 'step', smoothing: 'savgol:31', band: 'none', aggregate: false, selected: null };
    const firsts: number[] = [];
    for (let i = 0; i < COLD_PAGES; i++) {
      const fresh = await openDashboardPage(browser, { width: 1400, height: 800 }, state);
      firsts.push(await dashboardFirstRender(fresh, 1, 166_650));
      await fresh.close();
    }
    out[`dashboard: 1 run x 166,650 steps, first render (receive, smooth, decimate, draw; median of ${COLD_PAGES} pages)`] = median(firsts);
    const page = await openDashboardPage(browser, { width: 1400, height: 800 }, state);
    out['dashboard: 10 runs x 100,000 steps, first render'] = await dashboardFirstRender(page, 10, 100_000);
    // Interaction: a setting changed re-renders everything (the x-axis select).
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
          }
        }, xKey),
      );
    }
    out['dashboard: 10 x 100k, re-render on a setting change (median of 5)'] = median(rerender);
    // Hover: tooltip updates as the mouse moves across the chart, one frame each.
    const canvas = await page.locator('#curves-chart').boundingBox();
    const frames = await page.evaluate(async (box) => {
      const c = document.getElementById('curves-chart')!;
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
  } finally {
    await browser.close();
  }
  return out;
}

async function main(): Promise<void> {
  const rows = { ...(await chartJsReference()), ...(await dashboardBench()) };
  console.table(Object.entries(rows).map(([what, ms]) => ({ what, ms: +ms.toFixed(1) })));
}

void main();
