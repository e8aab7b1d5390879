// The tokenizer of an exported checkpoint: HF tokenizers.js on its tokenizer.json, and its
// chat template rendered with HF's Jinja, so a prompt becomes the same ids as the trainer's
// `tokenizer.apply_chat_template(messages, add_generation_prompt=True)`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, Template, tokenize } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  /** An answer the model sampled (`content` as decoded), read back as generation wrote it:
   *  without the text the template writes between the generation prompt and a message's
   *  content (the trainer's chat.sampled_answer). */
  sampled?: boolean;
}

/** The content that finds a template's answer separator (the trainer's chat.ANSWER_MARKER). */
const ANSWER_MARKER = '<ptlab-answer>';

type TokenizerConfig = Record<string, unknown>;

/** The date every chat is rendered with, as `date_string`: Llama 3.x Instruct's templates write
 *  "Today Date: " + date_string, else today's (strftime_now, whose month @huggingface/jinja names
 *  in the system locale: "Dez" in de-DE). The templates' own fallback, as the trainer's
 *  chat.TEMPLATE_DATE (test/vectors/chat-templates.json), so a prompt is the same ids on any day
 *  and in any locale. */
export const TEMPLATE_DATE = '26 Jul 2024';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message} (re-export the checkpoint with \`python -m ptlab export\`)`);
  }
}

/** A special token's text: a string, or an AddedToken object `{ content }`. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}

export class ChatTokenizer {
  private readonly template: Template | undefined;

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly config: TokenizerConfig,
    chatTemplate: string | undefined,
    private readonly cleanUpSpaces: boolean,
  ) {
    this.template = chatTemplate ? withPythonStrip(new Template(chatTemplate)) : undefined;
  }

  /** `dir` holds tokenizer.json and tokenizer_config.json; the chat template comes from the
   *  export's metadata, else chat_template.jinja, else the config's `chat_template`.
   *  `cleanUpSpaces`: whether the trainer tokenizer's decode cleans up spaces (the export
   *  records it); else as transformers 5 reads the config: its `clean_up_tokenization_spaces`,
   *  ignored for a BPE model unless forced, else false (tokenizers.js would default to true
   *  and drop spaces before punctuation that the trainer keeps). */
  static load(dir: string, chatTemplate?: string | null, cleanUpSpaces?: boolean): ChatTokenizer {
    const config = readJson(join(dir, 'tokenizer_config.json')) as TokenizerConfig;
    const definition = readJson(join(dir, 'tokenizer.json')) as { model?: { type?: string } };
    const tokenizer = new Tokenizer(definition, config);
    let template = chatTemplate ?? undefined;
    if (template === undefined) {
      try {
        template = readFileSync(join(dir, 'chat_template.jinja'), 'utf8');
      } catch {
        template = typeof config.chat_template === 'string' ? config.chat_template : undefined;
      }
    }
    const cleanUp = cleanUpSpaces ?? (config.clean_up_tokenization_spaces === true && (definition.model?.type !== 'BPE' || config.clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output === true));
    return new ChatTokenizer(tokenizer, config, template, cleanUp);
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[], skipSpecialTokens = true): string {
    if (ids.length === 0) return ''; // tokenizers.js refuses an empty list
    return this.tokenizer.decode([...ids], { skip_special_tokens: skipSpecialTokens, clean_up_tokenization_spaces: this.cleanUpSpaces });
  }

  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /** The chat template's text for `messages` (with the assistant's opening when asked). */
  renderChat(messages: readonly ChatMessage[], addGenerationPrompt = true): string {
    return this.render(this.asSampled(messages), addGenerationPrompt);
  }

  private render(messages: readonly ChatMessage[], addGenerationPrompt: boolean): string {
    if (!this.template) throw new Error('this tokenizer has no chat template; pass the prompt as raw text');
    return this.template.render({
      messages,
      add_generation_prompt: addGenerationPrompt,
      bos_token: tokenText(this.config.bos_token) ?? '',
      eos_token: tokenText(this.config.eos_token) ?? '',
      pad_token: tokenText(this.config.pad_token) ?? '',
      date_string: TEMPLATE_DATE,
      ...PYTHON_STRIPS,
    });
  }

  /** The chat with each sampled answer rid of its template's answer separator, where it starts
   *  with it, as the trainer's chat._as_sampled: generation read the separator's text as its own
   *  (LLaVA 1.5's generation prompt ends "ASSISTANT:", its turns read "ASSISTANT: " + content). */
  private asSampled(messages: readonly ChatMessage[]): readonly ChatMessage[] {
    if (!messages.some((message) => message.sampled)) return messages;
    const out: ChatMessage[] = [];
    for (const message of messages) {
      const lead = message.sampled ? this.answerSeparator(out, message) : '';
      out.push(lead && message.content.startsWith(lead) ? { ...message, content: message.content.slice(lead.length) } : message);
    }
    return out;
  }

  /** What the template writes between the generation prompt after `before` and the content of
   *  the assistant `message` there; '' where the generation prompt is not a prefix of it. */
  private answerSeparator(before: readonly ChatMessage[], message: ChatMessage): string {
    return this.aroundContent(before, message)[0];
  }

  /** What ends each assistant turn beyond the template's text, as the trainer's chat.reply_end:
   *  the eos where the template writes no end-of-turn token after a reply's content (LLaVA 1.5's
   *  turn ends with a space), else ''. SFT taught the model to say it there, and generation
   *  stopped at it. */
  private replyEnd(): string {
    const closing = this.aroundContent([{ role: 'user', content: '?' }], { role: 'assistant', content: '!' })[1];
    const special = this.specialIds();
    return this.encode(closing).some((id) => special.has(id)) ? '' : (tokenText(this.config.eos_token) ?? '');
  }

  /** The ids the trainer's tokenizer counts as special: the added tokens marked special and
   *  the config's named tokens. */
  private specialIds(): Set<number> {
    const added = [...this.tokenizer.get_added_tokens_decoder()].filter(([, token]) => token.special).map(([id]) => id);
    const named = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'].map((name) => tokenText(this.config[name]));
    const namedIds = named.map((token) => (token === undefined ? undefined : this.tokenId(token)));
    return new Set([...added, ...namedIds.filter((id): id is number => id !== undefined)]);
  }

  /** What the template writes around the content of the assistant `message` after `before`:
   *  from the generation prompt's end to the content, and from the content to the turn's end
   *  (trailing whitespace left out); ['', ''] where the generation prompt is not a prefix of it. */
  private aroundContent(before: readonly ChatMessage[], message: ChatMessage): [string, string] {
    const prompt = this.render(before, true);
    const written = this.render([...before, { ...message, content: ANSWER_MARKER }], false);
    const at = written.indexOf(ANSWER_MARKER, prompt.length);
    if (!written.startsWith(prompt) || at < 0) return ['', ''];
    const end = prompt.length + pythonStrip(written.slice(prompt.length), null, 'end').length;
    return [written.slice(prompt.length, at), written.slice(at + ANSWER_MARKER.length, end)];
  }

  /** The chat's ids as the trainer reads them (chat.turn_pieces): each piece tokenized on its
   *  own, so a turn's ids are the prompt's generation reads there, then the answer's. */
  encodeChat(messages: readonly ChatMessage[], addGenerationPrompt = true): number[] {
    return this.chatPieces(messages, addGenerationPrompt).flatMap((piece) => (piece ? this.encode(piece) : []));
  }

  /** The chat's text cut around each assistant turn: where the generation prompt before it
   *  ends, and where its end-of-turn ends (trailing whitespace left out), found by rendering the
   *  chat prefix by prefix; the whole text where the template does not render it so. Each turn
   *  ends with replyEnd's eos where the template writes no end-of-turn token (and the reply does
   *  not end with it already), after the reply's own trailing whitespace. */
  chatPieces(chat: readonly ChatMessage[], addGenerationPrompt = true): string[] {
    const messages = this.asSampled(chat);
    const text = this.render(messages, addGenerationPrompt);
    const closing = messages.some((message) => message.role === 'assistant') ? this.replyEnd() : '';
    const pieces: string[] = [];
    let at = 0;
    for (let i = 0; i < messages.length; i++) {
      if (messages[i]!.role !== 'assistant') continue;
      const before = this.render(messages.slice(0, i), true);
      const through = this.render(messages.slice(0, i + 1), false);
      if (!(through.startsWith(before) && text.startsWith(through) && before.length >= at)) return [text];
      let end = before.length + pythonStrip(through.slice(before.length), null, 'end').length;
      let turn = text.slice(before.length, end);
      if (!turn.endsWith(closing)) {
        turn = withTrailingSpace(turn, through.slice(before.length), messages[i]!.content);
        end = before.length + turn.length;
        turn += closing;
      }
      pieces.push(text.slice(at, before.length), turn);
      at = end;
    }
    pieces.push(text.slice(at));
    return pieces;
  }
}

/** The turn (cut before the whitespace that ends `written`, the turn as rendered) through the
 *  reply's own trailing whitespace, where the template wrote the reply last in it, as the
 *  trainer's chat._with_trailing_space: replyEnd's eos goes after all the reply says. */
function withTrailingSpace(turn: string, written: string, reply: string): string {
  const said = pythonStrip(reply, null, 'end');
  const space = reply.slice(said.length);
  return space && turn.endsWith(said) && written.slice(turn.length).startsWith(space) ? turn + space : turn;
}

/** The characters Python's str.isspace takes: JavaScript's trim set has U+FEFF, and lacks
 *  \x1c-\x1f and \x85. */
const PYTHON_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

/** Python's str.strip / lstrip / rstrip (`chars` null: whitespace as str.isspace says). */
function pythonStrip(text: string, chars: unknown, side: 'both' | 'start' | 'end'): string {
  const stripped = typeof chars === 'string' ? (c: string) => chars.includes(c) : (c: string) => PYTHON_SPACE.test(c);
  const points = Array.from(text);
  let start = 0;
  let end = points.length;
  while (side !== 'end' && start < end && stripped(points[start]!)) start++;
  while (side !== 'start' && end > start && stripped(points[end - 1]!)) end--;
  return points.slice(start, end).join('');
}

/** The functions a template's `| trim` and `.strip()`, `.lstrip()`, `.rstrip()` become
 *  (withPythonStrip), given to every render. */
const PYTHON_STRIPS = {
  ptlab_python_strip: (value: unknown, chars: unknown) => pythonStrip(asString(value), chars, 'both'),
  ptlab_python_lstrip: (value: unknown, chars: unknown) => pythonStrip(asString(value), chars, 'start'),
  ptlab_python_rstrip: (value: unknown, chars: unknown) => pythonStrip(asString(value), chars, 'end'),
};
const STRIP_CALLS: Record<string, keyof typeof PYTHON_STRIPS> = { strip: 'ptlab_python_strip', lstrip: 'ptlab_python_lstrip', rstrip: 'ptlab_python_rstrip' };

/** A `trim` filter's name and arguments (`trim` or `trim(chars)`); undefined for another filter. */
function trimFilter(filter: Node): { name: Node; args: unknown[] } | undefined {
  const name = (filter.type === 'CallExpression' ? filter.callee : filter) as Node;
  return name.type === 'Identifier' && name.value === 'trim' ? { name, args: (filter.args as unknown[] | undefined) ?? [] } : undefined;
}

const FILTERED_BLOCK = 'ptlab_filtered_block';

/** A `{% filter trim %}body{% endfilter %}` statement as `{% set ptlab_filtered_block %}body{% endset %}`
 *  and a PYTHON_STRIPS call of it (the nodes @huggingface/jinja's parser makes of them); another
 *  statement as it is. */
function withPythonStripBlock(statement: unknown): unknown[] {
  const node = statement as Node | null;
  const trim = node?.type === 'FilterStatement' ? trimFilter(node.filter as Node) : undefined;
  if (!trim) return [statement];
  const [set, strip] = parse(tokenize(`{% set ${FILTERED_BLOCK} %}{% endset %}{{ ${STRIP_CALLS.strip}(${FILTERED_BLOCK}) }}`)).body as unknown as Node[];
  set!.body = node!.body;
  (strip!.args as unknown[]).push(...trim.args);
  return [set, strip];
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

type Node = { type?: unknown; [field: string]: unknown };

/** `template` with its `| trim` filters, `{% filter trim %}` blocks and `.strip()`, `.lstrip()`,
 *  `.rstrip()` calls made calls of PYTHON_STRIPS: @huggingface/jinja strips with JavaScript's trim
 *  set, Python's Jinja with str.strip's (Llama 3's templates render `message['content'] | trim`),
 *  and it takes no filter of one's own, so the parsed template is rewritten in place. */
function withPythonStrip(template: Template): Template {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.splice(0, node.length, ...node.flatMap(withPythonStripBlock));
      return node.forEach(visit);
    }
    if (node instanceof Map) return node.forEach((value, key) => (visit(key), visit(value)));
    if (!node || typeof node !== 'object') return;
    const expression = node as Node;
    const filter = expression.filter as Node | undefined;
    const callee = expression.callee as Node | undefined;
    const trim = filter && expression.type === 'FilterExpression' ? trimFilter(filter) : undefined;
    if (trim) {
      trim.name.value = STRIP_CALLS.strip;
      Object.assign(expression, { type: 'CallExpression', callee: trim.name, args: [expression.operand, ...trim.args] });
      delete expression.operand;
      delete expression.filter;
    } else if (expression.type === 'CallExpression' && callee?.type === 'MemberExpression' && !callee.computed) {
      const method = callee.property as Node;
      if (method.type === 'Identifier' && typeof method.value === 'string' && Object.hasOwn(STRIP_CALLS, method.value)) {
        method.value = STRIP_CALLS[method.value];
        Object.assign(expression, { callee: method, args: [callee.object, ...(expression.args as unknown[])] });
      }
    }
    Object.values(expression).forEach(visit);
  };
  visit(template.parsed);
  return template;
}
