import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { endedHere } from '../../src/core/runs/processEnded';
import { readRunFolder, runState } from '../../src/core/runs/runFolder';
import { deleteRefusal, describeRun, groupByExperiment, runEntry as entryOf, runTooltip } from '../../src/core/runs/runTree';

const now = Date.parse('2026-11-25T12:00:00Z');
const at = '2026-11-25T11:00:00Z';
const manifest = (fields: Record<string, unknown>) =>
  JSON.stringify({ schemaVersion: 1, runId: 'sft-init', experiment: 'tiny', job: 'sft', status: 'running', createdAt: at, updatedAt: at, heartbeatAt: '2026-11-25T11:59:55Z', config: {}, command: ['python', '-m', 'ptlab', 'sft'], seeds: { global: 0 }, progress: { step: 3, totalSteps: 10 }, checkpoints: [{ step: 4, path: 'checkpoints/final', createdAt: at }, { step: 2, path: 'checkpoints/step-000002', createdAt: at }], host: { hostname: 'h', platform: 'linux', pid: 42 }, ...fields });
/** The Runs view's entry of a run folder with this run.json text (the one reader, then the view's derivation). */
const runEntry = (folder: string, text: string | undefined, nowMs: number) => entryOf(readRunFolder(folder, text), nowMs);

describe('runTree', () => {
  it('is stale when running with a heartbeat older than the threshold, otherwise the manifest status', () => {
    assert.equal(runState({ status: 'running', heartbeatAt: '2026-11-25T11:59:30Z' }, now, 60), 'running');
    assert.equal(runState({ status: 'running', heartbeatAt: '2026-11-25T11:58:30Z' }, now, 60), 'stale');
    assert.equal(runState({ status: 'cancelled', heartbeatAt: '2020-01-01T00:00:00Z' }, now, 60), 'cancelled');
    assert.equal(runState({ status: 'finished', heartbeatAt: '2020-01-01T00:00:00Z' }, now, 60), 'finished');
  });

  it("is stale at once when the run's process ended on this machine (a SIGKILL leaves a fresh heartbeat), as the trainer's resume check decides", () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid!; // ran and was reaped: its pid names no process
    const host = (pid: number, name = hostname()) => ({ hostname: name, platform: 'linux', pid });
    const fresh = { status: 'running' as const, heartbeatAt: '2026-11-25T11:59:55Z' };
    assert.equal(endedHere(host(exited)), true);
    assert.equal(endedHere(host(process.pid)), false, 'alive');
    assert.equal(endedHere(host(exited, `${hostname()}-elsewhere`)), false, 'another machine cannot be looked at');
    assert.equal(endedHere({ hostname: hostname(), platform: 'linux' }), false, 'no pid');
    assert.equal(runState({ ...fresh, host: host(exited) }, now, 60, endedHere), 'stale');
    assert.equal(runState({ ...fresh, host: host(process.pid) }, now, 60, endedHere), 'running');
    assert.equal(runState({ ...fresh, host: host(exited) }, now, 60), 'running', 'without a host to look: the heartbeat alone');
    assert.equal(entryOf(readRunFolder('/w/runs/tiny/sft-init', manifest({ host: host(exited) })), now, 60, endedHere).state, 'stale');
  });

  it('reads a run entry with checkpoints by step, and survives torn or foreign manifests', () => {
    const entry = runEntry('/w/runs/tiny/sft-init', manifest({}), now);
    assert.equal(entry.state, 'running');
    assert.equal(entry.heartbeatAgeSeconds, 5);
    assert.deepEqual(entry.checkpoints.map((c) => c.step), [2, 4]);
    assert.equal(entry.pid, 42);
    assert.equal(describeRun(entry), 'running · step 3/10 · heartbeat 5 s ago');
    assert.equal(entry.idleSeconds, undefined, 'a trainer that does not say when it moved');
    assert.equal(describeRun(runEntry('/w/runs/tiny/sft-init', manifest({ activeAt: '2026-11-25T11:59:10Z' }), now)), 'running · step 3/10 · heartbeat 5 s ago', 'moved 50 s ago');
    const hung = runEntry('/w/runs/tiny/sft-init', manifest({ activeAt: '2026-11-25T11:46:00Z' }), now);
    assert.equal(hung.idleSeconds, 14 * 60);
    assert.equal(describeRun(hung), 'running · step 3/10 · heartbeat 5 s ago · no progress for 14 min');
    assert.equal(runEntry('/w/runs/tiny/sft-init', manifest({ status: 'finished', activeAt: '2026-11-25T11:00:00Z' }), now).idleSeconds, undefined);
    const torn = runEntry('/w/runs/tiny/ppo', '{"status": "runn', now);
    assert.equal(torn.state, 'unknown');
    assert.equal(torn.runId, 'ppo');
    assert.equal(runEntry('/w/r', undefined, now).state, 'unknown');
    assert.equal(runEntry('/w/r', '[]', now).state, 'unknown');
  });

  it("its tooltip shows what run.json and the folder name say as text: no image, link or emphasis of a cloned run's", () => {
    const message = '![](https://x/y.png) [a](https://x) __init__';
    const entry = runEntry('/ws/runs/`x` <b>', manifest({ status: 'failed', runId: 'r_1', error: { message } }), now);
    const [title, folder, error] = runTooltip(entry).split('\n\n');
    assert.equal(title, '**r\\_1** (sft): failed');
    assert.equal(folder, '\\/ws\\/runs\\/\\`x\\` \\<b\\>');
    assert.equal(error, 'Error: \\!\\[\\]\\(https\\:\\/\\/x\\/y\\.png\\) \\[a\\]\\(https\\:\\/\\/x\\) \\_\\_init\\_\\_');
    const problems = runTooltip(runEntry('/ws/runs/x', manifest({ files: { metrics: '../![](https://x/y.png)' } }), now)).split('\n\n')[2]!;
    assert.match(problems, /files\\\/metrics/);
    assert.doesNotMatch(problems, /(^|[^\\])[![\]()]/, 'a problem quoting run.json is text too');
  });

  it('deletes only a run folder inside a workspace folder: never the folder itself (a log or run found at its root), one holding it, or one outside', () => {
    const roots = ['/w/project', '/w/logs'];
    assert.equal(deleteRefusal('/w/project/runs/tiny/sft-init', roots), undefined);
    assert.equal(deleteRefusal('/w/logs/ppo-seed2', roots), undefined);
    assert.equal(deleteRefusal('/w/logs', roots), '/w/logs is a workspace folder: Delete Run does not delete it (delete its run files yourself).');
    assert.equal(deleteRefusal('/w/logs/', roots), '/w/logs/ is a workspace folder: Delete Run does not delete it (delete its run files yourself).');
    assert.match(deleteRefusal('/w', roots) ?? '', /^\/w holds the workspace folder \/w\/project: Delete Run does not delete it\.$/);
    assert.match(deleteRefusal('/w/projects-old/run', roots) ?? '', /^\/w\/projects-old\/run is not inside a workspace folder/);
    assert.match(deleteRefusal('/w/project/../elsewhere', roots) ?? '', /not inside a workspace folder/);
    assert.match(deleteRefusal('/w/project/runs', []) ?? '', /not inside a workspace folder/);
  });

  it('groups runs by experiment, sorted', () => {
    const runs = [runEntry('/w/b/ppo', manifest({ experiment: 'b', status: 'failed' }), now), runEntry('/w/a/sft', manifest({ experiment: 'a' }), now), runEntry('/w/a/ppo', manifest({ experiment: 'a', status: 'finished' }), now)];
    const groups = groupByExperiment(runs);
    assert.deepEqual(groups.map((g) => [g.name, g.runs.map((r) => r.folder)]), [['a', ['/w/a/ppo', '/w/a/sft']], ['b', ['/w/b/ppo']]]);
  });
});
