// Compare Checkpoints inside a real VS Code: two evaluations read from their run folders,
// and an exported checkpoint played here with onnxruntime-node on the same seeds.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { ComparisonView } from '../../src/protocol/compare';

const repo = resolve(__dirname, '..', '..', '..');
const SFT = 'evaluation:runs/compare/sft-final:100';
const RL = 'evaluation:runs/compare/rl-final:100';

function workspacePath(...parts: string[]): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return join(folder.uri.fsPath, ...parts);
}

describe('Compare Checkpoints', () => {
  before(async () => {
    await vscode.extensions.getExtension('ptlab.ptlab')!.activate();
  });

  it('compares two evaluations on their paired episodes', async () => {
    const view = (await vscode.commands.executeCommand('ptlab.compareCheckpoints', { a: SFT, b: RL })) as ComparisonView;
    const id = view.splits.find((s) => s.split === 'id')!;
    const ood = view.splits.find((s) => s.split === 'ood-rule')!;
    assert.equal(id.pairs, 12);
    assert.deepEqual([id.a.rate, id.b.rate], [0.75, 8 / 12]);
    assert.deepEqual([ood.a.rate, ood.b.rate], [0.5, 0.75]);
    assert.equal(id.onlyA - id.onlyB, 1);
    assert.ok(ood.mcnemarP > 0 && ood.mcnemarP <= 1);
    assert.equal(view.rows.length, 24);
    assert.ok(view.rows.some((r) => r.successA !== r.successB && r.divergence));
    assert.deepEqual(view.unmatched, []);
    assert.deepEqual(view.problems, [], 'both episode files read whole');
  });

  it('plays an exported checkpoint with onnxruntime-node on the evaluation\'s seeds', async function () {
    this.timeout(240_000);
    const python = join(repo, '.venv', 'bin', 'python');
    const run = workspacePath('runs', 'compare', 'local-export');
    const checkpoint = join(run, 'checkpoints', 'final');
    mkdirSync(join(run, 'checkpoints'), { recursive: true });
    execFileSync(python, ['-c', 'import shutil, sys; from ptlab.models import embedded_path; shutil.copytree(embedded_path("embedded:tiny-lm"), sys.argv[1])', checkpoint]);
    const manifest = JSON.parse(readFileSync(workspacePath('runs', 'compare', 'sft-final', 'run.json'), 'utf8')) as Record<string, unknown>;
    const config = join(run, 'experiment.ptlab.json');
    writeFileSync(config, JSON.stringify(manifest.config));
    execFileSync(python, ['-m', 'ptlab', 'export', '--config', config, '--run-dir', run, '--checkpoint', checkpoint], { timeout: 180_000 });
    writeFileSync(join(run, 'run.json'), JSON.stringify({ ...manifest, runId: 'local-export', job: 'sft', configPath: config, checkpoints: [{ step: 7, path: 'checkpoints/final', createdAt: '2026-11-25T12:00:00.000Z' }] }));

    const view = (await vscode.commands.executeCommand('ptlab.compareCheckpoints', { a: 'onnx:runs/compare/local-export:final', b: SFT })) as ComparisonView;
    assert.equal(view.a.kind, 'onnx');
    assert.equal(view.a.step, 7);
    assert.deepEqual(view.splits.map((s) => [s.split, s.pairs]), [['id', 12], ['ood-rule', 12]]);
    assert.deepEqual(view.unmatched, [], 'the local side played exactly the evaluation\'s seeds');
    assert.ok((view.tokensPerSecond?.a ?? 0) > 0, 'tokens/s of the local side');
    // an untrained model fails every episode: each success of the evaluation is a discordant pair
    const id = view.splits[0]!;
    assert.equal(id.a.rate, 0);
    assert.equal(id.onlyB, id.b.successes);
  });

  it('has the trainer evaluate a checkpoint of any size as a task, then compares its episodes', async function () {
    this.timeout(300_000);
    const view = (await vscode.commands.executeCommand('ptlab.compareCheckpoints', { a: 'checkpoint:runs/compare/local-export:checkpoints/final', b: SFT })) as ComparisonView;
    assert.equal(view.a.kind, 'evaluation', 'the checkpoint was replaced by its evaluation');
    assert.match(view.a.run, /eval-local-export-final$/);
    assert.deepEqual(view.splits.map((s) => [s.split, s.pairs]), [['id', 12], ['ood-rule', 12]]);
    assert.deepEqual(view.unmatched, [], 'the trainer played the same seeds');
    assert.equal(view.splits[0]!.a.rate, 0);
    const again = (await vscode.commands.executeCommand('ptlab.compareCheckpoints', { a: 'checkpoint:runs/compare/local-export:checkpoints/final', b: SFT })) as ComparisonView;
    assert.equal(again.a.run, view.a.run, 'a finished evaluation is reused');
  });

  it('names an unknown checkpoint', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('ptlab.compareCheckpoints', { a: 'evaluation:nowhere:1', b: RL })), /no checkpoint or evaluation 'evaluation:nowhere:1'/);
  });
});
