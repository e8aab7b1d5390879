// Generation off the calling thread: a worker (inferenceWorker.js, next to this module's
// bundle) runs onnxruntime-node; cancellation goes through an AbortSignal.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Generation } from './onnxDecoder';
import type { InferenceReply, InferenceRequest, WorkerGenerateOptions } from './protocol';
import type { ChatMessage } from './tokenizer';

export interface GenerateRequest {
  model: string;
  prompt: { messages: ChatMessage[] } | { text: string };
  options: WorkerGenerateOptions;
  signal?: AbortSignal;
  /** Progress: the number of new tokens so far, every `progressEvery` tokens. */
  onProgress?: (tokens: number) => void;
  progressEvery?: number;
}

export interface GenerateResult extends Generation {
  promptIds: number[];
}

interface Pending {
  resolve(result: GenerateResult): void;
  reject(error: Error): void;
  onProgress?: (tokens: number) => void;
}

export class InferenceClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(workerFile = join(__dirname, 'inferenceWorker.js')) {
    this.worker = new Worker(workerFile);
    this.worker.on('message', (reply: InferenceReply) => this.receive(reply));
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => this.failAll(new Error(`the inference worker exited (code ${code})`)));
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    const id = this.nextId++;
    const message: InferenceRequest = { type: 'generate', id, model: request.model, prompt: request.prompt, options: request.options, progressEvery: request.onProgress ? (request.progressEvery ?? 1) : 0 };
    return new Promise<GenerateResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress: request.onProgress });
      request.signal?.addEventListener('abort', () => this.worker.postMessage({ type: 'cancel', id } satisfies InferenceRequest), { once: true });
      this.worker.postMessage(message);
    });
  }

  /** Frees the model's session in the worker (a later request loads it again). */
  unload(model: string): void {
    this.worker.postMessage({ type: 'unload', model } satisfies InferenceRequest);
  }

  async dispose(): Promise<void> {
    await this.worker.terminate();
  }

  private receive(reply: InferenceReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.type === 'token') {
      pending.onProgress?.(reply.tokens);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.type === 'done') pending.resolve({ promptIds: reply.promptIds, ...reply.result });
    else pending.reject(new Error(reply.message));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
