// The per-token view of an episode's turns (a PPO run's tokens.jsonl): a bar to color the
// outputs by a measure (src/core/transcripts/tokenHeatmap.ts), its legend, a readout of the
// token under the pointer, and the sampling vs training gap. Token text goes in as text.
import { TOKEN_MEASURES, beyondClip, formatValue, intensity, measureValues, samplingGap, tokenPieces, tokenScale, type TokenMeasure, type TokenScale } from '../../src/core/transcripts/tokenHeatmap';
import type { EpisodeDetail, TurnTokens } from '../../src/protocol/transcripts';
import { el } from '../shared/host';

export type MeasureChoice = TokenMeasure | 'none';

const LOW: [number, number, number] = [232, 76, 61]; // improbable, negative
const HIGH: [number, number, number] = [55, 135, 230]; // positive
const AMOUNT: [number, number, number] = [168, 98, 230]; // entropy, weight

function color(scale: TokenScale, t: number): string {
  if (t === 0) return 'transparent';
  const [r, g, b] = scale.kind === 'positive' ? AMOUNT : t < 0 || scale.kind === 'logprob' ? LOW : HIGH;
  return `rgba(${r}, ${g}, ${b}, ${(0.1 + 0.7 * Math.abs(t)).toFixed(3)})`;
}

interface Heatmap {
  turn: TurnTokens;
  pre: HTMLElement;
  spans: HTMLElement[];
  /** The turn's usual views, hidden while the heatmap shows. */
  others: HTMLElement[];
}

export class TokenView {
  readonly bar: HTMLElement;
  private readonly legend = el('div', { id: 'token-legend', class: 'token-legend' });
  // The readout follows the pointer silently; a keyboard move is announced in the live region.
  private readonly readout = el('div', { id: 'token-readout', class: 'status token-readout' }, 'Point at a token, or focus a heatmap and use the arrow keys, for its values.');
  private readonly announcement = el('div', { id: 'token-announcement', class: 'visually-hidden', 'aria-live': 'polite' });
  private readonly buttons = new Map<MeasureChoice, HTMLElement>();
  private readonly heatmaps = new Map<number, Heatmap>();
  private readonly byTurn = new Map<number, TurnTokens>();
  private measure: MeasureChoice;

  constructor(
    detail: EpisodeDetail,
    measure: MeasureChoice,
    private readonly onMeasure: (m: MeasureChoice) => void,
  ) {
    const tokens = detail.tokens!;
    for (const turn of tokens.turns) this.byTurn.set(turn.turn, turn);
    this.measure = tokens.turns.length ? measure : 'none';
    const choices = el('div', { class: 'token-measures', role: 'group', 'aria-label': 'Color tokens by' }, el('span', { class: 'status' }, 'Color tokens by'));
    for (const [id, label, help] of [['none', 'nothing', 'the plain output'], ...TOKEN_MEASURES.map((m) => [m.id, m.label, m.help])] as [MeasureChoice, string, string][]) {
      const button = el('button', { type: 'button', class: 'token-measure', 'data-measure': id, 'aria-pressed': 'false', title: help }, label);
      button.addEventListener('click', () => {
        this.show(id);
        this.onMeasure(id);
      });
      this.buttons.set(id, button);
      choices.append(button);
    }
    const updates = [...new Set(tokens.turns.map((t) => t.update).filter((u): u is number => u !== undefined))];
    const head = el(
      'p',
      { class: 'status' },
      `Per-token records of ${tokens.turns.length} of ${detail.record.turns.length} turn(s)${updates.length ? `, trained at update ${updates.join(', ')}` : ''}.`,
    );
    const gap = samplingGap(tokens.turns);
    const where = gap.at ? ` at turn ${gap.at.turn + 1}, token ${gap.at.token + 1}` : '';
    const gapLine = el(
      'p',
      { id: 'token-gap', class: 'status' },
      gap.tokens ? `Training vs sampling log-probs over ${gap.tokens} tokens: mean |Δ| ${formatValue(gap.meanAbs)}, max |Δ| ${formatValue(gap.maxAbs)}${where}.` : 'No token has both log-probs.',
    );
    const problems = tokens.problems.length ? [el('ul', { id: 'token-problems', class: 'problems' }, ...tokens.problems.map((p) => el('li', {}, `tokens.jsonl ${p}`)))] : [];
    this.bar = el('section', { id: 'token-bar', class: 'token-bar' }, head, choices, this.legend, this.readout, this.announcement, gapLine, ...problems);
  }

  /** The turn's heatmap, drawn under its other views (which it hides while a measure is on); undefined without records. */
  heatmapFor(t: number, output: string, others: HTMLElement[]): HTMLElement | undefined {
    const turn = this.byTurn.get(t);
    if (!turn) return undefined;
    const pieces = tokenPieces(output, turn);
    if (typeof pieces === 'string') return el('p', { class: 'status token-mismatch' }, `No heatmap for this turn: ${pieces}.`);
    // role=group keeps the output readable as text; a screen reader's focus mode passes the keys on
    const pre = el('pre', {
      class: 'turn-text output heatmap',
      'data-turn': String(t),
      tabindex: '0',
      role: 'group',
      'aria-roledescription': 'token heatmap',
      'aria-label': `Turn ${t + 1}'s ${turn.tokens} tokens: Left and Right move from token to token, Home and End to the first and last`,
    });
    const spans = pieces.map((piece, i) => {
      const stop = piece === '' && i === pieces.length - 1;
      const span = el('span', { class: stop ? 'tok tok-stop' : piece === '' ? 'tok tok-empty' : 'tok', 'data-i': String(i) }, stop ? '⏎' : piece === '' ? '·' : piece);
      return span;
    });
    pre.append(...spans);
    pre.addEventListener('mouseover', (event) => {
      const span = (event.target as HTMLElement).closest<HTMLElement>('.tok');
      if (span) this.describe(turn, Number(span.dataset.i), pieces);
    });
    let cursor = -1;
    pre.addEventListener('keydown', (event) => {
      const to = { ArrowRight: cursor + 1, ArrowLeft: cursor - 1, Home: 0, End: spans.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      spans[cursor]?.classList.remove('tok-cursor');
      cursor = Math.min(spans.length - 1, Math.max(0, to));
      spans[cursor]!.classList.add('tok-cursor');
      this.describe(turn, cursor, pieces);
      this.announcement.textContent = this.readout.textContent;
    });
    this.heatmaps.set(t, { turn, pre, spans, others });
    return pre;
  }

  /** Paint every heatmap by `measure` (or show the plain outputs). */
  show(measure: MeasureChoice): void {
    const started = performance.now();
    this.measure = measure;
    for (const [id, button] of this.buttons) button.setAttribute('aria-pressed', String(id === measure));
    const on = measure !== 'none';
    this.legend.hidden = !on;
    for (const { pre, others } of this.heatmaps.values()) {
      pre.hidden = !on;
      for (const other of others) other.classList.toggle('under-heatmap', on);
    }
    if (!on) return;
    const turns = [...this.byTurn.values()];
    const scale = tokenScale(turns, measure);
    for (const { turn, spans } of this.heatmaps.values()) {
      const values = measureValues(turn, measure);
      spans.forEach((span, i) => {
        span.style.backgroundColor = color(scale, intensity(scale, values[i]!));
        span.classList.toggle('tok-clipped', measure === 'ratio' && beyondClip(values[i]!, scale.clip));
      });
    }
    this.drawLegend(scale);
    this.bar.dataset.renderMs = (performance.now() - started).toFixed(1);
  }

  /** Draws the heatmaps in the measure chosen at construction (after they were built). */
  start(): void {
    this.show(this.measure);
  }

  private drawLegend(scale: TokenScale): void {
    const info = TOKEN_MEASURES.find((m) => m.id === scale.measure)!;
    const stops = [-1, -0.5, 0, 0.5, 1].map((t) => (scale.kind === 'logprob' || scale.kind === 'positive' ? Math.abs(t) : t));
    const gradient = el('span', { class: 'legend-gradient', 'aria-hidden': 'true' });
    const ordered = scale.kind === 'logprob' ? [...stops].sort((a, b) => b - a) : scale.kind === 'positive' ? [...stops].sort((a, b) => a - b) : stops;
    gradient.style.background = `linear-gradient(to right, ${ordered.map((t) => (t === 0 ? 'rgba(128, 128, 128, 0.08)' : color(scale, t))).join(', ')})`;
    const clip = scale.kind === 'ratio' && scale.clip !== undefined ? ` · outlined: beyond the clip range [${formatValue(1 - scale.clip)}, ${formatValue(1 + scale.clip)}]` : '';
    this.legend.replaceChildren(
      el('span', { class: 'legend-label' }, info.label),
      el('span', { class: 'legend-end', id: 'token-legend-low' }, formatValue(scale.low)),
      gradient,
      el('span', { class: 'legend-end', id: 'token-legend-high' }, formatValue(scale.high)),
      el('span', { class: 'status' }, `${info.help}; one scale over the episode${clip}`),
    );
  }

  private describe(turn: TurnTokens, i: number, pieces: string[]): void {
    const piece = pieces[i] === '' ? (i === pieces.length - 1 ? '(the stop token)' : '(no text of its own)') : JSON.stringify(pieces[i]);
    const parts = [
      `turn ${turn.turn + 1}, token ${i + 1} of ${turn.tokens}: ${piece} (id ${turn.ids[i]})`,
      `sampling ${formatValue(turn.sampling[i]!)}`,
      `training ${formatValue(turn.training[i]!)}`,
      `Δ ${formatValue(turn.training[i]! - turn.sampling[i]!)}`,
      `entropy ${formatValue(turn.entropy[i]!)}`,
      `ratio ${formatValue(turn.ratio[i]!)}${beyondClip(turn.ratio[i]!, turn.clip) ? ' (beyond the clip range)' : ''}`,
      `weight ${formatValue(turn.weight[i]!)}`,
      `advantage ${formatValue(turn.advantage)}`,
      `value ${turn.value === null ? '— (no value head)' : formatValue(turn.value)}`,
    ];
    this.readout.textContent = parts.join(' · ');
  }

  get current(): MeasureChoice {
    return this.measure;
  }
}
