import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunFolder } from '../../src/core/runs/runFolder';
import { compareRuns, describeRun, summarizeRun, tailRecords } from '../../src/core/runs/runSummary';

const runs = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs');
const read = (run: string, file: string) => readFileSync(join(runs, run, file), 'utf8');

describe('run summaries for language-model tools', () => {
  it("reads a metrics file's tail, dropping the line the cut went through", () => {
    const text = read('gp-l/ppo-s0', 'metrics.jsonl');
    const cut = text.slice(text.length - 3000);
    const records = tailRecords(cut, false);
    assert.ok(records.length > 0 && records.every((r) => typeof r.step === 'number'));
    assert.equal(tailRecords(text, true).length, text.trim().split('\n').length);
  });

  it('keeps each split\'s latest evaluation and the latest training scalars', () => {
    const folder = join(runs, 'gp-l', 'ppo-s0');
    const summary = summarizeRun(readRunFolder(folder, read('gp-l/ppo-s0', 'run.json')), 'runs/gp-l/ppo-s0', tailRecords(read('gp-l/ppo-s0', 'metrics.jsonl'), true));
    assert.deepEqual(
      summary.evaluations.map((e) => [e.split, e.step, e.rate, e.n]),
      [
        ['id', 30, 0.734375, 256],
        ['ood-rule', 30, 0.160156, 256],
      ],
    );
    assert.equal(summary.step, 30);
    assert.ok('rollout/reward_mean' in summary.training);
    assert.match(describeRun(summary), /^runs\/gp-l\/ppo-s0: ppo run of gp-l, finished at step 30\n {2}id \(id\) success 73\.4% ± 2\.8% \(SE, n=256\) at step 30/);
    const sft = summarizeRun(readRunFolder(join(runs, 'gp-l', 'sft-s0'), read('gp-l/sft-s0', 'run.json')), 'runs/gp-l/sft-s0', tailRecords(read('gp-l/sft-s0', 'metrics.jsonl'), true));
    const [id, ood] = compareRuns(sft, summary);
    assert.ok(Math.abs(ood!.difference - (0.160156 - 0.023438)) < 1e-12 && Math.abs(ood!.stderr - Math.hypot(0.022922, 0.009456)) < 1e-12);
    assert.equal(id!.split, 'id');
  });
});
