import type { FrameLocator } from 'playwright-core';
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
      const status = await view.locator('#status').textContent({ timeout: 30_000 });
      if (!status?.includes('runs/tiny-gp-l/ppo')) throw new Error(`status line was ${JSON.stringify(status)}`);
      const problems = await view.locator('#problems').textContent();
      if (!problems?.includes('runs/tiny-gp-l/ppo: metrics.jsonl: skipped 1 bad line(s), first at line 8')) throw new Error(`problems were ${JSON.stringify(problems)}`);
      const drawn = await ink(view, '#curves-chart');
      if (drawn < 1000) throw new Error(`the chart canvas is nearly empty (${drawn} painted pixels)`);
      await page.waitForTimeout(300);
      await screenshot('dashboard');
    },
  },
];

checks.push({
  title: 'webview: the dashboard draws a TensorBoard log (SummaryWriter event files) against step, its own scalar names offered',
  async run({ runCommand, activeWebview, page, screenshot }) {
    await runCommand('Post-Training Lab: Open Dashboard');
    const view = activeWebview();
    await view.locator('#view-curves').click({ timeout: 60_000 });
    await showOnly(view, ['imported/tensorboard/sft-classic']);
    // The run records no ID success and no GFLOPs: the dashboard picks its first metric and the step axis.
    const status = view.locator('#status');
    await status.filter({ hasText: 'SFT loss vs step' }).waitFor({ timeout: 30_000 });
    const text = (await status.textContent()) ?? '';
    if (!text.includes('TensorBoard log') || !text.includes('GFLOPs not recorded by these runs') || !text.includes('1 curve(s)') || text.includes('episodes')) throw new Error(`status line was ${JSON.stringify(text)}`);
    const options = await view.locator('#metric-select vscode-option').evaluateAll((all) => all.map((o) => o.getAttribute('value')));
    for (const tag of ['train/lr', 'eval/id/success']) if (!options.includes(tag)) throw new Error(`the metric list ${JSON.stringify(options)} lacks ${tag}`);
    const drawn = await ink(view, '#curves-chart');
    if (drawn < 1000) throw new Error(`the chart canvas is nearly empty (${drawn} painted pixels)`);
    await page.waitForTimeout(300);
    await screenshot('dashboard-tensorboard');
  },
});

checks.push({
  title: "webview: the dashboard draws a TRL GRPOTrainer run from its trainer_state.json, reward first",
  async run({ runCommand, activeWebview, page, screenshot }) {
    await runCommand('Post-Training Lab: Open Dashboard');
    const view = activeWebview();
    await view.locator('#view-curves').click({ timeout: 60_000 });
    await showOnly(view, ['imported/trl/grpo-gp-l']);
    const status = view.locator('#status');
    await status.filter({ hasText: 'reward vs step' }).waitFor({ timeout: 30_000 });
    const text = (await status.textContent()) ?? '';
    if (!text.includes('Trainer run · finished') || !text.includes('1 curve(s)')) throw new Error(`status line was ${JSON.stringify(text)}`);
    const options = await view.locator('#metric-select vscode-option').evaluateAll((all) => all.map((o) => o.getAttribute('value')));
    for (const key of ['rewards/verifier/mean', 'frac_reward_zero_std', 'completions/mean_length']) if (!options.includes(key)) throw new Error(`the metric list ${JSON.stringify(options)} lacks ${key}`);
    const drawn = await ink(view, '#curves-chart');
    if (drawn < 1000) throw new Error(`the chart canvas is nearly empty (${drawn} painted pixels)`);
    await page.waitForTimeout(300);
    await screenshot('dashboard-trl');
  },
});
