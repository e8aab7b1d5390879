// The study report page (written by `npx ptlab report`, opened from disk in any browser):
// the paper's view of the user's own runs — ID and OOD success (V-IRL: per-step accuracy, route success on visual OOD) against training GFLOPs for
// SFT and RL from the same Init, the final numbers with their change from Init, the final
// checkpoints compared episode by episode, and sample transcripts; first, what could not be read
// of the runs' files and was left out, when anything was. Data comes from the
// page's JSON block; every string is set as text.
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { ReportData } from '../../src/core/report/report';
import { seedsPhrase } from '../../src/core/report/verdict';
import { el } from '../shared/host';
import { transcript } from '../shared/transcript';
import { paperFigure } from '../dashboard/paper';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);

const data = JSON.parse(document.getElementById('report-data')!.textContent!) as ReportData;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;
const rowName = (kind: string) => (kind === 'id' ? 'In distribution (ID)' : kind === 'rule-ood' ? 'Out of distribution: rule (OOD)' : 'Out of distribution: visual (OOD)');
const clock = (s: number | undefined) => (s === undefined ? 'unfinished' : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

const root = document.getElementById('root')!;
/** The measures named, e.g. "Per-step accuracy and route success" (the paper's for each split kind). */
function measureList(names: string[]): string {
  const text = [...new Set(names)].join(' and ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
const measureOf = (splitKind: keyof ReportData['measures']) => data.measures[splitKind];

function header(): HTMLElement {
  const runs = data.runs.map((r) => `${r.method}: ${r.folder} (${r.status}, ${clock(r.seconds)})`).join(' · ');
  return el('header', {}, el('h1', {}, data.title), el('p', { class: 'muted' }, `Written ${data.createdAt}. ${runs}`));
}

/** What the report could not read of the runs' files: shown before any number, which it left out. */
function problems(): HTMLElement {
  const items = data.problems.map((problem) => el('li', {}, problem));
  return el('section', { id: 'problems', class: 'problems' }, el('h2', {}, 'Left out: what could not be read of the runs\' files'), el('p', {}, 'The numbers below are from the rest of the files; repair or re-run these runs for a report on all of their records.'), el('ul', {}, ...items));
}

/** The dashboard's paper view: ID and OOD against GFLOPs from the shared Init, final bars. */
function paper(): HTMLElement {
  const box = el('div', { class: 'paper', id: 'paper-view' });
  const shown = data.paper.length ? data.paper.flatMap((c) => c.rows.map((r) => r.measure.name)) : data.finals.map((f) => measureOf(f.splitKind).name);
  const section = el('section', {}, el('h2', {}, `${measureList(shown)} against training compute (the paper's figures 5-7)`), box);
  root.append(section); // charts size themselves from attached canvases
  if (data.paper.length === 0) box.append(el('p', { class: 'muted' }, 'No SFT and RL runs from one Init checkpoint were found.'));
  else paperFigure(box, data.paper, { smoothing: 'none', band: 'se' });
  return section;
}

/** The finding, decided from the numbers: one line, then each effect with its change and SE. */
function verdict(): HTMLElement {
  const v = data.verdict;
  const section = el('section', { id: 'verdict', class: `verdict ${v.outcome.replace(' ', '-')}` }, el('h2', {}, 'Verdict'));
  const held = v.effects.filter((e) => e.holds).length;
  const title = v.outcome === 'undecided' ? 'Undecided: no OOD split was evaluated at Init and at both final checkpoints.' : `The paper's finding is ${v.outcome === 'partly' ? 'partly reproduced' : v.outcome}: ${held} of ${v.effects.length} effects beyond 2 standard errors${seedsPhrase(v, ', averaged over')}.`;
  section.append(el('p', { id: 'verdict-outcome' }, title));
  const rows = v.effects.map((e) =>
    el('tr', {}, el('td', {}, e.claim), el('td', { class: e.difference > 0 ? 'up' : e.difference < 0 ? 'down' : '' }, pts(e.difference)), el('td', {}, `${(e.stderr * 100).toFixed(1)} (${e.pairing}, n=${e.n}${e.perSeed.length > 1 ? `; per seed ${e.perSeed.map(pts).join(', ')}` : ''})`), el('td', { class: e.holds ? 'holds' : 'fails' }, e.holds ? 'holds' : 'does not hold')),
  );
  section.append(el('table', { id: 'verdict-table' }, el('thead', {}, el('tr', {}, ...['effect', 'change', 'SE, points', 'beyond 2 SE'].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows)));
  return section;
}

function finals(): HTMLElement {
  const section = el('section', { id: 'finals' }, el('h2', {}, 'Final checkpoints against Init'));
  const rows = data.finals.map((f) =>
    el('tr', {}, el('td', {}, f.arm), el('td', {}, f.folder), el('td', {}, rowName(f.splitKind)), el('td', {}, measureOf(f.splitKind).name), el('td', {}, `${pct(f.rate)} ± ${(f.stderr * 100).toFixed(1)} (n=${f.n})`), f.delta === undefined ? el('td', { class: 'muted' }, 'no Init point') : el('td', { class: f.delta >= 0 ? 'up' : 'down' }, pts(f.delta)), el('td', {}, `step ${f.step}, ${f.gflops.toFixed(1)} GFLOPs`), el('td', { class: 'failure-modes' }, failureText(f.failureModes))),
  );
  const table = el('table', { id: 'final-table' }, el('thead', {}, el('tr', {}, ...['arm', 'run', 'split', 'measure', 'final', 'vs Init', 'at', 'failed attempts by failure mode'].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows));
  section.append(table);
  return section;
}

function failureText(modes: Record<string, number>): string {
  const entries = Object.entries(modes).sort(([, a], [, b]) => b - a);
  return entries.length ? entries.map(([mode, count]) => `${mode} ${count}`).join(', ') : 'none';
}

function comparison(): HTMLElement {
  const several = data.runs.length > 2;
  const section = el('section', { id: 'comparison' }, el('h2', {}, `Final SFT and RL checkpoints on the same episodes${data.finals.every((f) => measureOf(f.splitKind).field === 'success') ? '' : ', by episode success'}${several ? ` (${data.comparison.sft} and ${data.comparison.rl})` : ''}`));
  const rows = data.comparison.splits.map((s) =>
    el('tr', {}, el('td', {}, `${s.split} (n=${s.pairs})`), el('td', {}, pct(s.a.rate)), el('td', {}, pct(s.b.rate)), el('td', {}, `${s.onlyA} / ${s.onlyB}`), el('td', {}, s.mcnemarP < 0.001 ? s.mcnemarP.toExponential(1) : s.mcnemarP.toFixed(3))),
  );
  section.append(el('table', { id: 'compare-table' }, el('thead', {}, el('tr', {}, ...['split', 'SFT', 'RL', 'only SFT / only RL', 'McNemar p (exact)'].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows)));
  if (data.comparison.examples.length === 0) section.append(el('p', { class: 'muted' }, 'The two checkpoints succeed and fail on the same episodes.'));
  for (const example of data.comparison.examples) {
    section.append(el('details', { class: 'example' }, el('summary', {}, `${example.split} · seed ${example.seed}: SFT ${example.sft.success ? 'succeeds' : 'fails'}, RL ${example.rl.success ? 'succeeds' : 'fails'}`), el('div', { class: 'side-by-side' }, transcript(example.sft, 'SFT'), transcript(example.rl, 'RL'))));
  }
  return section;
}

function samples(): HTMLElement {
  const section = el('section', { id: 'samples' }, el('h2', {}, 'Sample OOD transcripts of the final checkpoints'));
  const columns = el('div', { class: 'side-by-side' });
  for (const { method, records } of data.samples) {
    const column = el('div', {}, el('h3', {}, method));
    for (const record of records) column.append(transcript(record, `${method} · ${record.split} · seed ${record.seed}`));
    columns.append(column);
  }
  section.append(columns);
  return section;
}

root.append(header());
if (data.problems.length > 0) root.append(problems());
paper();
root.append(verdict());
root.append(finals(), comparison(), samples());
document.body.dataset.rendered = 'true';
