// V-IRL-VL street-view grids for the preview and the transcripts, drawn by the Python trainer
// (only it renders panoramas): one `python -m ptlab.envs.grid_server` per panel, started on
// first need with an argument array, never in an untrusted workspace. Without it the panel
// shows the observation's descriptor and says why there is no image.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { StreetViewView } from '../protocol/preview';
import { pythonFor } from './jobs/python';

const GRID_WIDTH = 640;

/** The jobs' interpreter (ptlab.pythonPath, the Python extension's, python3), else the workspace folder's .venv when only python3 was left. */
async function pythonInterpreter(config: vscode.Uri): Promise<string> {
  const choice = await pythonFor(config);
  if (choice.source !== 'default') return choice.path;
  const folder = vscode.workspace.getWorkspaceFolder(config)?.uri.fsPath;
  const venv = folder ? join(folder, '.venv', 'bin', 'python') : undefined;
  return venv && existsSync(venv) ? venv : choice.path;
}

export class StreetViewRenderer {
  private server: { python: string; cwd: string; process: ChildProcessWithoutNullStreams; buffer: string; waiting: ((line: string) => void)[] } | undefined;
  private readonly cache = new Map<string, StreetViewView>();
  private queue: Promise<unknown> = Promise.resolve();

  /** The grid as a PNG data URI, or the view with a note saying why not; undefined when nothing
   * changed. `config`: the experiment config (a run's run.json) whose interpreter draws it, from
   * its folder; `panoramas` is relative to that folder. */
  render(view: StreetViewView, config: vscode.Uri, panoramas: string | undefined): Promise<StreetViewView | undefined> {
    const key = JSON.stringify([config.toString(), panoramas, view.city, view.routeId, view.place, view.landmark, view.heading]);
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(cached);
    if (!vscode.workspace.isTrusted) return Promise.resolve({ ...view, note: `${view.note} This workspace is not trusted, so no Python process is started.` });
    const cwd = dirname(config.fsPath);
    const request = {
      city: view.city,
      routeId: view.routeId,
      position: view.position,
      place: view.place,
      landmark: view.landmark,
      atIntersection: view.atIntersection,
      heading: view.heading,
      panoramas: panoramas ? resolve(cwd, panoramas) : null,
      width: GRID_WIDTH,
    };
    let python = 'python';
    const result = this.queue.then(async () => this.ask((python = await pythonInterpreter(config)), cwd, JSON.stringify(request))).then(
      (line): StreetViewView => {
        const answer = JSON.parse(line) as { png?: string; error?: string };
        if (!answer.png) return { ...view, note: `${view.note} The trainer could not draw it: ${answer.error ?? 'no image'}` };
        const rendered = { ...view, image: `data:image/png;base64,${answer.png}`, note: `Drawn by ${python} -m ptlab.envs.grid_server (ptlab/envs/streetview.py).` };
        this.cache.set(key, rendered);
        return rendered;
      },
      (err: unknown): StreetViewView => ({ ...view, note: `${view.note} ${python} -m ptlab.envs.grid_server failed: ${(err as Error).message}` }),
    );
    this.queue = result;
    return result;
  }

  private ask(python: string, cwd: string, request: string): Promise<string> {
    const server = this.start(python, cwd);
    return new Promise((ok, fail) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        server.process.off('exit', onExit).off('error', onError);
        outcome();
      };
      const onExit = (code: number | null) => finish(() => fail(new Error(`exited with ${code}; is the trainer (package ptlab) installed for this interpreter?`)));
      const onError = (err: Error) => finish(() => fail(err));
      const timer = setTimeout(() => {
        this.stop();
        finish(() => fail(new Error('no answer in 30 s')));
      }, 30_000);
      server.waiting.push((line) => finish(() => ok(line)));
      server.process.once('exit', onExit).once('error', onError);
      server.process.stdin.write(`${request}\n`);
    });
  }

  private start(python: string, cwd: string): NonNullable<StreetViewRenderer['server']> {
    if (this.server && this.server.python === python && this.server.cwd === cwd && this.server.process.exitCode === null) return this.server;
    this.stop();
    const process = spawn(python, ['-m', 'ptlab.envs.grid_server'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const server = { python, cwd, process, buffer: '', waiting: [] as ((line: string) => void)[] };
    process.on('error', () => undefined); // reported to the waiting request
    process.stdin.on('error', () => undefined);
    process.stderr.resume();
    process.stdout.setEncoding('utf8');
    process.stdout.on('data', (chunk: string) => {
      server.buffer += chunk;
      let newline: number;
      while ((newline = server.buffer.indexOf('\n')) >= 0) {
        const line = server.buffer.slice(0, newline);
        server.buffer = server.buffer.slice(newline + 1);
        server.waiting.shift()?.(line);
      }
    });
    this.server = server;
    return server;
  }

  private stop(): void {
    if (this.server?.process.exitCode === null) this.server.process.kill();
    this.server = undefined;
  }

  dispose(): void {
    this.stop();
  }
}
