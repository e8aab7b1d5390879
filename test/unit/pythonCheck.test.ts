import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTrainer, configuredInterpreter, trainerInstallArgs, TRAINING_PACKAGES } from '../../src/core/jobs/pythonCheck';

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

  it('says which training packages are missing from an interpreter that has ptlab without its [train] extra', async function () {
    if (!existsSync('/usr/bin/python3')) this.skip();
    if (spawnSync('/usr/bin/python3', ['-c', 'import torch, transformers']).status === 0) this.skip(); // this machine's system Python has them
    const env = { ...process.env, PYTHONPATH: join(repo, 'trainer') };
    const result = await checkTrainer('/usr/bin/python3', tmpdir(), env);
    assert.equal(!result.ok && result.missing, 'training packages', JSON.stringify(result));
    assert.ok(!result.ok);
    assert.match(result.detail, /torch/);
    assert.match(result.detail, /No module named 'torch'/);
  });

  it('accepts the project\'s virtual environment and reports the versions', async function () {
    const python = join(repo, '.venv', 'bin', 'python');
    if (!existsSync(python)) this.skip();
    const result = await checkTrainer(python, repo);
    assert.ok(result.ok, JSON.stringify(result));
    assert.match(result.versions, /^3\.\d+\.\d+ \S+$/);
  });

  it('installs the trainer with the pyproject extra that holds the training packages it checks', () => {
    const args = trainerInstallArgs('/ext/trainer');
    assert.deepEqual(args.slice(0, 4), ['-m', 'pip', 'install', '-e']);
    const extra = /^\/ext\/trainer\[(\w+)\]$/.exec(args[4] ?? '')?.[1];
    assert.ok(extra, args[4]);
    const pyproject = readFileSync(join(repo, 'trainer', 'pyproject.toml'), 'utf8');
    const listed = new RegExp(`^${extra} = \\[([^\\]]*)\\]`, 'm').exec(pyproject)?.[1] ?? '';
    for (const name of TRAINING_PACKAGES) assert.match(listed, new RegExp(`"${name}==`), `${name} in [${extra}]`);
  });

  it('resolves a relative ptlab.pythonPath against the workspace folder, so the check and the job (run from the config\'s folder) run the same interpreter', () => {
    assert.equal(configuredInterpreter('.venv/bin/python', '/ws'), '/ws/.venv/bin/python');
    assert.equal(configuredInterpreter('${workspaceFolder}/.venv/bin/python', '/ws'), '/ws/.venv/bin/python');
    assert.equal(configuredInterpreter('/opt/py/bin/python', '/ws'), '/opt/py/bin/python');
    assert.equal(configuredInterpreter('python3.11', '/ws'), 'python3.11'); // a bare name is looked up on PATH
    assert.equal(configuredInterpreter('.venv/bin/python', undefined), '.venv/bin/python');
  });

  it('resolves a relative ptlab.pythonPath against the config\'s folder when there is no workspace folder, so the check (run from the extension host\'s folder) finds the job\'s interpreter', () => {
    assert.equal(configuredInterpreter('.venv/bin/python', undefined, '/cfg/x.ptlab.json'), '/cfg/.venv/bin/python');
    assert.equal(configuredInterpreter('${workspaceFolder}/.venv/bin/python', undefined, '/cfg/x.ptlab.json'), '/cfg/.venv/bin/python');
    assert.equal(configuredInterpreter('.venv/bin/python', '/ws', '/cfg/x.ptlab.json'), '/ws/.venv/bin/python');
    assert.equal(configuredInterpreter('python3.11', undefined, '/cfg/x.ptlab.json'), 'python3.11');
  });
});
