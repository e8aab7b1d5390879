// The inference worker thread: owns the onnxruntime sessions so generation never blocks
// the extension host. Decoders are cached per model folder, as long as the folder holds the
// same export; requests run one at a time.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { METADATA_FILE, MODEL_FILE, OnnxDecoder } from '../core/inference/onnxDecoder';
import type { InferenceRequests } from './inference';
import { serveWorker } from './rpc';

/** By model folder: the decoder, and the export it was loaded from. */
const decoders = new Map<string, { exported: string; loading: Promise<OnnxDecoder> }>();
let queue: Promise<unknown> = Promise.resolve();

/** Runs `task` after every request before it (failed or not). */
function inTurn<T>(task: () => Promise<T>): Promise<T> {
  const turn = queue.then(task, task);
  queue = turn.catch(() => undefined);
  return turn;
}

/**
 * Which export the folder holds: its model's and metadata's files as they are now. A checkpoint
 * exported again into the same folder (onnx/final after a resumed run) replaces both.
 */
async function exportIdentity(model: string): Promise<string> {
  const files = await Promise.all([MODEL_FILE, METADATA_FILE].map((name) => stat(join(model, name)).catch(() => undefined)));
  return files.map((s) => (s ? `${s.ino}:${s.size}:${s.mtimeMs}` : 'missing')).join('|');
}

async function decoder(model: string): Promise<OnnxDecoder> {
  const exported = await exportIdentity(model);
  const cached = decoders.get(model);
  if (cached?.exported === exported) return cached.loading;
  void cached?.loading.then((old) => old.release(), () => undefined); // requests run one at a time: nothing uses it now
  const entry = { exported, loading: OnnxDecoder.load(model) };
  entry.loading.catch(() => decoders.get(model) === entry && decoders.delete(model));
  decoders.set(model, entry);
  return entry.loading;
}

serveWorker<InferenceRequests>({
  generate: ({ model, prompt, options, progressEvery }, { signal, progress }) =>
    inTurn(async () => {
      const loaded = await decoder(model);
      const promptIds = 'messages' in prompt ? loaded.tokenizer.encodeChat(prompt.messages) : loaded.tokenizer.encode(prompt.text);
      const result = await loaded.generate(promptIds, {
        ...options,
        signal,
        onToken: progressEvery > 0 ? (ids) => ids.length % progressEvery === 0 && progress(ids.length) : undefined,
      });
      return { promptIds, ...result };
    }),
  unload: ({ model }) => {
    const loading = decoders.get(model)?.loading;
    decoders.delete(model);
    return inTurn(async () => (await loading?.catch(() => undefined))?.release());
  },
});
