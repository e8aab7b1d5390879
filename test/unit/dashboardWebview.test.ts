// The dashboard webview in a bare Chromium (dist/webview/dashboard.js: node scripts/build.mjs
// first), the test in the host's place: what the page asks for, and what it does with answers.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { MetricRecord } from '../../src/core/contracts/generated/types';
import { batchOf, type RunInfo } from '../../src/core/dashboard/model';
import { DashboardData, type ViewRequest } from '../../src/core/dashboard/view';
import { fixtureDashboard, openDashboardPage, post, repoRoot, serveDashboard } from '../support/dashboardHarness';
import { chromiumForSuite } from '../support/chromiumSuite';

const RUNS = join(repoRoot, 'test', 'fixtures', 'workspace', 'runs');

/** The view requests the page has posted, in order. */
async function viewRequests(page: Page): Promise<{ id: number; request: ViewRequest }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string; id: number; request: ViewRequest }[] }).__posted.filter((m) => m.type === 'view'));
}

async function untilViewRequests(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'view').length >= n, count, { timeout: 10_000 });
}

describe('dashboard webview (Chromium)', function () {
  this.timeout(60_000);
  const chromium = chromiumForSuite();
  let page: Page | undefined;

  it('a failed view request is answered: the page says why, and asks for what changed meanwhile', async () => {
    page = await openDashboardPage(chromium.browser);
    const data = fixtureDashboard(RUNS);
    await post(page, [{ type: 'runs/set', runs: data.runs() }]);
    await untilViewRequests(page, 1);
    await page.click('#view-paper'); // the first request is in flight: this one waits for its answer
    await post(page, [{ type: 'view/failed', id: 1, message: 'the metrics worker stopped (exit code 1)' }]);
    await untilViewRequests(page, 2);
    assert.deepEqual((await viewRequests(page)).map((m) => [m.id, m.request.view]), [[1, 'curves'], [2, 'paper']]);
    assert.match(await page.locator('#status').innerText(), /could not be drawn: the metrics worker stopped \(exit code 1\)/);
    await serveDashboard(page, data);
    await page.locator('#status', { hasText: /comparison/ }).waitFor({ timeout: 10_000 });
    await page.click('#view-curves'); // and the page keeps asking
    await page.locator('#series-list li').first().waitFor({ timeout: 10_000 });
  });

  it("draws a long run's step times in bars of consecutive updates, and says so", async () => {
    const data = new DashboardData();
    const info: RunInfo = { ...fixtureDashboard(RUNS).runs()[0]!, folder: 'runs/long', job: 'ppo' };
    data.setRuns([info]);
    const update = (step: number) => ({ kind: 'train', step, time: '2026-12-07T00:00:00Z', segment: 0, compute: { parameters: 1, trainTokens: step, inferenceTokens: 0, gflops: step }, metrics: { 'time/generation_s': 2 + (step % 3), 'time/training_s': 3 } }) as MetricRecord;
    data.apply({ folder: 'runs/long', reset: true, batch: batchOf(Array.from({ length: 5_000 }, (_, i) => update(i + 1))), skippedLines: [], pendingLine: false });
    page = await openDashboardPage(chromium.browser, { width: 800, height: 900 }, { view: 'time', metric: 'id/success', xKey: 'step', smoothing: 'none', band: 'none', aggregate: false, selected: ['runs/long'] });
    await post(page, [{ type: 'runs/set', runs: data.runs() }]);
    await serveDashboard(page, data);
    const heading = page.locator('#time .timeline-run[data-folder="runs/long"] h3');
    await heading.waitFor({ timeout: 10_000 });
    const { request } = (await viewRequests(page))[0]!;
    const bars = data.view(request).timelines![0]!.timeline.steps.length;
    assert.ok(bars <= request.width && bars < 5_000, `${bars} bars for a chart ${request.width} pixels wide`);
    assert.equal(await heading.innerText(), `runs/long · 5000 update(s) · each bar the mean shares of about ${Math.round(5_000 / bars)} consecutive updates`);
    assert.equal(await page.locator('#time canvas.timeline-chart').count(), 1);
  });

  it('a saved state with settings the page does not offer opens on their defaults, keeping the valid ones', async () => {
    const saved = { view: 'table', metric: 'id/success', xKey: 'wall', smoothing: 'gaussian:3', band: 'sd', aggregate: false, selected: 'all' };
    page = await openDashboardPage(chromium.browser, undefined, saved);
    const data = fixtureDashboard(RUNS);
    await post(page, [{ type: 'runs/set', runs: data.runs() }]);
    await serveDashboard(page, data);
    await page.locator('#series-list li').first().waitFor({ timeout: 10_000 });
    const { view, metric, xKey, smoothing, band, aggregate, selected } = (await viewRequests(page))[0]!.request;
    assert.deepEqual({ view, metric, xKey, smoothing, band, aggregate, selected }, { view: 'curves', metric: 'id/success', xKey: 'gflops', smoothing: 'savgol:9', band: 'se', aggregate: false, selected: null });
  });

  it('the view tabs are a tablist: one tab stop, arrow keys move between the views, each tab names its panel', async () => {
    page = await openDashboardPage(chromium.browser);
    const data = fixtureDashboard(RUNS);
    await post(page, [{ type: 'runs/set', runs: data.runs() }]);
    await serveDashboard(page, data);
    await page.locator('#curves[data-drawn="true"]').waitFor({ timeout: 10_000 });
    const tabs = () => page!.evaluate(() => Array.from(document.querySelectorAll('[role=tab]')).map((t) => `${t.id} ${t.getAttribute('tabindex')} ${t.getAttribute('aria-selected')} ${document.getElementById(t.getAttribute('aria-controls') ?? '')?.getAttribute('role')}`));
    assert.deepEqual(await tabs(), ['view-curves 0 true tabpanel', 'view-paper -1 false tabpanel', 'view-time -1 false tabpanel']);
    await page.focus('#view-curves');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'view-paper');
    await page.locator('#paper:not([hidden])').waitFor({ timeout: 10_000 });
    assert.deepEqual(await tabs(), ['view-curves -1 false tabpanel', 'view-paper 0 true tabpanel', 'view-time -1 false tabpanel']);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowRight'); // from the last, round to the first
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'view-curves');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'view-time');
    await page.locator('#time:not([hidden])').waitFor({ timeout: 10_000 });
  });

  it("a run's colour swatch in the run list stays in its column, clear of the run's name", async () => {
    page = await openDashboardPage(chromium.browser, undefined, { view: 'curves', metric: 'id/success', xKey: 'step', smoothing: 'none', band: 'none', aggregate: false, selected: ['runs/gp-l/ppo-s0'] });
    const data = fixtureDashboard(RUNS);
    await post(page, [{ type: 'runs/set', runs: data.runs() }]);
    await serveDashboard(page, data);
    await page.locator('#curves[data-drawn="true"]').waitFor({ timeout: 10_000 });
    const run = page.locator('label.run', { hasText: 'runs/gp-l/ppo-s0' });
    const swatch = (await run.locator('.chip').boundingBox())!;
    const name = (await run.locator('.run-name').boundingBox())!;
    assert.ok(swatch.width <= 10.5 && swatch.x + swatch.width <= name.x, `swatch ${JSON.stringify(swatch)} runs into the name at x ${name.x}`);
  });

  it("a curve's points can be read and opened from the keyboard: arrows move a cursor, Enter opens the point's episodes, and only keyboard moves are announced", async () => {
    page = await openDashboardPage(chromium.browser, undefined, { view: 'curves', metric: 'id/success', xKey: 'step', smoothing: 'none', band: 'none', aggregate: false, selected: ['runs/gp-l/ppo-s0', 'runs/gp-l/sft-s0'] });
    const data = fixtureDashboard(RUNS);
    await post(page, [{ type: 'runs/set', runs: data.runs() }]);
    await serveDashboard(page, data);
    await page.locator('#curves[data-drawn="true"]').waitFor({ timeout: 10_000 });
    const curves = data.view((await viewRequests(page))[0]!.request).curves!.curves;
    const chart = page.locator('#curves-chart');
    assert.deepEqual(await chart.evaluate((c) => [c.tabIndex, c.getAttribute('role'), c.getAttribute('aria-label')?.startsWith('Learning curves')]), [0, 'application', true]);
    assert.match(await page.locator('#status').innerText(), /arrow keys/);
    const announced = page.locator('#curves-announcement');
    // a pointer over the plot shows the tooltip but says nothing
    const over = (await page.locator('#curves .u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width * 0.8, over.y + over.height / 2);
    assert.equal(await page.locator('.chart-tooltip').getAttribute('role'), null);
    assert.equal(await announced.textContent(), '');

    await chart.focus();
    await page.keyboard.press('ArrowRight'); // the first curve's first point
    await page.keyboard.press('ArrowRight'); // its second
    const second = await announced.textContent();
    assert.ok(second?.startsWith(`${curves[0]!.label}: `) && second.includes(`step ${curves[0]!.main.steps[1]}`), second ?? '');
    assert.equal(await page.locator('.chart-tooltip').innerText(), second);
    await page.keyboard.press('Enter');
    const opened = await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'open/transcripts'));
    assert.deepEqual(opened, [{ type: 'open/transcripts', folder: curves[0]!.folders[0], step: curves[0]!.main.steps[1], split: curves[0]!.split ?? 'train' }]);
    await page.keyboard.press('ArrowDown'); // the next curve, at its point nearest along x
    assert.ok((await announced.textContent())?.startsWith(`${curves[1]!.label}: `));
    await page.keyboard.press('ArrowUp');
    assert.ok((await announced.textContent())?.startsWith(`${curves[0]!.label}: `));
    // the run writes on: the curves are drawn again, and the chart keeps the focus
    await post(page, [{ type: 'runs/changed', folder: 'runs/gp-l/ppo-s0' }]);
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'view').length >= 2);
    await page.waitForFunction(() => document.activeElement?.id === 'curves-chart' && !document.getElementById('curves-announcement')?.textContent, undefined, { timeout: 5_000 });
    // ... and the cursor where it was: the next key moves on from it, not from the start
    const before = await page.locator('.chart-tooltip').innerText();
    assert.ok(before.startsWith(`${curves[0]!.label}: `), before);
    await page.keyboard.press('ArrowRight');
    const moved = (await announced.textContent()) ?? '';
    const k = curves[0]!.main.steps.findIndex((step) => before.includes(`step ${step}`));
    assert.ok(k >= 0 && moved.includes(`step ${curves[0]!.main.steps[k + 1]}`), `${before} -> ${moved}`);
    // Escape hides the cursor, and Enter then opens no hidden point
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    const openedAfter = await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'open/transcripts').length);
    assert.equal(openedAfter, 1);
  });
});
