// Messages between the inference client (extension host or CLI) and its worker thread.
import type { Generation, GenerateOptions } from './onnxDecoder';
import type { ChatMessage } from './tokenizer';

export type WorkerGenerateOptions = Omit<GenerateOptions, 'signal' | 'onToken'>;

export type InferenceRequest =
  | {
      type: 'generate';
      id: number;
      /** A `python -m ptlab export` folder. */
      model: string;
      /** Chat messages (templated, generation prompt added) or raw text. */
      prompt: { messages: ChatMessage[] } | { text: string };
      options: WorkerGenerateOptions;
      /** Post a `token` message every this many new tokens (0: never). */
      progressEvery: number;
    }
  | { type: 'cancel'; id: number }
  | { type: 'unload'; model: string };

export type InferenceReply =
  | { type: 'token'; id: number; tokens: number }
  | { type: 'done'; id: number; promptIds: number[]; result: Generation }
  | { type: 'error'; id: number; message: string };
