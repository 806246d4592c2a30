/**
 * Undoing a transaction (docs/design/architecture.md §6): every touched device with do_rollback, only the
 * failed ones without. How a device is undone depends on what is on it because of us: a candidate is
 * discarded, a confirmed commit cancelled by persist-id, a final commit replaced by the config saved at lock
 * time.
 */
import { isSessionLost } from '../model/errorCodes.ts';
import { NetsyncError, isNetsyncError } from '../model/errors.ts';
import { mapLimit } from './mapLimit.ts';
import type { DeviceRun, RunState } from './runState.ts';
import { describeError, timerExpired } from './runState.ts';
import type { DeviceSession } from './session.ts';

export async function rollbackAll(state: RunState): Promise<void> {
  const { runs, flags } = state;
  const undo = runs.filter((r) => r.touched !== 'none' && (flags.rollback || r.result === 'fail'));
  if (undo.length)
    await Promise.resolve(
      state.ports.onPhase?.(
        'rollback',
        undo.map((r) => r.hostname),
      ),
    ).catch(() => undefined);
  await mapLimit(undo, flags.concurrency, async (run) => {
    try {
      await rollbackOne(state, run);
      run.rollback = 'complete';
    } catch (err) {
      run.rollback = 'fail';
      run.rollbackError = describeError(err);
      state.log.error({ device: run.hostname, code: run.rollbackError.code }, `rollback failed: ${run.rollbackError.message}`);
    }
  });
  // With do_rollback, devices that finished fine but were undone are not "complete".
  for (const run of runs)
    if (run.result === undefined || (run.result === 'complete' && run.rollback === 'complete')) run.result = run.touched === 'none' ? 'not-attempted' : 'fail';
}

async function rollbackOne(state: RunState, run: DeviceRun): Promise<void> {
  const lost = Boolean(run.error && isSessionLost(run.error.code));
  /** The session to undo with: ours, or a fresh one when ours was lost. */
  const alive = async () => {
    if (run.session && !lost) return run.session;
    await run.session?.close().catch(() => undefined);
    run.session = await state.ports.sessions.open(run.item.target);
    run.session.useSessionName?.(state.persistId);
    return run.session;
  };
  switch (run.touched) {
    case 'candidate':
      // NETCONF discards an uncommitted, locked candidate when the session ends; EOS keeps its config session.
      if (lost && !run.session?.useSessionName) return;
      await (await alive()).discard();
      return;
    case 'maybe-confirmed':
    case 'confirmed': {
      const s = await alive();
      if (lost && !s.capabilities.persist) return; // without persist the device reverted when the session ended
      await cancelConfirmed(state, run, s);
      return;
    }
    case 'committed':
      await restoreSnapshot(run, alive);
      return;
    default:
      return;
  }
}

/** Cancels the pending confirmed commit by persist-id; a refusal is fine when the device provably runs its old config. */
async function cancelConfirmed(state: RunState, run: DeviceRun, s: DeviceSession): Promise<void> {
  try {
    await s.cancelCommit(state.persistId);
  } catch (err) {
    const refused = isNetsyncError(err) && !isSessionLost(err.code);
    // Nothing pending under our persist-id: the commit never happened.
    if (run.touched === 'maybe-confirmed' && refused) return;
    // The timer ran out: the device already reverted (checked against the saved config when there is one).
    if (refused && timerExpired(state, run) && (run.snapshot === undefined || (await s.getRunningConfig()) === run.snapshot)) return;
    // The commit was acknowledged but not applied, so nothing is pending: fine if the device runs its old config.
    if (refused && (await unchanged(run, s))) return;
    throw err;
  }
  await s.discard().catch(() => undefined);
}

/** A final commit is undone by loading the config saved at lock time again. */
async function restoreSnapshot(run: DeviceRun, alive: () => Promise<DeviceSession>): Promise<void> {
  if (run.snapshot === undefined) {
    throw new NetsyncError(
      'ROLLBACK_IMPOSSIBLE',
      `${run.hostname}: the change was already confirmed and no earlier config was saved; restore it by hand or re-sync`,
      {
        hostname: run.hostname,
      },
    );
  }
  const s = await alive();
  // Acknowledged but not applied: nothing to restore, only the uncommitted candidate to throw away.
  if (await unchanged(run, s)) return;
  await s.loadCandidate(run.snapshot, 'replace');
  await s.commit();
}

/** A device that failed the read-back still runs the config saved before the write (its candidate is discarded). */
async function unchanged(run: DeviceRun, s: DeviceSession): Promise<boolean> {
  if (run.error?.code !== 'COMMIT_NOT_APPLIED' || run.snapshot === undefined || (await s.getRunningConfig()) !== run.snapshot) return false;
  await s.discard().catch(() => undefined);
  return true;
}
