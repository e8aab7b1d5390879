// Screenshots of the dashboard on the fixture runs in a bare Chromium (quick looks while
// developing): node out/bench/dashboardLook.js [outDir]
import { join } from 'node:path';
import { fixtureDashboard, launchChromium, openDashboardPage, post, repoRoot, serveDashboard } from '../test/support/dashboardHarness';

async function main(): Promise<void> {
  const out = process.argv[2] ?? join(repoRoot, 'test-results');
  const browser = await launchChromium();
  try {
    for (const view of ['curves', 'paper'] as const) {
      const page = await openDashboardPage(browser, { width: 1400, height: 900 }, { view });
      const data = fixtureDashboard(join(repoRoot, 'test', 'fixtures', 'workspace', 'runs'));
      await post(page, [{ type: 'runs/set', runs: data.runs() }]);
      await serveDashboard(page, data);
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(out, `harness-${view}.png`) });
    }
  } finally {
    await browser.close();
  }
}

void main();
