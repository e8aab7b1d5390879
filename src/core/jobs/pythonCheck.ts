// Can this interpreter run the trainer? `python -c "import ptlab"` with an argument array
// (no shell). Pure of vscode: the extension and the unit tests share it.
import { execFile } from 'node:child_process';

export type TrainerCheck = { ok: true; versions: string } | { ok: false; missing: 'python' | 'trainer'; detail: string };

export function checkTrainer(python: string, cwd?: string, env: NodeJS.ProcessEnv = process.env): Promise<TrainerCheck> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import sys, ptlab; print(sys.version.split()[0], ptlab.__version__)'], { timeout: 60_000, cwd, env }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (!err) resolve({ ok: true, versions: stdout.trim() });
      else if (code === 'ENOENT' || code === 'EACCES') resolve({ ok: false, missing: 'python', detail: err.message });
      else resolve({ ok: false, missing: 'trainer', detail: (stderr || err.message).trim().split('\n').pop() ?? '' });
    });
  });
}
