// Differential fuzz: the TypeScript and Python environment servers answer the same random
// requests (configs, episodes, random and mutated model outputs) identically.
// PTLAB_FUZZ_CASES sets the size (bench/ runs 100k+), PTLAB_FUZZ_SEED the seed.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvServer } from '../../src/core/envs/server';
import { MAX_ROUTE_FILE_BYTES, nodeRouteFileLoader } from '../../src/core/envs/routeFiles';
import { parseRoutes } from '../../src/core/envs/virl';
import { fuzzRequests, virlFuzzRequests } from '../support/gpFuzz';
import { askPython, repoRoot } from '../support/pythonEnvServer';

const CASES = Number(process.env.PTLAB_FUZZ_CASES ?? 3000);
const SEED = Number(process.env.PTLAB_FUZZ_SEED ?? 20261125);
// the fixtures of the shared vectors: routes of every kind, and as the V-IRL platform writes them
const ROUTE_FILES = ['test/vectors/virl-routes.json', 'test/vectors/virl-routes-platform.json'];

describe('environments: TypeScript and Python agree (differential fuzz)', function () {
  this.timeout(300_000);

  /** The TypeScript server's answers, once they are checked to be Python's. */
  async function agree(requests: string[]): Promise<Record<string, unknown>[]> {
    const python = await askPython(requests);
    const typescript = new EnvServer(nodeRouteFileLoader(repoRoot));
    const mismatches: string[] = [];
    const answers = requests.map((request, i) => {
      const ours = JSON.parse(typescript.answer(request)) as Record<string, unknown>;
      const theirs = JSON.parse(python[i]!) as unknown;
      try {
        assert.deepEqual(ours, theirs);
      } catch {
        mismatches.push(`request ${request}\n  typescript ${JSON.stringify(ours)}\n  python     ${JSON.stringify(theirs)}`);
      }
      return ours;
    });
    assert.equal(mismatches.length, 0, `${mismatches.length} of ${requests.length} answers differ; first ones:\n${mismatches.slice(0, 5).join('\n')}`);
    return answers;
  }

  it('a reset that fails leaves no episode under its name to step', async () => {
    const reset = (episode: string, seed: number) => JSON.stringify({ op: 'reset', episode, config: { env: 'generalpoints' }, seed });
    const step = (episode: string) => JSON.stringify({ op: 'step', episode, action: '{"cards": [], "formula": "1"}' });
    const answers = await agree([reset('a', 3), reset('b', 3), reset('a', -1), step('a'), step('b')]);
    assert.equal(answers[2]!.error, '"seed" must be an integer in [0, 2**32)');
    assert.equal(answers[3]!.error, 'no episode "a": send a reset first');
    assert.equal(answers[4]!.done, false, 'the other names keep their episodes');
  });

  it('V-IRL synthetic cities: out-of-schema fields are refused naming them, integers written 5.0 are integers', async () => {
    const reset = (synthetic: string) => `{"op":"reset","config":{"env":"virl","routes":{"synthetic":${synthetic}}},"seed":3}`;
    const answers = await agree([reset('{"city":"nyc","routes":"10"}'), reset('{"city":"nyc","routes":5,"seed":"7"}'), reset('{"city":7}'), reset('{"city":"nyc","routes":5.0,"seed":7.0}')]);
    assert.deepEqual(
      answers.slice(0, 3).map((a) => a.error),
      ['environment.routes.synthetic.routes: must be an integer in [1, 1000000]', 'environment.routes.synthetic.seed: must be an integer in [0, 4294967295]', 'environment.routes.synthetic.city: required, a non-empty string'],
    );
    assert.equal(typeof answers[3]!.prompt, 'string');
  });

  it('V-IRL configs out of the schema are refused in the same words (the shared vectors\' refusals)', async () => {
    const { refused } = JSON.parse(readFileSync(join(repoRoot, 'test', 'vectors', 'virl.json'), 'utf8')) as { refused: { config: { env: string }; error: string }[] };
    const answers = await agree(refused.map((c) => JSON.stringify({ op: 'reset', config: c.config, seed: 1 })));
    // the servers pick the environment by `env` first: another name is refused before V-IRL's own checks
    assert.deepEqual(answers.map((a, i) => (refused[i]!.config.env === 'virl' ? a.error : typeof a.error)), refused.map((c) => (c.config.env === 'virl' ? c.error : 'string')));
  });

  it('a route file that is not a regular file, or is over the size limit, is refused before it is read, in the same words', async () => {
    const big = join(mkdtempSync(join(tmpdir(), 'routes-')), 'big.json');
    writeFileSync(big, '');
    truncateSync(big, MAX_ROUTE_FILE_BYTES + 1); // sparse: nothing written
    const reset = (file: string) => JSON.stringify({ op: 'reset', config: { env: 'virl', routes: { file } }, seed: 1 });
    const answers = await agree([reset('/dev/zero'), reset('test'), reset(big)]);
    assert.deepEqual(answers.map((a) => a.error), [
      'environment.routes.file: /dev/zero is not a regular file; name a JSON file of routes',
      `environment.routes.file: ${join(repoRoot, 'test')} is not a regular file; name a JSON file of routes`,
      `environment.routes.file: ${big} is larger than 64 MiB (${MAX_ROUTE_FILE_BYTES + 1} bytes); name a JSON file of routes`,
    ]);
  });

  it("route files with NaN, Infinity and -Infinity (Python's json.dump writes them) read alike: unread fields load, read ones are refused", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'routes-'));
    const route = readFileSync(join(repoRoot, 'test', 'vectors', 'virl-routes.json'), 'utf8').match(/"milestone_info": "(?:[^"\\]|\\.)*"/)![0];
    const file = (name: string, text: string) => {
      writeFileSync(join(folder, name), text.replace('MILESTONES', route));
      return JSON.stringify({ op: 'reset', config: { env: 'virl', routes: { file: join(folder, name) } }, seed: 1 });
    };
    const answers = await agree([
      file('unread.json', '[[{"route_id": "a", "start_place": {"name": "P", "rating": NaN, "geocode": [Infinity, -Infinity]}, "dest_place": {}, MILESTONES}], 1]'),
      file('id-nan.json', '[{"route_id": NaN, "start_place": {}, "dest_place": {}, MILESTONES}]'),
      file('id-huge.json', '[{"route_id": 1e400, "start_place": {}, "dest_place": {}, MILESTONES}]'),
      file('count.json', '[[{"route_id": "a", "start_place": {}, "dest_place": {}, MILESTONES}], Infinity]'),
    ]);
    assert.equal(typeof answers[0]!.prompt, 'string', JSON.stringify(answers[0]));
    assert.match(String(answers[1]!.error), /id-nan\.json\[0\]\.route_id: must be a string or an integer of at most 2\*\*53 - 1, got null$/);
    assert.match(String(answers[2]!.error), /id-huge\.json\[0\]\.route_id: .* got null$/);
    assert.match(String(answers[3]!.error), /count\.json: a list that starts with a list is the authors' \[\[route, \.\.\.\], count\]/);
  });

  it('integers written 24.0 are integers everywhere (seed, target, maxVerify, maxStraight, a position), and a null position is position 0', async () => {
    const gp = `{"env":"generalpoints","target":24.0,"maxVerify":3.0}`;
    const virl = `{"env":"virl","routes":{"synthetic":{"city":"nyc","routes":5}},"maxStraight":4.0}`;
    const verify = (position: string) => `{"op":"verify","config":${virl},"state":{"seed":2.0,"position":${position}},"output":"{\\"action\\": \\"forward()\\"}"}`;
    const answers = await agree([`{"op":"reset","episode":"g","config":${gp},"seed":1.0}`, `{"op":"reset","episode":"v","config":${virl},"seed":3.0}`, verify('1.0'), verify('null'), verify('0'), verify('1.5')]);
    assert.ok(answers.slice(0, 2).every((a) => typeof a.prompt === 'string'), JSON.stringify(answers.slice(0, 2)));
    assert.deepEqual(answers[3], answers[4], 'null is position 0');
    assert.equal(typeof answers[2]!.reward, 'number');
    assert.match(String(answers[5]!.error), /"state.position" must be an integer/);
  });

  it(`on ${CASES} random GeneralPoints requests (seed ${SEED})`, async () => {
    await agree([...fuzzRequests(SEED, CASES)]);
  });

  it(`on ${CASES} random V-IRL requests (seed ${SEED})`, async () => {
    const load = nodeRouteFileLoader(repoRoot);
    const routeFiles = Object.fromEntries(ROUTE_FILES.map((file) => [file, parseRoutes(load(file).data, file)]));
    await agree([...virlFuzzRequests(SEED, CASES, routeFiles)]);
  });
});
