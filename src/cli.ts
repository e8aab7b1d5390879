// `npx ptlab`: the TypeScript command line (the Python trainer is `python -m ptlab`).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { nodeRouteFileLoader } from './core/envs/routeFiles';
import { EnvServer } from './core/envs/server';
import { InferenceClient } from './core/inference/inferenceClient';

const USAGE = `usage: ptlab COMMAND

commands:
  env-server   serve environments over JSON lines on stdin/stdout (reset, step, verify)
  generate     generate with an exported checkpoint (onnxruntime-node):
                 --model DIR (a \`python -m ptlab export\` folder)
                 --prompt TEXT | --prompt-file FILE   (a user message, chat-templated;
                 --raw to use the text as is)  --max-new-tokens N (128)
                 --temperature T (0: greedy)  --top-p P  --seed S  --json
`;

async function envServer(): Promise<number> {
  const server = new EnvServer(nodeRouteFileLoader());
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const answer = server.answer(line);
    if (!process.stdout.write(`${answer}\n`)) await new Promise((ok) => process.stdout.once('drain', ok));
  }
  return 0;
}

async function generate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      prompt: { type: 'string' },
      'prompt-file': { type: 'string' },
      raw: { type: 'boolean', default: false },
      'max-new-tokens': { type: 'string', default: '128' },
      temperature: { type: 'string', default: '0' },
      'top-p': { type: 'string', default: '1' },
      seed: { type: 'string', default: '0' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.model) throw new UsageError('generate: --model DIR is required');
  const prompt = values['prompt-file'] !== undefined ? readFileSync(values['prompt-file'], 'utf8') : values.prompt;
  if (prompt === undefined) throw new UsageError('generate: give --prompt TEXT or --prompt-file FILE');
  const client = new InferenceClient();
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  try {
    const result = await client.generate({
      model: values.model,
      prompt: values.raw ? { text: prompt } : { messages: [{ role: 'user', content: prompt }] },
      options: {
        maxNewTokens: integerOption('max-new-tokens', values['max-new-tokens']),
        temperature: Number(values.temperature),
        topP: Number(values['top-p']),
        seed: integerOption('seed', values.seed),
      },
      signal: abort.signal,
    });
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${result.text}\n[${result.tokens.length} tokens, ${result.tokensPerSecond.toFixed(1)} tokens/s, ${result.stopReason}]\n`);
    return 0;
  } finally {
    await client.dispose();
  }
}

class UsageError extends Error {}

function integerOption(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === 'env-server') return envServer();
  if (command === 'generate') return generate(argv.slice(1));
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`ptlab: unknown command '${command}'\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ptlab: ${(err as Error).message}\n`);
    process.exitCode = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  },
);
