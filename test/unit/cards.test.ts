import * as assert from 'node:assert/strict';
import { renderHandSvg } from '../../src/core/envs/cards';

describe('GP-VL card images (SVG)', () => {
  const svg = renderHandSvg(['A', '5', '10', 'K'], ['spades', 'hearts', 'clubs', 'diamonds']);

  it('draws four cards on the 1200x1200 casino-green table at the reference positions', () => {
    assert.match(svg, /viewBox="0 0 1200 1200"/);
    assert.match(svg, /fill="#35654d"/);
    assert.equal((svg.match(/<g class="card"/g) ?? []).length, 4);
    for (const x of [5, 302, 599, 896]) assert.match(svg, new RegExp(`<rect x="${x}" y="411" width="270" height="378"`));
  });

  it('inks red suits red and black suits black', () => {
    const cards = svg.split('<g class="card"').slice(1);
    assert.deepEqual(
      cards.map((c) => (c.includes('#c8102e') ? 'red' : c.includes('#111111') ? 'black' : '?')),
      ['black', 'red', 'black', 'red'],
    );
  });

  it('escapes labels', () => {
    const evil = renderHandSvg(['<script>', '"', '&', "'"], ['spades', 'spades', 'spades', 'spades']);
    assert.doesNotMatch(evil, /<script>/);
    assert.match(evil, /&#60;script&#62;/);
  });
});
