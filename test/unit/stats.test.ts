import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aggregateByStep, binomialStderr, emaDebiased, emaDebiasedStderr, mean, savgol, savgolStderr, savgolWindow, sem, studentTQuantile, tConfidenceHalfWidth, type SeriesPoint } from '../../src/core/dashboard/stats';

// Written by trainer/tests/stats_vectors.py with scipy and numpy.
const vectors = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'vectors', 'stats.json'), 'utf8')) as {
  savgol: { y: number[]; window: number; order: number; expected: number[] }[];
  emaDebiased: { y: number[]; weight: number; expected: number[] }[];
  binomialStderr: { rate: number; n: number; expected: number }[];
  studentTQuantile: { p: number; df: number; expected: number }[];
  samples: { values: number[]; mean: number; sem: number; ci95: number }[];
  aggregateByStep: { runs: SeriesPoint[][]; expected: { step: number; x: number; y: number; n: number; sem: number; ci95: number }[] };
};

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

describe('stats against scipy reference vectors', () => {
  it('Savitzky-Golay order 3 equals scipy.signal.savgol_filter (mode interp), edges included', () => {
    for (const c of vectors.savgol) {
      const actual = savgol(c.y, c.window, c.order);
      assert.equal(actual.length, c.y.length);
      actual.forEach((v, i) => close(v, c.expected[i]!, 1e-9, `n=${c.y.length} window=${c.window} [${i}]`));
    }
  });

  it('Savitzky-Golay shrinks the window to the series and leaves too-short series alone', () => {
    const y = [0.1, 0.5, 0.2, 0.9, 0.4];
    assert.deepEqual([...savgol(y.slice(0, 3), 9, 3)], y.slice(0, 3));
    assert.equal(savgol(y, 9, 3).length, 5);
  });

  it('an even Savitzky-Golay window becomes the odd one below it, never one past the series', () => {
    assert.equal(savgolWindow(10, 100, 3), 9);
    assert.equal(savgolWindow(9, 8, 3), 7);
    assert.equal(savgolWindow(4, 100, 3), 0);
    const y = Array.from({ length: 40 }, (_, i) => Math.sin(i / 3) + 0.1 * Math.cos(i * 7));
    assert.deepEqual([...savgol(y, 10, 3)], [...savgol(y, 9, 3)]);
    assert.deepEqual([...savgolStderr(y.map(Math.abs), 10, 3)], [...savgolStderr(y.map(Math.abs), 9, 3)]);
    const eight = y.slice(0, 8);
    assert.deepEqual([...savgol(eight, 8, 3)], [...savgol(eight, 7, 3)]);
  });

  it('the EMA is TensorBoard-debiased (equals the lfilter reference)', () => {
    for (const c of vectors.emaDebiased) emaDebiased(c.y, c.weight).forEach((v, i) => close(v, c.expected[i]!, 1e-12, `w=${c.weight} [${i}]`));
    assert.deepEqual(emaDebiased([0.3, 0.3, 0.3], 0.9), [0.3, 0.3, 0.3]);
    assert.ok(Number.isNaN(emaDebiased([0.1, Number.NaN, 0.2], 0.5)[1]));
  });

  it("leaves a constant series' standard errors as they are under the EMA, as it leaves its values", () => {
    // emaDebiased returns a constant series unchanged: its band is each point's own SE, not none
    assert.deepEqual(emaDebiasedStderr([0.3, 0.3, 0.3], [0.01, 0.02, 0.03], 0.9), [0.01, 0.02, 0.03]);
  });

  it('binomial standard errors, SEM and Student-t 95% intervals', () => {
    for (const c of vectors.binomialStderr) close(binomialStderr(c.rate, c.n), c.expected, 1e-15, `p=${c.rate} n=${c.n}`);
    for (const c of vectors.studentTQuantile) close(studentTQuantile(c.p, c.df), c.expected, 1e-10, `t(${c.p}, ${c.df})`);
    for (const c of vectors.samples) {
      close(mean(c.values), c.mean, 1e-14, 'mean');
      close(sem(c.values), c.sem, 1e-12, 'sem');
      close(tConfidenceHalfWidth(c.values), c.ci95, 1e-9, 'ci95');
    }
  });

  it('aggregates seeds by global step with the number of runs at each step', () => {
    const actual = aggregateByStep(vectors.aggregateByStep.runs);
    assert.deepEqual(actual.map((p) => [p.step, p.n]), vectors.aggregateByStep.expected.map((p) => [p.step, p.n]));
    actual.forEach((p, i) => {
      const e = vectors.aggregateByStep.expected[i]!;
      close(p.x, e.x, 1e-12, 'x');
      close(p.y, e.y, 1e-12, 'y');
      close(p.sem, e.sem, 1e-12, 'sem');
      close(p.ci95, e.ci95, 1e-9, 'ci95');
    });
  });

  it("gives a smoothed point the standard error of its filter's weighted sum, never a negative one", () => {
    // the filters are linear: their matrix, read off impulses, gives each output's SE √(Σ_k W_ik² se_k²)
    const n = 30;
    const se = Array.from({ length: n }, (_, i) => 0.02 + 0.05 * Math.abs(Math.sin(i * 1.7)));
    const impulse = (k: number) => Array.from({ length: n }, (_, i) => (i === k ? 1 : 0));
    const byMatrix = (filter: (y: number[]) => ArrayLike<number>) => {
      const columns = Array.from({ length: n }, (_, k) => filter(impulse(k)));
      return Array.from({ length: n }, (_, i) => Math.sqrt(columns.reduce((sum, column, k) => sum + column[i]! ** 2 * se[k]! ** 2, 0)));
    };
    const sg = savgolStderr(se, 9, 3);
    byMatrix((y) => savgol(y, 9, 3)).forEach((want, i) => assert.ok(Math.abs(sg[i]! - want) < 1e-12, `savgol ${i}: ${sg[i]} ${want}`));
    const ys = Array.from({ length: n }, (_, i) => i / n);
    const ema = emaDebiasedStderr(ys, se, 0.6);
    byMatrix((y) => emaDebiased(y, 0.6)).forEach((want, i) => assert.ok(Math.abs(ema[i]! - want) < 1e-12, `ema ${i}: ${ema[i]} ${want}`));
    // a spike among zeros: the filtered SEs went negative, the band's low edge above its high edge
    const spiky = [0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0].map((r) => binomialStderr(r, 8));
    assert.ok(Array.from(savgol(spiky, 9, 3)).some((w) => w < 0) && Array.from(savgolStderr(spiky, 9, 3)).every((w) => w >= 0));
  });
});
