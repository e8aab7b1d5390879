// Whether a run's process ended on this machine, as the trainer's resume check decides it
// (trainer/ptlab/runlog.py _ended_here): a killed job leaves run.json "running" with a heartbeat
// seconds old, and the trainer takes --resume at once. Node only (the extension host), never in a webview.
import { execFileSync } from 'node:child_process';
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

/** What a pid names on this machine now: a process's argv, `gone` (no such process, or a zombie),
 * or `unknown` and why (another user's process, a platform whose processes cannot be read). */
export type HostProcess = { argv: string[] } | { gone: true } | { unknown: string };

export function hostProcess(pid: number): HostProcess {
  if (process.platform === 'win32') return { unknown: 'Windows processes are not looked at' };
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? { gone: true } : { unknown: "another user's process" };
  }
  if (process.platform !== 'linux') return psArgv(pid);
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 1).trim().startsWith('Z') ? { gone: true } : { argv };
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { gone: true } : { unknown: (err as Error).message };
  }
}

/** macOS and the BSDs: ps's words (no argv boundaries), `<defunct>` for a zombie. */
function psArgv(pid: number): HostProcess {
  try {
    const line = execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8', timeout: 5_000 }).trim();
    return line === '' || line.includes('<defunct>') ? { gone: true } : { argv: line.split(/\s+/) };
  } catch {
    return { gone: true }; // ps exits 1 for a pid with no process
  }
}
