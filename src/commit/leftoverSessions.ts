/**
 * A pending EOS configuration session named `netsync-<run id>` whose run is no longer live is netsync's own
 * leftover (a daemon that died mid-run, a recovery that could not reach the device): at lock time it is
 * aborted and the run's owner is told, instead of failing every later sync with EOS_SESSION_LOCKED.
 */
import { isNetsyncError } from '../model/errors.ts';
import type { Logger } from '../model/ports.ts';
import type { DeviceSession } from './session.ts';

export interface LeftoverSessions {
  /** The run id when the session is one of netsync's runs that no longer runs; undefined to leave it alone. */
  deadRun(sessionName: string): Promise<string | undefined>;
  /** Tells the run's owner (job log, run notes) what was done. */
  report(hostname: string, message: string): Promise<void>;
}

const RUN_SESSION = /^netsync-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The run id a session name belongs to (`netsync-<uuid>`), if it is one of netsync's. */
export function runIdOfSession(name: string): string | undefined {
  return RUN_SESSION.exec(name)?.[1];
}

/** session.lock(), aborting netsync's own leftover sessions that stand in the way (a few at most). */
export async function lockClearingLeftovers(session: DeviceSession, leftovers: LeftoverSessions | undefined, log: Logger): Promise<void> {
  for (let cleared = 0; ; cleared++) {
    try {
      await session.lock();
      return;
    } catch (err) {
      const name = isNetsyncError(err) && err.code === 'EOS_SESSION_LOCKED' && typeof err.data.session === 'string' ? err.data.session : undefined;
      const run = name && leftovers && session.abortSession && cleared < 5 ? await leftovers.deadRun(name) : undefined;
      if (!name || !run) throw err;
      await session.abortSession!(name);
      const message = `${session.hostname}: aborted configuration session '${name}', left pending by netsync run ${run} which is no longer running`;
      log.warn({ device: session.hostname, session: name, run }, message);
      await leftovers!.report(session.hostname, message);
    }
  }
}
