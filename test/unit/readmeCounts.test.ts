// Counts the README states about files that grow: each is the file's own count.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

describe('README counts', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const file of ['generalpoints.json', 'virl.json']) {
    it(`states test/vectors/${file}'s number of verify cases`, () => {
      const stated = new RegExp(`\`test/vectors/${file.replace('.', '\\.')}\` \\([^()]*?([\\d,]+)\\s+verify cases`).exec(readme);
      assert.ok(stated, `README.md names no verify-case count for test/vectors/${file}`);
      const vectors = JSON.parse(readFileSync(join(root, 'test', 'vectors', file), 'utf8')) as { verify: unknown[] };
      assert.equal(Number(stated[1]!.replace(/,/g, '')), vectors.verify.length);
    });
  }
});
