// Runs every test suite, streams its output, and ends with one line over all of them:
// `N passed, N failed, N skipped`. Exit status 1 when anything failed.
//   node scripts/run-tests.mjs [--only NAME,NAME] [--electron]
// Suites: checks (type-check, generated types and validators), unit (Mocha), python (pytest),
// vscode (integration suite + webview checks in code-server and Chromium), demo (the main
// job at CI size, its HTML report checked in Chromium),
// package (the platform VSIX is built, checked, installed into code-server and every view opened from it), electron (the same integration suite in desktop VS Code through @vscode/test-electron:
// runs with --electron, which downloads VS Code, or with PTLAB_VSCODE_EXECUTABLE set).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failureDigest } from './failure-digest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const wantElectron = args.includes('--electron') || Boolean(process.env.PTLAB_VSCODE_EXECUTABLE);

function toolsEnv() {
  const file = join(root, 'node_modules', '.ptlab', 'tools.env');
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}
const tools = toolsEnv();
const npxBin = (name) => join(root, 'node_modules', '.bin', name);
const venvPython = join(root, '.venv', 'bin', 'python');

/** Run a command, echo its output, and resolve with the exit code and the output text. */
let suiteOutput = ''; // everything the suites printed, for the failure digest

function run(command, commandArgs, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const echo = (stream) => (chunk) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('error', (err) => resolve({ code: 127, output: `${output}\n${err.message}` }));
    child.on('close', (code) => {
      suiteOutput += output;
      resolve({ code: code ?? 1, output });
    });
  });
}

const num = (text, re) => {
  const all = [...text.matchAll(re)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
};
const counts = {
  // "N passing", "N failing", "N pending"
  mocha: (out) => ({ passed: num(out, /(\d+) passing/g), failed: num(out, /(\d+) failing/g), skipped: num(out, /(\d+) pending/g) }),
  // pytest's summary: "N passed, N failed, N skipped, N error(s)"
  pytest: (out) => {
    const summary = out.trim().split('\n').reverse().find((l) => /\d+ (passed|failed|error)/.test(l)) ?? '';
    return {
      passed: num(summary, /(\d+) passed/g),
      failed: num(summary, /(\d+) failed/g) + num(summary, /(\d+) errors?/g),
      skipped: num(summary, /(\d+) skipped/g),
    };
  },
  // our runners' own last line
  plain: (out) => ({ passed: num(out, /^(\d+) passed/gm), failed: num(out, /^\d+ passed, (\d+) failed/gm), skipped: num(out, /failed, (\d+) skipped/gm) }),
};

const check = (name, command, commandArgs) => async () => {
  const { code } = await run(command, commandArgs);
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0, note: `${name} failed` };
};

const suites = [
  {
    name: 'checks',
    run: async () => {
      const results = [
        await check('type-check (extension host)', npxBin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])(),
        await check('type-check (webviews)', npxBin('tsc'), ['-p', 'webview/tsconfig.json', '--noEmit'])(),
        await check('generated contract types are current', process.execPath, ['scripts/gen-types.mjs', '--check'])(),
        await check('generated contract validators are current', process.execPath, ['scripts/gen-validators.mjs', '--check'])(),
        await check('compile tests', npxBin('tsc'), ['-p', 'test/tsconfig.json'])(),
      ];
      return results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: 0 }));
    },
  },
  {
    name: 'unit',
    run: async () => {
      const { code, output } = await run(npxBin('mocha'), ['--config', 'test/.mocharc.unit.json']);
      return settle(code, counts.mocha(output));
    },
  },
  {
    name: 'python',
    run: async () => {
      // two pytest-xdist workers (the 2-core machine); worksteal evens out the slow trainer tests;
      // the 25 slowest named in the log (the suite is most of CI's time limit)
      const { code, output } = await run(venvPython, ['-m', 'pytest', 'trainer/tests', '-q', '-p', 'no:cacheprovider', '-n', '2', '--dist', 'worksteal', '--durations=25']);
      return settle(code, counts.pytest(output));
    },
  },
  {
    name: 'vscode',
    run: async () => {
      const { code, output } = await run(process.execPath, ['out/test/runner/codeServer.js'], tools);
      return settle(code, counts.plain(output));
    },
  },
  {
    name: 'demo',
    run: async () => {
      const { code, output } = await run(process.execPath, ['out/test/runner/demo.js']);
      return settle(code, counts.plain(output));
    },
  },
  {
    name: 'package',
    run: async () => {
      const { code, output } = await run(process.execPath, ['out/test/runner/vsix.js'], tools);
      return settle(code, counts.plain(output));
    },
  },
  {
    name: 'electron',
    run: async () => {
      if (!wantElectron) {
        console.log('skipped: no desktop VS Code here (pass --electron to download one, or set PTLAB_VSCODE_EXECUTABLE)');
        return { passed: 0, failed: 0, skipped: 1 };
      }
      const node = tools.PTLAB_CODE_SERVER_NODE ?? process.execPath; // @vscode/test-electron needs Node 22+
      const { code, output } = await run(node, ['out/test/runner/electron.js']);
      return settle(code, counts.plain(output));
    },
  },
];

/** A suite that exits non-zero without reporting a failure still counts as one failure. */
function settle(code, c) {
  if (code !== 0 && c.failed === 0) return { ...c, failed: 1 };
  if (code === 0 && c.passed === 0 && c.failed === 0) return { ...c, failed: 1, note: 'ran no test' };
  return c;
}

const total = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
const failures = [];
for (const suite of suites) {
  if (only && suite.name !== 'checks' && !only.includes(suite.name)) continue; // checks also compile the tests
  console.log(`\n=== ${suite.name} ===`);
  const started = Date.now();
  const outputStart = suiteOutput.length;
  const result = await suite.run();
  for (const k of Object.keys(total)) total[k] += result[k];
  if (result.failed > 0) failures.push(`  ${suite.name}:`, ...failureDigest(suiteOutput.slice(outputStart)).map((l) => `    ${l}`));
  lines.push(
    `  ${suite.name.padEnd(9)} ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped  (${((Date.now() - started) / 1000).toFixed(1)} s)${result.note ? `  ${result.note}` : ''}`,
  );
}
if (failures.length) {
  console.log('\n=== failures ===');
  for (const line of failures) console.log(line);
}
console.log('\n=== summary ===');
for (const line of lines) console.log(line);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
