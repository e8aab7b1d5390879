import * as assert from 'node:assert/strict';
import { coalesced } from '../../src/core/coalesce';

/** A pass that waits until released; the log says when each pass started and ended. */
function gatedPasses() {
  const log: string[] = [];
  const gates: (() => void)[] = [];
  let n = 0;
  const pass = () => {
    const id = ++n;
    log.push(`start ${id}`);
    return new Promise<void>((resolve) => gates.push(resolve)).then(() => void log.push(`end ${id}`));
  };
  const release = async () => {
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { log, pass, release };
}

describe('coalesced', () => {
  it('never overlaps passes: calls during a pass share the next one, which starts when it ends', async () => {
    const { log, pass, release } = gatedPasses();
    const run = coalesced(pass);
    const first = run();
    const during = [run(), run(), run()];
    assert.equal(during[0], during[2], 'the calls during a pass share one');
    assert.deepEqual(log, ['start 1']);
    await release();
    await first;
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2'], 'the next pass starts after the running one ends');
    await release();
    await Promise.all(during);
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2']);
    const later = run();
    assert.deepEqual(log.at(-1), 'start 3', 'idle: a call starts a pass at once');
    await release();
    await later;
  });

  it('runs the queued pass after a failed one, and reports each pass its own failure', async () => {
    let n = 0;
    const run = coalesced(async () => {
      n++;
      await new Promise((r) => setImmediate(r));
      if (n === 1) throw new Error('scan failed');
    });
    const failing = run();
    const next = run();
    await assert.rejects(failing, /scan failed/);
    await next;
    assert.equal(n, 2);
  });
});
