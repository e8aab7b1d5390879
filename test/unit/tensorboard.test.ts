import * as assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { crc32c } from '../../src/core/crc';
import { decodeEvent, maskedCrc32c, ScalarRun, TfEventsTail, type DecodedEvent } from '../../src/core/imports/tensorboard';
import { tensorBoardFolder } from '../../src/core/runs/runFolder';
import { describeLog, runEntry } from '../../src/core/runs/runTree';
import { runInfo } from '../../src/core/runs/runInfo';
import { DashboardData } from '../../src/core/dashboard/view';
import { MetricsFiles, type MetricsUpdate } from '../../src/workers/metrics';

// Event files written by torch's SummaryWriter and TensorBoard's EventFileWriter, and what
// TensorBoard's own reader reads from them (test/fixtures/scripts/make_tensorboard_logs.py and
// make_tensorboard_edge_cases.py write both).
const repo = join(__dirname, '..', '..', '..');
const logs = join(repo, 'test', 'fixtures', 'workspace', 'imported', 'tensorboard');
const edgeCases = join(repo, 'test', 'fixtures', 'tensorboard');
type Expected = Record<string, Record<string, [number, number, number][]>>;
const expectedIn = (root: string) => JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as Expected;
const expected = expectedIn(logs);

function eventFiles(run: string, root = logs): string[] {
  return readdirSync(join(root, run))
    .filter((name) => name.startsWith('events.out.tfevents.'))
    .sort()
    .map((name) => join(root, run, name));
}

/** The run read file by file in chunks of `chunk` bytes, as the worker reads a growing file. */
function read(run: string, chunk: number, root = logs): ScalarRun {
  const scalars = new ScalarRun();
  for (const file of eventFiles(run, root)) {
    const bytes = readFileSync(file);
    const tail = new TfEventsTail(scalars.kinds);
    for (let at = 0; at < bytes.length; at += chunk) {
      const batch = tail.push(bytes.subarray(at, at + chunk));
      assert.equal(batch.damaged, 0);
      scalars.apply(batch.events);
    }
    assert.equal(tail.offset, bytes.length);
  }
  return scalars;
}

describe('TensorBoard event files', () => {
  const scalarsOf = (run: ScalarRun) => Object.fromEntries([...run.scalars()].map(([tag, points]) => [tag, points.map((p) => [p.step, p.wallTime, p.value])]));
  for (const run of Object.keys(expected)) {
    for (const chunk of [1 << 20, 7, 1]) {
      it(`${run}, read in chunks of ${chunk} bytes: the scalars TensorBoard reads, purges applied`, () => {
        assert.deepEqual(scalarsOf(read(run, chunk)), expected[run]);
      });
    }
  }

  // Negative int32/int64 values and steps are ten-byte varints; a one-element tensor of any shape is a scalar.
  for (const [run, points] of Object.entries(expectedIn(edgeCases))) {
    it(`${run}: the values and steps TensorBoard reads, exactly`, () => {
      assert.deepEqual(scalarsOf(read(run, 1 << 20, edgeCases)), points);
    });
  }

  it('skips text and histograms: only scalar tags come out', () => {
    assert.deepEqual([...read('sft-classic', 4096).scalars().keys()], ['eval/id/success', 'train/loss', 'train/lr']);
  });

  it('a restarted writer purges the steps it writes again (new-style tensors), and counts the purge', () => {
    const run = read('ppo-new-style', 4096);
    assert.equal(run.purges, 1);
    assert.deepEqual(
      run.scalars().get('rollout/reward_mean')!.map((p) => p.step),
      Array.from({ length: 35 }, (_, i) => i + 1),
    );
  });

  it('CRC-32C is the Castagnoli checksum TFRecord masks', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283); // the standard check value
    assert.equal(maskedCrc32c(new Uint8Array(0)), 0xa282ead8);
  });

  it('reads chunks handed in one buffer its reader refills, as the metrics worker reads, without problems', () => {
    const bytes = readFileSync(eventFiles('sft-classic')[0]!);
    const run = new ScalarRun();
    const tail = new TfEventsTail(run.kinds);
    const buffer = Buffer.allocUnsafe(50); // records straddle every chunk: a kept partial record must be a copy
    let events = 0;
    for (let at = 0; at < bytes.length; at += buffer.length) {
      const n = bytes.copy(buffer, 0, at, at + buffer.length);
      events += tail.push(buffer.subarray(0, n)).events.length;
    }
    assert.deepEqual(tail.problems(), []);
    assert.equal(events, new TfEventsTail(new ScalarRun().kinds).push(bytes).events.length);
  });

  it('a record still being written waits; a damaged record is counted and skipped, not misread', () => {
    const bytes = readFileSync(eventFiles('sft-classic')[0]!);
    const whole = new ScalarRun();
    const tail = new TfEventsTail(whole.kinds);
    const first = tail.push(bytes.subarray(0, 30)); // the first record is 12 + 24 + 4 bytes
    assert.equal(first.events.length, 0);
    const rest = tail.push(bytes.subarray(30));
    assert.ok(rest.events.length > 80);

    // Damage the data of the first record that holds a scalar (records: 8-byte length, 4-byte CRC, data, 4-byte CRC).
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    for (;;) {
      const length = Number(view.getBigUint64(at, true));
      const probe = new TfEventsTail(new Map()).push(bytes.subarray(at, at + 16 + length));
      if (probe.events[0]!.points.length > 0) break;
      at += 16 + length;
    }
    const damaged = Uint8Array.from(bytes);
    damaged[at + 14] = damaged[at + 14]! ^ 0xff;
    const run = new ScalarRun();
    const batch = new TfEventsTail(run.kinds).push(damaged);
    assert.equal(batch.damaged, 1);
    run.apply(batch.events);
    const flat = (r: ScalarRun) => [...r.scalars().values()].flat().map((p) => JSON.stringify(p));
    whole.apply([...first.events, ...rest.events]);
    const intact = new Set(flat(whole));
    const left = flat(run);
    assert.equal(left.length, intact.size - 1);
    assert.ok(left.every((p) => intact.has(p))); // what remains was read right
  });
});

// A scalars-plugin value encoded by hand (tensor.proto field numbers): the tensor encodings the fixtures' writers do not use.
const varint = (n: bigint): number[] => {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  do {
    out.push(Number(v & 0x7fn) | (v > 0x7fn ? 0x80 : 0));
    v >>= 7n;
  } while (v > 0n);
  return out;
};
const field = (number: number, wireType: number, body: number[]): number[] => [...varint(BigInt(number * 8 + wireType)), ...(wireType === 2 ? varint(BigInt(body.length)) : []), ...body];
const utf8 = (s: string) => [...new TextEncoder().encode(s)];
function scalarEvent(tensor: number[]): DecodedEvent {
  const metadata = field(9, 2, field(1, 2, field(1, 2, utf8('scalars'))));
  const value = field(1, 2, [...field(1, 2, utf8('x')), ...metadata, ...field(8, 2, tensor)]);
  return decodeEvent(Uint8Array.from([...field(2, 0, varint(3n)), ...field(5, 2, value)]), new Map());
}
const shape = (...sizes: number[]) => field(2, 2, sizes.flatMap((size) => field(2, 2, field(1, 0, varint(BigInt(size))))));
const content = (dtype: number, bytes: number[]) => [...field(1, 0, varint(BigInt(dtype))), ...field(4, 2, bytes)];

describe('TensorBoard scalar tensors in every encoding', () => {
  const valueOf = (tensor: number[]) => scalarEvent(tensor).points.map((p) => p.value);

  it('reads half and bfloat16 tensor contents, a subnormal half, and an int32 written in 32 bits', () => {
    assert.deepEqual(valueOf(content(19, [0x00, 0x3c])), [1]); // DT_HALF 1.0
    assert.deepEqual(valueOf(content(14, [0x80, 0x3f])), [1]); // DT_BFLOAT16 1.0
    assert.deepEqual(valueOf(field(13, 0, varint(1n))), [2 ** -24]); // half_val: the smallest subnormal
    assert.deepEqual(valueOf(field(7, 0, varint(0xffffffffn))), [-1]); // int_val -1 as its 32 bits
    assert.deepEqual(valueOf(field(7, 0, varint(-2n))), [-2]); // and sign-extended
  });

  it('reads a one-element tensor of any shape, and no other', () => {
    assert.deepEqual(valueOf([...shape(1, 1), ...field(5, 5, [0, 0, 0x40, 0x40])]), [3]);
    assert.deepEqual(valueOf([...shape(2), ...field(5, 5, [0, 0, 0x40, 0x40])]), []);
    assert.deepEqual(valueOf([...shape(-1, -1), ...field(5, 5, [0, 0, 0x40, 0x40])]), [], 'unknown sizes');
  });

  it('counts a purge only when it removed points', () => {
    const event = (step: number, extra: Partial<DecodedEvent>): DecodedEvent => ({ step, wallTime: 0, hasSummary: false, tags: [], points: [], ...extra });
    const run = new ScalarRun();
    run.apply([event(0, { fileVersion: 2 }), event(0, { sessionStatus: 1 }), event(1, { hasSummary: true, tags: ['x'], points: [{ tag: 'x', step: 1, wallTime: 0, value: 1 }] })]);
    run.apply([event(5, { sessionStatus: 1 })]); // a restart past every point: nothing to purge
    assert.equal(run.purges, 0);
    run.apply([event(1, { sessionStatus: 1 })]);
    assert.equal(run.purges, 1);
    assert.deepEqual(run.scalars().get('x'), []);
  });
});

describe('the metrics worker follows a TensorBoard log folder', () => {
  it('sends the points as they are written, and everything again when a restarted writer purges; an idle log sends nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-tb-'));
    const updates: MetricsUpdate[] = [];
    const files = new MetricsFiles((u) => updates.push(u));
    try {
      const [first, second] = eventFiles('ppo-new-style').map((file) => ({ name: basename(file), bytes: readFileSync(file) }));
      const half = Math.floor(first!.bytes.length / 2) + 3; // mid-record: the partial record waits
      writeFileSync(join(dir, first!.name), first!.bytes.subarray(0, half));
      files.show([{ folder: 'imported/ppo', path: dir, source: 'tensorboard' }]);
      await files.poll();
      appendFileSync(join(dir, first!.name), first!.bytes.subarray(half));
      await files.poll();
      await files.poll(); // nothing new: nothing sent (an idle log is polled every 2 s, each update a view)
      writeFileSync(join(dir, second!.name), second!.bytes);
      await files.poll();

      const steps = (u: MetricsUpdate) => [...(u.batch.series['train:rollout/reward_mean']?.steps ?? [])];
      assert.deepEqual(
        updates.map((u) => u.reset),
        [true, false, true],
      );
      const [start, rest, purged] = updates;
      assert.ok(steps(start!).length > 5 && steps(start!).length < 30);
      assert.deepEqual([...steps(start!), ...steps(rest!)], Array.from({ length: 30 }, (_, i) => i + 1));
      assert.deepEqual(steps(purged!), Array.from({ length: 35 }, (_, i) => i + 1)); // steps 21-30 are the restarted writer's
      assert.equal(purged!.batch.series['train:rollout/reward_mean']!.ys[25], expected['ppo-new-style']!['rollout/reward_mean']![25]![2]);
      assert.deepEqual([...purged!.batch.axes.gflops.filter((g) => g !== -1)], []); // a TensorBoard log counts no GFLOPs
      assert.equal(purged!.batch.axes.wallSeconds[0], 0);
      // a problem and no points: sent once, the problems replacing the last ones
      const lfs = 'events.out.tfevents.1700000000.host.9';
      writeFileSync(join(dir, lfs), 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n');
      await files.poll();
      await files.poll();
      assert.deepEqual(updates.slice(3).map((u) => [u.reset, u.batch.count, u.logProblems?.length]), [[false, 0, 1]]);
      assert.match(updates[3]!.logProblems![0]!, /^events\.out\.tfevents\.1700000000\.host\.9: a Git LFS pointer/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a damaged TensorBoard log in the dashboard', () => {
  it("names each damaged file and the byte where reading stopped, and a Git LFS pointer as one, in the run's problems", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-tb-'));
    const [file] = eventFiles('sft-classic');
    const bytes = Buffer.from(readFileSync(file!));
    // Flip a bit in the length of the first record past a third of the file.
    let at = 0;
    while (at < bytes.length / 3) at += 16 + Number(bytes.readBigUInt64LE(at));
    bytes[at] = bytes[at]! ^ 0x01;
    const lfs = 'events.out.tfevents.1700000000.host.2';
    writeFileSync(join(dir, basename(file!)), bytes);
    writeFileSync(join(dir, lfs), 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n');
    const data = new DashboardData();
    data.setRuns([runInfo(tensorBoardFolder('imported/sft'), 'imported/sft')!]);
    const files = new MetricsFiles((u) => data.apply(u));
    try {
      files.show([{ folder: 'imported/sft', path: dir, source: 'tensorboard' }]);
      await files.poll();
      const view = data.view({ view: 'curves', metric: 'train/loss', xKey: 'step', smoothing: 'none', band: 'none', aggregate: false, selected: null, width: 800, mismatchKlWarning: 1e-3 });
      assert.deepEqual(view.problems, [
        `imported/sft: ${lfs}: a Git LFS pointer, not the event file: no points read (git lfs pull fetches the file)`,
        `imported/sft: ${basename(file!)}: damaged at byte ${at} of ${bytes.length}: a record's length fails its checksum, so reading stopped there and the points after it are missing (TensorBoard stops there too)`,
      ]);
      assert.ok(view.curves!.curves[0]!.count > 0); // the points before the damage are drawn
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says where a file truncated mid-record ends: the record it cut is not read', () => {
    const bytes = readFileSync(eventFiles('sft-classic')[0]!);
    const second = 16 + Number(bytes.readBigUInt64LE(0));
    const tail = new TfEventsTail(new Map());
    assert.equal(tail.push(bytes.subarray(0, second + 20)).events.length, 1);
    assert.deepEqual(tail.problems(), [`ends inside a record at byte ${second} of ${second + 20}: truncated, unless its writer is still writing it (the points in it are not read)`]);
  });

  it('counts damaged records it skipped, naming the first one', () => {
    const bytes = Uint8Array.from(readFileSync(eventFiles('sft-classic')[0]!));
    const first = 16 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
    bytes[first + 14] = bytes[first + 14]! ^ 0xff; // the second record's data
    const tail = new TfEventsTail(new Map());
    tail.push(bytes);
    assert.deepEqual(tail.problems(), [`skipped 1 damaged record(s) (checksum or decoding failed), the first at byte ${first}`]);
  });
});

describe('a damaged TensorBoard log in the Runs view', () => {
  it('is listed with what is wrong with each damaged file, beside the intact logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-tb-'));
    const [file] = eventFiles('sft-classic');
    const bytes = Buffer.from(readFileSync(file!));
    const name = basename(file!);
    const second = 16 + Number(bytes.readBigUInt64LE(0));
    const logs = { intact: bytes, truncated: bytes.subarray(0, Math.floor(bytes.length / 2)), 'bad-crc': Buffer.from(bytes) };
    logs['bad-crc'][second + 14] = logs['bad-crc'][second + 14]! ^ 0xff; // the second record's data
    const files = new MetricsFiles(() => undefined);
    try {
      const entries = [];
      for (const [log, content] of Object.entries(logs)) {
        mkdirSync(join(dir, log));
        writeFileSync(join(dir, log, name), content);
        entries.push(runEntry(tensorBoardFolder(join(dir, log), await files.logProblems(join(dir, log))), Date.now()));
      }
      const [intact, truncated, badCrc] = entries;
      assert.deepEqual([intact!.problems, describeLog(intact!)], [[], 'TensorBoard log']);
      assert.match(truncated!.problems.join('\n'), new RegExp(`^${name}: ends inside a record at byte \\d+ of ${logs.truncated.length}: truncated`));
      assert.deepEqual(badCrc!.problems, [`${name}: skipped 1 damaged record(s) (checksum or decoding failed), the first at byte ${second}`]);
      assert.equal(describeLog(badCrc!), `TensorBoard log · ${badCrc!.problems[0]}`);
      assert.equal(await files.logProblems(join(dir, 'gone')), undefined);
      // a damaged file deleted (the log's intact one kept): its problems go with it
      writeFileSync(join(dir, 'bad-crc', `${name}.2`), bytes);
      rmSync(join(dir, 'bad-crc', name));
      assert.deepEqual(await files.logProblems(join(dir, 'bad-crc')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('finds nothing wrong with a large intact log checked again before the last check ended (the Runs view rescans every 15 s)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptlab-tb-'));
    const [file] = eventFiles('sft-classic');
    const bytes = readFileSync(file!);
    writeFileSync(join(dir, basename(file!)), Buffer.concat(Array.from({ length: 60 }, () => bytes))); // several of the worker's chunks
    const files = new MetricsFiles(() => undefined);
    try {
      assert.deepEqual(await Promise.all([files.logProblems(dir), files.logProblems(dir)]), [[], []]);
      assert.deepEqual(await files.logProblems(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TensorBoard runs in the dashboard', () => {
  it('groups the runs of a log dir that differ only in a seed suffix; other names stay apart', () => {
    const info = (folder: string) => runInfo(tensorBoardFolder(folder), folder);
    const [a, b, c, lr4, lr5, plain] = ['logs/ppo-seed1', 'logs/ppo_s2', 'logs/ppo.seed=3', 'logs/lr1e-4', 'logs/lr1e-5', 'logs/sft-classic'].map(info);
    assert.deepEqual([a, b, c].map((r) => [r!.seed, r!.groupKey, r!.groupLabel]), [
      [1, 'tensorboard:logs/ppo', 'logs/ppo'],
      [2, 'tensorboard:logs/ppo', 'logs/ppo'],
      [3, 'tensorboard:logs/ppo', 'logs/ppo'],
    ]);
    assert.notEqual(lr4!.groupKey, lr5!.groupKey);
    assert.equal(lr4!.seed, undefined);
    assert.deepEqual([plain!.experiment, plain!.source, plain!.job, plain!.seed], ['TensorBoard: logs', 'tensorboard', 'unknown', undefined]);
    assert.notEqual(info('other/ppo-seed1').groupKey, a!.groupKey); // another log dir, another group
  });
});
