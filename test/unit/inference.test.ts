// The inference worker (src/workers/inference.worker.ts) over a real worker thread: what a
// user sees for a folder that is not an export, and the queue going on after a failure.
// Generation itself is checked against PyTorch by trainer/tests/test_onnx_node.py.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { InferenceClient } from '../../src/workers/inference';

describe('inference worker', () => {
  it('refuses a folder that is not an export, then still answers', async () => {
    const client = new InferenceClient(join(__dirname, '..', '..', 'src', 'workers', 'inference.worker.js'));
    try {
      const generating = client.generate({ model: '/nonexistent/export', prompt: { text: 'hi' }, options: { maxNewTokens: 1 }, onProgress: () => undefined });
      await assert.rejects(generating, /\/nonexistent\/export\/ptlab-onnx\.json: .*python -m ptlab export/);
      await client.unload('/nonexistent/export');
    } finally {
      await client.dispose();
    }
  });
});
