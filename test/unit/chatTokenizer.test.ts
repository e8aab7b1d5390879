// The extension's tokenizer decodes as the trainer's transformers 5 tokenizer does, and renders
// chats as the trainer does.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatMessage, ChatTokenizer, TEMPLATE_DATE } from '../../src/core/inference/tokenizer';

const BPE_TOKENIZER = join(__dirname, '..', '..', '..', 'trainer', 'ptlab', 'weights', 'embedded-tokenizer', 'tokenizer.json');
// Written by trainer/tests/chat_vectors.py: chats as the trainer renders and reads them (ptlab.chat).
const vectors = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'vectors', 'chat-templates.json'), 'utf8')) as {
  templateDate: string;
  bosToken: string;
  eosToken: string;
  templates: Record<string, string>;
  cases: { template: string; messages: ChatMessage[]; addGenerationPrompt: boolean; pieces: string[]; ids: number[] }[];
};

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

  it("reads a chat in the trainer's pieces (chat.turn_pieces): each turn's ids are the generation prompt's, then the answer's", () => {
    // a generation prompt ending inside a word the answer finishes: tokenized whole, "formula" is one token
    const template = "{% for message in messages %}{% if message['role'] == 'assistant' %}form{{ message['content'] }}<|end|>\n{% else %}{{ message['content'] }}<|end|>\n{% endif %}{% endfor %}{% if add_generation_prompt %}form{% endif %}";
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: template }));
    const tokenizer = ChatTokenizer.load(dir);
    const chat = [
      { role: 'user' as const, content: "Cards: ['A', '5', '10', 'K']" },
      { role: 'assistant' as const, content: 'ula: 10+10+5-1' },
      { role: 'user' as const, content: 'You failed this trial because your formula is incorrect.' },
    ];
    const prompt = tokenizer.encodeChat(chat.slice(0, 1));
    const pieces = tokenizer.chatPieces(chat);
    assert.deepEqual(pieces, ["Cards: ['A', '5', '10', 'K']<|end|>\nform", 'ula: 10+10+5-1<|end|>', '\nYou failed this trial because your formula is incorrect.<|end|>\nform']);
    const ids = tokenizer.encodeChat(chat);
    assert.deepEqual(ids.slice(0, prompt.length), prompt, 'the second turn reads the first as generation read it');
    assert.deepEqual(ids, pieces.flatMap((piece) => tokenizer.encode(piece)));
    assert.notDeepEqual(ids, tokenizer.encode(pieces.join('')), 'tokenized whole, a token merges across the turn\'s start');
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: '{{ messages | length }}{% if add_generation_prompt %}!{% endif %}' }));
    assert.deepEqual(ChatTokenizer.load(dir).chatPieces(chat), ['3!'], 'a template that does not render the chat prefix by prefix: one piece');
  });

  const withTemplate = (template: string) => {
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: template, bos_token: vectors.bosToken, eos_token: vectors.eosToken }));
    return ChatTokenizer.load(dir);
  };

  it("renders and reads the vector chats as the trainer does (test/vectors/chat-templates.json): Llama 3.2's dated templates with the pinned date, their `| trim` as Python's str.strip, a sampled answer without the separator LLaVA 1.5's template writes, each reply ended with the eos where the template writes no end-of-turn token", () => {
    assert.equal(TEMPLATE_DATE, vectors.templateDate);
    for (const { template, messages, addGenerationPrompt, pieces, ids } of vectors.cases) {
      const tokenizer = withTemplate(vectors.templates[template]!);
      assert.deepEqual(tokenizer.chatPieces(messages, addGenerationPrompt), pieces, `${template}: ${JSON.stringify(messages)}`);
      assert.deepEqual(tokenizer.encodeChat(messages, addGenerationPrompt), ids, `${template}: ${JSON.stringify(messages)}`);
    }
  });

  it("strips as Python's Jinja does: `| trim`, `{% filter trim %}` and `.strip()`, `.lstrip()`, `.rstrip()` take str.isspace's characters (\\x1c-\\x1f, \\x85; not U+FEFF)", () => {
    const content = "messages[0]['content']";
    const tokenizer = withTemplate(`{{ ${content} | trim }}|{{ ${content}.strip() }}|{{ ${content}.lstrip() }}|{{ ${content}.rstrip() }}|{{ ${content} | trim('\x1c ') }}`);
    // jinja2's ImmutableSandboxedEnvironment renders '\ufeff a|\ufeff a|\ufeff a \x85|\x1c\ufeff a|\ufeff a \x85'
    assert.equal(tokenizer.renderChat([{ role: 'user', content: '\x1c\ufeff a \x85' }]), '\ufeff a|\ufeff a|\ufeff a \x85|\x1c\ufeff a|\ufeff a \x85');
    const blocks = withTemplate(
      `{% filter trim %}{{ ${content} }}{% endfilter %}|{% filter trim('\x1c ') %}{{ ${content} }}{% endfilter %}|` +
        '{% for m in messages %}{% filter trim %} {{ m.content }} {% filter trim %}{{ m.content }}{% endfilter %}{% endfilter %}{% endfor %}',
    );
    // jinja2 renders '\ufeff a|\ufeff a \x85|\ufeff a \x85 \ufeff a'
    assert.equal(blocks.renderChat([{ role: 'user', content: '\x1c\ufeff a \x85' }]), '\ufeff a|\ufeff a \x85|\ufeff a \x85 \ufeff a');
  });

  it("dates a chat with the pinned date in any locale (the template's strftime_now names months in the system's language)", () => {
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: vectors.templates.llama3, bos_token: vectors.bosToken }));
    const script = `
      const { ChatTokenizer } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'core', 'inference', 'tokenizer.js'))});
      const text = ChatTokenizer.load(${JSON.stringify(dir)}).renderChat([{ role: 'user', content: 'Make 24.' }]);
      console.log(JSON.stringify({ locale: Intl.DateTimeFormat().resolvedOptions().locale, dated: text.split('\\n').find((line) => line.startsWith('Today Date:')) }));`;
    for (const locale of ['de_DE.UTF-8', 'fr_FR.UTF-8']) {
      const env = { ...process.env, LANG: locale, LC_ALL: locale };
      const rendered = JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' })) as { locale: string; dated: string };
      assert.equal(rendered.locale, locale.slice(0, 5).replace('_', '-'), 'the child runs in that locale');
      assert.equal(rendered.dated, `Today Date: ${TEMPLATE_DATE}`);
    }
  });
});
