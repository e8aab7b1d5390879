// One pass at a time over state that changes under it (a workspace scan, a check of the runs):
// a call while a pass runs gets the next pass, which starts when the running one ends and
// serves every call made meanwhile. So passes never overlap (an older pass cannot finish last
// and overwrite a newer one's result), and each call's promise settles after a pass that
// started after the call.
export function coalesced(pass: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const current = pass().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  return () => {
    if (!running) return start();
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
