// The environment preview's model: variants from a config, hand-played episodes through the
// TypeScript environments, the route map's geometry.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentConfig } from '../../src/core/contracts/generated/types';
import { renderHandSvg } from '../../src/core/envs/cards';
import { generateRoutes } from '../../src/core/envs/cities';
import { cardValue, completeSolutions, expertResponse, GeneralPointsEpisode, generalPointsConfig, verify, type Rank } from '../../src/core/envs/generalpoints';
import { nodeRouteFileLoader } from '../../src/core/envs/routeFiles';
import { parseRoutes, VirlEpisode, virlConfig, verifyVirl } from '../../src/core/envs/virl';
import { routeMap } from '../../src/core/envs/views';
import { PreviewEpisode, previewVariants, type PreviewSource } from '../../src/core/envs/previewEpisode';

const repo = join(__dirname, '..', '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'workspace');
const loader = nodeRouteFileLoader(fixtures);

function source(file: string): PreviewSource {
  const experiment = JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as ExperimentConfig;
  return { configUri: `file://${join(fixtures, file)}`, configPath: file, experiment: experiment.name, variants: previewVariants(experiment) };
}

describe('preview: variants of a config', () => {
  it('lists the training variant, then each split with its overrides applied', () => {
    const experiment = JSON.parse(readFileSync(join(repo, 'examples', 'gp-vl.ptlab.json'), 'utf8')) as ExperimentConfig;
    const variants = previewVariants(experiment);
    assert.deepEqual(
      variants.map((v) => [v.id, v.kind, v.task, v.recognition, v.firstSeed]),
      [
        ['train', 'train', 'GP-VL', false, 0],
        ['split:id', 'id', 'GP-VL', false, 1234],
        ['split:ood-rule', 'rule-ood', 'GP-VL', false, 1234],
        ['split:ood-visual', 'visual-ood', 'GP-VL', false, 1234],
        ['split:id-recognition', 'id', 'GP-VL', true, 1234],
        ['split:ood-visual-recognition', 'visual-ood', 'GP-VL', true, 1234],
      ],
    );
    const rule = variants.find((v) => v.id === 'split:ood-rule')!;
    assert.deepEqual(rule.overrides, ['faceCards: 11-12-13', 'sampling: at-least-one-face']);
    assert.equal(rule.environment.faceCards, '11-12-13');
    assert.equal(rule.environment.suits, 'black', 'keys a split does not override come from the training environment');
  });
});

describe('preview: a GeneralPoints episode by hand', () => {
  it('shows the exact prompt, the card image and every solution of the complete solver', () => {
    const preview = new PreviewEpisode(source('preview-gp-vl.ptlab.json'), 'split:ood-visual', 7, loader);
    const config = generalPointsConfig(preview.variant.environment);
    const reference = new GeneralPointsEpisode(config, 7);
    const view = preview.view();
    assert.equal(view.prompt, reference.prompt);
    assert.deepEqual(view.generalPoints?.cards, reference.hand.cards);
    assert.ok(view.generalPoints!.suits.every((s) => s === 'hearts' || s === 'diamonds'), 'the visual OOD split deals red suits');
    const svg = Buffer.from(view.generalPoints!.cardImage!.replace('data:image/svg+xml;base64,', ''), 'base64').toString('utf8');
    assert.equal(svg, renderHandSvg(reference.hand.cards, reference.hand.suits));
    assert.deepEqual(view.generalPoints!.solutions, completeSolutions(reference.hand.values, 24));
    assert.equal(view.expertAnswer, expertResponse(reference.hand));
  });

  it('steps through sequential revision with the verifier rewards and messages', () => {
    const preview = new PreviewEpisode(source('preview-gp-vl.ptlab.json'), 'train', 3, loader);
    const config = generalPointsConfig(preview.variant.environment);
    const hand = new GeneralPointsEpisode(config, 3).hand;
    const wrong = `{"cards": ${JSON.stringify(hand.cards)}, "formula": "${hand.values.join('+')}"}`;
    preview.answer(wrong);
    let view = preview.view();
    const expected = verify(config, hand, wrong);
    assert.deepEqual(
      view.transcript.slice(1).map((t) => (t.kind === 'verdict' ? [t.kind, t.reward, t.message, t.failureMode] : [t.kind, t.text])),
      [
        ['answer', wrong],
        ['verdict', expected.reward, expected.message, expected.failureMode ?? null],
        ['prompt', `You failed this trial because ${expected.message}`],
      ],
    );
    assert.equal(view.attemptsLeft, 4);
    preview.answer(view.expertAnswer!);
    view = preview.view();
    const last = view.transcript[view.transcript.length - 1]!;
    assert.ok(last.kind === 'verdict' && last.reward === 5 && last.message === 'Correct solution.' && last.success);
    assert.equal(view.done, true);
    assert.equal(view.expertAnswer, undefined);
    assert.equal(preview.answer('again'), false, 'an answer after the end is ignored');
  });

  it("calls an answer valuing the face cards by the training rule on the rule-OOD split 'rule-collapse', as the evaluations do", () => {
    const experiment = JSON.parse(readFileSync(join(repo, 'examples', 'gp-l.ptlab.json'), 'utf8')) as ExperimentConfig;
    const preview = new PreviewEpisode({ configUri: 'file:///gp-l.ptlab.json', configPath: 'gp-l.ptlab.json', experiment: experiment.name, variants: previewVariants(experiment) }, 'split:ood-rule', 1234, loader);
    const cards = preview.view().generalPoints!.cards as Rank[];
    assert.deepEqual(cards, ['8', 'Q', '2', 'Q']);
    const trained = cards.map((c) => cardValue(c, 'all-10'));
    preview.answer(`{"cards": ${JSON.stringify(cards)}, "number": ${JSON.stringify(trained)}, "formula": "${trained.join('+')}"}`);
    const verdict = preview.view().transcript.find((t) => t.kind === 'verdict');
    assert.equal(verdict?.kind === 'verdict' && verdict.failureMode, 'rule-collapse');
  });
});

describe('preview: a V-IRL episode by hand', () => {
  it('moves the agent along the rail on correct answers, with a new chat per position', () => {
    const preview = new PreviewEpisode(source('preview-virl.ptlab.json'), 'train', 5, loader);
    let view = preview.view();
    const twin = new VirlEpisode(virlConfig(preview.variant.environment), parseRoutesOf(preview), 5);
    assert.equal(view.prompt, twin.prompt);
    assert.equal(view.virl!.map.agent, 0);
    assert.ok(view.virl!.streetView, 'the vision variant describes its street-view grid');
    const wrong = '{"current observation": "nothing", "action": "stop()"}';
    preview.answer(wrong);
    view = preview.view();
    const verdict = verifyVirl(twin.config, twin.rail[0]!, wrong);
    const entry = view.transcript.find((t) => t.kind === 'verdict')!;
    assert.ok(entry.kind === 'verdict' && entry.message === verdict.message && entry.reward === verdict.reward);
    assert.equal(view.attemptsLeft, 1);
    preview.answer(view.expertAnswer!);
    view = preview.view();
    assert.equal(view.virl!.position, 1);
    assert.equal(view.virl!.map.agent, 1);
    const prompt = view.transcript[view.transcript.length - 1]!;
    assert.ok(prompt.kind === 'prompt' && prompt.newChat && prompt.position === 1);
    while (!preview.done) preview.answer(preview.view().expertAnswer!);
    view = preview.view();
    assert.ok(view.success);
    assert.equal(view.virl!.map.agent, view.virl!.railLength - 1);
  });

  it('ignores an answer sent after the episode ended (a second submit in flight), keeping the episode', () => {
    const preview = new PreviewEpisode(source('preview-virl.ptlab.json'), 'train', 5, loader);
    while (!preview.done) assert.equal(preview.answer(preview.view().expertAnswer!), true);
    const ended = preview.view();
    assert.equal(preview.answer(''), false);
    assert.deepEqual(preview.view(), ended);
  });

  it('draws the route by dead reckoning, north up, rail points on their segments', () => {
    const preview = new PreviewEpisode(source('preview-xss.ptlab.json'), 'train', 0, loader);
    const view = preview.view();
    const map = view.virl!.map;
    const round = (p: { x: number; y: number }): [number, number] => [Math.round(p.x) + 0, Math.round(p.y) + 0];
    assert.deepEqual(map.intersections.map(round), [[0, 0], [80, 0], [80, -120]]);
    assert.equal(map.start, `<img src=x onerror="window.__ptlabPwned='start'">`, 'names are data, passed through untouched');
    assert.match(map.intersections[1]!.landmarks, /^<img src=x onerror=window.__ptlabPwned=1> is on your left$/);
    const rail = map.rail.map(round);
    assert.deepEqual(rail[0], [0, 0], 'the first turn is at the start');
    assert.deepEqual(rail[rail.length - 1], [80, -120], 'stop() is at the destination');
    for (const [x, y] of rail) assert.ok((y === 0 && x >= 0 && x <= 80) || (x === 80 && y <= 0 && y >= -120), `(${x}, ${y}) lies on the route`);
  });

  it("plays the route evaluation plays at a seed of an eachRouteOnce split (route i at evaluation.seed + i)", () => {
    const experiment = JSON.parse(readFileSync(join(repo, 'examples', 'virl-vl.ptlab.json'), 'utf8')) as ExperimentConfig;
    const example: PreviewSource = { configUri: 'file:///virl-vl.ptlab.json', configPath: 'virl-vl.ptlab.json', experiment: experiment.name, variants: previewVariants(experiment) };
    const split = example.variants.find((v) => v.id === 'split:ood-visual')!;
    assert.ok(split.eachRouteOnce && split.firstSeed === 1234);
    const config = virlConfig(split.environment);
    const routes = parseRoutes(generateRoutes('vln-mini', 18, 0), 'synthetic');
    for (let i = 0; i < routes.length; i++) {
      const view = new PreviewEpisode(example, split.id, 1234 + i, loader).view();
      assert.equal(view.virl!.routeId, routes[i]!.routeId, `episode ${i} plays route ${i}`);
      assert.equal(view.prompt, new VirlEpisode(config, routes, 1234 + i, i).prompt);
    }
    for (const seed of [1233, 1234 + 18]) {
      assert.throws(() => new PreviewEpisode(example, split.id, seed, loader), new RegExp(`split ood-visual runs each of its 18 routes once, at seeds 1234 to 1251: seed ${seed} is none of its episodes`));
    }
    const wrapped = { ...example, variants: example.variants.map((v) => (v === split ? { ...v, firstSeed: 0xfffffff0 } : v)) };
    assert.equal(new PreviewEpisode(wrapped, split.id, 1, loader).view().virl!.routeId, routes[17]!.routeId, 'seeds wrap at 2**32 as evaluation.seed + i does');
    assert.equal(new PreviewEpisode(example, 'split:id', 1234, loader).variant.eachRouteOnce, false);
  });

  it('names a missing route file', () => {
    const broken = source('preview-xss.ptlab.json');
    broken.variants[0]!.environment = { ...broken.variants[0]!.environment, routes: { file: 'missing.json' } };
    assert.throws(() => new PreviewEpisode(broken, 'train', 0, loader), /environment\.routes\.file: cannot read .*missing\.json/);
  });

  it('keeps the geometry of a one-segment route', () => {
    const [route] = parseRoutes(
      [{ start_place: { name: 'a' }, dest_place: { name: 'b' }, milestone_info: '{"landmarks": "x is on your left", "distance": "100 meters", "human_heading": "0", "to_next_intersection_heading": "180 (south)"}' }],
      'inline',
    );
    const config = virlConfig({ routes: { file: 'inline' }, maxStraight: 0 });
    const episode = new VirlEpisode(config, [route!], 0);
    const map = routeMap(route!, episode.rail, 0, 'absolute');
    assert.deepEqual(map.intersections.map((p) => [Math.round(p.x) + 0, Math.round(p.y) + 0]), [[0, 0], [0, 100]]);
  });
});

function parseRoutesOf(preview: PreviewEpisode) {
  const spec = (preview.variant.environment.routes as { synthetic: { city: string; routes: number; seed: number } }).synthetic;
  return parseRoutes(generateRoutes(spec.city, spec.routes, spec.seed), 'synthetic');
}
