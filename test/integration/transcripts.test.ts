// Open Transcripts inside a real VS Code: the command on a run folder (as the dashboard calls
// it, with a step and a split), on an episodes.jsonl, and on a log with a torn line.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TranscriptsShown } from '../../src/protocol/transcripts';

function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.file(join(folder.uri.fsPath, ...parts));
}

const transcriptTabs = () =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('ptlab.transcripts'));

/** The open transcript tabs once they number `n` (tabs update after the command resolves; on a
 * loaded machine that takes seconds), or after 30 s whatever they number. */
async function tabsReach(n: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (transcriptTabs().length !== n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return transcriptTabs().length;
}

describe('Open Transcripts', () => {
  before(async () => {
    await vscode.extensions.getExtension('ptlab.ptlab')!.activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors'); // panels other suites left open
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a run folder at a step and split, as the dashboard asks', async () => {
    const runDir = workspaceUri('runs', 'compare', 'sft-final');
    const shown = (await vscode.commands.executeCommand('ptlab.openTranscripts', { runDir, step: 100, split: 'ood-rule' })) as TranscriptsShown;
    assert.equal(shown.file, join(runDir.fsPath, 'episodes.jsonl'));
    assert.equal(shown.total, 12);
    assert.equal(shown.skipped, 0);
    assert.deepEqual(shown.rows.map((r) => r.split), Array(12).fill('ood-rule'));
    assert.deepEqual(
      shown.rows.filter((r) => !r.success).map((r) => r.failureMode),
      Array(6).fill('rule-collapse'),
      'the SFT checkpoint collapses to the training rule on every OOD failure',
    );
    assert.ok(shown.rows.every((r) => r.step === 100 && r.task === 'GP-L' && r.snippet.includes('formula')));
    assert.equal(await tabsReach(1), 1);
    const none = (await vscode.commands.executeCommand('ptlab.openTranscripts', { runDir, step: 7 })) as TranscriptsShown;
    assert.equal(none.total, 0, 'no episodes at step 7');
    assert.equal(await tabsReach(1), 1, 'the same file reuses its panel');
  });

  it('opens an episodes.jsonl and a vision run folder given as URIs', async () => {
    const file = workspaceUri('runs', 'transcripts', 'gp-vl', 'episodes.jsonl');
    const shown = (await vscode.commands.executeCommand('ptlab.openTranscripts', file)) as TranscriptsShown;
    const lines = readFileSync(file.fsPath, 'utf8').trimEnd().split('\n');
    assert.equal(shown.total, lines.length);
    assert.deepEqual(shown.rows.map((r) => r.seed), lines.map((l) => (JSON.parse(l) as { seed: number }).seed));
    assert.ok(shown.rows.every((r) => r.task === 'GP-VL'));
    const virl = (await vscode.commands.executeCommand('ptlab.openTranscripts', workspaceUri('runs', 'transcripts', 'virl-vl'))) as TranscriptsShown;
    assert.equal(virl.total, 2);
    assert.ok(virl.rows.every((r) => r.task === 'V-IRL-VL'));
    assert.equal(await tabsReach(3), 3);
  });

  it('skips and counts a torn line instead of failing', async () => {
    const shown = (await vscode.commands.executeCommand('ptlab.openTranscripts', workspaceUri('runs', 'transcripts', 'xss'))) as TranscriptsShown;
    assert.equal(shown.total, 10);
    assert.equal(shown.skipped, 1);
  });

  it('says what is missing for a folder without episodes', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('ptlab.openTranscripts', { runDir: workspaceUri('runs', 'tiny-gp-l', 'ppo') })),
      /holds no episodes: looked for episodes\.jsonl \(our runs\), completions\/completions_<step>\.parquet \(TRL GRPOTrainer with log_completions\) and <step>\.jsonl/,
    );
  });

  it("opens another trainer's dumps: a TRL output_dir's completions and a verl rollout folder", async () => {
    const trl = (await vscode.commands.executeCommand('ptlab.openTranscripts', workspaceUri('imported', 'trl', 'grpo-gp-l'))) as TranscriptsShown;
    assert.equal(trl.file, workspaceUri('imported', 'trl', 'grpo-gp-l').fsPath);
    assert.equal(trl.total, 24);
    assert.ok(trl.rows.every((r) => r.task === 'TRL' && r.success === undefined && r.file?.startsWith('completions/completions_')));
    const verl = (await vscode.commands.executeCommand('ptlab.openTranscripts', { runDir: workspaceUri('imported', 'verl', 'gp-l', 'validation'), step: 3 })) as TranscriptsShown;
    assert.equal(verl.total, 4);
    assert.ok(verl.rows.every((r) => r.task === 'verl' && r.split === 'validation' && r.step === 3 && r.file === '3.jsonl'));
  });

  it("opens a run's episodes from its Runs view item, another trainer's run included", async () => {
    const folder = workspaceUri('imported', 'trl', 'grpo-gp-l').fsPath;
    const node = { kind: 'run', folder, configPath: undefined, job: 'unknown', entry: {} };
    const shown = (await vscode.commands.executeCommand('ptlab.runs.openTranscripts', node)) as TranscriptsShown;
    assert.equal(shown.file, folder);
    assert.equal(shown.total, 24);
  });
});
