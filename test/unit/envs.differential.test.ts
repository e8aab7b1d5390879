// Differential fuzz: the TypeScript and Python environment servers answer the same random
// requests (configs, episodes, random and mutated model outputs) identically.
// PTLAB_FUZZ_CASES sets the size (bench/ runs 100k+), PTLAB_FUZZ_SEED the seed.
import * as assert from 'node:assert/strict';
import { EnvServer } from '../../src/core/envs/server';
import { nodeRouteFileLoader } from '../../src/core/envs/routeFiles';
import { parseRoutes } from '../../src/core/envs/virl';
import { fuzzRequests, virlFuzzRequests } from '../support/gpFuzz';
import { askPython, repoRoot } from '../support/pythonEnvServer';

const CASES = Number(process.env.PTLAB_FUZZ_CASES ?? 3000);
const SEED = Number(process.env.PTLAB_FUZZ_SEED ?? 20261125);
const ROUTES = 'test/vectors/virl-routes.json';

describe('environments: TypeScript and Python agree (differential fuzz)', function () {
  this.timeout(300_000);

  async function agree(requests: string[]): Promise<void> {
    const python = await askPython(requests);
    const typescript = new EnvServer(nodeRouteFileLoader(repoRoot));
    const mismatches: string[] = [];
    requests.forEach((request, i) => {
      const ours = JSON.parse(typescript.answer(request)) as unknown;
      const theirs = JSON.parse(python[i]!) as unknown;
      try {
        assert.deepEqual(ours, theirs);
      } catch {
        mismatches.push(`request ${request}\n  typescript ${JSON.stringify(ours)}\n  python     ${JSON.stringify(theirs)}`);
      }
    });
    assert.equal(mismatches.length, 0, `${mismatches.length} of ${requests.length} answers differ; first ones:\n${mismatches.slice(0, 5).join('\n')}`);
  }

  it(`on ${CASES} random GeneralPoints requests (seed ${SEED})`, async () => {
    await agree([...fuzzRequests(SEED, CASES)]);
  });

  it(`on ${CASES} random V-IRL requests (seed ${SEED})`, async () => {
    const { path, data } = nodeRouteFileLoader(repoRoot)(ROUTES);
    await agree([...virlFuzzRequests(SEED, CASES, ROUTES, parseRoutes(data, path))]);
  });
});
