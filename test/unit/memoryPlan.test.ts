import * as assert from 'node:assert/strict';
import { formatBytes, memoryPlanMarkdown, parseMemoryPlan } from '../../src/core/jobs/memoryPlan';

const GIB = 2 ** 30;
const plan = {
  config: '/w/gp-vl/3-rl.ptlab.json',
  job: 'ppo',
  model: 'meta-llama/Llama-3.2-11B-Vision-Instruct',
  strategy: 'deepspeed-zero3',
  processes: 8,
  gpu_bytes: 80 * GIB,
  counts: { parameters: 10670220835, trained: 10670220835, largest_layer: 218112258 },
  stages: [
    { name: 'ppo/rollout', rows: 32, tokens: 3352, parts: { weights: 2.48 * GIB, optimizer: 14.91 * GIB, 'kv cache and prefill': 37.78 * GIB }, total: 55.17 * GIB },
    { name: 'ppo/update', rows: 8, tokens: 3352, parts: { weights: 2.48 * GIB, gradients: 2.48 * GIB, optimizer: 14.91 * GIB, 'reference model': 0, activations: 99.73 * GIB }, total: 119.6 * GIB },
    { name: 'ppo/optimizer step', rows: 0, tokens: 0, parts: { weights: 2.48 * GIB, optimizer: 14.91 * GIB, gradients: 7.45 * GIB, 'optimizer temporaries': 0 }, total: 24.84 * GIB },
  ],
  notes: ['lengths measured with the tokenizer of /tmp/a|b'],
  peak: 'ppo/update',
  fits: false,
};

describe('memory plan (ptlab plan --json)', () => {
  it('shows a column per stage, a row per part that any stage has, the totals and the verdict', () => {
    const markdown = memoryPlanMarkdown(parseMemoryPlan(JSON.stringify(plan)));
    assert.match(markdown, /^# Memory per GPU: PPO of meta-llama\/Llama-3.2-11B-Vision-Instruct$/m);
    assert.match(markdown, /\*\*Peak: ppo\/update, 119\.60 GiB per GPU: does not fit in 80\.00 GiB\.\*\*/);
    assert.match(markdown, /^\| per GPU \| ppo\/rollout \| ppo\/update \| ppo\/optimizer step \|$/m);
    assert.match(markdown, /^\| rows x tokens \| 32 x 3352 \| 8 x 3352 \|  \|$/m, 'the optimizer step has no rows');
    assert.match(markdown, /^\| gradients \|  \| 2\.48 GiB \| 7\.45 GiB \|$/m);
    assert.doesNotMatch(markdown, /reference model/, 'a part no stage has is left out');
    assert.match(markdown, /10,670,220,835 parameters/);
    assert.match(markdown, /tokenizer of \/tmp\/a\\\|b/, 'a pipe in a string from the trainer cannot break the table');
  });

  it('says what is missing from the trainer\'s output', () => {
    assert.throws(() => parseMemoryPlan('Traceback ...'), /printed no JSON/);
    assert.throws(() => parseMemoryPlan(JSON.stringify({ ...plan, stages: [] })), /no stages/);
    const { peak: _, ...noPeak } = plan;
    assert.throws(() => parseMemoryPlan(JSON.stringify(noPeak)), /no "peak"/);
  });

  it('writes sizes in GiB from one GiB on, in MiB below', () => {
    assert.equal(formatBytes(1.5 * GIB), '1.50 GiB');
    assert.equal(formatBytes(3.25 * 2 ** 20), '3.3 MiB');
  });
});
