import * as assert from 'node:assert/strict';
import { posix } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { checkpointLabel, configFacts, defaultRunDir, existingRunQuestion, experimentConfig, foreignCancel, freshName, isRunTrainer, jobCommand, jobsTooltip, parseGpuList, resumeDefinition, scancelArgs, startCancellable, taskName, type HostProcess } from '../../src/core/jobs/jobs';
import { hostProcess } from '../../src/core/runs/processEnded';

const tiny = configFacts({ name: 'tiny-gp-l', launcher: { kind: 'local' } })!;

describe('jobs', () => {
  it('names run folders <outputDir>/<experiment>/<job>, SFT from the base model as sft-init (where the presets point ppo.init)', () => {
    assert.equal(defaultRunDir(tiny, 'sft'), 'runs/tiny-gp-l/sft-init');
    assert.equal(defaultRunDir({ ...tiny, sftInit: 'runs/x/sft-init/checkpoints/final' }, 'sft'), 'runs/tiny-gp-l/sft');
    assert.equal(defaultRunDir(tiny, 'ppo'), 'runs/tiny-gp-l/ppo');
    assert.equal(defaultRunDir({ ...tiny, outputDir: 'out\\runs' }, 'ppo'), 'out/runs/tiny-gp-l/ppo'); // a Windows outputDir
    assert.equal(defaultRunDir({ ...tiny, outputDir: '../out' }, 'eval', '/w/runs/tiny-gp-l/ppo/checkpoints/step-000005'), '../out/tiny-gp-l/eval-ppo-step-000005');
    assert.equal(checkpointLabel('runs/a/sft-init/checkpoints/final'), 'sft-init-final');
  });

  it('exports into the training run: the checkpoint\'s run (where Compare lists its onnx/), else the task must name runDir', () => {
    // ptlab export --run-dir is the training run whose last checkpoint is exported; <outputDir>/<name>/export is none
    assert.equal(defaultRunDir(tiny, 'export', 'runs/tiny-gp-l/ppo/checkpoints/step-000005'), 'runs/tiny-gp-l/ppo');
    assert.equal(defaultRunDir(tiny, 'export', '/w/runs/tiny-gp-l/sft-init/checkpoints/final/'), '/w/runs/tiny-gp-l/sft-init');
    assert.throws(() => defaultRunDir(tiny, 'export'), /^Error: an export task needs runDir: the training run whose last checkpoint is exported/);
    assert.throws(() => defaultRunDir(tiny, 'export', 'models/base'), /needs runDir.*models\/base is not in a run's checkpoints\/ folder/);
  });

  it('names an evaluation run folder within the trainer\'s run id (at most 128 characters), with room for a new run\'s -N beside it', () => {
    const long = `/w/models/${'My Model '.repeat(20)}/checkpoint-100`;
    const name = posix.basename(defaultRunDir(tiny, 'eval', long));
    assert.match(name, /^eval-My_Model_My_Model_/);
    assert.ok(name.length <= 120, `${name.length} characters`);
    assert.match(freshName(name, (candidate) => candidate === name), /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
  });

  it('runs the local launcher as the task\'s own process and the others through ptlab launch, with argument arrays', () => {
    const sft = jobCommand({ type: 'ptlab', job: 'sft', config: 'c' }, '/w/my config.ptlab.json', '/w/runs/x/sft-init', { launcher: 'local' });
    assert.deepEqual(sft.args, ['-m', 'ptlab', 'sft', '--config', '/w/my config.ptlab.json', '--run-dir', '/w/runs/x/sft-init']);
    assert.equal(sft.env.CUDA_VISIBLE_DEVICES, undefined);
    const ppo = jobCommand({ type: 'ptlab', job: 'ppo', config: 'c', resume: true, gpus: '0,1' }, '/w/c.ptlab.json', '/w/r', { launcher: 'accelerate', gpus: 2 });
    assert.deepEqual(ppo.args, ['-m', 'ptlab', 'launch', '--job', 'ppo', '--config', '/w/c.ptlab.json', '--run-dir', '/w/r', '--resume']);
    assert.equal(ppo.env.CUDA_VISIBLE_DEVICES, '0,1');
    const evaluation = jobCommand({ type: 'ptlab', job: 'eval', config: 'c', checkpoint: '/w/ck' }, '/w/c.ptlab.json', '/w/e', { launcher: 'slurm' });
    assert.deepEqual(evaluation.args, ['-m', 'ptlab', 'launch', '--job', 'eval', '--config', '/w/c.ptlab.json', '--run-dir', '/w/e', '--checkpoint', '/w/ck']); // on the cluster, not this machine
    assert.equal(evaluation.env.CUDA_VISIBLE_DEVICES, undefined);
    const local = jobCommand({ type: 'ptlab', job: 'eval', config: 'c', checkpoint: '/w/ck', gpus: '' }, '/w/c.ptlab.json', '/w/e', { launcher: 'local' });
    assert.deepEqual(local.args, ['-m', 'ptlab', 'eval', '--config', '/w/c.ptlab.json', '--run-dir', '/w/e', '--checkpoint', '/w/ck']);
    assert.equal(local.env.CUDA_VISIBLE_DEVICES, '');
  });

  it('passes --checkpoint to eval and export only (ptlab launch refuses it for the others), and names the task', () => {
    const exported = jobCommand({ type: 'ptlab', job: 'export', config: 'c', checkpoint: '/w/r/checkpoints/step-000005' }, '/w/c.ptlab.json', '/w/r', { launcher: 'local' });
    assert.deepEqual(exported.args, ['-m', 'ptlab', 'export', '--config', '/w/c.ptlab.json', '--run-dir', '/w/r', '--checkpoint', '/w/r/checkpoints/step-000005']);
    const sft = jobCommand({ type: 'ptlab', job: 'sft', config: 'c', checkpoint: '/w/ck' }, '/w/c.ptlab.json', '/w/r', { launcher: 'accelerate' });
    assert.deepEqual(sft.args, ['-m', 'ptlab', 'launch', '--job', 'sft', '--config', '/w/c.ptlab.json', '--run-dir', '/w/r']);
    assert.equal(taskName({ type: 'ptlab', job: 'ppo', config: 'study\\3-rl.ptlab.json', resume: true }, 'runs/x/ppo'), 'resume ppo: 3-rl.ptlab.json -> runs/x/ppo');
    assert.equal(taskName({ type: 'ptlab', job: 'sft', config: '/w/1-sft.ptlab.json' }, 'runs/x/sft-init'), 'sft: 1-sft.ptlab.json -> runs/x/sft-init');
  });

  it('makes the processes the launcher starts and the GPUs they see agree: a selection that contradicts launcher.gpus is refused, saying what to change', () => {
    const command = (facts: Parameters<typeof jobCommand>[3], selected?: string, job: 'sft' | 'eval' | 'export' | 'data' = 'sft') =>
      jobCommand({ type: 'ptlab', job, config: 'c', ...(job === 'eval' ? { checkpoint: '/w/ck' } : {}) }, '/w/c.ptlab.json', '/w/r', facts, selected).env.CUDA_VISIBLE_DEVICES;
    assert.equal(command({ launcher: 'local', gpus: [1] }), '1'); // as `ptlab launch --print` sets it
    assert.equal(command({ launcher: 'local', gpus: [1] }, '1'), '1');
    assert.equal(command({ launcher: 'accelerate', gpus: [0, 1] }, '0, 1'), '0,1'); // a selection written with spaces is the same list
    assert.throws(() => command({ launcher: 'local', gpus: [1] }, '0'), /launcher.gpus is \[1\] but GPUs "0" are selected: clear the selection .* or set launcher.gpus to \[0\]/);
    assert.equal(command({ launcher: 'local' }, '3'), '3');
    assert.throws(() => command({ launcher: 'accelerate', gpus: 8 }, '0,1,2,3'), /launcher.gpus is 8 \(one process per GPU\) but 4 GPUs are selected \("0,1,2,3"\): set launcher.gpus to 4, or select 8 GPUs/);
    assert.equal(command({ launcher: 'accelerate', gpus: 4 }, '4,5,6,7'), '4,5,6,7');
    assert.equal(command({ launcher: 'accelerate', gpus: 4 }), undefined);
    assert.throws(() => command({ launcher: 'accelerate', gpus: [0, 1, 2, 3, 4, 5, 6, 7] }, '4,5,6,7'), /accelerate's --gpu_ids would use launcher.gpus\): clear the selection .* or set launcher.gpus to \[4, 5, 6, 7\]/);
    assert.equal(command({ launcher: 'accelerate', gpus: [4, 5] }, '4,5'), '4,5');
    assert.equal(command({ launcher: 'accelerate', cpuProcesses: 2 }, '0'), undefined); // CPU processes: ptlab launch hides the GPUs
    assert.equal(command({ launcher: 'slurm', gpus: 4 }, '0,1'), undefined); // Slurm allocates the GPUs
    assert.equal(command({ launcher: 'accelerate', gpus: 2 }, '4,5', 'eval'), '4,5'); // an evaluation of a checkpoint shares its episodes over the launcher's processes
    // launcher.gpus left out: one process (as ptlab launch counts it), so one GPU to select
    assert.equal(command({ launcher: 'accelerate' }, '2'), '2');
    assert.throws(() => command({ launcher: 'accelerate' }, '2,3'), /launcher.gpus is 1 \(one process per GPU\) but 2 GPUs are selected/);
    // data and export run as one process under accelerate too (launch.py SINGLE_PROCESS_JOBS): any selection, unless launcher.gpus lists others
    assert.equal(command({ launcher: 'accelerate', gpus: 4 }, '0', 'export'), '0');
    assert.equal(command({ launcher: 'accelerate', gpus: 4 }, '0,1', 'data'), '0,1');
    assert.throws(() => command({ launcher: 'accelerate', gpus: [0, 1] }, '2', 'export'), /launcher.gpus is \[0,1\] but GPUs "2" are selected/);
    // what configFacts reads of the launcher is what decides
    assert.throws(() => command(configFacts({ name: 'a', launcher: { kind: 'accelerate', gpus: [0, 1] } }), '2,3'), /launcher.gpus is \[0,1\]/);
    assert.equal(command(configFacts({ name: 'a', launcher: { kind: 'accelerate', cpuProcesses: 2 } }), '0'), undefined);
  });

  it('resumes a run from its run.json, an evaluation of the checkpoint it evaluated (its init), not of the config\'s model', () => {
    const init = '/w/runs/x/sft-init/checkpoints/final';
    const evaluation = resumeDefinition('/w/runs/x/eval-sft-init-final', { configPath: '/w/x.ptlab.json', job: 'eval', init });
    assert.deepEqual(evaluation, { type: 'ptlab', job: 'eval', config: '/w/x.ptlab.json', runDir: '/w/runs/x/eval-sft-init-final', resume: true, checkpoint: init });
    assert.deepEqual(jobCommand(evaluation!, '/w/x.ptlab.json', '/w/runs/x/eval-sft-init-final', { launcher: 'slurm' }).args, ['-m', 'ptlab', 'launch', '--job', 'eval', '--config', '/w/x.ptlab.json', '--run-dir', '/w/runs/x/eval-sft-init-final', '--resume', '--checkpoint', init]);
    assert.equal(resumeDefinition('/w/e', { configPath: '/w/x.ptlab.json', job: 'eval' })?.checkpoint, undefined); // the config's model
    assert.equal(resumeDefinition('/w/p', { configPath: '/w/x.ptlab.json', job: 'ppo', init })?.checkpoint, undefined); // training continues from its own checkpoints
    assert.equal(resumeDefinition('/w/p', { job: 'ppo' }), undefined);
  });

  it('refuses an export task with resume (ptlab export has no --resume), in the words ptlab launch uses', () => {
    const message = "export takes no --resume: it exports the run's last checkpoint (or --checkpoint) anew each time; leave resume out";
    assert.throws(() => jobCommand({ type: 'ptlab', job: 'export', config: 'c', resume: true }, '/w/c.ptlab.json', '/w/r', { launcher: 'local' }), { message });
    assert.throws(() => jobCommand({ type: 'ptlab', job: 'export', config: 'c', resume: true }, '/w/c.ptlab.json', '/w/r', { launcher: 'slurm' }), { message });
    assert.deepEqual(jobCommand({ type: 'ptlab', job: 'export', config: 'c' }, '/w/c.ptlab.json', '/w/r', { launcher: 'slurm' }).args, ['-m', 'ptlab', 'launch', '--job', 'export', '--config', '/w/c.ptlab.json', '--run-dir', '/w/r']);
  });

  it('reads what a job needs from a config, and refuses what is not one', () => {
    assert.deepEqual(configFacts({ name: 'a', outputDir: 'out', launcher: { kind: 'slurm' }, sft: { init: 'x' } }), { name: 'a', outputDir: 'out', launcher: 'slurm', sftInit: 'x' });
    assert.throws(() => experimentConfig('{"nom": "a"}', 'a.ptlab.json'), /a\.ptlab\.json is not a valid experiment config/);
    assert.throws(() => experimentConfig('null', 'a.ptlab.json'), /a\.ptlab\.json is not a valid experiment config/);
  });

  it('offers no Resume for a run folder whose job still runs, but cancelling it first', () => {
    // A resume there made two jobs write one folder (interleaved metrics, a lost segment).
    for (const state of ['cancelled', 'failed', 'stale', 'finished'] as const) assert.deepEqual(existingRunQuestion('/r/sft', state, undefined), { message: 'A run already lives in /r/sft.', choices: ['resume', 'new'] });
    const live = existingRunQuestion('/r/sft', 'running', { hostname: 'gpu-node-7', platform: 'Linux', python: '3.11', cpuCount: 8, pid: 4321, slurmJobId: '99' });
    assert.deepEqual(live.choices, ['new', 'cancel']);
    assert.equal(live.message, 'A run still running lives in /r/sft (pid 4321 on gpu-node-7, Slurm job 99): a second job would write the same folder. Start a new run beside it, or cancel it first and then resume it.');
  });

  it('finds a fresh name and parses nvidia-smi', () => {
    const taken = new Set(['sft-init', 'sft-init-2']);
    assert.equal(freshName('sft-init', (n) => taken.has(n)), 'sft-init-3');
    assert.equal(freshName('ppo', (n) => taken.has(n)), 'ppo');
    assert.deepEqual(parseGpuList('0, NVIDIA H100 80GB HBM3, 81559 MiB\n1, NVIDIA H100 80GB HBM3, 81559 MiB\n'), [
      { index: 0, name: 'NVIDIA H100 80GB HBM3', memory: '81559 MiB' },
      { index: 1, name: 'NVIDIA H100 80GB HBM3', memory: '81559 MiB' },
    ]);
    assert.deepEqual(parseGpuList('NVIDIA-SMI has failed\n'), []);
    assert.deepEqual(parseGpuList('0\n'), [], 'an index without a name is no GPU line');
  });

  it("passes scancel a run.json's Slurm job id only, after its options", () => {
    assert.deepEqual(scancelArgs('4242'), ['--signal=TERM', '--', '4242']);
    assert.deepEqual(scancelArgs('4242_7'), ['--signal=TERM', '--', '4242_7']);
    assert.deepEqual(scancelArgs('4242.0'), ['--signal=TERM', '--', '4242.0']);
    for (const planted of ['--me', '--user=alice', '-u alice', '4242 --me', '', '42;rm']) assert.equal(scancelArgs(planted), undefined, planted);
  });
});

describe('jobs: cancelling a run this window did not start', () => {
  const command: [string, ...string[]] = ['/venv/bin/python', '-m', 'ptlab', 'sft', '--config', 'c.ptlab.json', '--run-dir', 'runs/x/sft'];
  const running = { status: 'running' as const, command, host: { hostname: 'here', platform: 'linux', pid: 4321 } };
  const plan = (process: HostProcess, manifest: Parameters<typeof foreignCancel>[1] = running) => foreignCancel('/w/runs/x/sft', manifest, 'here', () => process);

  it('knows the trainer by run.json\'s command: python -m ptlab, accelerate\'s worker (-u), the ptlab script', () => {
    assert.ok(isRunTrainer(command, command));
    assert.ok(isRunTrainer(['/usr/bin/python3', '-u', '-m', 'ptlab', 'sft', '--config', 'c.ptlab.json', '--run-dir', 'runs/x/sft'], command));
    assert.ok(isRunTrainer(['/venv/bin/python', '/venv/bin/ptlab', 'sft', '--config', 'c.ptlab.json', '--run-dir', 'runs/x/sft'], command));
    assert.ok(!isRunTrainer(['sleep', '600'], command));
    assert.ok(!isRunTrainer(['/venv/bin/python', '-m', 'ptlab', 'sft', '--config', 'c.ptlab.json', '--run-dir', 'runs/y/sft'], command), 'another run\'s trainer');
    assert.ok(!isRunTrainer(['/venv/bin/python', '-m', 'other', 'sft', '--config', 'c.ptlab.json', '--run-dir', 'runs/x/sft'], command));
    assert.ok(!isRunTrainer([], command), 'a zombie or a kernel thread');
    assert.ok(!isRunTrainer(command, ['python', 'train.py']), 'a command that names no ptlab trainer cannot be matched');
    assert.ok(isRunTrainer(['/venv/bin/python', '-mptlab', 'sft', '--config', 'c.ptlab.json', '--run-dir', 'runs/x/sft'], command));
    assert.ok(!isRunTrainer(['/usr/bin/ptlab'], ['python', '-m', 'ptlab']), 'no job after -m ptlab: nothing to match a process by');
    assert.equal(plan({ argv: command }, { ...running, command: ['python', '-m', 'ptlab'] }).action, 'refuse');
  });

  it('signals the pid only while it is still this run\'s trainer on this machine', () => {
    assert.deepEqual(plan({ argv: command }), { action: 'signal', pid: 4321 });
  });

  it('signals nothing when the pid ended or is now another program (a crash, a reboot), and offers Resume', () => {
    const gone = plan({ gone: true });
    assert.equal(gone.action, 'ended');
    assert.match((gone as { message: string }).message, /^\/w\/runs\/x\/sft: its trainer \(pid 4321\) ended without writing its status/);
    const reused = plan({ argv: ['sleep', '600'] });
    assert.equal(reused.action, 'ended');
    assert.match((reused as { message: string }).message, /pid 4321 is now another program \(sleep\), not this run's trainer/);
  });

  it('signals nothing it cannot look at: another host, another user\'s process, no run.json command', () => {
    assert.deepEqual(plan({ argv: command }, { ...running, host: { hostname: 'gpu-7', platform: 'linux', pid: 4321 } }), { action: 'refuse', message: '/w/runs/x/sft runs on gpu-7 (pid 4321); cancel it there (or scancel its Slurm job).' });
    assert.equal(plan({ unknown: 'another user\'s process' }).action, 'refuse');
    assert.equal(plan({ argv: command }, { ...running, command: ['python', 'train.py'] }).action, 'refuse');
    assert.deepEqual(plan({ argv: command }, { ...running, status: 'finished' }), { action: 'none', message: '/w/runs/x/sft is not running.' });
    assert.deepEqual(plan({ argv: command }, { ...running, host: { hostname: 'gpu-7', platform: 'linux', pid: 4321, slurmJobId: '99' } }), { action: 'scancel', jobId: '99', args: ['--signal=TERM', '--', '99'] });
    assert.equal(plan({ argv: command }, { ...running, host: { hostname: 'gpu-7', platform: 'linux', slurmJobId: '--me' } }).action, 'refuse');
  });

  it('reads what a pid is now on this machine: its argv, or gone', async function () {
    if (process.platform === 'win32') this.skip();
    const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      assert.deepEqual(hostProcess(sleeper.pid!), { argv: ['sleep', '600'] });
    } finally {
      sleeper.kill();
    }
    const exited = spawnSync(process.execPath, ['-e', '']).pid!;
    assert.deepEqual(hostProcess(exited), { gone: true });
  });
});

describe('jobs: starting a task that can be cancelled', () => {
  const task = () => {
    const handle = { terminated: 0, terminate: () => void handle.terminated++ };
    return handle;
  };

  it('terminates a task whose start was still under way when the user cancelled', async () => {
    const controller = new AbortController();
    const handle = task();
    let started!: (h: typeof handle) => void;
    const starting = startCancellable(controller.signal, () => new Promise<typeof handle>((done) => (started = done)));
    controller.abort();
    started(handle);
    assert.equal(await starting, handle);
    assert.equal(handle.terminated, 1);
  });

  it('starts nothing once cancelled, and terminates a started task on a later cancel, once', async () => {
    const cancelled = new AbortController();
    cancelled.abort();
    let calls = 0;
    assert.equal(await startCancellable(cancelled.signal, async () => (calls++, task())), undefined);
    assert.equal(calls, 0);
    const controller = new AbortController();
    const handle = (await startCancellable(controller.signal, async () => task()))!;
    assert.equal(handle.terminated, 0);
    controller.abort();
    controller.abort();
    assert.equal(handle.terminated, 1);
  });

  it("the status bar's tooltip shows a job's run folder and experiment as text: a backtick or an image in outputDir stays text", () => {
    const tooltip = jobsTooltip([{ job: 'sft', experiment: 'tiny', progress: 'step 3/10', runDir: '/w/runs/`x` ![](https://x/y.png)' }]);
    assert.equal(tooltip, '**sft** tiny: step 3\\/10  \n\\/w\\/runs\\/\\`x\\` \\!\\[\\]\\(https\\:\\/\\/x\\/y\\.png\\)\n\nClick to cancel a job.');
  });
});
