// Compare webview: two checkpoints on the same seeded episodes. Success per split with
// standard errors, the paired difference and McNemar's exact test, the episodes whose
// outcomes differ, and both transcripts side by side from their first divergence; above them,
// what could not be read of the evaluations' episode files, when anything was.
// Every string from a record is set as text (el() and textContent), never as HTML.
import type { Divergence } from '../../src/core/compare/compare';
import type { OwnEpisode } from '../../src/core/contracts/contracts';
import type { CompareSource, ComparisonView, FromCompare, PairRow, PlayState, ToCompare } from '../../src/protocol/compare';
import '../shared/elements';
import { connectHost, el } from '../shared/host';
import { outcomeChip as mark, transcript } from '../shared/transcript';

interface State {
  a?: string;
  b?: string;
  episodes?: string;
  onlyDiffering: boolean;
}

type Select = HTMLElement & { value: string };
type TextField = HTMLElement & { value: string };

const host = connectHost<FromCompare, State>();
const state: State = host.getState() ?? { onlyDiffering: true };
let sources: CompareSource[] = [];
let view: ComparisonView | undefined;

const selectA = el('vscode-single-select', { id: 'source-a', 'aria-label': 'Checkpoint A' }) as Select;
const selectB = el('vscode-single-select', { id: 'source-b', 'aria-label': 'Checkpoint B' }) as Select;
const episodesField = el('vscode-textfield', { id: 'episodes', type: 'number', min: '1', placeholder: 'from config', 'aria-label': 'Episodes per split (local runs)' }) as TextField;
const compareButton = el('vscode-button', { id: 'compare' }, 'Compare');
const cancelButton = el('vscode-button', { id: 'cancel', secondary: '', hidden: '' }, 'Cancel');
const refreshButton = el('vscode-button', { id: 'refresh', secondary: '' }, 'Refresh');
const status = el('div', { id: 'status', class: 'status', role: 'status' });
/** What could not be read of the evaluations' episode files: the episodes the numbers leave out. */
const problems = el('ul', { id: 'problems', class: 'problems' });
const summary = el('section', { id: 'summary' });
const onlyDiffering = el('vscode-checkbox', { id: 'only-differing', ...(state.onlyDiffering ? { checked: '' } : {}) }, 'Only episodes whose outcomes differ');
const rows = el('section', { id: 'rows', class: 'compare-rows' });
const detail = el('section', { id: 'detail', class: 'compare-detail' });

// Playing one episode by hand: the checkpoint proposes, you may edit, the verifier scores.
const playSource = el('vscode-single-select', { id: 'play-source', 'aria-label': 'Checkpoint that proposes answers' }) as Select;
const playSplit = el('vscode-single-select', { id: 'play-split', 'aria-label': 'Split' }) as Select;
const playEpisode = el('vscode-textfield', { id: 'play-episode', type: 'number', min: '0', value: '0', 'aria-label': 'Episode index in the split' }) as TextField;
const playStart = el('vscode-button', { id: 'play-start', secondary: '' }, 'Start');
const playTranscript = el('div', { id: 'play-transcript' });
const playNext = el('pre', { id: 'play-next', class: 'turn-text' });
const playAnswer = el('textarea', { id: 'play-answer', rows: '6', 'aria-label': 'Answer to submit', spellcheck: 'false' });
const playGenerate = el('vscode-button', { id: 'play-generate', secondary: '' }, "Checkpoint's answer");
const playSubmit = el('vscode-button', { id: 'play-submit' }, 'Submit');
const playStatus = el('div', { id: 'play-status', class: 'status', role: 'status' });
const playTurn = el('div', { id: 'play-turn', hidden: '' }, el('div', { class: 'turn-label' }, 'next, shown to the model'), playNext, playAnswer, el('div', { class: 'toolbar' }, playGenerate, playSubmit));
const play = el(
  'section',
  { id: 'play', class: 'play' },
  el('h2', {}, 'Play an episode with a checkpoint'),
  el('header', { class: 'toolbar' }, el('vscode-label', {}, 'Checkpoint'), playSource, el('vscode-label', {}, 'Split'), playSplit, el('vscode-label', {}, 'Episode'), playEpisode, playStart),
  playTranscript,
  playTurn,
  playStatus,
);

document.getElementById('root')!.append(
  el('header', { class: 'toolbar' }, el('vscode-label', {}, 'A'), selectA, el('vscode-label', {}, 'B'), selectB, el('vscode-label', {}, 'Episodes'), episodesField, compareButton, cancelButton, refreshButton),
  status,
  problems,
  summary,
  el('div', { class: 'toolbar' }, onlyDiffering),
  rows,
  detail,
  play,
);

playSource.addEventListener('change', () => fillPlaySplits());
playStart.addEventListener('click', () => {
  const episode = Number.parseInt(playEpisode.value, 10);
  playStatus.textContent = 'starting…';
  host.post({ type: 'play/start', source: playSource.value, split: playSplit.value, episode: Number.isFinite(episode) && episode >= 0 ? episode : 0 });
});
playGenerate.addEventListener('click', () => {
  playStatus.textContent = 'the checkpoint is answering…';
  host.post({ type: 'play/generate' });
});
playSubmit.addEventListener('click', () => host.post({ type: 'play/submit', answer: playAnswer.value }));

function fillPlaySplits(): void {
  const source = sources.find((s) => s.id === playSource.value);
  playSplit.replaceChildren(...(source?.splits ?? []).map((name, i) => el('vscode-option', { value: name, ...(i === 0 ? { selected: '' } : {}) }, name)));
}

function renderPlay(state: PlayState): void {
  const record = { runId: '', step: 0, split: state.split, episode: 0, seed: state.seed, environment: { env: 'generalpoints' }, turns: state.turns, success: state.success, totalReward: state.totalReward } as unknown as OwnEpisode;
  playTranscript.replaceChildren(el('div', { class: 'turn-label' }, `${state.source} · ${state.split} · seed ${state.seed}${state.draws ? ` · ${state.draws}` : ''}`));
  if (state.turns.length > 0) playTranscript.append(transcript(record, state.done ? 'episode over' : 'so far'));
  playTurn.hidden = state.done;
  playNext.textContent = state.next ? ('prompt' in state.next ? state.next.prompt : state.next.promptDelta) : '';
  playAnswer.value = '';
  playStatus.textContent = state.done ? `episode over: ${state.success ? 'success' : 'failed'}, total reward ${state.totalReward}` : `${state.turns.length} turn(s) played; ask the checkpoint or type an answer`;
}

if (state.episodes) episodesField.value = state.episodes;

compareButton.addEventListener('click', () => {
  state.a = selectA.value;
  state.b = selectB.value;
  state.episodes = episodesField.value;
  host.setState(state);
  const episodes = Number.parseInt(episodesField.value, 10);
  status.textContent = 'starting…';
  cancelButton.hidden = false;
  host.post({ type: 'compare/run', a: state.a, b: state.b, episodes: Number.isFinite(episodes) && episodes > 0 ? episodes : undefined, splits: undefined });
});
cancelButton.addEventListener('click', () => host.post({ type: 'compare/cancel' }));
refreshButton.addEventListener('click', () => host.post({ type: 'sources/refresh' }));
onlyDiffering.addEventListener('change', () => {
  state.onlyDiffering = (onlyDiffering as unknown as { checked: boolean }).checked;
  host.setState(state);
  renderRows();
});

window.addEventListener('message', (event: MessageEvent<ToCompare>) => {
  const message = event.data;
  switch (message.type) {
    case 'sources/set':
      sources = message.sources;
      fillSelect(selectA, state.a ?? sources[0]?.id);
      fillSelect(selectB, state.b ?? sources[1]?.id ?? sources[0]?.id);
      playSource.replaceChildren(...sources.filter((s) => s.kind === 'onnx').map((s, i) => el('vscode-option', { value: s.id, ...(i === 0 ? { selected: '' } : {}) }, s.label)));
      fillPlaySplits();
      status.textContent = sources.length ? '' : 'No checkpoints to compare yet: export a checkpoint (python -m ptlab export) or evaluate one (python -m ptlab eval).';
      return;
    case 'compare/progress':
      status.textContent = `${message.message} (${Math.round(message.fraction * 100)}%)`;
      return;
    case 'compare/error':
      status.textContent = message.message;
      cancelButton.hidden = true;
      return;
    case 'compare/result':
      view = message.view;
      cancelButton.hidden = true;
      status.textContent = describeSpeed(view);
      problems.replaceChildren(...view.problems.map((p) => el('li', {}, p)));
      renderSummary();
      renderRows();
      detail.replaceChildren();
      return;
    case 'pair/show':
      renderDetail(message.a, message.b, message.divergence);
      return;
    case 'play/state':
      renderPlay(message.state);
      return;
    case 'play/proposal':
      playAnswer.value = message.text;
      playStatus.textContent = `the checkpoint's answer (${message.tokens} tokens, ${message.tokensPerSecond.toFixed(0)} tokens/s): edit it or submit it`;
      return;
    case 'play/error':
      playStatus.textContent = message.message;
      return;
  }
});

function fillSelect(select: Select, selected: string | undefined): void {
  select.replaceChildren(...sources.map((s) => el('vscode-option', { value: s.id, ...(s.id === selected ? { selected: '' } : {}) }, s.label)));
}

function describeSpeed(v: ComparisonView): string {
  const speed = (side: 'a' | 'b') => (v.tokensPerSecond?.[side] ? `${side.toUpperCase()} generated ${v.tokensPerSecond[side]!.toFixed(0)} tokens/s` : '');
  const differ = v.unmatched.filter((u) => u.differs).length / 2;
  const alone = v.unmatched.length - 2 * differ;
  const unmatched = alone ? `${alone} episode(s) only one side has were left out` : '';
  const others = differ ? `${differ} split-and-seed pair(s) that are other episodes on each side (another environment, hand or route) were left out` : '';
  return [speed('a'), speed('b'), unmatched, others].filter(Boolean).join(' · ');
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const pm = (rate: number, se: number) => `${percent(rate)} ± ${(se * 100).toFixed(1)}`;
const pValue = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

function renderSummary(): void {
  if (!view) return;
  const header = el('tr', {}, ...['Split', `A: ${view.a.label}`, `B: ${view.b.label}`, 'A − B (paired)', 'A only / B only', 'McNemar p (exact)'].map((h) => el('th', { scope: 'col' }, h)));
  const body = view.splits.map((s) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, `${s.split}${s.splitKind ? ` (${s.splitKind})` : ''} · n=${s.pairs}`),
      el('td', {}, pm(s.a.rate, s.a.stderr)),
      el('td', {}, pm(s.b.rate, s.b.stderr)),
      el('td', { class: s.difference > 0 ? 'better' : s.difference < 0 ? 'worse' : '' }, `${s.difference >= 0 ? '+' : ''}${(s.difference * 100).toFixed(1)} ± ${(s.differenceStderr * 100).toFixed(1)} pts`),
      el('td', {}, `${s.onlyA} / ${s.onlyB}`),
      el('td', { class: s.mcnemarP < 0.05 ? 'significant' : '' }, pValue(s.mcnemarP)),
    ),
  );
  summary.replaceChildren(el('table', { class: 'compare-table', id: 'split-table' }, el('thead', {}, header), el('tbody', {}, ...body)));
}

function divergenceText(d: Divergence | undefined): string {
  if (!d) return 'identical transcripts';
  return d.field === 'missing' ? `one side stops before turn ${d.turn + 1}` : `first differs in turn ${d.turn + 1}, ${d.field} at character ${d.offset}`;
}

function renderRows(): void {
  if (!view) return;
  const shown = view.rows.filter((r) => !state.onlyDiffering || r.successA !== r.successB);
  const list = el('ul', { class: 'pair-list', id: 'pair-list' });
  for (const row of shown) {
    const item = el('li', {}, pairButton(row));
    list.append(item);
  }
  rows.replaceChildren(el('h3', {}, `${shown.length} of ${view.rows.length} episodes`), list);
}

function pairButton(row: PairRow): HTMLElement {
  const button = el('button', { class: 'pair', type: 'button', 'data-split': row.split, 'data-seed': String(row.seed) }, el('span', { class: 'pair-id' }, `${row.split} · seed ${row.seed}`), ' A ', mark(row.successA), ` (${row.rewardA}) · B `, mark(row.successB), ` (${row.rewardB}) · `, divergenceText(row.divergence));
  button.addEventListener('click', () => host.post({ type: 'pair/open', split: row.split, seed: row.seed }));
  return button;
}

function renderDetail(a: OwnEpisode, b: OwnEpisode, divergence: Divergence | undefined): void {
  detail.replaceChildren(
    el('h2', {}, `${a.split} · seed ${a.seed} — ${divergenceText(divergence)}`),
    el('div', { class: 'side-by-side' }, transcript(a, 'A', divergence), transcript(b, 'B', divergence)),
  );
  document.getElementById('diverged-A')?.scrollIntoView({ block: 'nearest' });
}

host.post({ type: 'ready' });
