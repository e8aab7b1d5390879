// What the package suite (vsix.ts) opens in code-server from the installed VSIX, not from the
// development folder: every view renders from the packaged files alone, so a bundle, worker or
// stylesheet missing from the package fails one of these.
import { ink, showOnly } from './webviewChecks/dashboard';
import { openPreview } from './webviewChecks/preview';
import { openTranscripts } from './webviewChecks/transcripts';
import type { WebviewCheck, WebviewCheckContext } from './webviewChecks/types';

/** A view renders (`body` resolves) and VS Code shows no error (a failed command's dialog, an
 * error notification) meanwhile; an error fails the check as soon as it shows. */
function installedCheck(title: string, body: (context: WebviewCheckContext) => Promise<unknown>): WebviewCheck {
  return {
    title: `installed VSIX: ${title}`,
    async run(context) {
      const error = context.page.locator('.monaco-dialog-box, .notification-toast').filter({ has: context.page.locator('.codicon-error, .codicon-dialog-error') }).first();
      const shown = error.waitFor({ timeout: 300_000 }).then(
        async () => {
          throw new Error(`VS Code shows an error: ${await error.innerText()}`);
        },
        () => new Promise<never>(() => undefined),
      );
      const rendering = body(context);
      rendering.catch(() => undefined); // when the error wins, the view's own wait times out unheard
      await Promise.race([rendering, shown]);
      if (await error.isVisible()) await shown;
    },
  };
}

export const packageChecks: WebviewCheck[] = [
  installedCheck("the Runs view lists the workspace's runs", async ({ runCommand, page }) => {
    await runCommand('Post-Training Lab: Focus on Runs View');
    await page.locator('.pane-body .monaco-list-row', { hasText: 'ppo-s0' }).first().waitFor({ timeout: 60_000 });
  }),
  installedCheck('the dashboard draws a fixture run', async ({ runCommand, activeWebview, screenshot }) => {
    await runCommand('Post-Training Lab: Open Dashboard');
    const view = activeWebview();
    await view.locator('#view-curves').click({ timeout: 60_000 });
    await showOnly(view, ['runs/tiny-gp-l/ppo']);
    await view.locator('#curves-chart').waitFor({ state: 'visible', timeout: 30_000 });
    if ((await ink(view, '#curves-chart')) < 1000) throw new Error('the chart canvas is nearly empty');
    await screenshot('installed-dashboard');
  }),
  installedCheck("the environment preview shows a config's prompt and cards", async (context) => {
    const view = await openPreview(context, 'preview-gp-vl.ptlab.json');
    await view.locator('#card-image').waitFor({ state: 'visible', timeout: 30_000 });
    if (!(await view.locator('#prompt').textContent())) throw new Error('no prompt shown');
  }),
  installedCheck('Compare Checkpoints compares two fixture evaluations', async ({ runCommand, activeWebview }) => {
    await runCommand('Post-Training Lab: Compare Checkpoints');
    const view = activeWebview();
    await view.locator('#source-a vscode-option').first().waitFor({ state: 'attached', timeout: 60_000 });
    for (const [select, id] of [['#source-a', 'evaluation:runs/compare/sft-final:100'], ['#source-b', 'evaluation:runs/compare/rl-final:100']] as const) {
      await view.locator(select).evaluate((e, value) => void ((e as HTMLElement & { value: string }).value = value), id);
    }
    await view.locator('#compare').click();
    await view.locator('#split-table', { hasText: 'McNemar' }).waitFor({ timeout: 60_000 });
  }),
  installedCheck('the transcript viewer lists a real episodes.jsonl (indexed by its worker)', async (context) => {
    await openTranscripts(context, 'runs/transcripts/gp-vl');
    await context.screenshot('installed-transcripts');
  }),
];
