// A real VS Code to test in: code-server (VS Code for the web, from npm) driven by Chromium
// through playwright-core. See shared/docs/vscode-testing.md. Used by codeServer.ts (the
// development extension: integration suite and webview checks) and vsix.ts (the packaged
// extension, installed).
//
// Environment: PTLAB_CODE_SERVER_NODE and PTLAB_CODE_SERVER_ENTRY (from
// scripts/install-code-server.sh), PTLAB_CHROMIUM (default /usr/bin/chromium).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { WebviewCheck, WebviewCheckContext } from './webviewChecks/types';
import { repo, type Outcome } from './workspace';

export const resultsDir = join(repo, 'test-results');

export function launchChromium(): Promise<Browser> {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  return chromium.launch({ executablePath: process.env.PTLAB_CHROMIUM ?? '/usr/bin/chromium', args });
}

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

const SANDBOX_DIRS = ['user-data', 'extensions', 'xdg-config', 'xdg-data', 'xdg-cache'] as const;

/** code-server with its profile, extensions and XDG folders inside `sandbox`. */
export class CodeServer {
  private process: ChildProcess | undefined;
  readonly port: Promise<number> = freePort();
  readonly dirs: Record<(typeof SANDBOX_DIRS)[number], string>;
  private readonly node: string;
  private readonly entry: string;
  log = '';

  constructor(sandbox: string) {
    const node = process.env.PTLAB_CODE_SERVER_NODE;
    const entry = process.env.PTLAB_CODE_SERVER_ENTRY;
    if (!node || !entry || !existsSync(node) || !existsSync(entry)) {
      throw new Error('code-server not found: run scripts/install-code-server.sh (npm test does) and set PTLAB_CODE_SERVER_NODE/ENTRY');
    }
    this.node = node;
    this.entry = entry;
    this.dirs = Object.fromEntries(SANDBOX_DIRS.map((d) => [d, join(sandbox, d)])) as CodeServer['dirs'];
    for (const d of Object.values(this.dirs)) mkdirSync(d, { recursive: true });
  }

  private env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, ...extra, XDG_CONFIG_HOME: this.dirs['xdg-config'], XDG_DATA_HOME: this.dirs['xdg-data'], XDG_CACHE_HOME: this.dirs['xdg-cache'] };
  }

  /** Installs a VSIX into this server's (fresh) extensions folder, as a user would. */
  installExtension(vsix: string): string {
    const args = [this.entry, '--user-data-dir', this.dirs['user-data'], '--extensions-dir', this.dirs.extensions, '--install-extension', vsix];
    return execFileSync(this.node, args, { env: this.env(), encoding: 'utf8', timeout: 120_000 });
  }

  async start(workspace: string, env: NodeJS.ProcessEnv = {}): Promise<number> {
    const port = await this.port;
    const args = [
      this.entry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--user-data-dir', this.dirs['user-data'],
      '--extensions-dir', this.dirs.extensions,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--vscode-option', 'enable-smoke-test-driver',
      '--vscode-option', 'reconnection-grace-time=5',
      workspace,
    ];
    this.process = spawn(this.node, args, {
      detached: true, // its own process group, so the whole tree can be stopped
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.env(env),
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

/** The workbench on `workspace`; with `extension`, that folder runs as the development extension
 * (and `tests`, a Mocha entry inside it, runs through the smoke-test driver). */
export function workbenchUrl(port: number, workspace: string, extension?: { path: string; tests?: string }): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  if (!extension) return url;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(extension.path)]];
  if (extension.tests) payload.push(['extensionTestsPath', remote(extension.tests)]);
  return `${url}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Opens a quick input with `open`, types `text` and waits for a row showing `row`. The
 * workbench can take focus away while it settles (a Chat view appearing late closes the
 * palette, leaving its input inert), and a palette opened on a fresh profile lists only the
 * commands registered so far: either way the input is closed and opened again (a row that
 * takes longer than `rowTimeout` to show counts as the second case). */
export async function fillQuickInput(page: Page, open: () => Promise<void>, text: string, row: string, rowTimeout = 3_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const match = page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first();
  const deadline = Date.now() + 90_000;
  for (;;) {
    await open();
    try {
      await input.waitFor({ state: 'visible', timeout: 30_000 });
      await input.fill(text, { timeout: 5_000 });
      await match.waitFor({ timeout: rowTimeout });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

async function runCommand(page: Page, title: string): Promise<void> {
  await fillQuickInput(page, () => page.keyboard.press('F1'), `>${title}`, title);
  await page.keyboard.press('Enter');
}

/** Runs `checks` in order on one workbench page opened at `url`, each one outcome; a check also
 * fails on a Content Security Policy violation it caused. Screenshots land in test-results/. */
export async function runWebviewChecks(browser: Browser, url: string, workspace: string, checks: WebviewCheck[]): Promise<Outcome[]> {
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
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  for (const check of checks) {
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

/** Prints each outcome and the `N passed, N failed, N skipped` line; the exit status. */
export function reportOutcomes(outcomes: Outcome[]): number {
  for (const o of outcomes) {
    console.log(`  ${o.state === 'passed' ? '✔' : o.state === 'failed' ? '✘' : '-'} ${o.title}`);
    if (o.error) console.log(o.error.replace(/^/gm, '      '));
  }
  const count = (s: Outcome['state']) => outcomes.filter((o) => o.state === s).length;
  console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('pending')} skipped`);
  return count('failed') > 0 || count('passed') === 0 ? 1 : 0;
}
