// Runs inside a real VS Code (code-server here, desktop VS Code through test-electron).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'ptlab.ptlab';

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

describe('Post-Training Lab in VS Code', () => {
  it('activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command it contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const manifest = JSON.parse(readFileSync(join(extension.extensionPath, 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string }[] };
    };
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
  });

  it('opens the dashboard webview from its command', async () => {
    await vscode.commands.executeCommand('ptlab.openDashboard');
    const tab = await until('the dashboard tab', () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('ptlab.dashboard')),
    );
    assert.equal(tab.label, 'Post-Training Lab: Dashboard');
  });

  it('reports schema errors in an invalid *.ptlab.json', async () => {
    const uri = workspaceFile('bad.ptlab.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await until('schema diagnostics on bad.ptlab.json', () => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length >= 2 ? found : undefined;
    });
    const messages = diagnostics.map((d) => d.message).join('\n');
    assert.match(messages, /all-10/, 'the faceCards enum error names the allowed values');
    const faceCards = diagnostics.find((d) => /all-10/.test(d.message))!;
    assert.equal(faceCards.range.start.line, 5, 'the error points at the faceCards line');
    assert.match(messages, /gama/i, 'the unknown PPO key is reported');
  });

  it('accepts a valid *.ptlab.json', async () => {
    const uri = workspaceFile('tiny.ptlab.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // Diagnostics arrive asynchronously; the bad file's arrival above shows the validator is up.
    await new Promise((r) => setTimeout(r, 3000));
    const errors = vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => d.message), []);
  });
});
