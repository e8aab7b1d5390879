// Differential fuzz: the TypeScript and Python environment servers answer the same random
// requests (configs, episodes, random and mutated model outputs) identically.
// PTLAB_FUZZ_CASES sets the size (bench/ runs 100k+), PTLAB_FUZZ_SEED the seed.
import * as assert from 'node:assert/strict';
import { EnvServer } from '../../src/core/envs/server';
import { fuzzRequests } from '../support/gpFuzz';
import { askPython } from '../support/pythonEnvServer';

const CASES = Number(process.env.PTLAB_FUZZ_CASES ?? 3000);
const SEED = Number(process.env.PTLAB_FUZZ_SEED ?? 20261125);

describe('environments: TypeScript and Python agree (differential fuzz)', function () {
  this.timeout(300_000);

  it(`on ${CASES} random GeneralPoints requests (seed ${SEED})`, async () => {
    const requests = [...fuzzRequests(SEED, CASES)];
    const python = await askPython(requests);
    const typescript = new EnvServer();
    const mismatches: string[] = [];
    requests.forEach((request, i) => {
      const ours = JSON.parse(typescript.answer(request)) as unknown;
      const theirs = JSON.parse(python[i]!) as unknown;
      try {
        assert.deepEqual(ours, theirs);
      } catch {
        if (mismatches.length < 5) mismatches.push(`request ${request}\n  typescript ${JSON.stringify(ours)}\n  python     ${JSON.stringify(theirs)}`);
        else mismatches.push('');
      }
    });
    assert.equal(mismatches.length, 0, `${mismatches.length} of ${requests.length} answers differ; first ones:\n${mismatches.filter(Boolean).join('\n')}`);
  });
});
