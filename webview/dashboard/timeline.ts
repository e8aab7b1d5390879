// The step-time view: where each PPO update's time went (generation, environment, scoring,
// training, evaluation, checkpoint), as shares stacked per update (per bar of consecutive
// updates in a long run), with each stage's mean seconds, its share of the whole and the
// tokens/s of generation and training.
import { Chart } from 'chart.js';
import { tickCallback } from '../../src/core/dashboard/ticks';
import { TIME_STAGES, timelineBarTitle, type RunInfo, type StepTimeline } from '../../src/core/dashboard/model';
import { el, themeColor } from '../shared/host';
import { palette, withAlpha } from './draw';

const STAGE_NAMES: Record<(typeof TIME_STAGES)[number], string> = {
  generation: 'generation',
  environment: 'environment and verifier',
  scoring: 'log-prob recompute',
  token_records: 'per-token records',
  training: 'training',
  evaluation: 'evaluation',
  checkpoint: 'checkpointing',
};

const seconds = (s: number): string => (s >= 10 ? s.toFixed(1) : s.toPrecision(2));
const rate = (v: number | undefined): string => (v === undefined ? '—' : `${Math.round(v).toLocaleString('en')} tokens/s`);

/** Builds the view into `box`, one section per run; returns its charts (the caller destroys them). */
export function timelineFigure(box: HTMLElement, runs: readonly { info: RunInfo; timeline: StepTimeline }[]): Chart[] {
  box.replaceChildren();
  const charts: Chart[] = [];
  const text = themeColor('--vscode-foreground', '#ccc');
  const grid = withAlpha(text, 0.12);
  for (const { info, timeline } of runs) {
    const canvas = el('canvas', { class: 'timeline-chart', 'aria-label': `${info.folder}: share of each update's time by stage` });
    const rows = TIME_STAGES.map((stage) =>
      el('tr', { 'data-stage': stage }, el('th', { scope: 'row' }, STAGE_NAMES[stage]), el('td', {}, `${seconds(timeline.totals[stage].meanSeconds)} s`), el('td', {}, `${(timeline.totals[stage].share * 100).toFixed(1)}%`)),
    );
    const table = el(
      'table',
      { class: 'compare-table timeline-table' },
      el('thead', {}, el('tr', {}, el('th', {}, 'stage'), el('th', {}, 'mean per update'), el('th', {}, 'share of the time'))),
      el('tbody', {}, ...rows),
    );
    const speeds = el('p', { class: 'status timeline-speeds' }, `generation ${rate(timeline.tokensPerSecond.generation)} (new tokens) · training ${rate(timeline.tokensPerSecond.training)} (tokens read)`);
    // A long run comes in bars of consecutive updates (at most one a pixel column): say so.
    const averaged = timeline.steps.length < timeline.updates;
    const heading = `${info.folder} · ${timeline.updates} update(s)${averaged ? ` · each bar the mean shares of about ${Math.round(timeline.updates / timeline.steps.length)} consecutive updates` : ''}`;
    const section = el('section', { class: 'timeline-run', 'data-folder': info.folder }, el('h3', { class: 'figure-text' }, heading), el('div', { class: 'timeline-box' }, canvas), table, speeds);
    box.append(section); // charts are sized from their attached canvases' boxes
    charts.push(
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: timeline.steps.map(String),
          datasets: TIME_STAGES.map((stage, i) => ({
            label: STAGE_NAMES[stage],
            data: timeline.shares[stage].map((share) => share * 100),
            backgroundColor: palette(i),
            stack: 'time',
            borderWidth: 0,
            ...(averaged ? { barPercentage: 1, categoryPercentage: 1 } : {}),
          })),
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { labels: { color: text } }, tooltip: { callbacks: { title: ([item]) => (item ? timelineBarTitle(timeline, item.dataIndex) : ''), label: (item) => `${item.dataset.label}: ${(item.raw as number).toFixed(1)}%` } } },
          scales: {
            x: { stacked: true, title: { display: true, text: 'update', color: text }, ticks: { color: text }, grid: { color: grid } },
            y: { stacked: true, min: 0, max: 100, title: { display: true, text: "% of the update's time", color: text }, ticks: { color: text, callback: tickCallback }, grid: { color: grid } },
          },
        },
      }),
    );
  }
  return charts;
}
