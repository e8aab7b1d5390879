// Packages the platform VSIX (scripts/package.mjs) and checks it as an installer would:
// only this platform's onnxruntime-node binaries, every file the manifest names and every
// worker the build makes, onnxruntime-node loading from the unpacked extension; then installs
// it into a fresh code-server and opens every view from it in Chromium (packageChecks.ts).
// Prints `N passed, N failed` as its last line.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { packageChecks } from './packageChecks';
import { removeSandbox } from './processes';
import { CodeServer, launchChromium, reportOutcomes, resultsDir, runWebviewChecks, workbenchUrl } from './workbench';
import { prepareWorkspace, repo, type Outcome } from './workspace';

const target = `${process.platform}-${process.arch}`;
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
const vsix = join(repo, 'dist-vsix', `ptlab-${target}-${version}.vsix`);
const outcomes: Outcome[] = [];

function check(title: string, body: () => void): void {
  try {
    body();
    outcomes.push({ title, state: 'passed' });
  } catch (err) {
    outcomes.push({ title, state: 'failed', error: (err as Error).message });
  }
}

const build = spawnSync(process.execPath, [join(repo, 'scripts', 'package.mjs')], { cwd: repo, encoding: 'utf8' });
console.log(build.stdout.split('\n').slice(-3).join('\n'));
check('npm run package builds the platform VSIX', () => {
  if (build.status !== 0) throw new Error(build.stderr || `exit ${build.status}`);
  if (!existsSync(vsix)) throw new Error(`${vsix} was not written`);
});

const unpacked = mkdtempSync(join(tmpdir(), 'ptlab-vsix-'));
try {
  if (existsSync(vsix)) execFileSync('unzip', ['-q', vsix, '-d', unpacked]);
  const files = existsSync(vsix) ? execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter(Boolean) : [];

  check('it carries only this platform\'s onnxruntime-node binaries', () => {
    const binaries = files.filter((f) => f.includes('onnxruntime-node/bin/'));
    const foreign = binaries.filter((f) => !f.includes(`/${process.platform}/${process.arch}/`));
    if (binaries.length === 0) throw new Error('no onnxruntime-node binaries');
    if (foreign.length > 0) throw new Error(`other platforms' binaries: ${foreign.slice(0, 5).join(', ')}`);
  });

  check('it carries the bundles, schemas, examples and the trainer, not the sources', () => {
    // every worker the build makes (src/workers/<name>.worker.ts -> dist/workers/<name>.js)
    const workers = readdirSync(join(repo, 'src', 'workers')).filter((f) => f.endsWith('.worker.ts')).map((f) => `extension/dist/workers/${f.slice(0, -'.worker.ts'.length)}.js`);
    const required = ['extension/dist/extension.js', ...workers, 'extension/dist/webview/dashboard.js', 'extension/schemas/experiment.schema.json', 'extension/examples/tiny.ptlab.json', 'extension/trainer/ptlab/cli.py', 'extension/trainer/requirements.lock', 'extension/media/webview.css', 'extension/docs/images/gp-vl-cards.png'];
    const missing = required.filter((f) => !files.includes(f));
    const leaked = files.filter((f) => /^extension\/(src|test|webview|scripts|out)\/|\.map$|\.venv\//.test(f));
    if (missing.length || leaked.length) throw new Error(`missing: ${missing.join(', ')}; should not ship: ${leaked.slice(0, 5).join(', ')}`);
  });

  check('every file package.json points at is inside', () => {
    const manifest = JSON.parse(readFileSync(join(unpacked, 'extension', 'package.json'), 'utf8')) as {
      main: string;
      contributes: { jsonValidation: { url: string }[] };
    };
    const paths = [manifest.main, ...manifest.contributes.jsonValidation.map((v) => v.url)];
    const absent = paths.filter((p) => !existsSync(join(unpacked, 'extension', p)));
    if (absent.length) throw new Error(`absent: ${absent.join(', ')}`);
  });

  check('onnxruntime-node loads from the unpacked extension', () => {
    const ort = join(unpacked, 'extension', 'node_modules', 'onnxruntime-node');
    const probe = spawnSync(process.execPath, ['-e', `const o=require(${JSON.stringify(ort)}); if (typeof o.InferenceSession.create !== 'function') process.exit(3)`], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error(probe.stderr || `exit ${probe.status}`);
  });
} finally {
  rmSync(unpacked, { recursive: true, force: true });
}

/** The VSIX installed into a fresh code-server (no development extension) and every view opened. */
async function openInstalled(): Promise<Outcome[]> {
  if (!existsSync(vsix)) return [{ title: 'installed VSIX: every view opens', state: 'failed', error: 'no VSIX to install' }];
  mkdirSync(resultsDir, { recursive: true });
  const sandbox = mkdtempSync(join(tmpdir(), 'ptlab-vsix-code-server-'));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = new CodeServer(sandbox);
    server.installExtension(vsix);
    const installed = readdirSync(server.dirs.extensions).filter((d) => d.startsWith('ptlab.'));
    if (installed.length !== 1) throw new Error(`expected the extension in ${server.dirs.extensions}, found: ${readdirSync(server.dirs.extensions).join(', ')}`);
    const workspace = prepareWorkspace(sandbox);
    const port = await server.start(workspace);
    browser = await launchChromium();
    return await runWebviewChecks(browser, workbenchUrl(port, workspace), workspace, packageChecks);
  } catch (err) {
    console.error(server?.log.slice(-4000));
    return [{ title: 'installed VSIX: code-server harness', state: 'failed', error: (err as Error).stack ?? String(err) }];
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (!process.env.PTLAB_KEEP_SANDBOX) await removeSandbox(sandbox);
  }
}

openInstalled().then(
  (installed) => process.exit(reportOutcomes([...outcomes, ...installed])),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
