// The README's trainer commands write the run folders the extension would pick for the same
// config and job, so a later command (PPO from ppo.init, evaluation of a checkpoint) finds
// what an earlier one wrote when run from the repository root as written.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { configFacts, defaultRunDir, type Job } from '../../src/core/jobs/jobs';

const root = join(__dirname, '..', '..', '..');

interface Command { job: string; config: string; runDir: string; checkpoint?: string }

function commands(readme: string): Command[] {
  return [...readme.matchAll(/^\.venv\/bin\/python -m ptlab (\w+) +(.*)$/gm)].flatMap(([, command, rest]) => {
    const option = (name: string) => new RegExp(`--${name} (\\S+)`).exec(rest!)?.[1];
    const config = option('config');
    const runDir = option('run-dir');
    if (!config || !runDir) return [];
    return [{ job: command === 'launch' ? option('job')! : command!, config, runDir, checkpoint: option('checkpoint') }];
  });
}

describe('README trainer walkthrough', () => {
  const walkthrough = commands(readFileSync(join(root, 'README.md'), 'utf8'));

  it('runs each job in the folder the extension picks beside its config', () => {
    assert.ok(walkthrough.some((c) => c.job === 'ppo'));
    for (const { job, config, runDir, checkpoint } of walkthrough.filter((c) => c.job !== 'export')) {
      const facts = configFacts(JSON.parse(readFileSync(join(root, config), 'utf8')))!;
      assert.equal(runDir, posix.join(posix.dirname(config), defaultRunDir(facts, job as Job, checkpoint)), `${job} --config ${config}`);
    }
  });

  it('trains PPO from the Init checkpoint its SFT command wrote, and exports and evaluates a folder it wrote', () => {
    const written = new Set(walkthrough.filter((c) => c.job === 'sft').map((c) => c.runDir));
    for (const { job, config, checkpoint, runDir } of walkthrough) {
      const init = job === 'ppo' ? (JSON.parse(readFileSync(join(root, config), 'utf8')) as { ppo: { init: string } }).ppo.init : undefined;
      const read = init ? posix.join(posix.dirname(config), init) : checkpoint;
      if (read) assert.ok(written.has(read.replace(/\/checkpoints\/[^/]+$/, '')), `${job} reads ${read}`);
      if (job === 'export') assert.ok(written.has(runDir), `export --run-dir ${runDir}`);
    }
  });
});
