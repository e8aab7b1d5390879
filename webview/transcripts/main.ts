// Transcripts webview: the episodes of one episodes.jsonl. A virtualized list (only the rows
// in view are in the DOM, fetched a window at a time), filters, full-text search and sorting
// answered by the host's worker, a failure-mode summary per split and step, and the detail of
// one episode turn by turn. Every string from a record goes in as text (el() / textContent).
import { answerSegments } from '../../src/core/transcripts/answerFields';
import { ruleCollapseNote } from '../../src/core/transcripts/ruleCollapse';
import type { EpisodeDetail, EpisodeRow, FailureGroup, FromTranscripts, IndexProgress, QueryResult, SortKey, ToTranscripts, TranscriptFacets, TranscriptQuery, TranscriptsState } from '../../src/protocol/transcripts';
import '../shared/elements';
import { connectHost, el } from '../shared/host';
import { routeLegend, routeSvg } from '../shared/routeMap';
import { groupSection, historySection } from './related';
import { TokenView, type MeasureChoice } from './tokens';

interface State extends TranscriptsState {
  selected?: number;
  /** What the outputs of turns with per-token records are colored by. */
  tokenMeasure?: MeasureChoice;
}

const ROW_HEIGHT = 46;
const WINDOW = 100;
const OVERSCAN = 8;

const host = connectHost<FromTranscripts, State>();
const state: State = host.getState() ?? { query: {} };
let generation = 0;
let total = 0;
let partial = true;
let facets: TranscriptFacets | undefined;
const rows = new Map<number, EpisodeRow>();
const requested = new Set<number>();

// ---------------------------------------------------------------------------- layout

type Field = HTMLElement & { value: string };
const search = el('vscode-textfield', { id: 'search', placeholder: 'Search prompts, outputs, verifier messages', 'aria-label': 'Search' }) as Field;
const kindSelect = select('filter-kind', 'Split kind');
const splitSelect = select('filter-split', 'Variant');
const taskSelect = select('filter-task', 'Task');
const successSelect = select('filter-success', 'Outcome');
const failureSelect = select('filter-failure', 'Failure mode');
const checkpointSelect = select('filter-checkpoint', 'Checkpoint');
const stepMin = numberField('step-min', 'Step from');
const stepMax = numberField('step-max', 'Step to');
const rewardMin = numberField('reward-min', 'Reward from');
const rewardMax = numberField('reward-max', 'Reward to');
const sortSelect = select('sort', 'Sort by');
const descending = el('vscode-checkbox', { id: 'sort-descending' }, 'descending') as HTMLElement & { checked: boolean };
const status = el('div', { id: 'status', class: 'status', role: 'status' });
const problems = el('ul', { id: 'problems', class: 'problems' });
/** aria-busy while a query's answer is awaited. */
const viewport = el('div', { id: 'episode-list', class: 'episode-list', role: 'listbox', tabindex: '0', 'aria-label': 'Episodes', 'aria-busy': 'true' });
const spacer = el('div', { class: 'episode-spacer' });
viewport.append(spacer);
const summary = el('details', { id: 'failure-summary', class: 'failure-summary' }, el('summary', {}, 'Failure modes per split and step'));
const summaryBody = el('div', { id: 'failure-summary-body' });
summary.append(summaryBody);
const detail = el('section', { id: 'detail', class: 'detail', 'aria-label': 'Episode' }, el('p', { class: 'empty' }, 'Pick an episode.'));
/** A line for screen readers when an episode opens (the detail itself is too long to be read on each arrow key). */
const detailAnnouncement = el('div', { id: 'detail-announcement', class: 'visually-hidden', 'aria-live': 'polite' });

function select(id: string, label: string): Field {
  return el('vscode-single-select', { id, 'aria-label': label, title: label }) as Field;
}
function numberField(id: string, label: string): Field {
  return el('vscode-textfield', { id, type: 'number', placeholder: label, 'aria-label': label, title: label, class: 'narrow' }) as Field;
}
const labelled = (label: string, control: HTMLElement) => el('label', { class: 'filter' }, el('span', {}, label), control);

document.getElementById('root')!.append(
  el('header', { class: 'toolbar' }, search, labelled('Split', kindSelect), labelled('Variant', splitSelect), labelled('Outcome', successSelect), labelled('Failure', failureSelect)),
  el('div', { class: 'toolbar' }, labelled('Task', taskSelect), labelled('Checkpoint', checkpointSelect), labelled('Steps', el('span', { class: 'range' }, stepMin, '–', stepMax)), labelled('Reward', el('span', { class: 'range' }, rewardMin, '–', rewardMax)), labelled('Sort', sortSelect), descending),
  status,
  problems,
  el('main', { class: 'transcripts-grid' }, el('section', { class: 'list-column' }, viewport, summary), detail),
  detailAnnouncement,
);

function fill(target: Field, options: [string, string][], selected: string): void {
  target.replaceChildren(...options.map(([value, label]) => el('vscode-option', { value, ...(value === selected ? { selected: '' } : {}) }, label)));
  target.value = selected;
}

/** Every control from state.query, so that the list shown (the query's) is the one the controls say. */
function fillControls(): void {
  search.value = state.query.text ?? '';
  fill(sortSelect, [['file', 'file order'], ['step', 'step'], ['reward', 'total reward'], ['turns', 'turns'], ['seed', 'seed'], ['episode', 'episode']], state.query.sort?.key ?? 'file');
  descending.checked = state.query.sort?.descending === true;
  fill(successSelect, [['', 'all'], ['true', 'solved'], ['false', 'failed']], state.query.success === undefined ? '' : String(state.query.success));
  fillNumbers();
  if (facets) fillFacets(facets);
}
fillControls();

function fillFacets(f: TranscriptFacets): void {
  const kindLabels: Record<string, string> = { train: 'training', id: 'ID', 'rule-ood': 'OOD (rule)', 'visual-ood': 'OOD (visual)' };
  const kinds: [string, string][] = [['', 'all'], ...f.splitKinds.map((k): [string, string] => [k, kindLabels[k] ?? k])];
  if (f.splitKinds.filter((k) => k.endsWith('-ood')).length > 1) kinds.push(['ood', 'OOD (any)']);
  fill(kindSelect, kinds, state.query.splitKinds?.[0] ?? '');
  fill(splitSelect, [['', 'all'], ...f.splits.map((s): [string, string] => [s, s])], state.query.splits?.[0] ?? '');
  fill(taskSelect, [['', 'all'], ...f.tasks.map((t): [string, string] => [t, t])], state.query.tasks?.[0] ?? '');
  fill(failureSelect, [['', 'any'], ...f.failureModes.map((m): [string, string] => [m, m])], state.query.failureModes?.[0] ?? '');
  fill(checkpointSelect, [['', 'all'], ...f.checkpoints.map((c): [string, string] => [c, c])], state.query.checkpoints?.[0] ?? '');
  stepMin.setAttribute('placeholder', f.stepMin === undefined ? 'from' : `from ${f.stepMin}`);
  stepMax.setAttribute('placeholder', f.stepMax === undefined ? 'to' : `to ${f.stepMax}`);
}

function fillNumbers(): void {
  for (const [field, value] of [[stepMin, state.query.stepMin], [stepMax, state.query.stepMax], [rewardMin, state.query.rewardMin], [rewardMax, state.query.rewardMax]] as const) {
    field.value = value === undefined ? '' : String(value);
  }
}

// ---------------------------------------------------------------------------- querying

function readQuery(): TranscriptQuery {
  const one = (field: Field) => (field.value ? [field.value] : undefined);
  const num = (field: Field) => {
    const value = Number.parseFloat(field.value);
    return field.value.trim() !== '' && Number.isFinite(value) ? value : undefined;
  };
  const query: TranscriptQuery = {
    splitKinds: one(kindSelect),
    splits: one(splitSelect),
    tasks: one(taskSelect),
    failureModes: one(failureSelect),
    checkpoints: one(checkpointSelect),
    success: successSelect.value === '' ? undefined : successSelect.value === 'true',
    stepMin: num(stepMin),
    stepMax: num(stepMax),
    rewardMin: num(rewardMin),
    rewardMax: num(rewardMax),
    text: search.value.trim() || undefined,
    sort: { key: (sortSelect.value || 'file') as SortKey, descending: descending.checked },
  };
  return JSON.parse(JSON.stringify(query)) as TranscriptQuery; // drops the undefined keys
}

function runQuery(keepScroll = false): void {
  state.query = readQuery();
  host.setState(state);
  generation++;
  rows.clear();
  requested.clear();
  viewport.setAttribute('aria-busy', 'true');
  if (!keepScroll) viewport.scrollTop = 0;
  const first = keepScroll ? Math.floor(viewport.scrollTop / ROW_HEIGHT / WINDOW) * WINDOW : 0;
  requested.add(first); // the query answers this window; any other is asked for when in view
  host.post({ type: 'query', query: state.query, generation, start: first, count: WINDOW });
  if (!keepScroll) renderVisible(); // the old query's rows are not this one's: none stays to be clicked or scrolled to
  if (state.query.text) status.textContent = 'searching…';
  if (summary.open) host.post({ type: 'summary' });
}

let typing: ReturnType<typeof setTimeout> | undefined;
search.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => runQuery(), 250);
});
for (const control of [kindSelect, splitSelect, taskSelect, successSelect, failureSelect, checkpointSelect, sortSelect, descending]) control.addEventListener('change', () => runQuery());
for (const field of [stepMin, stepMax, rewardMin, rewardMax]) field.addEventListener('change', () => runQuery());
summary.addEventListener('toggle', () => summary.open && host.post({ type: 'summary' }));

// ---------------------------------------------------------------------------- the virtualized list

function onRows(result: QueryResult): void {
  if (result.generation !== generation) return; // an older query's answer
  total = result.total;
  partial = result.partial;
  viewport.setAttribute('aria-busy', 'false');
  result.rows.forEach((row, i) => rows.set(result.start + i, row));
  spacer.style.height = `${total * ROW_HEIGHT}px`;
  renderStatus();
  const pending = rows.get(pendingIndex ?? -1);
  pendingIndex = undefined;
  if (pending) openDetail(pending.row);
  renderVisible();
  if (partial && progress?.done) runQuery(true); // answered from a growing index that has since been completed
}

function renderVisible(): void {
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  for (let w = Math.floor(first / WINDOW) * WINDOW; w < last; w += WINDOW) {
    if (!requested.has(w)) {
      requested.add(w);
      host.post({ type: 'window', generation, start: w, count: WINDOW });
    }
  }
  const nodes: HTMLElement[] = [];
  for (let i = first; i < last; i++) nodes.push(rowNode(i, rows.get(i)));
  spacer.replaceChildren(...nodes);
  const active = nodes.find((node) => node.getAttribute('aria-selected') === 'true');
  if (active) viewport.setAttribute('aria-activedescendant', active.id);
  else viewport.removeAttribute('aria-activedescendant');
}

/** Positioned through the CSSOM (the CSP forbids style attributes). */
function rowNode(i: number, row: EpisodeRow | undefined): HTMLElement {
  const node = row ? episodeRow(i, row) : el('div', { class: 'episode-row loading' }, '…');
  node.style.top = `${i * ROW_HEIGHT}px`;
  return node;
}

function episodeRow(i: number, row: EpisodeRow): HTMLElement {
  const node = el(
    'div',
    {
      class: `episode-row${row.row === state.selected ? ' selected' : ''}`,
      id: `episode-option-${i}`,
      role: 'option',
      'aria-selected': String(row.row === state.selected),
      // only the rows in view are in the DOM: each says where it is in the whole list
      'aria-setsize': String(total),
      'aria-posinset': String(i + 1),
      'data-row': String(row.row),
      'data-index': String(i),
      title: row.file ? `${row.file} line ${row.line}` : `line ${row.line}`,
    },
    el(
      'div',
      { class: 'row-line' },
      outcome(row.success, row.totalReward),
      el('span', { class: 'row-id' }, `${row.split} · step ${row.step} · ep ${row.episode}${row.seed >= 0 ? ` · seed ${row.seed}` : ''}`),
      el('span', { class: 'row-meta' }, `${row.task} · ${row.turns} turn${row.turns === 1 ? '' : 's'} · reward ${rewardText(row.totalReward)}${row.failureMode ? ` · ${row.failureMode}` : ''}`),
    ),
    el('div', { class: 'row-snippet' }, row.snippet || ' '),
  );
  node.addEventListener('click', () => openDetail(row.row));
  return node;
}

let scrolling = 0;
viewport.addEventListener('scroll', () => {
  cancelAnimationFrame(scrolling);
  scrolling = requestAnimationFrame(renderVisible);
});
/** A row the keyboard moved to before its window was fetched: opened when it arrives. */
let pendingIndex: number | undefined;
viewport.addEventListener('keydown', (event) => {
  if (total === 0) return;
  const current = pendingIndex ?? [...rows.entries()].find(([, r]) => r.row === state.selected)?.[0] ?? -1;
  const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT) - 1);
  const moves: Record<string, number> = { ArrowDown: current + 1, ArrowUp: current - 1, PageDown: current + page, PageUp: current - page, Home: 0, End: total - 1 };
  if (!(event.key in moves)) return;
  event.preventDefault();
  const next = Math.min(total - 1, Math.max(0, moves[event.key]!));
  const row = rows.get(next);
  pendingIndex = row ? undefined : next;
  if (row) openDetail(row.row);
  const top = next * ROW_HEIGHT;
  if (top < viewport.scrollTop) viewport.scrollTop = top;
  else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
});

function openDetail(row: number): void {
  pendingIndex = undefined; // a row opened otherwise (a click) is not undone by the keyboard's, fetched later
  state.selected = row;
  host.setState(state);
  host.post({ type: 'detail', row });
  renderVisible();
}

let progress: IndexProgress | undefined;
function renderStatus(): void {
  const parts = [`${total.toLocaleString('en')} episode${total === 1 ? '' : 's'}${state.query.text ? ` matching “${state.query.text}”` : ''}`];
  if (progress) {
    parts.push(progress.done ? `${progress.episodes.toLocaleString('en')} indexed` : `indexing ${Math.round((progress.bytes / Math.max(progress.size, 1)) * 100)}% (${progress.episodes.toLocaleString('en')} so far)`);
    if (progress.skipped) parts.push(`${progress.skipped} line${progress.skipped === 1 ? '' : 's'} skipped (torn or not episodes)`);
  }
  status.textContent = parts.join(' · ');
  problems.replaceChildren(...[...(progress?.notes ?? []), ...(progress?.skippedExamples ?? [])].map((p) => el('li', {}, p)));
}

// ---------------------------------------------------------------------------- failure summary

function renderSummary(groups: FailureGroup[]): void {
  if (!groups.length) {
    summaryBody.replaceChildren(el('p', { class: 'empty' }, 'No episodes.'));
    return;
  }
  summaryBody.replaceChildren(
    ...groups.map((g) => {
      const collapse = ruleCollapseNote(g);
      const box = el('div', { class: 'failure-group' }, el('h4', {}, `${g.split}${g.splitKind && g.splitKind !== g.split ? ` (${g.splitKind})` : ''} · step ${g.step}`, el('span', { class: 'status' }, g.unknown === g.episodes ? ` — ${g.episodes} episodes` : ` — ${g.failures} of ${g.episodes} failed`)));
      if (collapse) box.append(el('p', { class: 'rule-collapse', role: 'note' }, collapse));
      const table = el('table', { class: 'compare-table failure-table' }, el('thead', {}, el('tr', {}, el('th', {}, 'failure mode'), el('th', {}, 'count'), el('th', {}, 'share'), el('th', {}, 'examples'))));
      const body = el('tbody');
      for (const m of g.modes) {
        const examples = el('td', { class: 'examples' });
        for (const e of m.examples) {
          const link = el('button', { class: 'link', type: 'button', 'data-row': String(e.row) }, `ep ${e.episode}`);
          link.addEventListener('click', () => openDetail(e.row));
          examples.append(link, ' ');
        }
        body.append(el('tr', { class: m.mode === 'rule-collapse' ? 'is-collapse' : '' }, el('td', {}, m.mode), el('td', {}, String(m.count)), el('td', {}, `${Math.round((m.count / Math.max(g.failures, 1)) * 100)}%`), examples));
      }
      table.append(body);
      box.append(g.failures ? table : el('p', { class: 'empty' }, g.unknown === g.episodes ? 'No outcomes recorded: these episodes have rewards only.' : 'No failures.'));
      return box;
    }),
  );
}

// ---------------------------------------------------------------------------- the detail

const formatNumber = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
/** Another trainer's episode may have no known reward (the problems list says why). */
const rewardText = (x: number | undefined) => (x === undefined ? 'unknown' : formatNumber(x));

function highlightedOutput(output: string): HTMLElement {
  const pre = el('pre', { class: 'turn-text output' });
  for (const s of answerSegments(output)) pre.append(s.field ? el('span', { class: `field field-${s.part}`, 'data-field': s.field }, s.text) : s.text);
  return pre;
}

/** Solved or failed; another trainer's episode has no outcome, only its reward. */
function outcome(success: boolean | undefined, reward: number | undefined): HTMLElement {
  if (success === undefined) return rewardChip(reward, { title: 'no outcome recorded: the reward' });
  return el('span', { class: success ? 'chip ok' : 'chip fail' }, success ? 'solved' : 'failed');
}

function rewardChip(reward: number | undefined, options: { signed?: boolean; title?: string }): HTMLElement {
  const tone = reward === undefined ? 'zero' : reward > 0 ? 'ok' : reward < 0 ? 'fail' : 'zero';
  const sign = options.signed && reward !== undefined && reward > 0 ? '+' : '';
  return el('span', { class: `chip ${tone}`, ...(options.title ? { title: options.title } : {}) }, `reward ${sign}${rewardText(reward)}`);
}

const SOURCE_NAMES: Record<NonNullable<EpisodeDetail['record']['source']>['format'], string> = {
  'trl-completions': 'TRL GRPOTrainer completions',
  'verl-generations': 'verl generations dump',
};

/** The episode the detail shows. */
let shown: EpisodeDetail | undefined;

function renderDetail(d: EpisodeDetail): void {
  const r = d.record;
  const environment = r.environment as Record<string, unknown> | undefined;
  const vision = environment?.modality === 'vision';
  const virl = environment?.env === 'virl';
  const where = d.file ? `${d.file} ${r.source?.format === 'trl-completions' ? `row ${d.line - 1}` : `line ${d.line}`}` : `line ${d.line}`;
  const title = `${r.split}${r.splitKind && r.splitKind !== r.split ? ` (${r.splitKind})` : ''} · step ${r.step} · episode ${r.episode}${r.seed !== undefined ? ` · seed ${r.seed}` : ''}`;
  detailAnnouncement.textContent = `Episode ${title}: ${r.success === undefined ? '' : r.success ? 'solved, ' : 'failed, '}total reward ${rewardText(r.totalReward)}`;
  const header = el(
    'div',
    { class: 'detail-header' },
    el('h2', {}, title),
    el(
      'div',
      { class: 'detail-meta' },
      ...(r.success !== undefined ? [outcome(r.success, r.totalReward)] : []),
      el('span', { class: 'chip reward' }, `total reward ${rewardText(r.totalReward)}`),
      ...(r.failureMode ? [el('span', { class: 'chip mode' }, r.failureMode)] : []),
      el('span', { class: 'status' }, [r.runId, r.checkpoint, where, r.source ? SOURCE_NAMES[r.source.format] : `${d.maxVerify} attempt${d.maxVerify === 1 ? '' : 's'}${virl ? ' per position' : ''}`].filter(Boolean).join(' · ')),
    ),
  );
  const rawLabel = r.source?.format === 'trl-completions' ? 'The record read from the parquet row (JSON)' : 'Raw record (JSON line)';
  const rawRecord = el('details', { class: 'raw-record' }, el('summary', {}, rawLabel), el('pre', { id: 'raw-record', class: 'turn-text' }, d.raw));
  const tokens = d.tokens
    ? new TokenView(d, state.tokenMeasure ?? 'none', (measure) => {
        state.tokenMeasure = measure;
        host.setState(state);
      })
    : undefined;
  const group = d.group ? groupSection(d.group, d.row, openDetail) : undefined;
  const history = d.history ? historySection(d.history, d.row, openDetail) : undefined;
  detail.replaceChildren(...[header, r.source ? sourceFields(r.source) : observation(d, vision), history, group, tokens?.bar, turnsList(d, tokens), rawRecord].filter((e): e is HTMLElement => e !== undefined));
  tokens?.start();
}

/** Another trainer's columns that no episode field holds (reward functions, advantage, ground truth, extras), as written. */
function sourceFields(source: NonNullable<EpisodeDetail['record']['source']>): HTMLElement | undefined {
  const entries = Object.entries(source.fields ?? {});
  if (!entries.length) return undefined;
  const body = el('tbody');
  for (const [key, value] of entries) body.append(el('tr', {}, el('th', { scope: 'row' }, key), el('td', { class: 'mono' }, typeof value === 'string' ? value : JSON.stringify(value))));
  return el('table', { id: 'source-fields', class: 'compare-table source-fields' }, el('caption', {}, `Columns of the ${SOURCE_NAMES[source.format]}`), body);
}

function observation(d: EpisodeDetail, vision: boolean): HTMLElement {
  const r = d.record;
  const box = el('div', { class: 'observation' });
  const state = r.state as Record<string, unknown> | undefined;
  const virl = r.environment?.env === 'virl';
  if (virl) {
    const position = typeof state?.position === 'number' ? state.position + 1 : '?';
    box.append(el('p', { class: 'status' }, `Route ${String(state?.routeId ?? '?')}${state?.city ? ` (${String(state.city)})` : ''} · reached position ${position} of ${String(state?.railLength ?? '?')}`));
  }
  box.append(el('div', { class: 'observation-image-slot' }, ...observationImage(d, vision)));
  if (state && Array.isArray(state.cards)) {
    const values = Array.isArray(state.values) ? ` · numbers [${(state.values as number[]).join(', ')}]` : '';
    box.append(el('p', { class: 'cards' }, `Cards ${(state.cards as string[]).join(' ')}${values}`));
    if (Array.isArray(state.solutions) && state.solutions.length) {
      const solutions = state.solutions as string[];
      box.append(el('details', { class: 'solutions-box' }, el('summary', {}, `${solutions.length} solution${solutions.length === 1 ? '' : 's'}`), el('p', { class: 'mono' }, solutions.join('   '))));
    }
  }
  if (virl) {
    if (d.route) box.append(el('div', { class: 'route-box' }, routeSvg(d.route, 'route-map'), el('details', {}, el('summary', {}, 'Landmarks'), routeLegend(d.route))));
    if (d.routeNote) box.append(el('p', { class: 'status', id: 'route-note' }, d.routeNote));
    if (typeof state?.instruction === 'string') box.append(el('details', {}, el('summary', {}, 'Instruction'), el('pre', { class: 'turn-text' }, state.instruction)));
  }
  return box;
}

/** The observation image and why it is missing (or still being drawn). */
function observationImage(d: EpisodeDetail, vision: boolean): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (d.image) parts.push(el('figure', { id: 'observation-image', class: vision ? 'observation-image vision' : 'observation-image' }, el('img', { src: d.image.src, alt: d.image.caption }), el('figcaption', { class: 'status' }, d.image.caption)));
  if (d.imageNote) parts.push(el('p', { class: 'status', id: 'image-note' }, d.imageNote));
  return parts;
}

function turnImage(d: EpisodeDetail, t: number): HTMLElement | undefined {
  const image = d.turnImages[t];
  return image ? el('img', { class: 'turn-image', src: image, alt: `Observation at position ${(d.turns[t]?.position ?? 0) + 1}` }) : undefined;
}

/** The street-view grids drawn from a record arrive after its detail: shown in place, the rest of the detail kept as it is. */
function updateImages(update: Extract<ToTranscripts, { type: 'detail/images' }>): void {
  if (shown?.row !== update.row) return; // another episode is shown now
  const { image, turnImages, imageNote } = update;
  shown = { ...shown, image, turnImages, imageNote };
  const d = shown;
  detail.querySelector('.observation-image-slot')?.replaceChildren(...observationImage(d, (d.record.environment as Record<string, unknown> | undefined)?.modality === 'vision'));
  for (const item of detail.querySelectorAll<HTMLElement>('#turns > li[data-turn]')) {
    const t = Number(item.dataset.turn);
    const fresh = turnImage(d, t);
    const old = item.querySelector(':scope > .turn-image');
    if (old && fresh) old.replaceWith(fresh);
    else if (fresh) item.querySelector(':scope > .prompt-box')?.after(fresh);
  }
}

function turnsList(d: EpisodeDetail, tokens: TokenView | undefined): HTMLElement {
  const list = el('ol', { id: 'turns', class: 'turns' });
  d.record.turns.forEach((turn, t) => {
    const context = d.turns[t]!;
    const item = el('li', { class: 'turn', 'data-turn': String(t) });
    if (turn.prompt !== undefined) {
      const label = t === 0 ? 'Prompt' : `Prompt at position ${(context.position ?? 0) + 1} (a new chat)`;
      const prompt = el('details', { class: 'prompt-box' }, el('summary', {}, `${label} · ${turn.prompt.length} characters`), el('pre', { class: 'turn-text prompt' }, turn.prompt));
      item.append(prompt);
      const image = turnImage(d, t);
      if (image) item.append(image);
    }
    if (turn.promptDelta !== undefined) item.append(el('div', { class: 'turn-label' }, 'User (appended)'), el('pre', { class: 'turn-text delta' }, turn.promptDelta));
    const raw = el('pre', { class: 'turn-text output raw', hidden: '' }, turn.output);
    const pretty = highlightedOutput(turn.output);
    const toggle = el('button', { class: 'link raw-toggle', type: 'button', 'aria-pressed': 'false' }, 'raw text');
    toggle.addEventListener('click', () => {
      const showRaw = raw.hidden;
      raw.hidden = !showRaw;
      pretty.hidden = showRaw;
      toggle.setAttribute('aria-pressed', String(showRaw));
      toggle.textContent = showRaw ? 'highlighted' : 'raw text';
    });
    item.append(el('div', { class: 'turn-label' }, `Turn ${t + 1} · model${turn.outputTokens !== undefined ? ` · ${turn.outputTokens} tokens` : ''}`, ' ', toggle), pretty, raw);
    const heatmap = tokens?.heatmapFor(t, turn.output, [pretty, raw, toggle]);
    if (heatmap) item.append(heatmap);
    const attempts = `attempt ${context.attempt}${context.position !== undefined ? ` at position ${context.position + 1}` : ''} · ${context.attemptsLeft} left`;
    item.append(
      el(
        'div',
        { class: 'verdict' },
        rewardChip(turn.reward, { signed: true }),
        el('span', { class: 'message' }, turn.message),
        ...(turn.failureMode ? [el('span', { class: 'chip mode' }, turn.failureMode)] : []),
        ...(turn.expertAction !== undefined ? [el('span', { class: 'status' }, `expert: ${turn.expertAction}`)] : []),
        ...(turn.recognized !== undefined ? [el('span', { class: 'status' }, turn.recognized ? 'cards recognized' : 'cards misread')] : []),
        ...(d.record.source ? [] : [el('span', { class: 'status attempts' }, turn.done ? `${attempts} · episode over` : attempts)]),
      ),
    );
    list.append(item);
  });
  return list;
}

// ---------------------------------------------------------------------------- messages

window.addEventListener('message', (event: MessageEvent<ToTranscripts>) => {
  const message = event.data;
  switch (message.type) {
    case 'open':
      state.query = message.view.query; // the host answers this query itself: the controls show it, whatever they showed before
      state.fsPath = message.view.fsPath;
      host.setState(state);
      document.title = message.view.title;
      generation = 0;
      rows.clear();
      requested.clear();
      requested.add(0);
      viewport.setAttribute('aria-busy', 'true');
      fillControls();
      return;
    case 'progress': {
      const wasPartial = partial;
      progress = message.progress;
      if (JSON.stringify(facets) !== JSON.stringify(message.facets)) fillFacets(message.facets);
      facets = message.facets;
      renderStatus();
      // the index grew: count again, keeping the place (a search only scans the new rows)
      if (wasPartial && (message.progress.done || total < WINDOW)) runQuery(true);
      return;
    }
    case 'rows':
      onRows(message.result);
      return;
    case 'summary':
      renderSummary(message.groups);
      return;
    case 'detail':
      shown = message.detail;
      renderDetail(message.detail);
      return;
    case 'detail/images':
      updateImages(message);
      return;
    case 'error':
      problems.replaceChildren(el('li', {}, message.message));
      return;
  }
});

host.post({ type: 'ready' });
if (state.selected !== undefined) host.post({ type: 'detail', row: state.selected });
