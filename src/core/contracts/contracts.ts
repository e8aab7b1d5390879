// The JSON Schema contracts in schemas/, shared with the Python trainer (ptlab/contracts.py).
// Pure: no vscode, no fs. The schemas are bundled into the extension by esbuild; their
// validators are generated ahead of time into generated/validators.ts (npm run gen:types).
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import * as jsonc from 'jsonc-parser';
import type { EpisodeRecord, Turn } from './generated/types';
import episodeRecordSchema from '../../../schemas/episode-record.schema.json';
import evalSummarySchema from '../../../schemas/eval-summary.schema.json';
import experimentSchema from '../../../schemas/experiment.schema.json';
import metricRecordSchema from '../../../schemas/metric-record.schema.json';
import runManifestSchema from '../../../schemas/run-manifest.schema.json';
import tokenRecordSchema from '../../../schemas/token-record.schema.json';

export const SCHEMAS = {
  'experiment.schema.json': experimentSchema,
  'run-manifest.schema.json': runManifestSchema,
  'metric-record.schema.json': metricRecordSchema,
  'episode-record.schema.json': episodeRecordSchema,
  'eval-summary.schema.json': evalSummarySchema,
  'token-record.schema.json': tokenRecordSchema,
} as const;

export type SchemaFile = keyof typeof SCHEMAS;

/** A turn of our episodes: its reward always recorded. */
export type OwnTurn = Turn & { reward: number };

/** An episode our trainer or evaluator wrote (no `source`): it carries the seed, environment, outcome and rewards that reproduce it. */
export type OwnEpisode = Omit<EpisodeRecord, 'turns'> & Required<Pick<EpisodeRecord, 'seed' | 'environment' | 'success' | 'totalReward'>> & { turns: [OwnTurn, ...OwnTurn[]] };

/** Whether a record is one of ours rather than another trainer's episode read by the transcript viewer. */
export function isOwnEpisode(record: EpisodeRecord): record is OwnEpisode {
  return (
    record.source === undefined &&
    typeof record.seed === 'number' &&
    typeof record.success === 'boolean' &&
    typeof record.environment === 'object' &&
    record.environment !== null &&
    typeof record.totalReward === 'number' &&
    record.turns.every((t) => typeof t.reward === 'number')
  );
}

export interface ContractError {
  /** JSON pointer of the offending value; "" for the document itself. */
  pointer: string;
  message: string;
}

// This module runs under Node only, but webviews type-check it (for the generated types) without Node's types.
declare function require(id: string): unknown;

let validators: Record<SchemaFile, ValidateFunction> | undefined;

function validatorFor(schema: SchemaFile): ValidateFunction {
  // Compiled ahead of time (scripts/gen-validators.mjs) and loaded on first use: the
  // validators are most of the extension bundle, and activation must stay fast.
  validators ??= (require('./generated/validators') as { validators: Record<SchemaFile, ValidateFunction> }).validators;
  return validators[schema];
}

function describe(schema: SchemaFile, error: ErrorObject): ContractError {
  const params = error.params as Record<string, unknown>;
  const pointer = error.instancePath;
  let message = error.message ?? 'is invalid';
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      message = `unknown property "${key}"`;
      break;
    }
    case 'required':
      message = `missing required property "${String(params.missingProperty)}"`;
      break;
    case 'enum':
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      message = `must be ${JSON.stringify(params.allowedValue)}`;
      break;
    case 'discriminator':
      if (params.tagValue === undefined) return { pointer, message: missingDiscriminator(schema, String(params.tag)) };
      return { pointer: `${pointer}/${String(params.tag)}`, message: `unknown value ${JSON.stringify(params.tagValue)}` };
  }
  return { pointer, message };
}

/** What a value without its discriminator (environment.env) is told, as the trainer tells it:
 * the tag and the values of the schema's oneOf branches. */
function missingDiscriminator(schema: SchemaFile, tag: string): string {
  const values = discriminatedBranches(SCHEMAS[schema], tag).map((branch) => JSON.stringify(branch.properties?.[tag]?.const));
  return `missing required property "${tag}": ${values.join(' or ')}`;
}

type SchemaNode = { discriminator?: { propertyName?: string }; oneOf?: SchemaNode[]; $ref?: string; properties?: Record<string, { const?: unknown }> };

/** The oneOf branches of the schema's discriminator on `tag`, their $refs (within the file) followed. */
function discriminatedBranches(root: unknown, tag: string): SchemaNode[] {
  const resolve = (branch: SchemaNode): SchemaNode =>
    branch.$ref?.startsWith('#/') ? (pointerSegments(branch.$ref.slice(1)).reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root) as SchemaNode) : branch;
  const search = (node: unknown): SchemaNode[] | undefined => {
    if (typeof node !== 'object' || node === null) return undefined;
    const schemaNode = node as SchemaNode;
    if (schemaNode.discriminator?.propertyName === tag && schemaNode.oneOf) return schemaNode.oneOf.map(resolve);
    for (const child of Object.values(node)) {
      const found = search(child);
      if (found) return found;
    }
    return undefined;
  };
  return search(root) ?? [];
}

/** Every violation, deepest first, de-duplicated. Empty when the value satisfies the schema. */
export function contractErrors(schema: SchemaFile, value: unknown): ContractError[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const seen = new Map<string, ContractError>();
  const errors = validate.errors ?? [];
  const lacksTag = (e: ErrorObject) => errors.some((d) => d.keyword === 'discriminator' && d.instancePath === e.instancePath && d.params.tag === e.params.missingProperty);
  for (const error of errors) {
    if (error.keyword === 'if' || error.keyword === 'propertyNames') continue; // the failing `then` branch, the name's own error explains it
    if (error.keyword === 'required' && lacksTag(error)) continue; // the discriminator's error says it, with its values
    const item = describe(schema, error);
    seen.set(`${item.pointer}\u0000${item.message}`, item);
  }
  return [...seen.values()].sort(
    (a, b) => depth(b.pointer) - depth(a.pointer) || a.pointer.localeCompare(b.pointer),
  );
}

function depth(pointer: string): number {
  return pointer.split('/').length - 1;
}

export function isValid(schema: SchemaFile, value: unknown): boolean {
  return validatorFor(schema)(value) as boolean;
}

/** A problem in a JSON text, located at a line and column (1-based) where possible. */
export interface LocatedError extends ContractError {
  line: number;
  column: number;
}

/** Parse a JSON document and validate it; syntax and schema errors come back with positions. */
export function checkJsonText(schema: SchemaFile, source: string): { value: unknown; errors: LocatedError[] } {
  const text = source.replace(/^\uFEFF/, ''); // as VS Code's documents and the trainer (utf-8-sig) read it
  const syntax: jsonc.ParseError[] = [];
  const tree = jsonc.parseTree(text, syntax, { disallowComments: true, allowTrailingComma: false });
  if (syntax.length > 0 || !tree) {
    const first = syntax[0];
    const { line, column } = position(text, first?.offset ?? 0);
    const what = first ? jsonc.printParseErrorCode(first.error) : 'empty document';
    return { value: undefined, errors: [{ pointer: '', message: `invalid JSON: ${what}`, line, column }] };
  }
  const infinite = nonFiniteNumbers(tree)[0];
  if (infinite) {
    const literal = text.slice(infinite.offset, infinite.offset + infinite.length);
    return { value: undefined, errors: [{ pointer: '', message: `invalid JSON: ${tooLargeNumber(literal)}`, ...position(text, infinite.offset) }] };
  }
  const value = jsonc.getNodeValue(tree) as unknown;
  const errors = contractErrors(schema, value).map((e) => {
    const node = pointerSegments(e.pointer).reduce<jsonc.Node | undefined>((at, segment) => at && childAt(at, segment), tree);
    const target = node?.parent?.type === 'property' ? node.parent : node;
    return { ...e, ...position(text, target?.offset ?? 0) };
  });
  return { value, errors };
}

/** Where a text first breaks JSON's syntax, and how in jsonc's words: nothing of the text itself
 * (a file named by a record may hold anything, secrets included); undefined where jsonc finds no fault. */
export function jsonSyntaxError(text: string): { line: number; column: number; what: string } | undefined {
  const syntax: jsonc.ParseError[] = [];
  jsonc.parse(text, syntax, { disallowComments: true, allowTrailingComma: false });
  const first = syntax[0];
  return first && { ...position(text, first.offset), what: jsonc.printParseErrorCode(first.error) };
}

/** Number literals too large for a float (1e400), which JSON.parse and the trainer's json.loads read as Infinity, in text order. */
export function nonFiniteNumbers(tree: jsonc.Node): jsonc.Node[] {
  if (tree.type === 'number') return Number.isFinite(tree.value) ? [] : [tree];
  return (tree.children ?? []).flatMap(nonFiniteNumbers);
}

/** What the trainer (ptlab/contracts.py) says of such a literal. */
export function tooLargeNumber(literal: string): string {
  return `${literal} is too large a number (it reads as Infinity, and JSON has no Infinity; write a finite number)`;
}

/** An object's member (the last of duplicate keys: JSON.parse and Python keep the last) or an array's element. */
export function childAt(node: jsonc.Node, segment: string | number): jsonc.Node | undefined {
  if (node.type === 'array') return typeof segment === 'number' ? node.children?.[segment] : undefined;
  if (node.type !== 'object') return undefined;
  const property = node.children?.filter((p) => p.children?.[0]?.value === String(segment)).pop();
  return property?.children?.[1];
}

export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** The JSON pointer of a path of keys and indices (pointerSegments' inverse). */
export function pointerOf(segments: (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** `file:line:column: /pointer: message`, the format of the CLI and the output channel. */
export function formatLocated(file: string, e: LocatedError): string {
  return `${file}:${e.line}:${e.column}: ${e.pointer || '/'}: ${e.message}`;
}
