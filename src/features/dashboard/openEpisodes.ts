// A point clicked on a curve: the episodes of that run, step and split. The transcript viewer
// when one is registered (ptlab.openTranscripts); until then episodes.jsonl in an editor at
// the first episode of that step and split.
import { createReadStream, promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import { isEpisodeOf } from '../../core/episodeLines';

export const TRANSCRIPTS_COMMAND = 'ptlab.openTranscripts';

/** What ptlab.openTranscripts is called with. */
export interface TranscriptsTarget {
  runDir: vscode.Uri;
  step: number;
  split: string;
}

export type OpenedEpisodes = { via: 'command' } | { via: 'editor'; line: number } | { via: 'none' };

export async function openEpisodes(runDir: vscode.Uri, step: number, split: string): Promise<OpenedEpisodes> {
  if ((await vscode.commands.getCommands(true)).includes(TRANSCRIPTS_COMMAND)) {
    const target: TranscriptsTarget = { runDir, step, split };
    await vscode.commands.executeCommand(TRANSCRIPTS_COMMAND, target);
    return { via: 'command' };
  }
  const episodes = vscode.Uri.joinPath(runDir, 'episodes.jsonl');
  const line = await firstLine(episodes.fsPath, (text) => isEpisodeOf(text, step, split));
  if (line === undefined) {
    void vscode.window.showInformationMessage(`No episodes of step ${step} on split "${split}" in ${vscode.workspace.asRelativePath(episodes, false)}.`);
    return { via: 'none' };
  }
  const position = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(episodes, { selection: new vscode.Range(position, position), preview: true });
  return { via: 'editor', line };
}

/** 0-based number of the first line that matches, reading the file as a stream. */
async function firstLine(path: string, matches: (line: string) => boolean): Promise<number | undefined> {
  try {
    await fs.access(path);
  } catch {
    return undefined;
  }
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let index = 0;
  try {
    for await (const line of lines) {
      if (matches(line)) return index;
      index++;
    }
  } finally {
    lines.close();
  }
  return undefined;
}
