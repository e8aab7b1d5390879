// The transcript viewer's webview in a bare Chromium (dist/webview/transcripts.js: node
// scripts/build.mjs first), the test in the host's place.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TranscriptQuery, TranscriptsView } from '../../src/protocol/transcripts';
import { launchChromium, openWebviewPage, post } from '../support/dashboardHarness';

type Control = HTMLElement & { value: string; checked: boolean };

/** Sets a control as a user would (its value, then the event the page listens to). */
async function setControl(page: Page, selector: string, value: string | boolean, event: 'change' | 'input' = 'change'): Promise<void> {
  await page.locator(selector).evaluate(
    (node, [value, event]) => {
      const control = node as Control;
      if (typeof value === 'boolean') control.checked = value;
      else control.value = value;
      control.dispatchEvent(new Event(event));
    },
    [value, event] as const,
  );
}

async function controls(page: Page): Promise<Record<string, string | boolean>> {
  return page.evaluate(() => {
    const value = (id: string) => (document.getElementById(id) as Control).value;
    return { search: value('search'), split: value('filter-split'), sort: value('sort'), descending: (document.getElementById('sort-descending') as Control).checked, outcome: value('filter-success'), stepMin: value('step-min'), stepMax: value('step-max') };
  });
}

const lastQuery = (page: Page) => page.evaluate(() => (window as unknown as { __posted: { type: string; query?: TranscriptQuery }[] }).__posted.filter((m) => m.type === 'query').at(-1)?.query);

describe('transcripts webview (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page | undefined;
  before(async () => (browser = await launchChromium()));
  after(async () => {
    await page?.close();
    await browser?.close();
  });

  it('a step opened from the dashboard into an open viewer shows its query in every control: sort, search and outcome reset', async () => {
    page = await openWebviewPage(browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css']);
    const view: TranscriptsView = { title: 'runs/gp-l/ppo', file: 'runs/gp-l/ppo/episodes.jsonl', fsPath: '/w/runs/gp-l/ppo/episodes.jsonl', query: {} };
    const facets = { splits: ['train', 'id'], splitKinds: ['train', 'id'], tasks: ['GP-L'], checkpoints: [], failureModes: ['wrong-target'], stepMin: 0, stepMax: 100 };
    await post(page, [{ type: 'open', view }, { type: 'progress', progress: { bytes: 10, size: 10, episodes: 2, skipped: 0, skippedExamples: [], done: true }, facets }]);
    // the user sorts by reward, descending, searches and keeps the failures
    await setControl(page, '#sort', 'reward');
    await setControl(page, '#sort-descending', true);
    await setControl(page, '#filter-success', 'false');
    await setControl(page, '#search', 'stack', 'input');
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string; query?: TranscriptQuery }[] }).__posted.some((m) => m.query?.text === 'stack'));
    assert.deepEqual(await lastQuery(page), { success: false, text: 'stack', sort: { key: 'reward', descending: true } });

    // the dashboard opens step 40 of the training split: the host lists it by its own query
    const fromDashboard: TranscriptQuery = { stepMin: 40, stepMax: 40, splits: ['train'] };
    await post(page, [{ type: 'open', view: { ...view, query: fromDashboard } }]);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __state: { query: TranscriptQuery } }).__state.query), fromDashboard);
    assert.deepEqual(await controls(page), { search: '', split: 'train', sort: 'file', descending: false, outcome: '', stepMin: '40', stepMax: '40' });
    // and the next change asks for that list, changed
    await setControl(page, '#sort-descending', true);
    assert.deepEqual(await lastQuery(page), { splits: ['train'], stepMin: 40, stepMax: 40, sort: { key: 'file', descending: true } });
  });
});
