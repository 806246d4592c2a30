/**
 * Northbound transactions (docs/design/architecture.md §6): an external application stages one
 * config per device, then commits them as one transaction with the flags it
 * wants. Records live in the Store, so a daemon restart finds a transaction
 * that was mid-commit and marks it aborted (the devices revert at their
 * confirm timeout; the store never claims success).
 */
import { randomUUID } from 'node:crypto';
import type { Device } from '../model/device.ts';
import { NetsyncError, notFound } from '../model/errors.ts';
import type { Clock, Logger } from '../model/ports.ts';
import { silentLogger, systemClock } from '../model/ports.ts';
import type { Store } from '../model/store.ts';
import type { CancelResult } from './cancelPending.ts';
import type { DeviceWrites } from './deviceWrites.ts';
import { checkItems } from './engine.ts';
import type { RunRecord } from './journal.ts';
import { deviceTarget } from './target.ts';
import type { CommitFlags, Phase, TransactionOutcome } from './types.ts';
import { z } from 'zod';
import { isoTime, recordSchema } from '../model/schemaKit.ts';
import { cancelResultSchema, commitFlagsSchema, phaseSchema, transactionOutcomeSchema } from './typesSchema.ts';

export type TransactionStatus = 'staged' | 'committing' | 'complete' | 'fail' | 'aborted';

export interface StagedConfig {
  hostname: string;
  config: string;
  /** The config hash the client planned against (device record `configHash`); checked in phase 1, see docs/design/architecture.md §6. */
  expectedHash?: string;
}

export interface TransactionRecord {
  id: string;
  status: TransactionStatus;
  by: string;
  comment?: string;
  createdAt: string;
  devices: StagedConfig[];
  flags?: CommitFlags;
  phase?: Phase;
  committedBy?: string;
  startedAt?: string;
  finishedAt?: string;
  outcome?: TransactionOutcome;
  error?: string;
  /** After a restart: what cancelling the cut-off transaction's pending commits did, per device. */
  recovery?: CancelResult[];
  /** The replica (process) committing it; when that replica is gone, the leader marks it aborted. */
  replica?: string;
}

declare module '../model/store.ts' {
  interface Collections {
    transactions: TransactionRecord;
  }
}

/** Checked at every store load (listed in src/compose/storeCollections.ts). */
export const transactionRecordSchema = recordSchema<TransactionRecord>()(
  z.object({
    id: z.string().min(1),
    status: z.enum(['staged', 'committing', 'complete', 'fail', 'aborted']),
    by: z.string(),
    comment: z.string().optional(),
    createdAt: isoTime,
    devices: z.array(z.object({ hostname: z.string().min(1), config: z.string(), expectedHash: z.string().optional() })),
    flags: commitFlagsSchema.optional(),
    phase: phaseSchema.optional(),
    committedBy: z.string().optional(),
    startedAt: isoTime.optional(),
    finishedAt: isoTime.optional(),
    outcome: transactionOutcomeSchema.optional(),
    error: z.string().optional(),
    recovery: z.array(cancelResultSchema).optional(),
    replica: z.string().optional(),
  }),
);

export interface TransactionServiceDeps {
  store: Store;
  /** The front door to the devices: the config's defaults under the per-request flags, the journal. */
  writes: DeviceWrites;
  clock?: Clock;
  logger?: Logger;
  /** Ended transactions kept (default 500); older ones are dropped so the store stays small. */
  keep?: number;
  /** Hides secret values in device text (diffs, device error messages) before it is stored or shown. */
  mask?: (text: string) => string;
  /** This process's replica id, written on every transaction it commits. */
  replica?: string;
}

/** Ended transactions kept by default; staged and committing ones are never dropped. */
export const DEFAULT_TRANSACTIONS_KEPT = 500;

/** A transaction as shown to clients: configs summarized (they may be long), everything else as stored. */
export interface TransactionView extends Omit<TransactionRecord, 'devices'> {
  devices: { hostname: string; configLines: number; expectedHash?: string }[];
}

export function viewOf(record: TransactionRecord): TransactionView {
  return {
    ...record,
    devices: record.devices.map((d) => ({
      hostname: d.hostname,
      configLines: d.config.split('\n').filter((l) => l.trim()).length,
      ...(d.expectedHash ? { expectedHash: d.expectedHash } : {}),
    })),
  };
}

export class TransactionService {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly mask: (text: string) => string;

  constructor(private readonly deps: TransactionServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.mask = deps.mask ?? ((text) => text);
  }

  /** Stage configs. Unknown, unmanaged or repeated hostnames and empty configs are refused; nothing is stored then. */
  async create(devices: StagedConfig[], by: string, comment?: string): Promise<TransactionRecord> {
    const resolved = await this.resolve(devices);
    checkItems(resolved.map(({ device, staged }) => ({ target: deviceTarget(device), config: staged.config })));
    const record: TransactionRecord = {
      id: randomUUID(),
      status: 'staged',
      by,
      ...(comment ? { comment } : {}),
      createdAt: this.clock().toISOString(),
      devices: resolved.map(({ device, staged }) => ({ ...staged, hostname: device.hostname })),
    };
    await this.deps.store.updateRecord('transactions', record.id, () => record);
    return record;
  }

  /** The staged devices with their inventory records; unknown or unmanaged hostnames are refused. */
  private async resolve(devices: StagedConfig[]): Promise<{ device: Device; staged: StagedConfig }[]> {
    const out: { device: Device; staged: StagedConfig }[] = [];
    const unknown: string[] = [];
    for (const staged of devices) {
      const device = await this.deps.store.getDevice(staged.hostname);
      if (!device) unknown.push(staged.hostname);
      else out.push({ device, staged });
    }
    if (unknown.length) {
      throw new NetsyncError('NOT_FOUND', `not in the inventory: ${unknown.join(', ')}; add the device(s) first or fix the hostname`, { hostnames: unknown });
    }
    const unmanaged = out.filter((r) => r.device.state !== 'MANAGED').map((r) => `${r.device.hostname} (${r.device.state})`);
    if (unmanaged.length) {
      throw new NetsyncError('CONFLICT', `only MANAGED devices are configured by netsync: ${unmanaged.join(', ')}`, {
        hostnames: unmanaged,
        reason: 'not-managed',
      });
    }
    return out;
  }

  async get(id: string): Promise<TransactionRecord> {
    const record = await this.deps.store.getRecord('transactions', id);
    if (!record) throw notFound('transaction', id);
    return record;
  }

  async list(): Promise<TransactionRecord[]> {
    return (await this.deps.store.listRecords('transactions')).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The newest `limit` transactions, newest first; only those are copied (each holds its devices' configs). */
  async recent(limit: number): Promise<TransactionRecord[]> {
    return this.deps.store.readRecords('transactions', (records) =>
      [...records]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit)
        .map((r) => structuredClone(r) as TransactionRecord),
    );
  }

  /** Discard a staged or finished transaction; one being committed cannot be. */
  async discard(id: string): Promise<TransactionRecord> {
    return this.deps.store.transact((view) => {
      const record = view.record('transactions', id);
      if (!record) throw notFound('transaction', id);
      if (record.status === 'committing') throw new NetsyncError('CONFLICT', `transaction ${id} is being committed; wait for it to finish`, { id });
      return { result: record, records: [{ collection: 'transactions', id, delete: true as const }] };
    });
  }

  /**
   * Commit a staged transaction and wait for the outcome. Device failures are in the outcome, not thrown.
   * A device removed or no longer MANAGED since staging is refused up front; the transaction stays staged.
   */
  async commit(id: string, flags: Partial<CommitFlags>, by: string): Promise<TransactionRecord> {
    const effective: CommitFlags = this.deps.writes.flags(flags);
    const staged = await this.get(id);
    if (staged.status !== 'staged') throw notStaged(staged);
    const resolved = await this.resolve(staged.devices);
    const startedAt = this.clock().toISOString();
    // Check-and-set in one write, so two commits of the same transaction cannot both start.
    const record = await this.deps.store.transact((view) => {
      const current = view.record('transactions', id);
      if (!current) throw notFound('transaction', id);
      if (current.status !== 'staged') throw notStaged(current);
      const next: TransactionRecord = {
        ...current,
        status: 'committing',
        flags: effective,
        committedBy: by,
        startedAt,
        ...(this.deps.replica ? { replica: this.deps.replica } : {}),
      };
      return { result: next, records: [{ collection: 'transactions', id, value: next }] };
    });
    let outcome: TransactionOutcome;
    try {
      outcome = await this.deps.writes.transaction({
        id,
        kind: 'transaction',
        items: resolved.map(({ device, staged }) => ({ target: deviceTarget(device), config: staged.config, expectedHash: staged.expectedHash ?? null })),
        flags: effective,
        onPhase: (phase) => this.deps.store.updateRecord('transactions', id, (r) => ({ ...r!, phase })).then(() => undefined),
      });
    } catch (err) {
      const message = this.mask(err instanceof Error ? err.message : String(err));
      await this.finish(id, { status: 'fail', error: message, finishedAt: this.clock().toISOString() });
      throw err;
    }
    this.logger.info({ transaction: id, status: outcome.status, devices: record.devices.length }, 'transaction finished');
    return this.finish(id, { status: outcome.status, outcome: maskOutcome(outcome, this.mask), finishedAt: outcome.finishedAt });
  }

  private async finish(id: string, patch: Partial<TransactionRecord>): Promise<TransactionRecord> {
    const ended = await this.deps.store.updateRecord('transactions', id, (r) => ({ ...r!, ...patch }));
    await this.prune();
    return ended;
  }

  /** Drops the oldest ended transactions beyond `keep`. */
  private async prune(): Promise<void> {
    const keep = this.deps.keep ?? DEFAULT_TRANSACTIONS_KEPT;
    await this.deps.store.transact((view) => {
      const ended = view.records('transactions').filter((t) => t.status !== 'staged' && t.status !== 'committing');
      const endedAt = (t: TransactionRecord) => t.finishedAt ?? t.createdAt;
      const surplus = ended.sort((a, b) => endedAt(b).localeCompare(endedAt(a))).slice(keep);
      return { result: undefined, records: surplus.map((t) => ({ collection: 'transactions' as const, id: t.id, delete: true as const })) };
    });
  }

  /**
   * After a restart: a transaction still marked committing was cut off. It is recorded as aborted (never
   * complete); the journal's recovery cancels its pending commits in the background (`recordRecovery`), and a
   * device that cannot be reached still reverts by itself at the confirm timeout.
   */
  async abortInterrupted(runs: RunRecord[], gone: (replica: string | undefined) => boolean = () => true): Promise<string[]> {
    const cut = (await this.list()).filter((r) => r.status === 'committing' && gone(r.replica));
    for (const r of cut) {
      const journaled = runs.some((run) => run.id === r.id);
      await this.deps.store.updateRecord('transactions', r.id, (cur) => ({
        ...cur!,
        status: 'aborted',
        finishedAt: this.clock().toISOString(),
        error: `${cur!.replica ? `the netsync process committing it (replica ${cur!.replica})` : 'the daemon'} stopped during phase '${cur!.phase ?? 'unknown'}'; pending commits are being cancelled, and any device that cannot be reached reverts after the confirm timeout (${cur!.flags?.confirmTimeoutSeconds ?? '?'} s)`,
        // Stopped before its first device was touched: nothing to recover.
        ...(journaled ? {} : { recovery: [] }),
      }));
    }
    if (cut.length) this.logger.warn({ transactions: cut.map((r) => r.id) }, 'marked transactions cut off by a restart as aborted');
    return cut.map((r) => r.id);
  }

  /** What recovery did on each device of a cut-off transaction. */
  async recordRecovery(run: RunRecord): Promise<void> {
    if (!(await this.deps.store.getRecord('transactions', run.id))) return;
    await this.deps.store.updateRecord('transactions', run.id, (cur) => ({ ...cur!, recovery: run.recovery ?? [] }));
  }
}

function notStaged(record: TransactionRecord): NetsyncError {
  return new NetsyncError('CONFLICT', `transaction ${record.id} is ${record.status}; only a staged transaction can be committed (stage a new one)`, {
    id: record.id,
    status: record.status,
  });
}

/** Device text in an outcome (diffs, error messages) with secrets masked. */
function maskOutcome(outcome: TransactionOutcome, mask: (text: string) => string): TransactionOutcome {
  const errors = outcome.errors?.errors.error.map((e) => ({ ...e, 'error-message': mask(e['error-message']) }));
  return {
    ...outcome,
    'node-results': outcome['node-results'].map((n) => ({
      ...n,
      ...(n.diff !== undefined ? { diff: mask(n.diff) } : {}),
      ...(n.error ? { error: { ...n.error, message: mask(n.error.message) } } : {}),
      ...(n['rollback-error'] ? { 'rollback-error': { ...n['rollback-error'], message: mask(n['rollback-error'].message) } } : {}),
    })),
    ...(errors ? { errors: { errors: { error: errors } } } : {}),
  };
}
