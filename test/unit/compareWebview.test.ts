// The compare view's webview in a bare Chromium (dist/webview/compare.js: node scripts/build.mjs
// first), the test in the host's place.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { compareEpisodes } from '../../src/core/compare/compare';
import type { OwnEpisode } from '../../src/core/contracts/contracts';
import type { ComparisonView } from '../../src/protocol/compare';
import { openWebviewPage, post, repoRoot } from '../support/dashboardHarness';
import { chromiumForSuite } from '../support/chromiumSuite';

const episodes = (run: string): OwnEpisode[] =>
  readFileSync(join(repoRoot, 'test', 'fixtures', 'workspace', 'runs', 'compare', run, 'episodes.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as OwnEpisode);

function comparisonView(problems: string[]): ComparisonView {
  const comparison = compareEpisodes(episodes('sft-final'), episodes('rl-final').slice(1));
  const source = (run: string) => ({ kind: 'evaluation' as const, id: `evaluation:runs/compare/${run}:100`, label: `${run} step 100`, run: `runs/compare/${run}`, step: 100, splits: ['id', 'ood-rule'] });
  return { a: source('sft-final'), b: source('rl-final'), splits: comparison.splits, rows: [], unmatched: comparison.unmatched, problems };
}

describe('compare webview (Chromium)', function () {
  this.timeout(60_000);
  const chromium = chromiumForSuite();
  let page: Page | undefined;

  it("shows what could not be read of the evaluations' episode files beside the numbers, as text", async () => {
    page = await openWebviewPage(chromium.browser, 'compare', ['webview.css']);
    const problems = ['runs/compare/rl-final/episodes.jsonl: skipped 1 bad line(s), first at line 2', 'runs/<img src=x onerror="window.__ptlabXss=1">/episodes.jsonl line 25 is incomplete: the run stopped while writing it'];
    await post(page, [{ type: 'compare/result', view: comparisonView(problems) }]);
    await page.locator('#split-table').waitFor();
    assert.deepEqual(await page.locator('#problems li').allTextContents(), problems);
    assert.ok(await page.locator('#problems').isVisible());
    assert.equal(await page.locator('#problems img').count(), 0, 'a file name is text, not markup');
    assert.match((await page.locator('#status').textContent()) ?? '', /1 episode\(s\) only one side has were left out/);
    // the next comparison, on clean files, says nothing of them
    await post(page, [{ type: 'compare/result', view: comparisonView([]) }]);
    await page.waitForFunction(() => document.querySelectorAll('#problems li').length === 0);
    assert.equal(await page.locator('#problems').isVisible(), false);
  });
});
