// GeneralPoints: the 24-points card game of the paper, in reference and strict modes.
// The Python twin is trainer/ptlab/envs/generalpoints.py; both give byte-identical
// prompts, rewards, messages and episodes (shared vectors and a differential fuzz test).
// shared/spec/environments.md is the definition; "quirk" marks the reference code's
// behaviour kept on purpose. Pure: no vscode, no DOM, no fs.
import { Rng } from './prng';

export const RANKS = ['A', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'J', 'Q', 'K'] as const;
export type Rank = (typeof RANKS)[number];
export type Suit = 'spades' | 'hearts' | 'clubs' | 'diamonds';
const SUITS: Record<GeneralPointsConfig['suits'], Suit[]> = {
  all: ['spades', 'hearts', 'clubs', 'diamonds'],
  black: ['spades', 'clubs'],
  red: ['hearts', 'diamonds'],
};
const FACE_TEXT: Record<GeneralPointsConfig['faceCards'], string> = {
  'all-10': "'J', 'Q', and 'K' count as '10'.",
  '11-12-13': "'J', 'Q', and 'K' count as '11', '12', and '13' respectively.",
};
export const CORRECT_REWARD = 5;

export class EnvConfigError extends Error {}

// ---------------------------------------------------------------------------- config

export interface GeneralPointsConfig {
  target: number;
  faceCards: 'all-10' | '11-12-13';
  sampling: 'any' | 'at-least-one-face';
  draw: 'deck' | 'independent';
  suits: 'all' | 'black' | 'red';
  modality: 'language' | 'vision';
  maxVerify: number;
  verifier: 'reference' | 'strict';
}

export const GENERALPOINTS_DEFAULTS: GeneralPointsConfig = {
  target: 24,
  faceCards: 'all-10',
  sampling: 'any',
  draw: 'independent',
  suits: 'all',
  modality: 'language',
  maxVerify: 5,
  verifier: 'strict',
};

const CHOICES: Partial<Record<keyof GeneralPointsConfig, readonly string[]>> = {
  faceCards: ['all-10', '11-12-13'],
  sampling: ['any', 'at-least-one-face'],
  draw: ['deck', 'independent'],
  suits: ['all', 'black', 'red'],
  modality: ['language', 'vision'],
  verifier: ['reference', 'strict'],
};

/** Build from the experiment schema's environment object (`env` may be present). */
export function generalPointsConfig(raw: unknown): GeneralPointsConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EnvConfigError('environment: must be an object');
  const record = raw as Record<string, unknown>;
  const known = Object.keys(GENERALPOINTS_DEFAULTS);
  const knownKeys = ['env', ...known].sort(); // as the Python twin lists them
  const unknown = Object.keys(record).filter((key) => !knownKeys.includes(key)).sort(); // one order in both languages
  if (unknown.length > 0) throw new EnvConfigError(`environment.${unknown[0]}: unknown key for generalpoints (known: ${knownKeys.join(', ')})`);
  if ('env' in record && record.env !== 'generalpoints') throw new EnvConfigError(`environment.env: expected 'generalpoints', got ${JSON.stringify(record.env)}`);
  for (const [key, options] of Object.entries(CHOICES)) {
    if (key in record && !options.includes(record[key] as string)) {
      throw new EnvConfigError(`environment.${key}: must be one of ${options.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(record[key])}`);
    }
  }
  for (const [key, high] of [['target', 1_000_000], ['maxVerify', 100]] as const) {
    const v = record[key];
    if (key in record && !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= high)) {
      throw new EnvConfigError(`environment.${key}: must be an integer in [1, ${high}], got ${JSON.stringify(v)}`);
    }
  }
  const config = { ...GENERALPOINTS_DEFAULTS };
  for (const key of known) if (key in record) (config as Record<string, unknown>)[key] = record[key];
  if (config.target > highestReachable(config.faceCards)) {
    throw new EnvConfigError(`environment.target: four cards reach at most ${highestReachable(config.faceCards)} under faceCards '${config.faceCards}' (the four highest multiplied), got ${config.target}`);
  }
  return config;
}

export function cardValue(rank: Rank, faceCards: GeneralPointsConfig['faceCards']): number {
  const index = RANKS.indexOf(rank) + 1;
  return faceCards === 'all-10' ? Math.min(index, 10) : index;
}

// ---------------------------------------------------------------------------- exact arithmetic

/** [numerator, positive denominator], reduced. */
type Rational = [number, number];

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

function rat(n: number, d = 1): Rational {
  let g = gcd(n, d) || 1;
  if (d < 0) g = -g;
  return [n / g, d / g];
}

function apply(op: string, [an, ad]: Rational, [bn, bd]: Rational): Rational | undefined {
  switch (op) {
    case '+':
      return rat(an * bd + bn * ad, ad * bd);
    case '-':
      return rat(an * bd - bn * ad, ad * bd);
    case '*':
      return rat(an * bn, ad * bd);
    default:
      return bn === 0 ? undefined : rat(an * bd, ad * bn);
  }
}

export function formatRational([n, d]: Rational): string {
  return d === 1 ? String(n) : `${n}/${d}`;
}

class FormulaError extends Error {}

const isAsciiDigits = (t: string): boolean => /^[0-9]+$/.test(t);

/** CPython's parser: "too many nested parentheses" beyond it. */
export const MAX_NESTING = 200;

/** The deepest parenthesis level among the tokens (unbalanced ones counted as they open). */
export function nesting(tokens: string[]): number {
  let depth = 0;
  let deepest = 0;
  for (const t of tokens) {
    if (t === '(') deepest = Math.max(deepest, ++depth);
    else if (t === ')') depth--;
  }
  return deepest;
}

/** Recursive descent over tokens with the usual precedence, evaluated exactly; nesting
 * deeper than MAX_NESTING is a FormulaError (the recursion could not descend it). */
class ExactParser {
  private pos = 0;
  divisionByZero = false;

  constructor(private readonly tokens: string[]) {}

  parse(): Rational {
    if (nesting(this.tokens) > MAX_NESTING) throw new FormulaError(`parentheses nested deeper than ${MAX_NESTING} levels`);
    const value = this.sum();
    if (this.pos !== this.tokens.length) throw new FormulaError(`unexpected '${this.tokens[this.pos]}' at token ${this.pos + 1}`);
    return value;
  }

  private sum(): Rational {
    let value = this.product();
    while (this.pos < this.tokens.length && (this.tokens[this.pos] === '+' || this.tokens[this.pos] === '-')) {
      const op = this.tokens[this.pos++]!;
      value = this.combine(op, value, this.product());
    }
    return value;
  }

  private product(): Rational {
    let value = this.atom();
    while (this.pos < this.tokens.length && (this.tokens[this.pos] === '*' || this.tokens[this.pos] === '/')) {
      const op = this.tokens[this.pos++]!;
      value = this.combine(op, value, this.atom());
    }
    return value;
  }

  private atom(): Rational {
    if (this.pos >= this.tokens.length) throw new FormulaError("the formula ends where a number or '(' is expected");
    const token = this.tokens[this.pos++]!;
    if (token === '(') {
      const value = this.sum();
      if (this.pos >= this.tokens.length || this.tokens[this.pos] !== ')') throw new FormulaError("unbalanced parentheses: a '(' is never closed");
      this.pos++;
      return value;
    }
    if (isAsciiDigits(token)) {
      const significant = token.replace(/^0+/, '') || '0';
      // Longer numbers can never be card values; the numbers check rejects them later.
      return significant.length <= 15 ? [Number(significant), 1] : [1e15, 1];
    }
    throw new FormulaError(`unexpected '${token}' at token ${this.pos}`);
  }

  private combine(op: string, a: Rational, b: Rational): Rational {
    const result = apply(op, a, b);
    if (result === undefined) {
      this.divisionByZero = true;
      return [0, 1];
    }
    return result;
  }
}

// ---------------------------------------------------------------------------- solvers

// The reference's bracket placements (Rosetta Code "24 game/Solve"), inserted in order into
// the 7-slot sequence d o d o d o d; each insertion shifts the later slots.
const REFERENCE_BRACKETS: number[][] = [[], [0, 4], [0, 6], [2, 6], [2, 8], [4, 8], [0, 4, 6, 10]];
const OPERATORS = ['+', '-', '*', '/'] as const;

function distinctPermutations(values: number[]): number[][] {
  const result = new Map<string, number[]>();
  const walk = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) result.set(prefix.join(','), prefix);
    rest.forEach((v, i) => walk([...prefix, v], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  walk([], values);
  return [...result.values()].sort((a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return 0;
  });
}

function* operatorTriples(): Generator<[string, string, string]> {
  for (const a of OPERATORS) for (const b of OPERATORS) for (const c of OPERATORS) yield [a, b, c];
}

function evalTokens(tokens: string[]): Rational | undefined {
  const parser = new ExactParser(tokens);
  const value = parser.parse();
  return parser.divisionByZero ? undefined : value;
}

const equalsTarget = (value: Rational | undefined, target: number) => value !== undefined && value[0] === target && value[1] === 1;
const solutionCache = new Map<string, string[]>();

function cached(kind: string, values: number[], target: number, compute: (sorted: number[]) => string[]): string[] {
  const sorted = [...values].sort((a, b) => a - b);
  const key = `${kind}:${target}:${sorted.join(',')}`;
  let found = solutionCache.get(key);
  if (!found) {
    if (solutionCache.size > 8192) solutionCache.clear();
    solutionCache.set(key, (found = compute(sorted)));
  }
  return found;
}

function floatOp(op: string, x: number, y: number): number {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    default:
      return y !== 0 ? x / y : NaN;
  }
}

/** a o b o c ... with * and / before + and -, left to right (floats, NaN on x/0). */
function flat(values: number[], ops: string[]): number {
  const terms = [values[0]!];
  const pending: string[] = [];
  ops.forEach((op, i) => {
    if (op === '*' || op === '/') terms[terms.length - 1] = floatOp(op, terms[terms.length - 1]!, values[i + 1]!);
    else {
      pending.push(op);
      terms.push(values[i + 1]!);
    }
  });
  let result = terms[0]!;
  pending.forEach((op, i) => (result = floatOp(op, result, terms[i + 1]!)));
  return result;
}

/** The value of each REFERENCE_BRACKETS placement, in order, as floats. */
function referenceForms(a: number, b: number, c: number, d: number, o1: string, o2: string, o3: string): number[] {
  return [
    flat([a, b, c, d], [o1, o2, o3]),
    flat([floatOp(o1, a, b), c, d], [o2, o3]),
    flat([flat([a, b, c], [o1, o2]), d], [o3]),
    flat([a, floatOp(o2, b, c), d], [o1, o3]),
    flat([a, flat([b, c, d], [o2, o3])], [o1]),
    flat([a, b, floatOp(o3, c, d)], [o1, o2]),
    floatOp(o2, floatOp(o1, a, b), floatOp(o3, c, d)),
  ];
}

const near = (value: number, target: number) => Math.abs(value - target) < 1e-6; // a float screen; candidates are then checked exactly

/** Every formula of the reference enumeration equal to target, in enumeration order. */
export function referenceSolutions(values: number[], target: number): string[] {
  return cached('reference', values, target, (sorted) => {
    const found = new Set<string>();
    for (const p of distinctPermutations(sorted)) {
      const [a, b, c, d] = p as [number, number, number, number];
      for (const [o1, o2, o3] of operatorTriples()) {
        const forms = referenceForms(a, b, c, d, o1, o2, o3);
        REFERENCE_BRACKETS.forEach((brackets, f) => {
          if (!near(forms[f]!, target)) return;
          const tokens = [String(a), o1, String(b), o2, String(c), o3, String(d)];
          brackets.forEach((point, i) => tokens.splice(point, 0, i % 2 === 0 ? '(' : ')'));
          if (equalsTarget(evalTokens(tokens), target)) found.add(tokens.join(''));
        });
      }
    }
    return [...found];
  });
}

type Tree = number | [string, Tree, Tree];
const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

/** [text, precedence] of an expression tree with the fewest parentheses. */
function render(node: Tree): [string, number] {
  if (typeof node === 'number') return [String(node), 3];
  const [op, left, right] = node;
  let [lt, lp] = render(left);
  let [rt, rp] = render(right);
  const p = PRECEDENCE[op]!;
  if (lp < p) lt = `(${lt})`;
  if (rp < p || (rp === p && (op === '-' || op === '/'))) rt = `(${rt})`;
  return [`${lt}${op}${rt}`, p];
}

function shapes([a, b, c, d]: number[], [o1, o2, o3]: string[]): Tree[] {
  const [w, x, y, z] = [a!, b!, c!, d!];
  const [p, q, r] = [o1!, o2!, o3!];
  return [
    [r, [q, [p, w, x], y], z],
    [r, [p, w, [q, x, y]], z],
    [q, [p, w, x], [r, y, z]],
    [p, w, [r, [q, x, y], z]],
    [p, w, [q, x, [r, y, z]]],
  ];
}

function treeValue(node: Tree): number {
  if (typeof node === 'number') return node;
  return floatOp(node[0], treeValue(node[1]), treeValue(node[2]));
}

/** Every formula over all five expression shapes equal to target (strict mode). */
export function completeSolutions(values: number[], target: number): string[] {
  return cached('complete', values, target, (sorted) => {
    const found = new Set<string>();
    for (const p of distinctPermutations(sorted)) {
      for (const ops of operatorTriples()) {
        for (const tree of shapes(p, ops)) {
          if (!near(treeValue(tree), target)) continue;
          const [text] = render(tree);
          if (equalsTarget(evalTokens(text.match(/[0-9]+|[+\-*/()]/g)!), target)) found.add(text);
        }
      }
    }
    return [...found];
  });
}

export function solutions(values: number[], target: number, verifier: GeneralPointsConfig['verifier']): string[] {
  return verifier === 'reference' ? referenceSolutions(values, target) : completeSolutions(values, target);
}

// ---------------------------------------------------------------------------- hands

export interface Hand {
  cards: Rank[];
  suits: Suit[];
  values: number[];
  solutions: string[];
}

function drawRanksAndSuits(config: GeneralPointsConfig, rng: Rng): [number[], Suit[]] {
  const suits = SUITS[config.suits];
  if (config.draw === 'deck') {
    const deck: [number, Suit][] = suits.flatMap((suit) => RANKS.map((_, i): [number, Suit] => [i + 1, suit]));
    for (let i = 0; i < 4; i++) {
      const j = i + rng.below(deck.length - i); // partial Fisher-Yates: the first 4 positions
      [deck[i], deck[j]] = [deck[j]!, deck[i]!];
    }
    return [deck.slice(0, 4).map(([r]) => r), deck.slice(0, 4).map(([, s]) => s)];
  }
  let ranks: number[];
  if (config.sampling === 'at-least-one-face') {
    ranks = [rng.between(1, 13), rng.between(1, 13), rng.between(1, 13), rng.between(11, 13)];
    rng.shuffle(ranks);
  } else {
    ranks = [rng.between(1, 13), rng.between(1, 13), rng.between(1, 13), rng.between(1, 13)];
  }
  const drawn: Suit[] = [];
  for (let i = 0; i < 4; i++) drawn.push(suits[rng.below(suits.length)]!);
  return [ranks, drawn];
}

/** The hand of the episode with this seed: drawn until the solver finds a solution
 * (and, for `deck` draws with `at-least-one-face`, until a face card is in it). */
/** The largest number four cards make: the highest value's fourth power. */
export const highestReachable = (faceCards: GeneralPointsConfig['faceCards']): number => cardValue('K', faceCards) ** 4;

/** Hands drawn for one episode before its target counts as one no hand reaches. */
export const MAX_DEALS = 1000;

/** The hand of the episode with this seed: drawn until the solver finds a solution (and, for
 * `deck` draws with `at-least-one-face`, until a face card is in it); a target that none of
 * MAX_DEALS hands reaches is refused rather than drawn for forever. */
export function deal(config: GeneralPointsConfig, seed: number): Hand {
  const rng = new Rng(seed);
  for (let drawn = 0; drawn < MAX_DEALS; drawn++) {
    const [ranks, suits] = drawRanksAndSuits(config, rng);
    if (config.sampling === 'at-least-one-face' && Math.max(...ranks) < 11) continue;
    const cards = ranks.map((r) => RANKS[r - 1]!);
    const values = cards.map((c) => cardValue(c, config.faceCards));
    const found = solutions(values, config.target, config.verifier);
    if (found.length > 0) return { cards, suits, values, solutions: found };
  }
  throw new EnvConfigError(`environment.target: none of ${MAX_DEALS} hands dealt for seed ${seed} reaches ${config.target} under faceCards '${config.faceCards}': choose a target more hands reach (24 in the paper)`);
}

// ---------------------------------------------------------------------------- prompts

/** Python's repr of a list of plain strings (the labels never need escaping). */
const pyListRepr = (items: readonly string[]) => `[${items.map((s) => `'${s}'`).join(', ')}]`;

export function prompt(config: GeneralPointsConfig, hand: Hand): string {
  const face = FACE_TEXT[config.faceCards];
  const target = config.target;
  const vision = config.modality === 'vision';
  const observe = vision ? 'You are observing these four cards in the image.' : 'You will receive a set of 4 cards.';
  const given = vision ? '' : `[Input]\nCards: ${pyListRepr(hand.cards)}\n\n`;
  const outputIntro = vision ? 'Your response should be a valid json file in the following format:\n' : '';
  return (
    '\n[Task Description]\n' +
    `You are an expert ${target} points card game player. ${observe}\n` +
    `Note that ${face}, and each card must be used once.\n` +
    `Your goal is to output a formula that evaluates to ${target} using numbers from the cards ` +
    "and operators such as '+', '-', '*', '/', '(', ')', and '='.\n\n" +
    given +
    '[Output]\n' +
    outputIntro +
    '{\n' +
    `  "cards": [x, y, z, w], where ${face},\n` +
    '  "number": [a, b, c, d], where a, b, c, and d are the numbers on the cards,\n' +
    `  "formula": 'an equation that equals ${target}',\n` +
    '}\n\n'
  );
}

/** The expert's formula: the first solution that Python's float eval (the reference
 * verifier's) also makes exact. Solutions equal the target in exact fractions, and about 1%
 * of hands' first one does not in floats (2/5*6*10 is 24.000000000000004), which the
 * reference verifier scores 0; where no solution does (8/(3-8/3)), the first. */
export function expertFormula(hand: Hand): string {
  for (const formula of hand.solutions) {
    const tokens = formula.match(/[0-9]+|[+\-*/()]/g) ?? [];
    const exact = evalTokens(tokens);
    const value = pythonEval(tokens);
    if (exact !== undefined && value !== undefined && value === exact[0] / exact[1]) return formula;
  }
  return hand.solutions[0]!;
}

/** The SFT target, in the reference's format (quirk: a trailing comma, not valid JSON). */
export function expertResponse(hand: Hand, formula: string = expertFormula(hand)): string {
  return `\n{\n  "cards": ${pyListRepr(hand.cards)},\n  "number": [${hand.values.join(', ')}],\n  "formula": "${formula}",\n}`;
}

export const failureTurn = (message: string) => `You failed this trial because ${message}`;

export interface Turn {
  /** The assistant's answer. */
  output: string;
  reward: number;
  /** The verifier's message; the next user turn is failureTurn(message) unless it is the last. */
  message: string;
}

/** An SFT trajectory with wrong answers first (figure 15's ablation): 1..wrongAttempts
 * wrong formulas (cards shuffled, random operators and brackets), each with the verifier's
 * message, then the expert's answer. At most maxVerify - 1 wrong answers fit an episode. */
export function suboptimalTrajectory(config: GeneralPointsConfig, hand: Hand, seed: number, wrongAttempts: number): Turn[] {
  const rng = new Rng(seed);
  const count = wrongAttempts > 0 ? Math.min(rng.between(1, Math.max(1, wrongAttempts)), config.maxVerify - 1) : 0;
  const turns: Turn[] = [];
  for (let i = 0; i < count; i++) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const values = hand.values.map(String);
      rng.shuffle(values);
      const ops = [0, 1, 2].map(() => OPERATORS[rng.below(4)]!);
      const tokens = [values[0]!, ops[0]!, values[1]!, ops[1]!, values[2]!, ops[2]!, values[3]!];
      const brackets = REFERENCE_BRACKETS[rng.below(REFERENCE_BRACKETS.length)]!;
      brackets.forEach((point, j) => tokens.splice(point, 0, j % 2 === 0 ? '(' : ')'));
      const output = expertResponse(hand, tokens.join(''));
      const verdict = verify(config, hand, output);
      if (verdict.reward !== CORRECT_REWARD) {
        turns.push({ output, reward: verdict.reward, message: verdict.message });
        break;
      }
    }
  }
  const final = expertResponse(hand);
  const verdict = verify(config, hand, final);
  turns.push({ output: final, reward: verdict.reward, message: verdict.message });
  return turns;
}

// ---------------------------------------------------------------------------- parsing

const MAX_JSON_DEPTH = 512;

/** Index of each character of `text` outside JSON strings (the quotes themselves excluded). */
function* outsideStrings(text: string): Generator<number> {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else yield i;
  }
}

/** Deepest [ or { nesting outside strings; beyond MAX_JSON_DEPTH the JSON path is not
 * taken in either language (Python's json recursion would give up somewhere past it). */
function jsonDepthWithin(text: string, limit: number): boolean {
  let depth = 0;
  for (const i of outsideStrings(text)) {
    const c = text[i];
    if (c === '[' || c === '{') {
      if (++depth > limit) return false;
    } else if (c === ']' || c === '}') depth--;
  }
  return true;
}

type JsonObject = Record<string, unknown>;

/** The output as a JSON object, or undefined; `pythonConstants`: NaN, Infinity and -Infinity
 * read as numbers, as Python's json.loads (the reference's) reads them. */
export function jsonObject(output: string, pythonConstants = false): JsonObject | undefined {
  if (!jsonDepthWithin(output, MAX_JSON_DEPTH)) return undefined;
  try {
    const value: unknown = JSON.parse(pythonConstants ? withPythonConstants(output, () => ' 0 ') : output);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/** Each NaN, Infinity and -Infinity outside strings as `as(constant)`, JSON that makes a number
 * where Python's json reads one (jsonObject: ` 0 `, the value unread by its callers), so that
 * where Python reads none (-NaN, NaNx) the text is still no JSON. */
export function withPythonConstants(text: string, as: (constant: string) => string): string {
  let out = '';
  let start = 0;
  for (const i of outsideStrings(text)) {
    if (i < start) continue; // inside a constant just replaced
    const constant = ['-Infinity', 'Infinity', 'NaN'].find((name) => text.startsWith(name, i));
    if (constant !== undefined) {
      out += text.slice(start, i) + as(constant);
      start = i + constant.length;
    }
  }
  return out + text.slice(start);
}

const has = (o: JsonObject, key: string) => Object.prototype.hasOwnProperty.call(o, key);

// Python's `.` excludes only "\n"; spelled out so both languages mean the same.
const FORMULA_RE = /"formula": "([^\n]*?)"/;
const CARDS_RE = /"cards": \[([^\]]+)\]/;
const NUMBER_RE = /"number": \[([^\]]+)\]/;

/** The reference's re_match: the JSON value of any type where the output is a JSON object with
 * this key, else the pattern's group, else "None". */
export function referenceField(output: string, key: string, pattern: RegExp, pythonConstants = false): unknown {
  const parsed = jsonObject(output, pythonConstants);
  if (parsed !== undefined && has(parsed, key)) return parsed[key];
  const match = pattern.exec(output);
  return match ? match[1] : 'None';
}

/** The reference's clean-up: strip [ ] ' and spaces, split on commas, 4 items or none
 * (quirk: a JSON list is not a string, the clean-up fails, and the list is empty). */
function referenceList(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  const items = raw.replaceAll('[', '').replaceAll(']', '').replaceAll("'", '').replaceAll(' ', '').split(',');
  return items.length === 4 ? items : [];
}

/** The formula cut at its first '=', and whether a formula field was found at all. */
export function referenceFormula(output: string): [string, boolean] {
  const parsed = jsonObject(output, true);
  if (parsed !== undefined && typeof parsed.formula === 'string' && has(parsed, 'formula')) return [parsed.formula.split('=')[0]!, true];
  const match = FORMULA_RE.exec(output);
  return match ? [match[1]!.split('=')[0]!, true] : ['None', false];
}

export interface ParsedAnswer {
  formula: string | undefined;
  cards: string[];
  numbers: string[];
  /** False: no cards field at all (unreadable output, not a misread). */
  cardsFound: boolean;
}

// Python's int() of a string: its whitespace (ASCII, and the non-ASCII that str.isspace
// takes), a sign, decimal digits with single underscores between them.
const PY_INT_SPACE = '[\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*';
const PY_INT_RE = new RegExp(`^${PY_INT_SPACE}[+-]?\\p{Nd}(?:_?\\p{Nd})*${PY_INT_SPACE}$`, 'u');

/** The cards field as the reference reads it (quirk: a list the regex finds whose items are
 * all Python ints, `"cards": [2, 3, 4, 10]`, becomes a list of ints, whose clean-up fails:
 * no cards recognized); undefined when there is none. */
function referenceCards(output: string): string[] | undefined {
  const parsed = jsonObject(output, true);
  if (parsed !== undefined && has(parsed, 'cards')) return referenceList(parsed.cards);
  const match = CARDS_RE.exec(output);
  if (!match) return undefined;
  if (match[1]!.split(', ').every((item) => PY_INT_RE.test(item))) return [];
  return referenceList(match[1]);
}

export function parseReference(output: string): ParsedAnswer {
  const [formula, found] = referenceFormula(output);
  const cards = referenceCards(output);
  return {
    formula: found ? formula : undefined,
    cards: cards ?? [],
    numbers: referenceList(referenceField(output, 'number', NUMBER_RE, true)),
    cardsFound: cards !== undefined,
  };
}

// Strict parsing: JSON first, then tolerant field patterns (single or double quotes, any
// ASCII spacing, trailing commas); only ASCII classes so both languages agree.
const SPACE = '[ \\t\\r\\n]*';
const STRICT_FORMULA_RE = new RegExp(`["']formula["']${SPACE}:${SPACE}(?:"([^"\\n]*)"|'([^'\\n]*)')`);
const STRICT_LIST_RE: Record<'cards' | 'number', RegExp> = {
  cards: new RegExp(`["']cards["']${SPACE}:${SPACE}\\[([^\\]]*)\\]`),
  number: new RegExp(`["']number["']${SPACE}:${SPACE}\\[([^\\]]*)\\]`),
};
const LABEL_ALIASES: Record<string, string> = { T: '10', '1': 'A', ACE: 'A', JACK: 'J', QUEEN: 'Q', KING: 'K', '11': 'J', '12': 'Q', '13': 'K' };

function strip(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start]!)) start++;
  while (end > start && chars.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}

function jsonItem(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' && Number.isInteger(x) && Math.abs(x) < 2 ** 53) return String(x);
  return '';
}

function strictItems(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(jsonItem);
  if (typeof raw === 'string') return strip(raw, ' \t\r\n') ? raw.split(',').map((item) => strip(item, ' \t\r\n\'"')) : [];
  return [];
}

export function normalizeLabel(label: string): string {
  const upper = strip(label, ' \t\r\n').replace(/[a-z]/g, (c) => c.toUpperCase()); // ASCII only
  return Object.hasOwn(LABEL_ALIASES, upper) ? LABEL_ALIASES[upper]! : upper;
}

export function parseStrict(output: string): ParsedAnswer {
  const parsed = jsonObject(output);
  let formula: string | undefined;
  if (parsed !== undefined && typeof parsed.formula === 'string' && has(parsed, 'formula')) formula = parsed.formula;
  else {
    const match = STRICT_FORMULA_RE.exec(output);
    if (match) formula = match[1] ?? match[2];
  }
  const lists = {} as Record<'cards' | 'number', string[] | undefined>;
  for (const key of ['cards', 'number'] as const) {
    if (parsed !== undefined && has(parsed, key)) lists[key] = strictItems(parsed[key]);
    else {
      const match = STRICT_LIST_RE[key].exec(output);
      lists[key] = match ? strictItems(match[1]) : undefined;
    }
  }
  return { formula, cards: (lists.cards ?? []).map(normalizeLabel), numbers: lists.number ?? [], cardsFound: lists.cards !== undefined };
}

// ---------------------------------------------------------------------------- verifiers

export type GeneralPointsFailureMode = 'format' | 'illegal-formula' | 'wrong-numbers' | 'arithmetic' | 'rule-collapse' | 'recognition' | 'budget-exhausted';

export interface Verdict {
  reward: number;
  message: string;
  /** Vision: were the four cards recognized (undefined for language). */
  recognized: boolean | undefined;
  /** undefined when correct. */
  failureMode: GeneralPointsFailureMode | undefined;
}

const ND_RE = /\p{Nd}/u;

/** The decimal value of a Unicode decimal digit: digits come in aligned runs 0..9. */
function digitValue(ch: string): number {
  let cp = ch.codePointAt(0)!;
  let start = cp;
  while (ND_RE.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** int(token) of a Unicode decimal digit string, as canonical ASCII digits. */
function decimalValue(token: string): string {
  let digits = '';
  for (const ch of token) digits += String(digitValue(ch));
  return digits.replace(/^0+/, '') || '0';
}

const pyIntList = (items: string[]) => `[${items.join(', ')}]`;
const firstSeen = (items: string[]) => [...new Set(items)];
const count = (items: string[], x: string) => items.filter((i) => i === x).length;
function sortedEqual(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sb = [...b].sort();
  return [...a].sort().every((x, i) => x === sb[i]);
}

const REFERENCE_TOKEN_RE = /\p{Nd}+|[+\-*/()]/gu; // quirk: \d is any Unicode decimal digit
const OPERATOR_SET = new Set(['+', '-', '*', '/']);
const OPENERS = new Set(['+', '-', '*', '/', '(']);
const SYMBOLS = new Set(['+', '-', '*', '/', '(', ')']);

/** Python's eval of a formula over these tokens: IEEE doubles with true division; undefined
 * where eval raises (syntax error, a leading-zero number, division by zero, parentheses
 * nested deeper than its parser takes). */
function pythonEval(tokens: string[]): number | undefined {
  if (nesting(tokens) > MAX_NESTING) return undefined;
  for (const t of tokens) {
    if (SYMBOLS.has(t)) continue;
    if (!isAsciiDigits(t)) return undefined; // SyntaxError: Python literals are ASCII digits only
    if (t.length > 1 && t[0] === '0' && /[^0]/.test(t)) return undefined; // leading zeros
  }
  let pos = 0;
  class Raise extends Error {}
  const atom = (): number => {
    if (pos >= tokens.length) throw new Raise();
    const t = tokens[pos++]!;
    if (t === '(') {
      const v = expr();
      if (pos >= tokens.length || tokens[pos] !== ')') throw new Raise();
      pos++;
      return v;
    }
    if (SYMBOLS.has(t)) throw new Raise();
    return Number(t); // exact: every number here is a card value
  };
  const term = (): number => {
    let v = atom();
    while (pos < tokens.length && (tokens[pos] === '*' || tokens[pos] === '/')) {
      const op = tokens[pos++];
      const w = atom();
      if (op === '*') v = v * w;
      else if (w === 0) throw new Raise();
      else v = v / w;
    }
    return v;
  };
  const expr = (): number => {
    let v = term();
    while (pos < tokens.length && (tokens[pos] === '+' || tokens[pos] === '-')) {
      const op = tokens[pos++];
      const w = term();
      v = op === '+' ? v + w : v - w;
    }
    return v;
  };
  try {
    const value = expr();
    return pos === tokens.length ? value : undefined;
  } catch (err) {
    if (err instanceof Raise) return undefined;
    throw err;
  }
}

type FaceCards = GeneralPointsConfig['faceCards'];

/** Rule collapse: under a rule other than the training one, the formula's numbers are the
 * hand's with one or more face cards valued by the training rule (J as 10 when J = 11). */
function ruleCollapsed(numbers: string[], hand: Hand, faceCards: FaceCards, trainingFaceCards: FaceCards): boolean {
  if (trainingFaceCards === faceCards) return false;
  const trained = hand.cards.map((c) => cardValue(c, trainingFaceCards));
  const collapsible = hand.values.flatMap((value, i) => (value !== trained[i] ? [i] : []));
  for (let chosen = 1; chosen < 1 << collapsible.length; chosen++) {
    // each non-empty set of face cards valued the training way
    const values = hand.values.map((v, i) => (collapsible.includes(i) && (chosen >> collapsible.indexOf(i)) & 1 ? trained[i]! : v));
    if (sortedEqual(values.map(String), numbers)) return true;
  }
  return false;
}

function recognizedCards(config: GeneralPointsConfig, hand: Hand, answer: ParsedAnswer): boolean | undefined {
  if (config.modality !== 'vision') return undefined;
  return sortedEqual(answer.cards, hand.cards);
}

/** A misread hand is recognition; an answer with no cards field at all is format. */
function unrecognizedMode(answer: ParsedAnswer): GeneralPointsFailureMode {
  return answer.cardsFound ? 'recognition' : 'format';
}

export function verifyReference(config: GeneralPointsConfig, hand: Hand, output: string, trainingFaceCards: FaceCards = config.faceCards): Verdict {
  const answer = parseReference(output);
  const recognized = recognizedCards(config, hand, answer);
  if (recognized === false) return { reward: -1.5, message: 'you recognized wrong cards', recognized: false, failureMode: unrecognizedMode(answer) };
  const formula = answer.formula ?? 'None';
  const tokens = formula.match(REFERENCE_TOKEN_RE) ?? [];
  if (tokens.join('') !== formula) {
    return { reward: -3, message: 'illegal characters.', recognized, failureMode: answer.formula === undefined ? 'format' : 'illegal-formula' };
  }

  let reward = 0;
  const messages: string[] = [];
  let illegal = false;
  const penalize = (message: string) => {
    reward -= 3;
    messages.push(message);
    illegal = true;
  };
  let previous: string | undefined;
  let depth = 0;
  for (const t of tokens) {
    const afterValue = previous !== undefined && !OPENERS.has(previous); // a number or ')'
    if (t === '(') {
      if (afterValue) penalize("invalid sequence before '('");
      else depth++; // an illegal '(' is not opened, so its ')' is unmatched too
    } else if (t === ')') {
      if (afterValue && depth > 0) depth--;
      else if (afterValue) penalize('unmatched closing parenthesis');
      else penalize("invalid sequence after ')'");
    } else if (OPERATOR_SET.has(t)) {
      if (!afterValue) penalize('invalid sequence after operator');
    } else if (afterValue) penalize('invalid sequence after number');
    previous = t;
  }

  const numbers = tokens.filter((t) => !SYMBOLS.has(t)).map(decimalValue);
  const cardNumbers = hand.values.map(String);
  const invalid = firstSeen(numbers.filter((n) => !cardNumbers.includes(n)));
  if (invalid.length > 0) {
    reward -= 2;
    messages.push(`you used invalid numbers: ${pyIntList(invalid)}`);
  } else {
    const overused = firstSeen(numbers.filter((n) => count(numbers, n) > count(cardNumbers, n)));
    if (overused.length > 0) {
      reward -= 2;
      messages.push(`you used numbers: ${pyIntList(overused)} too many times`);
      }
  }
  const unused = firstSeen(cardNumbers.filter((n) => count(numbers, n) < count(cardNumbers, n)));
  if (unused.length > 0) {
    reward -= 2;
    messages.push(`you didn't use numbers: ${pyIntList(unused)}`);
  }

  if (messages.length > 0) {
    const failureMode = ruleCollapsed(numbers, hand, config.faceCards, trainingFaceCards) ? 'rule-collapse' : illegal ? 'illegal-formula' : 'wrong-numbers';
    return { reward, message: `${messages.join(', ')}.`, recognized, failureMode };
  }

  const value = pythonEval(tokens);
  if (value !== undefined && value === config.target) return { reward: CORRECT_REWARD, message: 'Correct solution.', recognized, failureMode: undefined };
  // the reference scores a formula eval refuses (unclosed "(", a trailing operator, division by zero) as a wrong value
  const failureMode = value === undefined ? 'illegal-formula' : 'arithmetic';
  if (value === undefined && hand.solutions.some((s) => s.startsWith(formula))) {
    return { reward: 1, message: 'partial solution.', recognized, failureMode };
  }
  let prefix = '';
  for (let i = 0; i < tokens.length; i++) {
    const candidate = prefix + tokens[i];
    if (!hand.solutions.some((s) => s.startsWith(candidate))) {
      const message = i === 0 ? 'your formula does not match any solution' : `${prefix} is partially correct but the full formula does not match any solution`;
      return { reward: -1, message: `${message}.`, recognized, failureMode };
    }
    prefix = candidate;
  }
  return { reward: 0, message: '.', recognized, failureMode }; // quirk: e.g. 8/(3-8/3) is 23.999...
}

const STRICT_SPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);
const STRICT_ALPHABET = new Set('0123456789+-*/()');

export function verifyStrict(config: GeneralPointsConfig, hand: Hand, output: string, trainingFaceCards: FaceCards = config.faceCards): Verdict {
  const answer = parseStrict(output);
  const recognized = recognizedCards(config, hand, answer);
  if (recognized === false) return { reward: -1.5, message: 'you recognized the wrong cards.', recognized: false, failureMode: unrecognizedMode(answer) };
  if (answer.formula === undefined) {
    return { reward: -3, message: 'no formula found: answer with a JSON object that has a "formula" field.', recognized, failureMode: 'format' };
  }
  let formula = answer.formula.split('=')[0]!.replaceAll('\u00d7', '*').replaceAll('\u00f7', '/');
  formula = [...formula].filter((ch) => !STRICT_SPACE.has(ch)).join('');
  if (formula === '') return { reward: -3, message: 'the formula is empty.', recognized, failureMode: 'illegal-formula' };
  const bad = [...formula].find((ch) => !STRICT_ALPHABET.has(ch));
  if (bad !== undefined) {
    const code = bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return { reward: -3, message: `illegal character U+${code} in the formula: use digits and + - * / ( ) only.`, recognized, failureMode: 'illegal-formula' };
  }
  const tokens = formula.match(/[0-9]+|[+\-*/()]/g)!;
  const parser = new ExactParser(tokens);
  let value: Rational;
  try {
    value = parser.parse();
  } catch (err) {
    if (!(err instanceof FormulaError)) throw err;
    return { reward: -3, message: `illegal formula: ${err.message}.`, recognized, failureMode: 'illegal-formula' };
  }
  const numbers = tokens.filter(isAsciiDigits).map((t) => t.replace(/^0+/, '') || '0');
  if (!sortedEqual(numbers, hand.values.map(String))) {
    const failureMode = ruleCollapsed(numbers, hand, config.faceCards, trainingFaceCards) ? 'rule-collapse' : 'wrong-numbers';
    const message = `use each card's number exactly once: the cards are [${hand.values.join(', ')}], your formula uses [${numbers.join(', ')}].`;
    return { reward: -2, message, recognized, failureMode };
  }
  if (parser.divisionByZero) return { reward: -3, message: 'illegal formula: division by zero.', recognized, failureMode: 'illegal-formula' };
  if (equalsTarget(value, config.target)) return { reward: CORRECT_REWARD, message: 'Correct solution.', recognized, failureMode: undefined };
  return { reward: -1, message: `your formula evaluates to ${formatRational(value)}, not ${config.target}.`, recognized, failureMode: 'arithmetic' };
}

/** Reward and message of one attempt. Defined for every string, never throws.
 * `trainingFaceCards`: the training environment's faceCards, against which an answer is rule
 * collapse (default: this environment's own, so none is). */
export function verify(config: GeneralPointsConfig, hand: Hand, output: string, trainingFaceCards: FaceCards = config.faceCards): Verdict {
  return config.verifier === 'reference' ? verifyReference(config, hand, output, trainingFaceCards) : verifyStrict(config, hand, output, trainingFaceCards);
}

// ---------------------------------------------------------------------------- episodes

export interface Step {
  reward: number;
  message: string;
  done: boolean;
  success: boolean;
  truncated: boolean;
  /** The user turn appended for the next attempt; undefined when done. */
  nextPrompt: string | undefined;
  recognized: boolean | undefined;
  failureMode: GeneralPointsFailureMode | undefined;
}

/** One episode with sequential revision: up to maxVerify scored attempts. */
export class GeneralPointsEpisode {
  readonly hand: Hand;
  readonly prompt: string;
  attempts = 0;
  done = false;
  success = false;

  constructor(
    readonly config: GeneralPointsConfig,
    readonly seed: number,
    /** The training environment's rule, against which an answer is rule collapse. */
    readonly trainingFaceCards: FaceCards = config.faceCards,
  ) {
    this.hand = deal(config, seed);
    this.prompt = prompt(config, this.hand);
  }

  step(output: string): Step {
    if (this.done) throw new Error('the episode is over; reset to start another');
    if (this.attempts >= this.config.maxVerify) {
      // reference only: strict ends before
      this.done = true;
      return { reward: -1, message: 'step_limit_reached', done: true, success: false, truncated: true, nextPrompt: undefined, recognized: undefined, failureMode: 'budget-exhausted' };
    }
    this.attempts++;
    const verdict = verify(this.config, this.hand, output, this.trainingFaceCards);
    this.success = verdict.reward === CORRECT_REWARD;
    const outOfAttempts = this.config.verifier === 'strict' && this.attempts >= this.config.maxVerify;
    this.done = this.success || outOfAttempts;
    return {
      reward: verdict.reward,
      message: verdict.message,
      done: this.done,
      success: this.success,
      truncated: this.done && !this.success,
      nextPrompt: this.done ? undefined : failureTurn(verdict.message),
      recognized: verdict.recognized,
      failureMode: verdict.failureMode,
    };
  }

  state(): { cards: Rank[]; suits: Suit[]; values: number[]; solutions: string[] } {
    return { cards: this.hand.cards, suits: this.hand.suits, values: this.hand.values, solutions: this.hand.solutions.slice(0, 20) };
  }
}
