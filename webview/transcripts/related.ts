// The detail's related episodes: a rollout episode's GRPO group (returns, their mean and std,
// the advantages they produced) and an evaluation seed through training (the same hand or
// route at every evaluated step, side by side, where the answer first changed). A click on
// a member or a step opens that episode. Every string from a record goes in as text.
import type { EpisodeGroup, SeedHistory } from '../../src/protocol/transcripts';
import { formatValue } from '../../src/core/transcripts/tokenHeatmap';
import { el } from '../shared/host';

const signed = (v: number): string => (v > 0 ? `+${formatValue(v)}` : formatValue(v));

function outcomeChip(success: boolean | undefined): HTMLElement {
  if (success === undefined) return el('span', { class: 'status' }, '—');
  return el('span', { class: success ? 'chip ok' : 'chip fail' }, success ? 'solved' : 'failed');
}

/** The advantages of an episode's attempts: once when they are all the same (episode credit), else each. */
function advantages(values: (number | undefined)[]): string {
  const known = values.filter((v): v is number => v !== undefined);
  if (!known.length) return '— (not recorded)';
  if (known.every((v) => v === known[0])) return signed(known[0]!);
  return values.map((v) => (v === undefined ? '—' : signed(v))).join(' · ');
}

export function groupSection(group: EpisodeGroup, currentRow: number, open: (row: number) => void): HTMLElement {
  const body = el('tbody');
  for (const m of group.members) {
    const row = el(
      'tr',
      { class: m.row === currentRow ? 'group-member current' : 'group-member', 'data-row': String(m.row), tabindex: '0', ...(m.row === currentRow ? { 'aria-current': 'true' } : {}) },
      el('td', {}, `episode ${m.episode}`),
      el('td', {}, outcomeChip(m.success)),
      el('td', { class: 'num' }, String(m.turns)),
      el('td', { class: 'num' }, m.return === undefined ? '—' : formatValue(m.return)),
      el('td', { class: 'num mono group-advantages' }, advantages(m.advantages)),
    );
    if (m.row !== currentRow) {
      row.addEventListener('click', () => open(m.row));
      row.addEventListener('keydown', (e) => e.key === 'Enter' && open(m.row));
    }
    body.append(row);
  }
  const table = el(
    'table',
    { class: 'compare-table group-table' },
    el('thead', {}, el('tr', {}, el('th', {}, 'member'), el('th', {}, 'outcome'), el('th', {}, 'attempts'), el('th', {}, 'return'), el('th', {}, 'advantage'))),
    body,
  );
  const spread = Number.isFinite(group.std) ? formatValue(group.std) : '—';
  return el(
    'details',
    { id: 'episode-group', class: 'related', open: '' },
    el('summary', {}, group.seed !== undefined ? `Group: ${group.members.length} episodes of seed ${group.seed} at update ${group.step}` : `Group: ${group.members.length} completions of this prompt at step ${group.step}`),
    el('p', { id: 'group-stats', class: 'status' }, `returns: mean ${Number.isFinite(group.mean) ? formatValue(group.mean) : '— (not known)'}, std ${spread} (n − 1). An advantage is a return minus its group's mean (over the std with ppo.groupStd); with ppo.groupCredit "turn", each attempt's return-to-go against the group's attempts at the same turn.`),
    table,
  );
}

export function historySection(history: SeedHistory, currentRow: number, open: (row: number) => void): HTMLElement {
  const strip = el('div', { class: 'history-strip', role: 'list' });
  history.points.forEach((p, i) => {
    const first = history.firstChange === i;
    const card = el(
      'button',
      { type: 'button', class: `history-point${p.changed ? ' changed' : ''}${first ? ' first-change' : ''}${p.row === currentRow ? ' current' : ''}`, 'data-row': String(p.row), 'data-step': String(p.step), role: 'listitem', ...(p.row === currentRow ? { 'aria-current': 'true' } : {}) },
      el('span', { class: 'history-head' }, `step ${p.step}`, ...(p.checkpoint ? [el('span', { class: 'status' }, ` · ${p.checkpoint}`)] : [])),
      el('span', { class: 'history-meta' }, outcomeChip(p.success), ` ${p.turns} attempt${p.turns === 1 ? '' : 's'}`, ...(first ? [el('span', { class: 'chip mode' }, 'answer changed')] : p.changed ? [el('span', { class: 'status' }, ' · changed')] : [])),
      el('pre', { class: 'turn-text history-answer' }, p.answer ?? p.firstOutput),
    );
    if (p.row !== currentRow) card.addEventListener('click', () => open(p.row));
    strip.append(card);
  });
  const firstChange = history.firstChange !== undefined ? history.points[history.firstChange]! : undefined;
  const verdict = firstChange
    ? `The first attempt's answer first differs from step ${history.points[0]!.step}'s at step ${firstChange.step}${firstChange.checkpoint ? ` (${firstChange.checkpoint})` : ''}.`
    : `The first attempt's answer is the same at every evaluated step.`;
  return el(
    'details',
    { id: 'seed-history', class: 'related', open: '' },
    el('summary', {}, `Seed ${history.seed} through training: ${history.points.length} evaluations of ${history.split}`),
    el('p', { id: 'history-verdict', class: 'status' }, verdict),
    strip,
  );
}
