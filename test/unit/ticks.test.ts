import * as assert from 'node:assert/strict';
import { tickCallback, tickLabel } from '../../src/core/dashboard/ticks';

describe('dashboard tick labels', () => {
  it('shows as many decimals as the spacing needs, grouped by thousands', () => {
    assert.equal(tickLabel(0, 20_000), '0');
    assert.equal(tickLabel(140_000, 20_000), '140,000');
    assert.equal(tickLabel(0.25, 0.05), '0.25');
    assert.equal(tickLabel(0.3, 0.1), '0.3');
    assert.equal(tickLabel(-7.5, 2.5), '-7.5');
    assert.equal(tickLabel(-1500, 500), '-1,500');
    assert.equal(tickLabel(0.0004, 0.0002), '0.0004');
  });

  it('writes a value near zero from floating-point steps as zero', () => {
    assert.equal(tickLabel(0.1 + 0.2 - 0.3, 0.1), '0.0');
    assert.equal(tickLabel(-5.551115123125783e-17, 0.1), '0.0');
  });

  it('uses exponent form from a million on, neighbours distinct', () => {
    assert.equal(tickLabel(2_000_000, 1_000_000), '2e6');
    assert.equal(tickLabel(2_500_000, 500_000), '2.5e6');
    assert.equal(tickLabel(1.25e9, 0.25e9), '1.25e9');
    const labels = [1.2e7, 1.21e7, 1.22e7].map((v) => tickLabel(v, 1e5));
    assert.equal(new Set(labels).size, 3, labels.join(' '));
  });

  it('labels Chart.js ticks by their spacing, the last one by its previous neighbour', () => {
    const ticks = [0, 0.5, 1, 1.5].map((value) => ({ value }));
    assert.deepEqual(ticks.map((t, i) => tickCallback(t.value, i, ticks)), ['0.0', '0.5', '1.0', '1.5']);
    assert.equal(tickCallback(3, 0, [{ value: 3 }]), '3');
  });

  it('gives an axis end between the ticks the digits it needs', () => {
    assert.equal(tickLabel(166_650, 20_000), '166,650');
    assert.equal(tickLabel(0.123456, 0.1), '0.1235');
    assert.equal(tickLabel(249_975_000, 50_000_000), '2.5e8');
    assert.equal(tickLabel(1_234_567, 1_000_000), '1.235e6');
  });

  it('passes non-finite values through', () => {
    assert.equal(tickLabel(Number.NaN, 1), 'NaN');
  });
});
