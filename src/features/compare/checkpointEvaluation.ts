// A checkpoint of any size compared through the trainer: `python -m ptlab eval` of it runs
// as a ptlab task (the jobs' interpreter, launcher and trust rules), into a run folder named
// after the checkpoint; a finished evaluation there of this checkpoint, made after it with the
// config's current evaluation, is reused (core/compare/evaluationRuns.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { evaluationRunDir } from '../../core/compare/evaluationRuns';
import { startCancellable } from '../../core/jobs/jobs';
import { readRunFolder } from '../../core/runs/runFolder';
import type { RunTarget } from '../jobs/jobManager';
import type { LocatedSource } from './compareRunner';

function finished(runDir: string): boolean {
  const file = join(runDir, 'run.json');
  return readRunFolder(runDir, existsSync(file) ? readFileSync(file, 'utf8') : undefined).manifest?.status === 'finished';
}

/** Evaluates the checkpoint (unless a finished evaluation stands for it) and resolves with the evaluation's run folder. */
export async function evaluateCheckpoint(source: LocatedSource, signal: AbortSignal): Promise<string> {
  const { runDir, reuse } = evaluationRunDir({ runFolder: source.runUri.fsPath, checkpoint: source.checkpoint!, manifest: source.manifest });
  if (reuse) return runDir;
  const target: RunTarget = { folder: source.runUri.fsPath, configPath: source.manifest.configPath!, checkpoint: join(source.runUri.fsPath, source.checkpoint!), runDir };
  const ended = new Promise<number | undefined>((done) => {
    let execution: vscode.TaskExecution | undefined;
    // tasks that end before the command hands their execution back (a launch that fails at once)
    const endedEarly = new Map<vscode.TaskExecution, number | undefined>();
    const ends = (which: vscode.TaskExecution, code: number | undefined) => {
      if (execution === undefined) {
        if (!endedEarly.has(which)) endedEarly.set(which, code);
      } else if (which === execution) finish(code);
    };
    const listeners = [vscode.tasks.onDidEndTaskProcess((e) => ends(e.execution, e.exitCode)), vscode.tasks.onDidEndTask((e) => ends(e.execution, undefined))];
    const finish = (code: number | undefined) => {
      listeners.forEach((l) => l.dispose());
      done(code);
    };
    void startCancellable(signal, () => vscode.commands.executeCommand<vscode.TaskExecution | undefined>('ptlab.evaluate', target)).then((started) => {
      if (!started) return finish(-1);
      execution = started;
      if (endedEarly.has(started)) finish(endedEarly.get(started));
    });
  });
  const code = await ended;
  if (signal.aborted) throw new Error('comparison cancelled');
  if (!finished(runDir)) throw new Error(`the trainer's evaluation of ${source.label} did not finish (exit ${code ?? 'unknown'}); its log is in the task's terminal and ${runDir}`);
  return runDir;
}
