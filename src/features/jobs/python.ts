// Which Python runs the trainer, and whether it can: `ptlab.pythonPath` when set, else the
// Python extension's active environment, else python3. A missing interpreter or trainer
// package gets a message with a one-click fix.
import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import { checkTrainer, configuredInterpreter, TRAIN_EXTRA, trainerInstallArgs, type TrainerCheck } from '../../core/jobs/pythonCheck';
import { log } from '../log';

export interface PythonChoice {
  path: string;
  source: 'ptlab.pythonPath' | 'Python extension' | 'default';
}

const PYTHON_EXTENSION_ID = 'ms-python.python';
const verified = new Set<string>();

export async function pythonFor(resource: vscode.Uri | undefined): Promise<PythonChoice> {
  const configured = vscode.workspace.getConfiguration('ptlab', resource).get<string>('pythonPath', '').trim();
  if (configured) return { path: configuredInterpreter(configured, workspaceFolder(resource), resource?.fsPath), source: 'ptlab.pythonPath' };
  if (vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
    try {
      const api = await PythonExtension.api();
      const environment = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
      const executable = environment?.executable.uri?.fsPath;
      if (executable) return { path: executable, source: 'Python extension' };
    } catch (err) {
      log().warn(`Python extension: no active environment (${(err as Error).message})`);
    }
  }
  return { path: 'python3', source: 'default' };
}

function workspaceFolder(resource: vscode.Uri | undefined): string | undefined {
  const folder = (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.fsPath;
}

/** The interpreter to run jobs with, or undefined after telling the user what is missing and offering the fix. */
export async function readyPython(resource: vscode.Uri | undefined, extensionUri: vscode.Uri): Promise<string | undefined> {
  const choice = await pythonFor(resource);
  if (verified.has(choice.path)) return choice.path;
  const folder = resource && vscode.workspace.getWorkspaceFolder(resource);
  const result = await checkTrainer(choice.path, folder?.uri.fsPath);
  if (result.ok) {
    verified.add(choice.path);
    log().info(`trainer ready: ${choice.path} (${choice.source}): Python ${result.versions.replace(' ', ', ptlab ')}`);
    return choice.path;
  }
  log().error(`${choice.path} (${choice.source}): ${result.detail}`);
  const install = 'Install the Trainer';
  const select = vscode.extensions.getExtension(PYTHON_EXTENSION_ID) ? 'Select Interpreter' : 'Set ptlab.pythonPath';
  const message = failureMessage(choice, result);
  const picked = await vscode.window.showErrorMessage(message, ...(result.missing === 'python' ? [] : [install]), select);
  if (picked === install) await installTrainer(choice.path, extensionUri);
  else if (picked === 'Select Interpreter') await vscode.commands.executeCommand('python.setInterpreter');
  else if (picked === select) await vscode.commands.executeCommand('workbench.action.openSettings', 'ptlab.pythonPath');
  return undefined;
}

function failureMessage(choice: PythonChoice, result: Extract<TrainerCheck, { ok: false }>): string {
  const install = `pip install -e 'trainer[${TRAIN_EXTRA}]'`;
  if (result.missing === 'python') return `Post-Training Lab: no Python at "${choice.path}" (${choice.source}). Choose the interpreter that has the trainer.`;
  if (result.missing === 'trainer') return `Post-Training Lab: ${choice.path} cannot import the trainer package ptlab (${result.detail}). Install it into this interpreter (${install}) or choose another one.`;
  return `Post-Training Lab: ${choice.path} has the trainer but not its training packages (${result.detail}). Install them into this interpreter (${install}) or choose another one.`;
}

/** `python -m pip install -e <extension>/trainer[train]` as a visible task (arguments, not a shell line). */
async function installTrainer(python: string, extensionUri: vscode.Uri): Promise<void> {
  const trainer = vscode.Uri.joinPath(extensionUri, 'trainer').fsPath;
  const task = new vscode.Task({ type: 'ptlab-install' }, vscode.TaskScope.Workspace, 'install the trainer', 'ptlab', new vscode.ProcessExecution(python, trainerInstallArgs(trainer)));
  const execution = await vscode.tasks.executeTask(task);
  const ended = await new Promise<number | undefined>((resolve) => {
    const listener = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution === execution) {
        listener.dispose();
        resolve(e.exitCode);
      }
    });
  });
  if (ended === 0) {
    verified.delete(python);
    void vscode.window.showInformationMessage('Post-Training Lab: the trainer is installed; run the job again.');
  } else void vscode.window.showErrorMessage(`Post-Training Lab: pip install failed (exit ${ended ?? 'unknown'}); see the terminal.`);
}
