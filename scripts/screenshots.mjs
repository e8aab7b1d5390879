// Copies the test pipeline's screenshots (test-results/, written by `npm test`) that the
// README's walkthrough shows into docs/images/. Run after a passing `npm test`.
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHOWN = ['preview-gp-vl.png', 'preview-virl.png', 'dashboard-paper.png', 'transcripts-gp-vl.png', 'transcripts-virl-vl.png', 'compare.png', 'report.png', 'dashboard-trl.png', 'dashboard-tensorboard.png', 'transcripts-trl.png', 'dashboard-step-time.png', 'transcripts-tokens.png', 'transcripts-group.png', 'transcripts-history.png', 'alert-notification.png'];
const missing = SHOWN.filter((name) => !existsSync(join(root, 'test-results', name)));
if (missing.length > 0) {
  console.error(`not in test-results/: ${missing.join(', ')}; run npm test first`);
  process.exit(1);
}
for (const name of SHOWN) copyFileSync(join(root, 'test-results', name), join(root, 'docs', 'images', name));
console.log(`copied ${SHOWN.length} screenshots into docs/images/`);
