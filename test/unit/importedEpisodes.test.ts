// Other trainers' rollout dumps in the transcript viewer, read from files the real tools wrote:
// TRL's GRPOTrainer completions (test/fixtures/scripts/make_trl_run.py runs it) and verl's
// generation dumps (make_verl_dumps.py follows verl's writer; verl itself needs Ray and GPUs).
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EpisodeRecord } from '../../src/core/contracts/generated/types';
import { contractErrors } from '../../src/core/contracts/contracts';
import { chatText, isValidationFolder, trlCompletionRecord, verlGenerationRecord } from '../../src/core/imports/episodes';
import { EpisodeFile } from '../../src/core/transcripts/episodeFile';

const repo = resolve(__dirname, '..', '..', '..');
const imported = join(repo, 'test', 'fixtures', 'workspace', 'imported');
const TRL = join(imported, 'trl', 'grpo-gp-l');
const VERL = join(imported, 'verl', 'gp-l');

async function opened(path: string): Promise<EpisodeFile> {
  const file = new EpisodeFile(path);
  await file.build(() => undefined);
  return file;
}

describe('transcripts: TRL GRPOTrainer completions', () => {
  let file: EpisodeFile;
  before(async () => (file = await opened(TRL)));
  after(() => file.close());

  it('recognises the output_dir and reads every row of every completions file in step order', async () => {
    assert.equal(file.kind, 'trl-completions');
    const all = await file.query({}, 0, 100);
    assert.equal(all.total, 24); // 6 logging steps x 4 completions (pandas reads the same)
    assert.deepEqual(
      all.rows.map((r) => r.step),
      [1, 2, 3, 4, 5, 6].flatMap((s) => [s, s, s, s]),
    );
    assert.ok(all.rows.every((r) => r.task === 'TRL' && r.split === 'train' && r.success === undefined && r.seed === -1));
    assert.deepEqual(
      all.rows.slice(0, 4).map((r) => [r.file, r.line, r.episode, r.totalReward]),
      [0, 1, 2, 3].map((i) => ['completions/completions_00001.parquet', i + 1, i, i === 0 ? -1 : -4]),
    );
    assert.equal(file.progress().skipped, 0);
  });

  it('keeps prompt, completion and reward, and every other column in source.fields', async () => {
    const { record, file: name } = await file.readRow(19); // completions_00005.parquet, row 3
    const r = record as EpisodeRecord;
    assert.equal(name, 'completions/completions_00005.parquet');
    assert.deepEqual(contractErrors('episode-record.schema.json', r), []);
    assert.equal(r.turns.length, 1);
    assert.match(r.turns[0]!.prompt!, /^\n\[Task Description\]\nYou are an expert 24 points card game player/);
    assert.match(r.turns[0]!.output, /"formula"/);
    assert.equal(r.totalReward, -1);
    assert.equal(r.source?.format, 'trl-completions');
    assert.equal(r.source?.row, 3);
    assert.equal(r.source?.fields?.verifier, -1);
    assert.ok(Math.abs((r.source?.fields?.advantage as number) - 1.4999) < 1e-3);
    assert.equal(r.success, undefined);
    assert.equal(r.seed, undefined);
  });

  it('searches the prompts and completions, and reports no failure modes it does not have', async () => {
    const hand = await file.query({ text: "cards: ['9', 'J', '6', '8']" }, 0, 100); // step 2's prompt, its 4 generations
    assert.ok(hand.total >= 4 && hand.total < 24 && hand.rows.filter((r) => r.step === 2).length === 4, `${hand.total} rows`);
    const summary = file.failureSummary();
    assert.ok(summary.every((g) => g.failures === 0 && g.unknown === g.episodes));
    assert.equal((await file.query({ success: false }, 0, 10)).total, 0);
  });

  it('renders a chat as text: one message as its content, several under their roles', () => {
    assert.equal(chatText([{ role: 'user', content: 'hi' }], 'user'), 'hi');
    assert.equal(chatText('plain', 'user'), 'plain');
    assert.equal(chatText([{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'what?' }] }], 'user'), '[system]\nbe brief\n\n[user]\n[image]what?');
    assert.equal(chatText([{ content: 'no role' }], 'assistant'), 'no role');
    assert.equal(chatText([{ role: 'assistant', content: { kind: 'tool call' } }], 'assistant'), '{"kind":"tool call"}');
  });

  it("takes a row's step from its step column, and sums only the reward functions that scored it", () => {
    const context = { runId: 'r', file: 'completions/completions_00005.parquet', fileStep: 5 };
    const row = { step: 7n, prompt: 'p', completion: 'c', advantage: 0.5, accuracy: Number.NaN, format: 1, num_tokens: 12 };
    const r = trlCompletionRecord(row, 2, context, ['accuracy', 'format']);
    assert.deepEqual([r.step, r.totalReward, r.turns[0]!.reward], [7, 1, 1]);
    assert.deepEqual(r.source?.fields, { accuracy: null, format: 1, num_tokens: 12, advantage: 0.5 }); // a function that returned None: null, as JSON can hold it
    const unscored = trlCompletionRecord({ ...row, step: undefined, format: Number.NaN }, 2, context, ['accuracy', 'format']);
    assert.deepEqual([unscored.step, unscored.totalReward, unscored.turns[0]!.reward], [5, undefined, undefined]); // no step column: the file's
  });
});

describe("transcripts: TRL completions with reward functions' extra columns", () => {
  // A real GRPOTrainer run with two reward functions, one logging numeric extra columns (test/fixtures/scripts/make_trl_log_extra_run.py).
  const LOG_EXTRA = join(repo, 'test', 'fixtures', 'trl', 'grpo-log-extra');

  async function records(path: string): Promise<{ file: EpisodeFile; rows: EpisodeRecord[] }> {
    const file = await opened(path);
    const rows = await Promise.all((await file.query({}, 0, 100)).rows.map(async (r) => (await file.readRow(r.row)).record as EpisodeRecord));
    return { file, rows };
  }

  it("sums only the reward functions trainer_state.json names, not log_extra's numbers", async () => {
    const { file, rows } = await records(LOG_EXTRA);
    // accuracy (0) + brevity per row, as float32 (TRL's reward tensor); golden_answer (72, 10) and num_tokens are not rewards
    const rewards = [-0.24, -0.3, -0.28, -0.29].map(Math.fround);
    assert.deepEqual(rows.map((r) => r.totalReward), rewards);
    assert.deepEqual(rows.map((r) => r.turns[0]!.reward), rewards);
    assert.deepEqual(rows.map((r) => [r.source?.fields?.golden_answer, r.source?.fields?.accuracy]), [[72, 0], [72, 0], [10, 0], [10, 0]]);
    assert.deepEqual(file.progress().notes, []);
    await file.close();
  });

  it('shows no reward, and says why, where no trainer_state.json names the reward functions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-trl-'));
    try {
      mkdirSync(join(dir, 'completions'));
      copyFileSync(join(LOG_EXTRA, 'completions', 'completions_00001.parquet'), join(dir, 'completions', 'completions_00001.parquet'));
      const { file, rows } = await records(dir);
      assert.equal(rows.length, 4);
      assert.ok(rows.every((r) => r.totalReward === undefined && r.turns[0]!.reward === undefined && contractErrors('episode-record.schema.json', r).length === 0));
      assert.deepEqual(file.progress().notes, [
        "No rewards shown: no trainer_state.json in the output_dir or its checkpoint-N folders names the reward functions (rewards/<name>/mean), so which columns are rewards is unknown (the extra columns reward functions log are numbers too); every column is in the episode's fields",
      ]);
      const listed = await file.query({ sort: { key: 'reward', descending: true } }, 0, 10);
      assert.ok(listed.rows.every((r) => r.totalReward === undefined));
      assert.equal((await file.query({ rewardMin: -100 }, 0, 10)).total, 0); // an unknown reward is in no range
      await file.close();

      writeFileSync(join(dir, 'trainer_state.json'), JSON.stringify({ global_step: 1, log_history: [{ step: 1, 'rewards/accuracy/mean': 0, 'rewards/format/mean': 1 }] }));
      const { file: again, rows: unread } = await records(dir);
      assert.ok(unread.every((r) => r.totalReward === undefined));
      assert.deepEqual(again.progress().notes, ['No rewards shown for completions/completions_00001.parquet: trainer_state.json names reward function(s) accuracy, format but the file has no column format']);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses our own episode record without its rewards (only another trainer's may lack them)", () => {
    const own = { runId: 'r', step: 0, split: 'id', episode: 0, seed: 1, environment: { env: 'generalpoints' }, success: false, turns: [{ index: 0, prompt: 'p', output: 'o', message: '', done: true }] };
    assert.deepEqual(contractErrors('episode-record.schema.json', own).map((e) => e.message), ['missing required property "reward"', 'missing required property "totalReward"']);
  });
});

describe("transcripts: verl's generation dumps", () => {
  let rollouts: EpisodeFile;
  let validation: EpisodeFile;
  before(async () => {
    rollouts = await opened(join(VERL, 'rollouts'));
    validation = await opened(join(VERL, 'validation'));
  });
  after(async () => {
    await rollouts.close();
    await validation.close();
  });

  it('reads every <step>.jsonl of a rollout dump folder as training episodes, and a validation folder as a split', async () => {
    assert.equal(rollouts.kind, 'verl-generations');
    const all = await rollouts.query({}, 0, 100);
    const lines = (step: number) => readFileSync(join(VERL, 'rollouts', `${step}.jsonl`), 'utf8').trimEnd().split('\n');
    assert.equal(all.total, lines(1).length + lines(2).length + lines(3).length);
    assert.ok(all.rows.every((r) => r.split === 'train' && r.splitKind === 'train' && r.task === 'verl'));
    // rows read back across file boundaries are the files' own lines
    for (const row of all.rows) {
      const { raw, file, line } = await rollouts.readRow(row.row);
      assert.equal(raw, lines(Number(file!.replace('.jsonl', '')))[line - 1]);
    }
    const val = await validation.query({}, 0, 100);
    assert.deepEqual([...new Set(val.rows.map((r) => r.step))], [0, 3]);
    assert.ok(val.rows.every((r) => r.split === 'validation' && r.splitKind === undefined));
  });

  it('keeps input, output, score and step, and gts and the reward extras in source.fields', async () => {
    const first = JSON.parse(readFileSync(join(VERL, 'rollouts', '1.jsonl'), 'utf8').split('\n')[0]!);
    const r = (await rollouts.readRow(0)).record as EpisodeRecord;
    assert.deepEqual(contractErrors('episode-record.schema.json', r), []);
    assert.equal(r.turns[0]!.prompt, first.input);
    assert.equal(r.turns[0]!.output, first.output);
    assert.equal(r.totalReward, first.score);
    assert.equal(r.step, 1);
    assert.deepEqual(r.source?.fields, { gts: first.gts, message: first.message, failure_mode: first.failure_mode });
  });

  it('finds the hostile line as text', async () => {
    const found = await rollouts.query({ text: '<script>' }, 0, 10);
    assert.equal(found.total, 1);
    assert.match(found.rows[0]!.snippet, /<script>alert\(2\)<\/script>/);
  });

  it('skips torn and foreign lines, naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-verl-'));
    try {
      mkdirSync(join(dir, 'rollout'));
      copyFileSync(join(VERL, 'rollouts', '1.jsonl'), join(dir, 'rollout', '1.jsonl'));
      writeFileSync(join(dir, 'rollout', '10.jsonl'), '{"input": "a", "output": "b", "score": 1, "step": 10}\n{"prompt": "not verl"}\n{"input": "torn');
      const file = await opened(join(dir, 'rollout'));
      const p = file.progress();
      assert.equal(p.episodes, 5);
      assert.deepEqual(p.skippedExamples, ['10.jsonl line 2: not a verl generation (needs "input" and "output" strings)', '10.jsonl line 3: not JSON (a torn or garbage line)']);
      assert.deepEqual((await file.query({ sort: { key: 'step', descending: true } }, 0, 1)).rows.map((r) => [r.step, r.file, r.totalReward]), [[10, '10.jsonl', 1]]);
      await file.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a sample whose score Python wrote as NaN (json.dumps' bare word) with no reward, not as a torn line", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-verl-'));
    try {
      writeFileSync(join(dir, '11.jsonl'), '{"input": "a", "output": "b", "score": NaN, "step": 11}\n{"input": "c", "output": "d", "score": 0.5, "step": 11}\n');
      const file = await opened(dir);
      assert.deepEqual(file.progress().skippedExamples, []);
      const r = (await file.readRow(0)).record as EpisodeRecord;
      assert.deepEqual([r.totalReward, r.turns[0]!.reward, r.source?.fields], [undefined, undefined, { score: null }]);
      assert.deepEqual(contractErrors('episode-record.schema.json', r), []);
      assert.deepEqual((await file.query({}, 0, 10)).rows.map((row) => row.totalReward), [undefined, 0.5]);
      // reward unknown (docs/ecosystem.md): in no reward range, not a reward of 0
      assert.deepEqual((await file.query({ rewardMin: -1, rewardMax: 1 }, 0, 10)).rows.map((row) => row.totalReward), [0.5]);
      await file.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("transcripts: verl's generation lines", () => {
  it("takes a line's step from its step field, else the file's; a validation folder by its name", () => {
    const context = { runId: 'r', file: '12.jsonl', fileStep: 12 };
    const at = (line: string) => (verlGenerationRecord(line, 1, context, false) as EpisodeRecord).step;
    assert.deepEqual([at('{"input": "a", "output": "b", "score": 1, "step": 13}'), at('{"input": "a", "output": "b", "score": 1}'), at('{"input": "a", "output": "b", "score": 1, "step": -1}')], [13, 12, 12]);
    assert.deepEqual(['validation', 'val_generations', 'rollout_val', 'rollouts', 'generations'].map(isValidationFolder), [true, true, true, false, false]);
  });
});

describe('transcripts: what a folder holds', () => {
  it('opens our run folder as its episodes.jsonl', async () => {
    const file = await opened(join(repo, 'test', 'fixtures', 'workspace', 'runs', 'compare', 'sft-final'));
    assert.equal(file.kind, 'ptlab');
    assert.ok(file.progress().episodes > 0);
    await file.close();
  });

  it('names what it looked for in a folder without episodes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-empty-'));
    try {
      await assert.rejects(opened(dir), /holds no episodes: looked for episodes\.jsonl \(our runs\), completions\/completions_<step>\.parquet \(TRL GRPOTrainer with log_completions\) and <step>\.jsonl/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
