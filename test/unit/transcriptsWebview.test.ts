// The transcript viewer's webview in a bare Chromium (dist/webview/transcripts.js: node
// scripts/build.mjs first), the test in the host's place.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { EpisodeRecord } from '../../src/core/contracts/generated/types';
import { turnContexts } from '../../src/core/transcripts/episodeDetail';
import type { EpisodeRow } from '../../src/core/transcripts/types';
import type { EpisodeDetail, TranscriptQuery, TranscriptsView, TurnTokens } from '../../src/protocol/transcripts';
import { openWebviewPage, post, repoRoot } from '../support/dashboardHarness';
import { chromiumForSuite } from '../support/chromiumSuite';

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

/** The host's answer to the page's last query: all of `rows`, the index complete. */
async function answerLastQuery(page: Page, rows: EpisodeRow[]): Promise<void> {
  const generation = await page.evaluate(() => (window as unknown as { __posted: { type: string; generation: number }[] }).__posted.filter((m) => m.type === 'query').at(-1)!.generation);
  await post(page, [{ type: 'rows', result: { generation, total: rows.length, start: 0, rows, partial: false } }]);
}

type Posted = { type: string; generation: number; start: number; count: number };

/** Answers every query and window the page asked for since the last call, from `all` (`done`: the index complete). */
async function answerRequests(page: Page, all: EpisodeRow[], done: boolean, from: { seen: number }): Promise<void> {
  const asked = await page.evaluate((seen) => (window as unknown as { __posted: Posted[] }).__posted.slice(seen), from.seen);
  from.seen += asked.length;
  const answers = asked.filter((m) => m.type === 'query' || m.type === 'window').map((m) => ({ type: 'rows' as const, result: { generation: m.generation, total: all.length, start: m.start, rows: all.slice(m.start, m.start + m.count), partial: !done } }));
  await post(page, answers);
}

/** A list of 300 indexed episodes, its first window fetched: what the keyboard tests move through. */
async function openLongList(page: Page): Promise<{ all: EpisodeRow[]; host: { seen: number } }> {
  const view: TranscriptsView = { title: 'runs/big', file: 'runs/big/episodes.jsonl', fsPath: '/w/runs/big/episodes.jsonl', query: {} };
  const facets = { splits: ['train'], splitKinds: ['train'], tasks: ['GP-L'], checkpoints: [], failureModes: [], stepMin: 0, stepMax: 0 };
  const all = Array.from({ length: 300 }, (_, i): EpisodeRow => ({ row: i, line: i + 1, step: 0, split: 'train', task: 'GP-L', episode: i, seed: i, turns: 1, totalReward: 0, success: false, snippet: '' }));
  await post(page, [{ type: 'open', view }, { type: 'progress', progress: { bytes: 10, size: 10, episodes: all.length, skipped: 0, skippedExamples: [], done: true }, facets }]);
  const host = { seen: 0 };
  await answerRequests(page, all, true, host);
  await page.locator('#episode-list .episode-row[data-row]').first().waitFor();
  return { all, host };
}

describe('transcripts webview (Chromium)', function () {
  this.timeout(60_000);
  const chromium = chromiumForSuite();
  let page: Page | undefined;

  it('a step opened from the dashboard into an open viewer shows its query in every control: sort, search and outcome reset', async () => {
    page = await openWebviewPage(chromium.browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css']);
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

  it('a filter change takes the old list down at once: a row of it scrolled into view before the answer does not leave the new list scrolled past its first rows', async () => {
    page = await openWebviewPage(chromium.browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css']);
    const view: TranscriptsView = { title: 'runs/tokens/ppo', file: 'runs/tokens/ppo/episodes.jsonl', fsPath: '/w/runs/tokens/ppo/episodes.jsonl', query: {} };
    const facets = { splits: ['train', 'id'], splitKinds: ['train', 'id'], tasks: ['GP-L'], checkpoints: [], failureModes: [], stepMin: 0, stepMax: 1 };
    // 16 evaluation episodes at step 0, then the rollouts of update 1
    const row = (i: number): EpisodeRow => ({ row: i, line: i + 1, step: i < 16 ? 0 : 1, split: i < 16 ? 'id' : 'train', task: 'GP-L', episode: i < 16 ? i : i - 16, seed: i, turns: 1, totalReward: 0, success: false, snippet: '' });
    const all = Array.from({ length: 48 }, (_, i) => row(i));
    await post(page, [
      { type: 'open', view },
      { type: 'progress', progress: { bytes: 10, size: 10, episodes: all.length, skipped: 0, skippedExamples: [], done: true }, facets },
    ]);
    await answerLastQuery(page, all);
    const rollout = page.locator('#episode-list .episode-row', { hasText: 'train · step 1 · ep 0 ' });
    await rollout.waitFor({ state: 'attached' });

    await setControl(page, '#step-min', '1');
    assert.equal(await page.locator('#episode-list').getAttribute('aria-busy'), 'true');
    assert.equal(await rollout.count(), 0, "the old list's rows stay clickable while the filtered one is asked for");
    // what a click inside a webview does first: its target scrolled into view (the old list's, if it is still there)
    await page.evaluate(() => Array.from(document.querySelectorAll('#episode-list .episode-row')).find((r) => r.textContent?.includes('train · step 1 · ep 0 '))?.scrollIntoView({ block: 'center' }));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.deepEqual(await lastQuery(page), { stepMin: 1, sort: { key: 'file', descending: false } });
    await answerLastQuery(page, all.filter((r) => r.step >= 1));
    await rollout.waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await page.locator('#episode-list').getAttribute('aria-busy'), 'false');
  });

  it('a list scrolled past its first window while the file was indexed loads its first rows again after the re-query of the complete index', async () => {
    page = await openWebviewPage(chromium.browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css']);
    const view: TranscriptsView = { title: 'runs/big', file: 'runs/big/episodes.jsonl', fsPath: '/w/runs/big/episodes.jsonl', query: {} };
    const facets = { splits: ['train'], splitKinds: ['train'], tasks: ['GP-L'], checkpoints: [], failureModes: [], stepMin: 0, stepMax: 0 };
    const all = Array.from({ length: 300 }, (_, i): EpisodeRow => ({ row: i, line: i + 1, step: 0, split: 'train', task: 'GP-L', episode: i, seed: i, turns: 1, totalReward: 0, success: false, snippet: '' }));
    const progress = (done: boolean) => ({ type: 'progress' as const, progress: { bytes: done ? 10 : 5, size: 10, episodes: all.length, skipped: 0, skippedExamples: [], done }, facets });
    const host = { seen: 0 };
    await post(page, [{ type: 'open', view }, progress(false)]);
    await answerRequests(page, all, false, host);
    await page.locator('#episode-list .episode-row', { hasText: 'train · step 0 · ep 0 ' }).waitFor({ state: 'attached' });
    // the user reads on past the first window while the index is still being built
    await page.locator('#episode-list').evaluate((list) => (list.scrollTop = 150 * 46));
    await page.locator('#episode-list .episode-row.loading').first().waitFor({ state: 'attached' });
    await answerRequests(page, all, false, host);
    await page.locator('#episode-list .episode-row', { hasText: 'train · step 0 · ep 150 ' }).waitFor({ state: 'attached' });
    // the index completes: the list is asked again where the user is
    await post(page, [progress(true)]);
    await answerRequests(page, all, true, host);
    await page.locator('#episode-list[aria-busy="false"]').waitFor({ state: 'attached' });
    // and back at the top, the first window is asked for again and shown
    await page.locator('#episode-list').evaluate((list) => (list.scrollTop = 0));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await answerRequests(page, all, true, host);
    await page.locator('#episode-list .episode-row', { hasText: 'train · step 0 · ep 0 ' }).waitFor({ state: 'attached', timeout: 5_000 });
  });

  it("shows the street-view grids drawn from a record as they arrive, in place: the detail the user opened stays as it is", async () => {
    page = await openWebviewPage(chromium.browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css']);
    const file = join(repoRoot, 'test', 'fixtures', 'workspace', 'runs', 'transcripts', 'street-views', 'episodes.jsonl');
    const raw = readFileSync(file, 'utf8').split('\n')[0]!;
    const record = JSON.parse(raw) as EpisodeRecord;
    const detail: EpisodeDetail = { row: 0, line: 1, record, raw, turns: turnContexts(record), maxVerify: 2, turnImages: record.turns.map(() => undefined), imageNote: 'Drawing the street-view grid the model saw at each position (the run wrote no image)…' };
    await post(page, [{ type: 'detail', detail }]);
    await page.locator('#image-note', { hasText: 'Drawing the street-view grid' }).waitFor({ state: 'attached' });
    assert.equal(await page.locator('#observation-image').count(), 0);
    await page.locator('#turns > li[data-turn="1"] .prompt-box').evaluate((d) => ((d as HTMLDetailsElement).open = true)); // the user reads the second prompt
    const image = { src: PNG, caption: 'The street-view grid at position 1, drawn from the record (the run wrote no image).' };
    await post(page, [{ type: 'detail/images', row: 0, image, turnImages: [undefined, PNG, undefined], imageNote: detail.imageNote }]);
    await page.locator('#observation-image img').waitFor({ state: 'attached' });
    assert.equal(await page.locator('#observation-image figcaption').textContent(), image.caption);
    assert.equal(await page.locator('#turns > li[data-turn="1"] > .turn-image').getAttribute('src'), PNG);
    assert.equal(await page.locator('#turns > li[data-turn="1"] .prompt-box').evaluate((d) => (d as HTMLDetailsElement).open), true, 'the detail is not drawn again');
    await post(page, [{ type: 'detail/images', row: 0, image, turnImages: [undefined, PNG, undefined, PNG] }]);
    await page.locator('#turns > li[data-turn="3"] > .turn-image').waitFor({ state: 'attached' });
    assert.equal(await page.locator('#image-note').count(), 0, 'the note goes once every grid is drawn');
    assert.equal(await page.locator('#turns .turn-image').count(), 2);
    // a grid of an episode no longer shown is dropped; a note saying why there is none is shown
    await post(page, [{ type: 'detail/images', row: 7, turnImages: [undefined, undefined, undefined, undefined, PNG] }, { type: 'detail', detail: { ...detail, row: 1, imageNote: undefined } }]);
    await post(page, [{ type: 'detail/images', row: 1, turnImages: [], imageNote: 'No street-view grid at position 1: … This workspace is not trusted, so no Python process is started.' }]);
    await page.locator('#image-note', { hasText: 'not trusted' }).waitFor({ state: 'attached' });
    assert.equal(await page.locator('#detail img').count(), 0);
  });

  it('the episode list is a listbox a screen reader can follow: the selected option is the active descendant, its place in the whole list is given, and an opened episode is announced in a line', async () => {
    page = await openWebviewPage(chromium.browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css']);
    const { all, host } = await openLongList(page);
    assert.equal(await page.locator('#detail').getAttribute('aria-live'), null, 'the whole detail is read again on each arrow key');

    const selected = () =>
      page!.evaluate(() => {
        const list = document.getElementById('episode-list')!;
        const option = document.getElementById(list.getAttribute('aria-activedescendant') ?? '');
        return option && { row: option.dataset.row, selected: option.getAttribute('aria-selected'), position: `${option.getAttribute('aria-posinset')} of ${option.getAttribute('aria-setsize')}` };
      });
    const detailsAsked = () => page!.evaluate(() => (window as unknown as { __posted: { type: string; row?: number }[] }).__posted.filter((m) => m.type === 'detail').map((m) => m.row));
    await page.focus('#episode-list');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.deepEqual(await selected(), { row: '1', selected: 'true', position: '2 of 300' });
    await page.keyboard.press('PageDown');
    const page1 = await selected();
    assert.ok(page1 && Number(page1.row) > 2, `PageDown selected ${JSON.stringify(page1)}`);
    // End: the last row, fetched first (it is in no window asked for yet)
    await page.keyboard.press('End');
    await page.waitForFunction(() => (window as unknown as { __posted: Posted[] }).__posted.some((m) => m.type === 'window' && m.start === 200));
    await answerRequests(page, all, true, host);
    await page.waitForFunction(() => document.getElementById('episode-list')!.getAttribute('aria-activedescendant') !== null && document.querySelector('#episode-list [aria-selected=true]')?.getAttribute('data-row') === '299');
    assert.deepEqual(await selected(), { row: '299', selected: 'true', position: '300 of 300' });
    await page.keyboard.press('Home'); // its window is still held
    await page.waitForFunction(() => document.querySelector('#episode-list [aria-selected=true]')?.getAttribute('data-row') === '0');
    assert.deepEqual((await detailsAsked()).slice(-2), [299, 0]);

    // the detail arrives: a short line says which episode is open
    const line = readFileSync(join(repoRoot, 'test', 'fixtures', 'workspace', 'runs', 'transcripts', 'gp-vl', 'episodes.jsonl'), 'utf8').split('\n')[0]!;
    const record = JSON.parse(line) as EpisodeDetail['record'];
    await post(page, [{ type: 'detail', detail: { row: 0, line: 1, record, raw: line, turns: record.turns.map(() => ({ attempt: 1, attemptsLeft: 4 })), maxVerify: 5, turnImages: [] } as unknown as EpisodeDetail }]);
    await page.locator('#detail h2').waitFor();
    const announced = (await page.locator('#detail-announcement').textContent()) ?? '';
    assert.ok(announced.startsWith(`Episode ${record.split}`) && announced.length < 120, announced);
  });

  it('a click after a keyboard move into rows not yet fetched wins: the fetched rows do not open the keyboard\'s row over it', async () => {
    page = await openWebviewPage(chromium.browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css']);
    const { all, host } = await openLongList(page);
    await page.focus('#episode-list');
    await page.keyboard.press('End'); // row 299: its window is asked for, not answered yet
    await page.waitForFunction(() => (window as unknown as { __posted: Posted[] }).__posted.some((m) => m.type === 'window' && m.start === 200));
    await page.locator('#episode-list').evaluate((list) => (list.scrollTop = 0));
    await page.locator('#episode-list .episode-row[data-row="3"]').click();
    await answerRequests(page, all, true, host);
    await page.waitForFunction(() => document.querySelector('#episode-list [aria-selected=true]')?.getAttribute('data-row') === '3');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the rows' answer has been handled
    const asked = await page.evaluate(() => (window as unknown as { __posted: { type: string; row?: number }[] }).__posted.filter((m) => m.type === 'detail').map((m) => m.row));
    assert.equal(asked.at(-1), 3, `details asked: ${JSON.stringify(asked)}`);
    await page.keyboard.press('ArrowDown'); // from the clicked row
    await page.waitForFunction(() => document.querySelector('#episode-list [aria-selected=true]')?.getAttribute('data-row') === '4');
  });

  it("a turn's token heatmap can be read from the keyboard: a focusable heatmap with a token cursor, each token's values announced", async () => {
    page = await openWebviewPage(chromium.browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css'], undefined, { query: {}, selected: 0, tokenMeasure: 'sampling' });
    const pieces = ['24', ' =', ' 3*8', ''];
    const output = pieces.join('');
    const n = pieces.length;
    const ends = pieces.map((_, i) => pieces.slice(0, i + 1).join('').length);
    const tokens: TurnTokens = { turn: 0, update: 1, tokens: n, ids: [10, 11, 12, 2], textEnds: ends, sampling: [-0.1, -0.2, -0.3, -0.4], training: [-0.1, -0.2, -0.3, -0.4], entropy: [1, 1, 1, 1], ratio: [1, 1, 1, 1], weight: [1, 1, 1, 1], advantage: 0.5, value: null, return: 1, reward: 1, clip: 0.2 } as TurnTokens;
    const record = { runId: 'r', step: 1, split: 'train', splitKind: 'train', episode: 0, seed: 1, environment: { env: 'generalpoints', maxVerify: 1 }, turns: [{ index: 0, prompt: 'Make 24.', output, reward: 1, message: 'correct', done: true, outputTokens: n }], success: true, totalReward: 1 };
    const detail = { row: 0, line: 1, record, raw: JSON.stringify(record), turns: [{ attempt: 1, attemptsLeft: 0 }], maxVerify: 1, turnImages: [], tokens: { turns: [tokens], problems: [] } } as unknown as EpisodeDetail;
    await post(page, [{ type: 'detail', detail }]);
    const heatmap = page.locator('#turns pre.heatmap[data-turn="0"]');
    await heatmap.waitFor();
    assert.equal(await heatmap.getAttribute('tabindex'), '0');
    const announced = page.locator('#token-announcement');
    await heatmap.locator('.tok').nth(2).hover(); // the pointer's token is shown, not announced
    assert.match((await page.locator('#token-readout').textContent()) ?? '', /^turn 1, token 3 of 4/);
    assert.equal(await announced.textContent(), '');
    await heatmap.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.match((await announced.textContent()) ?? '', /^turn 1, token 2 of 4: " =" \(id 11\) · sampling -0\.2/);
    assert.equal(await heatmap.locator('.tok-cursor').getAttribute('data-i'), '1');
    await page.keyboard.press('End');
    assert.match((await announced.textContent()) ?? '', /^turn 1, token 4 of 4: \(the stop token\)/);
    await page.keyboard.press('Home');
    assert.equal(await heatmap.locator('.tok-cursor').getAttribute('data-i'), '0');
  });
});

/** A 2x2 PNG, as the grid server's answers are: a data URI. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGOMqljAwMDAxMDAwMDAAAARPAF2Wd/PIAAAAABJRU5ErkJggg==';
