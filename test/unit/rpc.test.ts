// The worker convention (src/workers/rpc.ts) over a real worker thread.
import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { WorkerClient, workerFile } from '../../src/workers/rpc';
import type { EchoEvents, EchoRequests } from '../support/echoProtocol';

const echoWorker = join(__dirname, '..', 'support', 'echoWorker.js');

describe('worker rpc', () => {
  let client: WorkerClient<EchoRequests, EchoEvents>;
  const notes: string[] = [];
  beforeEach(() => {
    notes.length = 0;
    client = new WorkerClient<EchoRequests, EchoEvents>(echoWorker, { name: 'the echo worker', onEvent: (_name, value) => notes.push(value.text) });
  });
  afterEach(() => client.dispose());

  it('pairs concurrent requests with their answers', async () => {
    const answers = await Promise.all(['a', 'b', 'c'].map((text) => client.request('echo', { text })));
    assert.deepEqual(answers, [{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
  });

  it('reports progress, and cancels through an AbortSignal', async () => {
    const seen: number[] = [];
    assert.deepEqual(await client.request('count', { to: 3 }, { onProgress: (n) => seen.push(n) }), { reached: 3, cancelled: false });
    assert.deepEqual(seen, [1, 2, 3]);
    const abort = new AbortController();
    const counting = client.request('count', { to: 10_000 }, { signal: abort.signal, onProgress: (n) => n === 2 && abort.abort() });
    const result = await counting;
    assert.equal(result.cancelled, true);
    assert.ok(result.reached < 10_000);
  });

  it('leaves no abort listener on the caller\'s signal once its requests settle', async () => {
    const abort = new AbortController();
    const before = getEventListeners(abort.signal, 'abort').length;
    for (let i = 0; i < 12; i++) await client.request('echo', { text: `${i}` }, { signal: abort.signal });
    await assert.rejects(client.request('fail', { message: 'bad file' }, { signal: abort.signal }), /bad file/);
    assert.equal(getEventListeners(abort.signal, 'abort').length, before);
    await assert.rejects(client.request('exit', {}, { signal: abort.signal }), /exited/);
    assert.equal(getEventListeners(abort.signal, 'abort').length, before);
  });

  it('rejects with the handler\'s error, and events arrive', async () => {
    await assert.rejects(client.request('fail', { message: 'bad file' }), /bad file/);
    assert.equal(await client.request('announce', { text: 'hello' }), true);
    assert.deepEqual(notes, ['hello']);
  });

  it('fails waiting and later requests once the worker is gone, naming it', async () => {
    await assert.rejects(client.request('exit', {}), /the echo worker exited \(code 3\)/);
    assert.equal(client.stopped, true);
    await assert.rejects(client.request('echo', { text: 'x' }), /the echo worker exited/);
  });

  it('tells its owner once that the worker stopped, with what requests fail with', async () => {
    const stops: string[] = [];
    const owned = new WorkerClient<EchoRequests, EchoEvents>(echoWorker, { name: 'the echo worker', onStop: (error) => stops.push(error.message) });
    await assert.rejects(owned.request('exit', {}), /the echo worker exited \(code 3\)/);
    await owned.dispose();
    assert.deepEqual(stops, ['the echo worker exited (code 3)']);
  });

  it('finds built workers next to the bundle', () => {
    assert.equal(workerFile('transcripts', '/ext/dist'), join('/ext/dist', 'workers', 'transcripts.js'));
  });
});
