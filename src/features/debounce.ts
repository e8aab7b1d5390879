// One call `ms` after the last of a burst (file events, edits come in bursts); `cancel` drops a pending one.
export function debounce(fn: () => void, ms: number): (() => void) & { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  return Object.assign(
    () => {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    },
    { cancel: () => clearTimeout(timer) },
  );
}

/** `debounce` per key (a document's edits): one call `ms` after the last of a key's burst, with its
 * last argument; `cancel(key)` drops that key's pending call, `dispose` every one. */
export function debounceEach<T>(fn: (arg: T) => void, ms: number): ((key: string, arg: T) => void) & { cancel(key: string): void; dispose(): void } {
  const pending = new Map<string, NodeJS.Timeout>();
  const cancel = (key: string) => {
    clearTimeout(pending.get(key));
    pending.delete(key);
  };
  const schedule = (key: string, arg: T) => {
    clearTimeout(pending.get(key));
    pending.set(key, setTimeout(() => {
      pending.delete(key);
      fn(arg);
    }, ms));
  };
  return Object.assign(schedule, {
    cancel,
    dispose: () => [...pending.keys()].forEach(cancel),
  });
}
