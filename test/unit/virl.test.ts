// V-IRL in TypeScript against the shared vectors (written by the Python twin) and its spec.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRoutes } from '../../src/core/envs/cities';
import { nodeRouteFileLoader } from '../../src/core/envs/routeFiles';
import { Rng } from '../../src/core/envs/prng';
import { actionOf, buildRail, expertResponse, instructionSentences, observationOf, parseRoutes, prompt, virlConfig, VirlEpisode, verifyVirl, type Route, type VirlConfig } from '../../src/core/envs/virl';

const repo = join(__dirname, '..', '..', '..');
const vectors = JSON.parse(readFileSync(join(repo, 'test', 'vectors', 'virl.json'), 'utf8')) as {
  routesFile: string;
  rails: { config: Record<string, unknown>; seed: number; routeId: string; rail: string[][]; places: number[]; promptSha256: string[]; expert: string[] }[];
  verify: { name: string; config: Record<string, unknown>; seed: number; position: number; output: string; expect: Record<string, unknown> }[];
  cities: { city: string; routes: number; seed: number; generated: unknown[] }[];
  episodes: { config: Record<string, unknown>; seed: number; prompt: string; actions: string[]; steps: Record<string, unknown>[]; state: Record<string, unknown> }[];
  refused: { config: Record<string, unknown>; error: string }[];
  routeFiles: { name: string; data: unknown; error?: string; routes?: unknown[] }[];
};
const loader = nodeRouteFileLoader(repo);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function episode(raw: Record<string, unknown>, seed: number): [VirlConfig, VirlEpisode, Route[]] {
  const config = virlConfig(raw);
  let routes: Route[];
  if ('file' in config.routes) {
    const { path, data } = loader(config.routes.file);
    routes = parseRoutes(data, path);
  } else {
    const spec = config.routes.synthetic as { city: string; routes?: number; seed?: number };
    routes = parseRoutes(generateRoutes(spec.city, spec.routes ?? 1000, spec.seed ?? 0), 'synthetic');
  }
  return [config, new VirlEpisode(config, routes, seed), routes];
}

describe('V-IRL: synthetic cities', () => {
  for (const c of vectors.cities) {
    it(`generate the same ${c.city} routes as Python (${c.routes}, seed ${c.seed})`, () => {
      assert.deepEqual(JSON.parse(JSON.stringify(generateRoutes(c.city, c.routes, c.seed))), c.generated);
    });
  }
  for (const c of vectors.refused) {
    it(`refuse ${JSON.stringify(c.config)} in Python's words`, () => {
      assert.throws(() => virlConfig(c.config), (err: Error) => err.message === c.error);
    });
  }
  it('name the field of an unknown city', () => {
    assert.throws(() => generateRoutes('atlantis', 1, 0), /environment\.routes\.synthetic\.city: unknown city 'atlantis'/);
  });
});

describe('V-IRL: shared rail vectors', () => {
  for (const c of vectors.rails) {
    it(`${c.config.verifier}-${String(c.config.actionSpace)}-${String(c.config.modality)} seed ${c.seed}`, () => {
      const [config, ep] = episode(c.config, c.seed);
      assert.equal(ep.route.routeId, c.routeId);
      assert.deepEqual(ep.rail.map((p) => [observationOf(p), actionOf(p, config.actionSpace)]), c.rail);
      assert.deepEqual(ep.rail.map((p) => p.place), c.places);
      assert.deepEqual(ep.rail.map((_, i) => sha256(prompt(config, ep.route, ep.rail, i))), c.promptSha256);
      assert.deepEqual(ep.rail.map((_, i) => expertResponse(config, ep.route, ep.rail, i)), c.expert);
    });
  }
});

describe('V-IRL: shared verify vectors', () => {
  for (const c of vectors.verify) {
    it(`${c.config.verifier}-${String(c.config.actionSpace)} seed ${c.seed} @${c.position}: ${c.name}`, () => {
      const [config, ep] = episode(c.config, c.seed);
      const v = verifyVirl(config, ep.rail[c.position]!, c.output);
      assert.deepEqual({ reward: v.reward, message: v.message, correct: v.correct, failureMode: v.failureMode ?? null }, c.expect);
    });
  }
});

describe('V-IRL: shared episode vectors', () => {
  for (const c of vectors.episodes) {
    it(`${JSON.stringify(c.config)} seed ${c.seed}`, () => {
      const [, ep] = episode(c.config, c.seed);
      assert.equal(ep.prompt, c.prompt);
      const steps = c.actions.map((a) => {
        const s = ep.step(a);
        return { reward: s.reward, message: s.message, done: s.done, success: s.success, truncated: s.truncated, prompt: s.nextPrompt ?? null, newChat: s.newChat, correct: s.correct, failureMode: s.failureMode ?? null };
      });
      assert.deepEqual(steps, c.steps);
      assert.deepEqual(ep.state(), c.state);
    });
  }
});

describe('V-IRL: failure modes', () => {
  for (const verifier of ['reference', 'strict']) {
    it(`${verifier}: going on is a missed intersection only at an intersection; at the start a wrong turn, at the destination a missed stop`, () => {
      const [config, ep] = episode({ ...vectors.verify[0]!.config, verifier }, 0);
      const forward = JSON.stringify({ 'current observation': 'No landmarks nearby; ', 'current instruction': 'x', action: 'forward()' });
      const mode = (i: number) => verifyVirl(config, ep.rail[i]!, forward).failureMode;
      const last = ep.rail.length - 1;
      assert.equal(ep.rail[0]!.atIntersection, false);
      assert.equal(mode(0), 'wrong-turn');
      const intersections = ep.rail.flatMap((p, i) => (p.atIntersection ? [i] : []));
      assert.ok(intersections.length > 0 && intersections.every((i) => mode(i) === 'missed-intersection'));
      assert.equal(actionOf(ep.rail[last]!, config.actionSpace), 'stop()');
      assert.equal(mode(last), 'missed-stop');
    });
  }
});

describe('V-IRL: bad input', () => {
  it('an invalid config names the field', () => {
    assert.throws(() => virlConfig({ env: 'virl' }), /environment\.routes: required/);
    assert.throws(() => virlConfig({ env: 'virl', routes: { file: 'x' }, actionSpace: 'diagonal' }), /environment\.actionSpace/);
    assert.throws(() => virlConfig({ env: 'virl', routes: { file: 'x' }, dropRate: 2 }), /environment\.dropRate/);
  });

  it('a bad route file names the place', () => {
    const data = [{ start_place: {}, dest_place: {}, milestone_info: '{"landmarks": "x", "distance": "far", "human_heading": "0", "to_next_intersection_heading": "90 (east)"}' }];
    assert.throws(() => parseRoutes(data, 'routes.json'), /routes\.json\[0\]\.milestone_info\[0\]: distance 'far'/);
    assert.throws(() => loader('no/such/file.json'), /environment\.routes\.file: cannot read .*no\/such\/file\.json: No such file or directory/);
  });
});

describe('V-IRL: route files as the platform writes them', () => {
  it('an intersection without a landmark ("No landmark nearby", or no landmarks key) is told without one and observed in the platform words', () => {
    const { path, data } = loader('test/vectors/virl-routes-platform.json');
    const [noLandmark, destinationUnseen] = parseRoutes(data, path);
    for (const wrap of [false, true]) {
      const sentences = instructionSentences(noLandmark!, wrap);
      assert.equal(sentences[1], 'Move forward until you reach next intersection.');
      assert.equal(sentences[3], 'Move forward until you reach next intersection.');
      assert.equal(instructionSentences(destinationUnseen!, wrap)[3], 'Move forward until you reach destination where No landmark nearby.');
    }
    const rail = buildRail(noLandmark!, virlConfig({ env: 'virl', routes: { file: '-' }, maxStraight: 0 }), new Rng(0));
    assert.deepEqual(rail.filter((p) => p.atIntersection).map(observationOf), Array(2).fill('No landmark nearby; You observe an intersection'));
  });
});

describe('V-IRL: shared route-file vectors', () => {
  for (const c of vectors.routeFiles) {
    it(`${c.name}: as in Python`, () => {
      let routes: Route[];
      try {
        routes = parseRoutes(c.data, 'routes.json');
      } catch (err) {
        assert.deepEqual({ error: (err as Error).message }, { error: c.error });
        return;
      }
      const config = virlConfig({ env: 'virl', routes: { file: 'routes.json' }, maxStraight: 0 });
      const parsed = routes.map((r) => ({
        routeId: r.routeId,
        instruction: { reference: instructionSentences(r, false), strict: instructionSentences(r, true) },
        observations: buildRail(r, config, new Rng(0)).map(observationOf),
      }));
      assert.deepEqual(parsed, c.routes);
    });
  }
});
