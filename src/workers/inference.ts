// The inference worker (inference.worker.ts): generation with an exported checkpoint off the
// calling thread (extension host or CLI). Progress is the number of new tokens; cancellation
// goes through an AbortSignal.
import type { Generation, GenerateOptions } from '../core/inference/onnxDecoder';
import type { ChatMessage } from '../core/inference/tokenizer';
import { WorkerClient, workerFile } from './rpc';

export type WorkerGenerateOptions = Omit<GenerateOptions, 'signal' | 'onToken'>;

export interface GenerateResult extends Generation {
  promptIds: number[];
}

export type InferenceRequests = {
  generate: {
    params: {
      /** A `python -m ptlab export` folder. */
      model: string;
      /** Chat messages (templated, generation prompt added) or raw text. */
      prompt: { messages: ChatMessage[] } | { text: string };
      options: WorkerGenerateOptions;
      /** Report progress every this many new tokens (0: never). */
      progressEvery: number;
    };
    result: GenerateResult;
    progress: number;
  };
  /** Frees the model's session (a later request loads it again). */
  unload: { params: { model: string }; result: void };
};

export interface GenerateRequest {
  model: string;
  prompt: { messages: ChatMessage[] } | { text: string };
  options: WorkerGenerateOptions;
  signal?: AbortSignal;
  /** Progress: the number of new tokens so far, every `progressEvery` tokens. */
  onProgress?: (tokens: number) => void;
  progressEvery?: number;
}

export class InferenceClient {
  private readonly worker: WorkerClient<InferenceRequests>;

  constructor(file = workerFile('inference')) {
    this.worker = new WorkerClient(file, { name: 'the inference worker' });
  }

  generate({ signal, onProgress, progressEvery, ...params }: GenerateRequest): Promise<GenerateResult> {
    return this.worker.request('generate', { ...params, progressEvery: onProgress ? (progressEvery ?? 1) : 0 }, { signal, onProgress });
  }

  unload(model: string): Promise<void> {
    return this.worker.request('unload', { model });
  }

  dispose(): Promise<void> {
    return this.worker.dispose();
  }
}
