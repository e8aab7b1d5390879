// Playing an episode by hand (src/features/compare/episodePlayer.ts): its proposals decode as
// the evaluation of its split does, drawing from the evaluation's key for the episode and attempt.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EpisodePlayer } from '../../src/features/compare/episodePlayer';
import type { LocatedSource } from '../../src/features/compare/compareRunner';
import { drawKey } from '../../src/core/inference/sampling';

function source(evaluation: Record<string, unknown>): LocatedSource {
  const config = { name: 'x', environment: { env: 'generalpoints' }, model: { name: 'embedded:tiny-lm' }, evaluation: { splits: [{ name: 'id', kind: 'id', episodes: 8 }], ...evaluation } };
  return { kind: 'onnx', id: 'onnx:runs/x:final', label: 'x final', run: 'runs/x', exportName: 'final', runUri: { fsPath: '/nonexistent/runs/x' }, manifest: { config } } as unknown as LocatedSource;
}

describe('episode player', () => {
  it("proposes with the evaluation's temperature, top-p and token limit, from the episode's and attempt's key", () => {
    const player = EpisodePlayer.start(source({ seed: 77, temperature: 0.7, topP: 0.5, maxNewTokens: 33 }), 'id', 3, []);
    assert.deepEqual(player.proposalOptions(), { temperature: 0.7, topP: 0.5, maxNewTokens: 33, drawKey: drawKey(77, 'id', 3, 0) });
    assert.match(player.state().draws!, /evaluation seed 77, split id, episode 3, attempt 0/);
    player.submit('not a formula');
    assert.equal(player.proposalOptions().drawKey, drawKey(77, 'id', 3, 1));
  });

  it('states no draws when decoding is greedy', () => {
    const player = EpisodePlayer.start(source({}), 'id', 0, []);
    assert.equal(player.proposalOptions().temperature, 0);
    assert.equal(player.state().draws, undefined);
  });

  it("reads a V-IRL route file relative to the run's config, as the trainer does, not to the run folder", () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ptlab-player-'));
    try {
      copyFileSync(resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'preview-xss-routes.json'), join(workspace, 'routes.json'));
      const config = { name: 'exp', environment: { env: 'virl', routes: { file: 'routes.json' } }, model: { name: 'embedded:tiny-lm' }, evaluation: { splits: [{ name: 'id', kind: 'id', episodes: 1 }] } };
      const configPath = join(workspace, 'exp.ptlab.json');
      writeFileSync(configPath, JSON.stringify(config));
      const run = join(workspace, 'runs', 'exp', 'sft');
      mkdirSync(run, { recursive: true });
      const source = (manifest: Record<string, unknown>) => ({ kind: 'onnx', id: 'onnx:runs/exp/sft:final', label: 'sft final', run: 'runs/exp/sft', exportName: 'final', runUri: { fsPath: run }, manifest: { config, ...manifest } }) as unknown as LocatedSource;
      const player = EpisodePlayer.start(source({ configPath }), 'id', 0, [workspace]);
      assert.ok(player.state().next, 'the episode starts on a route of the config\'s file');
      assert.throws(() => EpisodePlayer.start(source({ configPath }), 'id', 0, []), /routes\.json is outside the run folder and the workspace folders/);
      assert.throws(() => EpisodePlayer.start(source({ configPath: '' }), 'id', 0, [workspace]), new RegExp(`environment.routes.file: routes.json is relative to the run's config, but ${join(run, 'run.json')} has no configPath`));
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
