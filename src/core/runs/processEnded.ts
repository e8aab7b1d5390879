// Whether a run's process ended on this machine, as the trainer's resume check decides it
// (trainer/ptlab/runlog.py _ended_here): a killed job leaves run.json "running" with a heartbeat
// seconds old, and the trainer takes --resume at once. Node only (the extension host), never in a webview.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunManifest } from '../contracts/generated/types';

/** True where run.json's process ran here and has ended (a zombie has); false where this machine
 * cannot tell: another host, no pid, another user's process, or Windows. */
export function endedHere(host: RunManifest['host']): boolean {
  const pid = host.pid;
  if (process.platform === 'win32' || !Number.isInteger(pid) || pid! <= 0 || host.hostname !== hostname()) return false;
  try {
    process.kill(pid!, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/)[0] === 'Z';
  } catch {
    return false;
  }
}
