/**
 * The one front door to the devices' configuration (docs/design/architecture.md §2, §10): built once with the config's defaults
 * (devices.concurrency, devices.confirmTimeoutSeconds, ...), used by northbound transactions, syncto,
 * auto-sync and interface bounces. Every run is journaled before the first device is touched and keeps each
 * device's phase as it changes; after a restart `recover` handles every interrupted run alike.
 */
import { randomUUID } from 'node:crypto';
import { NetsyncError } from '../model/errors.ts';
import type { Clock, Logger } from '../model/ports.ts';
import { silentLogger, systemClock } from '../model/ports.ts';
import type { Store } from '../model/store.ts';
import type { TransactionInput } from './engine.ts';
import { checkItems, runTransaction } from './engine.ts';
import type { RunKind, RunRecord } from './journal.ts';
import { RunJournal } from './journal.ts';
import type { LeftoverSessions } from './leftoverSessions.ts';
import { runIdOfSession } from './leftoverSessions.ts';
import { recoverRun } from './recoverRun.ts';
import type { DeviceTarget, SessionFactory } from './session.ts';
import type { CommitFlags, Phase, TransactionOutcome } from './types.ts';
import { DEFAULT_FLAGS } from './types.ts';

export interface DeviceWritesDeps {
  store: Store;
  sessions: SessionFactory;
  /** The config's defaults, under each run's own flags. */
  defaults?: Partial<CommitFlags>;
  /** How a device's running config is hashed, the same way as the `configHash` recorded in the store. */
  hashConfig: (config: string) => string;
  /** Marks devices unsynchronized (with why) that an interrupted run may have left changed. */
  markChanged: (hostnames: string[], detail: string) => Promise<void>;
  /** Hides secrets in device text the engine puts in errors and logs (the read-back's differences). */
  mask?: (text: string) => string;
  clock?: Clock;
  logger?: Logger;
  /** This process's replica id, recorded on every run (several replicas share one store). */
  replica?: string;
}

/** One configuration run through the engine. */
export interface WriteRun extends TransactionInput {
  kind: Exclude<RunKind, 'bounce'>;
  /** Called before each phase with the devices in it, after the journal has recorded it. */
  onPhase?: (phase: Phase, hostnames: string[]) => Promise<void>;
  /** Told what the run did besides the change, e.g. a left-over session it aborted. */
  onNote?: (text: string) => Promise<void>;
}

export class DeviceWrites {
  readonly journal: RunJournal;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** Runs this process works on right now. */
  private readonly live = new Set<string>();
  /** Cancelling what interrupted runs left pending runs in the background; tests and shutdown may wait for it. */
  recovery: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DeviceWritesDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.journal = new RunJournal(deps.store, this.clock, undefined, deps.replica);
  }

  /** The flags a run gets: netsync's defaults, then the config's, then the run's own. */
  flags(requested: Partial<CommitFlags> = {}): CommitFlags {
    return { ...DEFAULT_FLAGS, ...this.deps.defaults, ...requested };
  }

  /** Runs a transaction (journaled); device failures are in the outcome, not thrown. */
  async transaction(run: WriteRun): Promise<TransactionOutcome> {
    const flags = this.flags(run.flags);
    checkItems(run.items); // bad input is refused before anything is journaled
    await this.journal.begin({
      id: run.id,
      kind: run.kind,
      hostnames: run.items.map((i) => i.target.hostname),
      concurrency: flags.concurrency,
      confirmTimeoutSeconds: flags.confirmTimeoutSeconds,
    });
    this.live.add(run.id);
    let outcome: TransactionOutcome | undefined;
    try {
      outcome = await runTransaction(
        { id: run.id, items: run.items, flags },
        {
          sessions: this.deps.sessions,
          locks: this.deps.store,
          fingerprints: { storedHash: async (h) => (await this.deps.store.getDevice(h))?.configHash ?? null, hashOf: this.deps.hashConfig },
          clock: this.clock,
          logger: this.logger,
          leftovers: this.leftovers(run),
          ...(this.deps.mask ? { mask: this.deps.mask } : {}),
          // Both recorded before the phase starts; side by side, so the store writes them in one go.
          onPhase: async (phase, hostnames) => void (await Promise.all([this.journal.phase(run.id, phase, hostnames), run.onPhase?.(phase, hostnames)])),
        },
      );
      return outcome;
    } finally {
      this.live.delete(run.id);
      await this.journal.end(run.id, outcome ?? 'fail');
    }
  }

  /**
   * Shuts the interface and gives it back its admin state (journaled, under the per-device lock transactions
   * and syncto take). Refusals and device errors are thrown.
   */
  async bounce(target: DeviceTarget, name: string): Promise<void> {
    const id = randomUUID();
    const { store } = this.deps;
    if (!(await store.tryLockDevice(target.hostname, `bounce-${id}`))) {
      const holder = (await store.lockHolder(target.hostname)) ?? '(unknown)';
      throw new NetsyncError('LOCKED', `${target.hostname}: ${holder} is configuring this device; retry the bounce when it has finished`, {
        hostname: target.hostname,
        holder,
      });
    }
    const flags = this.flags();
    try {
      await this.journal.begin({
        id,
        kind: 'bounce',
        hostnames: [target.hostname],
        detail: `interface ${name}`,
        concurrency: 1,
        confirmTimeoutSeconds: flags.confirmTimeoutSeconds,
      });
      let ok = false;
      try {
        const session = await this.deps.sessions.open(target);
        try {
          if (!session.bounceInterface) {
            throw new NetsyncError('CONFLICT', `${target.hostname}: the ${target.transport} driver cannot bounce interfaces`, {
              hostname: target.hostname,
              transport: target.transport,
            });
          }
          await session.bounceInterface(name);
          ok = true;
        } finally {
          await session.close().catch(() => undefined);
        }
      } finally {
        await this.journal.end(id, ok ? 'complete' : 'fail');
      }
    } finally {
      await store.unlockDevice(target.hostname, `bounce-${id}`);
    }
  }

  /**
   * After a restart (or, with replicas, when another replica has died): every run still marked running whose
   * replica is `gone` was cut off. Marks them interrupted at once and returns them; then, in the background, cancels what each left pending on its devices (persist-id, EOS session),
   * marks devices it may have changed unsynchronized, and hands each recovered run to `onRecovered`.
   */
  async recover(onRecovered: (run: RunRecord) => Promise<void> = async () => undefined, gone?: (replica: string | undefined) => boolean): Promise<RunRecord[]> {
    const cut = await this.journal.interrupt(gone);
    if (cut.length)
      this.logger.warn(
        { runs: cut.map((r) => `${r.kind}:${r.id}`), replicas: [...new Set(cut.map((r) => r.replica ?? '(unnamed)'))] },
        'device runs cut off by a stopped process: recovering them',
      );
    const before = this.recovery;
    this.recovery = (async () => {
      await before;
      for (const run of cut) {
        try {
          const { recovery, notes } = await recoverRun(run, {
            store: this.deps.store,
            sessions: this.deps.sessions,
            hashConfig: this.deps.hashConfig,
            markChanged: this.deps.markChanged,
          });
          const done = await this.journal.recovered(run.id, recovery, notes);
          this.logger.info(
            { run: run.id, kind: run.kind, recovery: recovery.map((x) => `${x['node-id']}:${x.status}`) },
            'recovered a run cut off by a restart',
          );
          await onRecovered(done);
        } catch (err) {
          this.logger.error({ err, run: run.id }, 'recovering a cut-off run failed');
        }
      }
    })();
    return cut;
  }

  /** netsync's own sessions whose run this process no longer works on, and no other process either. */
  private leftovers(run: WriteRun): LeftoverSessions {
    return {
      deadRun: async (sessionName) => {
        const id = runIdOfSession(sessionName);
        if (!id || id === run.id || this.live.has(id)) return undefined;
        const record = await this.journal.get(id);
        return record?.status === 'running' ? undefined : id;
      },
      report: async (_hostname, message) => {
        await this.journal.note(run.id, message);
        await run.onNote?.(message);
      },
    };
  }
}
