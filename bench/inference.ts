// onnxruntime-node side of `npm run bench:inference` (driven by bench/inference.py):
// greedy generation with the extension's OnnxDecoder, one warm-up then timed repeats.
// Usage: node out/bench/inference.js MODEL_DIR PROMPTS_JSON MAX_NEW_TOKENS REPEATS
import { readFileSync } from 'node:fs';
import { OnnxDecoder } from '../src/core/inference/onnxDecoder';

async function main(): Promise<void> {
  const [model, promptsFile, maxNewTokens, repeats] = process.argv.slice(2);
  if (!model || !promptsFile || !maxNewTokens || !repeats) throw new Error('usage: inference.js MODEL_DIR PROMPTS_JSON MAX_NEW_TOKENS REPEATS');
  const prompts = JSON.parse(readFileSync(promptsFile, 'utf8')) as number[][];
  const decoder = await OnnxDecoder.load(model);
  const options = { maxNewTokens: Number(maxNewTokens), stopTokens: [] };
  await decoder.generate(prompts[0]!, options);
  let tokens = 0;
  let seconds = 0;
  const outputs: number[][] = [];
  for (let r = 0; r < Number(repeats); r++) {
    for (const prompt of prompts) {
      const result = await decoder.generate(prompt, options);
      tokens += result.tokens.length;
      seconds += result.seconds;
      if (r === 0) outputs.push(result.tokens);
    }
  }
  await decoder.release();
  process.stdout.write(`${JSON.stringify({ tokens, seconds, outputs })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
