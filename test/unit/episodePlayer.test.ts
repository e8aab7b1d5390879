// Playing an episode by hand (src/features/compare/episodePlayer.ts): its proposals decode as
// the evaluation of its split does, drawing from the evaluation's key for the episode and attempt.
import { strict as assert } from 'node:assert';
import { EpisodePlayer } from '../../src/features/compare/episodePlayer';
import type { LocatedSource } from '../../src/features/compare/compareRunner';
import { drawKey } from '../../src/core/inference/sampling';

function source(evaluation: Record<string, unknown>): LocatedSource {
  const config = { name: 'x', environment: { env: 'generalpoints' }, model: { name: 'embedded:tiny-lm' }, evaluation: { splits: [{ name: 'id', kind: 'id', episodes: 8 }], ...evaluation } };
  return { kind: 'onnx', id: 'onnx:runs/x:final', label: 'x final', run: 'runs/x', exportName: 'final', runUri: { fsPath: '/nonexistent/runs/x' }, manifest: { config } } as unknown as LocatedSource;
}

describe('episode player', () => {
  it("proposes with the evaluation's temperature, top-p and token limit, from the episode's and attempt's key", () => {
    const player = EpisodePlayer.start(source({ seed: 77, temperature: 0.7, topP: 0.5, maxNewTokens: 33 }), 'id', 3);
    assert.deepEqual(player.proposalOptions(), { temperature: 0.7, topP: 0.5, maxNewTokens: 33, drawKey: drawKey(77, 'id', 3, 0) });
    assert.match(player.state().draws!, /evaluation seed 77, split id, episode 3, attempt 0/);
    player.submit('not a formula');
    assert.equal(player.proposalOptions().drawKey, drawKey(77, 'id', 3, 1));
  });

  it('states no draws when decoding is greedy', () => {
    const player = EpisodePlayer.start(source({}), 'id', 0);
    assert.equal(player.proposalOptions().temperature, 0);
    assert.equal(player.state().draws, undefined);
  });
});
