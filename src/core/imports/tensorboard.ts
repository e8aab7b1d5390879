// TensorBoard event files (events.out.tfevents.*) read incrementally: the TFRecord framing
// with its masked CRC-32C checks, and of each Event protobuf only what the dashboard draws:
// scalar summaries, in either encoding writers use (`simple_value`, as torch's SummaryWriter
// and tensorboardX write by default; or a one-element tensor under the `scalars` plugin, of
// rank 0 as TensorFlow 2's tf.summary and SummaryWriter(new_style=True) write), and the SessionLog
// START events with which a restarted writer purges the steps it will write again.
// Pure: the metrics worker feeds it file chunks, tests feed it bytes.
//
// Formats: tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto and
// tensor.proto (field numbers below); TFRecord = uint64 length, uint32 masked CRC-32C of
// the length, the data, uint32 masked CRC-32C of the data (all little-endian).

import { crc32c } from '../crc';

export interface ScalarPoint {
  tag: string;
  step: number;
  /** Seconds since the epoch, as the writer recorded it. */
  wallTime: number;
  value: number;
}


// ------------------------------------------------------------------ CRC-32C

export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

// ------------------------------------------------------------------ protobuf wire format

class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) throw new Error('truncated varint');
      const byte = this.bytes[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** A varint as a signed 64-bit integer, exactly (a negative one is ten bytes: 2^64 + value). */
  int64(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.bytes.length) throw new Error('truncated varint');
      const byte = this.bytes[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asIntN(64, result);
    }
    throw new Error('varint longer than 10 bytes');
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  bytesField(): Uint8Array {
    const length = this.varint();
    this.need(length);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.bytesField();
    else if (wireType === 5) this.advance(4);
    else throw new Error(`unsupported wire type ${wireType}`);
  }

  private advance(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new Error('truncated field');
  }
}

/** Each field of a message: (field number, wire type, reader positioned at the value). */
function fields(bytes: Uint8Array, visit: (field: number, wireType: number, reader: Reader) => boolean): void {
  const reader = new Reader(bytes);
  while (!reader.done) {
    const key = reader.varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (!visit(field, wireType, reader)) reader.skip(wireType);
  }
}

const text = new TextDecoder('utf-8');

// ------------------------------------------------------------------ Event -> scalars

const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_INT64 = 9;
const DT_HALF = 19;
const DT_BFLOAT16 = 14;

interface TensorValue {
  dtype: number;
  /** The product of the shape's sizes (1 for rank 0; NaN for an unknown rank or size). */
  elements: number;
  value: number | undefined;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function tensorValue(bytes: Uint8Array): TensorValue {
  const tensor: TensorValue = { dtype: 0, elements: 1, value: undefined };
  let content: Uint8Array | undefined;
  fields(bytes, (field, wireType, r) => {
    if (field === 1 && wireType === 0) tensor.dtype = r.varint();
    else if (field === 2 && wireType === 2) tensor.elements = shapeElements(r.bytesField());
    else if (field === 4 && wireType === 2) content = r.bytesField();
    else if (field === 5) tensor.value = wireType === 2 ? new Reader(r.bytesField()).float() : r.float();
    else if (field === 6) tensor.value = wireType === 2 ? new Reader(r.bytesField()).double() : r.double();
    else if ((field === 7 || field === 10 || field === 13) && (wireType === 0 || wireType === 2)) {
      // int_val and half_val are proto int32s, written sign-extended to 64 bits; int64_val is int64.
      const raw = wireType === 2 ? new Reader(r.bytesField()).int64() : r.int64();
      tensor.value = field === 13 ? halfToFloat(Number(raw & 0xffffn)) : Number(field === 7 ? BigInt.asIntN(32, raw) : raw);
    } else return false;
    return true;
  });
  if (tensor.value === undefined && content && content.length > 0) {
    const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
    if (tensor.dtype === DT_FLOAT && content.length >= 4) tensor.value = view.getFloat32(0, true);
    else if (tensor.dtype === DT_DOUBLE && content.length >= 8) tensor.value = view.getFloat64(0, true);
    else if (tensor.dtype === DT_INT32 && content.length >= 4) tensor.value = view.getInt32(0, true);
    else if (tensor.dtype === DT_INT64 && content.length >= 8) tensor.value = Number(view.getBigInt64(0, true));
    else if (tensor.dtype === DT_HALF && content.length >= 2) tensor.value = halfToFloat(view.getUint16(0, true));
    else if (tensor.dtype === DT_BFLOAT16 && content.length >= 2) tensor.value = new Float32Array(new Uint32Array([view.getUint16(0, true) << 16]).buffer)[0];
  }
  return tensor;
}

/** The number of elements a TensorShapeProto holds: the product of its dims' sizes. */
function shapeElements(bytes: Uint8Array): number {
  let elements = 1;
  fields(bytes, (field, wireType, r) => {
    if (field === 2 && wireType === 2) {
      let size = 0;
      fields(r.bytesField(), (f, w, d) => (f === 1 && w === 0 ? ((size = Number(d.int64())), true) : false));
      elements *= size < 0 ? NaN : size;
    } else if (field === 3 && wireType === 0) {
      if (r.varint()) elements = NaN; // unknown_rank
    } else return false;
    return true;
  });
  return elements;
}

/** Which tags hold scalars: decided by a tag's first metadata, as TensorBoard decides (a
 * writer sends a tag's metadata once; `simple_value` counts as the scalars plugin, and an
 * image, histogram or audio value without metadata as its plugin, as its data_compat reads them). */
export type TagKinds = Map<string, { scalar: boolean }>;

function summaryValue(bytes: Uint8Array, kinds: TagKinds): { tag: string; value: number } | undefined {
  let tag = '';
  let simple: number | undefined;
  let tensor: TensorValue | undefined;
  let plugin: string | undefined;
  let legacy = false;
  fields(bytes, (field, wireType, r) => {
    if (field === 1 && wireType === 2) tag = text.decode(r.bytesField());
    else if (field === 2 && wireType === 5) simple = r.float();
    else if (field === 8 && wireType === 2) tensor = tensorValue(r.bytesField());
    else if ((field === 4 || field === 5 || field === 6) && wireType === 2) {
      legacy = true; // an image, histogram or audio value without metadata: TensorBoard's data_compat makes the tag that plugin's
      r.bytesField();
    }
    else if (field === 9 && wireType === 2) {
      plugin = '';
      fields(r.bytesField(), (f, w, m) => (f === 1 && w === 2 ? (fields(m.bytesField(), (pf, pw, p) => (pf === 1 && pw === 2 ? ((plugin = text.decode(p.bytesField())), true) : false)), true) : false));
    } else return false;
    return true;
  });
  if (!kinds.has(tag) && (plugin !== undefined || simple !== undefined || legacy)) kinds.set(tag, { scalar: simple !== undefined || plugin === 'scalars' });
  if (!kinds.get(tag)?.scalar) return undefined;
  if (simple !== undefined) return { tag, value: simple };
  const t = tensor as TensorValue | undefined;
  if (!t || t.elements !== 1 || t.value === undefined) return undefined; // TensorBoard reads any one-element tensor (.item())
  return { tag, value: t.value };
}

export interface DecodedEvent {
  step: number;
  wallTime: number;
  /** `brain.Event:2` -> 2. */
  fileVersion?: number;
  /** SessionLog status: 1 START (a writer started), 2 STOP, 3 CHECKPOINT. */
  sessionStatus?: number;
  hasSummary: boolean;
  /** Every tag the summary names (scalar or not), for TensorBoard's purge by tags. */
  tags: string[];
  points: ScalarPoint[];
}

export function decodeEvent(bytes: Uint8Array, kinds: TagKinds): DecodedEvent {
  const event: DecodedEvent = { step: 0, wallTime: 0, hasSummary: false, tags: [], points: [] };
  let summary: Uint8Array | undefined;
  fields(bytes, (field, wireType, r) => {
    if (field === 1 && wireType === 1) event.wallTime = r.double();
    else if (field === 2 && wireType === 0) event.step = Number(r.int64());
    else if (field === 3 && wireType === 2) {
      const version = Number(text.decode(r.bytesField()).split('brain.Event:').pop());
      if (Number.isFinite(version)) event.fileVersion = version;
    } else if (field === 5 && wireType === 2) summary = r.bytesField();
    else if (field === 7 && wireType === 2) fields(r.bytesField(), (f, w, s) => (f === 1 && w === 0 ? ((event.sessionStatus = s.varint()), true) : false));
    else return false;
    return true;
  });
  if (summary) {
    event.hasSummary = true;
    fields(summary, (field, wireType, r) => {
      if (field !== 1 || wireType !== 2) return false;
      const valueBytes = r.bytesField();
      const value = summaryValue(valueBytes, kinds);
      let tag = '';
      fields(valueBytes, (f, w, v) => (f === 1 && w === 2 ? ((tag = text.decode(v.bytesField())), true) : false));
      event.tags.push(tag);
      if (value) event.points.push({ tag: value.tag, step: event.step, wallTime: event.wallTime, value: value.value });
      return true;
    });
  }
  return event;
}

// ------------------------------------------------------------------ following a growing file

export interface TailBatch {
  events: DecodedEvent[];
  /** Records whose checksum failed or that did not decode (the file is damaged there). */
  damaged: number;
}

/** Reads one event file as it grows: whole records only; a record being written waits for its bytes. */
export class TfEventsTail {
  /** Bytes read from the file so far (a partial record included): where the next read starts. */
  offset = 0;
  private pending: Uint8Array = new Uint8Array(0);
  /** Where reading stopped for good: a record's length failed its checksum there. */
  private brokenAt: number | undefined;
  private lfsPointer = false;
  private damagedRecords = 0;
  private firstDamagedAt = 0;

  /** `kinds` is shared by the files of one run (a tag's metadata comes once per run). */
  constructor(private readonly kinds: TagKinds) {}

  push(chunk: Uint8Array): TailBatch {
    this.offset += chunk.length;
    const batch: TailBatch = { events: [], damaged: 0 };
    if (this.brokenAt !== undefined) return batch;
    const bytes = this.pending.length ? concat(this.pending, chunk) : chunk;
    const start = this.offset - bytes.length;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const damaged = (at: number) => {
      if (this.damagedRecords++ === 0) this.firstDamagedAt = start + at;
      batch.damaged++;
    };
    let at = 0;
    while (bytes.length - at >= 12) {
      if (maskedCrc32c(bytes.subarray(at, at + 8)) !== view.getUint32(at + 8, true)) {
        // A corrupt length: nothing after it can be framed (TensorBoard stops there too).
        batch.damaged++;
        this.brokenAt = start + at;
        this.lfsPointer = this.brokenAt === 0 && LFS_POINTER.test(text.decode(bytes.subarray(0, 64)));
        break;
      }
      const length = Number(view.getBigUint64(at, true));
      if (bytes.length - at < 16 + length) break; // the record is still being written
      const data = bytes.subarray(at + 12, at + 12 + length);
      const recordAt = at;
      at += 16 + length;
      if (maskedCrc32c(data) !== view.getUint32(at - 4, true)) {
        damaged(recordAt);
        continue;
      }
      try {
        batch.events.push(decodeEvent(data, this.kinds));
      } catch {
        damaged(recordAt);
      }
    }
    // a copy: `chunk` may be a Buffer its reader refills (Buffer#slice would be a view of it)
    this.pending = this.brokenAt !== undefined ? new Uint8Array(0) : new Uint8Array(bytes.subarray(at));
    return batch;
  }

  /** What was lost from this file so far, for the user (empty when it read whole). */
  problems(): string[] {
    const problems: string[] = [];
    if (this.damagedRecords > 0) problems.push(`skipped ${this.damagedRecords} damaged record(s) (checksum or decoding failed), the first at byte ${this.firstDamagedAt}`);
    if (this.lfsPointer) problems.push('a Git LFS pointer, not the event file: no points read (git lfs pull fetches the file)');
    else if (this.brokenAt !== undefined) problems.push(`damaged at byte ${this.brokenAt} of ${this.offset}: a record's length fails its checksum, so reading stopped there and the points after it are missing (TensorBoard stops there too)`);
    // A writer's buffered flushes can leave a live file ending mid-record for a while too.
    else if (this.pending.length > 0) problems.push(`ends inside a record at byte ${this.offset - this.pending.length} of ${this.offset}: truncated, unless its writer is still writing it (the points in it are not read)`);
    return problems;
  }
}

/** What could not be read of a log folder's event files (file name -> its tail), each naming its file. */
export function logProblems(files: Iterable<[string, { tail: TfEventsTail }]>): string[] {
  return [...files].flatMap(([name, { tail }]) => tail.problems().map((p) => `${name}: ${p}`));
}

/** The first line of a Git LFS pointer file (a checkout without `git lfs pull`). */
const LFS_POINTER = /^version https:\/\/git-lfs\b/;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

// ------------------------------------------------------------------ a run: its files' events in order

const SESSION_START = 1;

/**
 * A TensorBoard run (one folder's event files, read in name order) as its scalars
 * dashboard shows it: TensorBoard's purge rules applied. With file version 2 (every current
 * writer), a SessionLog START after the run's first one drops every point at or past its
 * step (a writer restarted with purge_step); with older files, a summary whose step goes
 * back drops its own tags' points at or past that step.
 */
export class ScalarRun {
  readonly kinds: TagKinds = new Map();
  private readonly byTag = new Map<string, ScalarPoint[]>();
  private fileVersion: number | undefined;
  private seenStart = false;
  private mostRecentStep = -1;
  /** Incremented by every purge that removed points: what was sent before is void. */
  purges = 0;

  /** Apply events in order; returns the points they added. */
  apply(events: readonly DecodedEvent[]): ScalarPoint[] {
    const added: ScalarPoint[] = [];
    for (const event of events) {
      if (event.fileVersion !== undefined) this.fileVersion = event.fileVersion;
      if (this.fileVersion !== undefined && this.fileVersion >= 2) {
        if (event.sessionStatus === SESSION_START) {
          if (this.seenStart) this.purge(event.step, undefined);
          this.seenStart = true;
        }
      } else if (event.step < this.mostRecentStep && event.hasSummary) this.purge(event.step, event.tags);
      if (event.hasSummary) this.mostRecentStep = event.step;
      for (const point of event.points) {
        let list = this.byTag.get(point.tag);
        if (!list) this.byTag.set(point.tag, (list = []));
        list.push(point);
        added.push(point);
      }
    }
    return added;
  }

  /** Every point kept, by tag (tags sorted). */
  scalars(): Map<string, ScalarPoint[]> {
    return new Map([...this.byTag].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private purge(step: number, tags: readonly string[] | undefined): void {
    let removed = 0;
    for (const tag of tags ?? [...this.byTag.keys()]) {
      const list = this.byTag.get(tag);
      if (!list) continue;
      const kept = list.filter((p) => p.step < step);
      removed += list.length - kept.length;
      this.byTag.set(tag, kept);
    }
    if (removed > 0) this.purges++;
  }
}
