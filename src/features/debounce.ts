// One call `ms` after the last of a burst (file events come in bursts); `cancel` drops a pending one.
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
