// Packages the platform VSIX (scripts/package.mjs) and checks it as an installer would:
// only this platform's onnxruntime-node binaries, every file the manifest names, and
// onnxruntime-node loading from the unpacked extension. Prints `N passed, N failed`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo, type Outcome } from './workspace';

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
    const required = ['extension/dist/extension.js', 'extension/dist/metricsWorker.js', 'extension/dist/inferenceWorker.js', 'extension/dist/jobsMetricsWorker.js', 'extension/dist/webview/dashboard.js', 'extension/schemas/experiment.schema.json', 'extension/examples/tiny.ptlab.json', 'extension/trainer/ptlab/cli.py', 'extension/trainer/requirements.lock', 'extension/media/webview.css', 'extension/docs/images/gp-vl-cards.png'];
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

for (const o of outcomes) console.log(`  ${o.state === 'passed' ? '✔' : '✘'} ${o.title}${o.error ? `\n      ${o.error}` : ''}`);
const failed = outcomes.filter((o) => o.state === 'failed').length;
console.log(`${outcomes.length - failed} passed, ${failed} failed, 0 skipped`);
process.exit(failed > 0 ? 1 : 0);
