/**
 * The phases of a transaction (docs/design/architecture.md §6), each a named step over the run state: every
 * phase finishes on all devices before the next starts, and the run stops at the first phase after which it
 * must roll back. Order: connect, device lock + fingerprint, write, validate, confirmed commit (or plain
 * commit), read-back (verify), confirm, read-back again.
 */
import { isSessionLost } from '../model/errorCodes.ts';
import { NetsyncError, isNetsyncError } from '../model/errors.ts';
import { lockClearingLeftovers } from './leftoverSessions.ts';
import type { DeviceRun, RunState } from './runState.ts';
import { activeRuns, describeError, runPhase, timerExpired } from './runState.ts';
import type { DeviceSession } from './session.ts';
import type { CommitFlags, Phase } from './types.ts';
import { verifyApplied } from './verifyApplied.ts';

export interface PhaseStep {
  name: Phase;
  /** Whether the step runs at all with these flags (validate only with do_validate). */
  enabled?: (flags: CommitFlags) => boolean;
  /** The devices it applies to (default: every active one). */
  only?: (run: DeviceRun) => boolean;
  run: (state: RunState, run: DeviceRun, session: DeviceSession) => Promise<void>;
}

/** Unreachable devices may be skipped (skip_unreachable); anything else that stops an attempt fails the device. */
async function connect(state: RunState, run: DeviceRun): Promise<void> {
  try {
    run.session = await state.ports.sessions.open(run.item.target);
    run.session.useSessionName?.(state.persistId);
  } catch (err) {
    if (state.flags.skipUnreachable && isNetsyncError(err) && err.code === 'DEVICE_UNREACHABLE') {
      run.active = false;
      run.unreachable = true;
      run.result = 'skipped';
      run.error = { ...describeError(err), phase: 'connect' };
      return;
    }
    throw err;
  }
}

/** Device lock and fingerprint: the device and the store still hold what the change was planned against. */
async function lockAndFingerprint(state: RunState, run: DeviceRun, session: DeviceSession): Promise<void> {
  const { ports, flags } = state;
  await lockClearingLeftovers(session, ports.leftovers, state.log);
  run.phase = 'fingerprint';
  run.usesConfirmed = flags.confirmedCommit && session.capabilities.confirmedCommit && session.capabilities.candidate;
  const expected = run.item.expectedHash;
  if (expected && ports.fingerprints) {
    const stored = await ports.fingerprints.storedHash(run.hostname);
    if (stored !== expected) {
      throw new NetsyncError('FINGERPRINT_MISMATCH', `${run.hostname}: the store's config hash changed since this change was planned; plan it again`, {
        hostname: run.hostname,
        expected,
        stored,
      });
    }
  }
  // Undoing a commit that is already final (plain commit, or confirmed before another device failed
  // its confirm) means loading the old config again; and a device failing the read-back is only known
  // to be unchanged by comparing with it (no pending commit to cancel). So it is always kept.
  const running = await session.getRunningConfig();
  run.snapshot = running;
  if (expected && ports.fingerprints && ports.fingerprints.hashOf(running) !== expected) {
    throw new NetsyncError(
      'FINGERPRINT_MISMATCH',
      `${run.hostname}: the device's running config changed outside netsync since this change was planned (drift); re-sync or plan again`,
      {
        hostname: run.hostname,
        expected,
      },
    );
  }
}

async function write(state: RunState, run: DeviceRun, session: DeviceSession): Promise<void> {
  run.touched = 'candidate';
  await session.loadCandidate(run.item.config, state.flags.mode);
  if (state.flags.collectDiff) run.diff = await session.diff();
}

/** Devices revert by themselves if we never confirm. */
async function confirmedCommit(state: RunState, run: DeviceRun, session: DeviceSession): Promise<void> {
  run.confirmSentAt = state.clock().getTime();
  try {
    await session.commitConfirmed(state.flags.confirmTimeoutSeconds, state.persistId);
    run.touched = 'confirmed';
  } catch (err) {
    // A dropped session may have committed before it went: undo by persist-id from a new session.
    if (isSessionLost(describeError(err).code)) run.touched = 'maybe-confirmed';
    throw err;
  }
}

/**
 * Read back every device's running config and check it shows what was sent (verifyApplied.ts). Before the
 * confirming commit, not after it: a device found not to run what was sent (and every other device, with
 * do_rollback) is then undone by cancel-commit, the device's own clean revert, and no device has made the
 * change final. The confirming commit only makes the running config read here permanent; it does not change
 * it (RFC 6241 §8.4), and the candidate stays ours under the lock; the final state is still read back once
 * more after the confirm (verify-confirmed) rather than assumed. Plain-commit devices are final already; a
 * mismatch there is undone from the saved config.
 */
async function verify(state: RunState, run: DeviceRun, session: DeviceSession): Promise<void> {
  await verifyApplied(session, run.item.config, state.flags.mode, state.mask);
}

async function confirm(state: RunState, run: DeviceRun, session: DeviceSession): Promise<void> {
  const { flags } = state;
  try {
    await session.confirm(state.persistId);
  } catch (err) {
    // Refused after the timer ran out: the device has reverted by itself, say so rather than echo its complaint.
    if (timerExpired(state, run) && !isSessionLost(describeError(err).code)) {
      throw new NetsyncError(
        'CONFIRM_TIMEOUT',
        `${run.hostname}: the confirm timeout (${flags.confirmTimeoutSeconds} s) passed before the confirming commit, so the device reverted by itself; raise confirm_timeout or lower concurrency (device said: ${describeError(err).message})`,
        { hostname: run.hostname, confirmTimeoutSeconds: flags.confirmTimeoutSeconds },
        { cause: err },
      );
    }
    throw err;
  }
  run.touched = 'committed';
}

/** The transaction's phases after the store locks, in order. */
export const PHASE_STEPS: readonly PhaseStep[] = [
  { name: 'connect', run: connect },
  { name: 'lock', run: lockAndFingerprint },
  { name: 'write', run: write },
  { name: 'validate', enabled: (flags) => flags.validate, only: (r) => r.session!.capabilities.validate, run: (_state, _run, session) => session.validate() },
  { name: 'confirmed-commit', only: (r) => r.usesConfirmed, run: confirmedCommit },
  {
    name: 'commit',
    only: (r) => !r.usesConfirmed,
    run: async (_state, run, session) => {
      await session.commit();
      run.touched = 'committed';
    },
  },
  { name: 'verify', run: verify },
  { name: 'confirm', only: (r) => r.usesConfirmed, run: confirm },
  // The confirmed devices' final state: still what was sent after the confirming commit (else undone from the saved config).
  { name: 'verify-confirmed', only: (r) => r.usesConfirmed, run: verify },
];

/** Runs the phases in order until one leaves the run aborted; devices still active at the end are complete. */
export async function runPhases(state: RunState, steps: readonly PhaseStep[] = PHASE_STEPS): Promise<void> {
  for (const step of steps) {
    if (step.enabled && !step.enabled(state.flags)) continue;
    await runPhase(state, step.name, (run, session) => step.run(state, run, session), step.only);
    if (state.aborted) return;
  }
  for (const run of activeRuns(state)) run.result = 'complete';
}
