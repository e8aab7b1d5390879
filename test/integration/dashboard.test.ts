// The dashboard's host side in VS Code: opening on run folders, and a curve point's episodes
// (transcript viewer when registered, else episodes.jsonl at the line). The webview itself is
// checked in Chromium (test/runner/webviewChecks/dashboard*.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openEpisodes, TRANSCRIPTS_COMMAND, type TranscriptsTarget } from '../../src/features/dashboard/openEpisodes';

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

  it('opens episodes.jsonl at the first episode of the step and split when no transcript viewer is registered', async () => {
    if ((await vscode.commands.getCommands(true)).includes(TRANSCRIPTS_COMMAND)) return; // the viewer exists: next test
    const opened = await openEpisodes(runFolder('gp-l', 'ppo-s0'), 4, 'ood-rule');
    assert.equal(opened.via, 'editor');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is open');
    assert.ok(editor.document.uri.path.endsWith('gp-l/ppo-s0/episodes.jsonl'));
    const line = editor.document.lineAt(editor.selection.active.line).text;
    assert.deepEqual([JSON.parse(line).step, JSON.parse(line).split], [4, 'ood-rule']);
    const previous = editor.document.lineAt(editor.selection.active.line - 1).text;
    assert.notDeepEqual([JSON.parse(previous).step, JSON.parse(previous).split], [4, 'ood-rule'], 'the first such episode');
    assert.deepEqual(await openEpisodes(runFolder('gp-l', 'ppo-s0'), 999, 'id'), { via: 'none' });
  });

  it('hands the run folder, step and split to ptlab.openTranscripts when it is registered', async () => {
    const calls: TranscriptsTarget[] = [];
    const registered = (await vscode.commands.getCommands(true)).includes(TRANSCRIPTS_COMMAND);
    const fake = registered ? undefined : vscode.commands.registerCommand(TRANSCRIPTS_COMMAND, (target: TranscriptsTarget) => void calls.push(target));
    try {
      const opened = await openEpisodes(runFolder('gp-l', 'ppo-s0'), 6, 'id');
      assert.equal(opened.via, 'command');
      if (fake) {
        assert.equal(calls.length, 1);
        assert.equal(calls[0]!.runDir.toString(), runFolder('gp-l', 'ppo-s0').toString());
        assert.deepEqual([calls[0]!.step, calls[0]!.split], [6, 'id']);
      }
    } finally {
      fake?.dispose();
    }
  });
});
