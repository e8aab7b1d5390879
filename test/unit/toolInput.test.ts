// The language-model tools' inputs checked against their package.json inputSchema
// (src/core/contracts/toolInput.ts): vscode.lm.invokeTool passes a model's JSON unchecked.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkToolInput, toolSchemas } from '../../src/core/contracts/toolInput';
import episodeSchema from '../../schemas/episode-record.schema.json';

const packageJson = JSON.parse(readFileSync(join(resolve(__dirname, '..', '..', '..'), 'package.json'), 'utf8')) as unknown;
const schemas = toolSchemas(packageJson);
const check = (tool: string, input: unknown) => checkToolInput(tool, schemas[tool]!, input);

describe("language-model tools' inputs", () => {
  it('has a schema for every tool', () => {
    assert.deepEqual(Object.keys(schemas).sort(), ['ptlab_compareRuns', 'ptlab_findEpisodes', 'ptlab_listRuns', 'ptlab_runAlerts']);
  });

  it('refuses a missing or mistyped field, naming the tool, the field and what it takes', () => {
    assert.throws(() => check('ptlab_findEpisodes', {}), /^Error: ptlab_findEpisodes: run is required: a string$/);
    assert.throws(() => check('ptlab_compareRuns', { a: 'runs/x' }), /^Error: ptlab_compareRuns: b is required: a string$/);
    assert.throws(() => check('ptlab_listRuns', { filter: 3 }), /^Error: ptlab_listRuns: filter takes a string, not 3$/);
    assert.throws(() => check('ptlab_findEpisodes', { run: 'r', success: 'false' }), /^Error: ptlab_findEpisodes: success takes true or false, not "false"$/);
    assert.throws(() => check('ptlab_findEpisodes', { run: 'r', limit: 'all' }), /^Error: ptlab_findEpisodes: limit takes an integer from 1 to 50, not "all"$/);
    assert.throws(() => check('ptlab_findEpisodes', { run: 'r', limit: 0 }), /limit takes an integer from 1 to 50, not 0$/);
    assert.throws(() => check('ptlab_findEpisodes', { run: 'r', step: 2.5 }), /step takes an integer, not 2\.5$/);
    assert.throws(() => check('ptlab_findEpisodes', { run: 'r', minReward: Number.NaN }), /minReward takes a number, not NaN$/);
    assert.throws(() => check('ptlab_findEpisodes', { run: 'r', failureMode: 'collapse' }), /^Error: ptlab_findEpisodes: failureMode takes one of "format", "illegal-formula", .*"budget-exhausted", not "collapse"$/);
    assert.throws(() => check('ptlab_findEpisodes', { run: 'r', failure_mode: 'format' }), /^Error: ptlab_findEpisodes: no field failure_mode: it takes run, failureMode, split, success, step, minReward, maxReward, text, limit$/);
    assert.throws(() => check('ptlab_runAlerts', 'runs/x'), /^Error: ptlab_runAlerts: its input must be an object with run$/);
  });

  it('passes a valid input on, an optional field given as null left out', () => {
    assert.deepEqual(check('ptlab_findEpisodes', { run: 'r', success: false, limit: 50, step: 3, failureMode: 'rule-collapse', split: null }), { run: 'r', success: false, limit: 50, step: 3, failureMode: 'rule-collapse' });
    assert.deepEqual(check('ptlab_listRuns', {}), {});
  });

  it("offers exactly the episode records' failure modes", () => {
    const failureMode = schemas.ptlab_findEpisodes!.properties!.failureMode!;
    assert.deepEqual(failureMode.enum, episodeSchema.$defs.failureMode.enum);
  });
});
