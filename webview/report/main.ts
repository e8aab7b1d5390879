// The study report page (written by `npx ptlab report`, opened from disk in any browser):
// the paper's view of the user's own runs — ID and OOD success against training GFLOPs for
// SFT and RL from the same Init, the final numbers with their change from Init, the final
// checkpoints compared episode by episode, and sample transcripts. Data comes from the
// page's JSON block; every string is set as text.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset } from 'chart.js';
import type { ReportData } from '../../src/core/report';
import { el } from '../shared/host';
import { transcript } from '../shared/transcript';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip);

const data = JSON.parse(document.getElementById('report-data')!.textContent!) as ReportData;
const COLORS = { SFT: '#d1495b', RL: '#2e86ab', Init: '#6c757d' } as const;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;
const rowName = (kind: string) => (kind === 'id' ? 'In distribution (ID)' : kind === 'rule-ood' ? 'Out of distribution: rule (OOD)' : 'Out of distribution: visual (OOD)');
const clock = (s: number | undefined) => (s === undefined ? 'unfinished' : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

const root = document.getElementById('root')!;

function header(): HTMLElement {
  const runs = data.runs.map((r) => `${r.method}: ${r.folder} (${r.status}, ${clock(r.seconds)})`).join(' · ');
  return el('header', {}, el('h1', {}, data.title), el('p', { class: 'muted' }, `Written ${data.createdAt}. ${runs}`));
}

/** One chart per split kind: success vs GFLOPs for both methods, Init as a dashed line. */
function curves(): HTMLElement {
  const section = el('section', { id: 'paper-view' }, el('h2', {}, 'Success against training compute'));
  const kinds = [...new Set(data.runs.flatMap((r) => r.curves.map((c) => c.splitKind)))];
  const grid = el('div', { class: 'chart-grid' });
  for (const kind of kinds) {
    const canvas = el('canvas', { class: 'curve', 'data-split-kind': kind, 'aria-label': `${rowName(kind)} success against GFLOPs` });
    grid.append(el('figure', {}, el('figcaption', {}, rowName(kind)), el('div', { class: 'chart-box' }, canvas)));
    const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = data.runs.flatMap((run) =>
      run.curves
        .filter((c) => c.splitKind === kind)
        .map((c) => ({ label: `${run.method} (${c.split})`, data: c.points.map((p) => ({ x: p.gflops, y: p.rate * 100 })), borderColor: COLORS[run.method], backgroundColor: COLORS[run.method], tension: 0 })),
    );
    const init = data.init.find((i) => i.splitKind === kind);
    const xs = datasets.flatMap((d) => d.data.map((p) => p.x));
    if (init && xs.length) {
      datasets.push({ label: `Init ${pct(init.rate)}`, data: [{ x: Math.min(...xs), y: init.rate * 100 }, { x: Math.max(...xs), y: init.rate * 100 }], borderColor: COLORS.Init, backgroundColor: COLORS.Init, tension: 0, borderDash: [6, 4], pointRadius: 0 });
    }
    new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: { x: { type: 'linear', title: { display: true, text: 'training GFLOPs' } }, y: { min: 0, max: 100, title: { display: true, text: 'success %' } } },
      },
    });
  }
  section.append(grid);
  return section;
}

function finals(): HTMLElement {
  const section = el('section', { id: 'finals' }, el('h2', {}, 'Final checkpoints against Init'));
  const kinds = [...new Set(data.finals.map((f) => f.splitKind))];
  const canvas = el('canvas', { id: 'final-bars', 'aria-label': 'Final success per split' });
  const labels = kinds.map(rowName);
  const rate = (method: 'SFT' | 'RL', kind: string) => (data.finals.find((f) => f.method === method && f.splitKind === kind)?.rate ?? 0) * 100;
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'Init', data: kinds.map((k) => (data.init.find((i) => i.splitKind === k)?.rate ?? 0) * 100), backgroundColor: COLORS.Init },
        { label: 'SFT', data: kinds.map((k) => rate('SFT', k)), backgroundColor: COLORS.SFT },
        { label: 'RL', data: kinds.map((k) => rate('RL', k)), backgroundColor: COLORS.RL },
      ],
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100, title: { display: true, text: 'success %' } } } },
  });
  const rows = data.finals.map((f) =>
    el('tr', {}, el('td', {}, f.method), el('td', {}, rowName(f.splitKind)), el('td', {}, `${pct(f.rate)} ± ${(f.stderr * 100).toFixed(1)} (n=${f.n})`), f.delta === undefined ? el('td', { class: 'muted' }, 'no Init point') : el('td', { class: f.delta >= 0 ? 'up' : 'down' }, pts(f.delta)), el('td', {}, `step ${f.step}, ${f.gflops.toFixed(1)} GFLOPs`)),
  );
  const table = el('table', { id: 'final-table' }, el('thead', {}, el('tr', {}, ...['method', 'split', 'success', 'vs Init', 'at'].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows));
  section.append(el('div', { class: 'chart-box short' }, canvas), table);
  return section;
}

function comparison(): HTMLElement {
  const section = el('section', { id: 'comparison' }, el('h2', {}, 'Final SFT and RL checkpoints on the same episodes'));
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

root.append(header(), curves(), finals(), comparison(), samples());
document.body.dataset.rendered = 'true';
