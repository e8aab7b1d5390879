// The environment preview command in a real VS Code: opens its panel on a fixture config.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { EpisodeView } from '../../src/protocol/preview';

function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The preview tab once it carries this title (tab labels follow panel titles asynchronously). */
function previewTitled(label: string): Promise<vscode.Tab> {
  return until(`a preview tab titled ${label}`, () => (previewTab()?.label === label ? previewTab() : undefined));
}

function previewTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('ptlab.preview'));
}

describe('Post-Training Lab: Preview Environment', () => {
  it('opens the preview panel on a config and answers its first episode', async () => {
    const view = await vscode.commands.executeCommand<EpisodeView | undefined>('ptlab.previewEnvironment', workspaceFile('preview-gp-vl.ptlab.json'));
    assert.ok(view, 'the command answers the episode it shows');
    assert.equal(view.experiment, 'preview-gp-vl');
    assert.deepEqual(view.variants.map((v) => v.id), ['train', 'split:id', 'split:ood-rule', 'split:ood-visual']);
    assert.match(view.prompt, /You are observing these four cards in the image\./);
    assert.match(view.generalPoints?.cardImage ?? '', /^data:image\/svg\+xml;base64,/);
    await previewTitled('Preview: preview-gp-vl.ptlab.json');
  });

  it('previews the active editor config when no file is given, reusing the panel', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile('preview-virl.ptlab.json')));
    const view = await vscode.commands.executeCommand<EpisodeView | undefined>('ptlab.previewEnvironment');
    assert.equal(view?.env, 'virl');
    assert.ok((view?.virl?.map.rail.length ?? 0) > 2, 'the route map has the rail');
    await previewTitled('Preview: preview-virl.ptlab.json');
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('ptlab.preview')).length, 1);
  });

  it('shows the config previewed last when an earlier one is still being read', async () => {
    // preview-virl is open (its document is at hand); preview-xss has to be read from disk.
    const open = await vscode.workspace.openTextDocument(workspaceFile('preview-virl.ptlab.json'));
    const slow = vscode.commands.executeCommand<EpisodeView | undefined>('ptlab.previewEnvironment', workspaceFile('preview-xss.ptlab.json'));
    const last = vscode.commands.executeCommand<EpisodeView | undefined>('ptlab.previewEnvironment', open.uri);
    assert.equal((await last)?.experiment, 'preview-virl');
    assert.equal((await slow)?.experiment, undefined, 'the earlier preview, superseded, shows nothing');
    await previewTitled('Preview: preview-virl.ptlab.json');
  });

  it('shows no episode for an invalid config', async () => {
    const view = await vscode.commands.executeCommand<EpisodeView | undefined>('ptlab.previewEnvironment', workspaceFile('bad.ptlab.json'));
    assert.equal(view, undefined);
  });
});
