import type { WebviewCheck } from './types';

export const checks: WebviewCheck[] = [
  {
    title: 'webview: the dashboard shows the run and its ID/OOD curves in Chromium',
    async run({ runCommand, activeWebview, screenshot, page }) {
      await runCommand('Post-Training Lab: Open Dashboard');
      const view = activeWebview();
      await view.locator('#success-chart').waitFor({ state: 'visible', timeout: 60_000 });
      // The runs arrive after the page: wait for the status line to name the run.
      await view.locator('#status', { hasText: 'runs/tiny-gp-l/ppo' }).waitFor({ timeout: 30_000 }).catch(() => undefined);
      const status = await view.locator('#status').textContent({ timeout: 30_000 });
      if (!status?.includes('runs/tiny-gp-l/ppo')) throw new Error(`status line was ${JSON.stringify(status)}`);
      const problems = await view.locator('#problems').textContent();
      if (!problems?.includes('skipped 1 bad line(s), first at line 8')) throw new Error(`problems were ${JSON.stringify(problems)}`);
      const drawn = await view.locator('#success-chart').evaluate((c) => {
        const canvas = c as HTMLCanvasElement;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) ink++;
        return ink;
      });
      if (drawn < 1000) throw new Error(`the chart canvas is nearly empty (${drawn} painted pixels)`);
      await page.waitForTimeout(300);
      await screenshot('dashboard');
    },
  },
];
