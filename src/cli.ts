// `npx ptlab`: the TypeScript command line (the Python trainer is `python -m ptlab`).
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { nodeRouteFileLoader } from './core/envs/routeFiles';
import { EnvServer } from './core/envs/server';
import { checkJsonText, formatLocated } from './core/contracts/contracts';
import type { ExperimentConfig } from './core/contracts/generated/types';
import { episodeRecord, evaluationPlan, playSplit, type ChatGenerator } from './core/compare/evaluation';
import { drawKey } from './core/inference/sampling';
import { InferenceClient } from './workers/inference';
import { buildReport, reportHtml, studyTitle, type RunFiles } from './core/report/report';
import { endedHere } from './core/runs/processEnded';
import { nameProblem, sftVsRlSuite, TEMPLATES } from './core/config/templates';
import { replaceFileSync, writeAllSync } from './core/tempFile';

const USAGE = `usage: ptlab COMMAND

commands:
  env-server   serve environments over JSON lines on stdin/stdout (reset, step, verify)
  generate     generate with an exported checkpoint (onnxruntime-node):
                 --model DIR (a \`python -m ptlab export\` folder)
                 --prompt TEXT | --prompt-file FILE   (a user message, chat-templated;
                 --raw to use the text as is)  --max-new-tokens N (128)
                 --temperature T (0: greedy)  --top-p P  --seed S (the draws'
                 key, the trainer's draw_key(S))  --json
  eval         play an experiment's evaluation splits with an exported checkpoint, the
               trainer's protocol and seeds (\`python -m ptlab eval\` on ONNX, in Node);
               episode records as JSON lines:
                 --model DIR  --config X.ptlab.json  [--split NAME]...
                 [--episodes N] [--out FILE.jsonl (default: stdout)] [--run-id ID] [--step N]
  new-suite    the paper's SFT-vs-RL suite for a preset (what New Experiment writes):
                 --preset gp-l|gp-vl|virl-l|virl-vl|tiny  [--name NAME]  [--out DIR (.)]
                 [--force (overwrite the suite's files where they exist; else refused)]
  report       a self-contained HTML report of an SFT-vs-RL study (the demo's layout):
                 --runs DIR (holding sft-more/ and ppo/, and sft-more-seedK/ and ppo-seedK/ for more
                 training seeds per arm)  [--out FILE.html]  [--title TEXT]
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
        drawKey: drawKey(integerOption('seed', values.seed)),
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

function loadExperiment(file: string): ExperimentConfig {
  const { value, errors } = checkJsonText('experiment.schema.json', readFileSync(file, 'utf8'));
  if (errors.length > 0) throw new UsageError(errors.map((e) => formatLocated(file, e)).join('\n'));
  return value as ExperimentConfig;
}

async function evaluate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      config: { type: 'string' },
      split: { type: 'string', multiple: true },
      episodes: { type: 'string' },
      out: { type: 'string' },
      'run-id': { type: 'string', default: 'onnx-local' },
      step: { type: 'string', default: '0' },
    },
  });
  if (!values.model || !values.config) throw new UsageError('eval: --model DIR and --config X.ptlab.json are required');
  const configFile = resolve(values.config);
  const plan = evaluationPlan(loadExperiment(configFile));
  const wanted = values.split ?? plan.splits.map((s) => s.name);
  const unknown = wanted.filter((name) => !plan.splits.some((s) => s.name === name));
  if (unknown.length > 0) throw new UsageError(`eval: no split ${unknown.join(', ')} in ${configFile} (splits: ${plan.splits.map((s) => s.name).join(', ')})`);
  const episodes = values.episodes === undefined ? undefined : integerOption('episodes', values.episodes);
  if (values.out !== undefined) checkWritable('eval', values.out);
  const client = new InferenceClient();
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const generateAll: ChatGenerator = async (chats, drawKeys) => {
    const answers = [];
    for (const [i, messages] of chats.entries()) {
      const result = await client.generate({ model: values.model!, prompt: { messages }, options: { maxNewTokens: plan.maxNewTokens, temperature: plan.temperature, topP: plan.topP, drawKey: drawKeys[i] }, signal: abort.signal });
      answers.push({ text: result.text, promptTokens: result.promptIds.length, outputTokens: result.tokens.length });
    }
    return answers;
  };
  const server = new EnvServer(nodeRouteFileLoader(dirname(configFile)));
  const lines: string[] = [];
  try {
    for (const split of plan.splits.filter((s) => wanted.includes(s.name))) {
      const played = await playSplit(episodes === undefined ? split : { ...split, episodes }, server, generateAll, abort.signal);
      for (const episode of played.episodes) lines.push(JSON.stringify(episodeRecord(values['run-id'], integerOption('step', values.step), split, undefined, episode)));
      const { success } = played.summary;
      process.stderr.write(`${split.name}: success ${success.rate.toFixed(3)} ± ${success.stderr.toFixed(3)} (n=${success.n})\n`);
    }
  } finally {
    await client.dispose();
  }
  const text = lines.map((l) => `${l}\n`).join('');
  if (values.out === undefined) process.stdout.write(text);
  else replaceFileSync(values.out, text);
  return 0;
}

function readIfThere(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function runFiles(folder: string, base: string): RunFiles {
  if (!existsSync(join(folder, 'run.json'))) throw new UsageError(`report: ${folder} is not a run folder (no run.json); run the study first (npm run demo)`);
  const read = (file: string) => readIfThere(join(folder, file));
  return { folder: relative(base, folder) || '.', manifest: read('run.json'), metrics: read('metrics.jsonl'), episodes: read('episodes.jsonl') };
}

/** An arm's run folders, one per training seed: `NAME` (seed 0), then `NAME-seed1`, `NAME-seed2`... (the demo's --seeds). */
function armFolders(runs: string, name: string): string[] {
  const seeded = existsSync(runs) ? readdirSync(runs).flatMap((entry) => {
    const match = new RegExp(`^${name}-seed(\\d+)$`).exec(entry);
    return match ? [{ entry, seed: Number(match[1]) }] : [];
  }) : [];
  return [join(runs, name), ...seeded.sort((a, b) => a.seed - b.seed).map(({ entry }) => join(runs, entry))];
}

async function report(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { runs: { type: 'string', default: 'runs/demo' }, out: { type: 'string' }, title: { type: 'string' } },
  });
  const runs = resolve(values.runs!);
  const sft = armFolders(runs, 'sft-more').map((folder) => runFiles(folder, process.cwd()));
  const rl = armFolders(runs, 'ppo').map((folder) => runFiles(folder, process.cwd()));
  const data = buildReport(values.title ?? studyTitle(sft[0]!.manifest), sft, rl, undefined, endedHere);
  const script = readFileSync(join(__dirname, 'webview', 'report.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  // the webviews' stylesheet (the paper figure's layout), then the page's own (colours)
  const style = ['webview.css', 'report.css'].map((f) => readFileSync(join(__dirname, '..', 'media', f), 'utf8')).join('\n');
  const out = resolve(values.out ?? join(runs, 'report.html'));
  checkWritable('report', out);
  replaceFileSync(out, reportHtml(data, script, style, randomBytes(16).toString('base64')));
  // what the report left out, beside its verdict: stdout stays the verdict and the page
  for (const problem of data.problems) process.stderr.write(`ptlab: report: ${problem}\n`);
  process.stdout.write(`${data.verdict.sentence}\n${out}\n`);
  return 0;
}

function newSuite(args: string[]): number {
  const { values } = parseArgs({ args, options: { preset: { type: 'string' }, name: { type: 'string' }, out: { type: 'string', default: '.' }, force: { type: 'boolean', default: false } } });
  const template = TEMPLATES.find((t) => t.id === values.preset);
  if (!template) throw new UsageError(`new-suite: --preset must be one of ${TEMPLATES.map((t) => t.id).join(', ')}`);
  const name = values.name ?? template.id;
  const problem = nameProblem(name);
  if (problem) throw new UsageError(`new-suite: --name ${JSON.stringify(name)}: ${problem}`);
  const example = readFileSync(join(__dirname, '..', 'examples', template.example), 'utf8');
  const files = sftVsRlSuite(example, name, template.label).map((file) => ({ ...file, target: join(values.out!, file.path) }));
  // as New Experiment does: an edited config is not overwritten, and no file is written
  const existing = files.filter((file) => existsSync(file.target)).map((file) => file.target);
  if (existing.length > 0 && !values.force) throw new UsageError(`new-suite: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; choose another --name or --out, or pass --force to overwrite`);
  writeAllSync(files);
  for (const { target } of files) process.stdout.write(`${target}\n`);
  return 0;
}

class UsageError extends Error {}

/** Node's codes for a file or folder that cannot be read or written as asked: answered with 2, as the Python CLI answers them. */
const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'EEXIST']);

/** --out's folder exists and takes a file: checked before the work, not after it. */
function checkWritable(command: string, out: string): void {
  const folder = dirname(resolve(out));
  const where = `${command}: --out ${out}: its folder ${folder}`;
  if (!existsSync(folder)) throw new UsageError(`${where} does not exist; create it or choose another --out`);
  if (!statSync(folder).isDirectory()) throw new UsageError(`${where} is not a folder; choose another --out`);
  try {
    accessSync(folder, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${where} cannot be written (${(err as NodeJS.ErrnoException).code}); choose another --out`);
  }
}

function integerOption(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === 'env-server') return envServer();
  if (command === 'generate') return generate(argv.slice(1));
  if (command === 'eval') return evaluate(argv.slice(1));
  if (command === 'report') return report(argv.slice(1));
  if (command === 'new-suite') return newSuite(argv.slice(1));
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
    const code = (err as { code?: string }).code ?? '';
    process.exitCode = err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS') || FILE_ERRORS.has(code) ? 2 : 1;
  },
);
