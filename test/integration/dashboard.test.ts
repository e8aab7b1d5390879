// The dashboard's host side in VS Code: opening on run folders. The webview itself, and a
// curve point's click-through to the transcript viewer, are checked in Chromium
// (test/runner/webviewChecks/dashboard-paper.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExperimentEntry } from '../../src/core/runs/runTree';

function runFolder(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, 'runs', ...parts);
}

const dashboardTabs = (): vscode.Tab[] =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('ptlab.dashboard'));

describe('Dashboard host', () => {
  it('ptlab.openDashboard accepts a run folder or run folders, and keeps one panel', async () => {
    await vscode.commands.executeCommand('ptlab.openDashboard', runFolder('gp-l', 'ppo-s0'));
    await vscode.commands.executeCommand('ptlab.openDashboard', [runFolder('gp-l', 'sft-s0'), runFolder('gp-l', 'ppo-s1')]);
    await vscode.commands.executeCommand('ptlab.openDashboard');
    const deadline = Date.now() + 30_000;
    while (dashboardTabs().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal(dashboardTabs().length, 1);
  });
});

describe('Runs of other trainers', () => {
  it('lists TensorBoard log folders and a TRL output_dir as runs, once each; a run with a TensorBoard copy stays one run', async () => {
    const extension = vscode.extensions.getExtension<{ runs(): Promise<ExperimentEntry[]> }>('ptlab.ptlab');
    assert.ok(extension);
    const api = await extension.activate();
    // Our run with logging.reportTo tensorboard: RUN/tensorboard holds event files next to run.json.
    const ours = runFolder('tiny-gp-l', 'ppo');
    const copy = vscode.Uri.joinPath(ours, 'tensorboard');
    const source = vscode.Uri.joinPath(ours, '..', '..', '..', 'imported', 'tensorboard', 'sft-classic');
    const [name] = (await vscode.workspace.fs.readDirectory(source)).map(([n]) => n).filter((n) => n.startsWith('events.out.tfevents.'));
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(source, name!), vscode.Uri.joinPath(copy, name!), { overwrite: true });
    // A log inside another (add_scalars' subruns: LOG/grp_a), listed whichever folder comes first.
    const nested = vscode.Uri.joinPath(source, 'grp_a');
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(source, name!), vscode.Uri.joinPath(nested, name!), { overwrite: true });
    try {
      await vscode.commands.executeCommand('ptlab.runs.refresh');
      const experiments = await api.runs();
      const logs = experiments.find((e) => e.name === 'TensorBoard: tensorboard');
      assert.ok(logs, `experiments were ${JSON.stringify(experiments.map((e) => e.name))}`);
      assert.deepEqual(logs.runs.map((r) => [r.runId, r.source, r.job]), [
        ['histogram-first', 'tensorboard', 'unknown'],
        ['ppo-new-style', 'tensorboard', 'unknown'],
        ['restarted-without-a-start', 'tensorboard', 'unknown'],
        ['sft-classic', 'tensorboard', 'unknown'],
      ]);
      const subruns = experiments.find((e) => e.name === 'TensorBoard: sft-classic'); // grouped by their log dir, as TensorBoard does
      assert.deepEqual(subruns?.runs.map((r) => [r.runId, r.source]), [['grp_a', 'tensorboard']]);
      const all = experiments.flatMap((e) => e.runs.map((r) => r.folder));
      assert.ok(!all.includes(copy.fsPath), 'RUN/tensorboard is not a second run');
      assert.ok(all.includes(ours.fsPath));
      // A TRL GRPOTrainer output_dir: one run with its checkpoints; its own TensorBoard log (runs/<date_host>) is that run too.
      const trl = experiments.find((e) => e.name === 'Trainer: trl')?.runs;
      assert.deepEqual(trl?.map((r) => [r.runId, r.source, r.state, r.step, r.totalSteps, r.checkpoints.map((c) => c.step)]), [['grpo-gp-l', 'hf-trainer', 'finished', 6, 6, [2, 4, 6]]]);
      assert.ok(!experiments.some((e) => e.name === 'TensorBoard: runs'), `experiments were ${JSON.stringify(experiments.map((e) => e.name))}`);
    } finally {
      await vscode.workspace.fs.delete(copy, { recursive: true });
      await vscode.workspace.fs.delete(nested, { recursive: true });
    }
  });
});
