// The dashboard on the fixture suites (test/fixtures/make_dashboard_runs.py): the paper view,
// seed aggregation, and a click on a point opening that step's episodes.
import { join } from 'node:path';
import { expectInk, expectSeries, hoverChart, openEpisodesFromChart, showOnly } from './dashboard';
import type { WebviewCheck } from './types';

export const checks: WebviewCheck[] = [
  {
    title: 'webview: the dashboard paper view draws ID/OOD curves of SFT and RL from each Init with final bars',
    async run({ runCommand, activeWebview, screenshot, page, resultsDir }) {
      await runCommand('Post-Training Lab: Open Dashboard');
      const view = activeWebview();
      await view.locator('#view-paper').click({ timeout: 60_000 });
      await view.locator('.paper-bars').nth(1).waitFor({ state: 'visible', timeout: 30_000 });
      const titles = await view.locator('.paper-title').allTextContents();
      if (titles.join('|') !== 'GP-L · Init: gp-l/init|V-IRL-L · Init: virl-l/init') throw new Error(`columns were ${JSON.stringify(titles)}`);
      const curves = await view.locator('.paper-curve').count();
      if (curves !== 4) throw new Error(`${curves} curve panels, expected 4 (ID and OOD per comparison)`);
      for (const selector of ['.paper-curve', '.paper-bars']) {
        await expectInk(view, selector, 2000, selector);
      }
      await page.waitForTimeout(300);
      await view.locator('#paper').screenshot({ path: join(resultsDir, 'dashboard-paper.png') });
      await screenshot('dashboard-paper-workbench');
    },
  },
  {
    title: 'webview: the dashboard aggregates seeds (N in the legend and the tooltip) and a click on a point opens its episodes in the transcript viewer',
    async run({ runCommand, activeWebview, page }) {
      await runCommand('Post-Training Lab: Open Dashboard');
      const view = activeWebview();
      await view.locator('#view-curves').click({ timeout: 60_000 });
      await showOnly(view, ['runs/gp-l/sft-s0', 'runs/gp-l/sft-s1', 'runs/gp-l/sft-s2', 'runs/gp-l/ppo-s0', 'runs/gp-l/ppo-s1', 'runs/gp-l/ppo-s2']);
      if (!(await view.locator('#aggregate').isChecked())) await view.locator('#aggregate').click();
      await expectSeries(view, ['GP-L RL from gp-l/init · id (N=3)', 'GP-L SFT from gp-l/init · id (N=3)']);
      // the nearest point's seed mean, its band (SEM over seeds) and the seeds behind it
      await hoverChart(view, /^GP-L (RL|SFT) from gp-l\/init · id \(N=3\): \d+\.\d% \[\d+\.\d%, \d+\.\d%\] · step \d+ · N=3$/);
      await showOnly(view, ['runs/gp-l/ppo-s0']);
      // the transcript viewer opens on that run (its step and split filters are checked in
      // test/integration/transcripts.test.ts)
      const tab = await openEpisodesFromChart(view, page, 'Transcripts: runs/gp-l/ppo-s0', 1);
      await tab.click(); // focus back on the workbench: keys typed into a webview stay there
      // The viewer hid the dashboard; shown again, it has the same settings and runs.
      await runCommand('Post-Training Lab: Open Dashboard');
      const again = activeWebview();
      await again.locator('#run-list input[data-folder]').first().waitFor({ timeout: 30_000 });
      const checked = await again.locator('#run-list input[data-folder]:checked').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-folder')));
      if (checked.join('|') !== 'runs/gp-l/ppo-s0' || !(await again.locator('#aggregate').isChecked())) throw new Error(`after hiding, the runs shown were ${JSON.stringify(checked)}`);
    },
  },
];

checks.push({
  title: 'webview: the dashboard follows a running run as metrics.jsonl grows (the torn last line completed, new steps appended)',
  async run({ runCommand, activeWebview, workspace }) {
    const { appendFileSync } = await import('node:fs');
    await runCommand('Post-Training Lab: Open Dashboard');
    const view = activeWebview();
    await view.locator('#view-curves').click({ timeout: 60_000 });
    await showOnly(view, ['runs/virl-l/ppo-s1']);
    const status = view.locator('#run-list label', { hasText: 'runs/virl-l/ppo-s1' }).locator('.run-status');
    await status.filter({ hasText: 'running · step 30' }).waitFor({ timeout: 30_000 });
    const compute = (step: number) => `{"parameters": 1500000, "initTokens": 2000000, "trainTokens": ${step * 12000}, "inferenceTokens": ${step * 70000}, "gflops": ${18000 + step * 300}}`;
    const rest = `11-19T10:15:30Z", "wallSeconds": 930.0, "segment": 0, "episodes": 1984, "compute": ${compute(31)}, "metrics": {"ppo/entropy": 0.7}}\n`;
    const next = `{"kind": "train", "step": 32, "time": "2026-11-19T10:16:00Z", "wallSeconds": 960.0, "segment": 0, "episodes": 2048, "compute": ${compute(32)}, "metrics": {"ppo/entropy": 0.69}}\n`;
    appendFileSync(`${workspace}/runs/virl-l/ppo-s1/metrics.jsonl`, rest + next);
    await status.filter({ hasText: 'running · step 32' }).waitFor({ timeout: 30_000 });
  },
});

checks.push({
  title: 'webview: the dashboard exports what it shows as CSV and PNG through the save dialog, and says why a save failed',
  async run({ runCommand, activeWebview, workspace, page, resultsDir }) {
    const { copyFileSync, existsSync, readFileSync } = await import('node:fs');
    await runCommand('Post-Training Lab: Open Dashboard');
    const view = activeWebview();
    await view.locator('#view-paper').click({ timeout: 60_000 });
    await view.locator('.paper-bars').nth(1).waitFor({ state: 'visible', timeout: 30_000 });
    for (const [button, file] of [['#export-csv', 'ptlab-paper-view.csv'], ['#export-png', 'ptlab-paper-view.png']] as const) {
      await view.locator(button).click();
      const dialog = page.locator('.quick-input-widget');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      await page.keyboard.press('Enter'); // the default: the workspace folder and the suggested name
      const path = join(workspace, file);
      const deadline = Date.now() + 30_000;
      while (!existsSync(path) && Date.now() < deadline) await page.waitForTimeout(200);
      if (!existsSync(path)) throw new Error(`${file} was not saved`);
      const bytes = readFileSync(path);
      if (file.endsWith('.csv') && !bytes.toString('utf8').startsWith('task,init,split,method,step,gflops,value')) throw new Error(`CSV starts ${bytes.subarray(0, 60).toString()}`);
      if (file.endsWith('.png') && (bytes.readUInt32BE(0) !== 0x89504e47 || bytes.length < 20_000)) throw new Error(`PNG of ${bytes.length} bytes`);
      if (file.endsWith('.png')) copyFileSync(path, join(resultsDir, 'dashboard-paper-export.png'));
    }
    // A save that fails says so, naming the file: nothing can be created in /proc, even by root.
    const unwritable = '/proc/ptlab-paper-view.csv';
    await view.locator('#export-csv').click();
    const dialog = page.locator('.quick-input-widget');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const input = dialog.locator('input');
    const ready = Date.now() + 30_000; // the dialog fills in its default path once it has listed the folder
    while (!(await input.inputValue()).endsWith('/ptlab-paper-view.csv') && Date.now() < ready) await page.waitForTimeout(200);
    await input.fill(unwritable);
    await page.waitForTimeout(1000); // it lists /proc
    await dialog.getByRole('button', { name: 'OK' }).click(); // Enter could open the listing's highlighted entry
    await runCommand('Notifications: Show Notifications'); // a toast may hide: the notification center keeps the message
    const failed = page.locator('.notifications-center .monaco-list-row', { hasText: `could not save ${unwritable}: ENOENT` });
    await failed.first().waitFor({ timeout: 30_000 });
    await runCommand('Notifications: Clear All Notifications');
  },
});
