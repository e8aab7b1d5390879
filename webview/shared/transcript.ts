// One episode's transcript as the views show it: the prompt once (folded), then each turn's
// appended text, the model's output, and the verifier's verdict. Text only, never HTML.
import type { Divergence } from '../../src/core/compare/compare';
import type { OwnEpisode } from '../../src/core/contracts/contracts';
import { el } from './host';

export const outcomeChip = (ok: boolean): HTMLElement => el('span', { class: ok ? 'chip ok' : 'chip fail' }, ok ? 'success' : 'fail');

/** The text, its part from `from` on highlighted (where two transcripts diverge). */
function highlighted(text: string, from: number | undefined): HTMLElement {
  const pre = el('pre', { class: 'turn-text' });
  if (from === undefined) pre.append(text);
  else pre.append(text.slice(0, from), el('mark', { class: 'diverged' }, text.slice(from) || '∅'));
  return pre;
}

export function transcript(record: OwnEpisode, label: string, divergence?: Divergence): HTMLElement {
  const column = el('div', { class: 'transcript' }, el('h3', {}, `${label} · `, outcomeChip(record.success), ` total reward ${record.totalReward}`));
  record.turns.forEach((turn, t) => {
    const at = divergence && divergence.turn === t ? divergence : undefined;
    const box = el('div', { class: `turn${at ? ' turn-diverged' : ''}`, ...(at ? { id: `diverged-${label}` } : {}) });
    if (turn.prompt !== undefined) box.append(el('details', {}, el('summary', {}, 'prompt'), highlighted(turn.prompt, at?.field === 'prompt' ? at.offset : undefined)));
    if (turn.promptDelta !== undefined) box.append(el('div', { class: 'turn-label' }, 'user'), highlighted(turn.promptDelta, at?.field === 'prompt' ? at.offset : undefined));
    box.append(el('div', { class: 'turn-label' }, `turn ${t + 1} · model`), highlighted(turn.output, at?.field === 'output' ? at.offset : undefined));
    box.append(el('div', { class: 'verdict' }, el('span', { class: turn.reward > 0 ? 'chip ok' : 'chip fail' }, `reward ${turn.reward}`), ' ', turn.message, turn.failureMode ? ` · ${turn.failureMode}` : ''));
    column.append(box);
  });
  if (divergence?.field === 'missing' && divergence.turn >= record.turns.length) column.append(el('div', { class: 'turn turn-diverged' }, 'episode over'));
  return column;
}
