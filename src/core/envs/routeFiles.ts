// Reading route files for the env server on Node (the CLI and tests): paths relative to the
// working folder, parsed once per file version, errors worded as the Python server words them.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { RunManifest } from '../contracts/generated/types';
import { EnvConfigError } from './generalpoints';
import { RouteFormatError } from './virl';
import type { RouteFileLoader } from './server';

const OS_ERRORS: Record<string, string> = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory' };

/** The route files of a run's config: relative to the config's folder (run.json's configPath), as
 * the trainer reads them (Experiment.base_dir), not to the run folder. A run.json without a
 * configPath fails when a route file is read, naming `runJson`. */
export function runRouteFileLoader(runJson: string, manifest: Pick<RunManifest, 'configPath' | 'cwd'>): RouteFileLoader {
  const { configPath, cwd } = manifest;
  if (!configPath) {
    return (file) => {
      throw new EnvConfigError(`environment.routes.file: ${file} is relative to the run's config, but ${runJson} has no configPath to say where that is; launch the run from its config file (python -m ptlab <job> --config FILE)`);
    };
  }
  return nodeRouteFileLoader(dirname(resolve(cwd ?? '', configPath)));
}

export function nodeRouteFileLoader(cwd: string = process.cwd()): RouteFileLoader {
  let cached: { key: string; path: string; data: unknown } | undefined;
  return (file) => {
    const path = resolve(cwd, file);
    let key: string;
    try {
      const stat = statSync(path);
      key = `${path}:${stat.mtimeMs}:${stat.size}`;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      throw new EnvConfigError(`environment.routes.file: cannot read ${path}: ${OS_ERRORS[code] ?? code}`);
    }
    if (cached?.key !== key) {
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new RouteFormatError(`${path}: invalid JSON: ${(err as Error).message}`);
      }
      cached = { key, path, data };
    }
    return { path: cached.path, data: cached.data };
  };
}
