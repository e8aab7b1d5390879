// Can this interpreter run the trainer? `python -c` imports ptlab, then the training packages
// of its [train] extra (a `pip install -e trainer` without it imports ptlab but cannot train),
// with an argument array (no shell). Pure of vscode: the extension and the unit tests share it.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export type TrainerCheck = { ok: true; versions: string } | { ok: false; missing: 'python' | 'trainer' | 'training packages'; detail: string };

/**
 * `ptlab.pythonPath` as every process is started with: `${workspaceFolder}` expanded and a
 * relative path made absolute against the workspace folder (the config's own folder where
 * there is none), since the check runs from the workspace folder (or the extension host's)
 * and the jobs from their config's folder. A bare name stays a PATH lookup.
 */
export function configuredInterpreter(configured: string, workspaceFolder: string | undefined, configFile?: string): string {
  const base = workspaceFolder ?? (configFile && path.dirname(configFile));
  if (!base) return configured;
  const expanded = configured.replace(/\$\{workspaceFolder\}/g, base);
  const bareName = !expanded.includes('/') && !expanded.includes(path.sep);
  return bareName ? expanded : path.resolve(base, expanded);
}

/** trainer/pyproject.toml's extra with the training packages. */
export const TRAIN_EXTRA = 'train';

/** `python -m pip install -e <trainer>[train]`: the trainer with its training packages. */
export function trainerInstallArgs(trainerDir: string): string[] {
  return ['-m', 'pip', 'install', '-e', `${trainerDir}[${TRAIN_EXTRA}]`];
}

/** The [train] extra's packages a job imports first; each missing one is printed as `missing NAME: ERROR`. */
export const TRAINING_PACKAGES = ['torch', 'transformers'];

const CHECK = [
  'import sys, ptlab',
  `for name in ${JSON.stringify(TRAINING_PACKAGES)}:`,
  '    try: __import__(name)',
  '    except Exception as err: print(f"missing {name}: {err}")',
  'print(sys.version.split()[0], ptlab.__version__)',
].join('\n');

export function checkTrainer(python: string, cwd?: string, env: NodeJS.ProcessEnv = process.env): Promise<TrainerCheck> {
  return new Promise((resolve) => {
    execFile(python, ['-c', CHECK], { timeout: 60_000, cwd, env }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (!err) resolve(trainingPackages(stdout));
      else if (code === 'ENOENT' || code === 'EACCES') resolve({ ok: false, missing: 'python', detail: err.message });
      else resolve({ ok: false, missing: 'trainer', detail: (stderr || err.message).trim().split('\n').pop() ?? '' });
    });
  });
}

function trainingPackages(stdout: string): TrainerCheck {
  const lines = stdout.trim().split('\n');
  const missing = lines.filter((line) => line.startsWith('missing '));
  if (missing.length === 0) return { ok: true, versions: lines.at(-1) ?? '' };
  return { ok: false, missing: 'training packages', detail: missing.map((line) => line.slice('missing '.length)).join('; ') };
}
