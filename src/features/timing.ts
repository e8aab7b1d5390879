// Extension-host timings: how long activation took and the longest synchronous piece of
// work done on the host, by name. Read by the integration suite and bench/ (the targets:
// activation under 50 ms, nothing over 100 ms on the host).
export interface HostTimings {
  /** From the first line of dist/extension.js to the end of activate(): loading and activating. */
  activationMs: number | undefined;
  /** The same span in CPU time of the extension host process (what other processes on the machine cannot inflate). */
  activationCpuMs: number | undefined;
  /** activate() alone. */
  activateCallMs: number | undefined;
  /** The longest task by wall clock (inflated when other processes take the CPU). */
  longest: { name: string; ms: number } | undefined;
  /** Per task: wall-clock and CPU-time maxima. */
  byName: Record<string, { count: number; maxMs: number; maxCpuMs: number }>;
}

const timings: HostTimings = { activationMs: undefined, activationCpuMs: undefined, activateCallMs: undefined, longest: undefined, byName: {} };

/** Run `work` and record its duration under `name`. */
export function timed<T>(name: string, work: () => T): T {
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    return work();
  } finally {
    const used = process.cpuUsage(cpu);
    record(name, performance.now() - started, (used.user + used.system) / 1000);
  }
}

function record(name: string, ms: number, cpuMs: number): void {
  const entry = (timings.byName[name] ??= { count: 0, maxMs: 0, maxCpuMs: 0 });
  entry.count++;
  entry.maxMs = Math.max(entry.maxMs, ms);
  entry.maxCpuMs = Math.max(entry.maxCpuMs, cpuMs);
  if (!timings.longest || ms > timings.longest.ms) timings.longest = { name, ms };
}

/** `activateStarted`: performance.now() when activate() began. */
export function recordActivation(activateStarted: number): void {
  const now = performance.now();
  const [loadStart, loadCpu] = (globalThis as { __ptlabLoadStart?: [number, NodeJS.CpuUsage] }).__ptlabLoadStart ?? [activateStarted, undefined];
  timings.activationMs = now - loadStart;
  if (loadCpu) {
    const cpu = process.cpuUsage(loadCpu);
    timings.activationCpuMs = (cpu.user + cpu.system) / 1000;
  }
  timings.activateCallMs = now - activateStarted;
}

export function hostTimings(): HostTimings {
  return JSON.parse(JSON.stringify(timings)) as HostTimings;
}
