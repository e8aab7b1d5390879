// Runs `python -m ptlab env-server` from the project's .venv and feeds it request lines.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = join(__dirname, '..', '..', '..');

export function venvPython(): string {
  const python = process.env.PTLAB_PYTHON_BIN ?? join(repoRoot, '.venv', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`${python} not found: run scripts/setup.sh (npm test does) to create the Python environment`);
  return python;
}

/** One answer line per request line, in order. */
export async function askPython(lines: string[]): Promise<string[]> {
  const child = spawn(venvPython(), ['-m', 'ptlab', 'env-server'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const answers: string[] = [];
  const reader = createInterface({ input: child.stdout, crlfDelay: Infinity });
  const done = (async () => {
    for await (const line of reader) answers.push(line);
  })();
  for (const line of lines) {
    if (!child.stdin.write(`${line}\n`)) await new Promise((ok) => child.stdin.once('drain', ok));
  }
  child.stdin.end();
  await done;
  const code = await new Promise<number | null>((ok) => (child.exitCode !== null ? ok(child.exitCode) : child.once('exit', ok)));
  if (code !== 0 || answers.length !== lines.length) throw new Error(`python env-server exited ${code} after ${answers.length}/${lines.length} answers:\n${stderr}`);
  return answers;
}
