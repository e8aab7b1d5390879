// Environment preview webview: one hand-played episode of a config's variant. Every string
// from the config, a route file, the environment or the user goes in as text (el() /
// textContent); images are data: URIs made by the host (SVG cards, the trainer's PNG grid).
import type { EpisodeView, FromPreview, PreviewState, ToPreview, TranscriptEntry } from '../../src/protocol/preview';
import '../shared/elements';
import { connectHost, el } from '../shared/host';
import { routeLegend, routeSvg } from '../shared/routeMap';

const host = connectHost<FromPreview, PreviewState>();
let view: EpisodeView | undefined;

const root = document.getElementById('root')!;
const variantSelect = el('vscode-single-select', { id: 'variant-select', 'aria-label': 'Variant' });
const seedInput = el('input', { id: 'seed', type: 'number', min: '0', step: '1', 'aria-label': 'Seed', title: 'Episode seed (Alt+Left / Alt+Right: previous / next)' });
const previousSeed = el('vscode-button', { id: 'seed-previous', secondary: '', title: 'Previous seed (Alt+Left)', 'aria-label': 'Previous seed' }, '◀');
const nextSeed = el('vscode-button', { id: 'seed-next', secondary: '', title: 'Next seed (Alt+Right)', 'aria-label': 'Next seed' }, '▶');
const restart = el('vscode-button', { id: 'restart', secondary: '' }, 'Restart');
const summary = el('div', { id: 'summary', class: 'status' });
const error = el('pre', { id: 'error', class: 'problems preview-error', role: 'alert' });
const observation = el('div', { id: 'observation' });
const promptText = el('pre', { id: 'prompt', class: 'prompt', tabindex: '0', 'aria-label': 'Prompt' });
const solutionsHeading = el('h2', {}, 'Solutions');
const solutions = el('div', { id: 'solutions' });
const transcript = el('ol', { id: 'transcript', class: 'transcript', 'aria-live': 'polite' });
const attempts = el('div', { id: 'attempts', class: 'status' });
const answer = el('textarea', { id: 'answer', rows: '7', spellcheck: 'false', 'aria-label': 'Model answer', placeholder: 'Type a model answer (Ctrl+Enter submits)' });
const submit = el('vscode-button', { id: 'submit', title: 'Ctrl+Enter' }, 'Submit answer');
const expert = el('vscode-button', { id: 'expert', secondary: '', title: "Fill in the expert's answer" }, 'Expert answer');
const verdict = el('div', { id: 'verdict', class: 'verdict', 'aria-live': 'polite' });

root.append(
  el('header', { class: 'toolbar' }, el('vscode-label', {}, 'Variant'), variantSelect, el('vscode-label', {}, 'Seed'), previousSeed, seedInput, nextSeed, restart),
  summary,
  error,
  el(
    'main',
    { class: 'preview-grid' },
    el('section', { class: 'preview-column' }, el('h2', {}, 'Observation'), observation, el('h2', {}, 'Prompt'), promptText),
    el(
      'section',
      { class: 'preview-column' },
      el('h2', {}, 'Answer'),
      attempts,
      answer,
      el('div', { class: 'answer-buttons' }, submit, expert),
      verdict,
      el('h2', {}, 'Transcript'),
      transcript,
      solutionsHeading,
      solutions,
    ),
  ),
);

// ---------------------------------------------------------------------------- input

const selectedVariant = () => (variantSelect as unknown as { value: string }).value || view?.variantId || 'train';

function select(variantId: string, seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return;
  host.post({ type: 'episode/select', variantId, seed });
}

function submitAnswer(): void {
  if (!view || view.done) return;
  host.post({ type: 'episode/answer', text: answer.value });
  answer.value = '';
}

variantSelect.addEventListener('change', () => {
  const variant = view?.variants.find((v) => v.id === selectedVariant());
  if (variant) select(variant.id, variant.firstSeed);
});
seedInput.addEventListener('change', () => select(selectedVariant(), Number(seedInput.value)));
previousSeed.addEventListener('click', () => view && select(view.variantId, Math.max(0, view.seed - 1)));
nextSeed.addEventListener('click', () => view && select(view.variantId, view.seed + 1));
restart.addEventListener('click', () => host.post({ type: 'episode/restart' }));
submit.addEventListener('click', submitAnswer);
expert.addEventListener('click', () => {
  if (view?.expertAnswer === undefined) return;
  answer.value = view.expertAnswer;
  answer.focus();
});
answer.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    submitAnswer();
  }
});
window.addEventListener('keydown', (event) => {
  if (!view || !event.altKey || event.target === answer) return;
  if (event.key === 'ArrowLeft') select(view.variantId, Math.max(0, view.seed - 1));
  else if (event.key === 'ArrowRight') select(view.variantId, view.seed + 1);
});

window.addEventListener('message', (event: MessageEvent<ToPreview>) => {
  const message = event.data;
  switch (message.type) {
    case 'episode/set':
      error.textContent = '';
      render(message.view);
      return;
    case 'error':
      error.textContent = message.message;
      return;
  }
});

// ---------------------------------------------------------------------------- rendering

function render(next: EpisodeView): void {
  const sameEpisode = view?.variantId === next.variantId && view.seed === next.seed && view.configUri === next.configUri;
  view = next;
  host.setState({
    configUri: next.configUri,
    variantId: next.variantId,
    seed: next.seed,
    answers: next.transcript.flatMap((t) => (t.kind === 'answer' ? [t.text] : [])),
  });
  if (!sameEpisode) answer.value = '';
  variantSelect.replaceChildren(
    ...next.variants.map((v) =>
      el('vscode-option', { value: v.id, ...(v.id === next.variantId ? { selected: '' } : {}) }, v.kind === 'train' ? `training (${v.task})` : `${v.name} (${v.kind}, ${v.task})`),
    ),
  );
  seedInput.value = String(next.seed);
  const variant = next.variants.find((v) => v.id === next.variantId);
  summary.textContent = [
    next.experiment,
    next.configPath,
    variant?.task ?? '',
    `${next.verifier} verifier`,
    `up to ${next.maxVerify} attempt(s)${next.env === 'virl' ? ' per position' : ''}`,
    ...(variant?.overrides.length ? [`overrides ${variant.overrides.join(', ')}`] : []),
    ...(variant?.recognition ? ['recognition split'] : []),
    ...(variant?.eachRouteOnce ? [`each route once: seed ${variant.firstSeed} + i plays route i`] : []),
  ].join(' · ');
  renderObservation(next);
  promptText.textContent = next.prompt;
  renderSolutions(next);
  renderTranscript(next.transcript);
  attempts.textContent = next.attemptsNote;
  attempts.className = `status attempts ${next.done ? (next.success ? 'is-success' : 'is-failure') : ''}`;
  answer.disabled = next.done;
  for (const button of [submit, expert]) button.toggleAttribute('disabled', next.done);
  renderVerdict(next.transcript);
}

function renderObservation(v: EpisodeView): void {
  const parts: Node[] = [];
  if (v.generalPoints) {
    const gp = v.generalPoints;
    if (gp.cardImage) parts.push(el('img', { id: 'card-image', class: 'card-image', src: gp.cardImage, alt: `Cards: ${gp.cards.join(', ')}` }));
    parts.push(el('p', { id: 'cards', class: 'cards' }, `Cards ${gp.cards.map((c, i) => `${c}${SUIT_SYMBOL[gp.suits[i]!] ?? ''}`).join('  ')}  ·  numbers [${gp.values.join(', ')}]`));
  }
  if (v.virl) {
    parts.push(el('p', { class: 'status' }, `Route ${v.virl.routeId}${v.virl.city ? ` (${v.virl.city})` : ''} · position ${Math.min(v.virl.position + 1, v.virl.railLength)} of ${v.virl.railLength}`));
    parts.push(routeSvg(v.virl.map), routeLegend(v.virl.map));
    const street = v.virl.streetView;
    if (street) {
      const figure = el('figure', { id: 'street-view', class: 'street-view' });
      if (street.image) figure.append(el('img', { id: 'street-view-image', src: street.image, alt: `Street view at position ${street.position + 1}: front, right / back, left` }));
      figure.append(
        el('figcaption', {}, el('div', { class: 'mono' }, street.observation), el('div', {}, `Landmark: ${street.landmark} · heading ${street.heading}°`), el('div', { id: 'street-view-note', class: 'status' }, street.note)),
      );
      parts.push(figure);
    }
  }
  observation.replaceChildren(...parts);
}

const SUIT_SYMBOL: Record<string, string> = { spades: '♠', hearts: '♥', clubs: '♣', diamonds: '♦' };

function renderSolutions(v: EpisodeView): void {
  if (v.generalPoints) {
    const gp = v.generalPoints;
    solutionsHeading.textContent = 'Solutions';
    solutions.replaceChildren(
      el('p', { class: 'status' }, `${gp.solutions.length} formula(s) from the complete solver; the ${v.verifier} verifier's solver finds ${gp.verifierSolutions}.`),
      el('ul', { class: 'solutions' }, ...gp.solutions.map((s) => el('li', {}, s))),
    );
  } else if (v.virl) {
    const map = v.virl.map;
    solutionsHeading.textContent = 'Expert rail';
    solutions.replaceChildren(
      el('p', { class: 'status' }, 'The observation and the expert action at each position; the current one is marked.'),
      el('ol', { class: 'rail' }, ...map.rail.map((p, i) => el('li', i === map.agent && !v.done ? { class: 'current', 'aria-current': 'step' } : {}, el('span', {}, p.observation), el('span', { class: 'mono' }, p.action)))),
      el('ol', { class: 'instruction' }, ...v.virl.instruction.map((s) => el('li', {}, s))),
    );
  }
}

function renderTranscript(entries: TranscriptEntry[]): void {
  transcript.replaceChildren(
    ...entries.map((entry, index) => {
      switch (entry.kind) {
        case 'prompt': {
          const label = entry.newChat ? `User · prompt${entry.position === undefined ? '' : ` (position ${entry.position + 1}, new chat)`}` : 'User';
          const text = el('pre', {}, entry.text);
          if (!entry.newChat) return el('li', { class: 'turn turn-user' }, el('div', { class: 'role' }, label), text);
          const details = el('details', {}, el('summary', {}, label), text);
          details.open = index === entries.length - 1 && index > 0;
          return el('li', { class: 'turn turn-user' }, details);
        }
        case 'answer':
          return el('li', { class: 'turn turn-assistant' }, el('div', { class: 'role' }, 'Assistant'), el('pre', {}, entry.text));
        case 'verdict':
          return el('li', { class: `turn turn-verdict ${entry.correct ? 'is-success' : 'is-failure'}` }, ...verdictParts(entry, ''));
      }
    }),
  );
}

function verdictParts(entry: Extract<TranscriptEntry, { kind: 'verdict' }>, idPrefix: string): Node[] {
  const id = (name: string): Record<string, string> => (idPrefix ? { id: `${idPrefix}-${name}` } : {});
  return [
    el('span', { class: 'reward', ...id('reward') }, `reward ${entry.reward > 0 ? '+' : ''}${entry.reward}`),
    el('span', { class: 'message', ...id('message') }, entry.message),
    el('span', { class: 'failure', ...id('failure') }, entry.failureMode ?? (entry.success ? 'solved' : entry.correct ? 'correct' : '')),
    el('span', { class: 'status' }, `attempt ${entry.attempt}${entry.done ? ' · episode over' : ''}`),
  ];
}

function renderVerdict(entries: TranscriptEntry[]): void {
  const last = [...entries].reverse().find((e): e is Extract<TranscriptEntry, { kind: 'verdict' }> => e.kind === 'verdict');
  verdict.className = `verdict ${last ? (last.correct ? 'is-success' : 'is-failure') : ''}`;
  verdict.replaceChildren(...(last ? verdictParts(last, 'verdict') : []));
}

host.post({ type: 'ready', ...(host.getState() ? { restore: host.getState()! } : {}) });
