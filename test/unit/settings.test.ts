// The settings package.json contributes: each is read by the extension, and the README's table
// lists exactly them (a setting nothing reads would promise what no code does).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('contributed settings', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
  const settings = Object.keys(manifest.contributes.configuration.properties);

  it('are each read by the extension', () => {
    const code = sources(join(root, 'src')).join('\n');
    const unread = settings.filter((setting) => {
      const key = setting.replace(/^ptlab\./, '');
      return !new RegExp(`getConfiguration\\('ptlab'[^)]*\\)\\s*\\.(get|update)(<[^>]*>)?\\('${key}'`).test(code);
    });
    assert.deepEqual(unread, []);
  });

  it('are the rows of the README\'s settings table', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `(ptlab\.[A-Za-z]+)` \|/gm)].map((match) => match[1]);
    assert.deepEqual(rows.sort(), [...settings].sort());
  });
});
