// The webviews under VS Code's light and high-contrast themes (their colours as VS Code passes
// them: test/fixtures/themes/webviewThemes.json), in a bare Chromium (node scripts/build.mjs
// first): text readable (WCAG AA, 4.5:1), a graphic's marks seen (3:1) and the current or selected
// item told apart.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { EpisodeRow } from '../../src/core/transcripts/types';
import type { EpisodeView } from '../../src/protocol/preview';
import type { EpisodeDetail, TurnTokens } from '../../src/protocol/transcripts';
import { fixtureDashboard, LIGHT_AND_CONTRAST_THEMES, openDashboardPage, openWebviewPage, paintContrast, post, repoRoot, serveDashboard, textContrast, type WebviewTheme } from '../support/dashboardHarness';
import { chromiumForSuite } from '../support/chromiumSuite';

const READABLE = 4.5;
/** WCAG's contrast for the parts of a graphic that carry its meaning. */
const GRAPHIC = 3;

const generalPoints: EpisodeView = {
  configUri: 'file:///w/gp.ptlab.json',
  configPath: 'gp.ptlab.json',
  experiment: 'gp',
  variants: [{ id: 'train', name: 'train', kind: 'train', task: 'GP-L', overrides: [], recognition: false, eachRouteOnce: false, firstSeed: 0 }],
  variantId: 'train',
  seed: 3,
  env: 'generalpoints',
  modality: 'language',
  verifier: 'reference',
  maxVerify: 5,
  prompt: 'Cards: 3 5 7 K. Make 24.',
  transcript: [
    { kind: 'answer', text: '{"formula": "(7-5)*13-3"}' },
    { kind: 'verdict', attempt: 1, reward: -1, message: 'not 24', failureMode: 'wrong-answer', correct: false, done: false, success: false },
    { kind: 'answer', text: '{"formula": "3*(13-5)"}' },
    { kind: 'verdict', attempt: 2, reward: 5, message: 'correct', failureMode: null, correct: true, done: true, success: true },
  ],
  done: true,
  success: true,
  attemptsLeft: 3,
  attemptsNote: 'solved at attempt 2',
  generalPoints: { cards: ['3', '5', '7', 'K'], suits: ['spades', 'hearts', 'clubs', 'diamonds'], values: [3, 5, 7, 13], solutions: ['3*(13-5)'], verifierSolutions: 1 },
} as EpisodeView;

const virl: EpisodeView = {
  ...generalPoints,
  env: 'virl',
  prompt: 'Navigate',
  transcript: [],
  done: false,
  success: false,
  attemptsNote: '2 attempts left',
  generalPoints: undefined,
  virl: {
    routeId: 'r1',
    city: 'NYC',
    position: 1,
    railLength: 3,
    instruction: ['Head east.'],
    map: { start: 'A', destination: 'B', intersections: [{ x: 0, y: 0, landmarks: '' }, { x: 2, y: 0, landmarks: 'Cafe' }], rail: [0, 1, 2].map((i) => ({ x: i, y: 0, heading: 90, action: i === 2 ? 'stop' : 'forward()', observation: `Position ${i}: no landmarks` })), agent: 1 },
  },
} as EpisodeView;

/** What tells an element apart at a glance: the colours it is drawn in (its background composited over its ancestors'), its outline and border. */
function look(page: Page, selector: string): Promise<string> {
  return page.locator(selector).first().evaluate((node) => {
    const rgba = (css: string): number[] => {
      const [r, g, b, a] = css.match(/[\d.]+/g)!.map(Number);
      return [r!, g!, b!, a ?? 1];
    };
    const over = (top: number[], under: number[]): number[] => [0, 1, 2].map((i) => Math.round(top[i]! * top[3]! + under[i]! * (1 - top[3]!))).concat(1);
    const chain: Element[] = [];
    for (let n: Element | null = node; n; n = n.parentElement) chain.unshift(n);
    const background = chain.reduce((under, n) => over(rgba(getComputedStyle(n).backgroundColor), under), [255, 255, 255, 1]);
    const s = getComputedStyle(node);
    const line = (style: string, width: string, color: string): string => (style === 'none' || rgba(color)[3] === 0 ? 'none' : `${style} ${width} ${color}`);
    return [`background ${background.slice(0, 3).join(',')}`, `text ${s.color}`, `outline ${line(s.outlineStyle, s.outlineWidth, s.outlineColor)}`, `border ${line(s.borderStyle, s.borderWidth, s.borderColor)}`].join(' / ');
  });
}

describe('webviews under light and high-contrast themes (Chromium)', function () {
  this.timeout(60_000);
  const chromium = chromiumForSuite();
  let page: Page | undefined;

  const openPreview = async (theme: WebviewTheme, view: EpisodeView): Promise<Page> => {
    const opened = await openWebviewPage(chromium.browser, 'preview', ['webview.css', 'preview.css', 'route-map.css'], undefined, undefined, theme);
    await opened.evaluate((m) => window.postMessage(m, '*'), { type: 'episode/set', view });
    return opened;
  };

  /** The transcript viewer listing `count` episodes, every third solved. */
  const openTranscripts = async (theme: WebviewTheme, count = 30): Promise<Page> => {
    const opened = await openWebviewPage(chromium.browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css'], undefined, undefined, theme);
    const facets = { splits: ['train'], splitKinds: ['train'], tasks: ['GP-L'], checkpoints: [], failureModes: ['wrong-answer'], stepMin: 0, stepMax: 100 };
    const view = { title: 'runs/gp-l/ppo', file: 'runs/gp-l/ppo/episodes.jsonl', fsPath: '/w/runs/gp-l/ppo/episodes.jsonl', query: {} };
    await post(opened, [{ type: 'open', view }, { type: 'progress', progress: { bytes: 10, size: 10, episodes: count, skipped: 0, skippedExamples: [], done: true }, facets }]);
    const rows = Array.from({ length: count }, (_, i): EpisodeRow => ({ row: i, line: i + 1, step: 100, split: 'train', task: 'GP-L', episode: i, seed: i, turns: 2, totalReward: i % 3 === 0 ? 5 : -1, success: i % 3 === 0, ...(i % 3 === 0 ? {} : { failureMode: 'wrong-answer' }), snippet: `answer ${i}` }));
    const generation = await opened.evaluate(() => (window as unknown as { __posted: { type: string; generation: number }[] }).__posted.filter((m) => m.type === 'query').at(-1)!.generation);
    await post(opened, [{ type: 'rows', result: { generation, total: rows.length, start: 0, rows, partial: false } }]);
    await opened.locator('.episode-row[role=option]').first().waitFor();
    return opened;
  };

  /** The transcript viewer showing a PPO episode's per-token records, its outputs colored by sampling log-prob. */
  const openTokens = async (theme: WebviewTheme): Promise<Page> => {
    const opened = await openWebviewPage(chromium.browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css'], undefined, { query: {}, selected: 0, tokenMeasure: 'sampling' }, theme);
    const output = '24 = 3*8';
    const tokens = { turn: 0, update: 1, tokens: 3, ids: [10, 11, 12], textEnds: [2, 4, 8], sampling: [-0.1, -0.2, -0.3], training: [-0.1, -0.2, -0.3], entropy: [1, 1, 1], ratio: [1, 1, 1], weight: [1, 1, 1], advantage: 0.5, value: null, return: 1, reward: 1, clip: 0.2 } as TurnTokens;
    const record = { runId: 'r', step: 1, split: 'train', splitKind: 'train', episode: 0, seed: 1, environment: { env: 'generalpoints', maxVerify: 1 }, turns: [{ index: 0, prompt: 'Make 24.', output, reward: 1, message: 'correct', done: true, outputTokens: 3 }], success: true, totalReward: 1 };
    const detail = { row: 0, line: 1, record, raw: JSON.stringify(record), turns: [{ attempt: 1, attemptsLeft: 0 }], maxVerify: 1, turnImages: [], tokens: { turns: [tokens], problems: [] } } as unknown as EpisodeDetail;
    await post(opened, [{ type: 'detail', detail }]);
    await opened.locator('button.token-measure[aria-pressed="true"]').waitFor();
    return opened;
  };

  for (const theme of LIGHT_AND_CONTRAST_THEMES) {
    it(`preview, ${theme}: the model's answers are readable`, async () => {
      page = await openPreview(theme, generalPoints);
      await page.locator('#transcript .turn-assistant pre').first().waitFor();
      const ratio = await textContrast(page, '#transcript .turn-assistant pre');
      assert.ok(ratio >= READABLE, `the answer's text is ${ratio.toFixed(2)}:1 on its background`);
    });

    it(`preview V-IRL, ${theme}: the current rail position is readable and marked`, async () => {
      page = await openPreview(theme, virl);
      await page.locator('.rail li.current').waitFor();
      const ratio = await textContrast(page, '.rail li.current span');
      assert.ok(ratio >= READABLE, `the current position's text is ${ratio.toFixed(2)}:1 on its background`);
      assert.notEqual(await look(page, '.rail li.current'), await look(page, '.rail li:not(.current)'), 'the current position looks like the others');
    });

    it(`transcripts, ${theme}: the selected episode stands out from the others`, async () => {
      page = await openTranscripts(theme);
      await page.locator('.episode-row[data-row="2"]').click();
      await page.mouse.move(1300, 850); // not hovering any row
      assert.notEqual(await look(page, '.episode-row[data-row="2"]'), await look(page, '.episode-row[data-row="1"]'), 'the selected row looks like the others');
    });

    it(`transcripts, ${theme}: the solved and failed chips are readable`, async () => {
      page = await openTranscripts(theme);
      for (const chip of ['.episode-row .chip.ok', '.episode-row .chip.fail']) {
        const ratio = await textContrast(page, chip);
        assert.ok(ratio >= READABLE, `${chip} is ${ratio.toFixed(2)}:1 on its background`);
      }
    });

    it(`preview, ${theme}: the rewards and the outcome are readable`, async () => {
      page = await openPreview(theme, generalPoints);
      await page.locator('#verdict-reward').waitFor();
      for (const text of ['#verdict-reward', '.turn-verdict.is-success .reward', '.turn-verdict.is-failure .reward', '#attempts']) {
        const ratio = await textContrast(page, text);
        assert.ok(ratio >= READABLE, `${text} is ${ratio.toFixed(2)}:1 on its background`);
      }
    });

    it(`transcripts, ${theme}: the pressed "Color tokens by" measure stands out from the others`, async () => {
      page = await openTokens(theme);
      await page.mouse.move(1300, 850); // not hovering any button
      assert.notEqual(await look(page, 'button.token-measure[aria-pressed="true"]'), await look(page, 'button.token-measure[aria-pressed="false"]'), 'the pressed measure looks like the others');
    });

    it(`V-IRL route map, ${theme}: the agent's arrow stands out from the map`, async () => {
      page = await openPreview(theme, virl);
      await page.locator('#map-agent polygon').waitFor();
      const ratio = await paintContrast(page, '#map-agent polygon', 'fill');
      assert.ok(ratio >= GRAPHIC, `the agent's arrow is ${ratio.toFixed(2)}:1 on the map`);
    });

    it(`dashboard, ${theme}: the selected view tab stands out from the others`, async () => {
      page = await openDashboardPage(chromium.browser, undefined, undefined, theme);
      const data = fixtureDashboard(join(repoRoot, 'test', 'fixtures', 'workspace', 'runs'));
      await post(page, [{ type: 'runs/set', runs: data.runs() }]);
      await serveDashboard(page, data);
      await page.locator('#view-curves[aria-selected="true"]').waitFor();
      assert.notEqual(await look(page, '#view-curves'), await look(page, '#view-paper'), 'the selected tab looks like the others');
    });
  }
});
