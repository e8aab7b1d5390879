// Trainer jobs as commands: the `ptlab` task definition, where a job's run folder goes, and
// the argument array that runs it. Pure: the task provider, the commands and the tests share it.
import { posix } from 'node:path';
import { checkJsonText, formatLocated } from '../contracts/contracts';
import type { ExperimentConfig, RunManifest } from '../contracts/generated/types';
import type { HostProcess } from '../runs/processEnded';
import type { RunState } from '../runs/runFolder';
import { markdownText } from '../runs/runTree';

export type { HostProcess };

export const JOBS = ['data', 'sft', 'ppo', 'eval', 'export'] as const;
export type Job = (typeof JOBS)[number];
export type LauncherKind = 'local' | 'accelerate' | 'slurm';

/** The `ptlab` task type (package.json `taskDefinitions` mirrors it). */
export interface PtlabTaskDefinition {
  type: 'ptlab';
  job: Job;
  /** The experiment config, relative to the workspace folder (or absolute). */
  config: string;
  /** The run folder, relative to the config's folder (default: see defaultRunDir); export: the training run exported from. */
  runDir?: string;
  resume?: boolean;
  /** eval and export: the checkpoint folder, relative to the config's folder. */
  checkpoint?: string;
  /** CUDA_VISIBLE_DEVICES for the job, e.g. "0,1"; "" for CPU only. */
  gpus?: string;
}

/** What a job needs to know of its config. */
export interface ConfigFacts {
  name: string;
  outputDir: string;
  launcher: LauncherKind;
  sftInit?: string | undefined;
  /** launcher.gpus: how many GPUs, or which. */
  gpus?: number | number[] | undefined;
  /** launcher.cpuProcesses: accelerate over CPU processes (no GPUs). */
  cpuProcesses?: number | undefined;
}

/** An experiment config file's text, checked against its contract; throws what is wrong, with positions. */
export function experimentConfig(text: string, file: string): ExperimentConfig {
  const { value, errors } = checkJsonText('experiment.schema.json', text);
  if (errors.length > 0) throw new Error(`${file} is not a valid experiment config:\n${errors.slice(0, 3).map((e) => formatLocated(file, e)).join('\n')}`);
  return value as ExperimentConfig;
}

export function configFacts(config: Pick<ExperimentConfig, 'name' | 'outputDir' | 'launcher' | 'sft'>): ConfigFacts {
  const facts: ConfigFacts = { name: config.name, outputDir: config.outputDir ?? 'runs', launcher: config.launcher?.kind ?? 'local', sftInit: config.sft?.init };
  if (config.launcher?.gpus !== undefined) facts.gpus = config.launcher.gpus;
  if (config.launcher?.cpuProcesses !== undefined) facts.cpuProcesses = config.launcher.cpuProcesses;
  return facts;
}

/** The longest run folder name: run.json's runId is the folder's name (run-manifest.schema.json). */
const RUN_NAME_MAX = 128;

/**
 * `<outputDir>/<experiment>/<job>`, relative to the config's folder. SFT from the base model
 * writes the Init checkpoint, so its folder is `sft-init` (the examples' `ppo.init` points at
 * `runs/<experiment>/sft-init/checkpoints/final`); an evaluation is named after its checkpoint.
 * An export's run folder is the training run it exports from (`ptlab export --run-dir`; its
 * onnx/ is where Compare finds the export): the checkpoint's run, else the task must say.
 */
export function defaultRunDir(facts: ConfigFacts, job: Job, checkpoint?: string): string {
  if (job === 'export') return checkpointRun(checkpoint);
  let name: string = job;
  if (job === 'sft' && !facts.sftInit) name = 'sft-init';
  if (job === 'eval' && checkpoint) name = `eval-${checkpointLabel(checkpoint)}`.slice(0, RUN_NAME_MAX - 8); // room for freshName's -N
  return posix.join(facts.outputDir.replace(/\\/g, '/'), facts.name, name);
}

/** `runs/x/ppo/checkpoints/step-000005` -> `runs/x/ppo`: the run an export of that checkpoint goes into. */
function checkpointRun(checkpoint: string | undefined): string {
  const parts = (checkpoint ?? '').replace(/\\/g, '/').split('/').filter((p, i) => (p !== '' || i === 0) && p !== '.');
  if (parts.length >= 3 && parts[parts.length - 2] === 'checkpoints') return parts.slice(0, -2).join('/') || '/';
  const why = checkpoint ? `${checkpoint} is not in a run's checkpoints/ folder` : 'it has no checkpoint either';
  throw new Error(`an export task needs runDir: the training run whose last checkpoint is exported (and whose onnx/ gets the export), relative to the config's folder; ${why}`);
}

/** `runs/x/sft-init/checkpoints/final` -> `sft-init-final`. */
export function checkpointLabel(checkpoint: string): string {
  const parts = checkpoint.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  const last = parts.pop() ?? 'checkpoint';
  const container = parts.pop();
  const run = container === 'checkpoints' ? parts.pop() : container;
  return [run, last].filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** A name not yet in `taken`: `name`, then `name-2`, `name-3`, ... */
export function freshName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  for (let i = 2; ; i++) if (!taken(`${name}-${i}`)) return `${name}-${i}`;
}

/**
 * What Run SFT / Run PPO offers for a run folder a run already lives in (its run.json's
 * `state`): Resume, or a new run beside it; while its job still runs (from a terminal, another
 * window, Slurm) no Resume, which would make two jobs write one folder (the trainer refuses it
 * too), but cancelling it first. The question names the running job's process.
 */
export function existingRunQuestion(runDir: string, state: RunState, host: RunManifest['host'] | undefined): { message: string; choices: ('resume' | 'new' | 'cancel')[] } {
  if (state !== 'running') return { message: `A run already lives in ${runDir}.`, choices: ['resume', 'new'] };
  const process = [host?.pid !== undefined ? `pid ${host.pid}` : '', host?.hostname ? `on ${host.hostname}` : ''].filter(Boolean).join(' ');
  const where = [process, host?.slurmJobId ? `Slurm job ${host.slurmJobId}` : ''].filter(Boolean).join(', ');
  return {
    message: `A run still running lives in ${runDir}${where ? ` (${where})` : ''}: a second job would write the same folder. Start a new run beside it, or cancel it first and then resume it.`,
    choices: ['new', 'cancel'],
  };
}

export interface JobCommand {
  /** Arguments after the Python executable. */
  args: string[];
  env: Record<string, string>;
}

/** `ptlab launch` (trainer/ptlab/launch.py) refuses an export with --resume in the same words. */
export const EXPORT_RESUME_REFUSED = "export takes no --resume: it exports the run's last checkpoint (or --checkpoint) anew each time; leave resume out";

/** Throws what a task definition asks that its job cannot do (ptlab would refuse its arguments). */
export function checkDefinition(definition: PtlabTaskDefinition): void {
  if (definition.job === 'export' && definition.resume) throw new Error(EXPORT_RESUME_REFUSED);
}

/**
 * The local launcher runs `python -m ptlab JOB` as the task's own process (so ending the
 * task signals the trainer itself); accelerate and Slurm go through `ptlab launch`, which
 * reads the config's launcher section, an evaluation or export of a given checkpoint too
 * (`ptlab eval` shares the episodes over accelerate's processes; under Slurm it runs on the
 * cluster, not the machine VS Code runs on).
 */
export function jobCommand(definition: PtlabTaskDefinition, configPath: string, runDir: string, facts: Pick<ConfigFacts, 'launcher' | 'gpus' | 'cpuProcesses'>, selected?: string): JobCommand {
  checkDefinition(definition);
  const common = ['--config', configPath, '--run-dir', runDir, ...(definition.resume ? ['--resume'] : [])];
  const checkpoint = definition.checkpoint && (definition.job === 'eval' || definition.job === 'export') ? ['--checkpoint', definition.checkpoint] : [];
  const direct = facts.launcher === 'local';
  const args = direct ? ['-m', 'ptlab', definition.job, ...common, ...checkpoint] : ['-m', 'ptlab', 'launch', '--job', definition.job, ...common, ...checkpoint];
  const env: Record<string, string> = { PYTHONUNBUFFERED: '1' };
  const devices = visibleDevices(facts, direct, definition.gpus ?? selected, SINGLE_PROCESS_JOBS.includes(definition.job));
  if (devices !== undefined) env.CUDA_VISIBLE_DEVICES = devices;
  return { args, env };
}

/** Jobs `ptlab launch` runs as one process under accelerate too (trainer/ptlab/launch.py SINGLE_PROCESS_JOBS). */
const SINGLE_PROCESS_JOBS: readonly string[] = ['data', 'export'];

/**
 * CUDA_VISIBLE_DEVICES for a job, so that the processes the launcher starts and the GPUs they
 * see agree: the selection (the task's `gpus`, else Select GPUs' `ptlab.gpus`) or, with none, a
 * local job's launcher.gpus list (as `ptlab launch` sets it). A selection that contradicts
 * launcher.gpus is refused, saying what to change: accelerate starts a process per configured
 * GPU and `--gpu_ids` overrides the environment. Slurm allocates its own GPUs: no selection applies.
 */
export function visibleDevices(facts: Pick<ConfigFacts, 'launcher' | 'gpus' | 'cpuProcesses'>, direct: boolean, written: string | undefined, singleProcess = false): string | undefined {
  const selected = written?.split(',').map((g) => g.trim()).filter((g) => g !== '').join(','); // "0, 1" is "0,1"
  const listed = Array.isArray(facts.gpus) ? facts.gpus.join(',') : undefined;
  if (direct) {
    if (facts.launcher === 'local' && selected !== undefined && listed !== undefined && selected !== listed) {
      throw new Error(`launcher.gpus is [${listed}] but GPUs "${selected}" are selected: clear the selection (Select GPUs, or the task's gpus) or set launcher.gpus to [${selected}]`);
    }
    return selected ?? (facts.launcher === 'local' ? listed : undefined);
  }
  if (facts.launcher === 'slurm' || facts.cpuProcesses !== undefined || selected === undefined) return undefined;
  const chosen = selected.split(',').filter((g) => g.trim() !== '');
  if (listed !== undefined && selected !== listed) {
    throw new Error(`launcher.gpus is [${listed}] but GPUs "${selected}" are selected (accelerate's --gpu_ids would use launcher.gpus): clear the selection (Select GPUs, or the task's gpus) or set launcher.gpus to [${chosen.join(', ')}]`);
  }
  const count = typeof facts.gpus === 'number' ? facts.gpus : 1;
  if (listed === undefined && chosen.length !== count && !singleProcess) { // one process takes any selection
    throw new Error(`launcher.gpus is ${count} (one process per GPU) but ${chosen.length} GPUs are selected ("${selected}"): set launcher.gpus to ${chosen.length}, or select ${count} GPUs`);
  }
  return selected;
}

/**
 * The task that resumes the run in `folder`, from its run.json: its config and job, and for an
 * evaluation the checkpoint it evaluated (`init`; none: the config's model), which `ptlab eval
 * --resume` redoes. Undefined when run.json does not say which config and job made the run.
 */
export function resumeDefinition(folder: string, manifest: Pick<RunManifest, 'configPath' | 'job' | 'init'> | undefined): PtlabTaskDefinition | undefined {
  if (!manifest?.configPath || !manifest.job) return undefined;
  const checkpoint = manifest.job === 'eval' && manifest.init ? { checkpoint: manifest.init } : {};
  return { type: 'ptlab', job: manifest.job, config: manifest.configPath, runDir: folder, resume: true, ...checkpoint };
}

/** The task's name in Run Task: `sft: tiny-gp-l (runs/tiny-gp-l/sft-init)`. */
export function taskName(definition: PtlabTaskDefinition, runDir: string): string {
  return `${definition.resume ? 'resume ' : ''}${definition.job}: ${posix.basename(definition.config.replace(/\\/g, '/'))} -> ${runDir}`;
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader` output. */
export function parseGpuList(text: string): { index: number; name: string; memory: string }[] {
  return text
    .split('\n')
    .map((line) => line.split(',').map((s) => s.trim()))
    .filter((cols) => cols.length >= 2 && /^\d+$/.test(cols[0] ?? ''))
    .map(([index, name, memory]) => ({ index: Number(index), name: name ?? '', memory: memory ?? '' }));
}

/** scancel's arguments for a run's Slurm job (run.json's host.slurmJobId, as Slurm names one:
 * 123, an array task 123_4, a step 123.0); undefined for anything else: a value from a file
 * in the workspace must never reach scancel as an option (`--me` would signal every job of
 * the user's). */
export function scancelArgs(slurmJobId: string): string[] | undefined {
  return /^\d+(_\d+)?(\.\d+)?$/.test(slurmJobId) ? ['--signal=TERM', '--', slurmJobId] : undefined;
}

/** What Cancel does for a run this window did not start (a terminal, another window, Slurm). */
export type ForeignCancel =
  | { action: 'none' | 'refuse'; message: string }
  /** run.json still says running but its trainer ended: nothing to signal, the run can be resumed. */
  | { action: 'ended'; message: string }
  | { action: 'scancel'; jobId: string; args: string[] }
  | { action: 'signal'; pid: number };

/**
 * Cancel for a run from its run.json: scancel its Slurm job, or SIGTERM its pid only while that
 * pid is still this run's trainer on this machine (`processOf` says what the pid is now). A
 * run.json left `running` by a crash or a reboot names a pid that may since belong to any
 * program of the user's.
 */
export function foreignCancel(folder: string, manifest: Pick<RunManifest, 'status' | 'host' | 'command'> | undefined, here: string, processOf: (pid: number) => HostProcess): ForeignCancel {
  const host = manifest?.host;
  if (manifest?.status !== 'running' || (!host?.pid && !host?.slurmJobId)) return { action: 'none', message: `${folder} is not running.` };
  if (host.slurmJobId) {
    const args = scancelArgs(host.slurmJobId);
    if (args) return { action: 'scancel', jobId: host.slurmJobId, args };
    return { action: 'refuse', message: `${folder}/run.json names Slurm job ${JSON.stringify(host.slurmJobId)}, not a Slurm job id; cancel it with scancel yourself.` };
  }
  const pid = host.pid!;
  if (host.hostname !== here) return { action: 'refuse', message: `${folder} runs on ${host.hostname} (pid ${pid}); cancel it there (or scancel its Slurm job).` };
  if (!trainerTail(manifest.command)) return { action: 'refuse', message: `${folder}/run.json's command names no ptlab trainer, so pid ${pid} cannot be told to be its process; stop the run where it runs.` };
  const now = processOf(pid);
  const ended = 'without writing its status (run.json still says running); nothing was signalled. Resume the run to continue it from its last checkpoint.';
  if ('gone' in now) return { action: 'ended', message: `${folder}: its trainer (pid ${pid}) ended ${ended}` };
  if ('unknown' in now) return { action: 'refuse', message: `${folder}: cannot tell whether pid ${pid} is still this run's trainer (${now.unknown}); stop the run where it runs.` };
  if (!isRunTrainer(now.argv, manifest.command)) return { action: 'ended', message: `${folder}: pid ${pid} is now another program (${posix.basename(now.argv[0] ?? '?')}), not this run's trainer: the trainer ended ${ended}` };
  return { action: 'signal', pid };
}

/**
 * Whether a process's argv is the trainer run.json's `command` describes: `[python, -m, ptlab,
 * ...args]` as the trainer writes it, the process's own argv ending in the same args after `-m
 * ptlab` (accelerate's workers add `-u`) or after the `ptlab` script. Compared as words: `ps`
 * gives no argv boundaries.
 */
export function isRunTrainer(argv: string[], command: string[]): boolean {
  const tail = trainerTail(command);
  const words = argv.join(' ').split(/\s+/).filter(Boolean);
  if (!tail || words.length <= tail.length) return false;
  const start = words.length - tail.length;
  const program = words[start - 1]!;
  return words.slice(start).every((word, i) => word === tail[i]) && (posix.basename(program.replace(/\\/g, '/')) === 'ptlab' || program === '-mptlab');
}

/** run.json's command's arguments after `-m ptlab`, as words; undefined for no ptlab trainer. */
function trainerTail(command: string[]): string[] | undefined {
  const words = command.join(' ').split(/\s+/).filter(Boolean);
  const module = words.findIndex((word, i) => word === 'ptlab' && words[i - 1] === '-m');
  return module < 0 || module === words.length - 1 ? undefined : words.slice(module + 1);
}

/** Starts what takes a while to start (a task: the trust check, the interpreter, the launch) and
 * terminates it when `signal` aborts, also an abort that comes while it starts: nothing is started
 * once aborted, and what started meanwhile is terminated as soon as it is there. */
export async function startCancellable<T extends { terminate(): void }>(signal: AbortSignal, start: () => PromiseLike<T | undefined>): Promise<T | undefined> {
  if (signal.aborted) return undefined;
  const started = await start();
  if (!started) return undefined;
  if (signal.aborted) started.terminate();
  else signal.addEventListener('abort', () => started.terminate(), { once: true });
  return started;
}

/** The status bar's tooltip over running jobs, as Markdown: the run folder (from a config's
 * outputDir) and the experiment are text (markdownText), not code spans a backtick could end. */
export function jobsTooltip(jobs: readonly { job: string; experiment: string; progress: string; runDir: string }[]): string {
  return jobs.map((j) => `**${markdownText(j.job)}** ${markdownText(j.experiment)}: ${markdownText(j.progress)}  \n${markdownText(j.runDir)}`).join('\n\n') + '\n\nClick to cancel a job.';
}
