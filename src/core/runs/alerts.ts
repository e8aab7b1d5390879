// Alerts on a run: reward collapse, entropy collapse, a KL spike, a non-finite loss, a stalled
// heartbeat, stalled progress (a live process whose job stopped moving: a hang). The rules come from the experiment's `alerts` (schemas/experiment.schema.json),
// defaults filled in; the metric series they read are kept by MetricsTail as the metrics
// worker follows a run's metrics.jsonl. Each rule reports its first firing (where, and how
// many updates it held on since). Pure: the extension notifies, the assistant's tool lists.
import type { MetricRecord, RunManifest, TrainingRecord } from '../contracts/generated/types';
import { NAME_WIDTH, oneLine, shownName } from '../oneLine';
import type { RunFolder, RunState } from './runFolder';

export type AlertRule = 'reward-collapse' | 'entropy-collapse' | 'kl-spike' | 'non-finite' | 'stalled-heartbeat' | 'stalled-progress';

export interface AlertRules {
  rewardCollapse: { enabled: boolean; window: number; drop: number };
  entropyCollapse: { enabled: boolean; window: number; fraction: number };
  klSpike: { enabled: boolean; max: number };
  nonFinite: { enabled: boolean };
  stalledHeartbeat: { enabled: boolean };
  stalledProgress: { enabled: boolean; minutes: number };
}

export const DEFAULT_ALERT_RULES: AlertRules = {
  rewardCollapse: { enabled: true, window: 5, drop: 2 },
  entropyCollapse: { enabled: true, window: 3, fraction: 0.1 },
  klSpike: { enabled: true, max: 0.1 },
  nonFinite: { enabled: true },
  stalledHeartbeat: { enabled: true },
  stalledProgress: { enabled: true, minutes: 15 },
};

/** The experiment's rules (its config's `alerts`, as run.json keeps it) over the defaults. */
export function alertRules(config: unknown): AlertRules {
  const given = ((config as { alerts?: Partial<Record<keyof AlertRules, object>> } | undefined)?.alerts ?? {}) as Partial<Record<keyof AlertRules, object>>;
  const rules = structuredClone(DEFAULT_ALERT_RULES);
  for (const key of Object.keys(rules) as (keyof AlertRules)[]) Object.assign(rules[key], given[key] ?? {});
  return rules;
}

export interface RunAlert {
  rule: AlertRule;
  /** The update (or step) where it first fired; undefined for the heartbeat. */
  step?: number;
  /** The metric it read there, and its value. */
  metric?: string;
  value?: number;
  /** Updates since the first firing on which the condition held (1: only then). */
  updates: number;
  message: string;
}

export const ALERT_NAMES: Record<AlertRule, string> = {
  'reward-collapse': 'reward collapse',
  'entropy-collapse': 'entropy collapse',
  'kl-spike': 'KL spike',
  'non-finite': 'non-finite loss',
  'stalled-heartbeat': 'stalled heartbeat',
  'stalled-progress': 'stalled progress',
};

const REWARD = 'rollout/reward_mean';
const ENTROPY = 'ppo/entropy';
const KL = 'ppo/approx_kl';
const SKIPPED = 'ppo/nonfinite_skipped';
const GRAD_NORM = 'train/grad_norm';
const OVERFLOW = 'train/fp16_overflow_steps';

/** The training records' values the rules read, one entry per training record, in file order. */
export class AlertSeries {
  readonly steps: number[] = [];
  readonly reward: number[] = [];
  readonly entropy: number[] = [];
  readonly kl: number[] = [];
  /** PPO's transitions skipped for non-finite log-probs; 1 for an SFT step whose gradient norm was not finite. */
  readonly nonFinite: number[] = [];

  add(record: MetricRecord): void {
    if (record.kind !== 'train') return;
    const metrics = (record as TrainingRecord).metrics;
    const value = (key: string) => (typeof metrics[key] === 'number' ? (metrics[key] as number) : Number.NaN);
    this.steps.push(record.step);
    this.reward.push(value(REWARD));
    this.entropy.push(value(ENTROPY));
    this.kl.push(value(KL));
    const skipped = value(SKIPPED);
    // SFT records a non-finite gradient norm as null; under fp16 a step the loss scaler skipped (its scale search) is no alarm
    const nonFiniteNorm = GRAD_NORM in metrics && metrics[GRAD_NORM] === null && value(OVERFLOW) !== 1;
    this.nonFinite.push((Number.isFinite(skipped) ? skipped : 0) + (nonFiniteNorm ? 1 : 0));
  }
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2));

/** Each enabled rule's first firing over the series. */
export function seriesAlerts(series: AlertSeries, rules: AlertRules): RunAlert[] {
  const alerts: RunAlert[] = [];
  const n = series.steps.length;
  const fired = (rule: AlertRule, at: number, metric: string, value: number, holds: (i: number) => boolean, message: string) => {
    let updates = 0;
    for (let i = at; i < n; i++) if (holds(i)) updates++;
    alerts.push({ rule, step: series.steps[at]!, metric, value, updates, message });
  };

  if (rules.rewardCollapse.enabled) {
    const { window, drop } = rules.rewardCollapse;
    const windowMean = (end: number) => mean(series.reward.slice(end - window + 1, end + 1));
    let best = -Infinity;
    const collapsed = (i: number) => i >= window - 1 && series.reward.slice(i - window + 1, i + 1).every(Number.isFinite) && windowMean(i) <= best - drop;
    for (let i = window - 1; i < n; i++) {
      const finite = series.reward.slice(i - window + 1, i + 1).every(Number.isFinite);
      if (finite && collapsed(i)) {
        const peak = best;
        fired('reward-collapse', i, REWARD, windowMean(i), collapsed, `${REWARD} over the last ${window} updates fell to ${fmt(windowMean(i))}, ${fmt(peak - windowMean(i))} below its best ${window}-update mean ${fmt(peak)} (alerts.rewardCollapse.drop ${drop})`);
        break;
      }
      if (finite) best = Math.max(best, windowMean(i));
    }
  }

  if (rules.entropyCollapse.enabled) {
    const { window, fraction } = rules.entropyCollapse;
    const first = series.entropy.find((v) => Number.isFinite(v) && v > 0);
    if (first !== undefined) {
      const low = (i: number) => Number.isFinite(series.entropy[i]!) && series.entropy[i]! < fraction * first;
      let run = 0;
      for (let i = 0; i < n; i++) {
        run = low(i) ? run + 1 : 0;
        if (run === window) {
          const at = i - window + 1;
          fired('entropy-collapse', at, ENTROPY, series.entropy[at]!, low, `${ENTROPY} stayed below ${fraction} of its first value (${fmt(first)} nats) for ${window} updates, from ${fmt(series.entropy[at]!)} (alerts.entropyCollapse)`);
          break;
        }
      }
    }
  }

  if (rules.klSpike.enabled) {
    const { max } = rules.klSpike;
    const spike = (i: number) => series.kl[i]! > max;
    const at = series.kl.findIndex((_, i) => spike(i));
    if (at !== -1) fired('kl-spike', at, KL, series.kl[at]!, spike, `${KL} reached ${fmt(series.kl[at]!)} at update ${series.steps[at]}, above alerts.klSpike.max ${max}: an update moved the policy far from the rollout's`);
  }

  if (rules.nonFinite.enabled) {
    const bad = (i: number) => series.nonFinite[i]! > 0;
    const at = series.nonFinite.findIndex((_, i) => bad(i));
    if (at !== -1) fired('non-finite', at, SKIPPED, series.nonFinite[at]!, bad, `non-finite values at step ${series.steps[at]}: ${series.nonFinite[at]} transition(s) skipped for non-finite log-probs, or a non-finite gradient norm`);
  }
  return alerts;
}

/** Seconds since a running run's job last moved (run.json's activeAt); undefined for other runs and for runs of trainers that do not say. */
export function idleSeconds(manifest: Pick<RunManifest, 'activeAt'> | undefined, state: RunState, nowMs: number): number | undefined {
  const active = Date.parse(manifest?.activeAt ?? '');
  return state === 'running' && Number.isFinite(active) ? Math.max(0, Math.round((nowMs - active) / 1000)) : undefined;
}

/** What the manifest says: a run that failed on a non-finite loss or gradient, a running run
 * whose heartbeat stopped, a running run whose heartbeat goes on while its job does not move. */
export function manifestAlerts(manifest: (Pick<RunManifest, 'status' | 'heartbeatAt' | 'activeAt' | 'error' | 'progress'> & { host?: { pid?: number } }) | undefined, state: RunState, rules: AlertRules, nowMs: number): RunAlert[] {
  if (!manifest) return [];
  const alerts: RunAlert[] = [];
  const step = manifest.progress?.step;
  if (rules.nonFinite.enabled && manifest.status === 'failed' && /not finite|non-finite|\bnan\b/i.test(manifest.error?.message ?? '')) {
    alerts.push({ rule: 'non-finite', ...(step !== undefined ? { step } : {}), updates: 1, message: `the run failed: ${manifest.error!.message.split('\n')[0]}` });
  }
  if (rules.stalledHeartbeat.enabled && state === 'stale') {
    const seconds = Math.round((nowMs - Date.parse(manifest.heartbeatAt ?? '')) / 1000);
    alerts.push({ rule: 'stalled-heartbeat', ...(step !== undefined ? { step } : {}), updates: 1, message: `no heartbeat for ${seconds} s (ptlab.staleAfterSeconds): the trainer stopped without a word, or its machine is unreachable` });
  }
  const idle = idleSeconds(manifest, state, nowMs);
  if (rules.stalledProgress.enabled && idle !== undefined && idle >= rules.stalledProgress.minutes * 60) {
    const where = manifest.host?.pid !== undefined ? ` (\`py-spy dump --pid ${manifest.host.pid}\` shows where it waits)` : '';
    alerts.push({
      rule: 'stalled-progress',
      ...(step !== undefined ? { step } : {}),
      updates: 1,
      message: `the trainer's heartbeat goes on but its job has not moved for ${formatDuration(idle)} (alerts.stalledProgress.minutes ${rules.stalledProgress.minutes}): its processes may wait on each other in a collective (a hang)${where}, or one call runs that long`,
    });
  }
  return alerts;
}

/** `45 s`, `12 min`, `3 h 5 min`. */
export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A run's alerts as the assistant's ptlab_runAlerts tells them (`found`: RunAlerts.alertsOf's).
 * A run whose run.json fails the contract has no known rules (its experiment's `alerts`) nor
 * heartbeat, so nothing is checked: it says so and what is wrong, never "no alert". */
export function describeRunAlerts(folder: string, run: Pick<RunFolder, 'manifest' | 'problems'>, state: RunState, found: readonly RunAlert[]): string {
  const name = shownName(folder);
  if (!run.manifest) return `${name} (${state}): its alerts could not be checked: its experiment's alert rules come from its run.json, which is missing or fails the contract (${oneLine(run.problems.join('; '), 4 * NAME_WIDTH)}).`;
  const rules = alertRules(run.manifest.config);
  const on = (Object.keys(rules) as (keyof AlertRules)[]).filter((k) => rules[k].enabled);
  const head = `${name} (${state}): rules on: ${on.join(', ') || 'none'} (the experiment's alerts, defaults filled in).`;
  if (!found.length) return `${head}\nNo alert: no rule fires on its records.`;
  return [head, ...found.map((a) => `- ${ALERT_NAMES[a.rule]}${a.step !== undefined ? ` from step ${a.step}` : ''}${a.updates > 1 ? ` (held on ${a.updates} updates since)` : ''}: ${a.message}.`)].join('\n');
}
