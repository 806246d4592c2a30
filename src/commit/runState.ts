/**
 * The explicit state of one transaction run (engine.ts): every device's progress, what netsync has put on it,
 * and whether the run must stop and roll back. The phase steps (phases.ts), the rollback (rollback.ts) and the
 * outcome (outcome.ts) read and change only this.
 */
import type { ErrorCode } from '../model/errorCodes.ts';
import { isNetsyncError } from '../model/errors.ts';
import type { Clock, Logger } from '../model/ports.ts';
import { silentLogger, systemClock } from '../model/ports.ts';
import { persistIdOf } from './cancelPending.ts';
import { mapLimit } from './mapLimit.ts';
import type { CommitPorts } from './ports.ts';
import type { DeviceSession } from './session.ts';
import type { CommitFlags, NodeResult, Phase, RollbackStatus, TransactionItem } from './types.ts';
import { DEFAULT_FLAGS } from './types.ts';

/** What is on the device because of us, which decides how to undo it. */
export type Touched = 'none' | 'candidate' | 'maybe-confirmed' | 'confirmed' | 'committed';

export interface DeviceError {
  code: ErrorCode;
  message: string;
  /** The device's own RFC 6241 error-tag, when it sent one. */
  tag?: string;
}

export interface DeviceRun {
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
  error?: DeviceError & { phase: Phase };
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

export interface RunState {
  readonly id: string;
  readonly flags: CommitFlags;
  readonly ports: CommitPorts;
  readonly clock: Clock;
  readonly log: Logger;
  /** Hides secrets in device text put in errors and logs. */
  readonly mask: (text: string) => string;
  /** The confirmed commit's persist-id and the EOS session name: `netsync-<id>`. */
  readonly persistId: string;
  readonly startedAt: string;
  readonly runs: DeviceRun[];
  /** The run must stop and roll back (a failure with do_rollback, a lock refused, an error of ours). */
  aborted: boolean;
}

export function createRunState(input: TransactionInput, ports: CommitPorts): RunState {
  const clock = ports.clock ?? systemClock;
  return {
    id: input.id,
    flags: { ...DEFAULT_FLAGS, ...input.flags },
    ports,
    clock,
    log: (ports.logger ?? silentLogger).child({ transaction: input.id }),
    mask: ports.mask ?? ((text: string) => text),
    persistId: persistIdOf(input.id),
    startedAt: clock().toISOString(),
    runs: input.items.map((item) => ({
      item,
      hostname: item.target.hostname,
      active: true,
      unreachable: false,
      phase: 'lock',
      touched: 'none',
      usesConfirmed: false,
      rollback: 'not-needed',
    })),
    aborted: false,
  };
}

export function activeRuns(state: RunState): DeviceRun[] {
  return state.runs.filter((r) => r.active);
}

export function describeError(err: unknown): DeviceError {
  if (isNetsyncError(err)) {
    const tag = typeof err.data.errorTag === 'string' ? err.data.errorTag : undefined;
    return { code: err.code, message: err.message, ...(tag ? { tag } : {}) };
  }
  return { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) };
}

/** The device fails in `phase`: it takes no further part, and its error becomes its result. */
export function failRun(state: RunState, run: DeviceRun, phase: Phase, err: unknown): void {
  run.active = false;
  run.result = 'fail';
  run.error = { ...describeError(err), phase };
  state.log.warn({ device: run.hostname, phase, code: run.error.code }, run.error.message);
}

/** The device's confirm timer may have run out: a refusal from then on means it reverted by itself. */
export function timerExpired(state: RunState, run: DeviceRun): boolean {
  return run.confirmSentAt !== undefined && state.clock().getTime() - run.confirmSentAt >= state.flags.confirmTimeoutSeconds * 1000;
}

/**
 * Runs one phase on every active device (those `only` keeps), `flags.concurrency` at a time; a device error
 * fails that device. With do_rollback any failure aborts the run.
 */
export async function runPhase(
  state: RunState,
  name: Phase,
  fn: (run: DeviceRun, session: DeviceSession) => Promise<void>,
  only?: (run: DeviceRun) => boolean,
): Promise<void> {
  const targets = activeRuns(state).filter((r) => !only || only(r));
  if (targets.length === 0) return;
  await state.ports.onPhase?.(
    name,
    targets.map((r) => r.hostname),
  );
  await mapLimit(targets, state.flags.concurrency, async (run) => {
    run.phase = name;
    try {
      await fn(run, run.session!);
    } catch (err) {
      failRun(state, run, run.phase, err); // a phase may narrow run.phase (device lock, then fingerprint)
    }
  });
  if (state.flags.rollback && targets.some((r) => r.result === 'fail')) state.aborted = true;
}
