// Per-token records of PPO rollout turns: a run's tokens.jsonl (schemas/token-record.schema.json,
// written by trainer/ptlab/token_records.py), indexed by the episode each line belongs to (its
// record's step, split and episode number) and decoded from base64 little-endian arrays.
import { open } from 'node:fs/promises';
import { contractErrors } from '../contracts/contracts';
import type { TokenRecord } from '../contracts/generated/types';
import { LineSplitter } from './episodeIndex';
import type { EpisodeTokens, TurnTokens } from './types';

export const TOKEN_RECORDS_FILE = 'tokens.jsonl';

const FLOAT_FIELDS = ['sampling', 'training', 'entropy', 'ratio', 'weight'] as const;
const INT_FIELDS = ['ids', 'textEnds'] as const;

function decodeArray(base64: string, kind: 'f4' | 'i4', count: number, field: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== count * 4) throw new Error(`${field} holds ${bytes.length / 4} values where the record has ${count} tokens`);
  const values = new Array<number>(count);
  for (let i = 0; i < count; i++) values[i] = kind === 'f4' ? bytes.readFloatLE(i * 4) : bytes.readInt32LE(i * 4);
  return values;
}

/** A tokens.jsonl line decoded, or an error saying what is wrong with it. */
export function decodeTokenLine(text: string): TurnTokens {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON (a torn or garbage line)');
  }
  const errors = contractErrors('token-record.schema.json', value);
  if (errors.length) throw new Error(`${errors[0]!.pointer || '/'}: ${errors[0]!.message} (token-record.schema.json)`);
  const record = value as TokenRecord;
  const decoded: TurnTokens = {
    turn: record.turn,
    ...(record.update !== undefined ? { update: record.update } : {}),
    tokens: record.tokens,
    ids: [],
    textEnds: [],
    sampling: [],
    training: [],
    entropy: [],
    ratio: [],
    weight: [],
    advantage: record.advantage,
    value: record.value ?? null,
    return: record.return,
    reward: record.reward,
    ...(record.clip !== undefined ? { clip: record.clip } : {}),
  };
  for (const field of FLOAT_FIELDS) decoded[field] = decodeArray(record[field], 'f4', record.tokens, field);
  for (const field of INT_FIELDS) decoded[field] = decodeArray(record[field], 'i4', record.tokens, field);
  return decoded;
}

interface LineAt {
  offset: number;
  length: number;
  line: number;
}

const keyOf = (step: number, split: string, episode: number): string => `${step}\u0000${split}\u0000${episode}`;

/** A run's tokens.jsonl, indexed on first use and again as it grows (a running run appends to it). */
export class TokenRecordFile {
  private readonly lines = new Map<string, LineAt[]>();
  private splitter = new LineSplitter();
  private indexed = 0;
  private inode = -1;
  private lineCount = 0;
  private readonly skipped: string[] = [];

  constructor(readonly path: string) {}

  /** The turns recorded for one episode, in turn order; undefined when the run has no tokens.jsonl. */
  async episode(step: number, split: string, episode: number): Promise<EpisodeTokens | undefined> {
    const handle = await open(this.path, 'r').catch(() => undefined);
    if (!handle) return undefined;
    try {
      const { size, ino } = await handle.stat();
      // rewritten: a resumed run writes the records it keeps to a new file, then appends (it may
      // have grown past what was indexed by now): another inode, or a shorter file
      if (ino !== this.inode || size < this.indexed) this.reset(ino);
      await this.extend(handle, size);
      const problems = [...this.skipped];
      const turns: TurnTokens[] = [];
      for (const at of this.lines.get(keyOf(step, split, episode)) ?? []) {
        const bytes = Buffer.alloc(at.length);
        await handle.read(bytes, 0, at.length, at.offset);
        try {
          turns.push(decodeTokenLine(bytes.toString('utf8')));
        } catch (err) {
          problems.push(`line ${at.line}: ${(err as Error).message}`);
        }
      }
      turns.sort((a, b) => a.turn - b.turn);
      return { turns, problems };
    } finally {
      await handle.close();
    }
  }

  private reset(inode: number): void {
    this.inode = inode;
    this.lines.clear();
    this.skipped.length = 0;
    this.indexed = this.lineCount = 0;
    this.splitter = new LineSplitter();
  }

  /** Index the complete lines from where the last call stopped to `size`. */
  private async extend(handle: Awaited<ReturnType<typeof open>>, size: number): Promise<void> {
    const chunk = Buffer.alloc(1 << 20);
    while (this.indexed < size) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - this.indexed), this.indexed);
      if (!bytesRead) break;
      this.splitter.push(chunk.subarray(0, bytesRead), this.indexed, (bytes, offset) => this.add(bytes, offset));
      this.indexed += bytesRead;
    }
  }

  private add(bytes: Buffer, offset: number): void {
    const line = ++this.lineCount;
    const keys = keysOf(bytes);
    if (typeof keys === 'string') {
      if (this.skipped.length < 3) this.skipped.push(`line ${line}: ${keys}`);
      return;
    }
    const key = keyOf(keys.step, keys.split, keys.episode);
    const list = this.lines.get(key);
    const at = { offset, length: bytes.length, line };
    if (list) list.push(at);
    else this.lines.set(key, [at]);
  }
}

/** The episode a line belongs to, without decoding its arrays; or why it cannot be placed. */
function keysOf(bytes: Buffer): { step: number; split: string; episode: number } | string {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'not JSON (a torn or garbage line)';
  }
  const v = value as Partial<TokenRecord> | null;
  if (!v || typeof v !== 'object' || !Number.isInteger(v.step) || typeof v.split !== 'string' || !Number.isInteger(v.episode)) return 'not a token record (needs step, split, episode)';
  return { step: v.step!, split: v.split, episode: v.episode! };
}
