import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EpisodeRecord } from '../../src/core/contracts/generated/types';
import { answerSegments } from '../../src/core/transcripts/answerFields';
import { ruleCollapseNote } from '../../src/core/transcripts/ruleCollapse';
import { nodeRouteFileLoader } from '../../src/core/envs/routeFiles';
import { VirlEpisode, virlConfig } from '../../src/core/envs/virl';
import { loadRoutes } from '../../src/core/envs/views';
import { insideRunFolder, recordStreetViews, turnContexts } from '../../src/core/transcripts/episodeDetail';
import { EpisodeFile } from '../../src/core/transcripts/episodeFile';
import { LineSplitter, textNeedle } from '../../src/core/transcripts/episodeIndex';
import { TranscriptClient } from '../../src/workers/transcripts';

const repo = resolve(__dirname, '..', '..', '..');
const SFT = join(repo, 'test', 'fixtures', 'workspace', 'runs', 'compare', 'sft-final', 'episodes.jsonl');
const VIRL_VL = join(repo, 'test', 'fixtures', 'workspace', 'runs', 'transcripts', 'virl-vl', 'episodes.jsonl');

describe('transcripts: line index', () => {
  it('splits lines across chunk boundaries with their byte offsets', () => {
    const text = Buffer.from('{"a":1}\nçé\n\nlast');
    for (const size of [1, 2, 3, 5, 100]) {
      const lines: [string, number][] = [];
      const splitter = new LineSplitter();
      for (let at = 0; at < text.length; at += size) splitter.push(text.subarray(at, at + size), at, (b, o) => lines.push([b.toString(), o]));
      splitter.finish((b, o) => lines.push([b.toString(), o]));
      assert.deepEqual(lines, [['{"a":1}', 0], ['çé', 8], ['', 13], ['last', 14]], `chunks of ${size}`);
    }
  });

  it('escapes an ASCII needle as JSON writes it, to test raw lines', () => {
    assert.deepEqual(textNeedle('"Cards": [\'6\''), { needle: '"cards": [\'6\'', raw: '\\"cards\\": [\'6\'' });
    assert.deepEqual(textNeedle('Ünïcode'), { needle: 'ünïcode' });
  });
});

describe('transcripts: an episodes file', () => {
  let dir: string;
  let file: EpisodeFile;
  const good = readFileSync(SFT, 'utf8').trimEnd().split('\n');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ptlab-transcripts-'));
    const lines = [...good.slice(0, 12), 'garbage {', '', '[1, 2]', '{"split": "x"}', ...good.slice(12), good[0]!.slice(0, 200)];
    writeFileSync(join(dir, 'episodes.jsonl'), lines.join('\n')); // the last line is torn: no newline, cut JSON
    file = new EpisodeFile(join(dir, 'episodes.jsonl'));
    const reports: number[] = [];
    const final = await file.build((p) => reports.push(p.episodes));
    assert.equal(final.done, true);
    assert.ok(reports.length >= 2, 'a report after the first chunk and one at the end');
  });
  after(async () => {
    await file.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes the episodes and counts the torn and garbage lines without failing; the unterminated last line waits for its newline', () => {
    const p = file.progress();
    assert.equal(p.episodes, 24);
    assert.equal(p.skipped, 3);
    assert.deepEqual(p.skippedExamples, ['line 13: not JSON (a torn or garbage line)', 'line 15: not a JSON object', 'line 16: not an episode record (needs split, step, turns, success)']);
  });

  it('reads a row back by its byte offset', async () => {
    const read = await file.readRow(12);
    assert.equal(read.raw, good[12]);
    assert.equal(read.line, 17);
    assert.equal((read.record as EpisodeRecord).seed, JSON.parse(good[12]!).seed);
  });

  it('filters by split kind, outcome and failure mode, and sorts', async () => {
    const ood = await file.query({ splitKinds: ['ood'] }, 0, 100);
    assert.equal(ood.total, 12);
    assert.ok(ood.rows.every((r) => r.split === 'ood-rule'));
    const collapsed = await file.query({ success: false, failureModes: ['rule-collapse'] }, 0, 3);
    assert.equal(collapsed.total, 6);
    assert.equal(collapsed.rows.length, 3);
    assert.ok(collapsed.rows.every((r) => !r.success && r.failureMode === 'rule-collapse'));
    const byReward = await file.query({ sort: { key: 'reward', descending: true } }, 0, 100);
    const rewards = byReward.rows.map((r) => r.totalReward!);
    assert.deepEqual(rewards, [...rewards].sort((a, b) => b - a));
    const none = await file.query({ stepMin: 101 }, 0, 10);
    assert.equal(none.total, 0);
    const rewarded = await file.query({ rewardMin: 5, splits: ['id'] }, 0, 100);
    assert.ok(rewarded.total > 0 && rewarded.rows.every((r) => r.totalReward! >= 5 && r.split === 'id'));
    const second = await file.window(10, 5);
    assert.deepEqual(second.rows.map((r) => r.row), rewarded.rows.slice(10, 15).map((r) => r.row));
  });

  it("says where a text search's snippet comes from (turn and field); without text it is the last output", async () => {
    const [prompt] = (await file.query({ text: 'Cards: [' }, 0, 1)).rows;
    assert.deepEqual(prompt!.match, { turn: 1, field: 'prompt' });
    assert.match(prompt!.snippet, /Cards: \[/);
    const [verifier] = (await file.query({ text: 'EVALUATES TO' }, 0, 1)).rows;
    assert.deepEqual(verifier!.match, { turn: 1, field: 'verifier message' });
    assert.match(verifier!.snippet, /^your formula evaluates to/);
    const [plain] = (await file.query({ splits: ['id'] }, 0, 1)).rows;
    assert.equal(plain!.match, undefined);
  });

  it('searches prompts, outputs and verifier messages in any case, with quotes and newlines', async () => {
    const message = JSON.parse(good.find((l) => l.includes('rule-collapse'))!) as EpisodeRecord;
    const verifier = message.turns.find((t) => t.failureMode === 'rule-collapse')!.message;
    const byMessage = await file.query({ text: verifier.slice(0, 30).toUpperCase() }, 0, 100);
    assert.ok(byMessage.total >= 1 && byMessage.rows.some((r) => r.seed === message.seed));
    assert.ok(byMessage.rows[0]!.snippet.toLowerCase().includes(verifier.slice(0, 20).toLowerCase()), byMessage.rows[0]!.snippet);
    const quoted = await file.query({ text: '"formula": "' }, 0, 100);
    assert.equal(quoted.total, 24, 'every output has a formula field');
    const multiline = await file.query({ text: '[Input]\nCards:' }, 0, 100);
    assert.equal(multiline.total, 24, 'every first prompt');
    const ood = await file.query({ text: 'Correct solution', splitKinds: ['rule-ood'] }, 0, 100);
    assert.ok(ood.total > 0 && ood.rows.every((r) => r.split === 'ood-rule' && r.success));
    assert.equal((await file.query({ text: 'no such text anywhere' }, 0, 10)).total, 0);
  });

  it('summarizes failure modes per split and step with example rows, rule collapse among them', async () => {
    await file.query({}, 0, 1);
    const groups = file.failureSummary();
    assert.deepEqual(groups.map((g) => [g.split, g.step, g.episodes, g.failures]), [['id', 100, 12, 3], ['ood-rule', 100, 12, 6]]);
    const collapse = groups[1]!.modes[0]!;
    assert.equal(collapse.mode, 'rule-collapse');
    assert.equal(collapse.count, 6);
    assert.equal(collapse.examples.length, 3);
    const example = (await file.readRow(collapse.examples[0]!.row)).record as EpisodeRecord;
    assert.equal(example.failureMode, 'rule-collapse');
  });

  it("calls out rule collapse on rule-OOD splits only (on the training rule's own split it is not one)", async () => {
    await file.query({}, 0, 1);
    const ood = file.failureSummary()[1]!;
    assert.match(ruleCollapseNote(ood)!, /^Rule collapse: 6 of 6 failures/);
    assert.equal(ruleCollapseNote({ ...ood, splitKind: 'id' }), undefined);
    assert.equal(ruleCollapseNote({ ...ood, splitKind: 'visual-ood' }), undefined);
  });
});

describe('transcripts: failure modes of mixed episodes', () => {
  const good = readFileSync(SFT, 'utf8').trimEnd().split('\n');
  let dir: string;
  let file: EpisodeFile;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ptlab-transcripts-'));
    const episode = (i: number, step: number, success: boolean, failureMode?: string) => {
      const { failureMode: _mode, ...record } = JSON.parse(good[i]!) as EpisodeRecord;
      return JSON.stringify({ ...record, split: 'ood-rule', splitKind: 'rule-ood', step, success, ...(failureMode ? { failureMode } : {}) });
    };
    const lines = [
      episode(0, 100, false, 'wrong-numbers'),
      episode(1, 100, false, 'rule-collapse'),
      episode(2, 100, false),
      episode(3, 100, false, 'rule-collapse'),
      episode(4, 100, true, 'arithmetic'), // solved: a mode it carries is no failure
      episode(5, 200, false, 'rule-collapse'),
    ];
    writeFileSync(join(dir, 'episodes.jsonl'), `${lines.join('\n')}\n`);
    file = new EpisodeFile(join(dir, 'episodes.jsonl'));
    await file.build(() => {});
  });
  after(async () => {
    await file.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('groups by split and step, most frequent mode first, unlabelled failures named so; a solved episode has no mode', async () => {
    await file.query({}, 0, 1);
    const groups = file.failureSummary();
    assert.deepEqual(groups.map((g) => [g.split, g.step, g.episodes, g.failures]), [['ood-rule', 100, 5, 4], ['ood-rule', 200, 1, 1]]);
    assert.deepEqual(groups[0]!.modes.map((m) => [m.mode, m.count]), [['rule-collapse', 2], ['unlabelled', 1], ['wrong-numbers', 1]]);
    assert.equal((await file.query({ failureModes: ['arithmetic'] }, 0, 10)).total, 0);
    assert.ok(!file.facets().failureModes.includes('arithmetic'));
  });

  it("counts the rule-collapse mode in the call-out, wherever it ranks, and none where no episode collapsed", async () => {
    await file.query({}, 0, 1);
    const [group] = file.failureSummary();
    const ranked = { ...group!, modes: [...group!.modes].reverse() };
    assert.match(ruleCollapseNote(ranked)!, /^Rule collapse: 2 of 4 failures/);
    assert.equal(ruleCollapseNote({ ...group!, modes: group!.modes.filter((m) => m.mode !== 'rule-collapse') }), undefined);
  });
});

describe('transcripts: an episodes file a running run writes', () => {
  const good = readFileSync(SFT, 'utf8').trimEnd().split('\n');
  const atStep = (line: string, step: number): string => JSON.stringify({ ...(JSON.parse(line) as EpisodeRecord), step });
  let dir: string;
  let path: string;
  let file: EpisodeFile;
  let reports: { episodes: number; skipped: number }[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ptlab-transcripts-'));
    path = join(dir, 'episodes.jsonl');
    writeFileSync(path, `${good.slice(0, 5).join('\n')}\n${good[5]!.slice(0, 100)}`); // the writer is mid-line
    file = new EpisodeFile(path);
    reports = [];
    await file.build((p) => reports.push({ episodes: p.episodes, skipped: p.skipped }));
  });
  afterEach(async () => {
    await file.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the line being written pending, not skipped, and indexes it once its newline is written', async () => {
    assert.deepEqual([file.progress().episodes, file.progress().skipped], [5, 0]);
    appendFileSync(path, `${good[5]!.slice(100)}\n`);
    const all = await file.query({}, 0, 100);
    assert.equal(all.total, 6);
    const read = await file.readRow(5);
    assert.deepEqual([read.raw, read.line], [good[5], 6]);
    assert.equal(file.progress().skipped, 0);
  });

  it("reports the last line torn once run.json says the run stopped (or its process is gone); a running run's waits", async () => {
    const manifest = (JSON.parse(readFileSync(join(repo, 'schemas', 'fixtures', 'run-manifest.cases.json'), 'utf8')) as { cases: { name: string; data: Record<string, unknown> }[] }).cases.find((c) => c.name === 'minimal manifest')!.data;
    const writeRun = (status: string, heartbeatAgoMs: number) =>
      writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...manifest, status, heartbeatAt: new Date(Date.now() - heartbeatAgoMs).toISOString(), host: { hostname: hostname(), platform: 'Linux', pid: process.pid } }));
    const torn = 'episodes.jsonl line 6 is incomplete: the run stopped while writing it';
    writeRun('running', 0);
    await file.query({}, 0, 10);
    assert.deepEqual([file.progress().skipped, file.progress().skippedExamples], [0, []], 'being written: it waits');
    writeRun('failed', 0);
    await file.query({}, 0, 10);
    assert.deepEqual([file.progress().skipped, file.progress().skippedExamples], [1, [torn]]);
    assert.deepEqual(reports.at(-1), { episodes: 5, skipped: 1 }, 'the viewer hears of it');
    writeRun('running', 3_600_000); // its heartbeat stopped an hour ago: a crash
    await file.query({}, 0, 10);
    assert.deepEqual(file.progress().skippedExamples, [torn]);
    const reopened = new EpisodeFile(path);
    try {
      assert.deepEqual((await reopened.build(() => undefined)).skippedExamples, [torn], 'opened after the run stopped');
    } finally {
      await reopened.close();
    }
    writeRun('running', 0); // resumed: the run rewrites the file
    appendFileSync(path, `${good[5]!.slice(100)}\n`);
    await file.query({}, 0, 10);
    assert.deepEqual([file.progress().episodes, file.progress().skipped, file.progress().skippedExamples], [6, 0, []]);
  });

  it('indexes what was appended since the last query: a step the run wrote after the viewer opened is found', async () => {
    appendFileSync(path, `${good[5]!.slice(100)}\n${[6, 7, 8].map((i) => atStep(good[i]!, 200)).join('\n')}\n`);
    const recent = await file.query({ stepMin: 200, stepMax: 200 }, 0, 10);
    assert.equal(recent.total, 3);
    assert.deepEqual(recent.rows.map((r) => r.line), [7, 8, 9]);
    assert.equal((await file.readRow(recent.rows[2]!.row)).raw, atStep(good[8]!, 200));
    assert.equal(file.facets().stepMax, 200);
    assert.deepEqual(reports.at(-1), { episodes: 9, skipped: 0 }, 'the viewer hears of the new episodes (its counts and facets)');
    appendFileSync(path, `${atStep(good[9]!, 200)}\n`);
    assert.equal((await file.query({ stepMin: 200, stepMax: 200, text: 'Cards: [' }, 0, 10)).total, 4, 'a search covers the appended rows');
  });

  it('indexes a replaced file (a resumed run drops the episodes after its checkpoint) or a shrunk one again from the start', async () => {
    assert.equal((await file.query({ text: 'Cards: [' }, 0, 10)).total, 5);
    writeFileSync(join(dir, 'resumed'), `${good.slice(0, 2).join('\n')}\n${atStep(good[2]!, 300)}\n`);
    renameSync(join(dir, 'resumed'), path);
    const replaced = await file.query({}, 0, 10);
    assert.deepEqual(replaced.rows.map((r) => [r.line, r.step]), [[1, 100], [2, 100], [3, 300]]);
    assert.equal((await file.readRow(2)).raw, atStep(good[2]!, 300));
    assert.equal((await file.query({ text: 'Cards: [' }, 0, 10)).total, 3, 'a search of the old file is not reused');
    assert.deepEqual(file.facets().stepMax, 300);
    truncateSync(path, Buffer.byteLength(`${good[0]}\n`));
    assert.deepEqual((await file.query({}, 0, 10)).rows.map((r) => r.line), [1]);
    assert.deepEqual(reports.at(-1), { episodes: 1, skipped: 0 });
  });
});

describe('transcripts: the worker', () => {
  it('answers the first page before and after the index is complete', async () => {
    const client = new TranscriptClient(SFT, undefined, join(repo, 'out', 'src', 'workers', 'transcripts.worker.js'));
    try {
      await client.started();
      const first = await client.request('query', { query: { splits: ['id'] }, start: 0, count: 5 });
      assert.equal(first.rows.length, 5);
      const done = await client.indexed();
      assert.equal(done.episodes, 24);
      const all = await client.request('query', { query: {}, start: 0, count: 50 });
      assert.equal(all.total, 24);
      assert.equal(all.partial, false);
      const record = await client.request('record', { row: 3 });
      assert.equal((record.record as EpisodeRecord).episode, 3);
    } finally {
      await client.dispose();
    }
  });

  it('reports a missing file instead of hanging', async () => {
    const client = new TranscriptClient('/nonexistent/episodes.jsonl', undefined, join(repo, 'out', 'src', 'workers', 'transcripts.worker.js'));
    try {
      await assert.rejects(client.started(), /cannot read \/nonexistent\/episodes.jsonl/);
    } finally {
      await client.dispose();
    }
  });
});

describe('transcripts: answer fields and turns', () => {
  it('marks the answer fields of GeneralPoints and V-IRL outputs, keeping every character', () => {
    const gp = '\n{\n  "cards": [\'6\', \'K\', \'9\', \'9\'],\n  "number": [6, 10, 9, 9],\n  "formula": "9/6*10+9",\n}';
    const segments = answerSegments(gp);
    assert.equal(segments.map((s) => s.text).join(''), gp);
    assert.deepEqual(
      segments.filter((s) => s.part === 'value').map((s) => [s.field, s.text]),
      [['cards', "['6', 'K', '9', '9']"], ['number', '[6, 10, 9, 9]'], ['formula', '"9/6*10+9"']],
    );
    const virl = '{\n  "current observation": "Bank; ",\n  "current instruction": "Turn left",\n  "action": "turn_direction(left)",\n}';
    assert.deepEqual(answerSegments(virl).filter((s) => s.part === 'value').map((s) => s.text), ['"Bank; "', '"Turn left"', '"turn_direction(left)"']);
    const hostile = '<script>alert(1)</script>"formula": <img onerror=x>';
    assert.equal(answerSegments(hostile).map((s) => s.text).join(''), hostile);
    assert.deepEqual(answerSegments('no fields'), [{ text: 'no fields' }]);
  });

  it('counts attempts per position for V-IRL and per episode for GeneralPoints', () => {
    const turn = (prompt: boolean) => ({ index: 0, ...(prompt ? { prompt: 'P' } : { promptDelta: 'again' }), output: '', reward: 0, message: '', done: false });
    const virl = { environment: { env: 'virl', maxVerify: 2 }, turns: [turn(true), turn(false), turn(true), turn(true)] } as unknown as EpisodeRecord;
    assert.deepEqual(turnContexts(virl), [
      { attempt: 1, attemptsLeft: 1, position: 0 },
      { attempt: 2, attemptsLeft: 0, position: 0 },
      { attempt: 1, attemptsLeft: 1, position: 1 },
      { attempt: 1, attemptsLeft: 1, position: 2 },
    ]);
    const gp = { environment: { env: 'generalpoints', maxVerify: 3 }, turns: [turn(true), turn(false)] } as unknown as EpisodeRecord;
    assert.deepEqual(turnContexts(gp), [{ attempt: 1, attemptsLeft: 2 }, { attempt: 2, attemptsLeft: 1 }]);
  });

  it('resolves a record image only inside its run folder', () => {
    assert.equal(insideRunFolder('/w/runs/a', 'images/x.png'), '/w/runs/a/images/x.png');
    for (const bad of ['../b/x.png', '/etc/hostname', 'images/../../b.png', "javascript:alert(1)", 'file:///etc/passwd', '', 42]) {
      assert.equal(insideRunFolder('/w/runs/a', bad), undefined, String(bad));
    }
  });

  it('rebuilds the street view a V-IRL-VL record saw at each position it visited, on the turn that opened it', () => {
    const records = readFileSync(VIRL_VL, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as EpisodeRecord);
    const noRoutes = () => {
      throw new Error('synthetic routes read no file');
    };
    for (const record of records) {
      const drawn = recordStreetViews(record, noRoutes);
      assert.ok(drawn && drawn.note === undefined, `seed ${record.seed}: ${drawn?.note}`);
      // the episode played again with the record's answers: its grid at each new chat
      const config = virlConfig(record.environment!);
      const replay = new VirlEpisode(config, loadRoutes(config, noRoutes), record.seed!);
      const seen = record.turns.map((turn, t) => {
        const image = t === 0 ? replay.image() : undefined;
        const step = replay.step(turn.output);
        return { image, next: step.newChat ? replay.image() : undefined };
      });
      const expected = record.turns.map((_, t) => (t === 0 ? seen[0]!.image : seen[t - 1]!.next) ?? undefined);
      assert.deepEqual(drawn.views.map((v) => v && { type: 'virl-streetview', city: v.city, routeId: v.routeId, position: v.position, place: v.place, landmark: v.landmark, atIntersection: v.atIntersection, heading: v.heading }), expected, `seed ${record.seed}`);
      assert.deepEqual(drawn.views.map((v, t) => v && turnContexts(record)[t]!.position), drawn.views.map((v) => v?.position), 'each at its turn\'s position');
      assert.ok(drawn.views.every((v) => !v || v.routeId === (record.state as { routeId: string }).routeId));
    }
    const [first] = records;
    assert.deepEqual(recordStreetViews(first!, noRoutes)!.views.map((v) => v?.position), [0, 1, undefined, 2, 3, 4, 5]);
  });

  it('rebuilds the route an eachRouteOnce evaluation ran, not the one its seed draws', () => {
    const [record] = readFileSync(VIRL_VL, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as EpisodeRecord);
    const config = virlConfig(record!.environment!);
    const routes = loadRoutes(config, () => ({ path: '', data: null }));
    const other = routes.find((r) => r.routeId !== (record!.state as { routeId: string }).routeId)!;
    const ran = new VirlEpisode(config, routes, record!.seed!, routes.indexOf(other));
    const views = recordStreetViews({ ...record!, state: { ...record!.state, routeId: other.routeId } as EpisodeRecord['state'] }, () => ({ path: '', data: null }))!.views;
    assert.deepEqual([views[0]!.routeId, views[0]!.place, views[1]!.place], [other.routeId, ran.rail[0]!.place, ran.rail[1]!.place]);
  });

  it('gives no street view to a text-only V-IRL record, and says why when the route cannot be rebuilt', () => {
    const record = JSON.parse(readFileSync(VIRL_VL, 'utf8').split('\n')[0]!) as EpisodeRecord;
    const load = () => ({ path: '', data: null });
    assert.equal(recordStreetViews({ ...record, environment: { ...record.environment!, modality: 'language' } as EpisodeRecord['environment'] }, load), undefined);
    assert.deepEqual(recordStreetViews({ ...record, seed: undefined }, load), { views: [], note: 'No street-view grid: the record has no seed to rebuild its route from' });
    const fromFile = { ...record, environment: { env: 'virl', routes: { file: 'routes.json' }, modality: 'vision' } } as EpisodeRecord;
    const missing = recordStreetViews(fromFile, nodeRouteFileLoader(tmpdir()))!;
    assert.deepEqual(missing.views, []);
    assert.match(missing.note ?? '', /^No street-view grid: environment\.routes\.file: cannot read .*routes\.json: No such file or directory/);
    assert.equal(recordStreetViews({ ...record, state: { ...record.state, routeId: 'gone-1' } as EpisodeRecord['state'] }, load)!.note, `No street-view grid: The route of seed ${record.seed} here is nyc-0-0083, and there is no route gone-1: the route file changed since the run.`);
  });
});
