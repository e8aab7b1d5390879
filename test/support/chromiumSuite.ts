// One Chromium per mocha suite of webview tests: launched before its tests, closed after them,
// and every page a test opened closed when the test ends (passed or failed).
import type { Browser } from 'playwright-core';
import { launchChromium } from './dashboardHarness';

export function chromiumForSuite(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  before(async () => (browser = await launchChromium()));
  afterEach(async () => {
    for (const context of browser?.contexts() ?? []) await context.close();
  });
  after(async () => browser?.close());
  return {
    get browser(): Browser {
      if (!browser) throw new Error('Chromium is not launched yet: use the browser inside a test');
      return browser;
    },
  };
}
