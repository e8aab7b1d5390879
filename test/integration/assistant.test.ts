// The language-model tools an assistant calls (package.json languageModelTools), invoked through
// VS Code's own vscode.lm.invokeTool on the fixture workspace's runs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

describe('Language-model tools', () => {
  before(async () => {
    await vscode.extensions.getExtension('ptlab.ptlab')!.activate();
  });

  it('are registered under their package.json names', () => {
    const names = vscode.lm.tools.map((t) => t.name);
    for (const name of ['ptlab_listRuns', 'ptlab_compareRuns', 'ptlab_findEpisodes']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
  });

  it('list runs with their status and latest evaluations', async () => {
    const text = await invoke('ptlab_listRuns', { filter: 'gp-l/ppo-s0' });
    assert.match(text, /^1 run\(s\)/);
    assert.ok(text.includes('runs/gp-l/ppo-s0: ppo run of gp-l, finished at step 30'), text);
    assert.ok(text.includes('id (id) success 73.4% ± 2.8% (SE, n=256) at step 30'), text);
    assert.ok(text.includes('ood-rule (rule-ood) success 16.0% ± 2.3% (SE, n=256) at step 30'), text);
    const all = await invoke('ptlab_listRuns', {});
    assert.ok(all.includes('imported/trl/grpo-gp-l: ') && all.includes('runs/tiny-gp-l/ppo: '), all.slice(0, 500));
  });

  it('compare two runs split by split with the difference and its standard error', async () => {
    const text = await invoke('ptlab_compareRuns', { a: 'runs/gp-l/sft-s0', b: 'runs/gp-l/ppo-s0' });
    assert.ok(text.includes('ood-rule: B - A = +13.7 points (SE 2.5, unpaired; beyond 2 SE)'), text);
    assert.ok(text.includes('id: B - A = -10.9 points (SE 3.6, unpaired; beyond 2 SE)'), text);
  });

  it("find a run's episodes by failure mode, and another trainer's by step", async () => {
    const collapse = await invoke('ptlab_findEpisodes', { run: 'runs/compare/sft-final', failureMode: 'rule-collapse', limit: 3 });
    assert.match(collapse, /^runs\/compare\/sft-final: 6 episode\(s\) match; the first 3\./);
    assert.equal(collapse.split('\n').filter((l) => l.startsWith('- ood-rule step 100 episode ') && l.includes('failed (rule-collapse)')).length, 3, collapse);
    const trl = await invoke('ptlab_findEpisodes', { run: 'imported/trl/grpo-gp-l', step: 2 });
    assert.match(trl, /^imported\/trl\/grpo-gp-l: 4 episode\(s\) match\./);
    assert.ok(trl.includes('(completions/completions_00002.parquet row 0)'), trl);
  });

  it('name what is wrong with a run that does not exist', async () => {
    await assert.rejects(invoke('ptlab_compareRuns', { a: 'runs/nope', b: 'runs/gp-l/ppo-s0' }), /no run folder "runs\/nope" in the workspace: ptlab_listRuns names them/);
  });
});
