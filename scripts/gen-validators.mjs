// Generates src/core/contracts/generated/validators.ts: the JSON Schemas in schemas/ compiled ahead of
// time by ajv's standalone code generation, so the extension host never compiles a schema
// (compiling them took 100-400 ms, over the host's 100 ms budget for one task).
// `node scripts/gen-validators.mjs --check` fails when the committed file is stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { default: Ajv2020 } = require('ajv/dist/2020');
const { default: standaloneCode } = require('ajv/dist/standalone');
const { default: addFormats } = require('ajv-formats');
const { _ } = require('ajv');

const out = join(root, 'src/core/contracts/generated/validators.ts');
const ID_PREFIX = 'https://schemas.ptlab.invalid/';
/** RFC 3339's date-time as the trainer checks it (rfc3339-validator, through jsonschema, which
 * reads the text in capitals): a T, Z or an offset ±HH:MM, a date of the calendar (no year 0),
 * no leap second. ajv-formats' also takes a space for the T, +0000, +00 and second 60. A
 * regular expression, as the generated code holds one itself. */
function dateTime() {
  const dayOfMonth = '(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8])';
  const leapYear = '(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)';
  const date = `(?:\\d{4}-(?:${dayOfMonth})|${leapYear}-02-29)`;
  const time = '(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?';
  const offset = '(?:z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';
  return new RegExp(`^(?!0000)${date}t${time}${offset}$`, 'i');
}

// The same options as the runtime used to have (src/core/contracts.ts describes the errors).
const ajv = new Ajv2020({
  allErrors: true,
  strict: false,
  discriminator: true,
  strictNumbers: true, // Infinity (JSON.parse's reading of 1e400) and NaN are no numbers: they would pass any bound
  code: { source: true, esm: true, lines: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
});
addFormats(ajv);
ajv.addFormat('date-time', dateTime());
const files = readdirSync(join(root, 'schemas')).filter((f) => f.endsWith('.schema.json')).sort();
for (const file of files) ajv.addSchema(JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8')));
const exportName = (file) => file.replace('.schema.json', '').replace(/-(\w)/g, (_m, c) => c.toUpperCase());
let code = standaloneCode(ajv, Object.fromEntries(files.map((file) => [exportName(file), `${ID_PREFIX}${file}`])));
const table = `export const validators = {\n${files.map((file) => `  '${file}': ${exportName(file)},`).join('\n')}\n};`;

// The generated module reaches ajv's runtime helpers through require(); as imports, the
// bundler and tsc both resolve them.
const modules = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
const imports = modules.map((m, i) => `import * as runtime${i} from '${m}';`).join('\n');
modules.forEach((m, i) => (code = code.replaceAll(`require("${m}")`, `runtime${i}`)));
code = code.replace(/^"use strict";/, '');

const text = `// Generated from schemas/*.schema.json by scripts/gen-validators.mjs. Do not edit by hand.
// @ts-nocheck
/* eslint-disable */
${imports}
${code}

${table}
`;

if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    console.error('src/core/contracts/generated/validators.ts is stale: run `npm run gen:types`');
    process.exit(1);
  }
  console.log('generated/validators.ts is up to date');
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out} (${(text.length / 1024).toFixed(0)} KiB)`);
}
