// Stopping everything a test sandbox started, so the sandbox can be removed.
// Tasks run in their own terminal sessions, outside code-server's process group: a
// trainer told to stop by SIGHUP still writes its last checkpoint into the workspace,
// which is why the harness waits for such processes before it deletes the folder.
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';

/** Processes (not this one) whose command line or working directory lies under `dir`. */
export function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const cwd = safeReadlink(`/proc/${pid}/cwd`);
      if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(pid);
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until no process in `pids` is alive, up to `ms`; returns those still alive. */
async function waitForExit(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids.filter((p) => signal(p, 0));
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100);
    alive = alive.filter((p) => signal(p, 0));
  }
  return alive;
}

/** SIGTERM to every process using `dir`, SIGKILL to those still there after `graceMs`. */
export async function stopProcessesUsing(dir: string, graceMs = 15_000): Promise<void> {
  const pids = processesUsing(dir);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const stubborn = await waitForExit(pids, graceMs);
  for (const pid of stubborn) signal(pid, 'SIGKILL');
  await waitForExit(stubborn, 5_000);
}

/** Removes a test sandbox once nothing uses it; a leftover temp folder is a warning, not a failure. */
export async function removeSandbox(dir: string): Promise<void> {
  await stopProcessesUsing(dir);
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (err) {
    console.warn(`warning: could not remove the test sandbox ${dir}: ${(err as Error).message}`);
  }
}
