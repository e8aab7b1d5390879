// The inference worker thread: owns the onnxruntime sessions so generation never blocks
// the extension host. Decoders are cached per model folder; requests run one at a time.
import { OnnxDecoder } from '../core/inference/onnxDecoder';
import type { InferenceRequests } from './inference';
import { serveWorker } from './rpc';

const decoders = new Map<string, Promise<OnnxDecoder>>();
let queue: Promise<unknown> = Promise.resolve();

/** Runs `task` after every request before it (failed or not). */
function inTurn<T>(task: () => Promise<T>): Promise<T> {
  const turn = queue.then(task, task);
  queue = turn.catch(() => undefined);
  return turn;
}

function decoder(model: string): Promise<OnnxDecoder> {
  let loading = decoders.get(model);
  if (!loading) {
    loading = OnnxDecoder.load(model);
    loading.catch(() => decoders.delete(model));
    decoders.set(model, loading);
  }
  return loading;
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
    const loading = decoders.get(model);
    decoders.delete(model);
    return inTurn(async () => (await loading?.catch(() => undefined))?.release());
  },
});
