// Jobs, the Runs view and config editing in a real VS Code: a config from a template,
// diagnostics on a broken one, the tiny trainer run as a task until the Runs view says
// finished, and a cancelled run (process gone, run.json cancelled).
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MemoryPlan } from '../../src/core/jobs/memoryPlan';
import type { ExperimentEntry, RunEntry } from '../../src/core/runs/runTree';
import type { HostTimings } from '../../src/features/timing';

interface PtlabApi {
  runs(): Promise<ExperimentEntry[]>;
  timings(): HostTimings;
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return folder.uri;
}

/** The tiny example cut down to seconds: a little data, a few steps, four-episode evaluations. */
function quickConfig(name: string, steps: number): Record<string, any> {
  const tiny = JSON.parse(readFileSync(join(workspaceRoot().fsPath, 'tiny.ptlab.json'), 'utf8')) as Record<string, any>;
  tiny.name = name;
  tiny.sft = { ...tiny.sft, steps, globalBatchSize: 8, microBatchSize: 8, saveEverySteps: 2, data: { examples: 64, trajectories: 'optimal' } };
  tiny.evaluation = { ...tiny.evaluation, everySteps: 2, maxNewTokens: 16, splits: tiny.evaluation.splits.map((s: Record<string, unknown>) => ({ ...s, episodes: 2 })) };
  delete tiny.ppo;
  return tiny;
}

function writeConfig(file: string, config: unknown): vscode.Uri {
  const uri = vscode.Uri.joinPath(workspaceRoot(), file);
  mkdirSync(join(uri.fsPath, '..'), { recursive: true });
  writeFileSync(uri.fsPath, `${JSON.stringify(config, null, 2)}\n`);
  return uri;
}

async function runOf(api: PtlabApi, experiment: string, runId: string): Promise<RunEntry | undefined> {
  return (await api.runs()).find((e) => e.name === experiment)?.runs.find((r) => r.runId === runId);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Post-Training Lab jobs, Runs view and config editing', function () {
  this.timeout(300_000);
  let api: PtlabApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<PtlabApi>('ptlab.ptlab');
    assert.ok(extension);
    api = await extension.activate();
  });

  it('creates a config from a template, and the SFT vs RL suite', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('ptlab.newExperiment', { template: 'gp-l', name: 'from-template' });
    const config = JSON.parse(readFileSync(uri.fsPath, 'utf8')) as Record<string, any>;
    assert.equal(config.name, 'from-template');
    assert.equal(config.ppo.init, 'runs/from-template/sft-init/checkpoints/final');
    assert.equal(config.environment.faceCards, 'all-10');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath, 'the new config is opened');
    const suite = await vscode.commands.executeCommand<vscode.Uri>('ptlab.newExperiment', { template: 'sft-vs-rl', base: 'tiny', name: 'study' });
    assert.ok(suite.fsPath.endsWith(join('study', '1-init.ptlab.json')));
    const rl = JSON.parse(readFileSync(join(workspaceRoot().fsPath, 'study', '3-rl.ptlab.json'), 'utf8')) as Record<string, any>;
    assert.equal(rl.ppo.init, 'runs/study/sft-init/checkpoints/final');
  });

  it('reports semantic problems of a broken config on the right ranges, with hover docs from the schema and the CodeLens', async () => {
    const config = quickConfig('broken', 4);
    config.sft.globalBatchSize = 30; // not a multiple of microBatchSize 8
    config.evaluation.splits[1].overrides = { faceCards: 'all-10' }; // the "OOD" split is the training rule
    config.ppo = { init: 'runs/broken/sft-init/checkpoints/final' }; // not trained yet
    const uri = writeConfig('broken-semantics.ptlab.json', config);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const diagnostics = await until('ptlab diagnostics', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ptlab');
      return found.length >= 3 ? found : undefined;
    });
    const find = (re: RegExp) => diagnostics.find((d) => re.test(d.message));
    const batch = find(/must be a multiple of sft.microBatchSize/);
    assert.ok(batch);
    assert.equal(batch.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(document.getText(batch.range), '30');
    const ood = find(/equals the training variant/);
    assert.ok(ood);
    assert.match(document.getText(ood.range), /^\{\s*"faceCards": "all-10"\s*\}$/);
    const init = find(/does not exist yet/);
    assert.ok(init);
    assert.equal(document.getText(init.range), '"runs/broken/sft-init/checkpoints/final"');

    // The JSON language server answers hovers once it has the schema.
    const hoverAt = async (key: string) => {
      const at = document.getText().indexOf(`"${key}"`);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, document.positionAt(at + 3));
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    };
    let seen = '';
    await until('a hover with the schema description of name', async () => /Experiment name/.test((seen = await hoverAt('name'))) || undefined).catch((err: Error) => {
      throw new Error(`${err.message}; last hover: ${JSON.stringify(seen)}`);
    });
    const faceCards = await hoverAt('faceCards');
    assert.match(faceCards.replace(/\\/g, ''), /Face-card rule: `all-10`/, `hover on faceCards: ${JSON.stringify(faceCards)}`); // markdown-escaped

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(lenses.map((l) => l.command?.title), ['Run SFT', 'Run PPO', 'Evaluate', 'Plan Memory', 'Preview']);
    assert.deepEqual(lenses.map((l) => l.command?.command), ['ptlab.runSft', 'ptlab.runPpo', 'ptlab.evaluate', 'ptlab.planMemory', 'ptlab.previewEnvironment']);
    assert.equal((lenses[4]!.command!.arguments![0] as vscode.Uri).toString(), uri.toString());
  });

  it('plans the memory of a config\'s job with the trainer and shows it per GPU', async () => {
    const config = quickConfig('planned', 4);
    config.launcher = { kind: 'accelerate', gpus: 2, distributed: 'deepspeed-zero3' };
    config.sft.microBatchSize = 4; // a global batch of 8 in whole micro-batches on each of the 2 processes
    const uri = writeConfig('planned.ptlab.json', config);
    const plan = await vscode.commands.executeCommand<MemoryPlan | undefined>('ptlab.planMemory', uri);
    assert.ok(plan, 'the trainer planned the config');
    assert.equal(plan.job, 'sft'); // the config has no ppo section
    assert.equal(plan.processes, 2);
    assert.deepEqual(plan.stages.map((s) => s.name), ['sft/step', 'sft/optimizer step', 'evaluation']);
    assert.ok(plan.fits);
    const shown = vscode.window.activeTextEditor?.document;
    assert.equal(shown?.languageId, 'markdown');
    assert.match(shown.getText(), /\| per GPU \| sft\/step \| sft\/optimizer step \| evaluation \|/);
    assert.match(shown.getText(), /deepspeed-zero3/);
  });

  it('provides ptlab tasks for Run Task', async () => {
    writeConfig('quick.ptlab.json', quickConfig('quick', 4));
    const tasks = await vscode.tasks.fetchTasks({ type: 'ptlab' });
    const sft = tasks.find((t) => t.definition.job === 'sft' && String(t.definition.config).endsWith('quick.ptlab.json'));
    assert.ok(sft, `an SFT task for quick.ptlab.json among ${tasks.map((t) => t.name).join(', ')}`);
    const execution = sft.execution as vscode.ProcessExecution;
    assert.ok(execution instanceof vscode.ProcessExecution);
    assert.match(execution.process, /\.venv\/bin\/python$/, 'ptlab.pythonPath from the workspace settings');
    assert.deepEqual(execution.args.slice(0, 3), ['-m', 'ptlab', 'sft']);
    assert.ok(execution.args.includes('--run-dir'));
  });

  it('runs a tasks.json ptlab task that cannot be resolved as one that says why and exits 1, not as "no task provider"', async () => {
    const tasksJson = join(workspaceRoot().fsPath, '.vscode', 'tasks.json');
    const definition = { type: 'ptlab', job: 'sft', config: 'missing.ptlab.json' };
    writeFileSync(tasksJson, JSON.stringify({ version: '2.0.0', tasks: [{ ...definition, label: 'ptlab: a missing config' }] }));
    try {
      const task = await until('the tasks.json task among the ptlab tasks', async () => (await vscode.tasks.fetchTasks({ type: 'ptlab' })).find((t) => t.definition.config === definition.config));
      const ended = new Promise<number | undefined>((resolve) => {
        const listener = vscode.tasks.onDidEndTaskProcess((e) => {
          if (e.execution.task.definition.config !== definition.config) return;
          listener.dispose();
          resolve(e.exitCode);
        });
      });
      await vscode.tasks.executeTask(task);
      assert.equal(await ended, 1);
    } finally {
      rmSync(tasksJson, { force: true });
    }
  });

  it('runs the tiny trainer as a task and the Runs view follows it to finished', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'quick.ptlab.json');
    const ended = new Promise<number | undefined>((resolve) => {
      const listener = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.definition.type === 'ptlab') {
          listener.dispose();
          resolve(e.exitCode);
        }
      });
    });
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>('ptlab.runSft', uri);
    assert.ok(execution, 'the job was launched');
    const run = await until('the Runs view to show quick/sft-init finished', async () => {
      const found = await runOf(api, 'quick', 'sft-init');
      return found?.state === 'finished' ? found : undefined;
    }, 150_000);
    assert.equal(await ended, 0);
    assert.equal(run.job, 'sft');
    assert.ok(run.checkpoints.some((c) => c.path === 'checkpoints/final'), JSON.stringify(run.checkpoints));
    assert.equal(run.step, 4);
  });

  it('cancels a running job: the process ends and run.json says cancelled, with a checkpoint', async () => {
    const uri = writeConfig('long.ptlab.json', { ...quickConfig('long', 400), evaluation: undefined });
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>('ptlab.runSft', uri);
    assert.ok(execution);
    let last: RunEntry | undefined;
    const running = await until('the Runs view to show long/sft-init running past step 2', async () => {
      const found = (last = await runOf(api, 'long', 'sft-init'));
      return found?.state === 'running' && (found.step ?? 0) >= 2 ? found : undefined;
    }, 180_000).catch((err: Error) => {
      throw new Error(`${err.message}; the view had ${JSON.stringify(last)}`);
    });
    const pid = running.pid;
    assert.ok(pid && alive(pid), 'the trainer process runs');
    await vscode.commands.executeCommand('ptlab.cancel', { folder: running.folder });
    await until('the trainer process to end', () => !alive(pid), 60_000);
    const manifest = JSON.parse(readFileSync(join(running.folder, 'run.json'), 'utf8')) as { status: string; progress: { step: number }; checkpoints: { step: number }[] };
    assert.equal(manifest.status, 'cancelled');
    assert.equal(manifest.checkpoints.at(-1)?.step, manifest.progress.step, 'a checkpoint at the step it stopped');
    await until('the Runs view to show it cancelled', async () => (await runOf(api, 'long', 'sft-init'))?.state === 'cancelled', 30_000);

    // Resume continues the same run folder in a new segment, from the checkpoint.
    const resumed = await vscode.commands.executeCommand<vscode.TaskExecution | undefined>('ptlab.resume', { folder: running.folder });
    assert.ok(resumed, 'the resume was launched');
    assert.ok((resumed.task.execution as vscode.ProcessExecution).args.includes('--resume'));
    const again = await until('the resumed run to pass its checkpoint', async () => {
      const found = await runOf(api, 'long', 'sft-init');
      return found?.state === 'running' && (found.step ?? 0) > manifest.progress.step ? found : undefined;
    }, 120_000);
    const segments = (JSON.parse(readFileSync(join(running.folder, 'run.json'), 'utf8')) as { segments: { startStep: number; endStatus?: string }[] }).segments;
    assert.deepEqual(segments.map((x) => x.endStatus ?? 'open'), ['cancelled', 'open']);
    assert.equal(segments[1]!.startStep, manifest.progress.step);
    await vscode.commands.executeCommand('ptlab.cancel', { folder: again.folder });
    await until('the resumed run to be cancelled', async () => (await runOf(api, 'long', 'sft-init'))?.state === 'cancelled', 60_000);
  });

  it('shows a running run whose heartbeat stopped as stale', async () => {
    await vscode.commands.executeCommand('ptlab.runs.focus'); // the Runs view, visible
    const folder = join(workspaceRoot().fsPath, 'runs', 'ghost', 'sft');
    mkdirSync(folder, { recursive: true });
    const beat = new Date(Date.now() - 5 * 60_000).toISOString();
    writeFileSync(join(folder, 'run.json'), JSON.stringify({ schemaVersion: 1, runId: 'sft', experiment: 'ghost', job: 'sft', status: 'running', createdAt: beat, updatedAt: beat, heartbeatAt: beat, config: {}, command: ['python', '-m', 'ptlab', 'sft'], seeds: { global: 0 }, host: { hostname: 'ghost', platform: 'linux' }, progress: { step: 7 }, checkpoints: [] }));
    const run = await until('the Runs view to show ghost/sft stale', async () => {
      const found = await runOf(api, 'ghost', 'sft');
      return found?.state === 'stale' ? found : undefined;
    }, 45_000);
    assert.ok((run.heartbeatAgeSeconds ?? 0) >= 299);
  });

  after(async () => {
    // Leave the workspace as the other suites expect it (the dashboard check reads its runs).
    const jobs = vscode.tasks.taskExecutions.filter((e) => e.task.definition.type === 'ptlab');
    jobs.forEach((e) => e.terminate());
    if (jobs.length > 0) await new Promise((r) => setTimeout(r, 5000));
    const root = workspaceRoot().fsPath;
    for (const made of ['from-template.ptlab.json', 'study', 'broken-semantics.ptlab.json', 'quick.ptlab.json', 'long.ptlab.json', 'runs/quick', 'runs/long', 'runs/ghost']) {
      rmSync(join(root, made), { recursive: true, force: true });
    }
    const timings = api?.timings();
    if (!timings) return;
    const extension = vscode.extensions.getExtension('ptlab.ptlab')!;
    const dir = join(extension.extensionPath, 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'extension-host-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  });
});
