import { strict as assert } from 'node:assert';
import { Sampler, argmax } from '../../src/core/inference/sampling';

describe('inference sampling', () => {
  it('argmax takes the first of equal maxima, within the given window', () => {
    assert.equal(argmax([1, 3, 3, 2]), 1);
    assert.equal(argmax([9, 0, 1, 5, 9], 1, 3), 2);
  });

  it('temperature 0 is greedy', () => {
    const sampler = new Sampler();
    assert.equal(sampler.next(Float32Array.from([0.1, 2, -1])), 1);
  });

  it('a seed gives the same draws; another seed other draws', () => {
    const logits = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const draws = (seed: number) => {
      const sampler = new Sampler({ temperature: 1, seed });
      return Array.from({ length: 40 }, () => sampler.next(logits));
    };
    assert.deepEqual(draws(7), draws(7));
    assert.notDeepEqual(draws(7), draws(8));
  });

  it('draws follow the softmax of logits / temperature', () => {
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
    const sampler = new Sampler({ temperature: 1, seed: 1 });
    const counts = [0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) counts[sampler.next(logits)]!++;
    [0.5, 0.3, 0.2].forEach((p, i) => assert.ok(Math.abs(counts[i]! / n - p) < 0.015, `token ${i}: ${counts[i]! / n} vs ${p}`));
    const cold = new Sampler({ temperature: 0.05, seed: 1 });
    assert.ok(Array.from({ length: 200 }, () => cold.next(logits)).every((t) => t === 0));
  });

  it('top-p keeps only the nucleus', () => {
    const logits = [Math.log(0.6), Math.log(0.25), Math.log(0.15)];
    const sampler = new Sampler({ temperature: 1, topP: 0.8, seed: 2 });
    const seen = new Set(Array.from({ length: 2000 }, () => sampler.next(logits)));
    assert.deepEqual([...seen].sort(), [0, 1]);
  });

  it('refuses impossible options', () => {
    assert.throws(() => new Sampler({ temperature: -1 }), /temperature/);
    assert.throws(() => new Sampler({ topP: 0 }), /topP/);
  });
});
