import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Digest = (output: string) => string[];
// a real ESM import (the tests compile to CommonJS, which would turn import() into require())
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<{ failureDigest: Digest }>;

describe('run-tests failure digest', () => {
  let failureDigest: Digest;
  before(async () => {
    ({ failureDigest } = await importEsm(pathToFileURL(join(__dirname, '..', '..', '..', 'scripts', 'failure-digest.mjs')).href));
  });

  it("names pytest's failed and errored tests", () => {
    const out = ['....F', 'FAILED trainer/tests/test_sft.py::test_x[3] - AssertionError: boom', 'ERROR trainer/tests/test_a.py::test_y', '1 failed, 2 passed'].join('\n');
    assert.deepEqual(failureDigest(out), ['FAILED trainer/tests/test_sft.py::test_x[3] - AssertionError: boom', 'ERROR trainer/tests/test_a.py::test_y']);
  });

  it("names our runners' failed checks with the first lines of their errors", () => {
    const out = ['  ✔ passes', '  ✘ webview: the dashboard draws', '      Error: timed out waiting for canvas', '          at check (x.js:1)', '  ✔ next', '1 passed, 1 failed, 0 skipped'].join('\n');
    assert.deepEqual(failureDigest(out), ['✘ webview: the dashboard draws', '    Error: timed out waiting for canvas', '    at check (x.js:1)']);
  });

  it("names mocha's numbered failures with their first error lines", () => {
    const out = ['  1 passing', '  1 failing', '', '  1) Suite', '       does a thing:', '     AssertionError: expected', '      at x', '', '  2 passing'].join('\n');
    assert.deepEqual(failureDigest(out), ['1) Suite', '    does a thing:', '    AssertionError: expected', '    at x']);
  });

  it('says nothing for a clean run', () => {
    assert.deepEqual(failureDigest('  ✔ a\n3 passed, 0 failed, 0 skipped\n'), []);
  });
});
