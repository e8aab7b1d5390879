// Files written whole: under a temporary name beside the target, then renamed over it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A temporary name beside `file`, its own to this write: two writes of one file in one process
 * (two Export CSV in the metrics worker) would otherwise share a pid-named temp and interleave.
 */
export function tempBeside(file: string): string {
  return `${file}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Writes `text` to `file` whole, under tempBeside(file) renamed over it; the temp goes on any error. */
export function replaceFileSync(file: string, text: string): void {
  writeAllSync([{ target: file, text }]);
}

/**
 * Writes every file or none: all to their temps first, then each renamed into place. On an
 * error the temps go, and so do the files and folders this call created (a file it replaced
 * stays replaced), so no half of a set is left to block a retry.
 */
export function writeAllSync(files: readonly { target: string; text: string }[]): void {
  const temps: string[] = [];
  const created: string[] = [];
  const folders: string[] = [];
  try {
    for (const { target, text } of files) {
      const folder = mkdirSync(dirname(target), { recursive: true });
      if (folder) folders.push(folder);
      temps.push(tempBeside(target));
      writeFileSync(temps.at(-1)!, text, { flag: 'wx' });
    }
    for (const [i, { target }] of files.entries()) {
      const existed = existsSync(target);
      renameSync(temps[i]!, target);
      if (!existed) created.push(target);
    }
  } catch (err) {
    for (const file of [...temps, ...created]) rmSync(file, { force: true });
    for (const folder of folders.reverse()) removeIfEmpty(folder);
    throw err;
  }
}

function removeIfEmpty(folder: string): void {
  try {
    rmdirSync(folder);
  } catch {
    // not empty (another writer's files): kept
  }
}
