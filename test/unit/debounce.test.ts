import * as assert from 'node:assert/strict';
import { debounceEach } from '../../src/features/debounce';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('debounceEach', () => {
  it('calls once per key after its burst, with the last argument', async () => {
    const calls: string[] = [];
    const soon = debounceEach((text: string) => calls.push(text), 20);
    soon('a', 'a1');
    soon('a', 'a2');
    soon('b', 'b1');
    await wait(60);
    assert.deepEqual(calls.sort(), ['a2', 'b1']);
  });

  it("drops a key's pending call when cancelled (a config closed within the delay), and every one when disposed", async () => {
    const calls: string[] = [];
    const soon = debounceEach((text: string) => calls.push(text), 20);
    soon('closed', 'x');
    soon('open', 'y');
    soon.cancel('closed');
    await wait(60);
    assert.deepEqual(calls, ['y']);
    soon('a', 'z');
    soon.dispose();
    await wait(60);
    assert.deepEqual(calls, ['y']);
  });
});
