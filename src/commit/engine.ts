/**
 * The transaction engine (docs/design/architecture.md §6). Every phase finishes on all devices
 * before the next starts: lock, connect, device lock + fingerprint, write,
 * validate, confirmed commit (or plain commit), read-back (verify), confirm, read-back again. On failure every
 * touched device is restored (do_rollback), or only the failed ones.
 * A device error never escapes: it becomes that device's result.
 */
import type { ErrorCode } from '../model/errorCodes.ts';
import { errorInfo, isSessionLost } from '../model/errorCodes.ts';
import { NetsyncError, isNetsyncError } from '../model/errors.ts';
import { hostnameKey } from '../model/device.ts';
import { silentLogger, systemClock } from '../model/ports.ts';
import { persistIdOf } from './cancelPending.ts';
import { hasConfigContent } from './configContent.ts';
import { lockClearingLeftovers } from './leftoverSessions.ts';
import { mapLimit } from './mapLimit.ts';
import { verifyApplied } from './verifyApplied.ts';
import type { CommitPorts } from './ports.ts';
import type { DeviceSession } from './session.ts';
import type { CommitFlags, NodeResult, Phase, RestconfError, RollbackStatus, TransactionItem, TransactionOutcome } from './types.ts';
import { DEFAULT_FLAGS } from './types.ts';

/** What is on the device because of us, which decides how to undo it. */
type Touched = 'none' | 'candidate' | 'maybe-confirmed' | 'confirmed' | 'committed';

interface DeviceRun {
  item: TransactionItem;
  hostname: string;
  session?: DeviceSession;
  active: boolean;
  unreachable: boolean;
  phase: Phase;
  touched: Touched;
  usesConfirmed: boolean;
  /** When the confirmed commit was sent (clock ms): the device's timer cannot end before this + timeout. */
  confirmSentAt?: number;
  snapshot?: string;
  error?: { code: ErrorCode; message: string; phase: Phase; tag?: string };
  result?: NodeResult['configuration-status'];
  rollback: RollbackStatus;
  rollbackError?: { code: ErrorCode; message: string };
  diff?: string;
}

export interface TransactionInput {
  id: string;
  items: TransactionItem[];
  flags?: Partial<CommitFlags>;
}

/** Checks that make a transaction impossible before any device is contacted. */
export function checkItems(items: TransactionItem[]): void {
  if (items.length === 0) throw new NetsyncError('BAD_REQUEST', 'a transaction needs at least one device', {});
  const seen = new Set<string>();
  for (const item of items) {
    const key = hostnameKey(item.target.hostname);
    if (seen.has(key)) {
      throw new NetsyncError('BAD_REQUEST', `device '${item.target.hostname}' appears twice in the transaction; give each device one config`, {
        hostname: item.target.hostname,
      });
    }
    seen.add(key);
    if (!hasConfigContent(item.config)) {
      throw new NetsyncError('BAD_REQUEST', `the config for '${item.target.hostname}' is empty (nothing but blanks, comments or wrappers); an empty config would wipe the device`, {
        hostname: item.target.hostname,
      });
    }
  }
}

function describe(err: unknown): { code: ErrorCode; message: string; tag?: string } {
  if (isNetsyncError(err)) {
    const tag = typeof err.data.errorTag === 'string' ? err.data.errorTag : undefined;
    return { code: err.code, message: err.message, ...(tag ? { tag } : {}) };
  }
  return { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) };
}

export async function runTransaction(input: TransactionInput, ports: CommitPorts): Promise<TransactionOutcome> {
  const flags: CommitFlags = { ...DEFAULT_FLAGS, ...input.flags };
  const clock = ports.clock ?? systemClock;
  const log = (ports.logger ?? silentLogger).child({ transaction: input.id });
  const mask = ports.mask ?? ((text: string) => text);
  const persistId = persistIdOf(input.id);
  const startedAt = clock().toISOString();
  checkItems(input.items);

  const runs: DeviceRun[] = input.items.map((item) => ({
    item,
    hostname: item.target.hostname,
    active: true,
    unreachable: false,
    phase: 'lock',
    touched: 'none',
    usesConfirmed: false,
    rollback: 'not-needed',
  }));
  const active = () => runs.filter((r) => r.active);
  let aborted = false;

  const fail = (run: DeviceRun, phase: Phase, err: unknown) => {
    run.active = false;
    run.result = 'fail';
    run.error = { ...describe(err), phase };
    log.warn({ device: run.hostname, phase, code: run.error.code }, run.error.message);
  };

  /** Run one phase on every active device; false when the transaction must stop and roll back. */
  const phase = async (name: Phase, fn: (run: DeviceRun, session: DeviceSession) => Promise<void>, only?: (run: DeviceRun) => boolean) => {
    const targets = active().filter((r) => !only || only(r));
    if (targets.length === 0) return true;
    await ports.onPhase?.(name, targets.map((r) => r.hostname));
    await mapLimit(targets, flags.concurrency, async (run) => {
      run.phase = name;
      try {
        await fn(run, run.session!);
      } catch (err) {
        fail(run, run.phase, err); // a phase may narrow run.phase (device lock, then fingerprint)
      }
    });
    const failed = targets.some((r) => r.result === 'fail');
    if (failed && flags.rollback) aborted = true;
    return !aborted;
  };

  // 1. Transaction locks (in-process, or PostgreSQL advisory locks shared by the replicas): all or nothing,
  // never waiting. Taken inside the try, so a store error half-way still releases the locks already taken.
  // Every transaction takes them in one order (lower-cased hostname) and stops at the first refusal, so of
  // two overlapping transactions started at the same moment exactly one gets all its devices: neither can
  // hold a device the other needs before the device they both refused.
  const locked: DeviceRun[] = [];
  try {
    for (const run of [...runs].sort((a, b) => compareKeys(hostnameKey(a.hostname), hostnameKey(b.hostname)))) {
      if (await ports.locks.tryLockDevice(run.hostname, input.id)) {
        locked.push(run);
        continue;
      }
      const holder = await ports.locks.lockHolder(run.hostname);
      fail(
        run,
        'lock',
        new NetsyncError('LOCKED', `${run.hostname}: transaction ${holder ?? '(unknown)'} is working on this device; retry when it has finished`, {
          hostname: run.hostname,
          holder: holder ?? null,
        }),
      );
      break;
    }
    if (runs.some((r) => r.result === 'fail')) {
      aborted = true;
    } else {
      try {
        await execute();
      } catch (err) {
        // Not a device's failure (e.g. the store could not record progress): stop and undo everything.
        aborted = true;
        for (const run of active()) fail(run, run.phase, err);
      }
    }
    if (aborted || runs.some((r) => r.result === 'fail')) await rollbackAll();
    await closeAll();
  } finally {
    for (const run of locked) {
      await ports.locks.unlockDevice(run.hostname, input.id).catch((err: unknown) => log.error({ device: run.hostname, err }, 'could not release the transaction lock'));
    }
  }
  return outcome();

  async function execute(): Promise<void> {
    // 2. Connect. Unreachable devices may be skipped; anything else that stops an attempt fails the device.
    await phase('connect', async (run) => {
      try {
        run.session = await ports.sessions.open(run.item.target);
        run.session.useSessionName?.(persistId);
      } catch (err) {
        if (flags.skipUnreachable && isNetsyncError(err) && err.code === 'DEVICE_UNREACHABLE') {
          run.active = false;
          run.unreachable = true;
          run.result = 'skipped';
          run.error = { ...describe(err), phase: 'connect' };
          return;
        }
        throw err;
      }
    });
    if (aborted) return;

    // 3. Device lock and fingerprint: the device and the store still hold what the change was planned against.
    const ok = await phase('lock', async (run, session) => {
      await lockClearingLeftovers(session, ports.leftovers, log);
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
        throw new NetsyncError('FINGERPRINT_MISMATCH', `${run.hostname}: the device's running config changed outside netsync since this change was planned (drift); re-sync or plan again`, {
          hostname: run.hostname,
          expected,
        });
      }
    });
    if (!ok) return;

    // 4. Write the candidate.
    if (
      !(await phase('write', async (run, session) => {
        run.touched = 'candidate';
        await session.loadCandidate(run.item.config, flags.mode);
        if (flags.collectDiff) run.diff = await session.diff();
      }))
    )
      return;

    // 5. Validate where supported.
    if (flags.validate && !(await phase('validate', (_run, session) => session.validate(), (r) => r.session!.capabilities.validate))) return;

    // 6. Confirmed commit (devices revert by themselves if we never confirm), or a plain commit where unsupported.
    if (
      !(await phase('confirmed-commit', async (run, session) => {
        run.confirmSentAt = clock().getTime();
        try {
          await session.commitConfirmed(flags.confirmTimeoutSeconds, persistId);
          run.touched = 'confirmed';
        } catch (err) {
          // A dropped session may have committed before it went: undo by persist-id from a new session.
          if (isSessionLost(describe(err).code)) run.touched = 'maybe-confirmed';
          throw err;
        }
      }, (r) => r.usesConfirmed))
    )
      return;
    if (
      !(await phase('commit', async (run, session) => {
        await session.commit();
        run.touched = 'committed';
      }, (r) => !r.usesConfirmed))
    )
      return;

    // 7. Read back every device's running config and check it shows what was sent (verifyApplied.ts).
    // Before the confirming commit, not after it: a device found not to run what was sent (and every other
    // device, with do_rollback) is then undone by cancel-commit, the device's own clean revert, and no
    // device has made the change final. The confirming commit only makes the running config read here
    // permanent; it does not change it (RFC 6241 §8.4), and the candidate stays ours under the lock; the
    // final state is still read back once more after the confirm (9.) rather than assumed.
    // Plain-commit devices are final already; a mismatch there is undone from the saved config.
    if (!(await phase('verify', async (run, session) => void (await verifyApplied(session, run.item.config, flags.mode, mask))))) return;

    // 8. Confirming commit.
    await phase('confirm', async (run, session) => {
      try {
        await session.confirm(persistId);
      } catch (err) {
        // Refused after the timer ran out: the device has reverted by itself, say so rather than echo its complaint.
        if (timerExpired(run) && !isSessionLost(describe(err).code)) {
          throw new NetsyncError(
            'CONFIRM_TIMEOUT',
            `${run.hostname}: the confirm timeout (${flags.confirmTimeoutSeconds} s) passed before the confirming commit, so the device reverted by itself; raise confirm_timeout or lower concurrency (device said: ${describe(err).message})`,
            { hostname: run.hostname, confirmTimeoutSeconds: flags.confirmTimeoutSeconds },
            { cause: err },
          );
        }
        throw err;
      }
      run.touched = 'committed';
    }, (r) => r.usesConfirmed);
    if (aborted) return;

    // 9. The confirmed devices' final state: still what was sent after the confirming commit (else undone from the saved config).
    await phase('verify-confirmed', async (run, session) => void (await verifyApplied(session, run.item.config, flags.mode, mask)), (r) => r.usesConfirmed);
    if (aborted) return;
    for (const run of active()) run.result = 'complete';
  }

  /** The device's confirm timer may have run out: a refusal from then on means it reverted by itself. */
  function timerExpired(run: DeviceRun): boolean {
    return run.confirmSentAt !== undefined && clock().getTime() - run.confirmSentAt >= flags.confirmTimeoutSeconds * 1000;
  }

  async function rollbackAll(): Promise<void> {
    const undo = runs.filter((r) => r.touched !== 'none' && (flags.rollback || r.result === 'fail'));
    if (undo.length) await Promise.resolve(ports.onPhase?.('rollback', undo.map((r) => r.hostname))).catch(() => undefined);
    await mapLimit(undo, flags.concurrency, async (run) => {
      try {
        await rollbackOne(run);
        run.rollback = 'complete';
      } catch (err) {
        run.rollback = 'fail';
        run.rollbackError = describe(err);
        log.error({ device: run.hostname, code: run.rollbackError.code }, `rollback failed: ${run.rollbackError.message}`);
      }
    });
    // With do_rollback, devices that finished fine but were undone are not "complete".
    for (const run of runs) if (run.result === undefined || (run.result === 'complete' && run.rollback === 'complete')) run.result = run.touched === 'none' ? 'not-attempted' : 'fail';
  }

  async function rollbackOne(run: DeviceRun): Promise<void> {
    const lost = Boolean(run.error && isSessionLost(run.error.code));
    /** The session to undo with: ours, or a fresh one when ours was lost. */
    const alive = async () => {
      if (run.session && !lost) return run.session;
      await run.session?.close().catch(() => undefined);
      run.session = await ports.sessions.open(run.item.target);
      run.session.useSessionName?.(persistId);
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
        try {
          await s.cancelCommit(persistId);
        } catch (err) {
          const refused = isNetsyncError(err) && !isSessionLost(err.code);
          // Nothing pending under our persist-id: the commit never happened.
          if (run.touched === 'maybe-confirmed' && refused) return;
          // The timer ran out: the device already reverted (checked against the saved config when there is one).
          if (refused && timerExpired(run) && (run.snapshot === undefined || (await s.getRunningConfig()) === run.snapshot)) return;
          // The commit was acknowledged but not applied, so nothing is pending: fine if the device runs its old config.
          if (refused && (await unchanged(run, s))) return;
          throw err;
        }
        await s.discard().catch(() => undefined);
        return;
      }
      case 'committed': {
        if (run.snapshot === undefined) {
          throw new NetsyncError('ROLLBACK_IMPOSSIBLE', `${run.hostname}: the change was already confirmed and no earlier config was saved; restore it by hand or re-sync`, {
            hostname: run.hostname,
          });
        }
        const s = await alive();
        // Acknowledged but not applied: nothing to restore, only the uncommitted candidate to throw away.
        if (await unchanged(run, s)) return;
        await s.loadCandidate(run.snapshot, 'replace');
        await s.commit();
        return;
      }
      default:
        return;
    }
  }

  /** A device that failed the read-back still runs the config saved before the write (its candidate is discarded). */
  async function unchanged(run: DeviceRun, s: DeviceSession): Promise<boolean> {
    if (run.error?.code !== 'COMMIT_NOT_APPLIED' || run.snapshot === undefined || (await s.getRunningConfig()) !== run.snapshot) return false;
    await s.discard().catch(() => undefined);
    return true;
  }

  async function closeAll(): Promise<void> {
    await mapLimit(
      runs.filter((r) => r.session),
      flags.concurrency,
      async (run) => {
        // Ending the session releases the device lock (RFC 6241 §7.5): no separate unlock round trip.
        await run.session!.close().catch(() => undefined);
      },
    );
  }

  function outcome(): TransactionOutcome {
    const nodeResults: NodeResult[] = runs.map((run) => ({
      'node-id': run.hostname,
      'configuration-status': run.result ?? 'not-attempted',
      'rollback-status': run.rollback,
      phase: run.phase,
      ...(run.error ? { error: { code: run.error.code, message: run.error.message, phase: run.error.phase } } : {}),
      ...(run.rollbackError ? { 'rollback-error': run.rollbackError } : {}),
      ...(run.diff !== undefined ? { diff: run.diff } : {}),
    }));
    const errors: RestconfError[] = [];
    for (const run of runs) {
      if (run.result === 'skipped') continue;
      const entries: { code: ErrorCode; message: string; tag?: string }[] = [];
      if (run.error) entries.push({ ...run.error, message: `${run.hostname}: ${run.error.phase} failed: ${stripHost(run.error.message, run.hostname)}` });
      if (run.rollbackError) entries.push({ ...run.rollbackError, message: `${run.hostname}: rollback failed: ${stripHost(run.rollbackError.message, run.hostname)}` });
      for (const e of entries) {
        errors.push({
          'error-type': errorInfo(e.code).rpcErrorType ?? 'application',
          'error-tag': e.tag ?? errorInfo(e.code).rpcErrorTag,
          'error-message': e.message,
          'error-info': { 'node-id': run.hostname, 'configuration-status': run.result ?? 'not-attempted', 'rollback-status': run.rollback, code: e.code },
        });
      }
    }
    const status = runs.every((r) => r.result === 'complete' || r.result === 'skipped') ? 'complete' : 'fail';
    return {
      id: input.id,
      status,
      'node-results': nodeResults,
      'unreachable-nodes': runs.filter((r) => r.unreachable).map((r) => r.hostname),
      ...(errors.length ? { errors: { errors: { error: errors } } } : {}),
      startedAt,
      finishedAt: clock().toISOString(),
    };
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stripHost(message: string, hostname: string): string {
  return message.startsWith(`${hostname}: `) ? message.slice(hostname.length + 2) : message;
}
