// A worker for the rpc tests: echoes, counts with progress until cancelled, fails on demand,
// and emits an event on request.
import { serveWorker } from '../../src/workers/rpc';
import type { EchoEvents, EchoRequests } from './echoProtocol';

const { emit } = serveWorker<EchoRequests, EchoEvents>({
  echo: (params) => params,
  count: async ({ to }, { signal, progress }) => {
    for (let i = 1; i <= to; i++) {
      if (signal.aborted) return { reached: i - 1, cancelled: true };
      progress(i);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { reached: to, cancelled: false };
  },
  fail: ({ message }) => {
    throw new Error(message);
  },
  announce: ({ text }) => {
    emit('note', { text });
    return true;
  },
  exit: () => process.exit(3),
});
