// The main job at CI size: `scripts/demo.sh --size ci --seeds 2` runs every stage of the GP-L
// SFT-vs-RL study (SFT Init, more SFT and PPO for two training seeds, ONNX exports) and writes
// the HTML report, which is then opened in Chromium from disk and checked as a reader sees it;
// then the V-IRL-L study (`--task virl-l`, one seed) the same way.
// Prints `N passed, N failed, N skipped` as its last line; the screenshot is test-results/report.png.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { repo, type Outcome } from './workspace';
import { removeSandbox } from './processes';
import type { ReportData } from '../../src/core/report/report';
import type { PaperField } from '../../src/core/dashboard/model';

const outcomes: Outcome[] = [];
async function check(title: string, body: () => void | Promise<void>): Promise<void> {
  try {
    await body();
    outcomes.push({ title, state: 'passed' });
  } catch (err) {
    outcomes.push({ title, state: 'failed', error: (err as Error).stack ?? String(err) });
  }
}

/** Runs scripts/demo.sh with `args`; throws unless it exits 0 with every run in `runs` finished and the report written. */
function runDemo(args: string[], runs: string[]): void {
  const out = args[args.indexOf('--out') + 1]!;
  const started = Date.now();
  const result = spawnSync('bash', ['scripts/demo.sh', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' }, timeout: 1_200_000 });
  process.stdout.write(result.stdout.split(/\r/).pop() ?? '');
  console.log(`demo ${args.join(' ')} took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
  for (const run of runs) {
    const manifest = JSON.parse(readFileSync(join(out, run, 'run.json'), 'utf8')) as { status: string };
    if (manifest.status !== 'finished') throw new Error(`${run} ended ${manifest.status}`);
  }
  if (!existsSync(join(out, 'report.html'))) throw new Error('no report.html');
}

/** Opens a study's report from disk in Chromium and checks what a reader sees: both paper charts drawn, the final
 * and comparison tables, the verdict over `seeds` training seeds per arm, sample transcripts, and no console
 * error or network request. Saves a screenshot. */
/** The report read every file of the demo's runs, and its numbers agree with themselves: each arm's change from Init that the verdict computed
 * from the episodes (paired) is the change between the evaluation records' rates in the finals. */
function checkReportData(report: string, field: PaperField): void {
  const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(readFileSync(report, 'utf8'))![1]!) as ReportData;
  if (data.problems.length > 0) throw new Error(`the report left out what it could not read of the demo's finished runs:\n${data.problems.join('\n')}`);
  const measured = [...data.finals.map((f) => data.measures[f.splitKind].field), ...data.verdict.effects.map((e) => e.field)];
  if (measured.some((m) => m !== field)) throw new Error(`the report measures ${[...new Set(measured)].join(', ')}; expected ${field}`);
  for (const effect of data.verdict.effects) {
    const method = effect.claim.startsWith('SFT ') ? 'SFT' : effect.claim.startsWith('RL raises') ? 'RL' : undefined;
    if (!method || effect.pairing !== 'paired') continue; // RL vs SFT has no Init side
    const final = data.finals.find((f) => f.method === method && f.split === effect.split);
    if (final?.delta === undefined || Math.abs(effect.perSeed[0]! - final.delta) > 1e-9) throw new Error(`${effect.claim}: ${effect.perSeed[0]} from the episodes, ${final?.delta} from the evaluation records`);
  }
}

async function checkReport(report: string, seeds: number, screenshot: string, field: PaperField): Promise<void> {
  if (!existsSync(report)) throw new Error('no report to open');
  checkReportData(report, field);
  const browser = await chromium.launch({ executablePath: process.env.PTLAB_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => !r.url().startsWith('file:') && !r.url().startsWith('data:') && problems.push(`network request: ${r.url()}`));
    await page.goto(pathToFileURL(report).href);
    await page.locator('body[data-rendered="true"]').waitFor({ timeout: 30_000 });
    const painted = await page.locator('canvas.paper-curve').evaluateAll((canvases) =>
      canvases.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) ink++;
        return ink;
      }),
    );
    if (painted.length !== 2 || painted.some((ink) => ink < 1000)) throw new Error(`expected the paper view's two drawn charts (ID, OOD), got ink ${JSON.stringify(painted)}`);
    const finals = (await page.locator('#final-table').textContent()) ?? '';
    for (const expected of ['SFT', 'RL', 'In distribution (ID)', 'Out of distribution: rule (OOD)', 'vs Init']) if (!finals.includes(expected)) throw new Error(`final table lacks ${expected}: ${finals}`);
    if ((await page.locator('#compare-table tbody tr').count()) !== 2) throw new Error('the comparison table does not have the two splits');
    const outcome = (await page.locator('#verdict-outcome').textContent()) ?? '';
    const averaged = seeds > 1 ? `, averaged over ${seeds} training seeds per arm` : '';
    if (!new RegExp(`^The paper's finding is (reproduced|partly reproduced|not reproduced): \\d+ of 5 effects beyond 2 standard errors${averaged}\\.$`).test(outcome)) throw new Error(`no verdict with its count of effects over ${seeds} seed(s): ${outcome}`);
    if (seeds > 1) {
      const effects = await page.locator('#verdict-table tbody tr').allTextContents();
      if (!effects.every((row) => /per seed [+−]\d+\.\d pts, [+−]\d+\.\d pts/.test(row))) throw new Error(`the verdict's effects do not show each seed's change: ${effects.join(' | ')}`);
    }
    const runsShown = new Set((await page.locator('#final-table tbody tr td:nth-child(2)').allTextContents()).map((t) => t.split('/').pop()));
    const expectedRuns = ['sft-more', 'ppo', ...(seeds > 1 ? ['sft-more-seed1', 'ppo-seed1'] : [])];
    if (expectedRuns.some((run) => !runsShown.has(run))) throw new Error(`the final table does not list every seed's run: ${[...runsShown].join(', ')}`);
    if ((await page.locator('#verdict-table tbody tr').count()) !== 5) throw new Error('the verdict does not list the five effects (ID: SFT, RL; OOD: SFT, RL, RL vs SFT)');
    if ((await page.locator('#samples .transcript').count()) === 0) throw new Error('no sample transcripts');
    await page.screenshot({ path: screenshot, fullPage: false });
    if (problems.length > 0) throw new Error(`console errors or requests:\n${problems.join('\n')}`);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<number> {
  const sandbox = mkdtempSync(join(tmpdir(), 'ptlab-demo-'));
  const out = join(sandbox, 'demo');
  const report = join(out, 'report.html');
  const resultsDir = join(repo, 'test-results');
  mkdirSync(resultsDir, { recursive: true });
  try {
    await check('demo: scripts/demo.sh --size ci --seeds 2 runs every stage and writes the report', () => {
      runDemo(['--size', 'ci', '--out', out, '--seeds', '2'], ['sft-init', 'sft-more', 'ppo', 'sft-more-seed1', 'ppo-seed1']);
      for (const run of ['sft-more', 'ppo']) {
        const exports = existsSync(join(out, run, 'onnx')) ? readdirSync(join(out, run, 'onnx')) : [];
        if (!exports.some((name) => existsSync(join(out, run, 'onnx', name, 'ptlab-onnx.json')))) throw new Error(`${run}: no ONNX export`);
      }
    });
    await check('demo: a second run keeps the finished stages', () => {
      const result = spawnSync(join(repo, '.venv', 'bin', 'python'), ['-m', 'ptlab.demo', '--size', 'ci', '--out', out, '--seeds', '2'], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
      if (result.status !== 0) throw new Error(result.stderr);
      const kept = result.stdout.match(/kept/g)?.length ?? 0;
      if (kept !== 7) throw new Error(`expected all 7 stages kept, got ${kept}:\n${result.stdout}`);
    });
    await check('demo: the report opens from disk in Chromium and shows the study', () => checkReport(report, 2, join(resultsDir, 'report.png'), 'success'));
    const virl = join(sandbox, 'demo-virl-l');
    await check('demo: scripts/demo.sh --task virl-l --size ci runs the V-IRL-L study from embedded:virl-base', async () => {
      runDemo(['--task', 'virl-l', '--size', 'ci', '--out', virl], ['sft-init', 'sft-more', 'ppo']);
      const init = JSON.parse(readFileSync(join(virl, 'sft-init', 'run.json'), 'utf8')) as { config: { model: { name: string }; environment: { env: string } } };
      if (init.config.model.name !== 'embedded:virl-base' || init.config.environment.env !== 'virl') throw new Error(`Init is not V-IRL from embedded:virl-base: ${JSON.stringify(init.config.model)}`);
      await checkReport(join(virl, 'report.html'), 1, join(resultsDir, 'report-virl-l.png'), 'perStepAccuracyReference');
    });
  } finally {
    if (!process.env.PTLAB_KEEP_SANDBOX) await removeSandbox(sandbox);
    else console.log(`kept ${sandbox}`);
  }
  for (const o of outcomes) {
    console.log(`  ${o.state === 'passed' ? '✔' : '✘'} ${o.title}`);
    if (o.error) console.log(o.error.replace(/^/gm, '      '));
  }
  const count = (s: Outcome['state']) => outcomes.filter((o) => o.state === s).length;
  console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('pending')} skipped`);
  return count('failed') > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
