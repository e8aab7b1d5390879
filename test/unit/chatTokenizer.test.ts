// The extension's tokenizer decodes as the trainer's transformers 5 tokenizer does.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatTokenizer } from '../../src/core/inference/tokenizer';

const BPE_TOKENIZER = join(__dirname, '..', '..', '..', 'trainer', 'ptlab', 'weights', 'embedded-tokenizer', 'tokenizer.json');

describe('chat tokenizer (tokenizers.js)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ptlab-tokenizer-'));
    copyFileSync(BPE_TOKENIZER, join(dir, 'tokenizer.json'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const roundTrip = (tokenizer: ChatTokenizer, text: string) => tokenizer.decode(tokenizer.encode(text));
  const text = "(6 - 4) * (5 + 7) = 24 . Done , it 's right !";

  it("keeps the spaces a BPE tokenizer's config asks to clean up, as transformers 5 ignores that for BPE (Llama 3's config sets it)", () => {
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ clean_up_tokenization_spaces: true }));
    assert.equal(roundTrip(ChatTokenizer.load(dir), text), text);
  });

  it('cleans them up where transformers would: forced for BPE, or as the export records', () => {
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ clean_up_tokenization_spaces: true, clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output: true }));
    assert.equal(roundTrip(ChatTokenizer.load(dir), text), "(6 - 4) * (5 + 7) = 24. Done, it's right!");
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ clean_up_tokenization_spaces: true }));
    assert.equal(roundTrip(ChatTokenizer.load(dir, undefined, false), text), text);
    assert.equal(roundTrip(ChatTokenizer.load(dir, undefined, true), text), "(6 - 4) * (5 + 7) = 24. Done, it's right!");
  });
});
