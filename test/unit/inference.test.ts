// The inference worker (src/workers/inference.worker.ts) over a real worker thread: what a
// user sees for a folder that is not an export, the queue going on after a failure, and a
// folder exported again. Generation itself is checked against PyTorch by
// trainer/tests/test_onnx_node.py.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceClient } from '../../src/workers/inference';

const repo = join(__dirname, '..', '..', '..');
const workerFile = join(__dirname, '..', '..', 'src', 'workers', 'inference.worker.js');

describe('inference worker', () => {
  it('refuses a folder that is not an export, then still answers', async () => {
    const client = new InferenceClient(workerFile);
    try {
      const generating = client.generate({ model: '/nonexistent/export', prompt: { text: 'hi' }, options: { maxNewTokens: 1 }, onProgress: () => undefined });
      await assert.rejects(generating, /\/nonexistent\/export\/ptlab-onnx\.json: .*python -m ptlab export/);
      await client.unload('/nonexistent/export');
    } finally {
      await client.dispose();
    }
  });

  it('plays the checkpoint exported last into a folder, not the export it loaded there before', async function () {
    this.timeout(180_000);
    const python = join(repo, '.venv', 'bin', 'python');
    if (!existsSync(python)) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-reexport-'));
    const client = new InferenceClient(workerFile);
    const fresh = new InferenceClient(workerFile);
    try {
      execFileSync(python, [join(repo, 'test', 'fixtures', 'scripts', 'make_onnx_exports.py'), dir], { env: { ...process.env, PYTHONPATH: join(repo, 'trainer') }, stdio: 'ignore', timeout: 150_000 });
      const folder = join(dir, 'onnx', 'final');
      const tokens = async (c: InferenceClient) => (await c.generate({ model: folder, prompt: { text: 'Cards: 3 4 5 6.' }, options: { maxNewTokens: 8 } })).tokens;
      cpSync(join(dir, 'a'), folder, { recursive: true });
      const first = await tokens(client);
      rmSync(folder, { recursive: true }); // ptlab export replaces the folder whole
      cpSync(join(dir, 'b'), folder, { recursive: true });
      const second = await tokens(fresh);
      assert.notDeepEqual(first, second, 'the two exports generate differently');
      assert.deepEqual(await tokens(client), second);
    } finally {
      await client.dispose();
      await fresh.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
