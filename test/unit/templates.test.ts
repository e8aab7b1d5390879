import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractErrors } from '../../src/core/contracts/contracts';
import { checkConfig } from '../../src/core/config/checks';
import { configFromTemplate, nameProblem, sftVsRlSuite, TEMPLATES } from '../../src/core/config/templates';

const examples = join(__dirname, '..', '..', '..', 'examples');

describe('templates', () => {
  it('makes a schema-valid config from every preset, its PPO starting from its own Init', () => {
    for (const t of TEMPLATES) {
      const [file] = configFromTemplate(readFileSync(join(examples, t.example), 'utf8'), 'mine');
      const config = JSON.parse(file!.text) as { name: string; ppo?: { init?: string } };
      assert.equal(file!.path, 'mine.ptlab.json');
      assert.deepEqual(contractErrors('experiment.schema.json', config), [], t.id);
      assert.equal(config.name, 'mine');
      if (config.ppo) assert.equal(config.ppo.init, 'runs/mine/sft-init/checkpoints/final');
    }
  });

  it('builds the SFT vs RL suite: Init, then SFT and PPO from it, one experiment name, valid configs', () => {
    const files = sftVsRlSuite(readFileSync(join(examples, 'tiny.ptlab.json'), 'utf8'), 'study', 'Tiny GP-L (CPU)');
    assert.deepEqual(files.map((f) => f.path), ['study/1-init.ptlab.json', 'study/2-sft.ptlab.json', 'study/3-rl.ptlab.json', 'study/README.md']);
    const [init, sft, rl] = files.slice(0, 3).map((f) => JSON.parse(f.text) as Record<string, any>);
    for (const c of [init, sft, rl]) {
      assert.deepEqual(contractErrors('experiment.schema.json', c), []);
      assert.equal(c!.name, 'study');
    }
    assert.equal(init!.sft.init, undefined);
    assert.equal(init!.ppo, undefined);
    assert.equal(sft!.sft.init, 'runs/study/sft-init/checkpoints/final');
    assert.equal(rl!.ppo.init, 'runs/study/sft-init/checkpoints/final');
    assert.equal(rl!.sft, undefined);
    assert.deepEqual(sft!.evaluation, rl!.evaluation);
    // Before Init is trained, the checks say so on both arms; after, nothing is wrong.
    assert.ok(checkConfig(files[2]!.text, () => false).some((i) => i.pointer === '/ppo/init'));
    assert.deepEqual(checkConfig(files[1]!.text, () => true).filter((i) => i.severity !== 'info'), []);
  });

  it("points PPO at the Init under the preset's own outputDir", () => {
    const preset = JSON.parse(readFileSync(join(examples, 'tiny.ptlab.json'), 'utf8')) as Record<string, unknown>;
    const text = JSON.stringify({ ...preset, outputDir: 'out' });
    const [file] = configFromTemplate(text, 'mine');
    assert.equal((JSON.parse(file!.text) as { ppo: { init: string } }).ppo.init, 'out/mine/sft-init/checkpoints/final');
    const suite = sftVsRlSuite(text, 'study', 'Tiny GP-L (CPU)');
    assert.equal((JSON.parse(suite[1]!.text) as { sft: { init: string } }).sft.init, 'out/study/sft-init/checkpoints/final');
    assert.equal((JSON.parse(suite[2]!.text) as { ppo: { init: string } }).ppo.init, 'out/study/sft-init/checkpoints/final');
    // the suite's README names the run folders where Run SFT / Run PPO put them: <outputDir>/<name>/<job>
    const readme = suite[3]!.text;
    assert.match(readme, /into `out\/study\/sft`/);
    assert.match(readme, /into `out\/study\/ppo`/);
    assert.doesNotMatch(readme, /runs\//);
  });

  it('checks experiment names like the schema', () => {
    assert.equal(nameProblem('gp-l_2.b'), undefined);
    assert.equal(nameProblem(`a${'b'.repeat(63)}`), undefined);
    assert.ok(nameProblem(`a${'b'.repeat(64)}`), 'at most 64 characters');
    assert.ok(nameProblem('-x'));
    assert.ok(nameProblem('a b'));
  });
});
