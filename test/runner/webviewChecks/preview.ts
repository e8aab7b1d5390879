// The environment preview as a user sees it: GP-VL cards and a hand-typed answer scored as
// the TypeScript verifier scores it, a V-IRL route with its street-view grid, and strings from
// files or the user shown as text (nothing they contain runs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { completeSolutions, expertResponse, GeneralPointsEpisode, generalPointsConfig, verify } from '../../../src/core/envs/generalpoints';
import { fillQuickInput } from '../workbench';
import { repo } from '../workspace';
import type { WebviewCheck, WebviewCheckContext } from './types';

export async function openPreview({ runCommand, page, activeWebview }: WebviewCheckContext, file: string): Promise<FrameLocator> {
  await page.keyboard.press('Escape');
  await fillQuickInput(page, () => runCommand('Post-Training Lab: Preview Environment'), file, file, 30_000);
  await page.keyboard.press('Enter');
  const view = activeWebview();
  await view.locator('#summary', { hasText: file }).waitFor({ timeout: 60_000 });
  return view;
}

async function text(view: FrameLocator, selector: string): Promise<string> {
  return (await view.locator(selector).textContent({ timeout: 30_000 })) ?? '';
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function answerWith(view: FrameLocator, answer: string, attempt: number): Promise<void> {
  await view.locator('#answer').fill(answer);
  await view.locator('#answer').press('Control+Enter');
  await view.locator('#verdict', { hasText: `attempt ${attempt}` }).waitFor({ timeout: 30_000 });
}

/** Both side bars closed, so the preview gets the workbench's width (its two-column layout). */
async function widen(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  for (const [selector, keys] of [['.part.sidebar', 'Control+b'], ['.part.auxiliarybar', 'Control+Alt+b']] as const) {
    if (await page.locator(selector).isVisible()) await page.keyboard.press(keys);
  }
  await page.waitForTimeout(500); // the layout settles before the next quick input opens
}

/** The webview scrolled to its top, for a screenshot of what a user first sees. */
async function settle(page: Page, view: FrameLocator): Promise<void> {
  await view.locator('body').evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(400);
}

export const checks: WebviewCheck[] = [
  {
    title: 'webview: the preview shows a GP-VL prompt and cards, and scores typed answers as the TS verifier does',
    async run(context) {
      const { page, screenshot } = context;
      await widen(page);
      const view = await openPreview(context, 'preview-gp-vl.ptlab.json');
      // The training variant's first episode: the experiment's seed 0.
      const config = generalPointsConfig({ env: 'generalpoints', faceCards: 'all-10', suits: 'black', modality: 'vision', maxVerify: 5, verifier: 'strict' });
      const episode = new GeneralPointsEpisode(config, 0);
      expectEqual('prompt', await text(view, '#prompt'), episode.prompt);
      const image = view.locator('#card-image');
      await image.waitFor({ state: 'visible' });
      const size = await image.evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).getBoundingClientRect().width]);
      if (!(size[0]! > 0 && size[1]! > 100)) throw new Error(`the card image did not render (natural width ${size[0]}, shown ${size[1]})`);
      expectEqual('solutions listed', await view.locator('.solutions li').count(), completeSolutions(episode.hand.values, 24).length);

      const wrong = `{"cards": ${JSON.stringify(episode.hand.cards)}, "formula": "${episode.hand.values.join('*')}"}`;
      const wrongVerdict = verify(config, episode.hand, wrong);
      if (wrongVerdict.reward === 5) throw new Error('the wrong answer is right for this hand; pick another');
      await answerWith(view, wrong, 1);
      expectEqual('wrong answer reward', await text(view, '#verdict-reward'), `reward ${wrongVerdict.reward}`);
      expectEqual('wrong answer message', await text(view, '#verdict-message'), wrongVerdict.message);
      expectEqual('wrong answer failure mode', await text(view, '#verdict-failure'), wrongVerdict.failureMode);
      expectEqual('attempts', await text(view, '#attempts'), '4 of 5 attempts left');

      await view.locator('#expert').click();
      expectEqual('expert answer', await view.locator('#answer').inputValue(), expertResponse(episode.hand));
      await answerWith(view, expertResponse(episode.hand), 2);
      expectEqual('correct answer reward', await text(view, '#verdict-reward'), 'reward +5');
      expectEqual('correct answer message', await text(view, '#verdict-message'), verify(config, episode.hand, expertResponse(episode.hand)).message);
      expectEqual('episode state', await text(view, '#attempts'), 'solved');
      await settle(page, view);
      await screenshot('preview-gp-vl');

      // Hidden and shown again (another tab in front), the panel keeps its episode.
      await page.locator('.tabs-container .tab', { hasText: 'Post-Training Lab: Dashboard' }).click();
      await page.locator('.tabs-container .tab', { hasText: 'Preview: preview-gp-vl.ptlab.json' }).click();
      expectEqual('transcript after hide/show', (await text(view, '#transcript')).includes(wrongVerdict.message), true);
      expectEqual('verdict after hide/show', await text(view, '#verdict-reward'), 'reward +5');

      // Another seed: another hand.
      const next = new GeneralPointsEpisode(config, 1240);
      await view.locator('#seed').fill('1240');
      await view.locator('#seed').press('Enter');
      await view.locator('#answer:not([disabled])').waitFor();
      expectEqual('prompt of seed 1240', await text(view, '#prompt'), next.prompt);
      const cards = await text(view, '#cards');
      if (!next.hand.cards.every((c) => cards.includes(c))) throw new Error(`seed 1240 shows ${cards}, expected ${next.hand.cards.join(' ')}`);
    },
  },
  {
    title: 'webview: the preview draws a V-IRL-VL route, its street-view grid, and moves the agent on the expert answer',
    async run(context) {
      const { page, screenshot, workspace } = context;
      // The trainer's Python draws the grid; the test points the setting at this checkout's.
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'ptlab.pythonPath': join(repo, '.venv', 'bin', 'python') }, null, 2));
      const view = await openPreview(context, 'preview-virl.ptlab.json');
      await view.locator('#route-map polyline').waitFor({ timeout: 30_000 });
      const dots = await view.locator('#route-map circle').count();
      if (dots < 4) throw new Error(`the route map has only ${dots} circles`);
      const agentBefore = await view.locator('#map-agent').getAttribute('transform');
      await view.locator('#street-view-image').waitFor({ state: 'visible', timeout: 60_000 });
      const grid = await view.locator('#street-view-image').evaluate((img) => (img as HTMLImageElement).naturalWidth);
      if (grid < 600) throw new Error(`the street-view grid is ${grid} px wide`);
      await view.locator('#expert').click();
      await view.locator('#answer').press('Control+Enter');
      await view.locator('#verdict-message', { hasText: 'Correct action.' }).waitFor({ timeout: 30_000 });
      await view.locator('.rail li.current').nth(0).waitFor();
      const agentAfter = await view.locator('#map-agent').getAttribute('transform');
      if (agentAfter === agentBefore) throw new Error('the agent did not move on the map after a correct answer');
      expectEqual('current rail row', await view.locator('.rail li').nth(1).getAttribute('aria-current'), 'step');
      await view.locator('#street-view-image').waitFor({ state: 'visible', timeout: 60_000 });
      await settle(page, view);
      await screenshot('preview-virl');
    },
  },
  {
    title: 'webview: the preview shows route names and typed answers with markup as text; nothing in them runs',
    async run(context) {
      const { page, screenshot } = context;
      const view = await openPreview(context, 'preview-xss.ptlab.json');
      await view.locator('#route-legend').waitFor();
      const typed = `<img src=x onerror="window.__ptlabPwned='answer'"><script>window.__ptlabPwned='answer-script'</script>`;
      await answerWith(view, typed, 1);
      const legend = await text(view, '#route-legend');
      for (const shown of [`Start: <img src=x onerror="window.__ptlabPwned='start'">`, '<img src=x onerror=window.__ptlabPwned=1> is on your left', '<b>bold</b><script>window.__ptlabPwned=2</script>']) {
        if (!legend.includes(shown)) throw new Error(`the legend does not show ${JSON.stringify(shown)} as text: ${JSON.stringify(legend)}`);
      }
      const transcript = await text(view, '#transcript');
      if (!transcript.includes(typed)) throw new Error('the typed answer is not shown as text in the transcript');
      if (!(await text(view, '#summary')).includes('preview-xss')) throw new Error('no summary');
      await settle(page, view);
      const found = await view.locator('body').evaluate(() => ({
        pwned: (window as unknown as { __ptlabPwned?: unknown }).__ptlabPwned ?? null,
        injected: document.querySelectorAll('#root img:not(#card-image):not(#street-view-image), #root script, #root b').length,
      }));
      if (found.pwned !== null || found.injected > 0) throw new Error(`markup from a file or the user ran or became elements: ${JSON.stringify(found)}`);
      await screenshot('preview-xss');
    },
  },
  {
    title: 'webview: a reloaded window restores the preview with its episode replayed',
    async run(context) {
      const { page, activeWebview } = context;
      let view = await openPreview(context, 'preview-gp-vl.ptlab.json');
      const typed = 'not an answer, kept across a reload';
      await answerWith(view, typed, 1);
      // The workbench's own reload: it saves its state (the webview's included) on the way out.
      await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), context.runCommand('Developer: Reload Window')]);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      view = activeWebview();
      await view.locator('#transcript', { hasText: typed }).waitFor({ timeout: 60_000 });
      expectEqual('attempts after the reload', await text(view, '#attempts'), '4 of 5 attempts left');
    },
  },
];
