import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePythonJson } from '../../src/core/imports/pythonJson';
import { readTrainerState } from '../../src/core/imports/trainerState';
import { trainerFolder } from '../../src/core/runs/runFolder';
import { runInfo } from '../../src/core/runs/runInfo';
import { runEntry } from '../../src/core/runs/runTree';
import { MetricsFiles, type MetricsUpdate } from '../../src/workers/metrics';

// A real TRL GRPOTrainer output_dir (test/fixtures/scripts/make_trl_run.py; weights deleted).
const repo = join(__dirname, '..', '..', '..');
const run = join(repo, 'test', 'fixtures', 'workspace', 'imported', 'trl', 'grpo-gp-l');
const stateText = (checkpoint: number) => readFileSync(join(run, `checkpoint-${checkpoint}`, 'trainer_state.json'), 'utf8');
const logHistory = (checkpoint: number) => (JSON.parse(stateText(checkpoint)) as { log_history: Record<string, number>[] }).log_history;

describe('Hugging Face Trainer runs (TRL)', () => {
  it('reads every numeric entry of log_history under its own name, at its step', () => {
    const state = readTrainerState(stateText(6));
    assert.equal(state.globalStep, 6);
    assert.equal(state.maxSteps, 6);
    const history = logHistory(6);
    assert.deepEqual(
      state.points.filter((p) => p.tag === 'reward').map((p) => [p.step, p.value]),
      history.map((e) => [e.step, e.reward]),
    );
    const keys = new Set(history.flatMap((e) => Object.keys(e).filter((k) => k !== 'step' && typeof e[k] === 'number')));
    assert.deepEqual(new Set(state.points.map((p) => p.tag)), keys);
    for (const tag of ['loss', 'rewards/verifier/mean', 'frac_reward_zero_std', 'completions/mean_length', 'learning_rate']) assert.ok(keys.has(tag), tag);
  });

  it("a diverged run's NaN and Infinity metrics are gaps, and every finite point of the run still shows", () => {
    // What transformers' TrainerState.save_to_json wrote (json.dumps: bare NaN / Infinity / -Infinity).
    const diverged = `{
  "global_step": 3,
  "log_history": [
    {
      "grad_norm": 0.3,
      "loss": 1.5,
      "step": 1
    },
    {
      "grad_norm": Infinity,
      "loss": NaN,
      "step": 2
    },
    {
      "grad_norm": -Infinity,
      "learning_rate": 1e-05,
      "loss": 1.25,
      "step": 3
    }
  ],
  "max_steps": 10
}
`;
    const state = readTrainerState(diverged);
    assert.deepEqual(state.points.map((p) => [p.tag, p.step, p.value]), [['grad_norm', 1, 0.3], ['loss', 1, 1.5], ['learning_rate', 3, 1e-5], ['loss', 3, 1.25]]);
    const folder = trainerFolder('diverged', [{ path: join('checkpoint-3', 'trainer_state.json'), text: diverged }]);
    assert.deepEqual([folder.problems, folder.imported?.step], [[], 3]);
  });

  it("Python's JSON: only bare NaN and Infinity words become null, never text inside a string", () => {
    assert.deepEqual(parsePythonJson('{"note": "NaN, -Infinity and \\"NaN\\"", "x": [NaN, -Infinity, Infinity, 2]}'), { note: 'NaN, -Infinity and "NaN"', x: [null, null, null, 2] });
    assert.throws(() => parsePythonJson('{"loss": NaN'), SyntaxError);
    assert.throws(() => parsePythonJson('{"loss": nan}'), SyntaxError);
  });

  it('names the reward functions an evaluation logged too; without global_step or a positive max_steps, says what it can', () => {
    const state = readTrainerState(JSON.stringify({ max_steps: 0, log_history: [{ step: 2, loss: 1 }, { step: 2.5, loss: 9 }, { step: 4, 'eval_rewards/accuracy/mean': 0.5, eval_loss: 2 }] }));
    assert.deepEqual(state.rewardFunctions, ['accuracy']);
    assert.equal(state.globalStep, 4); // the last logged step
    assert.equal(state.maxSteps, undefined); // max_steps 0: not known (an epoch-based run before it started)
    assert.deepEqual(state.points.map((p) => [p.tag, p.step]), [['loss', 2], ['eval_rewards/accuracy/mean', 4], ['eval_loss', 4]]); // a fractional step is no step
  });

  it('a bad trainer_state.json says what is wrong', () => {
    assert.throws(() => readTrainerState('{"global_step": 3}'), /no "log_history" list/);
    assert.throws(() => readTrainerState('{'), SyntaxError);
  });

  it('is a run: progress from the latest state, its checkpoints from the folder names, finished at max_steps', () => {
    const states = readdirSync(run)
      .filter((n) => n.startsWith('checkpoint-'))
      .map((n) => ({ path: join(n, 'trainer_state.json'), text: n === 'checkpoint-6' ? stateText(6) : undefined }));
    const folder = trainerFolder('imported/trl/grpo-gp-l', states);
    const entry = runEntry(folder, Date.now());
    assert.deepEqual([entry.experiment, entry.runId, entry.source, entry.state, entry.step, entry.totalSteps], ['Trainer: trl', 'grpo-gp-l', 'hf-trainer', 'finished', 6, 6]);
    assert.deepEqual(entry.checkpoints.map((c) => c.step), [2, 4, 6]);
    assert.equal(runInfo(folder).groupLabel, 'imported/trl/grpo-gp-l');
    const broken = trainerFolder('x', [{ path: join('checkpoint-1', 'trainer_state.json'), text: '{"log_history": 3}' }]);
    assert.match(broken.problems[0]!, /checkpoint-1.trainer_state\.json: no "log_history" list/);
  });

  it('the metrics worker sends the latest state whole, and again when a new checkpoint is saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-trl-'));
    const updates: MetricsUpdate[] = [];
    const files = new MetricsFiles((u) => updates.push(u));
    try {
      cpSync(join(run, 'checkpoint-4'), join(dir, 'checkpoint-4'), { recursive: true });
      files.show([{ folder: 'trl', path: dir, source: 'hf-trainer' }]);
      await files.poll();
      await files.poll(); // unchanged: nothing sent (a Trainer run's status is unknown: it is polled every 2 s, each update a view)
      cpSync(join(run, 'checkpoint-6'), join(dir, 'checkpoint-6'), { recursive: true });
      await files.poll();
      const steps = (u: MetricsUpdate) => [...(u.batch.series['train:reward']?.steps ?? [])];
      assert.deepEqual(updates.map((u) => [u.reset, steps(u)]), [
        [true, [1, 2, 3, 4]],
        [true, [1, 2, 3, 4, 5, 6]],
      ]);
      assert.deepEqual([...updates[1]!.batch.axes.wallSeconds], [-1, -1, -1, -1, -1, -1]); // log_history has no times
      writeFileSync(join(dir, 'checkpoint-6', 'trainer_state.json'), '{ half written');
      await files.poll(); // a state being rewritten is skipped, not sent half
      assert.equal(updates.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
