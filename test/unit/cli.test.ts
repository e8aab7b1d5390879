import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..', '..');
const cli = join(repo, 'out', 'src', 'cli.js');

function ptlab(...args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stderr: run.stderr };
}

describe('npx ptlab', () => {
  const config = join(repo, 'examples', 'tiny.ptlab.json');

  it('eval refuses an --out it cannot write before playing any episode, with 2 as for the other usage errors', () => {
    const out = join(tmpdir(), 'no-such-folder-for-ptlab', 'x.jsonl');
    const refused = ptlab('eval', '--model', '/nonexistent/model', '--config', config, '--out', out);
    assert.equal(refused.status, 2, refused.stderr);
    assert.equal(refused.stderr, `ptlab: eval: --out ${out}: its folder ${join(tmpdir(), 'no-such-folder-for-ptlab')} does not exist; create it or choose another --out\n`);
  });

  it('answers a file it cannot read with 2, naming the file', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'ptlab-cli-')), 'missing.ptlab.json');
    const refused = ptlab('eval', '--model', '/nonexistent/model', '--config', missing);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`^ptlab: ENOENT: no such file or directory, open '${missing}'\\n$`));
    const file = join(tmpdir(), `ptlab-cli-file-${process.pid}`);
    writeFileSync(file, '');
    const underFile = ptlab('eval', '--model', '/nonexistent/model', '--config', config, '--out', join(file, 'x.jsonl'));
    assert.equal(underFile.status, 2, underFile.stderr);
    assert.match(underFile.stderr, /its folder .* is not a folder; choose another --out/);
  });

  it('eval --out leaves no temporary file when its episodes cannot be put in place', () => {
    const folder = mkdtempSync(join(tmpdir(), 'ptlab-cli-'));
    const out = join(folder, 'episodes.jsonl');
    mkdirSync(join(out, 'inside'), { recursive: true }); // a folder where the file goes: the rename fails
    const failed = ptlab('eval', '--model', '/nonexistent/model', '--config', config, '--episodes', '0', '--out', out);
    assert.equal(failed.status, 2, failed.stderr);
    assert.match(failed.stderr, /EISDIR/);
    assert.deepEqual(readdirSync(folder), ['episodes.jsonl']);
  });
});
