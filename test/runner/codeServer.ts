// Runs the VS Code integration suite and the webview checks inside a real VS Code:
// code-server (VS Code for the web, from npm) driven by Chromium through playwright-core.
// See shared/docs/vscode-testing.md. Prints `N passed, N failed` as its last line.
//
// Environment: PTLAB_CODE_SERVER_NODE and PTLAB_CODE_SERVER_ENTRY (from
// scripts/install-code-server.sh), PTLAB_CHROMIUM (default /usr/bin/chromium).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { WebviewCheck, WebviewCheckContext } from './webviewChecks/types';
import { removeSandbox } from './processes';
import { prepareWorkspace, repo, type Outcome } from './workspace';

const resultsDir = join(repo, 'test-results');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

async function waitForHealth(port: number, server: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('code-server did not become healthy');
}

class CodeServer {
  private process: ChildProcess | undefined;
  readonly port: Promise<number> = freePort();
  log = '';

  constructor(private readonly sandbox: string) {}

  async start(workspace: string, env: NodeJS.ProcessEnv): Promise<number> {
    const node = process.env.PTLAB_CODE_SERVER_NODE;
    const entry = process.env.PTLAB_CODE_SERVER_ENTRY;
    if (!node || !entry || !existsSync(node) || !existsSync(entry)) {
      throw new Error('code-server not found: run scripts/install-code-server.sh (npm test does) and set PTLAB_CODE_SERVER_NODE/ENTRY');
    }
    const port = await this.port;
    const dirs = Object.fromEntries(['user-data', 'extensions', 'xdg-config', 'xdg-data', 'xdg-cache'].map((d) => [d, join(this.sandbox, d)]));
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    const args = [
      entry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--user-data-dir', dirs['user-data']!,
      '--extensions-dir', dirs['extensions']!,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--vscode-option', 'enable-smoke-test-driver',
      '--vscode-option', 'reconnection-grace-time=5',
      workspace,
    ];
    this.process = spawn(node, args, {
      detached: true, // its own process group, so the whole tree can be stopped
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...env,
        XDG_CONFIG_HOME: dirs['xdg-config'],
        XDG_DATA_HOME: dirs['xdg-data'],
        XDG_CACHE_HOME: dirs['xdg-cache'],
      },
    });
    this.process.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    this.process.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    await waitForHealth(port, this.process);
    return port;
  }

  /** Stops code-server's whole process group and waits (up to 10 s) until it is gone. */
  async stop(): Promise<void> {
    const group = this.process?.pid;
    if (!group) return;
    const alive = () => {
      try {
        process.kill(-group, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (alive()) process.kill(-group, 'SIGTERM');
    for (const deadline = Date.now() + 10_000; alive() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
    if (alive()) process.kill(-group, 'SIGKILL');
  }
}

function workbenchUrl(port: number, workspace: string, withTests: boolean): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(repo)]];
  if (withTests) payload.push(['extensionTestsPath', remote(join(repo, 'out', 'test', 'integration', 'index.js'))]);
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** The Mocha suite in test/integration, run by the workbench's smoke-test driver. */
async function runIntegrationSuite(browser: Browser, port: number, workspace: string, resultsFile: string): Promise<Outcome[]> {
  const page = await browser.newPage();
  const logs: string[] = [];
  const exit = new Promise<number>((ok) => {
    void page.exposeFunction('codeAutomationLog', (...parts: unknown[]) => logs.push(parts.map(String).join(' ')));
    void page.exposeFunction('codeAutomationExit', (code: number) => ok(code));
  });
  await page.goto(workbenchUrl(port, workspace, true));
  const code = await Promise.race([exit, new Promise<number>((_, fail) => setTimeout(() => fail(new Error('integration suite timed out after 480 s')), 480_000))]);
  await page.close();
  if (!existsSync(resultsFile)) {
    return [{ title: 'integration suite ran', state: 'failed', error: `no results (exit ${code}); workbench log:\n${logs.slice(-40).join('\n')}` }];
  }
  return (JSON.parse(readFileSync(resultsFile, 'utf8')) as { outcomes: Outcome[] }).outcomes;
}

async function runCommand(page: Page, title: string): Promise<void> {
  // The palette lists commands registered when it opens; on a fresh profile the extension
  // may register a few seconds after the workbench shows, so reopen until the exact row is there.
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + 90_000;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 3_000 });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** Every module in webviewChecks/ exports `checks`; see webviewChecks/types.ts. */
async function loadWebviewChecks(): Promise<WebviewCheck[]> {
  const dir = join(__dirname, 'webviewChecks');
  const files = readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'types.js').sort();
  const modules = await Promise.all(files.map((f) => import(join(dir, f)) as Promise<{ checks: WebviewCheck[] }>));
  return modules.flatMap((m) => m.checks);
}

/** Checks of the webviews as a user sees them, each one outcome; screenshots land in test-results/. */
async function runWebviewChecks(browser: Browser, port: number, workspace: string): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text()) && /vscode-resource|vscode-cdn|webview/i.test(m.text())) cspViolations.push(m.text());
  });
  const checkContext: WebviewCheckContext = {
    page,
    workspace,
    resultsDir,
    runCommand: (title) => runCommand(page, title),
    activeWebview: () => page.frameLocator('iframe.webview:visible').first().frameLocator('#active-frame'),
    screenshot: async (name) => void (await page.screenshot({ path: join(resultsDir, `${name}.png`) })),
  };
  await page.goto(workbenchUrl(port, workspace, false));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  for (const check of await loadWebviewChecks()) {
    const violationsBefore = cspViolations.length;
    try {
      await check.run(checkContext);
      const caused = cspViolations.slice(violationsBefore);
      if (caused.length > 0) throw new Error(`CSP violations:\n${caused.join('\n')}`);
      outcomes.push({ title: check.title, state: 'passed' });
    } catch (err) {
      outcomes.push({ title: check.title, state: 'failed', error: (err as Error).stack ?? String(err) });
      await page.screenshot({ path: join(resultsDir, `failed-${check.title.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
    }
  }
  await context.close();
  return outcomes;
}

async function main(): Promise<number> {
  mkdirSync(resultsDir, { recursive: true });
  for (const stale of readdirSync(resultsDir).filter((f) => f.startsWith('failed-'))) rmSync(join(resultsDir, stale));
  const sandbox = mkdtempSync(join(tmpdir(), 'ptlab-code-server-'));
  const workspace = prepareWorkspace(sandbox);
  const resultsFile = join(sandbox, 'integration-results.json');
  const server = new CodeServer(sandbox);
  let browser: Browser | undefined;
  const outcomes: Outcome[] = [];
  try {
    const port = await server.start(workspace, { PTLAB_TEST_RESULTS: resultsFile });
    browser = await chromium.launch({ executablePath: process.env.PTLAB_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    outcomes.push(...(await runIntegrationSuite(browser, port, workspace, resultsFile)));
    outcomes.push(...(await runWebviewChecks(browser, port, workspace)));
  } catch (err) {
    outcomes.push({ title: 'code-server harness', state: 'failed', error: (err as Error).stack ?? String(err) });
    console.error(server.log.slice(-4000));
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    writeFileSync(join(resultsDir, 'code-server-outcomes.json'), JSON.stringify(outcomes, null, 2));
    if (!process.env.PTLAB_KEEP_SANDBOX) await removeSandbox(sandbox);
  }
  for (const o of outcomes) {
    console.log(`  ${o.state === 'passed' ? '✔' : o.state === 'failed' ? '✘' : '-'} ${o.title}`);
    if (o.error) console.log(o.error.replace(/^/gm, '      '));
  }
  const count = (s: Outcome['state']) => outcomes.filter((o) => o.state === s).length;
  console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('pending')} skipped`);
  return count('failed') > 0 || count('passed') === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
