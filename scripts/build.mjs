// esbuild: one bundle for the extension host (node) and one per webview (browser).
// Type-checking is its own step (`npm run typecheck`).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const common = { bundle: true, minify: production, sourcemap: !production, logLevel: 'warning' };

/** Every webview/<name>/main.ts becomes dist/webview/<name>.js. */
function webviewEntryPoints() {
  const names = readdirSync('webview', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`webview/${d.name}/main.ts`))
    .map((d) => d.name);
  return Object.fromEntries(names.map((name) => [name, `webview/${name}/main.ts`]));
}

/** Every src/workers/<name>.worker.ts becomes dist/workers/<name>.js: the one list of workers
 * (.vscodeignore ships dist/workers/*.js; test/runner/vsix.ts checks each is in the VSIX). */
function workerEntryPoints() {
  const names = readdirSync('src/workers').filter((f) => f.endsWith('.worker.ts')).map((f) => f.slice(0, -'.worker.ts'.length));
  return Object.fromEntries(names.map((name) => [name, `src/workers/${name}.worker.ts`]));
}

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node'],
    mainFields: ['module', 'main'], // jsonc-parser's UMD main hides its requires from esbuild
    // activation time includes loading the bundle: wall clock, and CPU time (immune to other processes)
    banner: { js: 'globalThis.__ptlabLoadStart = [performance.now(), process.cpuUsage()];' },
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
    mainFields: ['module', 'main'],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: workerEntryPoints(),
    outdir: 'dist/workers',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
    mainFields: ['module', 'main'],
  },
  {
    ...common,
    entryPoints: webviewEntryPoints(),
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
  },
];

// A clean dist/: an output whose source moved or went away must not linger and hide it.
rmSync('dist', { recursive: true, force: true });

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('[build] watching');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`[build] dist/ ${production ? '(production)' : ''}`.trim());
}
