// The transcript viewer's per-token heatmap in Chromium (playwright-core, Debian chromium,
// software rendering): an 8-turn episode of 2,000 generated tokens with their records, as
// the host posts it. Times the detail's first render with the heatmap on (from the message to
// the frame after it: DOM, style, layout, paint) and each repaint by another measure.
// `npm run bench:token-heatmap` (builds first). Prints milliseconds.
import type { EpisodeDetail, TurnTokens } from '../src/protocol/transcripts';
import { launchChromium, openWebviewPage } from '../test/support/dashboardHarness';

const TURNS = 8;
const TOKENS_PER_TURN = 250;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Deterministic pseudo-random values: the same episode every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function episode(): EpisodeDetail {
  const next = random(20261202);
  const words = ['card', ' value', ' 10', ' +', ' (', ')', ' *', '"formula"', ': ', '24', '\n', ' the', ' face', ' J', ' Q', ' K'];
  const turns = [];
  const tokens: TurnTokens[] = [];
  for (let t = 0; t < TURNS; t++) {
    const pieces = Array.from({ length: TOKENS_PER_TURN }, () => words[Math.floor(next() * words.length)]!);
    const output = pieces.join('');
    const ends: number[] = [];
    let at = 0;
    for (const piece of pieces) ends.push((at += piece.length));
    const sampling = pieces.map(() => -6 * next() ** 3);
    tokens.push({
      turn: t,
      update: 3,
      tokens: TOKENS_PER_TURN,
      ids: pieces.map((_, i) => i),
      textEnds: ends,
      sampling,
      training: sampling.map((v) => v + (next() - 0.5) * 1e-6),
      entropy: pieces.map(() => 3 * next()),
      ratio: pieces.map(() => 1 + (next() - 0.5) * 0.5),
      weight: pieces.map((_, i) => (i < TOKENS_PER_TURN - 20 ? 0.5 : 1)),
      advantage: next() - 0.5,
      value: null,
      return: -1,
      reward: -1,
      clip: 0.2,
    });
    turns.push({ index: t, ...(t === 0 ? { prompt: 'Cards: J, 3, 5, 10. Make 24.' } : { promptDelta: 'Wrong: try again.' }), output, reward: -1, message: 'wrong', done: t === TURNS - 1, outputTokens: TOKENS_PER_TURN });
  }
  const record = { runId: 'bench', step: 3, split: 'train', splitKind: 'train', episode: 0, seed: 1, environment: { env: 'generalpoints', maxVerify: TURNS }, turns, success: false, totalReward: -TURNS, truncated: true };
  return { row: 0, line: 1, record, raw: JSON.stringify(record), turns: turns.map((_, t) => ({ attempt: t + 1, attemptsLeft: TURNS - t - 1 })), maxVerify: TURNS, turnImages: [], tokens: { turns: tokens, problems: [] } } as unknown as EpisodeDetail;
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    const firstRenders: number[] = [];
    const repaints: Record<string, number[]> = {};
    for (let round = 0; round < 5; round++) {
      const page = await openWebviewPage(browser, 'transcripts', ['webview.css', 'transcripts.css', 'route-map.css'], { width: 1400, height: 900 }, { query: {}, tokenMeasure: 'sampling' });
      await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
      const detail = episode();
      firstRenders.push(
        await page.evaluate(async (d) => {
          const t0 = performance.now();
          window.postMessage({ type: 'detail', detail: d }, '*');
          while (document.querySelectorAll('#turns pre.heatmap .tok').length < 2000) await new Promise((r) => setTimeout(r, 0));
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return performance.now() - t0;
        }, detail),
      );
      for (const measure of ['training', 'diff', 'entropy', 'ratio', 'advantage', 'weight', 'sampling']) {
        const ms = await page.evaluate(async (m) => {
          const t0 = performance.now();
          (document.querySelector(`#token-bar button[data-measure="${m}"]`) as HTMLElement).click();
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return performance.now() - t0;
        }, measure);
        (repaints[measure] ??= []).push(ms);
      }
      await page.close();
    }
    console.log(JSON.stringify({ bench: 'token-heatmap', tokens: TURNS * TOKENS_PER_TURN, turns: TURNS, firstRenderMs: { median: median(firstRenders), max: Math.max(...firstRenders), runs: firstRenders.map((x) => +x.toFixed(1)) } }));
    console.log(JSON.stringify({ bench: 'token-heatmap-repaint', medianMs: Object.fromEntries(Object.entries(repaints).map(([m, xs]) => [m, +median(xs).toFixed(1)])) }));
  } finally {
    await browser.close();
  }
}

void main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
