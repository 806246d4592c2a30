/**
 * Recovery of one run cut off by a restart, whatever its kind (docs/design/architecture.md §10): cancel what it may have left
 * pending on each device it wrote to (NETCONF cancel-commit by persist-id, EOS `configure session
 * netsync-<id> abort`), then read back every device it may have changed and mark it unsynchronized when its
 * running config is not the one netsync last synchronized, so no unsynchronized mark is lost and none is
 * claimed. Works under the per-device lock, so a new run cannot race it. Nothing here throws for a device.
 */
import type { Store } from '../model/store.ts';
import type { CancelResult } from './cancelPending.ts';
import { cancelPending } from './cancelPending.ts';
import type { RunPhase, RunRecord } from './journal.ts';
import { mapLimit } from './mapLimit.ts';
import type { DeviceTarget, SessionFactory } from './session.ts';
import { deviceTarget } from './target.ts';

export interface RecoverPorts {
  store: Store;
  sessions: SessionFactory;
  hashConfig: (config: string) => string;
  markChanged: (hostnames: string[], detail: string) => Promise<void>;
}

/** Phases from which something of the run may be pending on the device. */
const WROTE = new Set<RunPhase>(['write', 'validate', 'confirmed-commit', 'commit', 'verify', 'confirm', 'rollback']);
/** Phases from which the device's running config may have changed. */
const MAY_HAVE_CHANGED = new Set<RunPhase>(['confirmed-commit', 'commit', 'verify', 'confirm', 'verify-confirmed', 'rollback', 'bounce']);

export async function recoverRun(run: RunRecord, ports: RecoverPorts): Promise<{ recovery: CancelResult[]; notes: string[] }> {
  const notes: string[] = [];
  const owner = `recovery-${run.id}`;
  const mine: { target: DeviceTarget; phase: RunPhase; storedHash: string | null }[] = [];
  for (const d of run.devices.filter((x) => WROTE.has(x.phase) || MAY_HAVE_CHANGED.has(x.phase))) {
    const device = await ports.store.getDevice(d.hostname);
    if (!device) {
      notes.push(`${d.hostname}: no longer in the inventory, so not recovered`);
    } else if (!(await ports.store.tryLockDevice(device.hostname, owner))) {
      notes.push(`${d.hostname}: ${(await ports.store.lockHolder(device.hostname)) ?? 'another run'} was already working on it, so not recovered`);
    } else {
      mine.push({ target: deviceTarget(device), phase: d.phase, storedHash: device.configHash });
    }
  }
  try {
    const pending = mine.filter((m) => WROTE.has(m.phase)).map((m) => m.target);
    const recovery = await cancelPending(run.id, pending, ports.sessions, run.concurrency);
    const changed: string[] = [];
    await mapLimit(
      mine.filter((m) => MAY_HAVE_CHANGED.has(m.phase)),
      run.concurrency,
      async (m) => {
        if ((await runningHash(m.target, ports)) !== m.storedHash) changed.push(m.target.hostname);
      },
    );
    if (changed.length) {
      await ports.markChanged(
        changed,
        `the ${run.kind} run ${run.id} was cut off by a restart after it may have changed the device (phase ${run.devices.find((d) => changed.includes(d.hostname))?.phase}); its running config is not the one netsync last synchronized`,
      );
      notes.push(`marked unsynchronized (running config changed by the cut-off run): ${changed.join(', ')}`);
    }
    return { recovery, notes };
  } finally {
    for (const m of mine) await ports.store.unlockDevice(m.target.hostname, owner);
  }
}

/** The hash of what the device runs now; undefined when it cannot be read (then it counts as changed). */
async function runningHash(target: DeviceTarget, ports: RecoverPorts): Promise<string | undefined> {
  try {
    const session = await ports.sessions.open(target);
    try {
      return ports.hashConfig(await session.getRunningConfig());
    } finally {
      await session.close().catch(() => undefined);
    }
  } catch {
    return undefined;
  }
}
