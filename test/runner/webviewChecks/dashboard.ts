import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { WebviewCheck } from './types';

/** Painted (non-transparent) pixels of a canvas in the webview. */
export async function ink(view: FrameLocator, selector: string): Promise<number> {
  return view.locator(selector).first().evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
    return painted;
  });
}

/**
 * Waits until the canvas has at least `min` painted pixels. Chart.js draws a chart whose box had
 * no size yet on its first resize, a frame or more later, and uPlot draws in a microtask after
 * it is built: one look right after the DOM settles can come before that on a slow machine.
 */
export async function expectInk(view: FrameLocator, selector: string, min: number, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const painted = await ink(view, selector);
    if (painted >= min) return;
    if (Date.now() > deadline) throw new Error(`${what} is nearly empty (${painted} painted pixels after ${timeoutMs / 1000} s)`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A click in the middle of the curves chart, where the nearest point opens its episodes, until the
 * transcript viewer's tab `tabText` appears. The chart is rebuilt after every change of the runs
 * shown: a click before its redraw (a slow machine) hits the old chart or none, so the check waits
 * for `seriesCount` curves and ink first and clicks again (the same viewer is revealed, not a new
 * one) if no tab came.
 */
export async function openEpisodesFromChart(view: FrameLocator, page: Page, tabText: string, seriesCount: number): Promise<Locator> {
  const deadline = Date.now() + 30_000;
  while ((await view.locator('#series-list li').count()) !== seriesCount) {
    if (Date.now() > deadline) throw new Error(`the chart never showed ${seriesCount} series`);
    await page.waitForTimeout(200);
  }
  await expectInk(view, '#curves-chart', 1000, 'the curves chart');
  const plotArea = view.locator('#curves .u-over'); // the plot's event layer, over its canvas
  const tab = page.locator('.tab', { hasText: tabText }).first();
  for (let attempt = 1; ; attempt++) {
    const box = await plotArea.boundingBox();
    if (!box) throw new Error('no chart');
    await plotArea.click({ position: { x: box.width / 2, y: box.height / 2 } });
    try {
      await tab.waitFor({ timeout: 10_000 });
      return tab;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/**
 * The tooltip shown with the mouse over the middle of the curves plot (the nearest point's),
 * once it reads as `expected`. A view that arrives meanwhile rebuilds the plot, with a hidden
 * tooltip until the mouse moves: so the mouse moves by a pixel and the tooltip is read again.
 */
export async function hoverChart(view: FrameLocator, expected: RegExp, timeoutMs = 20_000): Promise<string> {
  const plotArea = view.locator('#curves .u-over');
  const tooltip = view.locator('#curves .chart-tooltip').last();
  const deadline = Date.now() + timeoutMs;
  let read = '';
  for (let attempt = 0; ; attempt++) {
    const box = await plotArea.boundingBox();
    if (box) {
      await plotArea.hover({ position: { x: box.width / 2 + (attempt % 2), y: box.height / 2 } });
      read = (await tooltip.isVisible()) ? ((await tooltip.textContent()) ?? '') : '';
      if (expected.test(read)) return read;
    }
    if (Date.now() > deadline) throw new Error(`the tooltip read ${JSON.stringify(read)}, expected ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until the curves drawn are exactly `expected` (the labels, in any order): a view comes from the metrics worker a moment after a change. */
export async function expectSeries(view: FrameLocator, expected: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const labels = (await view.locator('#series-list li').allTextContents()).sort();
    if (labels.join('|') === [...expected].sort().join('|')) return;
    if (Date.now() > deadline) throw new Error(`curves were ${JSON.stringify(labels)}, expected ${JSON.stringify(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Tick exactly these runs in the dashboard's run list. */
export async function showOnly(view: FrameLocator, folders: string[]): Promise<void> {
  await view.locator('#run-list input[data-folder]').first().waitFor({ timeout: 30_000 });
  const boxes = view.locator('#run-list input[data-folder]');
  for (let i = 0; i < (await boxes.count()); i++) {
    const box = boxes.nth(i);
    const wanted = folders.includes((await box.getAttribute('data-folder')) ?? '');
    if ((await box.isChecked()) !== wanted) await box.click();
  }
}

export const checks: WebviewCheck[] = [
  {
    title: 'webview: the dashboard shows a run, its ID/OOD curves and its skipped lines in Chromium',
    async run({ runCommand, activeWebview, screenshot, page }) {
      await runCommand('Post-Training Lab: Open Dashboard');
      const view = activeWebview();
      await view.locator('#view-curves').click({ timeout: 60_000 });
      await showOnly(view, ['runs/tiny-gp-l/ppo']);
      await view.locator('#curves-chart').waitFor({ state: 'visible', timeout: 30_000 });
      // the view of these runs comes from the metrics worker a moment after the ticks
      await view.locator('#status', { hasText: 'runs/tiny-gp-l/ppo ·' }).waitFor({ timeout: 30_000 });
      const problems = view.locator('#problems', { hasText: 'runs/tiny-gp-l/ppo: metrics.jsonl: skipped 1 bad line(s), first at line 8' });
      await problems.waitFor({ timeout: 30_000 }).catch(async () => {
        throw new Error(`problems were ${JSON.stringify(await view.locator('#problems').textContent())}`);
      });
      await expectInk(view, '#curves-chart', 1000, 'the chart canvas');
      await page.waitForTimeout(300);
      await screenshot('dashboard');
    },
  },
];

/**
 * Another trainer's run shown alone: the dashboard opens on its headline metric against step (it
 * counts no GFLOPs), names its source in the status line, offers the run's own metric names and draws.
 */
function importedRunCheck(title: string, folder: string, headline: string, source: string, metrics: string[], name: string): WebviewCheck {
  return {
    title,
    async run({ runCommand, activeWebview, page, screenshot }) {
      await runCommand('Post-Training Lab: Open Dashboard');
      const view = activeWebview();
      await view.locator('#view-curves').click({ timeout: 60_000 });
      await showOnly(view, [folder]);
      const status = view.locator('#status');
      await status.filter({ hasText: `${headline} vs step` }).waitFor({ timeout: 30_000 });
      const text = (await status.textContent()) ?? '';
      if (!text.includes(source) || !text.includes('GFLOPs not recorded by these runs') || !text.includes('1 curve(s)') || text.includes('episodes')) throw new Error(`status line was ${JSON.stringify(text)}`);
      const options = await view.locator('#metric-select vscode-option').evaluateAll((all) => all.map((o) => o.getAttribute('value')));
      for (const key of metrics) if (!options.includes(key)) throw new Error(`the metric list ${JSON.stringify(options)} lacks ${key}`);
      await expectInk(view, '#curves-chart', 1000, 'the chart canvas');
      await page.waitForTimeout(300);
      await screenshot(name);
    },
  };
}

checks.push(
  importedRunCheck(
    'webview: the dashboard draws a TensorBoard log (SummaryWriter event files) against step, its own scalar names offered',
    'imported/tensorboard/sft-classic',
    'SFT loss',
    'TensorBoard log',
    ['train/lr', 'eval/id/success'],
    'dashboard-tensorboard',
  ),
  importedRunCheck(
    "webview: the dashboard draws a TRL GRPOTrainer run from its trainer_state.json, reward first",
    'imported/trl/grpo-gp-l',
    'reward',
    'Trainer run · finished',
    ['rewards/verifier/mean', 'frac_reward_zero_std', 'completions/mean_length'],
    'dashboard-trl',
  ),
);

checks.push({
  title: "webview: a click on a TRL run's curve opens its logged completions at that step in the transcript viewer",
  async run({ runCommand, activeWebview, page }) {
    await runCommand('Post-Training Lab: Open Dashboard');
    const view = activeWebview();
    await view.locator('#view-curves').click({ timeout: 60_000 });
    await showOnly(view, ['imported/trl/grpo-gp-l']);
    await view.locator('#status').filter({ hasText: 'reward vs step' }).waitFor({ timeout: 30_000 });
    const tab = await openEpisodesFromChart(view, page, 'Transcripts: imported/trl/grpo-gp-l', 1);
    const transcripts = activeWebview();
    const status = transcripts.locator('#status', { hasText: 'indexed' });
    await status.waitFor({ timeout: 30_000 });
    const text = (await status.textContent()) ?? '';
    if (!/^4 episodes · 24 indexed/.test(text)) throw new Error(`the viewer should show the 4 completions of the clicked step: ${text}`);
    const steps = new Set(await transcripts.locator('#episode-list .episode-row[data-row] .row-id').allTextContents());
    if (steps.size !== 4 || ![...steps].every((s) => /^train · step [1-6] · ep [0-3]$/.test(s)) || new Set([...steps].map((s) => s.split(' · ')[1])).size !== 1) throw new Error(`rows: ${[...steps].join(' | ')}`);
    await tab.click(); // focus back on the workbench; the dashboard stays open for the checks after this one
  },
});

checks.push({
  title: "webview: the dashboard warns about a PPO run whose sampler and training forward disagree (mismatch/kl above ptlab.mismatchKlWarning) and shows where its updates' time went",
  async run({ runCommand, activeWebview, workspace, page, screenshot }) {
    // a PPO run whose updates 2 and 3 sampled off the policy (as bf16 kernels can)
    const folder = join(workspace, 'runs', 'mismatch', 'ppo');
    mkdirSync(folder, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(workspace, 'runs', 'tiny-gp-l', 'ppo', 'run.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(folder, 'run.json'), JSON.stringify({ ...manifest, experiment: 'mismatch' }, null, 2));
    const compute = (step: number) => ({ parameters: 1000, trainTokens: step * 100, inferenceTokens: step * 500, gflops: step * 2 });
    const kls = [4e-14, 5e-3, 2e-3, 3e-14];
    writeFileSync(
      join(folder, 'metrics.jsonl'),
      kls
        .map((kl, i) => {
          // the demo's split of an update: about half decoding, half training; an evaluation after update 2
          const time = { 'time/generation_s': 12, 'time/environment_s': 0.5, 'time/scoring_s': 0, 'time/training_s': 11.5, 'time/evaluation_s': i === 2 ? 24 : 0, 'time/checkpoint_s': 0 };
          const perf = { 'perf/generation_tokens_per_second': 1400, 'perf/training_tokens_per_second': 9000 };
          return JSON.stringify({ kind: 'train', step: i + 1, time: '2026-12-02T10:00:00Z', compute: compute(i + 1), metrics: { 'rollout/reward_mean': -1 + i / 10, 'mismatch/kl': kl, 'mismatch/tokens': 300, ...time, ...perf } });
        })
        .join('\n') + '\n',
    );
    await runCommand('Post-Training Lab: Refresh Runs');
    await runCommand('Post-Training Lab: Open Dashboard');
    const view = activeWebview();
    await view.locator('#view-curves').click({ timeout: 60_000 });
    await view.locator('#run-list input[data-folder="runs/mismatch/ppo"]').waitFor({ timeout: 30_000 });
    await showOnly(view, ['runs/mismatch/ppo']);
    const warning = view.locator('#problems li', { hasText: 'generation vs training mismatch' });
    await warning.waitFor({ timeout: 30_000 });
    const text = (await warning.textContent()) ?? '';
    if (!text.startsWith('runs/mismatch/ppo: generation vs training mismatch: KL 0.0050 per token at update 2 (2 update(s) above ptlab.mismatchKlWarning 0.001)')) throw new Error(`warning: ${text}`);
    await showOnly(view, ['runs/tiny-gp-l/ppo']);
    if ((await view.locator('#problems li', { hasText: 'generation vs training mismatch' }).count()) !== 0) throw new Error('a run without mismatch records is warned about');

    await view.locator('#view-time').click();
    await showOnly(view, ['runs/mismatch/ppo']);
    const section = view.locator('#time .timeline-run[data-folder="runs/mismatch/ppo"]');
    await section.waitFor({ timeout: 30_000 });
    const cells = async (stage: string) => (await section.locator(`tr[data-stage="${stage}"] td`).allTextContents()).join(' | ');
    for (const [stage, expected] of [['generation', '12.0 s | 40.0%'], ['training', '11.5 s | 38.3%'], ['evaluation', '6.0 s | 20.0%'], ['scoring', '0.0 s | 0.0%']] as const) {
      const got = await cells(stage);
      if (got !== expected) throw new Error(`${stage}: ${got} (expected ${expected})`);
    }
    const speeds = (await section.locator('.timeline-speeds').textContent()) ?? '';
    if (!speeds.includes('generation 1,400 tokens/s') || !speeds.includes('training 9,000 tokens/s')) throw new Error(`speeds: ${speeds}`);
    await expectInk(view, '#time .timeline-chart', 1000, 'the step-time chart');
    await page.waitForTimeout(300);
    await screenshot('dashboard-step-time');
    await view.locator('#view-curves').click();
  },
});

checks.push({
  title: 'webview: a running run whose reward collapses raises a notification; its link opens the dashboard on the reward at that update',
  async run({ runCommand, activeWebview, workspace, page, screenshot }) {
    const folder = join(workspace, 'runs', 'collapsing', 'ppo');
    mkdirSync(folder, { recursive: true });
    const beat = new Date().toISOString();
    const rewards = [-8, -7, -6, -5, -4, -3, -3, -3, -3, -3, -6, -7, -8, -8, -8, -8];
    const compute = (step: number) => ({ parameters: 1000, trainTokens: step * 100, inferenceTokens: step * 500, gflops: step * 2 });
    writeFileSync(join(folder, 'metrics.jsonl'), rewards.map((r, i) => JSON.stringify({ kind: 'train', step: i + 1, time: beat, compute: compute(i + 1), metrics: { 'rollout/reward_mean': r, 'ppo/entropy': 1, 'ppo/approx_kl': 0.01 } })).join('\n') + '\n');
    writeFileSync(join(folder, 'run.json'), JSON.stringify({ schemaVersion: 1, runId: 'ppo', experiment: 'collapsing', job: 'ppo', status: 'running', createdAt: beat, updatedAt: beat, heartbeatAt: beat, config: { environment: { env: 'generalpoints', target: 24, faceCards: 'all-10', modality: 'language' } }, command: ['python', '-m', 'ptlab', 'ppo'], seeds: { global: 0 }, host: { hostname: 'here', platform: 'linux' }, progress: { step: 16 }, checkpoints: [] }));
    try {
      await runCommand('Post-Training Lab: Refresh Runs');
      await runCommand('Post-Training Lab: Check Run Alerts Now');
      // a toast hides after a while: the notification center keeps it
      const message = 'runs/collapsing/ppo: reward collapse at step 13. rollout/reward_mean over the last 5 updates fell to -5.40';
      const toast = page.locator('.notification-toast', { hasText: message });
      const listed = page.locator('.notifications-center .monaco-list-row', { hasText: message });
      const deadline = Date.now() + 45_000;
      while (!(await toast.first().isVisible()) && !(await listed.first().isVisible())) {
        if (Date.now() > deadline) {
          const shown = await page.locator('.notification-toast, .notifications-center .monaco-list-row').allTextContents();
          await screenshot('failed-alert-notification');
          throw new Error(`no reward-collapse notification; notifications: ${JSON.stringify(shown).slice(0, 400)}`);
        }
        if (!(await listed.first().isVisible())) await runCommand('Notifications: Show Notifications');
        await page.waitForTimeout(1000);
      }
      const notification = (await toast.first().isVisible()) ? toast.first() : listed.first();
      await page.waitForTimeout(300);
      await screenshot('alert-notification');
      await notification.getByRole('button', { name: 'Open in Dashboard' }).click();
      const view = activeWebview();
      const status = view.locator('#status', { hasText: 'Reward (rollout mean) vs' });
      await status.waitFor({ timeout: 30_000 });
      // an earlier check's dashboard may still show its run for a moment: wait for the switch
      const shownBy = Date.now() + 30_000;
      for (;;) {
        const text = (await status.textContent()) ?? '';
        const ticked = await view.locator('#run-list input[data-folder]:checked').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-folder')));
        if (ticked.join() === 'runs/collapsing/ppo' && text.includes('1 curve(s)')) break;
        if (Date.now() > shownBy) throw new Error(`runs shown: ${ticked.join()}; status: ${text}`);
        await page.waitForTimeout(250);
      }
      await expectInk(view, '#curves-chart', 1000, 'the reward chart');
      await page.waitForTimeout(300);
      await screenshot('dashboard-alert');
    } finally {
      rmSync(join(workspace, 'runs', 'collapsing'), { recursive: true, force: true });
      await runCommand('Post-Training Lab: Refresh Runs');
    }
  },
});
