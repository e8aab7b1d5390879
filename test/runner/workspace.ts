// What every VS Code runner shares: the repository root, the test workspace, the outcome type.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repo = resolve(__dirname, '..', '..', '..');

export interface Outcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  error?: string;
}

/**
 * A fresh copy of test/fixtures/workspace plus the tiny example config, inside `sandbox`.
 * `${ptlabRepo}` in its .vscode/settings.json becomes this repository (ptlab.pythonPath: its .venv).
 */
export function prepareWorkspace(sandbox: string): string {
  const workspace = join(sandbox, 'workspace');
  cpSync(join(repo, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  cpSync(join(repo, 'examples', 'tiny.ptlab.json'), join(workspace, 'tiny.ptlab.json'));
  const settings = join(workspace, '.vscode', 'settings.json');
  writeFileSync(settings, readFileSync(settings, 'utf8').replaceAll('${ptlabRepo}', repo));
  return workspace;
}
