/**
 * After a crash: cancel what a cut-off transaction may have left pending on
 * its devices, by its persist-id (NETCONF cancel-commit with persist-id; EOS
 * `configure session NAME abort`), so devices go back now instead of at the
 * confirm timeout. Per-device results; nothing here throws.
 */
import type { ErrorCode } from '../model/errorCodes.ts';
import { isSessionLost } from '../model/errorCodes.ts';
import { isNetsyncError } from '../model/errors.ts';
import { mapLimit } from './mapLimit.ts';
import type { DeviceTarget, SessionFactory } from './session.ts';

export type CancelStatus = 'cancelled' | 'nothing-pending' | 'reverted-on-disconnect' | 'fail';

export interface CancelResult {
  'node-id': string;
  status: CancelStatus;
  error?: { code: ErrorCode; message: string };
}

export function persistIdOf(transactionId: string): string {
  return `netsync-${transactionId}`;
}

export async function cancelPending(transactionId: string, targets: DeviceTarget[], sessions: SessionFactory, concurrency = 50): Promise<CancelResult[]> {
  const persistId = persistIdOf(transactionId);
  const results: CancelResult[] = [];
  await mapLimit(targets, concurrency, async (target) => {
    const result: CancelResult = { 'node-id': target.hostname, status: 'fail' };
    results.push(result);
    try {
      const session = await sessions.open(target);
      try {
        session.useSessionName?.(persistId);
        // Without persist a confirmed commit ends with the session that made it.
        if (!session.capabilities.persist) {
          result.status = 'reverted-on-disconnect';
          return;
        }
        await session.cancelCommit(persistId);
        result.status = 'cancelled';
      } catch (err) {
        // The device refusing means nothing is pending under our persist-id.
        if (isNetsyncError(err) && !isSessionLost(err.code)) result.status = 'nothing-pending';
        else throw err;
      } finally {
        await session.close().catch(() => undefined);
      }
    } catch (err) {
      result.error = isNetsyncError(err) ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: String(err) };
    }
  });
  return results;
}
