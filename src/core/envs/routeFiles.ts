// Reading route files for the env server on Node (the CLI and tests): paths relative to the
// working folder, parsed once per file version, errors worded as the Python server words them;
// and finding a run's panoramas folder for the street-view grids.
// Only regular files of a bounded size are read (a device such as /dev/zero would hang the
// extension host), and no text of a file reaches an error (the views show errors).
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { RunManifest } from '../contracts/generated/types';
import { jsonSyntaxError } from '../contracts/contracts';
import { readRunFolder } from '../runs/runFolder';
import { EnvConfigError, withPythonConstants } from './generalpoints';
import { RouteFormatError } from './virl';
import type { RouteFileLoader } from './server';

const OS_ERRORS: Record<string, string> = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory' };

/** The largest route file read: the published V-IRL route sets are a few MiB. */
export const MAX_ROUTE_FILE_BYTES = 64 * 2 ** 20;

/** The route files of a run's config: relative to the config's folder (run.json's configPath), as
 * the trainer reads them (Experiment.base_dir), not to the run folder. A run.json without a
 * configPath fails when a route file is read, naming `runJson`. run.json may come from a cloned
 * or shared run, its configPath and cwd too: the files are read only inside the run folder or
 * one of `workspaceFolders`. */
export function runRouteFileLoader(runJson: string, manifest: Pick<RunManifest, 'configPath' | 'cwd'>, workspaceFolders: readonly string[]): RouteFileLoader {
  const { configPath, cwd } = manifest;
  if (!configPath) {
    return (file) => {
      throw new EnvConfigError(`environment.routes.file: ${file} is relative to the run's config, but ${runJson} has no configPath to say where that is; launch the run from its config file (python -m ptlab <job> --config FILE)`);
    };
  }
  return nodeRouteFileLoader(dirname(resolve(cwd ?? '', configPath)), [dirname(runJson), ...workspaceFolders]);
}

/** The route files an episode record of the run in `runDir` names (its environment.routes.file,
 * as the run's config wrote it): runRouteFileLoader's, from the run folder's run.json. A run
 * folder whose run.json is missing or off the contract fails when a route file is read, naming it. */
export function runFolderRouteFileLoader(runDir: string, workspaceFolders: readonly string[]): RouteFileLoader {
  const runJson = join(runDir, 'run.json');
  const { manifest, problems } = readRunJson(runDir);
  if (!manifest) {
    return (file) => {
      throw new EnvConfigError(`environment.routes.file: ${file} is relative to the run's config, but ${runJson} cannot say where that is (${problems[0]})`);
    };
  }
  return runRouteFileLoader(runJson, manifest, workspaceFolders);
}

/** The panoramas folder an episode record of the run in `runDir` names (its environment.panoramas),
 * relative to the run's config as the trainer reads it (like its route files), and only inside
 * the run folder or one of `workspaceFolders`. Throws saying why not. */
export function runFolderPanoramas(runDir: string, workspaceFolders: readonly string[], panoramas: string): string {
  const runJson = join(runDir, 'run.json');
  const { manifest, problems } = isAbsolute(panoramas) ? { manifest: {}, problems: [] } : readRunJson(runDir);
  if (!manifest) throw new EnvConfigError(`environment.panoramas: ${panoramas} is relative to the run's config, but ${runJson} cannot say where that is (${problems[0]})`);
  if (!isAbsolute(panoramas) && !manifest.configPath) {
    throw new EnvConfigError(`environment.panoramas: ${panoramas} is relative to the run's config, but ${runJson} has no configPath to say where that is; launch the run from its config file (python -m ptlab <job> --config FILE)`);
  }
  const folder = resolve(dirname(resolve(manifest.cwd ?? '', manifest.configPath ?? '')), panoramas);
  let real: string;
  try {
    real = realpathSync(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new EnvConfigError(`environment.panoramas: cannot read ${folder}: ${OS_ERRORS[code] ?? code}`);
  }
  const within = [runDir, ...workspaceFolders];
  if (!within.some((f) => isInside(real, realFolder(f)))) {
    throw new EnvConfigError(`environment.panoramas: ${folder} is outside the run folder and the workspace folders (${within.join(', ')}); panoramas named by a run's episodes are read only there: add their folder to the workspace`);
  }
  return folder;
}

function readRunJson(runDir: string): ReturnType<typeof readRunFolder> {
  let text: string | undefined;
  try {
    text = readFileSync(join(runDir, 'run.json'), 'utf8');
  } catch {
    text = undefined; // readRunFolder says it is missing
  }
  return readRunFolder(runDir, text);
}

/** Route files relative to `cwd`; with `within` (what a record or run.json names), only those
 * whose real path (links followed) is inside one of those folders. */
export function nodeRouteFileLoader(cwd: string = process.cwd(), within?: readonly string[]): RouteFileLoader {
  let cached: { key: string; path: string; data: unknown } | undefined;
  return (file) => {
    const path = resolve(cwd, file);
    let key: string;
    try {
      const stat = statSync(path);
      if (within && !within.some((folder) => isInside(realpathSync(path), realFolder(folder)))) {
        throw new EnvConfigError(`environment.routes.file: ${path} is outside the run folder and the workspace folders (${within.join(', ')}); a route file named by a run or its episodes is read only there: add its folder to the workspace`);
      }
      if (!stat.isFile()) throw new EnvConfigError(`environment.routes.file: ${path} is not a regular file; name a JSON file of routes`);
      if (stat.size > MAX_ROUTE_FILE_BYTES) throw new EnvConfigError(`environment.routes.file: ${path} is larger than ${MAX_ROUTE_FILE_BYTES / 2 ** 20} MiB (${stat.size} bytes); name a JSON file of routes`);
      key = `${path}:${stat.mtimeMs}:${stat.size}`;
    } catch (err) {
      if (err instanceof EnvConfigError) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? '';
      throw new EnvConfigError(`environment.routes.file: cannot read ${path}: ${OS_ERRORS[code] ?? code}`);
    }
    if (cached?.key !== key) {
      cached = { key, path, data: parsed(path, readFileSync(path, 'utf8')) };
    }
    return { path: cached.path, data: cached.data };
  };
}

/** The file's JSON, NaN, Infinity and -Infinity read as numbers as the trainer's (and the
 * reference's) json.load reads them: the V-IRL platform writes its files with json.dump, which
 * writes NaN for a missing number. JSON.parse makes no NaN, so NaN reads as Infinity: the
 * numbers the environment reads are refused alike where they are not finite. Where the text is
 * not JSON, the error says where, as the trainer's does, and not what is there. */
function parsed(path: string, text: string): unknown {
  try {
    return JSON.parse(withPythonConstants(text, (constant) => (constant === '-Infinity' ? ' -1e999 ' : ' 1e999 ')));
  } catch {
    const at = jsonSyntaxError(withPythonConstants(text, (constant) => ' 0'.padEnd(constant.length))); // at the file's columns
    throw new RouteFormatError(at ? `${path}:${at.line}:${at.column}: invalid JSON: ${at.what}` : `${path}: invalid JSON`);
  }
}

function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return resolve(folder);
  }
}

function isInside(path: string, folder: string): boolean {
  const inside = relative(folder, path);
  return inside === '' || (!isAbsolute(inside) && inside.split(/[\\/]/)[0] !== '..');
}
