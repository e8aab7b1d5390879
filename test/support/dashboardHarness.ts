// A webview bundle (the dashboard's, the transcript viewer's, the compare view's) in a bare Chromium page, fed host
// messages directly: for the rendering benchmarks and quick looks (the real checks run them
// inside code-server).
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { DashboardData } from '../../src/core/dashboard/view';
import type { FromDashboard, ToDashboard } from '../../src/protocol/dashboard';
import type { ToTranscripts } from '../../src/protocol/transcripts';
import type { ToCompare } from '../../src/protocol/compare';

export { fixtureDashboard, fixtureRuns } from './fixtureRuns';

export const repoRoot = join(__dirname, '..', '..', '..');

const DARK_THEME = {
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-errorForeground': '#f85149',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
};

/** VS Code's light and high-contrast themes as webviews get them (test/fixtures/themes/webviewThemes.json says from where). */
export type WebviewTheme = 'dark' | 'light-modern' | 'light-2026' | 'high-contrast' | 'high-contrast-light';
export const LIGHT_AND_CONTRAST_THEMES: readonly Exclude<WebviewTheme, 'dark'>[] = ['light-modern', 'light-2026', 'high-contrast', 'high-contrast-light'];

interface ThemeFile {
  themes: Record<string, { name: string; bodyClass: string; colors: Record<string, string> }>;
}

/** The body's class and --vscode-* variables of `theme`, as VS Code sets them on a webview's body. */
function themeBody(theme: WebviewTheme): { bodyClass: string; variables: Record<string, string> } {
  if (theme === 'dark') return { bodyClass: 'vscode-dark', variables: DARK_THEME };
  const file = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'themes', 'webviewThemes.json'), 'utf8')) as ThemeFile;
  const { bodyClass, colors } = file.themes[theme]!;
  const variables: Record<string, string> = { '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px', '--vscode-editor-font-family': 'monospace' };
  for (const [id, value] of Object.entries(colors)) variables[`--vscode-${id.replace(/\./g, '-')}`] = value;
  return { bodyClass, variables };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.PTLAB_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
}

/** A page running dist/webview/dashboard.js with a stub VS Code API; posted messages land in window.__posted. */
export function openDashboardPage(browser: Browser, viewport = { width: 1400, height: 900 }, state?: unknown, theme: WebviewTheme = 'dark'): Promise<Page> {
  return openWebviewPage(browser, 'dashboard', ['webview.css'], viewport, state, theme);
}

/** A page running dist/webview/<bundle>.js with media/<styles>, `theme`'s colours and a stub VS Code API (posted messages land in window.__posted). */
export async function openWebviewPage(browser: Browser, bundle: string, styles: string[], viewport = { width: 1400, height: 900 }, state?: unknown, theme: WebviewTheme = 'dark'): Promise<Page> {
  const html = join(tmpdir(), `ptlab-${bundle}-harness-${process.pid}.html`);
  const { bodyClass, variables } = themeBody(theme);
  const style = Object.entries(variables).map(([k, v]) => `${k}: ${v}`).join('; ');
  const links = styles.map((name) => `<link rel="stylesheet" href="file://${join(repoRoot, 'media', name)}">`).join('');
  writeFileSync(
    html,
    `<!DOCTYPE html><html><head><meta charset="utf-8">${links}</head>
<body class="${bodyClass}" style="${style}"><div id="root"></div>
<script>
  window.__posted = []; window.__state = ${JSON.stringify(state ?? null)};
  window.acquireVsCodeApi = () => ({ postMessage: (m) => { window.__posted.push(m); if (window.__host) window.__host(m); }, getState: () => window.__state ?? undefined, setState: (s) => { window.__state = s; } });
</script>
<script src="file://${join(repoRoot, 'dist', 'webview', `${bundle}.js`)}"></script></body></html>`,
  );
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (err) => console.error('page error:', err.message));
  page.on('crash', () => console.error(`the ${bundle} page crashed`));
  await page.goto(`file://${html}`);
  return page;
}

/** Host messages to the page, in order. */
export async function post(page: Page, messages: ToDashboard[] | ToTranscripts[] | ToCompare[]): Promise<void> {
  await page.evaluate((ms) => {
    for (const m of ms) window.postMessage(m, '*');
  }, messages);
}


/**
 * Answers the dashboard page's view requests from `data`, as the extension host does with the
 * metrics worker's: each request's view computed here and posted back (a view that throws as
 * `view/failed`). Requests posted before this call are answered too. Returns the milliseconds
 * each answer took to compute.
 */
export async function serveDashboard(page: Page, data: DashboardData): Promise<number[]> {
  const times: number[] = [];
  const answer = async (message: FromDashboard): Promise<void> => {
    if (message.type !== 'view') return;
    const t0 = performance.now();
    let reply: ToDashboard;
    try {
      reply = { type: 'view', id: message.id, view: data.view(message.request) };
    } catch (err) {
      reply = { type: 'view/failed', id: message.id, message: (err as Error).message };
    }
    times.push(performance.now() - t0);
    await page.evaluate((m) => window.postMessage(m, '*'), reply);
  };
  // A request still being answered when the page closes has nobody to answer.
  await page.exposeFunction('__host', (message: FromDashboard) => void answer(message).catch((err: Error) => page.isClosed() || console.error(err)));
  const earlier = await page.evaluate(() => (window as unknown as { __posted: FromDashboard[] }).__posted);
  for (const message of earlier) await answer(message);
  return times;
}

/**
 * The WCAG contrast ratio of `selector`'s text against the background it is drawn on (each
 * ancestor's background composited over the next, the page white under all).
 */
export function textContrast(page: Page, selector: string): Promise<number> {
  return paintContrast(page, selector, 'color');
}

/** As textContrast, for the colour `paint` of `selector` (an SVG shape's fill, say). */
export async function paintContrast(page: Page, selector: string, paint: 'color' | 'fill' | 'stroke'): Promise<number> {
  return page.locator(selector).first().evaluate((node, paint) => {
    const rgba = (css: string): number[] => {
      const [r, g, b, a] = css.match(/[\d.]+/g)!.map(Number);
      return [r!, g!, b!, a ?? 1];
    };
    const over = (top: number[], under: number[]): number[] => [0, 1, 2].map((i) => top[i]! * top[3]! + under[i]! * (1 - top[3]!)).concat(1);
    const chain: Element[] = [];
    for (let n: Element | null = node; n; n = n.parentElement) chain.unshift(n);
    const background = chain.reduce((under, n) => over(rgba(getComputedStyle(n).backgroundColor), under), [255, 255, 255, 1]);
    const text = over(rgba(getComputedStyle(node)[paint]), background);
    const luminance = (c: number[]): number => {
      const channel = (v: number): number => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * channel(c[0]!) + 0.7152 * channel(c[1]!) + 0.0722 * channel(c[2]!);
    };
    const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
    return (light! + 0.05) / (dark! + 0.05);
  }, paint);
}
