// `npx ptlab new-suite` as users run it (dist/cli.js: node scripts/build.mjs first).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function newSuite(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [cli, 'new-suite', '--preset', 'tiny', '--name', 'study', ...args], { encoding: 'utf8' });
}

describe('npx ptlab new-suite', () => {
  let out: string;
  beforeEach(() => (out = mkdtempSync(join(tmpdir(), 'ptlab-new-suite-'))));
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('refuses a suite whose files exist, naming them, and writes none; --force overwrites', () => {
    assert.equal(newSuite('--out', out).status, 0);
    const sft = join(out, 'study', '2-sft.ptlab.json');
    const generated = readFileSync(sft, 'utf8');
    writeFileSync(sft, '{"name": "study", "edited": true}\n');
    rmSync(join(out, 'study', '1-init.ptlab.json'));
    const refused = newSuite('--out', out);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`${sft.replace(/[.\\]/g, '\\$&')}.*already exist.*--force`));
    assert.equal(readFileSync(sft, 'utf8'), '{"name": "study", "edited": true}\n');
    assert.ok(!existsSync(join(out, 'study', '1-init.ptlab.json')), 'a refused suite writes no file');
    const forced = newSuite('--out', out, '--force');
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(readFileSync(sft, 'utf8'), generated);
  });

  it('leaves no file of a suite it could not write whole (no half suite that refuses a retry)', () => {
    const blocked = join(out, 'study', '3-rl.ptlab.json');
    mkdirSync(join(blocked, 'inside'), { recursive: true }); // a folder where a config goes: its rename fails
    const failed = newSuite('--out', out, '--force');
    assert.equal(failed.status, 2, failed.stderr);
    assert.match(failed.stderr, /EISDIR/);
    assert.deepEqual(readdirSync(join(out, 'study')), ['3-rl.ptlab.json'], 'no config written, no temporary file');
    rmSync(blocked, { recursive: true });
    const retried = newSuite('--out', out);
    assert.equal(retried.status, 0, retried.stderr);
    assert.deepEqual(readdirSync(join(out, 'study')).sort(), ['1-init.ptlab.json', '2-sft.ptlab.json', '3-rl.ptlab.json', 'README.md']);
  });
});
