// The stale setting, read by every view that judges a run's liveness (core/runs/runFolder.ts runState).
import * as vscode from 'vscode';
import { DEFAULT_STALE_SECONDS } from '../../core/runs/runFolder';

export { endedHere } from '../../core/runs/processEnded';

/** ptlab.staleAfterSeconds: a running run whose heartbeat is older is shown as stale. */
export function staleSeconds(): number {
  return vscode.workspace.getConfiguration('ptlab').get<number>('staleAfterSeconds', DEFAULT_STALE_SECONDS);
}
