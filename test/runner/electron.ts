// The integration suite in desktop VS Code through @vscode/test-electron, the standard runner
// on developers' machines (it downloads VS Code unless PTLAB_VSCODE_EXECUTABLE names one).
// Prints `N passed, N failed` as its last line.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { prepareWorkspace, repo, type Outcome } from './workspace';
import { removeSandbox } from './processes';

async function main(): Promise<number> {
  const sandbox = mkdtempSync(join(tmpdir(), 'ptlab-electron-'));
  const resultsFile = join(sandbox, 'integration-results.json');
  let outcomes: Outcome[] = [];
  try {
    await runTests({
      ...(process.env.PTLAB_VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.PTLAB_VSCODE_EXECUTABLE } : {}),
      extensionDevelopmentPath: repo,
      extensionTestsPath: join(repo, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: { PTLAB_TEST_RESULTS: resultsFile },
      launchArgs: [prepareWorkspace(sandbox), '--disable-workspace-trust', '--user-data-dir', join(sandbox, 'user-data')],
    });
  } catch (err) {
    if (!existsSync(resultsFile)) outcomes.push({ title: 'desktop VS Code run', state: 'failed', error: String(err) });
  }
  if (existsSync(resultsFile)) outcomes = (JSON.parse(readFileSync(resultsFile, 'utf8')) as { outcomes: Outcome[] }).outcomes;
  await removeSandbox(sandbox);
  for (const o of outcomes) console.log(`  ${o.state === 'passed' ? '✔' : '✘'} ${o.title}${o.error ? `\n${o.error}` : ''}`);
  const count = (s: Outcome['state']) => outcomes.filter((o) => o.state === s).length;
  console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('pending')} skipped`);
  return count('failed') > 0 || count('passed') === 0 ? 1 : 0;
}

main().then((code) => process.exit(code));
