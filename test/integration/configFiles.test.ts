// What a config's checks and commands read: files a job writes outside VS Code, and an editor's unsaved edits.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MemoryPlan } from '../../src/core/jobs/memoryPlan';

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function configFile(name: string, change: (config: Record<string, any>) => void): vscode.Uri {
  const root = vscode.workspace.workspaceFolders![0]!.uri;
  const config = JSON.parse(readFileSync(join(root.fsPath, 'tiny.ptlab.json'), 'utf8')) as Record<string, any>;
  change(config);
  const uri = vscode.Uri.joinPath(root, name);
  writeFileSync(uri.fsPath, `${JSON.stringify(config, null, 2)}\n`);
  return uri;
}

describe('config files', () => {
  it('re-checks an open config when a checkpoint it names is written or deleted outside VS Code', async () => {
    const uri = configFile('watched.ptlab.json', (c) => (c.ppo.init = 'watched-ckpt/final'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const missing = () => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'ptlab' && /checkpoint watched-ckpt\/final does not exist yet/.test(d.message));
    await until('the missing checkpoint warning', missing);
    const checkpoint = join(uri.fsPath, '..', 'watched-ckpt', 'final');
    mkdirSync(checkpoint, { recursive: true });
    await until('the warning gone once the checkpoint exists', () => !missing());
    rmSync(join(uri.fsPath, '..', 'watched-ckpt'), { recursive: true });
    await until('the warning back once the checkpoint is deleted', missing);
  });

  it('Plan Memory saves the editor\'s unsaved edits and plans them', async () => {
    const uri = configFile('unsaved.ptlab.json', (c) => {
      delete c.ppo;
      c.launcher = { kind: 'local' };
    });
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const launcher = editor.document.getText().indexOf('{\n    "kind": "local"\n  }');
    assert.ok(launcher > 0);
    const range = new vscode.Range(editor.document.positionAt(launcher), editor.document.positionAt(launcher + '{\n    "kind": "local"\n  }'.length));
    await editor.edit((e) => e.replace(range, '{ "kind": "accelerate", "gpus": 2, "distributed": "deepspeed-zero2" }'));
    assert.equal(editor.document.isDirty, true);
    const plan = await vscode.commands.executeCommand<MemoryPlan | undefined>('ptlab.planMemory', uri);
    assert.equal(plan?.processes, 2, 'the plan is of the text in the editor');
    assert.equal(editor.document.isDirty, false);
    assert.match(readFileSync(uri.fsPath, 'utf8'), /deepspeed-zero2/);
  });
});
