// The VS Code integration suite's entry point: the same Mocha `run()` that
// @vscode/test-electron calls, and that test/runner/codeServer.ts runs inside code-server.
// Results also go to $PTLAB_TEST_RESULTS (JSON) so a runner outside VS Code can count them.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

interface Outcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  error?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, file));
  const outcomes: Outcome[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const file = process.env.PTLAB_TEST_RESULTS;
      if (file) writeFileSync(file, JSON.stringify({ outcomes }, null, 2));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => outcomes.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err: Error) => outcomes.push({ title: t.fullTitle(), state: 'failed', error: err.stack ?? String(err) }));
    runner.on('pending', (t) => outcomes.push({ title: t.fullTitle(), state: 'pending' }));
  });
}
