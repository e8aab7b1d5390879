// The language-model tools an assistant calls (package.json languageModelTools), invoked through
// VS Code's own vscode.lm.invokeTool on the fixture workspace's runs.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NotifiedAlert } from '../../src/features/runs/runAlerts';

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
    for (const name of ['ptlab_listRuns', 'ptlab_compareRuns', 'ptlab_findEpisodes', 'ptlab_runAlerts']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
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

  it('compare two runs split by split with the difference A - B and its standard error, paired where both have the same seeds', async () => {
    const text = await invoke('ptlab_compareRuns', { a: 'runs/gp-l/sft-s0', b: 'runs/gp-l/ppo-s0' });
    assert.ok(text.includes('ood-rule success: A - B = -13.7 points (SE 2.5, unpaired: A has no ood-rule episodes at step 60; beyond 2 SE)'), text);
    assert.ok(text.includes('id success: A - B = +10.9 points (SE 3.6, unpaired: A has no id episodes at step 60; beyond 2 SE)'), text);
    // two evaluations of the same seeds: the compare view's paired numbers
    const paired = await invoke('ptlab_compareRuns', { a: 'runs/compare/sft-final', b: 'runs/compare/rl-final' });
    assert.ok(paired.includes('ood-rule success: A - B = -25.0 points (paired SE 12.5 over 12 episodes on the same seeds; exact McNemar p = 0.250, A only 0 / B only 3)'), paired);
  });

  it("find a run's episodes by failure mode, and another trainer's by step (with no outcome to filter by)", async () => {
    const collapse = await invoke('ptlab_findEpisodes', { run: 'runs/compare/sft-final', failureMode: 'rule-collapse', limit: 3 });
    assert.match(collapse, /^runs\/compare\/sft-final: 6 episode\(s\) match; the first 3\./);
    assert.equal(collapse.split('\n').filter((l) => l.startsWith('- ood-rule step 100 episode ') && l.includes('failed (rule-collapse)')).length, 3, collapse);
    const searched = await invoke('ptlab_findEpisodes', { run: 'runs/compare/sft-final', text: 'evaluates to', limit: 2 });
    assert.ok(searched.includes("episode 0 seed 500 (line 1): failed (arithmetic), 5 turn(s), reward -5; match in turn 1's verifier message: your formula evaluates to 34, not 24."), searched);
    const trl = await invoke('ptlab_findEpisodes', { run: 'imported/trl/grpo-gp-l', step: 2 });
    assert.match(trl, /^imported\/trl\/grpo-gp-l: 4 episode\(s\) match\./);
    assert.ok(trl.includes('(completions/completions_00002.parquet row 0): outcome unknown, 1 turn(s), '), trl);
    // TRL records no outcome: an outcome filter says it cannot apply, not that nothing failed
    const failed = await invoke('ptlab_findEpisodes', { run: 'imported/trl/grpo-gp-l', success: false });
    assert.ok(failed.includes("\nThese 24 episode(s) record no outcome (another trainer's: only a reward), so success and failureMode cannot apply to them"), failed);
  });

  it("summarise a run's alerts: a reward collapse and a KL spike from the experiment's rules, a job that stopped moving; a running run's are notified once", async () => {
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const folder = join(root, 'runs', 'alerting', 'ppo');
    const beat = new Date().toISOString();
    const lastMove = new Date(Date.now() - 20 * 60_000).toISOString(); // a hang: the heartbeat goes on
    mkdirSync(folder, { recursive: true });
    const rewards = [-8, -7, -6, -5, -4, -3, -3, -3, -3, -3, -6, -7, -8, -8, -8, -8];
    const compute = { parameters: 1000, trainTokens: 100, inferenceTokens: 500, gflops: 1 };
    const records = rewards.map((r, i) => ({ kind: 'train', step: i + 1, time: beat, compute, metrics: { 'rollout/reward_mean': r, 'ppo/entropy': 1, 'ppo/approx_kl': i === 4 ? 0.08 : 0.01, 'ppo/nonfinite_skipped': 0 } }));
    writeFileSync(join(folder, 'metrics.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const manifest = { schemaVersion: 1, runId: 'ppo', experiment: 'alerting', job: 'ppo', status: 'running', createdAt: beat, updatedAt: beat, heartbeatAt: beat, activeAt: lastMove, config: { alerts: { klSpike: { max: 0.05 } } }, command: ['python', '-m', 'ptlab', 'ppo'], seeds: { global: 0 }, host: { hostname: 'here', platform: 'linux', pid: 4242 }, progress: { step: 16 }, checkpoints: [] };
    writeFileSync(join(folder, 'run.json'), JSON.stringify(manifest));
    try {
      let text = '';
      for (let tries = 0; tries < 100 && !text.startsWith('runs/alerting/ppo (running)'); tries++) {
        text = await invoke('ptlab_runAlerts', { run: 'runs/alerting/ppo' }).catch((err: Error) => err.message);
        if (!text.startsWith('runs/alerting/ppo (running)')) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(text.startsWith('runs/alerting/ppo (running): rules on: rewardCollapse, entropyCollapse, klSpike, nonFinite, stalledHeartbeat, stalledProgress'), text);
      assert.ok(text.includes('- reward collapse from step 13 (held on 4 updates since): rollout/reward_mean over the last 5 updates fell to -5.40, 2.40 below its best 5-update mean -3.00 (alerts.rewardCollapse.drop 2).'), text);
      assert.ok(text.includes('- KL spike from step 5: ppo/approx_kl reached 0.080 at update 5, above alerts.klSpike.max 0.05'), text);
      assert.ok(text.includes("- stalled progress from step 16: the trainer's heartbeat goes on but its job has not moved for 20 min (alerts.stalledProgress.minutes 15): its processes may wait on each other in a collective (a hang) (`py-spy dump --pid 4242` shows where it waits)"), text);
      const notified = (await vscode.commands.executeCommand<NotifiedAlert[]>('ptlab.checkRunAlerts')).filter((a) => a.folder === folder);
      assert.deepEqual(
        notified.map((a) => [a.rule, a.step]),
        [
          ['reward-collapse', 13],
          ['kl-spike', 5],
          ['stalled-progress', 16],
        ],
      );
      assert.match(notified[0]!.text, /^Post-Training Lab: runs\/alerting\/ppo: reward collapse at step 13\. rollout\/reward_mean over the last 5 updates/);
      const again = (await vscode.commands.executeCommand<NotifiedAlert[]>('ptlab.checkRunAlerts')).filter((a) => a.folder === folder);
      assert.equal(again.length, 3, 'notified once per run and rule');
      const quiet = await invoke('ptlab_runAlerts', { run: 'runs/gp-l/ppo-s0' });
      assert.match(quiet, /\nNo alert: no rule fires on its records\.$/);
    } finally {
      rmSync(join(root, 'runs', 'alerting'), { recursive: true, force: true });
    }
  });

  it('name what is wrong with a run that does not exist, or with an input off its schema', async () => {
    await assert.rejects(invoke('ptlab_compareRuns', { a: 'runs/nope', b: 'runs/gp-l/ppo-s0' }), /no run folder "runs\/nope" in the workspace: ptlab_listRuns names them/);
    // invokeTool passes a model's input unchecked: each tool checks it against its inputSchema
    await assert.rejects(invoke('ptlab_findEpisodes', { run: 'runs/compare/sft-final', success: 'false' }), /ptlab_findEpisodes: success takes true or false, not "false"/);
    await assert.rejects(invoke('ptlab_findEpisodes', {}), /ptlab_findEpisodes: run is required: a string/);
  });
});
