import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTrainer } from '../../src/core/jobs/pythonCheck';

const repo = join(__dirname, '..', '..', '..');

describe('pythonCheck', () => {
  it('says the interpreter is missing when there is none at the path', async () => {
    const result = await checkTrainer(join(tmpdir(), 'no-such-python'));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.missing, 'python');
  });

  it('says the trainer is missing from an interpreter without ptlab, naming the import error', async function () {
    if (!existsSync('/usr/bin/python3')) this.skip();
    const env = { ...process.env };
    delete env.PYTHONPATH;
    const result = await checkTrainer('/usr/bin/python3', tmpdir(), env);
    if (result.ok) this.skip(); // this machine's system Python has the trainer installed
    assert.equal(result.missing, 'trainer');
    assert.match(result.detail, /No module named 'ptlab'/);
  });

  it('accepts the project\'s virtual environment and reports the versions', async function () {
    const python = join(repo, '.venv', 'bin', 'python');
    if (!existsSync(python)) this.skip();
    const result = await checkTrainer(python, repo);
    assert.ok(result.ok, JSON.stringify(result));
    assert.match(result.versions, /^3\.\d+\.\d+ \S+$/);
  });
});
