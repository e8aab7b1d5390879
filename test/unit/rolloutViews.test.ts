// The transcript viewer's rollout views: per-token records (tokens.jsonl) read from a real
// `ptlab ppo` run (test/fixtures/scripts/make_token_runs.py), indexed by episode as the file
// grows, decoded, and what the heatmap makes of them (src/core/transcripts/tokenHeatmap.ts);
// a GRPO group and an evaluation seed through training (src/core/transcripts/related.ts).
import { strict as assert } from 'node:assert';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EpisodeRecord } from '../../src/core/contracts/generated/types';
import { EpisodeFile } from '../../src/core/transcripts/episodeFile';
import { answerOf, episodeGroup, samePrompt, seedHistory } from '../../src/core/transcripts/related';
import { beyondClip, formatValue, intensity, measureValues, samplingGap, tokenPieces, tokenScale } from '../../src/core/transcripts/tokenHeatmap';
import { decodeTokenLine, TokenRecordFile } from '../../src/core/transcripts/tokenRecords';
import type { TurnTokens } from '../../src/core/transcripts/types';

const RUN = join(resolve(__dirname, '..', '..', '..'), 'test', 'fixtures', 'workspace', 'runs', 'tokens', 'gp-l-ppo');
const lines = (name: string) => readFileSync(join(RUN, name), 'utf8').trim().split('\n');

function turn(overrides: Partial<TurnTokens>): TurnTokens {
  const base: TurnTokens = { turn: 0, tokens: 3, ids: [1, 2, 3], textEnds: [2, 4, 4], sampling: [-0.1, -2, -0.5], training: [-0.1, -2.5, -0.5], entropy: [0.5, 1, 0], ratio: [1, 1.3, 0.95], weight: [0.5, 1, 1], advantage: 0.4, value: null, return: 1, reward: 1, clip: 0.2 };
  return { ...base, ...overrides };
}

describe('per-token records: a real PPO run', () => {
  const episodes = lines('episodes.jsonl').map((l) => JSON.parse(l) as EpisodeRecord);

  it('finds every turn of an episode under its record, with offsets that cut its outputs whole', async () => {
    const file = new TokenRecordFile(join(RUN, 'tokens.jsonl'));
    let turns = 0;
    for (const record of episodes) {
      const found = (await file.episode(record.step, record.split, record.episode))!;
      assert.deepEqual(found.problems, []);
      assert.deepEqual(
        found.turns.map((t) => t.turn),
        [...found.turns.map((t) => t.turn)].sort((a, b) => a - b),
      );
      for (const t of found.turns) {
        const pieces = tokenPieces(record.turns[t.turn]!.output, t);
        assert.ok(Array.isArray(pieces), String(pieces));
        assert.equal(pieces.join(''), record.turns[t.turn]!.output);
        assert.ok(t.tokens - (record.turns[t.turn]!.outputTokens ?? 0) <= 1);
        assert.ok(samplingGap([t]).maxAbs < 1e-4, 'fp32 CPU: the training forward scores as the sampler did');
        assert.equal(t.value, null); // the demo's group advantages: no value head
      }
      turns += found.turns.length;
    }
    assert.equal(turns, lines('tokens.jsonl').length);
    assert.equal(await file.episode(99, 'train', 0).then((e) => e!.turns.length), 0);
  });

  it('says there is nothing to read for a run without tokens.jsonl', async () => {
    assert.equal(await new TokenRecordFile(join(RUN, 'missing.jsonl')).episode(1, 'train', 0), undefined);
  });

  it('follows a growing file: a torn last line is read once completed; a rewritten file is indexed again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-tokens-'));
    const path = join(dir, 'tokens.jsonl');
    const all = lines('tokens.jsonl');
    const first = JSON.parse(all[0]!) as { step: number; split: string; episode: number };
    const same = all.filter((l) => {
      const v = JSON.parse(l) as typeof first;
      return v.step === first.step && v.episode === first.episode;
    });
    writeFileSync(path, `${same[0]}\n${same[1]!.slice(0, 40)}`);
    const file = new TokenRecordFile(path);
    assert.equal((await file.episode(first.step, first.split, first.episode))!.turns.length, 1);
    appendFileSync(path, `${same[1]!.slice(40)}\ngarbage\n`);
    const grown = (await file.episode(first.step, first.split, first.episode))!;
    assert.equal(grown.turns.length, 2);
    assert.deepEqual(grown.problems, ['line 3: not JSON (a torn or garbage line)']);
    writeFileSync(path, `${same[0]}\n`); // shrunk in place (same inode): indexed again, nothing read past its end
    const shrunk = (await file.episode(first.step, first.split, first.episode))!;
    assert.equal(shrunk.turns.length, 1);
    assert.deepEqual(shrunk.problems, []);
  });

  it("gives an episode's turns in turn order whatever the file's order, and names at most 3 lines it could not place", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-tokens-'));
    const path = join(dir, 'tokens.jsonl');
    const all = lines('tokens.jsonl');
    const first = JSON.parse(all[0]!) as { step: number; split: string; episode: number; clip: number };
    const same = all.filter((l) => {
      const v = JSON.parse(l) as typeof first;
      return v.step === first.step && v.split === first.split && v.episode === first.episode;
    });
    assert.ok(same.length >= 3);
    writeFileSync(path, `${[...same].reverse().join('\n')}\ngarbage 1\ngarbage 2\n{}\ngarbage 4\n`);
    const found = (await new TokenRecordFile(path).episode(first.step, first.split, first.episode))!;
    assert.deepEqual(found.turns.map((t) => t.turn), same.map((_, i) => i));
    assert.deepEqual(found.problems, [
      `line ${same.length + 1}: not JSON (a torn or garbage line)`,
      `line ${same.length + 2}: not JSON (a torn or garbage line)`,
      `line ${same.length + 3}: not a token record (needs step, split, episode)`,
    ]);
    assert.equal(found.turns[0]!.clip, first.clip);
  });

  it('indexes again a file a resumed run rewrote (another inode) and appended to past what was indexed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-tokens-'));
    const path = join(dir, 'tokens.jsonl');
    const all = lines('tokens.jsonl').slice(0, 4);
    writeFileSync(path, `${all[0]}\n${all[1]}\n`);
    const file = new TokenRecordFile(path);
    const keys = all.map((l) => JSON.parse(l) as { step: number; split: string; episode: number });
    await file.episode(keys[0]!.step, keys[0]!.split, keys[0]!.episode);
    writeFileSync(join(dir, 'resumed'), `${all[0]}\n${all[2]}\n${all[3]}\n${all[1]}\n`); // kept, then appended: longer than before
    renameSync(join(dir, 'resumed'), path);
    for (const k of keys) {
      const found = (await file.episode(k.step, k.split, k.episode))!;
      assert.deepEqual(found.problems, []);
      assert.deepEqual(found, await new TokenRecordFile(path).episode(k.step, k.split, k.episode));
    }
  });

  it('names what is wrong with a line: a schema violation, arrays of the wrong length', () => {
    const line = JSON.parse(lines('tokens.jsonl')[0]!) as Record<string, unknown>;
    assert.throws(() => decodeTokenLine(JSON.stringify({ ...line, sampling: [-1] })), /^Error: \/sampling: must be string \(token-record.schema.json\)$/);
    assert.throws(() => decodeTokenLine(JSON.stringify({ ...line, tokens: (line.tokens as number) + 1 })), /^Error: sampling holds \d+ values where the record has \d+ tokens$/);
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-tokens-'));
    copyFileSync(join(RUN, 'tokens.jsonl'), join(dir, 'tokens.jsonl'));
    appendFileSync(join(dir, 'tokens.jsonl'), `${JSON.stringify({ ...line, ratio: 'AAAA' })}\n`);
    return new TokenRecordFile(join(dir, 'tokens.jsonl')).episode(line.step as number, line.split as string, line.episode as number).then((found) => {
      assert.match(found!.problems.join(), /^line \d+: ratio holds 0.75 values where the record has \d+ tokens$/);
    });
  });
});

describe('per-token heatmap', () => {
  it('cuts an output into its tokens, the stop token past the text, and refuses offsets that do not fit', () => {
    assert.deepEqual(tokenPieces('abcd', turn({})), ['ab', 'cd', '']);
    assert.match(String(tokenPieces('abc', turn({}))), /do not fit the turn's output \(3 characters\)/);
    assert.match(String(tokenPieces('abcdef', turn({}))), /cover 4 of the output's 6 characters/);
    assert.match(String(tokenPieces('abcd', turn({ textEnds: [2, 4] }))), /2 text offsets for 3 tokens/);
    assert.match(String(tokenPieces('abcd', turn({ textEnds: [3, 1, 4] }))), /do not fit the turn's output/, 'offsets that go back');
  });

  it('gives each measure its values and one scale over the episode', () => {
    const a = turn({});
    const b = turn({ turn: 1, sampling: [-4, -0.2, -0.1], training: [-4, -0.2, -0.1], advantage: -1.2, value: 0.7 });
    assert.deepEqual(measureValues(a, 'diff'), [0, -0.5, 0]);
    assert.deepEqual(measureValues(b, 'advantage'), [-1.2, -1.2, -1.2]);
    assert.ok(measureValues(a, 'value').every(Number.isNaN));
    const logprob = tokenScale([a, b], 'sampling');
    assert.deepEqual([logprob.low, logprob.high], [-4, 0]);
    assert.equal(intensity(logprob, -4), 1);
    assert.equal(intensity(logprob, -2), 0.5);
    assert.equal(intensity(logprob, 0), 0);
    const advantage = tokenScale([a, b], 'advantage');
    assert.deepEqual([advantage.low, advantage.high], [-1.2, 1.2]);
    assert.equal(intensity(advantage, -1.2), -1);
    assert.equal(intensity(tokenScale([a, b], 'value'), Number.NaN), 0);
    const ratio = tokenScale([a], 'ratio');
    assert.ok(Math.abs(ratio.high - 1.3) < 1e-9 && Math.abs(ratio.low - 1 / 1.3) < 1e-9 && ratio.clip === 0.2);
    assert.ok(intensity(ratio, 1.3) === 1 && intensity(ratio, 1) === 0 && intensity(ratio, 1 / 1.3) < -0.999);
    assert.ok(beyondClip(1.3, 0.2) && !beyondClip(0.95, 0.2) && beyondClip(0.7, 0.2) && !beyondClip(5, undefined));
    const flat = tokenScale([turn({ training: [-0.1, -2, -0.5] })], 'diff');
    assert.equal(intensity(flat, 0), 0);
    // a turn whose ratios all sit inside the clip range: the scale spans the clip range, not less
    const inside = tokenScale([turn({ ratio: [1, 1.1, 0.95] })], 'ratio');
    assert.ok(Math.abs(inside.high - 1.2) < 1e-12 && Math.abs(inside.low - 1 / 1.2) < 1e-12);
    assert.ok(!beyondClip(1.2, 0.2) && !beyondClip(0.8, 0.2), 'at the clip bound is not beyond it');
    // a measure with no values (no value head) or a non-finite token leaves the scale finite
    assert.deepEqual(tokenScale([a], 'value'), { measure: 'value', kind: 'diverging', low: 0, high: 0 });
    assert.deepEqual([tokenScale([a, b], 'value').low, tokenScale([a, b], 'value').high], [-0.7, 0.7]);
    const torn = tokenScale([turn({ sampling: [-0.1, Number.NaN, -3] })], 'sampling');
    assert.deepEqual([torn.low, torn.high], [-3, 0]);
  });

  it('summarizes the sampling vs training gap with where it is largest', () => {
    const gap = samplingGap([turn({}), turn({ turn: 1, training: [-0.1, -2, -0.49] })]);
    assert.equal(gap.tokens, 6);
    assert.equal(gap.maxAbs, 0.5);
    assert.deepEqual(gap.at, { turn: 0, token: 1 });
    assert.ok(Math.abs(gap.meanAbs - 0.51 / 6) < 1e-12);
    assert.deepEqual(samplingGap([]), { tokens: 0, meanAbs: 0, maxAbs: 0 });
    // a non-finite log-prob is no gap to count; of equal gaps, the first is where it is largest
    const tied = samplingGap([turn({ training: [Number.NaN, -2.5, -0.5] }), turn({ turn: 1 })]);
    assert.deepEqual([tied.tokens, tied.maxAbs, tied.at], [5, 0.5, { turn: 0, token: 1 }]);
    assert.ok(Math.abs(tied.meanAbs - 0.2) < 1e-12);
    assert.deepEqual([formatValue(100), formatValue(99.9999)], ['100.0', '100.000']);
    assert.deepEqual([formatValue(1.3e-7), formatValue(-0.25), formatValue(0), formatValue(Number.NaN), formatValue(123.456)], ['1.3e-7', '-0.250', '0.000', '—', '123.5']);
  });
});

describe('related episodes', () => {
  const record = (overrides: Partial<EpisodeRecord>, outputs: string[], extra: Partial<EpisodeRecord['turns'][number]>[] = []): EpisodeRecord =>
    ({ runId: 'r', step: 1, split: 'train', episode: 0, seed: 7, turns: outputs.map((output, i) => ({ index: i, ...(i ? { promptDelta: 'again' } : { prompt: 'p' }), output, reward: -1, message: 'm', done: i === outputs.length - 1, ...extra[i] })), success: false, totalReward: -outputs.length, ...overrides }) as EpisodeRecord;

  it("groups a GRPO group's members with their returns, mean, sample std and advantages", () => {
    const rows = [
      { row: 5, record: record({ episode: 1, success: true, totalReward: 1 }, ['a'], [{ return: 1, advantage: 1.5 }]) },
      { row: 2, record: record({ episode: 0 }, ['a', 'b'], [{ return: -2, advantage: -0.5 }, { return: -1, advantage: 0.2 }]) },
      { row: 9, record: record({ episode: 2, totalReward: -2 }, ['a', 'b']) },
    ];
    const group = episodeGroup(rows)!;
    assert.deepEqual(
      group.members.map((m) => [m.row, m.episode, m.return, m.advantages]),
      [
        [2, 0, -2, [-0.5, 0.2]],
        [5, 1, 1, [1.5]],
        [9, 2, -2, [undefined, undefined]],
      ],
    );
    assert.equal(group.mean, -1);
    assert.ok(Math.abs(group.std - Math.sqrt(3)) < 1e-12);
    assert.deepEqual([group.step, group.seed], [1, 7]);
    assert.equal(episodeGroup(rows.slice(0, 1)), undefined);
    // the return the update computed (the first attempt's) before the episode's total reward
    const discounted = episodeGroup([rows[0]!, { row: 7, record: record({ episode: 3, totalReward: -2 }, ['a', 'b'], [{ return: -1.5 }]) }])!;
    assert.deepEqual(discounted.members.map((m) => m.return), [1, -1.5]);
  });

  it("groups another trainer's completions by the same step and the same prompt", () => {
    const trl = (row: number, step: number, prompt: string) => ({ row, record: { ...record({ step, episode: row }, ['a']), turns: [{ index: 0, prompt, output: 'a', reward: 0, message: '', done: true }] } as EpisodeRecord });
    const rows = [trl(0, 5, 'p'), trl(1, 5, 'q'), trl(2, 6, 'p'), trl(3, 5, 'p')];
    assert.deepEqual(samePrompt(rows[0]!.record, rows).map((r) => r.row), [0, 3]);
    const promptless = { ...rows[0]!.record, turns: [{ index: 0, promptDelta: 'p', output: 'a', reward: 0, message: '', done: true }] } as EpisodeRecord;
    assert.deepEqual(samePrompt(promptless, [...rows, { row: 4, record: promptless }]), [], 'no prompt: no group');
  });

  it("follows an evaluation seed through training: each step's answer, where it first changed", () => {
    const answer = (formula: string) => `{\n  "cards": ['2', '3'],\n  "formula": "${formula}",\n}`;
    const rows = [
      { row: 3, record: record({ step: 2, split: 'id', checkpoint: 'update-2' }, [answer('2*3')]) },
      { row: 1, record: record({ step: 0, split: 'id' }, [answer('2+3')]) },
      { row: 2, record: record({ step: 1, split: 'id', success: true }, [answer('2+3')]) },
      { row: 4, record: record({ step: 3, split: 'id' }, [answer('2*3')]) },
    ];
    const history = seedHistory(rows)!;
    assert.deepEqual(
      history.points.map((p) => [p.step, p.answer, p.changed]),
      [
        [0, '"2+3"', false],
        [1, '"2+3"', false],
        [2, '"2*3"', true],
        [3, '"2*3"', false],
      ],
    );
    assert.equal(history.firstChange, 2);
    assert.equal(history.points[2]!.checkpoint, 'update-2');
    assert.equal(seedHistory(rows.slice(1, 3))!.firstChange, undefined);
    assert.equal(answerOf('no fields here '), 'no fields here');
    assert.equal(answerOf('{\n  "current instruction": "Turn left",\n  "action": "turn_direction(left)",\n}'), '"turn_direction(left)"');
    // an output without an answer field has no separate answer; a step's episodes keep their row order
    const plain = seedHistory([{ row: 8, record: record({ step: 1, split: 'id' }, ['x']) }, { row: 6, record: record({ step: 1, split: 'id' }, ['y ']) }])!;
    assert.deepEqual(plain.points.map((p) => [p.row, p.firstOutput, 'answer' in p, p.changed]), [[6, 'y ', false, false], [8, 'x', false, true]]);
  });
});

describe("related episodes: another trainer's GRPO group", () => {
  it("groups TRL's logged completions by step and prompt; their advantages are the returns over the group's mean and std", async () => {
    const file = new EpisodeFile(join(resolve(__dirname, '..', '..', '..'), 'test', 'fixtures', 'workspace', 'imported', 'trl', 'grpo-gp-l'));
    await file.build(() => undefined);
    try {
      const rows = await file.records({});
      let groups = 0;
      for (const { record } of rows.filter((r) => r.record.step === 5)) {
        const group = episodeGroup(samePrompt(record, await file.records({ stepMin: 5, stepMax: 5 })))!;
        assert.ok(group.members.length >= 2 && group.seed === undefined);
        for (const m of group.members) {
          const expected = group.std > 0 ? (m.return! - group.mean) / group.std : 0;
          assert.ok(Math.abs(m.advantages[0]! - expected) < 1e-3, `advantage ${m.advantages[0]} vs (return - mean) / std ${expected}`);
        }
        groups++;
      }
      assert.ok(groups > 0);
    } finally {
      file.close();
    }
  });
});
