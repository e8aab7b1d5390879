import type { WebviewCheck } from './types';

const SFT = 'evaluation:runs/compare/sft-final:100';
const RL = 'evaluation:runs/compare/rl-final:100';

export const checks: WebviewCheck[] = [
  {
    title: 'webview: Compare Checkpoints shows paired success, McNemar and side-by-side transcripts, model text inert',
    async run({ runCommand, activeWebview, screenshot, page }) {
      await runCommand('Post-Training Lab: Compare Checkpoints');
      const view = activeWebview();
      const options = view.locator('#source-a vscode-option');
      await options.first().waitFor({ state: 'attached', timeout: 60_000 });
      for (const [select, id] of [['#source-a', SFT], ['#source-b', RL]] as const) {
        await view.locator(select).evaluate((e, value) => {
          (e as HTMLElement & { value: string }).value = value;
        }, id);
      }
      await view.locator('#compare').click();
      const table = view.locator('#split-table');
      await table.waitFor({ timeout: 60_000 });
      const text = (await table.textContent()) ?? '';
      for (const expected of ['75.0% ± 12.5', '66.7% ± 13.6', '50.0% ± 14.4', 'McNemar p (exact)']) {
        if (!text.includes(expected)) throw new Error(`the split table lacks ${JSON.stringify(expected)}: ${text}`);
      }
      const pairs = view.locator('#pair-list button.pair');
      if ((await pairs.count()) === 0) throw new Error('no differing episodes listed');
      // seed 501: SFT solves it, RL misses it and then writes markup (see make_compare_runs.py)
      await view.locator('#pair-list button.pair', { hasText: 'id · seed 501' }).click();
      await view.locator('.side-by-side mark.diverged').first().waitFor({ timeout: 30_000 });
      const detail = (await view.locator('#detail').textContent()) ?? '';
      if (!detail.includes('first differs in turn 1')) throw new Error(`the detail does not say where the transcripts diverge: ${detail.slice(0, 200)}`);
      if (!detail.includes('<script>window.__ptlabXss=2</script>')) throw new Error('the model\'s markup is not shown as text');
      const executed = await view.locator('body').evaluate(() => (window as unknown as { __ptlabXss?: number }).__ptlabXss);
      if (executed !== undefined) throw new Error(`model text executed (window.__ptlabXss = ${executed})`);
      const injected = await view.locator('#detail img, #detail script').count();
      if (injected > 0) throw new Error(`model text became ${injected} element(s)`);
      await page.waitForTimeout(200);
      await screenshot('compare');
    },
  },
];

checks.push({
  title: 'webview: Compare Checkpoints plays an episode by hand: the checkpoint proposes, an edited answer is scored by the verifier',
  async run({ runCommand, activeWebview, screenshot, workspace }) {
    const { existsSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { deal, expertResponse, generalPointsConfig } = await import('../../../src/core/envs/generalpoints');
    // the export test/integration/compare.test.ts made in this workspace
    const run = join(workspace, 'runs', 'compare', 'local-export');
    if (!existsSync(join(run, 'onnx', 'final', 'ptlab-onnx.json'))) throw new Error(`no export in ${run}: the integration suite's compare test writes it first`);
    const manifest = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as { config: { environment: unknown; evaluation: { seed: number } } };
    const expert = expertResponse(deal(generalPointsConfig(manifest.config.environment), manifest.config.evaluation.seed + 2));

    await runCommand('Post-Training Lab: Compare Checkpoints');
    const view = activeWebview();
    await view.locator('#play-source vscode-option[value="onnx:runs/compare/local-export:final"]').waitFor({ state: 'attached', timeout: 60_000 });
    await view.locator('#play-source').evaluate((e) => {
      (e as HTMLElement & { value: string }).value = 'onnx:runs/compare/local-export:final';
      e.dispatchEvent(new Event('change'));
    });
    await view.locator('#play-episode').evaluate((e) => {
      (e as HTMLElement & { value: string }).value = '2';
    });
    await view.locator('#play-start').click();
    await view.locator('#play-next', { hasText: '[Task Description]' }).waitFor({ timeout: 30_000 });
    await view.locator('#play-generate').click();
    await view.locator('#play-status', { hasText: "the checkpoint's answer" }).waitFor({ timeout: 60_000 });
    await view.locator('#play-submit').click(); // the untrained checkpoint's own answer: scored, not successful
    await view.locator('#play-transcript .turn').first().waitFor({ timeout: 30_000 });
    const first = (await view.locator('#play-transcript').textContent()) ?? '';
    if (!/reward -?\d/.test(first)) throw new Error(`the first turn shows no reward: ${first.slice(0, 300)}`);
    await view.locator('#play-answer').fill(expert); // the user's edit: the expert's answer
    await view.locator('#play-submit').click();
    await view.locator('#play-status', { hasText: 'episode over: success' }).waitFor({ timeout: 30_000 });
    const transcriptText = (await view.locator('#play-transcript').textContent()) ?? '';
    if (!transcriptText.includes('reward 5')) throw new Error(`the expert's answer was not scored 5: ${transcriptText.slice(-300)}`);
    await screenshot('compare-play');
  },
});
