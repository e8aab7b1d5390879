// A webview check: one outcome of the Chromium pass over the workbench (test/runner/codeServer.ts).
// Each module in this folder (other than this one) exports `checks: WebviewCheck[]`; the
// runner loads every module, runs their checks in file-name order on one workbench page,
// and fails a check on any exception or on a Content Security Policy violation it caused.
import type { FrameLocator, Page } from 'playwright-core';

export interface WebviewCheckContext {
  readonly page: Page;
  /** The workspace folder code-server opened (a copy of test/fixtures/workspace). */
  readonly workspace: string;
  /** test-results/: where screenshots go. */
  readonly resultsDir: string;
  /** Runs a command by its palette title, e.g. 'Post-Training Lab: Open Dashboard'. */
  runCommand(title: string): Promise<void>;
  /** The content frame of the active webview panel. */
  activeWebview(): FrameLocator;
  /** Saves a screenshot of the whole workbench as test-results/<name>.png. */
  screenshot(name: string): Promise<void>;
}

export interface WebviewCheck {
  readonly title: string;
  run(context: WebviewCheckContext): Promise<void>;
}
