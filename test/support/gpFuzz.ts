// Request generator for the differential fuzz of the environment servers (TypeScript vs
// Python): random configs, hands, episodes, and random or mutated model outputs. Seeded,
// so a failing case can be replayed.
import { cardValue, RANKS, solutions, type GeneralPointsConfig, type Rank } from '../../src/core/envs/generalpoints';
import { Rng } from '../../src/core/envs/prng';
import { generateRoutes } from '../../src/core/envs/cities';
import { ABSOLUTE, expertResponse, parseRoutes, RELATIVE, virlConfig, VirlEpisode, type Route } from '../../src/core/envs/virl';

const PIECES = [
  ...'0123456789+-*/()=', ' ', '\t', '\n', '\u00d7', '\u00f7', '"', "'", '[', ']', '{', '}', ',', ':', '\\',
  '"formula": "', '"cards": [', '"number": [', "'formula': '", 'None', 'NaN', 'A', 'J', 'Q', 'K', 'T', '10', '11', '12', '13', '08', '00',
  '\u0663', '\uff11', '\ud835\udfd9', '\u00e9', '\u0000', '\ud800', '\udc00', '\ud83d\ude00', '\u202e', '<script>',
];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.below(items.length)]!;
}

function soup(rng: Rng, maxPieces: number): string {
  let text = '';
  const n = rng.below(maxPieces + 1);
  for (let i = 0; i < n; i++) text += pick(rng, PIECES);
  return text;
}

function mutate(rng: Rng, text: string): string {
  const chars = [...text];
  const edits = 1 + rng.below(4);
  for (let e = 0; e < edits; e++) {
    const at = rng.below(chars.length + 1);
    switch (rng.below(3)) {
      case 0:
        chars.splice(at, 0, pick(rng, PIECES));
        break;
      case 1:
        chars.splice(at, 1);
        break;
      default:
        chars.splice(at, 1, pick(rng, PIECES));
    }
  }
  return chars.join('');
}

function randomConfig(rng: Rng): Record<string, unknown> {
  const config: Record<string, unknown> = { env: 'generalpoints' };
  config.verifier = pick(rng, ['reference', 'strict']);
  if (rng.below(2)) config.modality = pick(rng, ['language', 'vision']);
  if (rng.below(2)) config.faceCards = pick(rng, ['all-10', '11-12-13']);
  if (rng.below(3) === 0) config.sampling = 'at-least-one-face';
  if (rng.below(3) === 0) config.draw = pick(rng, ['deck', 'independent']);
  if (rng.below(3) === 0) config.suits = pick(rng, ['all', 'black', 'red']);
  if (rng.below(6) === 0) config.target = 1 + rng.below(40);
  if (rng.below(3) === 0) config.maxVerify = 1 + rng.below(6);
  return config;
}

function answerText(formula: string, cards: string[], layout: number): string {
  switch (layout) {
    case 0:
      return `\n{\n  "cards": [${cards.map((c) => `'${c}'`).join(', ')}],\n  "number": [1, 2, 3, 4],\n  "formula": "${formula}",\n}`;
    case 1:
      return JSON.stringify({ cards, formula });
    case 2:
      return `{'cards': [${cards.map((c) => `'${c}'`).join(', ')}], 'formula': '${formula}'}`;
    default:
      return `{"formula": "${formula}", "cards": "${cards.join(', ')}"}`;
  }
}

/** A model output for this hand: correct, mutated, rule-collapsed, or noise. */
export function randomOutput(rng: Rng, config: GeneralPointsConfig, cards: Rank[]): string {
  const values = cards.map((c) => cardValue(c, config.faceCards));
  const found = solutions(values, config.target, config.verifier);
  const formula = found.length ? pick(rng, found) : values.join('+');
  const shown = rng.below(4) === 0 ? cards.map((c) => (rng.below(2) ? pick(rng, RANKS) : c)) : [...cards];
  const layout = rng.below(4);
  switch (rng.below(7)) {
    case 0:
      return answerText(formula, shown, layout);
    case 1:
      return mutate(rng, answerText(formula, shown, layout));
    case 2:
      return answerText(mutate(rng, formula), shown, layout);
    case 3: {
      const other = config.faceCards === 'all-10' ? '11-12-13' : 'all-10';
      return answerText(cards.map((c) => cardValue(c, other)).join(pick(rng, ['+', '*', '-'])), shown, layout);
    }
    case 4:
      return answerText(soup(rng, 12), shown, layout);
    case 5:
      return soup(rng, 40);
    default:
      return mutate(rng, formula);
  }
}

const VIRL_ACTIONS = ['forward()', 'stop()', ...[...ABSOLUTE, ...RELATIVE, 'up', ''].map((d) => `turn_direction(${d})`), 'Forward()', ' turn_direction( North ) ', 'turn_direction(north)\n'];
const VIRL_OBSERVATIONS = ['No landmarks nearby; ', 'Prince St is on your front; You observe an intersection', 'an INTERSECTION', 'nothing'];

// JSON values of other types than strings, and Python's constants (which its json reads)
const VIRL_TYPED = ['["intersection"]', '["an intersection"]', '{"intersection": 0}', '{"x": "intersection"}', '5', 'null', 'true', 'NaN', '-Infinity', '[]'];

/** A model output for a V-IRL position: an action in one of several layouts, or noise. */
export function randomVirlOutput(rng: Rng): string {
  const action = rng.below(5) === 0 ? mutate(rng, pick(rng, VIRL_ACTIONS)) : pick(rng, VIRL_ACTIONS);
  const observation = pick(rng, VIRL_OBSERVATIONS);
  switch (rng.below(6)) {
    case 5: {
      const typed = () => (rng.below(2) ? pick(rng, VIRL_TYPED) : JSON.stringify(pick(rng, [action, observation])));
      return `{"current observation":${typed()},"action":${rng.below(2) ? JSON.stringify(action) : typed()}${rng.below(2) ? `,"confidence":${pick(rng, ['NaN', 'Infinity', '-NaN', '0.5'])}` : ''}}`;
    }
    case 0:
      return JSON.stringify({ 'current observation': observation, 'current instruction': 'x', action });
    case 1:
      return `\n{\n  "current observation": "${observation}",\n  "current instruction": "x",\n  "action": "${action}",\n}`;
    case 2:
      return mutate(rng, JSON.stringify({ action }));
    case 3:
      return `{"action": "${action}"}`;
    default:
      return soup(rng, 30);
  }
}

function randomVirlConfig(rng: Rng, routeFiles: string[]): Record<string, unknown> {
  const routes = rng.below(2) ? { file: pick(rng, routeFiles) } : { synthetic: { city: pick(rng, ['nyc', 'vln-mini', 'lagos']), routes: 40, seed: rng.below(3) } };
  const config: Record<string, unknown> = { env: 'virl', routes, verifier: pick(rng, ['reference', 'strict']) };
  if (rng.below(2)) config.actionSpace = pick(rng, ['absolute', 'relative']);
  if (rng.below(3) === 0) config.modality = 'vision';
  if (rng.below(3) === 0) config.maxStraight = rng.below(7);
  if (rng.below(3) === 0) config.dropRate = pick(rng, [0, 0.25, 0.5, 1]);
  if (rng.below(3) === 0) config.maxVerify = 1 + rng.below(3);
  return config;
}

/** V-IRL request lines over the route files of `routeFiles` (each file, relative to both
 * servers' folder, with its routes as parsed here) and synthetic cities.
 * Episodes follow the expert most of the time (a local episode says what the expert does),
 * so they reach deep into routes; the servers' answers are what the test compares. */
export function* virlFuzzRequests(seed: number, count: number, routeFiles: Record<string, Route[]>): Generator<string> {
  const rng = new Rng(seed);
  let made = 0;
  while (made < count) {
    const raw = randomVirlConfig(rng, Object.keys(routeFiles));
    if (rng.below(3) === 0) {
      yield JSON.stringify({ op: 'verify', config: raw, state: { seed: rng.below(50), position: rng.below(8) }, output: randomVirlOutput(rng), id: made++ });
      continue;
    }
    const config = virlConfig(raw);
    const episodeSeed = rng.nextU32();
    const { file, synthetic: spec } = config.routes as { file?: string; synthetic?: { city: string; routes: number; seed: number } };
    const episodeRoutes = spec ? parseRoutes(generateRoutes(spec.city, spec.routes, spec.seed), 'synthetic') : routeFiles[file!]!;
    const episode = new VirlEpisode(config, episodeRoutes, episodeSeed);
    yield JSON.stringify({ op: 'reset', config: raw, seed: episodeSeed, id: made++ });
    while (!episode.done && made < count) {
      const output = rng.below(10) < 7 ? expertResponse(config, episode.route, episode.rail, episode.position) : randomVirlOutput(rng);
      episode.step(output);
      yield JSON.stringify({ op: 'step', action: output, id: made++ });
    }
  }
}

/** `count` request lines: verify requests and whole episodes (reset then steps). */
export function* fuzzRequests(seed: number, count: number): Generator<string> {
  const rng = new Rng(seed);
  let made = 0;
  while (made < count) {
    const raw = randomConfig(rng);
    const config = { target: 24, faceCards: 'all-10', verifier: 'strict', ...raw } as GeneralPointsConfig;
    if (rng.below(5) < 3) {
      const cards = Array.from({ length: 4 }, () => pick(rng, RANKS));
      yield JSON.stringify({ op: 'verify', config: raw, state: { cards }, output: randomOutput(rng, config, cards), id: made++ });
    } else {
      const episodeSeed = rng.nextU32();
      yield JSON.stringify({ op: 'reset', config: raw, seed: episodeSeed, id: made++ });
      const steps = 1 + rng.below(7);
      const cards = Array.from({ length: 4 }, () => pick(rng, RANKS)); // outputs need not match the dealt hand
      for (let s = 0; s < steps && made < count; s++) yield JSON.stringify({ op: 'step', action: randomOutput(rng, config, cards), id: made++ });
    }
  }
}
