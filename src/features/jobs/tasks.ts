// The `ptlab` task type: trainer jobs as VS Code tasks (Run Task, tasks.json), each a
// ProcessExecution of the Python interpreter with an argument array.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentConfig } from '../../core/contracts/generated/types';
import { checkDefinition, configFacts, defaultRunDir, experimentConfig, jobCommand, taskName, type Job, type PtlabTaskDefinition } from '../../core/jobs/jobs';
import { pythonFor } from './python';

export const TASK_TYPE = 'ptlab';
export const TASK_SOURCE = 'Post-Training Lab';

/** A job with every path resolved, and its config as read for it. */
export interface ResolvedJob {
  definition: PtlabTaskDefinition;
  folder: vscode.WorkspaceFolder | undefined;
  configUri: vscode.Uri;
  config: ExperimentConfig;
  runDir: string;
  experiment: string;
}

const decoder = new TextDecoder();

export function isPtlabDefinition(definition: vscode.TaskDefinition): definition is PtlabTaskDefinition {
  return definition.type === TASK_TYPE && typeof definition.job === 'string' && typeof definition.config === 'string';
}

/** The job's config file, read and checked once (unless `config` is that file, already read). */
export async function resolveJob(definition: PtlabTaskDefinition, folder: vscode.WorkspaceFolder | undefined, config?: ExperimentConfig): Promise<ResolvedJob> {
  checkDefinition(definition);
  const base = folder ?? vscode.workspace.workspaceFolders?.[0];
  const configUri = path.isAbsolute(definition.config) || !base ? vscode.Uri.file(definition.config) : vscode.Uri.joinPath(base.uri, definition.config);
  config ??= await readConfig(configUri);
  const facts = configFacts(config);
  const runDir = path.resolve(path.dirname(configUri.fsPath), definition.runDir ?? defaultRunDir(facts, definition.job, definition.checkpoint));
  return { definition, folder: base, configUri, config, runDir, experiment: facts.name };
}

async function readConfig(configUri: vscode.Uri): Promise<ExperimentConfig> {
  let text: string;
  try {
    text = decoder.decode(await vscode.workspace.fs.readFile(configUri));
  } catch (err) {
    throw new Error(`${configUri.fsPath}: cannot read the experiment config (${(err as Error).message})`);
  }
  return experimentConfig(text, configUri.fsPath);
}

export async function buildTask(job: ResolvedJob, python?: string): Promise<vscode.Task> {
  const interpreter = python ?? (await pythonFor(job.configUri)).path;
  const configDir = path.dirname(job.configUri.fsPath);
  const definition = job.definition;
  const resolvedDefinition = definition.checkpoint ? { ...definition, checkpoint: path.resolve(configDir, definition.checkpoint) } : definition;
  const command = jobCommand(resolvedDefinition, job.configUri.fsPath, job.runDir, configFacts(job.config), selectedGpus(job.configUri));
  const execution = new vscode.ProcessExecution(interpreter, command.args, { cwd: configDir, env: command.env });
  const shown = job.folder ? path.relative(job.folder.uri.fsPath, job.runDir) : job.runDir;
  const task = new vscode.Task(definition, job.folder ?? vscode.TaskScope.Workspace, taskName(definition, shown), TASK_SOURCE, execution, []);
  task.group = definition.job === 'eval' ? vscode.TaskGroup.Test : vscode.TaskGroup.Build;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  return task;
}

/** The GPUs chosen with "Select GPUs" (`ptlab.gpus`); undefined when not set. */
export function selectedGpus(resource: vscode.Uri | undefined): string | undefined {
  const value = vscode.workspace.getConfiguration('ptlab', resource).get<string | null>('gpus', null);
  return value === null || value === undefined ? undefined : value;
}

const PROVIDED_JOBS: Job[] = ['sft', 'ppo', 'eval'];

export class PtlabTaskProvider implements vscode.TaskProvider {
  static register(context: vscode.ExtensionContext): void {
    context.subscriptions.push(vscode.tasks.registerTaskProvider(TASK_TYPE, new PtlabTaskProvider()));
  }

  async provideTasks(token: vscode.CancellationToken): Promise<vscode.Task[]> {
    if (!vscode.workspace.isTrusted) return []; // no launches in untrusted workspaces
    const configs = await vscode.workspace.findFiles('**/*.ptlab.json', '**/{node_modules,.git,.venv}/**', 200, token);
    const tasks: vscode.Task[] = [];
    for (const configUri of configs) {
      const folder = vscode.workspace.getWorkspaceFolder(configUri);
      const file = folder ? path.relative(folder.uri.fsPath, configUri.fsPath) : configUri.fsPath;
      const config = await readConfig(configUri).catch(() => undefined); // an invalid config has no tasks; its diagnostics say why
      if (!config) continue;
      for (const job of PROVIDED_JOBS) {
        const task = await buildTask(await resolveJob({ type: TASK_TYPE, job, config: file }, folder, config)).catch(() => undefined); // a selection the launcher contradicts: Run SFT/PPO says why
        if (task) tasks.push(task);
      }
    }
    return tasks;
  }

  async resolveTask(task: vscode.Task): Promise<vscode.Task | undefined> {
    if (!isPtlabDefinition(task.definition) || !vscode.workspace.isTrusted) return undefined;
    const folder = typeof task.scope === 'object' ? task.scope : undefined;
    try {
      return await buildTask(await resolveJob(task.definition, folder));
    } catch (err) {
      // a rejected or empty resolution makes VS Code say no provider is registered for ptlab
      const reason = (err as Error).message;
      void vscode.window.showErrorMessage(`Post-Training Lab: task "${task.name}": ${reason}`);
      return refusedTask(task, reason);
    }
  }
}

/** The task as defined, run as a terminal that says why it cannot run and ends with exit code 1. */
function refusedTask(task: vscode.Task, reason: string): vscode.Task {
  const execution = new vscode.CustomExecution(async () => reasonTerminal(`Post-Training Lab: ${reason}`));
  return new vscode.Task(task.definition, task.scope ?? vscode.TaskScope.Workspace, task.name, TASK_SOURCE, execution, []);
}

function reasonTerminal(text: string): vscode.Pseudoterminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number>();
  return {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => {
      write.fire(`${text.replace(/\r?\n/g, '\r\n')}\r\n`);
      close.fire(1);
    },
    close: () => undefined,
  };
}
