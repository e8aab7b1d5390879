// The dashboard's host side in VS Code: opening on run folders. The webview itself, and a
// curve point's click-through to the transcript viewer, are checked in Chromium
// (test/runner/webviewChecks/dashboard-paper.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

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
