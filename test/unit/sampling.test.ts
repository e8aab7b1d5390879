import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sampler, argmax, drawKey, keyedUniform } from '../../src/core/inference/sampling';

// Written by trainer/tests/sampling_vectors.py from the trainer's keyed draws (ptlab.generation).
const vectors = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'vectors', 'sampling.json'), 'utf8')) as {
  uniforms: { parts: (string | number)[]; key: number; steps: number[]; uniforms: number[] }[];
  sampling: { temperature: number; topP: number; logits: number[][]; answers: { parts: (string | number)[]; tokens: number[] }[] }[];
  fairCoin: { parts: (string | number)[][]; temperature: number; topP: number; logits: number[][]; tokens: number[] };
};

function sample(logits: number[][], temperature: number, topP: number, parts: (string | number)[]): number[] {
  const sampler = new Sampler({ temperature, topP, drawKey: drawKey(...parts) });
  return logits.map((row) => sampler.next(Float32Array.from(row)));
}

describe('inference sampling', () => {
  it('argmax takes the first of equal maxima, within the given window', () => {
    assert.equal(argmax([1, 3, 3, 2]), 1);
    assert.equal(argmax([9, 0, 1, 5, 9], 1, 3), 2);
  });

  it('temperature 0 is greedy, with or without a key', () => {
    assert.equal(new Sampler().next(Float32Array.from([0.1, 2, -1])), 1);
    assert.equal(new Sampler({ drawKey: 5 }).next(Float32Array.from([0.1, 2, -1])), 1);
  });

  it("draw keys and uniforms are the trainer's (draw_key, keyed_uniforms)", () => {
    for (const { parts, key, steps, uniforms } of vectors.uniforms) {
      assert.equal(drawKey(...parts), key, JSON.stringify(parts));
      assert.deepEqual(steps.map((step) => keyedUniform(key, step)), uniforms, JSON.stringify(parts));
    }
  });

  it('samples the tokens the trainer samples from the same logits, temperature, top-p and key', () => {
    for (const { temperature, topP, logits, answers } of vectors.sampling) {
      for (const { parts, tokens } of answers) assert.deepEqual(sample(logits, temperature, topP, parts), tokens, `T ${temperature} top-p ${topP} key ${JSON.stringify(parts)}`);
    }
  });

  it("each episode's answer draws from its own key: fair coins over 200 episodes match the trainer's", () => {
    const { parts, temperature, topP, logits, tokens } = vectors.fairCoin;
    const drawn = parts.map((p) => sample(logits, temperature, topP, p)[0]!);
    assert.deepEqual(drawn, tokens);
    const heads = drawn.reduce((a, b) => a + b, 0);
    assert.ok(heads > 70 && heads < 130, `${heads} heads of 200`);
  });

  it('draws follow the softmax of logits / temperature', () => {
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
    const counts = [0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) counts[new Sampler({ temperature: 1, drawKey: drawKey('test', i) }).next(logits)]!++;
    [0.5, 0.3, 0.2].forEach((p, i) => assert.ok(Math.abs(counts[i]! / n - p) < 0.015, `token ${i}: ${counts[i]! / n} vs ${p}`));
    const cold = new Sampler({ temperature: 0.05, drawKey: 1 });
    assert.ok(Array.from({ length: 200 }, () => cold.next(logits)).every((t) => t === 0));
  });

  it('top-p keeps only the nucleus', () => {
    const logits = [Math.log(0.6), Math.log(0.25), Math.log(0.15)];
    const sampler = new Sampler({ temperature: 1, topP: 0.8, drawKey: 2 });
    const seen = new Set(Array.from({ length: 2000 }, () => sampler.next(logits)));
    assert.deepEqual([...seen].sort(), [0, 1]);
  });

  it('refuses impossible options, and sampling without a key', () => {
    assert.throws(() => new Sampler({ temperature: -1 }), /temperature/);
    assert.throws(() => new Sampler({ topP: 0 }), /topP/);
    assert.throws(() => new Sampler({ temperature: 0.7 }), /draw key/);
    assert.throws(() => new Sampler({ temperature: 0.7, drawKey: 2 ** 32 }), /drawKey/);
    assert.throws(() => drawKey(1.5), /integers/);
  });
});
