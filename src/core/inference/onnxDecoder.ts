// Generation with a checkpoint exported by `python -m ptlab export`: the ONNX decoder with
// its KV cache (onnxruntime-node), the tokenizer and the metadata file ptlab-onnx.json.
// The loop mirrors trainer/ptlab/export.py's `greedy_onnx`: the prompt in one pass, then one
// token per step feeding back the `present.*` tensors as `past_key_values.*`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Sampler, type SamplingOptions } from './sampling';
import { ChatTokenizer } from './tokenizer';

export interface OnnxMetadata {
  format: 'ptlab-onnx-decoder';
  version: number;
  source: string;
  inputs: string[];
  outputs: string[];
  numLayers: number;
  numKeyValueHeads: number;
  headDim: number;
  vocabSize: number;
  specialTokens: Record<string, number | null>;
  stopTokens: number[];
  chatTemplate: string | null;
  /** The trainer tokenizer's `clean_up_tokenization_spaces` (exports before it was recorded: absent). */
  cleanUpTokenizationSpaces?: boolean;
  tolerance: number;
  parity: Record<string, number>;
}

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Extra token ids that end generation (the export's stop tokens always do). */
  stopTokens?: readonly number[];
  /** Texts that end generation once the decoded output contains one (it is cut there). */
  stopStrings?: readonly string[];
  signal?: AbortSignal;
  /** Called after each new token with all new ids so far. */
  onToken?: (ids: readonly number[]) => void;
}

export type StopReason = 'stop-token' | 'stop-string' | 'max-tokens' | 'cancelled';

export interface Generation {
  promptTokens: number;
  tokens: number[];
  text: string;
  stopReason: StopReason;
  seconds: number;
  /** New tokens per second, prompt pass included in the time. */
  tokensPerSecond: number;
}

export const METADATA_FILE = 'ptlab-onnx.json';
export const MODEL_FILE = 'model.onnx';

export function readMetadata(dir: string): OnnxMetadata {
  const file = join(dir, METADATA_FILE);
  let metadata: OnnxMetadata;
  try {
    metadata = JSON.parse(readFileSync(file, 'utf8')) as OnnxMetadata;
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}; export the checkpoint first with \`python -m ptlab export --config X.ptlab.json --run-dir R\``);
  }
  if (metadata.format !== 'ptlab-onnx-decoder' || metadata.version !== 1) {
    throw new Error(`${file}: format ${JSON.stringify(metadata.format)} version ${metadata.version} is not a ptlab ONNX decoder v1; re-export with this version of ptlab`);
  }
  return metadata;
}

function int64(values: readonly number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

export class OnnxDecoder {
  private constructor(
    readonly dir: string,
    readonly metadata: OnnxMetadata,
    readonly tokenizer: ChatTokenizer,
    private readonly session: ort.InferenceSession,
  ) {}

  static async load(dir: string, sessionOptions: ort.InferenceSession.SessionOptions = {}): Promise<OnnxDecoder> {
    const metadata = readMetadata(dir);
    const tokenizer = ChatTokenizer.load(dir, metadata.chatTemplate, metadata.cleanUpTokenizationSpaces);
    const session = await ort.InferenceSession.create(join(dir, MODEL_FILE), { executionProviders: ['cpu'], graphOptimizationLevel: 'all', ...sessionOptions });
    return new OnnxDecoder(dir, metadata, tokenizer, session);
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  async generate(promptIds: readonly number[], options: GenerateOptions): Promise<Generation> {
    if (promptIds.length === 0) throw new Error('the prompt is empty');
    const { inputs } = this.metadata;
    const pastNames = inputs.slice(3);
    const presentNames = this.metadata.outputs.slice(1);
    const stops = new Set([...this.metadata.stopTokens, ...(options.stopTokens ?? [])]);
    const sampler = new Sampler(options);
    const started = performance.now();
    let past: Record<string, ort.Tensor> = Object.fromEntries(
      pastNames.map((name) => [name, new ort.Tensor('float32', new Float32Array(0), [1, this.metadata.numKeyValueHeads, 0, this.metadata.headDim])]),
    );
    const tokens: number[] = [];
    let step: readonly number[] = promptIds;
    let position = 0;
    let stopReason: StopReason = 'max-tokens';
    let text = '';
    while (tokens.length < options.maxNewTokens) {
      if (options.signal?.aborted) {
        stopReason = 'cancelled';
        break;
      }
      const out = await this.session.run({
        input_ids: int64(step, [1, step.length]),
        attention_mask: int64(new Array<number>(position + step.length).fill(1), [1, position + step.length]),
        position_ids: int64(range(position, position + step.length), [1, step.length]),
        ...past,
      });
      past = Object.fromEntries(pastNames.map((name, i) => [name, out[presentNames[i]!]!]));
      position += step.length;
      const logits = out.logits!;
      const vocab = logits.dims[2]!;
      const token = sampler.next(logits.data as Float32Array, (logits.dims[1]! - 1) * vocab, vocab);
      if (stops.has(token)) {
        stopReason = 'stop-token';
        break;
      }
      tokens.push(token);
      options.onToken?.(tokens);
      if (options.stopStrings?.length) {
        text = this.tokenizer.decode(tokens);
        const cut = firstStop(text, options.stopStrings);
        if (cut !== undefined) {
          text = text.slice(0, cut);
          stopReason = 'stop-string';
          break;
        }
      }
      step = [token];
    }
    if (stopReason !== 'stop-string') text = this.tokenizer.decode(tokens);
    const seconds = (performance.now() - started) / 1000;
    return { promptTokens: promptIds.length, tokens, text, stopReason, seconds, tokensPerSecond: seconds > 0 ? tokens.length / seconds : 0 };
  }
}

function firstStop(text: string, stops: readonly string[]): number | undefined {
  let cut: number | undefined;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at >= 0 && (cut === undefined || at < cut)) cut = at;
  }
  return cut;
}
