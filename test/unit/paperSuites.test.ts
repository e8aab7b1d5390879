import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkJsonText } from '../../src/core/contracts/contracts';
import { sftVsRlSuite, TEMPLATES } from '../../src/core/config/templates';

const root = join(__dirname, '..', '..', '..');
const paper = join(root, 'examples', 'paper');

describe('the paper suites in examples/paper', () => {
  it('has the four tasks', () => {
    assert.deepEqual(readdirSync(paper).sort(), ['gp-l', 'gp-vl', 'virl-l', 'virl-vl']);
  });

  for (const task of ['gp-l', 'gp-vl', 'virl-l', 'virl-vl']) {
    it(`${task}: is what New Experiment (npx ptlab new-suite) writes, and every config is valid`, () => {
      const template = TEMPLATES.find((t) => t.id === task)!;
      const files = sftVsRlSuite(readFileSync(join(root, 'examples', template.example), 'utf8'), task, template.label);
      for (const file of files) {
        const committed = readFileSync(join(paper, file.path), 'utf8');
        assert.equal(committed, file.text, `${file.path} is stale: node dist/cli.js new-suite --preset ${task} --out examples/paper --force`);
        if (file.path.endsWith('.ptlab.json')) assert.deepEqual(checkJsonText('experiment.schema.json', committed).errors, [], file.path);
      }
    });
  }
});
