// What an assistant is told about a run (src/features/assistant/runTools.ts): its identity and
// status, its latest evaluation of each split and its latest training scalars, read from the
// tail of its metrics.jsonl (the trainer appends in step order, so the end holds the latest);
// and the comparison of two runs' latest evaluations. Pure: callers read the files.
import type { MetricRecord } from '../contracts/generated/types';
import { parseMetricsJsonl } from './runs';
import { runIdentity, type RunFolder } from './runFolder';

/** How much of a metrics.jsonl's end is read: a few hundred records, every split's last evaluation among them. */
export const METRICS_TAIL_BYTES = 256 * 1024;

export interface SplitResult {
  split: string;
  splitKind: string;
  step: number;
  rate: number;
  stderr: number;
  n: number;
}

export interface RunSummary {
  folder: string;
  experiment: string;
  job: string;
  status: string;
  source: string;
  /** The last global step recorded (training or evaluation). */
  step: number | undefined;
  evaluations: SplitResult[];
  /** The last training record's scalars that tell how training goes. */
  training: Record<string, number>;
  problems: string[];
}

const HEADLINE = ['rollout/reward_mean', 'rollout/success_rate', 'train/loss', 'ppo/approx_kl', 'ppo/entropy', 'ppo/clipfrac', 'mismatch/kl'];

/** The records of a metrics.jsonl's tail; `fromStart` false: its first line may be cut, so it is dropped. */
export function tailRecords(text: string, fromStart: boolean): MetricRecord[] {
  const whole = fromStart ? text : text.slice(text.indexOf('\n') + 1);
  return parseMetricsJsonl(whole).records;
}

export function summarizeRun(run: RunFolder, folder: string, records: readonly MetricRecord[]): RunSummary {
  const identity = runIdentity(run, folder);
  const evaluations = new Map<string, SplitResult>();
  let training: Record<string, number> = {};
  let step: number | undefined;
  for (const record of records) {
    step = Math.max(step ?? 0, record.step);
    if (record.kind === 'eval') {
      const r = record as MetricRecord & { split: string; splitKind: string; success: { rate: number; stderr: number; n: number } };
      evaluations.set(r.split, { split: r.split, splitKind: r.splitKind, step: r.step, rate: r.success.rate, stderr: r.success.stderr, n: r.success.n });
    } else {
      const metrics = (record as MetricRecord & { metrics: Record<string, number | null> }).metrics;
      training = Object.fromEntries(HEADLINE.flatMap((name) => (typeof metrics[name] === 'number' ? [[name, metrics[name] as number]] : [])));
    }
  }
  return {
    folder,
    experiment: identity.experiment,
    job: identity.job,
    status: identity.status,
    source: identity.source,
    step: step ?? run.manifest?.progress?.step ?? run.imported?.step,
    evaluations: [...evaluations.values()],
    training,
    problems: run.problems,
  };
}

export interface SplitComparison {
  split: string;
  a: SplitResult;
  b: SplitResult;
  /** b - a, in success-rate units. */
  difference: number;
  /** Unpaired: sqrt(se_a^2 + se_b^2). */
  stderr: number;
}

/** The splits both runs evaluated, latest against latest. */
export function compareRuns(a: RunSummary, b: RunSummary): SplitComparison[] {
  return a.evaluations.flatMap((x) => {
    const y = b.evaluations.find((e) => e.split === x.split);
    return y ? [{ split: x.split, a: x, b: y, difference: y.rate - x.rate, stderr: Math.sqrt(x.stderr ** 2 + y.stderr ** 2) }] : [];
  });
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const pts = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;

/** One run as lines of text for a language model. */
export function describeRun(s: RunSummary): string {
  const lines = [`${s.folder}: ${s.job} run of ${s.experiment}, ${s.status}${s.step !== undefined ? ` at step ${s.step}` : ''}${s.source !== 'ptlab' ? ` (${s.source} run)` : ''}`];
  for (const e of s.evaluations) lines.push(`  ${e.split} (${e.splitKind}) success ${pct(e.rate)} ± ${pct(e.stderr)} (SE, n=${e.n}) at step ${e.step}`);
  const scalars = Object.entries(s.training);
  if (scalars.length) lines.push(`  latest training: ${scalars.map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`).join(', ')}`);
  for (const p of s.problems) lines.push(`  problem: ${p}`);
  return lines.join('\n');
}

/** Two runs' comparison as text: each shared split's difference with its standard error. */
export function describeComparison(a: RunSummary, b: RunSummary): string {
  const splits = compareRuns(a, b);
  const lines = [`A = ${a.folder}, B = ${b.folder}`, describeRun(a), describeRun(b)];
  if (!splits.length) lines.push('No split evaluated by both runs: nothing to compare.');
  for (const c of splits) {
    const z = c.stderr > 0 ? c.difference / c.stderr : Infinity;
    lines.push(`${c.split}: B - A = ${pts(c.difference)} points (SE ${(c.stderr * 100).toFixed(1)}, unpaired; ${Math.abs(z) >= 2 ? 'beyond' : 'within'} 2 SE)`);
  }
  return lines.join('\n');
}
