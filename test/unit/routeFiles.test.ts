// Route files read for the views: only regular files of a bounded size, those a record or
// run.json names only inside the run's or the workspace's folders, and no text of them in errors.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_ROUTE_FILE_BYTES, nodeRouteFileLoader, runFolderPanoramas, runFolderRouteFileLoader, runRouteFileLoader } from '../../src/core/envs/routeFiles';
import { recordRoute } from '../../src/core/transcripts/episodeDetail';
import type { EpisodeRecord } from '../../src/core/contracts/generated/types';
import { repoRoot } from '../support/pythonEnvServer';

function workspace(): { root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'route-files-'));
  const root = join(base, 'ws');
  mkdirSync(join(root, 'experiments'), { recursive: true });
  mkdirSync(join(root, 'data'));
  mkdirSync(join(root, 'runs', 'r1'), { recursive: true });
  writeFileSync(join(root, 'data', 'routes.json'), '[]');
  writeFileSync(join(root, 'runs', 'r1', 'routes.json'), '[]');
  const outside = join(base, 'secret.json');
  writeFileSync(outside, '[]');
  symlinkSync(outside, join(root, 'data', 'link.json'));
  return { root, outside };
}

describe('routeFiles: what the loader reads', () => {
  it('refuses what is not a regular file (a device would hang the extension host), naming it', () => {
    const load = nodeRouteFileLoader('/');
    assert.throws(() => load('/dev/zero'), /environment\.routes\.file: \/dev\/zero is not a regular file/);
    assert.throws(() => load('/tmp'), /environment\.routes\.file: \/tmp is not a regular file/);
  });

  it('refuses a file over the size limit before reading it', () => {
    const { root } = workspace();
    writeFileSync(join(root, 'data', 'big.json'), Buffer.alloc(MAX_ROUTE_FILE_BYTES + 1, 0x20));
    assert.throws(() => nodeRouteFileLoader(root)('data/big.json'), /big\.json is larger than 64 MiB/);
  });

  it('says where a file is not valid JSON without quoting its text', () => {
    const { root } = workspace();
    writeFileSync(join(root, 'data', 'token.json'), 'secret-token-1234\n');
    writeFileSync(join(root, 'data', 'half.json'), '[{"a": 1},\n  secret]');
    const message = (file: string) => {
      try {
        nodeRouteFileLoader(root)(file);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    assert.match(message('data/token.json'), /token\.json:1:1: invalid JSON: InvalidSymbol$/);
    assert.match(message('data/half.json'), /half\.json:2:3: invalid JSON: /);
    assert.doesNotMatch(message('data/token.json') + message('data/half.json'), /secret/);
  });

  it("reads NaN, Infinity and -Infinity outside strings as non-finite numbers, as Python's json.load reads the platform's files", () => {
    const { root } = workspace();
    writeFileSync(join(root, 'data', 'python.json'), '[{"rating": NaN, "up": Infinity, "down": -Infinity, "name": "NaN, Infinity"}]');
    const [place] = nodeRouteFileLoader(root)('data/python.json').data as Record<string, unknown>[];
    assert.deepEqual(place, { rating: Infinity, up: Infinity, down: -Infinity, name: 'NaN, Infinity' }); // JSON.parse makes no NaN: any non-finite number is refused alike where it is read
    for (const [name, text] of [['minus-nan.json', '[-NaN]'], ['joined.json', '[NaNx]'], ['two.json', '[Infinity Infinity]']]) {
      writeFileSync(join(root, 'data', name!), text!);
      assert.throws(() => nodeRouteFileLoader(root)(`data/${name}`), new RegExp(`${name!.replace('.', '\\.')}:1:\\d+: invalid JSON`), name);
    }
  });

  it('reads a config-relative file in the workspace, ../ included, where the files are confined to it', () => {
    const { root } = workspace();
    assert.deepEqual(nodeRouteFileLoader(join(root, 'experiments'), [root])('../data/routes.json').data, []);
    const manifest = { configPath: 'experiments/x.json', cwd: root };
    assert.deepEqual(runRouteFileLoader(join(root, 'runs', 'r1', 'run.json'), manifest, [root])('../data/routes.json').data, []);
  });
});

describe('routeFiles: files a record or run.json names stay in the run or workspace folders', () => {
  it('refuses an absolute path, a ../ out of the workspace and a link out of it', () => {
    const { root, outside } = workspace();
    const load = nodeRouteFileLoader(join(root, 'experiments'), [root]);
    for (const file of [outside, '../../secret.json', '../data/link.json']) {
      assert.throws(() => load(file), /environment\.routes\.file: .* is outside the run folder and the workspace folders/, file);
    }
  });

  it("a run.json's configPath and cwd lead nowhere else: its route file must be in the run's or a workspace folder", () => {
    const { root, outside } = workspace();
    const runJson = join(root, 'runs', 'r1', 'run.json');
    const elsewhere = runRouteFileLoader(runJson, { configPath: outside, cwd: '/' }, [root]);
    assert.throws(() => elsewhere('secret.json'), /is outside the run folder and the workspace folders/);
    assert.deepEqual(runRouteFileLoader(runJson, { configPath: join(root, 'runs', 'r1', 'config.json') }, [])('routes.json').data, []);
  });

  it("a transcript's record naming a file out of the workspace gets a note, not the file", () => {
    const { root, outside } = workspace();
    writeFileSync(join(root, 'runs', 'r1', 'run.json'), runJson({ configPath: 'experiments/x.ptlab.json', cwd: root }));
    const route = recordRoute(virlRecord(outside), runFolderRouteFileLoader(join(root, 'runs', 'r1'), [root]));
    assert.equal(route.map, undefined);
    assert.match(route.note ?? '', /is outside the run folder and the workspace folders/);
  });
});

describe("routeFiles: a transcript's route file, as the trainer read it", () => {
  it("is relative to the run's config (its run.json's configPath and cwd), not to the workspace folder", () => {
    const { root } = workspace();
    const routes = readFileSync(join(repoRoot, 'test', 'vectors', 'virl-routes.json'));
    writeFileSync(join(root, 'data', 'routes.json'), routes);
    writeFileSync(join(root, 'experiments', 'routes.json'), routes);
    const runDir = join(root, 'runs', 'r1');
    writeFileSync(join(runDir, 'run.json'), runJson({ configPath: 'experiments/x.ptlab.json', cwd: root }));
    for (const file of ['../data/routes.json', 'routes.json']) {
      const route = recordRoute(virlRecord(file), runFolderRouteFileLoader(runDir, [root]));
      assert.equal(route.note, undefined, file);
      assert.ok(route.map, file);
    }
  });

  it('a run folder without a run.json that says where its config is fails naming run.json', () => {
    const { root } = workspace();
    const runDir = join(root, 'runs', 'r1');
    assert.throws(() => runFolderRouteFileLoader(runDir, [root])('routes.json'), /environment\.routes\.file: routes\.json is relative to the run's config, but .*r1\/run\.json cannot say where that is \(run\.json is missing\)/);
    writeFileSync(join(runDir, 'run.json'), runJson({}));
    assert.throws(() => runFolderRouteFileLoader(runDir, [root])('routes.json'), /r1\/run\.json has no configPath/);
  });
});

describe("routeFiles: a transcript's panoramas folder, as the trainer read it", () => {
  it("is relative to the run's config and only inside the run's or a workspace folder", () => {
    const { root, outside } = workspace();
    mkdirSync(join(root, 'experiments', 'panoramas'));
    const runDir = join(root, 'runs', 'r1');
    writeFileSync(join(runDir, 'run.json'), runJson({ configPath: 'experiments/x.ptlab.json', cwd: root }));
    assert.equal(runFolderPanoramas(runDir, [root], 'panoramas'), join(root, 'experiments', 'panoramas'));
    assert.throws(() => runFolderPanoramas(runDir, [root], 'missing'), /environment\.panoramas: cannot read .*experiments\/missing: No such file or directory/);
    symlinkSync(join(outside, '..'), join(root, 'experiments', 'elsewhere'));
    for (const folder of ['elsewhere', join(outside, '..'), '../..']) {
      assert.throws(() => runFolderPanoramas(runDir, [root], folder), /environment\.panoramas: .* is outside the run folder and the workspace folders/, folder);
    }
  });

  it('a relative folder needs a run.json that says where the config is', () => {
    const { root } = workspace();
    const runDir = join(root, 'runs', 'r1');
    assert.throws(() => runFolderPanoramas(runDir, [root], 'panoramas'), /environment\.panoramas: panoramas is relative to the run's config, but .*r1\/run\.json cannot say where that is \(run\.json is missing\)/);
    writeFileSync(join(runDir, 'run.json'), runJson({}));
    assert.throws(() => runFolderPanoramas(runDir, [root], 'panoramas'), /r1\/run\.json has no configPath/);
    assert.equal(runFolderPanoramas(runDir, [root], join(root, 'data')), join(root, 'data'), 'an absolute folder needs no config');
  });
});

function runJson(fields: Record<string, unknown>): string {
  const at = '2026-11-25T11:00:00Z';
  return JSON.stringify({ schemaVersion: 1, runId: 'r1', experiment: 'x', job: 'eval', status: 'finished', createdAt: at, updatedAt: at, heartbeatAt: at, config: {}, command: ['ptlab', 'eval'], seeds: { global: 0 }, host: { hostname: 'h', platform: 'linux' }, ...fields });
}

function virlRecord(file: string): EpisodeRecord {
  return { step: 0, split: 'id', episode: 0, seed: 1, success: false, turns: [{ output: 'x' }], environment: { env: 'virl', routes: { file } }, state: {} } as unknown as EpisodeRecord;
}
