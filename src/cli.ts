// `npx ptlab`: the TypeScript command line (the Python trainer is `python -m ptlab`).
import { createInterface } from 'node:readline';
import { nodeRouteFileLoader } from './core/envs/routeFiles';
import { EnvServer } from './core/envs/server';

const USAGE = `usage: ptlab COMMAND

commands:
  env-server   serve environments over JSON lines on stdin/stdout (reset, step, verify)
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

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === 'env-server') return envServer();
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`ptlab: unknown command '${command}'\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
