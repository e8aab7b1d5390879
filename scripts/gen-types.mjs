// Generates src/core/contracts/generated/types.ts from schemas/*.schema.json (one source for the
// contract). `node scripts/gen-types.mjs --check` fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src/core/contracts/generated/types.ts');
const files = [
  ['experiment.schema.json', 'ExperimentConfig'],
  ['run-manifest.schema.json', 'RunManifest'],
  ['metric-record.schema.json', 'MetricRecord'],
  ['episode-record.schema.json', 'EpisodeRecord'],
  ['eval-summary.schema.json', 'EvalSummary'],
  ['token-record.schema.json', 'TokenRecord'],
];
const ID_PREFIX = 'https://schemas.ptlab.invalid/';
function readSchema(file) {
  const schema = JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8'));
  schema.title = Object.fromEntries(files)[file]; // type names, not the human titles
  return schema;
}
const localSchemas = {
  order: 1,
  canRead: /\.schema\.json$/,
  read: (file) => JSON.stringify(readSchema(basename(file.url.split('#')[0]))),
};

// One wrapper, compiled once, so definitions shared across files become one type each.
const wrapper = {
  $id: `${ID_PREFIX}contracts`,
  title: 'Contracts',
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(files.map(([file, name]) => [name, { $ref: file }])),
};
const ts = await compile(wrapper, 'Contracts', {
  bannerComment: '',
  cwd: join(root, 'schemas'),
  additionalProperties: false,
  unreachableDefinitions: false,
  strictIndexSignatures: true,
  declareExternallyReferenced: true,
  $refOptions: { resolve: { ptlab: localSchemas, http: false } },
  style: { singleQuote: true, printWidth: 110 },
});
const text =
  '// Generated from schemas/*.schema.json by scripts/gen-types.mjs. Do not edit by hand.\n' +
  ts.replace(/export interface Contracts \{[^}]*\}\n/, '');

if (process.argv.includes('--check')) {
  const current = readFileSync(out, 'utf8');
  if (current !== text) {
    console.error('src/core/contracts/generated/types.ts is stale: run `npm run gen:types`');
    process.exit(1);
  }
  console.log('generated/types.ts is up to date');
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
