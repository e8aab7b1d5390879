// Files written whole: under a temporary name beside the target, then renamed over it.
import { randomBytes } from 'node:crypto';

/**
 * A temporary name beside `file`, its own to this write: two writes of one file in one process
 * (two Export CSV in the metrics worker) would otherwise share a pid-named temp and interleave.
 */
export function tempBeside(file: string): string {
  return `${file}.${randomBytes(6).toString('hex')}.tmp`;
}
