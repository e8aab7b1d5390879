// The dashboard webview in a bare Chromium (dist/webview/dashboard.js: node scripts/build.mjs
// first), the test in the host's place: what the page asks for, and what it does with answers.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ViewRequest } from '../../src/core/dashboard/view';
import { fixtureDashboard, launchChromium, openDashboardPage, post, repoRoot, serveDashboard } from '../support/dashboardHarness';

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
  let browser: Browser;
  let page: Page | undefined;
  before(async () => (browser = await launchChromium()));
  afterEach(async () => page?.close());
  after(async () => browser?.close());

  it('a failed view request is answered: the page says why, and asks for what changed meanwhile', async () => {
    page = await openDashboardPage(browser);
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

  it('a saved state with settings the page does not offer opens on their defaults, keeping the valid ones', async () => {
    const saved = { view: 'table', metric: 'id/success', xKey: 'wall', smoothing: 'gaussian:3', band: 'sd', aggregate: false, selected: 'all' };
    page = await openDashboardPage(browser, undefined, saved);
    const data = fixtureDashboard(RUNS);
    await post(page, [{ type: 'runs/set', runs: data.runs() }]);
    await serveDashboard(page, data);
    await page.locator('#series-list li').first().waitFor({ timeout: 10_000 });
    const { view, metric, xKey, smoothing, band, aggregate, selected } = (await viewRequests(page))[0]!.request;
    assert.deepEqual({ view, metric, xKey, smoothing, band, aggregate, selected }, { view: 'curves', metric: 'id/success', xKey: 'gflops', smoothing: 'savgol:9', band: 'se', aggregate: false, selected: null });
  });
});
