// Runs the VS Code integration suite and the webview checks inside a real VS Code, with this
// repository as the development extension (test/runner/workbench.ts: code-server driven by
// Chromium). Prints `N passed, N failed` as its last line.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { WebviewCheck } from './webviewChecks/types';
import { removeSandbox } from './processes';
import { CodeServer, launchChromium, reportOutcomes, resultsDir, runWebviewChecks, workbenchUrl } from './workbench';
import { prepareWorkspace, repo, type Outcome } from './workspace';

/** The Mocha suite in test/integration, run by the workbench's smoke-test driver. */
async function runIntegrationSuite(browser: Browser, port: number, workspace: string, resultsFile: string): Promise<Outcome[]> {
  const page = await browser.newPage();
  const logs: string[] = [];
  const exit = new Promise<number>((ok) => {
    void page.exposeFunction('codeAutomationLog', (...parts: unknown[]) => logs.push(parts.map(String).join(' ')));
    void page.exposeFunction('codeAutomationExit', (code: number) => ok(code));
  });
  await page.goto(workbenchUrl(port, workspace, { path: repo, tests: join(repo, 'out', 'test', 'integration', 'index.js') }));
  const code = await Promise.race([exit, new Promise<number>((_, fail) => setTimeout(() => fail(new Error('integration suite timed out after 480 s')), 480_000))]);
  await page.close();
  if (!existsSync(resultsFile)) {
    return [{ title: 'integration suite ran', state: 'failed', error: `no results (exit ${code}); workbench log:\n${logs.slice(-40).join('\n')}` }];
  }
  return (JSON.parse(readFileSync(resultsFile, 'utf8')) as { outcomes: Outcome[] }).outcomes;
}

/** Every module in webviewChecks/ exports `checks`; see webviewChecks/types.ts. */
async function loadWebviewChecks(): Promise<WebviewCheck[]> {
  const dir = join(__dirname, 'webviewChecks');
  const files = readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'types.js').sort();
  const modules = await Promise.all(files.map((f) => import(join(dir, f)) as Promise<{ checks: WebviewCheck[] }>));
  return modules.flatMap((m) => m.checks);
}

async function main(): Promise<number> {
  mkdirSync(resultsDir, { recursive: true });
  for (const stale of readdirSync(resultsDir).filter((f) => f.startsWith('failed-'))) rmSync(join(resultsDir, stale));
  const sandbox = mkdtempSync(join(tmpdir(), 'ptlab-code-server-'));
  const workspace = prepareWorkspace(sandbox);
  const resultsFile = join(sandbox, 'integration-results.json');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const outcomes: Outcome[] = [];
  try {
    server = new CodeServer(sandbox);
    const port = await server.start(workspace, { PTLAB_TEST_RESULTS: resultsFile });
    browser = await launchChromium();
    outcomes.push(...(await runIntegrationSuite(browser, port, workspace, resultsFile)));
    outcomes.push(...(await runWebviewChecks(browser, workbenchUrl(port, workspace, { path: repo }), workspace, await loadWebviewChecks())));
  } catch (err) {
    outcomes.push({ title: 'code-server harness', state: 'failed', error: (err as Error).stack ?? String(err) });
    console.error(server?.log.slice(-4000));
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    writeFileSync(join(resultsDir, 'code-server-outcomes.json'), JSON.stringify(outcomes, null, 2));
    if (!process.env.PTLAB_KEEP_SANDBOX) await removeSandbox(sandbox);
  }
  return reportOutcomes(outcomes);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
