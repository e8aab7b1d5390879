// Editing *.ptlab.json: semantic diagnostics beyond the schema (the schema's own come from
// jsonValidation in package.json) and the CodeLens Run SFT | Run PPO | Evaluate | Plan Memory | Preview.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkConfig, type CheckSeverity } from '../../core/config/checks';
import { debounce, debounceEach } from '../debounce';
import { timed } from '../timing';

function severity(of: CheckSeverity): vscode.DiagnosticSeverity {
  return of === 'error' ? vscode.DiagnosticSeverity.Error : of === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

export function isConfigDocument(document: vscode.TextDocument): boolean {
  return document.uri.path.endsWith('.ptlab.json');
}

export class ConfigEditing implements vscode.CodeLensProvider {
  static register(context: vscode.ExtensionContext): void {
    const diagnostics = vscode.languages.createDiagnosticCollection('ptlab');
    const check = (document: vscode.TextDocument) => {
      if (!isConfigDocument(document)) return;
      diagnostics.set(document.uri, semanticDiagnostics(document));
    };
    const checkAfterEdits = debounceEach(check, 300);
    const checkSoon = (document: vscode.TextDocument) => checkAfterEdits(document.uri.toString(), document);
    const closed = (document: vscode.TextDocument) => {
      checkAfterEdits.cancel(document.uri.toString()); // a check due after its last edit would bring its diagnostics back
      diagnostics.delete(document.uri);
    };
    // A checkpoint, model or route file appearing or going (written by a job, not only through
    // VS Code) changes what the checks say; file events come in bursts.
    const pathsChanged = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    const recheckOpen = debounce(() => vscode.workspace.textDocuments.forEach(check), 500);
    context.subscriptions.push(
      diagnostics,
      vscode.workspace.onDidOpenTextDocument(check),
      vscode.workspace.onDidChangeTextDocument((e) => checkSoon(e.document)),
      vscode.workspace.onDidCloseTextDocument(closed),
      pathsChanged,
      pathsChanged.onDidCreate(recheckOpen),
      pathsChanged.onDidDelete(recheckOpen),
      { dispose: () => recheckOpen.cancel() },
      checkAfterEdits,
      vscode.languages.registerCodeLensProvider({ pattern: '**/*.ptlab.json' }, new ConfigEditing()),
    );
    vscode.workspace.textDocuments.forEach(checkSoon);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const lens = (title: string, command: string, tooltip: string) => new vscode.CodeLens(top, { title, command, arguments: [document.uri], tooltip });
    return [
      lens('Run SFT', 'ptlab.runSft', 'Supervised fine-tuning with this config, as a task'),
      lens('Run PPO', 'ptlab.runPpo', 'Multi-turn PPO from ppo.init, as a task'),
      lens('Evaluate', 'ptlab.evaluate', 'Evaluate a checkpoint on the ID and OOD splits'),
      lens('Plan Memory', 'ptlab.planMemory', "Memory per GPU of each stage of the config's job (ptlab plan), without a GPU"),
      lens('Preview', 'ptlab.previewEnvironment', 'Sample episodes of each variant and try answers'),
    ];
  }
}

function semanticDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  return timed('config diagnostics', () => {
    const folder = path.dirname(document.uri.fsPath);
    const exists = (p: string, isFolder?: boolean) => {
      try {
        const stat = statSync(path.resolve(folder, p)); // "~" literally, as the trainer reads it
        return !isFolder || stat.isDirectory();
      } catch {
        return false;
      }
    };
    return checkConfig(document.getText(), exists).map((issue) => {
      const range = new vscode.Range(document.positionAt(issue.offset), document.positionAt(issue.offset + issue.length));
      const diagnostic = new vscode.Diagnostic(range, issue.message, severity(issue.severity));
      diagnostic.source = 'ptlab';
      return diagnostic;
    });
  });
}
