// Finds run folders (a run.json manifest) in the workspace and summarizes them.
import * as vscode from 'vscode';
import { summarizeRun, type RunSummary } from '../../core/runs';

const decoder = new TextDecoder();

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

export async function scanRuns(token?: vscode.CancellationToken): Promise<RunSummary[]> {
  const manifests = await vscode.workspace.findFiles('**/run.json', '**/{node_modules,.git,.venv}/**', 2000, token);
  const runs = await Promise.all(
    manifests.map(async (manifestUri) => {
      const folderUri = vscode.Uri.joinPath(manifestUri, '..');
      const [manifest, metrics] = await Promise.all([
        readText(manifestUri),
        readText(vscode.Uri.joinPath(folderUri, 'metrics.jsonl')),
      ]);
      return summarizeRun(vscode.workspace.asRelativePath(folderUri, false), manifest, metrics);
    }),
  );
  return runs.sort((a, b) => a.folder.localeCompare(b.folder));
}
