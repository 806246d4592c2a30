/**
 * The transaction engine (docs/design/architecture.md §6): take the store's per-device locks (all or nothing,
 * never waiting), run the phases (phases.ts) over the run state (runState.ts), roll back on failure
 * (rollback.ts), close every session, release the locks and build the outcome (outcome.ts).
 * A device error never escapes: it becomes that device's result.
 */
import { hostnameKey } from '../model/device.ts';
import { NetsyncError } from '../model/errors.ts';
import { hasConfigContent } from './configContent.ts';
import { mapLimit } from './mapLimit.ts';
import { buildOutcome } from './outcome.ts';
import { runPhases } from './phases.ts';
import type { CommitPorts } from './ports.ts';
import { rollbackAll } from './rollback.ts';
import type { DeviceRun, RunState, TransactionInput } from './runState.ts';
import { activeRuns, createRunState, failRun } from './runState.ts';
import type { TransactionItem, TransactionOutcome } from './types.ts';

export type { TransactionInput } from './runState.ts';

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
      throw new NetsyncError(
        'BAD_REQUEST',
        `the config for '${item.target.hostname}' is empty (nothing but blanks, comments or wrappers); an empty config would wipe the device`,
        {
          hostname: item.target.hostname,
        },
      );
    }
  }
}

export async function runTransaction(input: TransactionInput, ports: CommitPorts): Promise<TransactionOutcome> {
  checkItems(input.items);
  const state = createRunState(input, ports);
  // Taken inside the try, so a store error half-way still releases the locks already taken.
  const locked: DeviceRun[] = [];
  try {
    await lockInStore(state, locked);
    if (state.runs.some((r) => r.result === 'fail')) state.aborted = true;
    else await execute(state);
    if (state.aborted || state.runs.some((r) => r.result === 'fail')) await rollbackAll(state);
    await closeAll(state);
  } finally {
    await unlockInStore(state, locked);
  }
  return buildOutcome(state);
}

async function unlockInStore(state: RunState, locked: DeviceRun[]): Promise<void> {
  const { locks } = state.ports;
  const failed = (err: unknown) => state.log.error({ devices: locked.map((r) => r.hostname), err }, 'could not release the transaction locks');
  if (locks.unlockDevices)
    return void (await locks
      .unlockDevices(
        locked.map((r) => r.hostname),
        state.id,
      )
      .catch(failed));
  for (const run of locked) await locks.unlockDevice(run.hostname, state.id).catch(failed);
}

/**
 * The transaction locks (in-process, or PostgreSQL advisory locks shared by the replicas, in one round trip
 * when the locks offer a batch). Every transaction takes them in one order
 * (lower-cased hostname) and stops at the first refusal, so of two overlapping transactions started at the
 * same moment exactly one gets all its devices: neither can hold a device the other needs before the device
 * they both refused.
 */
async function lockInStore(state: RunState, locked: DeviceRun[]): Promise<void> {
  const ordered = [...state.runs].sort((a, b) => compareKeys(hostnameKey(a.hostname), hostnameKey(b.hostname)));
  const { locks } = state.ports;
  if (locks.tryLockDevices) {
    const { locked: taken, refused } = await locks.tryLockDevices(
      ordered.map((r) => r.hostname),
      state.id,
    );
    locked.push(...ordered.slice(0, taken.length));
    const run = refused === undefined ? undefined : ordered[taken.length];
    if (run) await refuse(state, run);
    return;
  }
  for (const run of ordered) {
    if (await locks.tryLockDevice(run.hostname, state.id)) {
      locked.push(run);
      continue;
    }
    return refuse(state, run);
  }
}

/** A device another transaction holds fails with LOCKED, naming the holder. */
async function refuse(state: RunState, run: DeviceRun): Promise<void> {
  const holder = await state.ports.locks.lockHolder(run.hostname);
  failRun(
    state,
    run,
    'lock',
    new NetsyncError('LOCKED', `${run.hostname}: transaction ${holder ?? '(unknown)'} is working on this device; retry when it has finished`, {
      hostname: run.hostname,
      holder: holder ?? null,
    }),
  );
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function execute(state: RunState): Promise<void> {
  try {
    await runPhases(state);
  } catch (err) {
    // Not a device's failure (e.g. the store could not record progress): stop and undo everything.
    state.aborted = true;
    for (const run of activeRuns(state)) failRun(state, run, run.phase, err);
  }
}

/** Ending a session releases the device lock (RFC 6241 §7.5): no separate unlock round trip. */
async function closeAll(state: RunState): Promise<void> {
  await mapLimit(
    state.runs.filter((r) => r.session),
    state.flags.concurrency,
    async (run) => void (await run.session!.close().catch(() => undefined)),
  );
}
