// The shared contract fixtures (schemas/fixtures) hold in TypeScript exactly as in Python
// (trainer/tests/test_contracts.py runs the same cases).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkJsonText, contractErrors, formatLocated, SCHEMAS, type SchemaFile } from '../../src/core/contracts/contracts';

const root = join(__dirname, '..', '..', '..');
const fixturesDir = join(root, 'schemas', 'fixtures');

interface Case {
  name: string;
  valid: boolean;
  errorPath?: string;
  data: unknown;
}

const suites = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.cases.json'))
  .map((f) => JSON.parse(readFileSync(join(fixturesDir, f), 'utf8')) as { schema: SchemaFile; cases: Case[] });

describe('contracts: shared fixtures', () => {
  it('cover every schema', () => {
    assert.deepEqual(new Set(suites.map((s) => s.schema)), new Set(Object.keys(SCHEMAS)));
  });

  for (const suite of suites) {
    for (const c of suite.cases) {
      it(`${suite.schema.replace('.schema.json', '')}: ${c.name}`, () => {
        const pointers = new Set(contractErrors(suite.schema, c.data).map((e) => e.pointer));
        if (c.valid) assert.deepEqual([...pointers], [], 'expected valid');
        else assert.ok(pointers.has(c.errorPath ?? ''), `expected an error at "${c.errorPath}", got ${[...pointers].join(', ')}`);
      });
    }
  }
});

describe('contracts: example configs', () => {
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ptlab.json'));
  it('there are the four paper tasks, the tiny defaults (language and vision) and the pretraining recipes (gp-base, virl-base)', () => {
    assert.deepEqual(examples.sort(), ['gp-base.pretrain.ptlab.json', 'gp-l.ptlab.json', 'gp-vl.ptlab.json', 'tiny-vl.ptlab.json', 'tiny.ptlab.json', 'virl-base.copying.pretrain.ptlab.json', 'virl-base.long-copying.pretrain.ptlab.json', 'virl-base.pretrain.ptlab.json', 'virl-l.ptlab.json', 'virl-vl.ptlab.json']);
  });
  for (const file of examples) {
    it(`${file} is valid`, () => {
      const { errors } = checkJsonText('experiment.schema.json', readFileSync(join(root, 'examples', file), 'utf8'));
      assert.deepEqual(errors, []);
    });
  }
});

describe('contracts: located errors', () => {
  it('names the line, column and field of a schema error', () => {
    const text = '{\n  "name": "x",\n  "environment": {\n    "env": "generalpoints",\n    "faceCards": "all-11"\n  },\n  "model": { "name": "embedded:tiny-lm" }\n}\n';
    const { errors } = checkJsonText('experiment.schema.json', text);
    assert.equal(errors.length, 1);
    assert.equal(formatLocated('a.ptlab.json', errors[0]!), 'a.ptlab.json:5:5: /environment/faceCards: must be one of "all-10", "11-12-13"');
  });

  it('reports only the branch chosen by `env` (discriminator)', () => {
    const errors = contractErrors('experiment.schema.json', {
      name: 'x',
      model: { name: 'm' },
      environment: { env: 'virl', faceCards: 'all-10' },
    });
    assert.deepEqual(errors, [{ pointer: '/environment', message: 'unknown property "faceCards"' }]);
  });

  it('an environment without env is told env and its values, at the environment (as the trainer words it)', () => {
    const text = '{\n  "name": "x",\n  "environment": { "draw": "deck", "faceCards": "all-10" },\n  "model": { "name": "m" }\n}\n';
    const { errors } = checkJsonText('experiment.schema.json', text);
    assert.deepEqual(errors.map((e) => formatLocated('a.ptlab.json', e)), ['a.ptlab.json:3:3: /environment: missing required property "env": "generalpoints" or "virl"']);
  });

  it('places an error of a duplicate key at the last one, whose value is the one read', () => {
    const text = '{\n  "name": "x",\n  "environment": { "env": "generalpoints" },\n  "environment": { "env": "generalpoints", "faceCards": "all-11" },\n  "model": { "name": "m" }\n}\n';
    const { errors } = checkJsonText('experiment.schema.json', text);
    assert.deepEqual(errors.map((e) => formatLocated('a.ptlab.json', e)), ['a.ptlab.json:4:44: /environment/faceCards: must be one of "all-10", "11-12-13"']);
  });

  it("reports only the branch chosen by a metric record's `kind` (discriminator)", () => {
    const record = { kind: 'train', step: 1, time: '2026-11-25T10:00:00Z', compute: { parameters: 1, trainTokens: 0, inferenceTokens: 0, gflops: 0 }, metrics: { loss: 1 } };
    assert.deepEqual(contractErrors('metric-record.schema.json', record), [{ pointer: '/metrics', message: 'must match pattern "^[a-z0-9_]+(/[a-z0-9_@.-]+)+$"' }]);
    assert.deepEqual(new Set(contractErrors('metric-record.schema.json', { ...record, kind: 'test' }).map((e) => e.pointer)), new Set(['/kind']));
  });

  it('reports JSON syntax errors with their position', () => {
    const { errors } = checkJsonText('experiment.schema.json', '{\n  "name": "x",\n  "model": {,}\n}');
    assert.equal(errors[0]?.line, 3);
    assert.match(errors[0]!.message, /invalid JSON/);
  });

  it('reads past a UTF-8 byte order mark, as the editor and the trainer do', () => {
    const { value, errors } = checkJsonText('experiment.schema.json', '\uFEFF{"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m"}}');
    assert.deepEqual(errors, []);
    assert.equal((value as { name: string }).name, 'x');
  });

  it('refuses NaN and Infinity as invalid JSON, as the trainer does', () => {
    for (const token of ['NaN', 'Infinity', '-Infinity']) {
      const { errors } = checkJsonText('experiment.schema.json', `{"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m"},\n "ppo": {"learningRate": ${token}}}`);
      assert.equal(errors[0]?.line, 2, token);
      assert.match(errors[0]!.message, /^invalid JSON/, token);
    }
  });

  it('refuses a number too large for a float (read as Infinity) as invalid JSON, in the trainer\'s words', () => {
    for (const literal of ['1e400', '-1E+400', `1${'0'.repeat(400)}`]) {
      const { errors } = checkJsonText('experiment.schema.json', `{"name": "x", "description": "${literal}", "environment": {"env": "generalpoints"},\n "model": {"name": "m"},\n "sft": {"epochs": ${literal}}}`);
      assert.deepEqual(errors, [{ pointer: '', message: `invalid JSON: ${literal} is too large a number (it reads as Infinity, and JSON has no Infinity; write a finite number)`, line: 3, column: 20 }], literal);
    }
  });
});
