// What failed, in a few lines: used by run-tests.mjs for its summary.

/** The failed tests' names and first error lines in a suite's output (mocha's numbered
 * failures, pytest's FAILED/ERROR lines, our runners' ✘ lines and the error under each), so the
 * summary at the end, which CI logs keep when they cut the middle, says what failed. */
export function failureDigest(output) {
  const lines = output.split('\n');
  const digest = [];
  lines.forEach((line, i) => {
    if (/^(FAILED|ERROR) /.test(line)) digest.push(line.slice(0, 400));
    else if (/^\s+✘ /.test(line)) digest.push(line.trim(), ...lines.slice(i + 1, i + 5).filter((l) => /^\s{6}/.test(l)).map((l) => `    ${l.trim().slice(0, 300)}`));
  });
  const failing = lines.findIndex((l) => /^\s*\d+ failing/.test(l));
  if (failing >= 0) {
    lines.slice(failing + 1).forEach((line, i, rest) => {
      if (/^\s+\d+\) /.test(line)) digest.push(line.trim(), ...rest.slice(i + 1, i + 4).filter((l) => l.trim()).map((l) => `    ${l.trim().slice(0, 300)}`));
    });
  }
  return digest.slice(0, 40);
}
