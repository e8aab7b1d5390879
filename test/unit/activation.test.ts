// When VS Code starts the extension (package.json activationEvents): a config must get its
// checks and CodeLens wherever it is opened, without activating on everything.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { activationEvents: string[] };

describe('activation events', () => {
  it('include opening a JSON document, so a *.ptlab.json outside the workspace (or in a folder without configs) is checked', () => {
    assert.ok(manifest.activationEvents.includes('onLanguage:json'));
    assert.ok(manifest.activationEvents.includes('workspaceContains:**/*.ptlab.json'));
  });

  it('never include "*" (start-up)', () => {
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
  });
});
