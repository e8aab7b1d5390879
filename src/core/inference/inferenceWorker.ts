// The inference worker thread: owns the onnxruntime sessions so generation never blocks
// the extension host. Decoders are cached per model folder; requests run one at a time.
import { parentPort } from 'node:worker_threads';
import { OnnxDecoder } from './onnxDecoder';
import type { InferenceReply, InferenceRequest } from './protocol';

const port = parentPort;
if (!port) throw new Error('inferenceWorker must run in a worker thread');

const decoders = new Map<string, Promise<OnnxDecoder>>();
const cancels = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

function post(reply: InferenceReply): void {
  port!.postMessage(reply);
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

async function generate(request: Extract<InferenceRequest, { type: 'generate' }>, abort: AbortController): Promise<void> {
  try {
    const model = await decoder(request.model);
    const { tokenizer } = model;
    const promptIds = 'messages' in request.prompt ? tokenizer.encodeChat(request.prompt.messages) : tokenizer.encode(request.prompt.text);
    const every = request.progressEvery;
    const result = await model.generate(promptIds, {
      ...request.options,
      signal: abort.signal,
      onToken: every > 0 ? (ids) => ids.length % every === 0 && post({ type: 'token', id: request.id, tokens: ids.length }) : undefined,
    });
    post({ type: 'done', id: request.id, promptIds, result });
  } catch (err) {
    post({ type: 'error', id: request.id, message: (err as Error).message });
  } finally {
    cancels.delete(request.id);
  }
}

port.on('message', (request: InferenceRequest) => {
  switch (request.type) {
    case 'generate': {
      const abort = new AbortController();
      cancels.set(request.id, abort);
      queue = queue.then(() => generate(request, abort));
      break;
    }
    case 'cancel':
      cancels.get(request.id)?.abort();
      break;
    case 'unload': {
      const loading = decoders.get(request.model);
      decoders.delete(request.model);
      queue = queue.then(async () => (await loading?.catch(() => undefined))?.release());
      break;
    }
  }
});
