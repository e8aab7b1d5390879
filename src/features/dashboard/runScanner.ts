// Finds run folders (a run.json manifest) in the workspace and reads their manifests.
import * as vscode from 'vscode';
import type { RunInfo } from '../../core/dashboard/model';
import { runInfo } from '../../core/runs/runInfo';

const decoder = new TextDecoder();

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

export interface ScannedRun {
  info: RunInfo;
  uri: vscode.Uri;
  metricsUri: vscode.Uri;
}

export async function scanRuns(token?: vscode.CancellationToken): Promise<ScannedRun[]> {
  const manifests = await vscode.workspace.findFiles('**/run.json', '**/{node_modules,.git,.venv}/**', 2000, token);
  const runs = await Promise.all(
    manifests.map(async (manifestUri): Promise<ScannedRun> => {
      const uri = vscode.Uri.joinPath(manifestUri, '..');
      const text = await readText(manifestUri);
      const info = runInfo(vscode.workspace.asRelativePath(uri, false), text);
      const metricsFile = metricsFileName(text);
      return { info, uri, metricsUri: vscode.Uri.joinPath(uri, metricsFile) };
    }),
  );
  return runs.sort((a, b) => a.info.folder.localeCompare(b.info.folder));
}

function metricsFileName(manifestText: string | undefined): string {
  try {
    const name = (JSON.parse(manifestText ?? '{}') as { files?: { metrics?: unknown } }).files?.metrics;
    return typeof name === 'string' && name !== '' ? name : 'metrics.jsonl';
  } catch {
    return 'metrics.jsonl';
  }
}
