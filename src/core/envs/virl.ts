// V-IRL: navigating city routes by instructions, in reference and strict modes.
// The Python twin is trainer/ptlab/envs/virl.py (its docstring lists the decisions taken
// where the spec is silent); both give byte-identical prompts, rewards, messages and
// episodes. Pure: callers pass route data, never paths.
import { EnvConfigError, jsonObject, referenceField } from './generalpoints';
import { Rng } from './prng';

export const ABSOLUTE = ['north', 'northeast', 'east', 'southeast', 'south', 'southwest', 'west', 'northwest'] as const;
export const RELATIVE = ['left', 'right', 'slightly left', 'slightly right'] as const;
const NO_LANDMARKS = 'No landmarks nearby';
const NO_LANDMARK_FOUND = 'No landmark nearby'; // the V-IRL platform's words for an intersection without one
const AT_INTERSECTION = 'You observe an intersection';

const PROMPT_L_FIRST_LINE = 'You are an expert in navigation. You will receive a sequence of instructions to follow. You';
const PROMPT_VL_FIRST_LINE = 'You are an expert in navigation. You will receive a sequence of instructions to follow while observing your surrounding stree tviews. You';

const ACTION_SPACE_TEXT = {
  absolute:
    '"forward()": indicates moving forward one step\n' +
    '"turn_direction(x)": indicates adjust the ego agent direction towards x direction. x could be any following 8 directions ' +
    "['north', 'northeast', 'east', 'southeast', 'south', 'southwest', 'west', 'northwest']\n" +
    '"stop()": indicates the navigation is finished.',
  relative:
    '"forward()": indicates moving forward one step\n' +
    '"turn_direction(x)": indicates adjust the ego agent direction towards x direction. x could be any following ' +
    "['left', 'right', 'slightly left', 'slightly right']\n" +
    '"stop()": indicates the navigation is finished.',
};

// quirk: the double braces are literal; the reference never formats this template.
const FMT =
  '\n[Output]\n{{\n' +
  '  "current observation": latest observation from the streetview grid,\n' +
  '  "current instruction": analyze the full instruction and identify the sentence to be executed,\n' +
  '  "action": the action to be taken chosen from the action space,\n' +
  '}}';
const CORRECT = 'Correct action.';
const NOT_AT_INTERSECTION = `you are not at any intersection. Please avoid this observation and try again in the same format:${FMT}.`;
const AT_AN_INTERSECTION = `you are at an intersection. Please avoid this observation and try again in the same format:${FMT}.`;
const INCORRECT = `you make incorrect action. Please avoid this action and try again in the same format:${FMT}.`;
const BUDGET = 'Exceed maximum verify steps';

// ---------------------------------------------------------------------------- config

export interface VirlConfig {
  routes: { file: string } | { synthetic: SyntheticRoutes };
  actionSpace: 'absolute' | 'relative';
  maxStraight: number;
  dropRate: number;
  modality: 'language' | 'vision';
  maxVerify: number;
  verifier: 'reference' | 'strict';
  panoramas?: string;
}

/** An offline synthetic city (src/core/envs/cities.ts); absent keys take the schema's defaults. */
export interface SyntheticRoutes {
  city: string;
  routes?: number;
  seed?: number;
}

const VIRL_DEFAULTS: Omit<VirlConfig, 'routes'> = { actionSpace: 'absolute', maxStraight: 5, dropRate: 0.5, modality: 'language', maxVerify: 2, verifier: 'strict' };
const KNOWN = ['routes', 'actionSpace', 'maxStraight', 'dropRate', 'modality', 'maxVerify', 'verifier', 'panoramas'];
const KNOWN_KEYS = ['env', ...KNOWN].sort(); // as the Python twin lists them

export function virlConfig(raw: unknown): VirlConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EnvConfigError('environment: must be an object');
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).filter((key) => !KNOWN_KEYS.includes(key)).sort(); // one order in both languages
  if (unknown.length > 0) throw new EnvConfigError(`environment.${unknown[0]}: unknown key for virl (known: ${KNOWN_KEYS.join(', ')})`);
  if ('env' in r && r.env !== 'virl') throw new EnvConfigError(`environment.env: expected 'virl', got ${JSON.stringify(r.env)}`);
  for (const [key, options] of [['actionSpace', ['absolute', 'relative']], ['modality', ['language', 'vision']], ['verifier', ['reference', 'strict']]] as const) {
    if (key in r && !(options as readonly unknown[]).includes(r[key])) {
      throw new EnvConfigError(`environment.${key}: must be one of ${options.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(r[key])}`);
    }
  }
  for (const [key, low, high] of [['maxStraight', 0, 100], ['maxVerify', 1, 100]] as const) {
    const v = r[key];
    if (key in r && !(Number.isInteger(v) && (v as number) >= low && (v as number) <= high)) {
      throw new EnvConfigError(`environment.${key}: must be an integer in [${low}, ${high}], got ${JSON.stringify(v)}`);
    }
  }
  if ('dropRate' in r && !(typeof r.dropRate === 'number' && r.dropRate >= 0 && r.dropRate <= 1)) {
    throw new EnvConfigError(`environment.dropRate: must be a number in [0, 1], got ${JSON.stringify(r.dropRate)}`);
  }
  if ('panoramas' in r && !(typeof r.panoramas === 'string' && r.panoramas !== '')) {
    throw new EnvConfigError(`environment.panoramas: must be a non-empty string (a folder, relative to the config), got ${JSON.stringify(r.panoramas)}`);
  }
  const routes = checkRoutes(r.routes);
  if (!('file' in routes)) checkSynthetic(routes.synthetic as Record<string, unknown>);
  const config = { ...VIRL_DEFAULTS, routes } as VirlConfig;
  for (const key of KNOWN) if (key in r) (config as unknown as Record<string, unknown>)[key] = r[key];
  return config;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

const ROUTES_KEYS = ['file', 'synthetic'];
const SYNTHETIC_KEYS = ['city', 'routes', 'seed'];

/** The schema's routeSource: {"file": ...} or {"synthetic": {...}}, one of them; the same words as the Python twin (_check_routes). */
function checkRoutes(routes: unknown): Record<string, unknown> {
  const at = 'environment.routes';
  if (!(isObject(routes) && ROUTES_KEYS.some((key) => has(routes, key)))) throw new EnvConfigError(`${at}: required, {"file": "route_infos.json"} or {"synthetic": {"city": ...}}`);
  const unknown = Object.keys(routes).filter((key) => !ROUTES_KEYS.includes(key)).sort();
  if (unknown.length > 0) throw new EnvConfigError(`${at}.${unknown[0]}: unknown key (known: ${ROUTES_KEYS.join(', ')})`);
  if (has(routes, 'file') && has(routes, 'synthetic')) throw new EnvConfigError(`${at}: either "file" or "synthetic", not both`);
  if (has(routes, 'file') && !(typeof routes.file === 'string' && routes.file !== '')) {
    throw new EnvConfigError(`${at}.file: must be a non-empty string (a route file, relative to the config), got ${JSON.stringify(routes.file)}`);
  }
  if (has(routes, 'synthetic') && !isObject(routes.synthetic)) throw new EnvConfigError(`${at}.synthetic: must be an object, {"city": ...}, got ${JSON.stringify(routes.synthetic)}`);
  return routes;
}

/** The schema's bounds; the same words as the Python twin (VirlConfig.from_dict). */
function checkSynthetic(synthetic: Record<string, unknown>): void {
  const at = 'environment.routes.synthetic';
  const unknown = Object.keys(synthetic).filter((key) => !SYNTHETIC_KEYS.includes(key)).sort();
  if (unknown.length > 0) throw new EnvConfigError(`${at}.${unknown[0]}: unknown key (known: ${SYNTHETIC_KEYS.join(', ')})`);
  if (typeof synthetic.city !== 'string' || synthetic.city === '') throw new EnvConfigError(`${at}.city: required, a non-empty string`);
  for (const [key, low, high] of [['routes', 1, 1_000_000], ['seed', 0, 0xffffffff]] as const) {
    const v = synthetic[key];
    if (key in synthetic && !(Number.isInteger(v) && (v as number) >= low && (v as number) <= high)) throw new EnvConfigError(`${at}.${key}: must be an integer in [${low}, ${high}]`);
  }
}

// ---------------------------------------------------------------------------- routes

export interface Milestone {
  /** What is seen at the end of this segment (next intersection or destination). */
  landmarks: string;
  distanceM: number;
  previousHeading: number;
  heading: number;
  direction: string;
}

export interface Route {
  routeId: string;
  start: string;
  destination: string;
  milestones: Milestone[];
  /** Synthetic cities name their style; reference files have none. */
  city: string;
}

export class RouteFormatError extends Error {}

// ASCII digits and spacing, spelled out: JavaScript's \s takes other spaces than Python's,
// whose \d and \s also take other scripts' digits and spaces; both languages read the same files.
const MILESTONE_BLOCK_RE = /\{([^{}]*)\}/g;
const MILESTONE_FIELD_RE = /"([a-z_]+)":[ \t\n\r\f\v]*"([^"]*)"/g;
const HEADING_RE = /^[ \t\n\r\f\v]*(-?[0-9]+(?:\.[0-9]+)?)[ \t\n\r\f\v]*(?:\(([a-z]+)\))?[ \t\n\r\f\v]*$/;
const DISTANCE_RE = /^[ \t\n\r\f\v]*([0-9]+(?:\.[0-9]+)?)[ \t\n\r\f\v]*meters?[ \t\n\r\f\v]*$/;

/** The nearest of the 8 absolute directions (45-degree sectors centred on north). */
export function directionName(heading: number): string {
  const h = ((heading % 360) + 360) % 360;
  return ABSOLUTE[Math.floor((h + 22.5) / 45) % 8]!;
}

function parseHeading(text: string, where: string): [number, string | undefined] {
  const m = HEADING_RE.exec(text);
  if (!m) throw new RouteFormatError(`${where}: heading '${text}' is not like '298 (northwest)'`);
  return [finite(m[1]!, `${where}: heading '${text}' is not a finite number of degrees`), m[2]];
}

/** The number the digits write, refused beyond a double's range (over 308 digits: Infinity). */
function finite(digits: string, refusal: string): number {
  const number = Number(digits);
  if (!Number.isFinite(number)) throw new RouteFormatError(refusal);
  return number;
}

export function parseMilestones(info: string, where: string): Milestone[] {
  const milestones: Milestone[] = [];
  [...info.matchAll(MILESTONE_BLOCK_RE)].forEach((block, index) => {
    const fields: Record<string, string> = {};
    for (const [, k, v] of block[1]!.matchAll(MILESTONE_FIELD_RE)) fields[k!] = v!;
    const at = `${where}.milestone_info[${index}]`;
    for (const key of ['distance', 'human_heading', 'to_next_intersection_heading']) {
      if (!(key in fields)) throw new RouteFormatError(`${at}: missing "${key}"`);
    }
    const distance = DISTANCE_RE.exec(fields.distance!);
    if (!distance) throw new RouteFormatError(`${at}: distance '${fields.distance}' is not like '16 meters'`);
    const meters = finite(distance[1]!, `${at}: distance '${fields.distance}' is not a finite number of meters`);
    const [previousHeading] = parseHeading(fields.human_heading!, at);
    const [heading, name] = parseHeading(fields.to_next_intersection_heading!, at);
    const landmarks = Object.prototype.hasOwnProperty.call(fields, 'landmarks') ? fields.landmarks! : NO_LANDMARK_FOUND; // as the reference reads a block without one
    milestones.push({ landmarks, distanceM: Math.trunc(meters), previousHeading, heading, direction: name ?? directionName(heading) });
  });
  if (milestones.length === 0) throw new RouteFormatError(`${where}.milestone_info: no milestone blocks`);
  return milestones;
}

/** The route values of a route file, and where its list is (undefined: one route dict). The
 * authors' files are [[route, ...], count]: their environment reads [0] as the routes and
 * keeps [1] unread, so any integer count is taken. */
function routeItems(data: unknown, source: string): [unknown[], string | undefined] {
  if (!Array.isArray(data)) return [[data], undefined];
  if (data.length > 0 && Array.isArray(data[0])) {
    if (data.length !== 2 || !Number.isSafeInteger(data[1])) {
      throw new RouteFormatError(`${source}: a list that starts with a list is the authors' [[route, ...], count]: two items, the routes and their count (an integer)`);
    }
    return [data[0] as unknown[], `${source}[0]`];
  }
  return [data, source];
}

/** A string as it is, an integer in digits (7 and 7.0 alike); route-{index} without one. */
function routeId(route: Record<string, unknown>, index: number, where: string): string {
  if (!has(route, 'route_id')) return `route-${index}`;
  const value = route.route_id;
  if (typeof value === 'string') return value;
  if (!Number.isSafeInteger(value)) throw new RouteFormatError(`${where}.route_id: must be a string or an integer of at most 2**53 - 1, got ${JSON.stringify(value)}`);
  return String(value);
}

/** Routes from a reference route_infos.json value: one route dict, a list of them, or the
 * authors' [[route, ...], count]. */
export function parseRoutes(data: unknown, source: string): Route[] {
  const [items, at] = routeItems(data, source);
  const routes = items.map((item: unknown, i): Route => {
    const where = at === undefined ? source : `${at}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new RouteFormatError(`${where}: a route must be an object`);
    const r = item as Record<string, unknown>;
    for (const key of ['start_place', 'dest_place', 'milestone_info']) if (!(key in r)) throw new RouteFormatError(`${where}: missing "${key}"`);
    const name = (place: unknown, fallback: string) => (typeof place === 'object' && place !== null ? String((place as { name?: unknown }).name ?? fallback) : fallback);
    if (typeof r.milestone_info !== 'string') throw new RouteFormatError(`${where}.milestone_info: must be a string of milestone blocks`);
    return {
      routeId: routeId(r, i, where),
      start: name(r.start_place, 'start'),
      destination: name(r.dest_place, 'destination'),
      milestones: parseMilestones(r.milestone_info, where),
      city: typeof r.city === 'string' ? r.city : '',
    };
  });
  if (routes.length === 0) throw new RouteFormatError(`${source}: no routes`);
  return routes;
}

// ---------------------------------------------------------------------------- the expert rail

export function relativeDirection(previous: number, heading: number, wrap: boolean): string {
  let d = heading - previous;
  if (wrap) d = ((((d + 180) % 360) + 360) % 360) - 180; // strict: the short way round
  if (d < -45) return 'left';
  if (d > 45) return 'right';
  return d <= 0 ? 'slightly left' : 'slightly right';
}

export interface Position {
  landmark: string;
  atIntersection: boolean;
  absoluteAction: string;
  relativeAction: string;
  /** Index of the instruction sentence being executed. */
  sentence: number;
  /** The agent's heading here (before turning, at a turn). */
  heading: number;
  /** Index on the route's full rail (no point dropped), the same on every seed: names its panorama. */
  place: number;
}

export const observationOf = (p: Position) => `${p.landmark}; ${p.atIntersection ? AT_INTERSECTION : ''}`;
export const actionOf = (p: Position, space: VirlConfig['actionSpace']) => (space === 'absolute' ? p.absoluteAction : p.relativeAction);

export function instructionSentences(route: Route, wrap: boolean): string[] {
  const sentences: string[] = [];
  const last = route.milestones.length - 1;
  route.milestones.forEach((m, s) => {
    const rel = relativeDirection(m.previousHeading, m.heading, wrap);
    const first = s === 0 && s < last; // the reference tests for the last milestone first: one alone says "Turn"
    sentences.push(`${first ? 'First, turn' : 'Turn'} ${rel} to face ${m.direction}.`);
    const said = m.landmarks !== '' && m.landmarks !== NO_LANDMARK_FOUND; // '': the synthetic cities' word for none
    if (s < last) sentences.push(said ? `Move forward until you reach next intersection where ${m.landmarks}.` : 'Move forward until you reach next intersection.');
    else sentences.push(`Move forward until you reach destination where ${m.landmarks}.`);
  });
  return sentences;
}

export function buildRail(route: Route, config: VirlConfig, rng: Rng): Position[] {
  const wrap = config.verifier === 'strict';
  const rail: Position[] = [];
  const last = route.milestones.length - 1;
  const stride = config.maxStraight + 1; // a segment's places on the full rail: its turn, then its forward() points
  route.milestones.forEach((m, s) => {
    const landmark = s === 0 ? NO_LANDMARKS : route.milestones[s - 1]!.landmarks;
    rail.push({ landmark, atIntersection: s > 0, absoluteAction: `turn_direction(${m.direction})`, relativeAction: `turn_direction(${relativeDirection(m.previousHeading, m.heading, wrap)})`, sentence: 2 * s, heading: m.previousHeading, place: s * stride });
    const kept: number[] = []; // up to maxStraight, as the reference
    for (let i = 0; i < config.maxStraight; i++) if (rng.random() >= config.dropRate) kept.push(i);
    for (const i of kept) rail.push({ landmark: NO_LANDMARKS, atIntersection: false, absoluteAction: 'forward()', relativeAction: 'forward()', sentence: 2 * s + 1, heading: m.heading, place: s * stride + 1 + i });
    if (s === last) rail.push({ landmark: m.landmarks, atIntersection: false, absoluteAction: 'stop()', relativeAction: 'stop()', sentence: 2 * s + 1, heading: m.heading, place: (s + 1) * stride });
  });
  return rail;
}

// ---------------------------------------------------------------------------- prompts

export function obsActSequence(rail: Position[], position: number, space: VirlConfig['actionSpace'], vision: boolean): string {
  const lines: string[] = [];
  rail.slice(0, position).forEach((p, i) => lines.push(`O_${i + 1}: ${observationOf(p)}`, `A_${i + 1}: ${actionOf(p, space)}`));
  const current = rail[position]!;
  const observation = vision ? `You observe an image of 4 views; ${current.atIntersection ? AT_INTERSECTION : ''}` : observationOf(current);
  lines.push(`O_${position + 1}: ${observation}`, `A_${position + 1}: `);
  return lines.map((l) => `${l}\n`).join('');
}

export function prompt(config: VirlConfig, route: Route, rail: Position[], position: number): string {
  const vision = config.modality === 'vision';
  const instruction = instructionSentences(route, config.verifier === 'strict')
    .map((s, i) => `${i + 1}. ${s}\n`) // each line ends with one, as the reference's
    .join('');
  const observationFormat = vision
    ? '[Observation format]\nYou observe a 2x2 grid of streetview images with the following headings:\n' +
      '[front, right\n back, left]\n' +
      'You need to identify if any of the landmarks in the instruction are visible in the street view grid.\n\n'
    : '';
  const latest = vision ? 'latest observation from the street view grid,' : 'latest observation from the observation sequence,';
  return (
    '\n[Task Description]\n' +
    `${vision ? PROMPT_VL_FIRST_LINE : PROMPT_L_FIRST_LINE}\n` +
    'are also provided with your observation and action history in text. Your goal is to first analyze the instruction ' +
    'and identify the next sentence to be executed. \n' +
    'Then, you need to provide the action to be taken based on the current observation and instruction.\n\n' +
    `[Instruction]\n${instruction}\n\n` +
    observationFormat +
    `[Action space]\n${ACTION_SPACE_TEXT[config.actionSpace]}\n\n` +
    `[Observations and actions sequence]\n${obsActSequence(rail, position, config.actionSpace, vision)}\n\n` +
    '[Output]\n{\n' +
    `  "current observation": ${latest}\n` +
    '  "current instruction": analyze the full instruction and identify the sentence to be executed,\n' +
    '  "action": the action to be taken chosen from the action space,\n' +
    '}\n'
  );
}

/** The SFT target: the reference's ResponseVIRL, which ends with a newline after its brace. */
export function expertResponse(config: VirlConfig, route: Route, rail: Position[], position: number): string {
  const p = rail[position]!;
  const sentence = instructionSentences(route, config.verifier === 'strict')[p.sentence]!;
  return `\n{\n  "current observation": "${observationOf(p)}",\n  "current instruction": "${sentence}",\n  "action": "${actionOf(p, config.actionSpace)}",\n}\n`;
}

// ---------------------------------------------------------------------------- verifiers

const ACTION_RE = /"action": "([^\n]*?)"/;
const OBSERVATION_RE = /"current observation": "([^\n]*?)"/;

function field(output: string, key: string, pattern: RegExp): string | undefined {
  const parsed = jsonObject(output);
  if (parsed !== undefined && typeof parsed[key] === 'string' && Object.prototype.hasOwnProperty.call(parsed, key)) return parsed[key] as string;
  const m = pattern.exec(output);
  return m ? m[1] : undefined;
}

/** Strict: case (ASCII) and spacing do not matter: ` Turn_Direction( North ) ` is `turn_direction(north)`. */
function normalizeAction(action: string): string {
  const text = strip(action.replace(/[ \t\n\r\f\v]+/g, ' ')).replace(/[A-Z]/g, (c) => c.toLowerCase());
  return text.replace(/ ?([()]) ?/g, '$1');
}

function strip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === ' ') start++;
  while (end > start && text[end - 1] === ' ') end--;
  return text.slice(start, end);
}

function turnTarget(action: string): string | undefined {
  const m = /^turn_direction\(([^\n]*)\)$/.exec(action);
  return m ? m[1] : undefined;
}

export type VirlFailureMode = 'format' | 'wrong-turn' | 'missed-intersection' | 'phantom-intersection' | 'premature-stop' | 'missed-stop' | 'action-space-confusion' | 'budget-exhausted';

const WELL_FORMED = new Set(['forward()', 'stop()', ...[...ABSOLUTE, ...RELATIVE].map((d) => `turn_direction(${d})`)]);

export function failureMode(expert: string, action: string | undefined, space: VirlConfig['actionSpace'], claimsIntersection: boolean, atIntersection: boolean): VirlFailureMode {
  if (action === undefined || !WELL_FORMED.has(action)) return 'format';
  const target = turnTarget(action);
  const other: readonly string[] = space === 'absolute' ? RELATIVE : ABSOLUTE;
  if (target !== undefined && other.includes(target)) return 'action-space-confusion';
  if (action === 'stop()' && expert !== 'stop()') return 'premature-stop';
  if (claimsIntersection && !atIntersection) return 'phantom-intersection';
  if (expert === 'stop()') return 'missed-stop'; // went on at the destination
  // the start's orientation turn is at no intersection: answered otherwise, a wrong turn
  if (expert.startsWith('turn_direction(')) return target === undefined && atIntersection ? 'missed-intersection' : 'wrong-turn';
  return 'phantom-intersection'; // a turn where the rail goes straight
}

export interface VirlVerdict {
  reward: number;
  message: string;
  correct: boolean;
  failureMode: VirlFailureMode | undefined;
}

/** `needle in container` as Python evaluates it on a JSON value (a substring, a list's item, an
 * object's key); undefined where it raises TypeError (a number, true, false, null). */
function pythonIn(needle: string, container: unknown): boolean | undefined {
  if (typeof container === 'string') return container.includes(needle);
  if (Array.isArray(container)) return container.some((item) => item === needle);
  if (isObject(container)) return has(container, needle);
  return undefined;
}

/** The reference's step_rewards_virl, its fields as re_match reads them: any JSON value
 * (json.loads reads NaN and Infinity), else the patterns' strings, else "None". */
export function verifyReference(config: VirlConfig, p: Position, output: string): VirlVerdict {
  const expert = actionOf(p, config.actionSpace);
  const action = referenceField(output, 'action', ACTION_RE, true);
  const observation = referenceField(output, 'current observation', OBSERVATION_RE, true);
  // quirk: on a number, true, false or null observation the reference's `in` raises and its
  // run stops; read here as no claim
  const claims = pythonIn('intersection', observation) ?? false;
  if (action === expert) return { reward: 1, message: CORRECT, correct: true, failureMode: undefined };
  const mode = failureMode(expert, typeof action === 'string' ? action : undefined, config.actionSpace, claims, p.atIntersection);
  // quirk: the expert's landmark text never says "intersection", so this fires for any
  // wrong answer that mentions one, at an intersection or not.
  if (claims && !p.landmark.includes('intersection')) return { reward: -1.5, message: NOT_AT_INTERSECTION, correct: false, failureMode: mode };
  if (p.landmark.includes('intersection') && !claims) return { reward: -1.5, message: AT_AN_INTERSECTION, correct: false, failureMode: mode };
  return { reward: -1, message: INCORRECT, correct: false, failureMode: mode };
}

export function verifyStrict(config: VirlConfig, p: Position, output: string): VirlVerdict {
  const expert = actionOf(p, config.actionSpace);
  const rawAction = field(output, 'action', ACTION_RE);
  const observation = field(output, 'current observation', OBSERVATION_RE);
  const action = rawAction === undefined ? undefined : normalizeAction(rawAction);
  const claims = observation !== undefined && observation.replace(/[A-Z]/g, (c) => c.toLowerCase()).includes('intersection');
  if (action === expert) return { reward: 1, message: CORRECT, correct: true, failureMode: undefined };
  const mode = failureMode(expert, action, config.actionSpace, claims, p.atIntersection);
  if (action === undefined) return { reward: -1, message: 'no action found: answer with a JSON object that has an "action" field.', correct: false, failureMode: mode };
  if (observation !== undefined && claims !== p.atIntersection) {
    const where = p.atIntersection ? 'at an intersection' : 'not at an intersection';
    return { reward: -1.5, message: `you are ${where}; look at the observation again and answer in the same format.`, correct: false, failureMode: mode };
  }
  if (mode === 'action-space-confusion') return { reward: -1, message: 'that direction is not in the action space; use the directions the action space lists.', correct: false, failureMode: mode };
  return { reward: -1, message: 'incorrect action; follow the instruction sentence for this position.', correct: false, failureMode: mode };
}

/** Reward and message of one attempt at a position. Defined for every string. */
export function verifyVirl(config: VirlConfig, p: Position, output: string): VirlVerdict {
  return config.verifier === 'reference' ? verifyReference(config, p, output) : verifyStrict(config, p, output);
}

// ---------------------------------------------------------------------------- episodes

export interface VirlStep {
  reward: number;
  message: string;
  done: boolean;
  success: boolean;
  truncated: boolean;
  nextPrompt: string | undefined;
  /** The next prompt starts a fresh chat (after a move) instead of appending. */
  newChat: boolean;
  correct: boolean;
  failureMode: VirlFailureMode | undefined;
}

/** The V-IRL-VL observation's descriptor, from which the Python trainer draws the street-view
 * grid (a type, not an interface: the env server sends it as JSON). */
export type StreetViewDescriptor = {
  type: string;
  city: string;
  routeId: string;
  position: number;
  place: number;
  landmark: string;
  atIntersection: boolean;
  heading: number;
};

export class VirlEpisode {
  readonly route: Route;
  readonly rail: Position[];
  position = 0;
  attemptsHere = 0;
  attempts = 0;
  correct = 0;
  done = false;
  success = false;
  prompt: string;

  constructor(
    readonly config: VirlConfig,
    routes: Route[],
    readonly seed: number,
    /** Run routes[route] (an index in the routes' order) instead of the route the seed draws; the draw still happens. */
    route?: number,
  ) {
    const rng = new Rng(seed);
    const drawn = rng.below(routes.length);
    this.route = routes[route ?? drawn]!;
    this.rail = buildRail(this.route, config, rng);
    this.prompt = prompt(config, this.route, this.rail, 0);
  }

  get expertAction(): string {
    return actionOf(this.rail[this.position]!, this.config.actionSpace);
  }

  step(output: string): VirlStep {
    if (this.done) throw new Error('the episode is over; reset to start another');
    if (this.attemptsHere >= this.config.maxVerify) {
      // reference only: strict ends before
      this.done = true;
      return { reward: -1, message: BUDGET, done: true, success: false, truncated: true, nextPrompt: undefined, newChat: false, correct: false, failureMode: 'budget-exhausted' };
    }
    this.attemptsHere++;
    this.attempts++;
    const verdict = verifyVirl(this.config, this.rail[this.position]!, output);
    if (verdict.correct) {
      this.correct++;
      const finished = this.rail[this.position]!.absoluteAction === 'stop()';
      this.position++;
      this.attemptsHere = 0;
      this.done = this.success = finished;
      const nextPrompt = finished ? undefined : prompt(this.config, this.route, this.rail, this.position);
      if (nextPrompt) this.prompt = nextPrompt;
      return { reward: verdict.reward, message: verdict.message, done: finished, success: finished, truncated: false, nextPrompt, newChat: !finished, correct: true, failureMode: undefined };
    }
    const outOfAttempts = this.config.verifier === 'strict' && this.attemptsHere >= this.config.maxVerify;
    this.done = outOfAttempts;
    return {
      reward: verdict.reward,
      message: verdict.message,
      done: outOfAttempts,
      success: false,
      truncated: outOfAttempts,
      nextPrompt: outOfAttempts ? undefined : `You failed this trial because ${verdict.message}`,
      newChat: false,
      correct: false,
      failureMode: verdict.failureMode,
    };
  }

  /** Vision: what the street-view grid shows here (the Python trainer renders it). */
  image(): StreetViewDescriptor | null {
    return this.done ? null : this.imageAt(this.position);
  }

  /** Vision: what the street-view grid shows at a position of the rail (a transcript's turn). */
  imageAt(position: number): StreetViewDescriptor | null {
    const p = this.rail[position];
    if (this.config.modality !== 'vision' || !p) return null;
    return { type: 'virl-streetview', city: this.route.city, routeId: this.route.routeId, position, place: p.place, landmark: p.landmark, atIntersection: p.atIntersection, heading: p.heading };
  }

  state(): { routeId: string; position: number; railLength: number; expertAction: string | null; attempts: number; correct: number } {
    return { routeId: this.route.routeId, position: this.position, railLength: this.rail.length, expertAction: this.done ? null : this.expertAction, attempts: this.attempts, correct: this.correct };
  }
}
