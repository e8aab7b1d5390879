// New Experiment: a config from one of the paper's presets, or the SFT vs RL suite.
import * as vscode from 'vscode';
import { configFromTemplate, nameProblem, sftVsRlSuite, SUITE_ID, TEMPLATES, type NewFile } from '../../core/config/templates';
import { log } from '../log';

/** Arguments for scripted use (tests, other extensions); without them the command asks. */
export interface NewExperimentOptions {
  template?: string;
  /** The preset the suite is built on. */
  base?: string;
  name?: string;
  folder?: vscode.Uri;
}

export function registerNewExperiment(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('ptlab.newExperiment', (options?: NewExperimentOptions | vscode.Uri) =>
      newExperiment(context.extensionUri, options instanceof vscode.Uri ? { folder: options } : (options ?? {})),
    ),
  );
}

async function newExperiment(extensionUri: vscode.Uri, options: NewExperimentOptions): Promise<vscode.Uri | undefined> {
  const templateId = options.template ?? (await pickTemplate());
  if (!templateId) return undefined;
  const suite = templateId === SUITE_ID;
  const baseId = suite ? (options.base ?? (await pickTemplate(true))) : templateId;
  const base = TEMPLATES.find((t) => t.id === baseId);
  if (!base) {
    if (baseId) void vscode.window.showErrorMessage(`Post-Training Lab: unknown template "${baseId}" (one of ${TEMPLATES.map((t) => t.id).join(', ')}, ${SUITE_ID})`);
    return undefined;
  }
  const name =
    options.name ??
    (await vscode.window.showInputBox({ prompt: 'Experiment name (run folders are named after it)', value: suite ? `${base.id}-sft-vs-rl` : base.id, validateInput: nameProblem }));
  if (!name) return undefined;
  const problem = nameProblem(name);
  if (problem) {
    void vscode.window.showErrorMessage(`Post-Training Lab: experiment name "${name}": ${problem}`);
    return undefined;
  }
  const folder = options.folder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) {
    void vscode.window.showErrorMessage('Post-Training Lab: open a folder first; the experiment is created in it.');
    return undefined;
  }
  const example = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'examples', base.example)));
  const files = suite ? sftVsRlSuite(example, name, base.label) : configFromTemplate(example, name);
  if (!(await writeNew(folder, files))) return undefined;
  const first = vscode.Uri.joinPath(folder, files[0]!.path);
  log().info(`new experiment ${name} (${suite ? `SFT vs RL suite on ${base.label}` : base.label}): ${files.map((f) => f.path).join(', ')}`);
  await vscode.window.showTextDocument(first);
  return first;
}

async function pickTemplate(baseOnly = false): Promise<string | undefined> {
  const items = TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, id: t.id }));
  if (!baseOnly) items.push({ label: 'SFT vs RL suite', detail: 'The paper\'s experiment: an Init SFT, then SFT and PPO scaled from it (a folder of three configs)', id: SUITE_ID });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: baseOnly ? 'Which task is the suite on?' : 'New experiment from which template?', matchOnDetail: true });
  return picked?.id;
}

/** Writes every file, or none: when one already exists, or when a write fails (those written go). */
async function writeNew(folder: vscode.Uri, files: NewFile[]): Promise<boolean> {
  for (const file of files) {
    const uri = vscode.Uri.joinPath(folder, file.path);
    try {
      await vscode.workspace.fs.stat(uri);
      void vscode.window.showErrorMessage(`Post-Training Lab: ${vscode.workspace.asRelativePath(uri)} already exists; choose another name.`);
      return false;
    } catch {
      // free
    }
  }
  const encoder = new TextEncoder();
  const uris = files.map((file) => vscode.Uri.joinPath(folder, file.path));
  let tried = 0;
  try {
    for (const [i, file] of files.entries()) {
      tried = i + 1;
      await vscode.workspace.fs.writeFile(uris[i]!, encoder.encode(file.text));
    }
    return true;
  } catch (err) {
    // none existed (checked above): a half-written suite would only refuse the next try
    for (const uri of uris.slice(0, tried)) await Promise.resolve(vscode.workspace.fs.delete(uri, { useTrash: false })).catch(() => undefined);
    void vscode.window.showErrorMessage(`Post-Training Lab: ${vscode.workspace.asRelativePath(uris[tried - 1]!)} could not be written (${(err as Error).message}); no file of the experiment was kept.`);
    return false;
  }
}
