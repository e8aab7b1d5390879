// A checkpoint of any size compared through the trainer: `python -m ptlab eval` of it runs
// as a ptlab task (the jobs' interpreter, launcher and trust rules), into a run folder named
// after the checkpoint; a finished evaluation there is reused.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentConfig } from '../../core/contracts/generated/types';
import { configFacts, defaultRunDir, startCancellable } from '../../core/jobs/jobs';
import { readRunFolder } from '../../core/runs/runFolder';
import type { RunTarget } from '../jobs/jobManager';
import type { LocatedSource } from './compareRunner';

function finished(runDir: string): boolean {
  const file = join(runDir, 'run.json');
  return readRunFolder(runDir, existsSync(file) ? readFileSync(file, 'utf8') : undefined).manifest?.status === 'finished';
}

/** Where the evaluation of `source` goes: as the Evaluate command names it, or a fresh folder beside an unfinished one. */
export function evaluationRunDir(source: LocatedSource): string {
  const configPath = source.manifest.configPath!;
  const facts = configFacts(source.manifest.config as unknown as ExperimentConfig); // the trainer checked the snapshot against the contract
  const checkpoint = join(source.runUri.fsPath, source.checkpoint!);
  const runDir = resolve(dirname(configPath), defaultRunDir(facts, 'eval', checkpoint));
  if (!existsSync(join(runDir, 'run.json')) || finished(runDir)) return runDir;
  for (let i = 2; ; i++) if (!existsSync(join(`${runDir}-${i}`, 'run.json')) || finished(`${runDir}-${i}`)) return `${runDir}-${i}`;
}

/** Evaluates the checkpoint (unless done before) and resolves with the evaluation's run folder. */
export async function evaluateCheckpoint(source: LocatedSource, signal: AbortSignal): Promise<string> {
  const runDir = evaluationRunDir(source);
  if (finished(runDir)) return runDir;
  const target: RunTarget = { folder: source.runUri.fsPath, configPath: source.manifest.configPath!, checkpoint: join(source.runUri.fsPath, source.checkpoint!), runDir };
  const ended = new Promise<number | undefined>((done) => {
    let execution: vscode.TaskExecution | undefined;
    const listeners = [
      vscode.tasks.onDidEndTaskProcess((e) => e.execution === execution && finish(e.exitCode)),
      vscode.tasks.onDidEndTask((e) => e.execution === execution && finish(undefined)),
    ];
    const finish = (code: number | undefined) => {
      listeners.forEach((l) => l.dispose());
      done(code);
    };
    void startCancellable(signal, () => vscode.commands.executeCommand<vscode.TaskExecution | undefined>('ptlab.evaluate', target)).then((started) => {
      if (!started) finish(-1);
      execution = started;
    });
  });
  const code = await ended;
  if (signal.aborted) throw new Error('comparison cancelled');
  if (!finished(runDir)) throw new Error(`the trainer's evaluation of ${source.label} did not finish (exit ${code ?? 'unknown'}); its log is in the task's terminal and ${runDir}`);
  return runDir;
}
