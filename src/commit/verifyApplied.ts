/**
 * The read-back step of a transaction (docs/design/architecture.md §6): after a device's commit, read its running config and
 * check that it shows what was sent (the whole config for replace, the sent subtree or lines for merge;
 * the comparison is the driver's, DeviceSession.notApplied). A device that acknowledged a commit without
 * applying it (netconfd 2.13 did, for a merge after validate) fails with COMMIT_NOT_APPLIED instead of
 * being reported complete.
 */
import { NetsyncError } from '../model/errors.ts';
import type { DeviceSession, LoadMode } from './session.ts';

/** Returns the running config read back; throws COMMIT_NOT_APPLIED (what differs, masked) when it lacks what was sent. */
export async function verifyApplied(session: DeviceSession, sent: string, mode: LoadMode, mask: (text: string) => string): Promise<string> {
  const running = await session.getRunningConfig();
  const difference = session.notApplied(sent, mode, running);
  if (difference === undefined) return running;
  throw new NetsyncError(
    'COMMIT_NOT_APPLIED',
    `${session.hostname}: the device acknowledged the commit, but its running config read back does not show what was sent (${mode}): ${mask(difference)}`,
    { hostname: session.hostname, mode },
  );
}
