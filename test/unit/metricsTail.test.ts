import * as assert from 'node:assert/strict';
import { describeProgress, emptyTail, feed } from '../../src/core/runs/metricsTail';

const encoder = new TextEncoder();
const evalLine = (step: number, split: string, kind: string, rate: number) => JSON.stringify({ kind: 'eval', step, split, splitKind: kind, success: { rate, stderr: 0, n: 4 } });
const trainLine = (step: number, reward?: number) => JSON.stringify({ kind: 'train', step, metrics: reward === undefined ? { 'train/loss': 1 } : { 'rollout/reward_mean': reward } });

describe('metricsTail', () => {
  it('follows a growing file chunk by chunk, a line split across chunks included', () => {
    const text = [evalLine(0, 'id', 'id', 0.25), evalLine(0, 'ood', 'rule-ood', 0.1), trainLine(1, -1.5), evalLine(2, 'id', 'id', 0.5), evalLine(2, 'ood-a', 'rule-ood', 0.2), evalLine(2, 'ood-b', 'visual-ood', 0.4), ''].join('\n');
    const bytes = encoder.encode(text);
    let state = emptyTail();
    for (let at = 0; at < bytes.length; at += 37) state = feed(state, bytes.subarray(at, Math.min(bytes.length, at + 37)));
    assert.equal(state.offset, bytes.length);
    assert.equal(state.progress.records, 6);
    assert.equal(state.progress.step, 2);
    assert.deepEqual(state.progress.id, { step: 2, rate: 0.5 });
    assert.equal(state.progress.ood?.step, 2);
    assert.ok(Math.abs(state.progress.ood!.rate - 0.3) < 1e-12, 'the OOD splits at the latest step are averaged');
    assert.equal(state.progress.reward, -1.5);
    assert.equal(describeProgress(state.progress, 10), 'step 2/10 · ID 50% · OOD 30%');
  });

  it('keeps an unfinished last line for later and skips garbage', () => {
    let state = feed(emptyTail(), encoder.encode(`${trainLine(1)}\n{"kind": "tr`));
    assert.equal(state.progress.step, 1);
    assert.equal(state.lines.pendingLine, '{"kind": "tr');
    state = feed(state, encoder.encode(`ain", "step": 2, "metrics": {}}\nnot json\n{"kind":"other","step":9}\n`));
    assert.equal(state.progress.step, 2);
    assert.equal(state.progress.skippedLines, 2);
    assert.equal(state.lines.pendingLine, '');
  });

  it('describes PPO progress by reward until there is an evaluation', () => {
    const state = feed(emptyTail(), encoder.encode(`${trainLine(3, 0.25)}\n`));
    assert.equal(describeProgress(state.progress), 'step 3 · reward 0.25');
  });
});
