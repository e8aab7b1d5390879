// The transcript viewer as a user sees it: a GP-VL episode with its card image and highlighted
// answer fields, a V-IRL-VL episode with its street-view grid and route, search and the
// failure summary, and a hostile corpus (every string field carries markup, handlers,
// javascript: URLs and CSS tricks) shown as text with nothing executed or injected.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { fillQuickInput } from '../workbench';
import type { WebviewCheck, WebviewCheckContext } from './types';

/** Both side bars closed, so the viewer gets the workbench's width (its two-column layout). */
async function widen(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  for (const [selector, keys] of [['.part.sidebar', 'Control+b'], ['.part.auxiliarybar', 'Control+Alt+b']] as const) {
    if (await page.locator(selector).isVisible()) await page.keyboard.press(keys);
  }
  await page.waitForTimeout(500);
}

export async function openTranscripts({ runCommand, page, activeWebview }: WebviewCheckContext, runFolder: string): Promise<FrameLocator> {
  await page.keyboard.press('Escape');
  await runCommand('View: Close All Editors');
  await widen(page);
  await fillQuickInput(page, () => runCommand('Post-Training Lab: Open Transcripts'), runFolder, runFolder, 30_000);
  await page.keyboard.press('Enter');
  const view = activeWebview();
  await view.locator('#episode-list .episode-row[data-row]').first().waitFor({ timeout: 60_000 });
  await view.locator('#status', { hasText: 'indexed' }).waitFor({ timeout: 30_000 });
  await view.locator('#episode-list[aria-busy="false"]').waitFor({ timeout: 30_000 }); // the re-query of the completed index answered
  return view;
}

async function openEpisode(view: FrameLocator, split: string, seed: number): Promise<void> {
  await view.locator('#episode-list .episode-row', { hasText: `${split} · step 100 · ep ` }).filter({ hasText: `seed ${seed}` }).first().click();
  await view.locator('#detail h2', { hasText: `seed ${seed}` }).waitFor({ timeout: 30_000 });
}

async function expectImage(view: FrameLocator, selector: string, minWidth: number): Promise<void> {
  const image = view.locator(selector).first();
  await image.waitFor({ state: 'visible', timeout: 30_000 });
  await image.evaluate((img) => (img as HTMLImageElement).decode());
  const [natural, shown] = await image.evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).getBoundingClientRect().width]);
  if (!(natural! > 0 && shown! >= minWidth)) throw new Error(`${selector} did not render (natural width ${natural}, shown ${shown})`);
}

async function screenshotTop(page: Page, view: FrameLocator, screenshot: (name: string) => Promise<void>, name: string): Promise<void> {
  await view.locator('body').evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(400);
  await screenshot(name);
}

interface Line {
  seed: number;
  turns: { prompt?: string; promptDelta?: string; output: string; message: string }[];
}

/** A JSON-lines file's records (a torn or garbage line left out). */
function jsonLines<T>(...path: string[]): T[] {
  return readFileSync(join(...path), 'utf8')
    .split('\n')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as T];
      } catch {
        return [];
      }
    });
}

function records(workspace: string, run: string): Line[] {
  return jsonLines<Line>(workspace, 'runs', 'transcripts', run, 'episodes.jsonl');
}

interface XssRecord {
  runId: string;
  split: string;
  checkpoint: string;
  failureMode: string;
  state: Record<string, unknown>;
  turns: { prompt?: string; promptDelta?: string; output: string; message: string }[];
}

export const checks: WebviewCheck[] = [
  {
    title: 'webview: transcripts show a GP-VL episode with its card image and answer fields; search and failure summary work',
    async run(context) {
      const { page, screenshot, workspace } = context;
      const view = await openTranscripts(context, 'runs/transcripts/gp-vl');
      const lines = records(workspace, 'gp-vl');
      const status = (await view.locator('#status').textContent()) ?? '';
      if (!status.startsWith(`${lines.length} episodes`)) throw new Error(`status: ${status}`);

      await openEpisode(view, 'id', 702); // misreads a card first, then solves it
      await expectImage(view, '#observation-image img', 200);
      const src = await view.locator('#observation-image img').getAttribute('src');
      if (!src?.includes('images/id-seed-702.png')) throw new Error(`the record's own image is not shown: ${src}`);
      if ((await view.locator('#turns > li').count()) !== 2) throw new Error('both turns listed');
      if ((await view.locator('#turns .prompt-box').count()) !== 1) throw new Error('the prompt is shown once');
      const fields = await view.locator('#turns [data-field].field-value').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-field')));
      if (!['cards', 'number', 'formula'].every((f) => fields.includes(f))) throw new Error(`answer fields not highlighted: ${fields.join(', ')}`);
      const verdicts = (await view.locator('#turns .verdict').allTextContents()).join('\n');
      for (const expected of ['recognition', 'cards misread', 'attempt 1 · 4 left', 'Correct solution.', 'episode over']) {
        if (!verdicts.includes(expected)) throw new Error(`the verdicts lack ${JSON.stringify(expected)}: ${verdicts}`);
      }
      // raw text one click away
      await view.locator('#turns > li').first().locator('.raw-toggle').click();
      const raw = await view.locator('#turns > li').first().locator('pre.raw').textContent();
      const record = lines.find((l) => l.seed === 702)!;
      if (raw !== record.turns[0]!.output) throw new Error('the raw output differs from the record');
      await view.locator('#turns > li').first().locator('.raw-toggle').click();
      await view.locator('#failure-summary > summary').click();
      await view.locator('#failure-summary-body .failure-table').first().waitFor({ timeout: 30_000 });
      await screenshotTop(page, view, screenshot, 'transcripts-gp-vl');

      // search: any case, over prompts, outputs and verifier messages
      const needle = 'You Recognized Wrong';
      const expected = lines.filter((l) => l.turns.some((t) => [t.prompt, t.promptDelta, t.output, t.message].some((s) => s?.toLowerCase().includes(needle.toLowerCase())))).length;
      await view.locator('#search').evaluate((e, value) => {
        const field = e as HTMLElement & { value: string };
        field.value = value;
        field.dispatchEvent(new Event('input'));
      }, needle);
      await view.locator('#status', { hasText: `${expected} episodes matching` }).waitFor({ timeout: 30_000 });
      if ((await view.locator('#episode-list .episode-row[data-row]').count()) !== expected) throw new Error('the list does not show the matches');
    },
  },
  {
    title: 'webview: transcripts show a V-IRL-VL episode with its street-view grid and the route with the agent',
    async run(context) {
      const { page, screenshot } = context;
      const view = await openTranscripts(context, 'runs/transcripts/virl-vl');
      await openEpisode(view, 'id', 701);
      await expectImage(view, '#observation-image img', 200);
      await view.locator('#route-map #map-agent').waitFor({ timeout: 30_000 });
      const done = await view.locator('#route-map .map-rail.is-done').count();
      if (done < 2) throw new Error(`the route does not show the positions reached (${done})`);
      const labels = (await view.locator('#turns .turn-label').allTextContents()).join('\n');
      const verdicts = (await view.locator('#turns .verdict').allTextContents()).join('\n');
      for (const expected of ['attempt 2 at position 2 · 0 left', 'expert: ', 'premature-stop']) {
        if (!verdicts.includes(expected)) throw new Error(`the verdicts lack ${JSON.stringify(expected)}: ${verdicts}`);
      }
      if (!labels.includes('Turn 1 · model')) throw new Error(labels);
      const prompts = await view.locator('#turns .prompt-box summary').allTextContents();
      if (!prompts.some((p) => p.startsWith('Prompt at position 2 (a new chat)'))) throw new Error(`new-chat prompts: ${prompts.join(' | ')}`);
      const actions = await view.locator('#turns [data-field="action"].field-value').count();
      if (actions === 0) throw new Error('the V-IRL action is not highlighted');
      await screenshotTop(page, view, screenshot, 'transcripts-virl-vl');
    },
  },
  {
    title: 'webview: transcripts draw the street-view grid at each position of a V-IRL-VL episode whose run wrote no image (real grid server)',
    async run(context) {
      const { page, screenshot } = context;
      // the trainer's Python draws the grids: the test workspace's ptlab.pythonPath is this checkout's
      const view = await openTranscripts(context, 'runs/transcripts/street-views');
      await openEpisode(view, 'id', 701); // positions 1, 2 and 3: the first turn's, then two new chats
      await expectImage(view, '#observation-image img', 200);
      const src = (await view.locator('#observation-image img').getAttribute('src')) ?? '';
      if (!src.startsWith('data:image/png;base64,')) throw new Error(`the first grid is not the one drawn: ${src.slice(0, 60)}`);
      const caption = (await view.locator('#observation-image figcaption').textContent()) ?? '';
      if (!caption.includes('drawn from the record (the run wrote no image)')) throw new Error(`caption: ${caption}`);
      await view.locator('#turns > li[data-turn="3"] > img.turn-image').waitFor({ timeout: 60_000 });
      await expectImage(view, '#turns > li[data-turn="1"] > img.turn-image', 200);
      const shown = await view.locator('#turns img.turn-image').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
      if (shown.length !== 2 || shown.some((w) => w < 600)) throw new Error(`the new positions' grids: ${JSON.stringify(shown)} px wide`);
      await view.locator('#image-note').waitFor({ state: 'detached', timeout: 30_000 });
      await screenshotTop(page, view, screenshot, 'transcripts-street-views');
    },
  },
  {
    title: 'webview: the failure summary of an SFT evaluation calls out rule collapse, with links to examples',
    async run(context) {
      const { page, screenshot } = context;
      const view = await openTranscripts(context, 'runs/compare/sft-final');
      await view.locator('#failure-summary > summary').click();
      const callout = view.locator('#failure-summary-body .rule-collapse');
      await callout.waitFor({ timeout: 30_000 });
      const text = (await callout.textContent()) ?? '';
      if (!text.startsWith('Rule collapse: 6 of 6 failures')) throw new Error(`callout: ${text}`);
      await view.locator('#failure-summary-body tr.is-collapse button.link').first().click();
      await view.locator('#detail .chip.mode', { hasText: 'rule-collapse' }).first().waitFor({ timeout: 30_000 });
      await screenshotTop(page, view, screenshot, 'transcripts-rule-collapse');
    },
  },
  {
    title: 'webview: transcripts render an XSS corpus in every field as text; nothing executes or is injected',
    async run(context) {
      const { page, screenshot } = context;
      const view = await openTranscripts(context, 'runs/transcripts/xss');
      await view.locator('#status', { hasText: '1 line skipped' }).waitFor({ timeout: 30_000 });
      const rows = view.locator('#episode-list .episode-row[data-row]');
      const count = await rows.count();
      if (count !== 10) throw new Error(`expected the 10 hostile records, got ${count}`);
      const corpus = records(context.workspace, 'xss') as unknown as XssRecord[];
      for (let i = 0; i < count; i++) {
        await rows.nth(i).click();
        await view.locator('#detail h2', { hasText: `episode ${i} ` }).waitFor({ timeout: 30_000 });
        for (const toggle of await view.locator('#detail details').all()) await toggle.evaluate((d) => ((d as HTMLDetailsElement).open = true));
        const record = corpus[i]!;
        // the corpus's tokens.jsonl cuts every output into tokens: the heatmap shows each piece as text
        await view.locator('#token-bar button[data-measure="entropy"]').click({ timeout: 30_000 });
        const heatmaps = await view.locator('#turns pre.heatmap').allTextContents();
        if (heatmaps.join('\u0000') !== record.turns.map((t) => t.output).join('\u0000')) throw new Error(`record ${i}: the heatmaps do not show the outputs as text: ${JSON.stringify(heatmaps).slice(0, 300)}`);
        await view.locator('#turns pre.heatmap .tok').first().hover();
        const detail = (await view.locator('#detail').textContent()) ?? '';
        const strings = [record.runId, record.split, record.checkpoint, record.failureMode, ...Object.values(record.state).filter((v) => typeof v === 'string'), ...record.turns.flatMap((t) => [t.prompt ?? t.promptDelta, t.output, t.message])];
        const missing = strings.filter((s) => typeof s === 'string' && !detail.includes(s));
        if (missing.length) throw new Error(`record ${i}: not shown verbatim as text: ${missing.join(' | ').slice(0, 300)}`);
      }
      await view.locator('#failure-summary > summary').click();
      await view.locator('#failure-summary-body .failure-group').first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(500); // anything deferred (onerror, onload) has had its chance
      const verdict = await view.locator('body').evaluate(() => {
        const markup = document.querySelectorAll('iframe, a, style:not(#_defaultStyles), link:not([rel="stylesheet"]), object, embed, [onerror], [onload], [onclick], [srcdoc], [href^="javascript"]');
        const injected = [...Array.from(markup), ...Array.from(document.scripts).filter((s) => (s.textContent ?? '').includes('__ptlabXss'))];
        const images = Array.from(document.images).map((img) => img.getAttribute('src') ?? '').filter((src) => !src.startsWith('data:image/svg+xml;base64,'));
        return {
          flag: (window as unknown as { __ptlabXss?: unknown }).__ptlabXss,
          injected: injected.map((n) => n.outerHTML.slice(0, 80)),
          images,
          bodyShown: getComputedStyle(document.body).display !== 'none',
        };
      });
      if (verdict.flag !== undefined) throw new Error(`hostile text executed: window.__ptlabXss = ${String(verdict.flag)}`);
      if (verdict.injected.length) throw new Error(`hostile text became elements: ${verdict.injected.join(' | ')}`);
      if (verdict.images.length) throw new Error(`images from the records were loaded: ${verdict.images.join(' | ')}`);
      if (!verdict.bodyShown) throw new Error(`the page was altered: ${JSON.stringify(verdict)}`);
      await screenshotTop(page, view, screenshot, 'transcripts-xss');
      await context.runCommand('View: Close All Editors');
    },
  },
  {
    title: "webview: transcripts read another trainer's dumps: TRL GRPOTrainer completions with their columns, verl generations with hostile text as text",
    async run(context) {
      const { page, screenshot } = context;
      const trl = await openTranscripts(context, 'imported/trl/grpo-gp-l');
      const status = (await trl.locator('#status').textContent()) ?? '';
      if (!status.startsWith('24 episodes')) throw new Error(`status: ${status}`);
      const first = trl.locator('#episode-list .episode-row[data-row]').first();
      const rowText = (await first.textContent()) ?? '';
      if (!rowText.includes('train · step 1 · ep 0') || rowText.includes('seed') || !rowText.includes('TRL · 1 turn · reward -1')) throw new Error(`row: ${rowText}`);
      await trl.locator('#step-min').evaluate((e) => {
        const field = e as HTMLElement & { value: string };
        field.value = '5';
        field.dispatchEvent(new Event('change'));
      });
      await trl.locator('#status', { hasText: /^8 episodes/ }).waitFor({ timeout: 30_000 });
      await trl.locator('#episode-list .episode-row', { hasText: 'step 5 · ep 3' }).first().click();
      await trl.locator('#detail h2', { hasText: 'step 5 · episode 3' }).waitFor({ timeout: 30_000 });
      const meta = (await trl.locator('#detail .detail-meta').textContent()) ?? '';
      if (!meta.includes('completions/completions_00005.parquet row 3') || !meta.includes('TRL GRPOTrainer completions')) throw new Error(`meta: ${meta}`);
      const columns = await trl.locator('#source-fields th').allTextContents();
      if (columns.join() !== 'verifier,advantage') throw new Error(`columns: ${columns.join()}`);
      if ((await trl.locator('#turns .attempts').count()) !== 0) throw new Error('attempt counts shown for an episode without an attempt budget');
      await trl.locator('#turns .prompt-box').evaluate((d) => ((d as HTMLDetailsElement).open = true));
      await screenshotTop(page, trl, screenshot, 'transcripts-trl');

      const verl = await openTranscripts(context, 'imported/verl/gp-l/rollouts');
      await verl.locator('#search').evaluate((e) => {
        const field = e as HTMLElement & { value: string };
        field.value = '<script>';
        field.dispatchEvent(new Event('input'));
      });
      await verl.locator('#status', { hasText: '1 episode matching' }).waitFor({ timeout: 30_000 });
      await verl.locator('#episode-list .episode-row[data-row]').first().click();
      await verl.locator('#detail h2', { hasText: 'step 3' }).waitFor({ timeout: 30_000 });
      for (const toggle of await verl.locator('#detail details').all()) await toggle.evaluate((d) => ((d as HTMLDetailsElement).open = true));
      const detail = (await verl.locator('#detail').textContent()) ?? '';
      for (const text of ['<img src=x onerror="alert(1)"><script>alert(2)</script>', '</pre><b>bold?</b>', '<i>msg</i>', '3.jsonl line 5']) {
        if (!detail.includes(text)) throw new Error(`not shown as text: ${text}`);
      }
      const injected = await verl.locator('#detail').evaluate((d) => d.querySelectorAll('img[src="x"], script, b, i').length);
      if (injected) throw new Error(`hostile text became ${injected} elements`);
      await context.runCommand('View: Close All Editors');
    },
  },
  {
    title: "webview: transcripts color a PPO run's tokens by sampling and training log-prob, their gap, entropy and ratio, with hover values (real trainer output)",
    async run(context) {
      const { page, screenshot } = context;
      const view = await openTranscripts(context, 'runs/tokens/gp-l-ppo');
      const lines = jsonLines<{ step: number; episode: number; turn: number; tokens: number }>(context.workspace, 'runs', 'tokens', 'gp-l-ppo', 'tokens.jsonl');
      // an episode of 5 turns, all of them recorded
      const turnsOf = (step: number, episode: number) => lines.filter((l) => l.step === step && l.episode === episode);
      const chosen = lines.find((l) => l.turn === 4 && turnsOf(l.step, l.episode).length === 5)!;
      await view.locator('#step-min').evaluate((e, step) => {
        const field = e as HTMLElement & { value: string };
        field.value = String(step);
        field.dispatchEvent(new Event('change'));
      }, chosen.step);
      // the filtered list's answer before a click on it (until then the list is placeholders)
      const shown = jsonLines<{ step: number }>(context.workspace, 'runs', 'tokens', 'gp-l-ppo', 'episodes.jsonl').filter((r) => r.step >= chosen.step).length;
      await view.locator('#episode-list[aria-busy="false"]').waitFor({ timeout: 30_000 });
      await view.locator('#status', { hasText: new RegExp(`^${shown} episodes`) }).waitFor({ timeout: 30_000 });
      // the rollout's row, not an evaluation episode of the same number at that step
      await view.locator('#episode-list .episode-row', { hasText: `train · step ${chosen.step} · ep ${chosen.episode} ` }).first().click();
      await view.locator('#detail h2', { hasText: `train · step ${chosen.step} · episode ${chosen.episode} ` }).waitFor({ timeout: 30_000 });
      const bar = view.locator('#token-bar');
      const head = (await bar.locator('p').first().textContent()) ?? '';
      if (!head.startsWith('Per-token records of 5 of 5 turn(s), trained at update')) throw new Error(`token bar: ${head}`);
      await bar.locator('button[data-measure="sampling"]').click();
      const spans = view.locator('#turns pre.heatmap[data-turn="0"] .tok');
      const first = turnsOf(chosen.step, chosen.episode).find((l) => l.turn === 0)!;
      if ((await spans.count()) !== first.tokens) throw new Error(`turn 1 shows ${await spans.count()} tokens, its record has ${first.tokens}`);
      const colored = await view.locator('#turns pre.heatmap .tok').evaluateAll((all) => all.filter((s) => getComputedStyle(s).backgroundColor !== 'rgba(0, 0, 0, 0)').length);
      if (colored < first.tokens) throw new Error(`only ${colored} tokens colored`);
      if ((await view.locator('#turns pre.output:not(.heatmap):not(.under-heatmap)').count()) !== 0) throw new Error('the plain outputs still show beside the heatmaps');
      const legend = (await view.locator('#token-legend').textContent()) ?? '';
      if (!legend.startsWith('sampling log-prob-')) throw new Error(`legend: ${legend}`);
      await spans.nth(1).hover();
      const readout = (await view.locator('#token-readout').textContent()) ?? '';
      if (!readout.startsWith(`turn 1, token 2 of ${first.tokens}: `) || !/sampling -?\d/.test(readout) || !readout.includes(' · Δ ') || !readout.includes('value — (no value head)')) throw new Error(`readout: ${readout}`);
      await page.waitForTimeout(300);
      await screenshot('transcripts-tokens');
      const gap = (await view.locator('#token-gap').textContent()) ?? '';
      if (!/^Training vs sampling log-probs over \d+ tokens: mean \|Δ\| [\d.e+-]+, max \|Δ\| [\d.e+-]+ at turn \d, token \d+\.$/.test(gap)) throw new Error(`gap: ${gap}`);
      const timings: string[] = [];
      for (const measure of ['diff', 'entropy', 'ratio', 'advantage', 'weight', 'training']) {
        await bar.locator(`button[data-measure="${measure}"]`).click();
        if ((await bar.locator(`button[data-measure="${measure}"]`).getAttribute('aria-pressed')) !== 'true') throw new Error(`${measure} not selected`);
        timings.push(`${measure} ${await bar.getAttribute('data-render-ms')} ms`);
      }
      console.log(`    heatmap repaint (this episode's 5 turns): ${timings.join(', ')}`);
      await bar.locator('button[data-measure="none"]').click();
      if ((await view.locator('#turns pre.heatmap:visible').count()) !== 0 || (await view.locator('#turns pre.output.under-heatmap').count()) !== 0) throw new Error('"nothing" left the heatmaps on');
      await bar.locator('button[data-measure="sampling"]').click(); // the next episode opens colored as this one was left
      await context.runCommand('View: Close All Editors');
    },
  },
  {
    title: 'webview: a rollout episode shows its GRPO group (returns, mean, std, advantages); an evaluation seed its answers through training (real trainer output)',
    async run(context) {
      const { page, screenshot } = context;
      const view = await openTranscripts(context, 'runs/tokens/gp-l-ppo');
      const all = jsonLines<{ step: number; split: string; episode: number; seed: number; turns: { return?: number; advantage?: number }[] }>(context.workspace, 'runs', 'tokens', 'gp-l-ppo', 'episodes.jsonl');
      const rollout = all.find((r) => r.split === 'train' && r.step === 1 && r.episode === 0)!;
      const members = all.filter((r) => r.split === 'train' && r.step === 1 && r.seed === rollout.seed);
      await view.locator('#episode-list .episode-row', { hasText: 'train · step 1 · ep 0 ' }).first().click();
      const group = view.locator('#episode-group');
      await group.waitFor({ timeout: 30_000 });
      const summary = (await group.locator('summary').textContent()) ?? '';
      if (summary !== `Group: ${members.length} episodes of seed ${rollout.seed} at update 1`) throw new Error(`group: ${summary}`);
      const returns = members.map((m) => m.turns[0]!.return!);
      const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
      const stats = (await view.locator('#group-stats').textContent()) ?? '';
      if (!stats.startsWith(`returns: mean ${mean.toFixed(3)}, std `)) throw new Error(`stats: ${stats} (mean ${mean})`);
      if ((await group.locator('tr.group-member').count()) !== members.length || (await group.locator('tr[aria-current="true"]').count()) !== 1) throw new Error('the group table does not list the members with this one current');
      const shown = await group.locator('.group-advantages').allTextContents();
      if (shown.some((a) => a.startsWith('—'))) throw new Error(`advantages not recorded: ${shown.join(' | ')}`);
      await page.waitForTimeout(300);
      await screenshot('transcripts-group');
      const other = members.find((m) => m.episode !== 0)!;
      await group.locator('tr.group-member:not(.current)').first().click();
      await view.locator('#detail h2', { hasText: `train · step 1 · episode ${other.episode} ` }).waitFor({ timeout: 30_000 });

      await view.locator('#episode-list').evaluate((list) => (list.scrollTop = 0)); // the list is virtual: its first rows are drawn again at the top
      await view.locator('#episode-list .episode-row', { hasText: 'id · step 0 · ep 0 ' }).first().click();
      const history = view.locator('#seed-history');
      await history.waitFor({ timeout: 30_000 });
      const title = (await history.locator('summary').textContent()) ?? '';
      if (!/^Seed \d+ through training: 3 evaluations of id$/.test(title)) throw new Error(`history: ${title}`);
      const steps = await history.locator('.history-point').evaluateAll((all) => all.map((b) => b.getAttribute('data-step')));
      if (steps.join() !== '0,1,2' || (await history.locator('.history-point[aria-current="true"]').getAttribute('data-step')) !== '0') throw new Error(`steps: ${steps.join()}`);
      const verdict = (await view.locator('#history-verdict').textContent()) ?? '';
      if (!verdict.startsWith("The first attempt's answer")) throw new Error(`verdict: ${verdict}`);
      console.log(`    ${title}: ${verdict}`);
      await history.locator('.history-point[data-step="2"]').click();
      await view.locator('#detail h2', { hasText: 'id · step 2 · episode 0 ' }).waitFor({ timeout: 30_000 });
      await view.locator('#seed-history .history-point[data-step="2"][aria-current="true"]').waitFor({ timeout: 30_000 });
      await page.waitForTimeout(300);
      await screenshot('transcripts-history');
      await context.runCommand('View: Close All Editors');
    },
  },
  {
    title: 'webview: a reloaded window brings the transcript viewer back on its file, re-indexed',
    async run(context) {
      const { page, activeWebview } = context;
      await openTranscripts(context, 'runs/transcripts/gp-vl');
      await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), context.runCommand('Developer: Reload Window')]);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.tab', { hasText: 'Transcripts: runs/transcripts/gp-vl' }).first().waitFor({ timeout: 60_000 });
      const view = activeWebview();
      await view.locator('#episode-list .episode-row[data-row]').first().waitFor({ timeout: 60_000 });
      await view.locator('#status', { hasText: 'indexed' }).waitFor({ timeout: 30_000 });
    },
  },
];
