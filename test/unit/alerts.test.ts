// Alert rules over a run's metric records and manifest (src/core/runs/alerts.ts), fed as the
// metrics worker feeds them: through MetricsTail, line by line.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertSeries, alertRules, describeRunAlerts, formatDuration, idleSeconds, manifestAlerts, seriesAlerts, DEFAULT_ALERT_RULES } from '../../src/core/runs/alerts';
import { readRunFolder } from '../../src/core/runs/runFolder';
import { MetricsTail } from '../../src/core/runs/metricsTail';
import type { MetricRecord } from '../../src/core/contracts/generated/types';

const compute = { parameters: 1, trainTokens: 1, inferenceTokens: 1, gflops: 1 };

function train(step: number, metrics: Record<string, number | null>): MetricRecord {
  return { kind: 'train', step, time: '2026-12-02T10:00:00Z', compute, metrics } as MetricRecord;
}

function seriesOf(records: MetricRecord[]): AlertSeries {
  const tail = new MetricsTail();
  tail.push(new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join('\n') + '\n'));
  return tail.alertSeries!;
}

const validManifest = () => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace', 'runs', 'gp-l', 'ppo-s0', 'run.json'), 'utf8')) as object;

const ppo = (step: number, reward: number, entropy = 1, kl = 0.01, skipped = 0) => train(step, { 'rollout/reward_mean': reward, 'ppo/entropy': entropy, 'ppo/approx_kl': kl, 'ppo/nonfinite_skipped': skipped });

describe('run alerts', () => {
  it('stay quiet on a healthy run', () => {
    const records = Array.from({ length: 30 }, (_, i) => ppo(i + 1, -8 + i * 0.2 + (i % 3) * 0.3, 1 - i * 0.01));
    assert.deepEqual(seriesAlerts(seriesOf(records), DEFAULT_ALERT_RULES), []);
  });

  it('see a reward collapse: the last window far below the best window so far, once, with how long it held', () => {
    const rewards = [-8, -7, -6, -5, -4, -3, -3, -3, -3, -3, -6, -7, -8, -8, -8, -8];
    const [alert, ...rest] = seriesAlerts(seriesOf(rewards.map((r, i) => ppo(i + 1, r))), DEFAULT_ALERT_RULES);
    assert.equal(rest.length, 0);
    assert.equal(alert!.rule, 'reward-collapse');
    assert.equal(alert!.metric, 'rollout/reward_mean');
    assert.equal(alert!.step, 13); // updates 9-13 average -5.4: 2.4 under the best window (6-10, -3)
    assert.match(alert!.message, /over the last 5 updates fell to -5\.40, 2\.40 below its best 5-update mean -3\.00 \(alerts\.rewardCollapse\.drop 2\)$/);
    assert.equal(alert!.updates, 4); // and at 14, 15, 16
  });

  it('see an entropy collapse, a KL spike and non-finite log-probs, each at its first update', () => {
    const records = [ppo(1, -5, 2), ppo(2, -5, 1.5), ppo(3, -5, 0.15, 0.3), ppo(4, -5, 0.1, 0.02, 3), ppo(5, -5, 0.12), ppo(6, -5, 1)];
    const alerts = seriesAlerts(seriesOf(records), DEFAULT_ALERT_RULES);
    assert.deepEqual(
      alerts.map((a) => [a.rule, a.step, a.value, a.updates]),
      [
        ['entropy-collapse', 3, 0.15, 3],
        ['kl-spike', 3, 0.3, 1],
        ['non-finite', 4, 3, 1],
      ],
    );
  });

  it("follow the experiment's rules: tuned, turned off", () => {
    const rules = alertRules({ alerts: { klSpike: { max: 0.5 }, entropyCollapse: { enabled: false }, rewardCollapse: { window: 2, drop: 0.5 } } });
    assert.equal(rules.klSpike.max, 0.5);
    assert.equal(rules.klSpike.enabled, true);
    assert.equal(rules.entropyCollapse.enabled, false);
    assert.deepEqual(rules.rewardCollapse, { enabled: true, window: 2, drop: 0.5 });
    assert.deepEqual(alertRules(undefined), DEFAULT_ALERT_RULES);
    const records = [ppo(1, -1, 2), ppo(2, -1, 0.01, 0.3), ppo(3, -2, 0.01), ppo(4, -2, 0.01)];
    assert.deepEqual(
      seriesAlerts(seriesOf(records), rules).map((a) => [a.rule, a.step]),
      [['reward-collapse', 3]],
    );
  });

  it('see an SFT step whose gradient norm was not finite, and what the manifest says', () => {
    const series = seriesOf([train(1, { 'train/loss': 2, 'train/grad_norm': 1 }), train(2, { 'train/loss': 2, 'train/grad_norm': null })]);
    assert.deepEqual(
      seriesAlerts(series, DEFAULT_ALERT_RULES).map((a) => [a.rule, a.step]),
      [['non-finite', 2]],
    );
    // fp16: a step the loss scaler skipped has no norm either, and is no alarm
    const scaled = (step: number, norm: number | null) => train(step, { 'train/loss': 2, 'train/grad_norm': norm, 'train/fp16_overflow_steps': norm === null ? 1 : 0 });
    assert.deepEqual(seriesAlerts(seriesOf([scaled(1, null), scaled(2, null), scaled(3, 1)]), DEFAULT_ALERT_RULES), []);
    const now = Date.parse('2026-12-02T10:05:00Z');
    const failed = manifestAlerts({ status: 'failed', heartbeatAt: '2026-12-02T10:00:00Z', progress: { step: 7 }, error: { message: 'PpoError: the PPO loss is not finite (policy nan, value 0.1)' } }, 'failed', DEFAULT_ALERT_RULES, now);
    assert.deepEqual(
      failed.map((a) => [a.rule, a.step]),
      [['non-finite', 7]],
    );
    const stale = manifestAlerts({ status: 'running', heartbeatAt: '2026-12-02T10:00:00Z', progress: { step: 3 } }, 'stale', DEFAULT_ALERT_RULES, now);
    assert.deepEqual(
      stale.map((a) => [a.rule, a.message]),
      [['stalled-heartbeat', 'no heartbeat for 300 s (ptlab.staleAfterSeconds): the trainer stopped without a word, or its machine is unreachable']],
    );
    assert.deepEqual(manifestAlerts({ status: 'running', heartbeatAt: '2026-12-02T10:04:55Z' }, 'running', DEFAULT_ALERT_RULES, now), []);
    assert.deepEqual(manifestAlerts({ status: 'failed', heartbeatAt: '2026-12-02T10:00:00Z', error: { message: 'SftError: model.maxLength too small' } }, 'failed', DEFAULT_ALERT_RULES, now), []);
    // the trainer's own words for a diverged run, and "nan" only as a word, not inside one
    const diverged = [
      'SftError: the SFT loss is not finite at step 3: lower sft.learningRate',
      "PpoError: every transition's log-prob was non-finite in this update (4 skipped): the policy has diverged",
      "RuntimeError: Function 'MulBackward0' returned nan values in its 0th output.",
    ];
    for (const message of diverged) assert.deepEqual(manifestAlerts({ status: 'failed', heartbeatAt: '2026-12-02T10:00:00Z', error: { message } }, 'failed', DEFAULT_ALERT_RULES, now).map((a) => a.rule), ['non-finite'], message);
    const unrelated = ['OSError: qnguyen3/nanoLLaVA-1.5 does not appear to have a file named config.json', 'RuntimeError: CUDA error (node down for maintenance)'];
    for (const message of unrelated) assert.deepEqual(manifestAlerts({ status: 'failed', heartbeatAt: '2026-12-02T10:00:00Z', error: { message } }, 'failed', DEFAULT_ALERT_RULES, now), [], message);
  });

  it('flag a running run whose heartbeat goes on while its job has not moved for alerts.stalledProgress.minutes (a hang in a collective)', () => {
    const now = Date.parse('2026-12-02T10:30:00Z');
    const beating = { status: 'running' as const, heartbeatAt: '2026-12-02T10:29:55Z', progress: { step: 1 }, host: { hostname: 'gpu-1', platform: 'linux', pid: 4242 } };
    const hung = manifestAlerts({ ...beating, activeAt: '2026-12-02T10:10:00Z' }, 'running', DEFAULT_ALERT_RULES, now);
    assert.deepEqual(
      hung.map((a) => [a.rule, a.step, a.message]),
      [['stalled-progress', 1, "the trainer's heartbeat goes on but its job has not moved for 20 min (alerts.stalledProgress.minutes 15): its processes may wait on each other in a collective (a hang) (`py-spy dump --pid 4242` shows where it waits), or one call runs that long"]],
    );
    assert.deepEqual(manifestAlerts({ ...beating, activeAt: '2026-12-02T10:16:00Z' }, 'running', DEFAULT_ALERT_RULES, now), [], '14 minutes: under the default');
    const patient = alertRules({ alerts: { stalledProgress: { minutes: 30 } } });
    assert.deepEqual(manifestAlerts({ ...beating, activeAt: '2026-12-02T10:10:00Z' }, 'running', patient, now), []);
    const off = alertRules({ alerts: { stalledProgress: { enabled: false } } });
    assert.deepEqual(manifestAlerts({ ...beating, activeAt: '2026-12-02T09:00:00Z' }, 'running', off, now), []);
    // a run of an earlier trainer says nothing of its moves; a stale run is the heartbeat rule's
    assert.deepEqual(manifestAlerts(beating, 'running', DEFAULT_ALERT_RULES, now), []);
    assert.deepEqual(
      manifestAlerts({ ...beating, heartbeatAt: '2026-12-02T10:10:00Z', activeAt: '2026-12-02T10:10:00Z' }, 'stale', DEFAULT_ALERT_RULES, now).map((a) => a.rule),
      ['stalled-heartbeat'],
    );
  });

  it("are not claimed absent for a run whose run.json fails the contract: its rules are unknown, and it says why", () => {
    const offContract = readRunFolder('/w/runs/x', JSON.stringify({ schemaVersion: 1, runId: 'x', fieldOfANewerTrainer: 1 }));
    const text = describeRunAlerts('runs/x', offContract, 'unknown', []);
    assert.doesNotMatch(text, /No alert/);
    assert.match(text, /^runs\/x \(unknown\): its alerts could not be checked: its experiment's alert rules come from its run\.json, which is missing or fails the contract \(run\.json \/: /);
    assert.match(describeRunAlerts('runs/y', readRunFolder('/w/runs/y', undefined), 'unknown', []), /could not be checked: .*run\.json is missing/);
    const quiet = describeRunAlerts('runs/gp-l/ppo-s0', readRunFolder('/w/runs/gp-l/ppo-s0', JSON.stringify(validManifest())), 'finished', []);
    assert.match(quiet, /^runs\/gp-l\/ppo-s0 \(finished\): rules on: rewardCollapse, .*\nNo alert: no rule fires on its records\.$/);
  });
  it('hold their thresholds as the schema words them: drop or more, below a fraction, above max, for minutes', () => {
    // entropy at exactly fraction × its first value is not below it; approx_kl at exactly max does not exceed it
    const edge = [ppo(1, -5, 2), ppo(2, -5, 0.2, 0.1), ppo(3, -5, 0.2, 0.1), ppo(4, -5, 0.2, 0.1), ppo(5, -5, 0.2)];
    assert.deepEqual(seriesAlerts(seriesOf(edge), DEFAULT_ALERT_RULES), []);
    // exactly minutes without a move is a stall
    const now = Date.parse('2026-12-02T10:30:00Z');
    const beating = { status: 'running' as const, heartbeatAt: '2026-12-02T10:29:55Z', progress: { step: 1 } };
    assert.deepEqual(manifestAlerts({ ...beating, activeAt: '2026-12-02T10:15:00Z' }, 'running', DEFAULT_ALERT_RULES, now).map((a) => a.rule), ['stalled-progress']);
    // a clock a little ahead of ours is no negative idle time
    assert.equal(idleSeconds({ activeAt: '2026-12-02T10:30:05Z' }, 'running', now), 0);
    assert.equal(idleSeconds({ activeAt: '2026-12-02T10:15:00Z' }, 'finished', now), undefined);
  });

  it("see a reward collapse past an update that logged no reward: that window is skipped, not the rule's memory of its best", () => {
    const rules = alertRules({ alerts: { rewardCollapse: { window: 2, drop: 2 } } });
    const records = [ppo(1, -1), ppo(2, -1), train(3, { 'ppo/entropy': 1, 'ppo/approx_kl': 0.01 }), ppo(4, -1), ppo(5, -1), ppo(6, -4), ppo(7, -4)];
    assert.deepEqual(
      seriesAlerts(seriesOf(records), rules).map((a) => [a.rule, a.step, a.value]),
      [['reward-collapse', 7, -4]],
    );
  });

  it('keep quiet on each rule turned off', () => {
    const off = alertRules({ alerts: { rewardCollapse: { enabled: false }, entropyCollapse: { enabled: false }, klSpike: { enabled: false }, nonFinite: { enabled: false }, stalledHeartbeat: { enabled: false }, stalledProgress: { enabled: false } } });
    const records = [ppo(1, -1, 2), ppo(2, -1, 0.01, 0.3, 2), ppo(3, -9, 0.01, 0.3, 2), ppo(4, -9, 0.01, 0.3, 2), ppo(5, -9, 0.01), ppo(6, -9, 0.01), ppo(7, -9, 0.01), ppo(8, -9, 0.01), ppo(9, -9, 0.01), ppo(10, -9, 0.01)];
    assert.equal(seriesAlerts(seriesOf(records), DEFAULT_ALERT_RULES).length, 4, 'each rule fires with the defaults');
    assert.deepEqual(seriesAlerts(seriesOf(records), off), []);
    const now = Date.parse('2026-12-02T10:30:00Z');
    const failed = { status: 'failed' as const, heartbeatAt: '2026-12-02T10:00:00Z', error: { message: 'PpoError: the PPO loss is not finite' } };
    assert.equal(manifestAlerts(failed, 'failed', DEFAULT_ALERT_RULES, now).length, 1);
    assert.deepEqual(manifestAlerts(failed, 'failed', off, now), []);
    const stale = { status: 'running' as const, heartbeatAt: '2026-12-02T10:00:00Z' };
    assert.equal(manifestAlerts(stale, 'stale', DEFAULT_ALERT_RULES, now).length, 1);
    assert.deepEqual(manifestAlerts(stale, 'stale', off, now), []);
  });

  it('tell durations in seconds under 2 minutes, minutes under 2 hours, then hours and minutes', () => {
    assert.deepEqual([119, 120, 7140, 7170, 7500].map(formatDuration), ['119 s', '2 min', '119 min', '2 h 0 min', '2 h 5 min']);
  });

  it('list the rules that are on and how long each alert held', () => {
    const manifest = validManifest() as { config: Record<string, unknown> };
    manifest.config.alerts = { klSpike: { enabled: false }, stalledProgress: { enabled: false } };
    const run = readRunFolder('/w/runs/gp-l/ppo-s0', JSON.stringify(manifest));
    const found = [
      { rule: 'kl-spike' as const, step: 3, updates: 1, message: 'm1' },
      { rule: 'entropy-collapse' as const, step: 4, updates: 3, message: 'm2' },
    ];
    assert.equal(
      describeRunAlerts('runs/gp-l/ppo-s0', run, 'running', found),
      [
        'runs/gp-l/ppo-s0 (running): rules on: rewardCollapse, entropyCollapse, nonFinite, stalledHeartbeat (the experiment\'s alerts, defaults filled in).',
        '- KL spike from step 3: m1.',
        '- entropy collapse from step 4 (held on 3 updates since): m2.',
      ].join('\n'),
    );
  });
});
