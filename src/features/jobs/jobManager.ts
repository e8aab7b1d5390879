// Launching, following and cancelling trainer jobs: the Run SFT / Run PPO / Evaluate /
// Resume / Cancel / Select GPUs commands, a status bar item and a progress notification per
// running job. Every `ptlab` task is followed, whether a command, Run Task or tasks.json started it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunManifest } from '../../core/contracts/generated/types';
import { checkpointLabel, existingRunQuestion, foreignCancel, freshName, jobsTooltip, parseGpuList, resumeDefinition, type ForeignCancel, type Job, type PtlabTaskDefinition } from '../../core/jobs/jobs';
import { memoryPlanMarkdown, parseMemoryPlan, type MemoryPlan } from '../../core/jobs/memoryPlan';
import { describeProgress, type JobProgress } from '../../core/runs/metricsTail';
import { hostProcess } from '../../core/runs/processEnded';
import { runState } from '../../core/runs/runFolder';
import { log } from '../log';
import { endedHere, staleSeconds } from '../runs/liveness';
import type { RunFolders } from '../runs/runFolders';
import { timed } from '../timing';
import { readyPython } from './python';
import { buildTask, isPtlabDefinition, resolveJob, TASK_TYPE, type ResolvedJob } from './tasks';

interface RunningJob {
  job: ResolvedJob;
  execution: vscode.TaskExecution;
  progress: JobProgress | undefined;
  totalSteps: number | undefined;
  /** Throttled: on every run folder change, and polled (file events can be lost on busy machines). */
  refresh: () => void;
  poll: NodeJS.Timeout;
  finishNotification: () => void;
  reportProgress: (text: string, increment?: number) => void;
}

/** What the Runs view passes: a run folder (and, for checkpoints, the checkpoint folder). */
export interface RunTarget {
  folder: string;
  configPath?: string;
  job?: string;
  checkpoint?: string;
  /** eval: where the evaluation run goes (default: next to the config, named after the checkpoint). */
  runDir?: string;
}

export class JobManager implements vscode.Disposable {
  private readonly running = new Map<vscode.TaskExecution, RunningJob>();
  /** Jobs this window launched, by task definition, until their process starts: their config is read once. */
  private readonly launched = new Map<string, ResolvedJob>();
  private readonly statusBar = vscode.window.createStatusBarItem('ptlab.jobs', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];

  static register(context: vscode.ExtensionContext, runs: RunFolders): void {
    const manager = new JobManager(context.extensionUri, runs);
    const command = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
    context.subscriptions.push(
      manager,
      command('ptlab.runSft', (uri?: vscode.Uri) => manager.runFromConfig('sft', uri)),
      command('ptlab.runPpo', (uri?: vscode.Uri) => manager.runFromConfig('ppo', uri)),
      command('ptlab.evaluate', (target?: vscode.Uri | RunTarget) => manager.evaluate(target)),
      command('ptlab.resume', (target?: RunTarget | vscode.Uri) => manager.resume(target)),
      command('ptlab.cancel', (target?: RunTarget | vscode.Uri) => manager.cancel(target)),
      command('ptlab.selectGpus', () => manager.selectGpus()),
      command('ptlab.planMemory', (uri?: vscode.Uri) => manager.planMemory(uri)),
    );
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly runs: RunFolders,
  ) {
    this.statusBar.name = 'Post-Training Lab jobs';
    this.statusBar.command = 'ptlab.cancel';
    this.disposables.push(
      this.statusBar,
      runs.onDidChange(() => [...this.running.values()].forEach((entry) => entry.refresh())),
      vscode.tasks.onDidStartTaskProcess((e) => void this.follow(e.execution, e.processId)),
      vscode.tasks.onDidEndTaskProcess((e) => this.ended(e.execution, e.exitCode)),
      vscode.tasks.onDidEndTask((e) => this.ended(e.execution, undefined)),
    );
  }

  // ---------------------------------------------------------------- launching

  /** Run SFT or PPO on a config: the given one, the active editor's, or one picked. */
  async runFromConfig(job: Job, uri?: vscode.Uri): Promise<vscode.TaskExecution | undefined> {
    const configUri = uri instanceof vscode.Uri ? uri : await pickConfig();
    if (!configUri) return undefined;
    return this.launch({ type: TASK_TYPE, job, config: configUri.fsPath });
  }

  async evaluate(target?: vscode.Uri | RunTarget): Promise<vscode.TaskExecution | undefined> {
    if (target && !(target instanceof vscode.Uri) && target.checkpoint && target.configPath) {
      return this.launch({ type: TASK_TYPE, job: 'eval', config: target.configPath, checkpoint: target.checkpoint, ...(target.runDir ? { runDir: target.runDir } : {}) });
    }
    const configUri = target instanceof vscode.Uri ? target : await pickConfig();
    if (!configUri) return undefined;
    const checkpoint = await pickCheckpoint(this.runs, configUri);
    if (checkpoint === null) return undefined;
    return this.launch({ type: TASK_TYPE, job: 'eval', config: configUri.fsPath, ...(checkpoint ? { checkpoint } : {}) });
  }

  async resume(target?: RunTarget | vscode.Uri): Promise<vscode.TaskExecution | undefined> {
    const run = await runTarget(this.runs, target, (r) => r.state === 'cancelled' || r.state === 'failed' || r.state === 'stale', 'Resume which run?');
    if (!run) return undefined;
    if (run.state === 'running') {
      void vscode.window.showErrorMessage(`Post-Training Lab: ${existingRunQuestion(run.folder, run.state, run.manifest?.host).message}`);
      return undefined;
    }
    const definition = resumeDefinition(run.folder, run.manifest);
    if (!definition) {
      void vscode.window.showErrorMessage(`Post-Training Lab: ${run.folder}/run.json does not say which config and job made it; it cannot be resumed.`);
      return undefined;
    }
    return this.launch(definition);
  }

  async launch(definition: PtlabTaskDefinition): Promise<vscode.TaskExecution | undefined> {
    if (!(await trusted()) || !(await savedIfOpen(vscode.Uri.file(definition.config)))) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(definition.config));
    let job: ResolvedJob;
    try {
      job = await resolveJob(definition, folder);
    } catch (err) {
      void vscode.window.showErrorMessage(`Post-Training Lab: ${(err as Error).message}`);
      return undefined;
    }
    if (definition.job !== 'export' && !definition.resume && !definition.runDir && existsSync(path.join(job.runDir, 'run.json'))) { // an export goes into its training run
      const choice = await this.askAboutExistingRun(job);
      if (!choice) return undefined;
      job = choice;
    }
    const python = await readyPython(job.configUri, this.extensionUri);
    if (!python) return undefined;
    let task: vscode.Task;
    try {
      task = await buildTask(job, python);
    } catch (err) {
      void vscode.window.showErrorMessage(`Post-Training Lab: ${job.configUri.fsPath}: ${(err as Error).message}`);
      return undefined;
    }
    log().info(`launch ${definition.job}: ${python} ${(task.execution as vscode.ProcessExecution).args.join(' ')}`);
    this.launched.set(JSON.stringify(task.definition), job);
    return vscode.tasks.executeTask(task);
  }

  /**
   * Plan Memory: `python -m ptlab plan CONFIG --json` (its job: PPO when the config has a ppo
   * section), shown as a Markdown table per GPU; returns the plan (undefined when not run).
   */
  async planMemory(uri?: vscode.Uri): Promise<MemoryPlan | undefined> {
    const configUri = uri instanceof vscode.Uri ? uri : await pickConfig();
    if (!configUri || !(await trusted()) || !(await savedIfOpen(configUri))) return undefined;
    const python = await readyPython(configUri, this.extensionUri);
    if (!python) return undefined;
    const args = ['-m', 'ptlab', 'plan', configUri.fsPath, '--json'];
    log().info(`plan memory: ${python} ${args.join(' ')}`);
    const title = `Post-Training Lab: planning the memory of ${path.basename(configUri.fsPath)} (the job's passes run once on fake tensors)`;
    const output = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => runTrainer(python, args, path.dirname(configUri.fsPath), token));
    if (output === undefined) return undefined;
    let plan: MemoryPlan;
    try {
      plan = parseMemoryPlan(output);
    } catch (err) {
      void vscode.window.showErrorMessage(`Post-Training Lab: ${(err as Error).message}`);
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: memoryPlanMarkdown(plan) });
    await vscode.window.showTextDocument(document, { preview: true });
    return plan;
  }

  private async askAboutExistingRun(job: ResolvedJob): Promise<ResolvedJob | undefined> {
    const parent = path.dirname(job.runDir);
    const fresh = freshName(path.basename(job.runDir), (name) => existsSync(path.join(parent, name)));
    const [run] = await this.runs.reread([job.runDir]);
    const question = existingRunQuestion(job.runDir, runState(run?.manifest, Date.now(), staleSeconds(), endedHere), run?.manifest?.host);
    const labels = { resume: 'Resume It', new: `New Run (${fresh})`, cancel: 'Cancel It' } as const;
    const picked = await vscode.window.showWarningMessage(question.message, { modal: true }, ...question.choices.map((choice) => labels[choice]));
    if (picked === labels.resume) return { ...job, definition: { ...job.definition, runDir: job.runDir, resume: true } };
    if (picked === labels.new) {
      const runDir = path.join(parent, fresh);
      return { ...job, runDir, definition: { ...job.definition, runDir } };
    }
    if (picked === labels.cancel) await this.cancel({ folder: job.runDir });
    return undefined;
  }

  // ---------------------------------------------------------------- cancelling

  async cancel(target?: RunTarget | vscode.Uri): Promise<void> {
    const folder = target instanceof vscode.Uri ? target.fsPath : target?.folder;
    let running = folder ? [...this.running.values()].find((r) => samePath(r.job.runDir, folder)) : undefined;
    if (!folder && !running) {
      const jobs = [...this.running.values()];
      if (jobs.length === 0) {
        void vscode.window.showInformationMessage('Post-Training Lab: no job is running.');
        return;
      }
      const picked = jobs.length === 1 ? { job: jobs[0]! } : await vscode.window.showQuickPick(jobs.map((j) => ({ label: `${j.job.definition.job}: ${j.job.experiment}`, description: j.job.runDir, job: j })), { placeHolder: 'Cancel which job?' });
      running = picked?.job;
    }
    if (running) {
      log().info(`cancel ${running.job.runDir}: ending its task (the trainer checkpoints and ends as cancelled)`);
      running.execution.terminate();
      return;
    }
    if (folder) await cancelForeignRun(this.runs, folder);
  }

  // ---------------------------------------------------------------- GPUs

  async selectGpus(): Promise<void> {
    // no program is run for an untrusted workspace, which may put one of that name where it is looked for
    const trust = vscode.workspace.isTrusted;
    const gpus = trust ? await listGpus() : [];
    const current = vscode.workspace.getConfiguration('ptlab').get<string | null>('gpus', null);
    type Item = vscode.QuickPickItem & { index?: number; value?: string | null };
    const items: Item[] = [
      ...gpus.map((g) => ({ label: `GPU ${g.index}`, description: `${g.name} ${g.memory}`.trim(), index: g.index, picked: current?.split(',').includes(String(g.index)) ?? false })),
    ];
    let value: string | null | undefined;
    if (gpus.length === 0) {
      const found = trust ? 'No GPU found by nvidia-smi.' : 'nvidia-smi is not run in an untrusted workspace.';
      const typed = await vscode.window.showInputBox({ prompt: `${found} CUDA_VISIBLE_DEVICES for jobs (e.g. "0,1"; empty for CPU only; clear the setting for all GPUs)`, value: current ?? '' });
      value = typed;
    } else {
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: 'GPUs for jobs (CUDA_VISIBLE_DEVICES); none picked = CPU only' });
      value = picked?.map((p) => p.index).join(',');
    }
    if (value === undefined) return;
    // a window with no folder has no workspace settings to write: the user's settings then
    const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('ptlab').update('gpus', value, target);
    log().info(`jobs will run with CUDA_VISIBLE_DEVICES=${JSON.stringify(value)}`);
  }

  // ---------------------------------------------------------------- following

  private async follow(execution: vscode.TaskExecution, processId: number): Promise<void> {
    const definition = execution.task.definition;
    if (!isPtlabDefinition(definition) || this.running.has(execution)) return;
    const folder = typeof execution.task.scope === 'object' ? execution.task.scope : undefined;
    const key = JSON.stringify(definition);
    const job = this.launched.get(key) ?? (await resolveJob(definition, folder).catch(() => undefined)); // Run Task, tasks.json
    this.launched.delete(key);
    if (!job) return;
    log().info(`${definition.job} started (pid ${processId}): ${job.runDir}`);
    let finishNotification = () => {};
    let reportProgress: RunningJob['reportProgress'] = () => {};
    const refresh = throttle(() => void this.refreshProgress(entry), 250);
    const entry: RunningJob = { job, execution, progress: undefined, totalSteps: undefined, refresh, poll: setInterval(refresh, POLL_MS), finishNotification: () => finishNotification(), reportProgress: (t, i) => reportProgress(t, i) };
    this.running.set(execution, entry);
    refresh();
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${definition.job.toUpperCase()} ${job.experiment}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          finishNotification = resolve;
          let reported = 0;
          reportProgress = (message, fraction) => {
            const increment = fraction === undefined ? undefined : Math.max(0, 100 * fraction - reported);
            if (increment !== undefined) reported += increment;
            progress.report({ message, ...(increment !== undefined ? { increment } : {}) });
          };
          token.onCancellationRequested(() => void this.cancel({ folder: job.runDir }));
          if (!this.running.has(execution)) resolve();
        }),
    );
    this.updateStatusBar();
  }

  private async refreshProgress(entry: RunningJob): Promise<void> {
    const [run] = await this.runs.reread([entry.job.runDir]); // the Runs view hears of it too
    const manifest = run?.manifest;
    const progress = await this.runs.metrics('progress', { path: path.join(entry.job.runDir, run?.metricsFile ?? 'metrics.jsonl') }).catch((err: Error) => void log().warn(`${entry.job.runDir}: ${err.message}`));
    if (progress?.skippedLines) log().debug(`${entry.job.runDir}: ${progress.skippedLines} metrics line(s) skipped`);
    timed('status bar update', () => {
      if (progress) entry.progress = progress;
      entry.totalSteps = manifest?.progress?.totalSteps ?? entry.totalSteps;
      const step = manifest?.progress?.step ?? entry.progress?.step;
      const text = entry.progress ? describeProgress({ ...entry.progress, step }, entry.totalSteps) : `step ${step ?? 0}`;
      entry.reportProgress(text, step !== undefined && entry.totalSteps ? step / entry.totalSteps : undefined);
      this.updateStatusBar();
    });
  }

  private ended(execution: vscode.TaskExecution, exitCode: number | undefined): void {
    const entry = this.running.get(execution);
    if (!entry) return;
    this.running.delete(execution);
    clearInterval(entry.poll);
    entry.finishNotification();
    this.updateStatusBar();
    void this.runs.reread([entry.job.runDir]).then(([run]) => {
      const manifest = run?.manifest; // the final state, for the Runs view too
      const status = manifest?.status ?? 'unknown';
      log().info(`${entry.job.definition.job} ended (exit ${exitCode ?? 'unknown'}): ${entry.job.runDir}: ${status}`);
      if (status === 'failed' || (exitCode !== undefined && exitCode !== 0 && exitCode !== 130 && status !== 'cancelled')) {
        void vscode.window.showErrorMessage(`Post-Training Lab: ${entry.job.definition.job} ${entry.job.experiment} failed${manifest?.error ? `: ${manifest.error.message}` : ''}. See the task's terminal.`);
      }
    });
  }

  private updateStatusBar(): void {
    const jobs = [...this.running.values()];
    if (jobs.length === 0) {
      this.statusBar.hide();
      return;
    }
    const first = jobs[0]!;
    const progress = first.progress ? describeProgress(first.progress, first.totalSteps) : 'starting';
    this.statusBar.text = `$(sync~spin) ${first.job.definition.job} ${first.job.experiment}: ${progress}${jobs.length > 1 ? ` (+${jobs.length - 1})` : ''}`;
    this.statusBar.tooltip = new vscode.MarkdownString(
      jobsTooltip(jobs.map((j) => ({ job: j.job.definition.job, experiment: j.job.experiment, progress: j.progress ? describeProgress(j.progress, j.totalSteps) : 'starting', runDir: j.job.runDir }))),
    );
    this.statusBar.show();
  }

  dispose(): void {
    for (const entry of this.running.values()) clearInterval(entry.poll);
    this.running.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

// -------------------------------------------------------------------- helpers

const POLL_MS = 2_000;

/** The trainer's stdout, or undefined after showing its error (stderr's last lines) or when cancelled. */
function runTrainer(python: string, args: string[], cwd: string, token: vscode.CancellationToken): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = execFile(python, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONUNBUFFERED: '1' } }, (err, stdout, stderr) => {
      if (token.isCancellationRequested) return resolve(undefined);
      if (err) {
        const said = stderr.trim().split('\n').slice(-3).join(' ') || err.message;
        void vscode.window.showErrorMessage(`Post-Training Lab: ${said}`);
        log().error(`${python} ${args.join(' ')}: ${stderr}`);
        return resolve(undefined);
      }
      resolve(stdout);
    });
    token.onCancellationRequested(() => child.kill());
  });
}

/** Whether the workspace is trusted; if not, says why that matters and offers to manage trust. */
async function trusted(why = 'launching jobs runs code from this workspace (configs, checkpoints, Python)'): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const picked = await vscode.window.showWarningMessage(`Post-Training Lab: ${why}. Trust the workspace first.`, manage);
  if (picked === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

async function pickConfig(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.path.endsWith('.ptlab.json')) return active;
  const configs = await vscode.workspace.findFiles('**/*.ptlab.json', '**/{node_modules,.git,.venv}/**', 200);
  if (configs.length === 1) return configs[0];
  const picked = await vscode.window.showQuickPick(
    configs.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: configs.length ? 'Which experiment config?' : 'No *.ptlab.json in the workspace: create one with "New Experiment"' },
  );
  return picked?.uri;
}

/** A checkpoint of one of the config's runs, "" for the base model, null when dismissed. */
async function pickCheckpoint(runs: RunFolders, configUri: vscode.Uri): Promise<string | null> {
  const items: (vscode.QuickPickItem & { checkpoint: string })[] = [{ label: 'The base model', description: 'the config\'s model.name', checkpoint: '' }];
  for (const { folder: runDir, manifest } of await runs.all()) {
    if (!manifest?.configPath || !samePath(manifest.configPath, configUri.fsPath)) continue;
    for (const c of manifest.checkpoints ?? []) {
      const folder = path.join(runDir, c.path);
      items.push({ label: checkpointLabel(folder), description: `step ${c.step}`, detail: folder, checkpoint: folder });
    }
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Evaluate which checkpoint?' });
  return picked ? picked.checkpoint : null;
}

interface RunChoice {
  folder: string;
  manifest: RunManifest | undefined;
  state: string;
}

async function runTarget(runs: RunFolders, target: RunTarget | vscode.Uri | undefined, eligible: (r: RunChoice) => boolean, placeHolder: string): Promise<RunChoice | undefined> {
  const folder = target instanceof vscode.Uri ? target.fsPath : target?.folder;
  const choice = ({ folder, manifest }: { folder: string; manifest: RunManifest | undefined }): RunChoice => ({ folder, manifest, state: runState(manifest, Date.now(), staleSeconds(), endedHere) });
  if (folder) {
    const [run] = await runs.reread([folder]);
    return choice({ folder, manifest: run?.manifest });
  }
  const choices = (await runs.all()).map(choice).filter(eligible);
  const picked = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: vscode.workspace.asRelativePath(c.folder), description: `${c.manifest?.job ?? '?'} · ${c.state}`, choice: c })),
    { placeHolder: choices.length ? placeHolder : 'No run to resume: cancelled, failed and stale runs can be resumed' },
  );
  return picked?.choice;
}

/** A run not started by this window (a terminal, another window, Slurm): SIGTERM its process while it is still the run's trainer, or its Slurm job's steps. */
async function cancelForeignRun(runs: RunFolders, folder: string): Promise<void> {
  if (!(await trusted('stopping a run this window did not start signals the process or Slurm job its run.json names'))) return;
  const [run] = await runs.reread([folder]);
  const plan = () => foreignCancel(folder, run?.manifest, hostname(), hostProcess);
  const first = plan();
  if (first.action === 'scancel') return scancel(folder, first.jobId, first.args);
  if (first.action !== 'signal') return showForeignCancel(folder, first);
  const confirm = 'Send SIGTERM';
  const picked = await vscode.window.showWarningMessage(`This run was not started by this window. Stop process ${first.pid}? It checkpoints and ends as cancelled.`, { modal: true }, confirm);
  if (picked !== confirm) return;
  const now = plan(); // the pid is looked at again: the trainer may have ended while the question was open
  if (now.action !== 'signal') return 'message' in now ? showForeignCancel(folder, now) : undefined;
  try {
    process.kill(now.pid, 'SIGTERM');
    log().info(`cancel ${folder}: SIGTERM to pid ${now.pid}`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Post-Training Lab: could not signal pid ${now.pid}: ${(err as Error).message}`);
  }
}

async function scancel(folder: string, slurmJob: string, args: string[]): Promise<void> {
  const confirmSlurm = 'scancel --signal=TERM';
  const picked = await vscode.window.showWarningMessage(`Stop Slurm job ${slurmJob}? Its steps get SIGTERM, checkpoint and end as cancelled.`, { modal: true }, confirmSlurm);
  if (picked !== confirmSlurm) return;
  execFile('scancel', args, { timeout: 30_000 }, (err, _out, stderr) => {
    if (err) void vscode.window.showErrorMessage(`Post-Training Lab: scancel ${slurmJob} failed: ${(stderr || err.message).trim()}`);
    else log().info(`cancel ${folder}: scancel --signal=TERM ${slurmJob}`);
  });
}

/** Why nothing was signalled; a run whose trainer ended is offered Resume. */
async function showForeignCancel(folder: string, plan: Extract<ForeignCancel, { message: string }>): Promise<void> {
  const message = `Post-Training Lab: ${plan.message}`;
  if (plan.action === 'none') return void vscode.window.showInformationMessage(message);
  if (plan.action === 'refuse') return void vscode.window.showWarningMessage(message);
  const resume = 'Resume';
  if ((await vscode.window.showWarningMessage(message, resume)) === resume) await vscode.commands.executeCommand('ptlab.resume', { folder } satisfies RunTarget);
}

function listGpus(): Promise<ReturnType<typeof parseGpuList>> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=index,name,memory.total', '--format=csv,noheader'], { timeout: 10_000 }, (err, stdout) => resolve(err ? [] : parseGpuList(stdout)));
  });
}

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

/** At most one call per `ms`, the last request honoured (a job writes its files every step: a debounce would starve). */
function throttle(fn: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}

/** The trainer reads the file: an editor's unsaved edits are saved first, as VS Code's run commands do (false: the save failed). */
async function savedIfOpen(uri: vscode.Uri): Promise<boolean> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  return !open?.isDirty || (await open.save());
}
