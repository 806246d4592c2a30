/**
 * The journal of device writes (docs/design/architecture.md §10): every run that may change a device (northbound transaction,
 * syncto job, auto-sync, interface bounce) is recorded in the Store before the first device is touched, and
 * each device's phase as it changes. After a crash, recovery reads it to learn what each cut-off run may have
 * left pending and where (docs/guides/storage-reference.md).
 */
import { z } from 'zod';
import type { Clock } from '../model/ports.ts';
import { isoTime, recordSchema } from '../model/schemaKit.ts';
import { cancelResultSchema, PHASES } from './typesSchema.ts';
import type { Store } from '../model/store.ts';
import type { CancelResult } from './cancelPending.ts';
import type { ConfigurationStatus, Phase, TransactionOutcome } from './types.ts';

export type RunKind = 'transaction' | 'syncto' | 'auto-sync' | 'bounce';
/** `running`: a live process works on it; `ended`: it finished; `interrupted`: the process stopped under it. */
export type RunStatus = 'running' | 'ended' | 'interrupted';
/** `queued`: not contacted yet; `bounce`: an interface bounce is under way; otherwise the engine's phase. */
export type RunPhase = Phase | 'queued' | 'bounce';
export type RunDeviceOutcome = ConfigurationStatus | 'interrupted';

export interface RunDevice {
  hostname: string;
  phase: RunPhase;
  outcome?: RunDeviceOutcome;
}

export interface RunRecord {
  /** The job, transaction or bounce id; device work is named `netsync-<id>` (persist-id, EOS session). */
  id: string;
  kind: RunKind;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  /** The replica (process) working on it: when that replica is gone, the leader recovers the run. */
  replica?: string;
  /** What else the run works on, e.g. the interface of a bounce. */
  detail?: string;
  concurrency: number;
  confirmTimeoutSeconds: number;
  devices: RunDevice[];
  /** After a restart: what recovery did on each device of the interrupted run. */
  recovery?: CancelResult[];
  /** What else recovery found or did (devices marked unsynchronized, devices it could not recover). */
  recoveryNotes?: string[];
  /** Things the run's owner is told, e.g. a left-over session that was aborted. */
  notes?: string[];
}

declare module '../model/store.ts' {
  interface Collections {
    runs: RunRecord;
  }
}

/** Checked at every store load (listed in src/compose/storeCollections.ts). */
export const runRecordSchema = recordSchema<RunRecord>()(
  z.object({
    id: z.string().min(1),
    kind: z.enum(['transaction', 'syncto', 'auto-sync', 'bounce']),
    status: z.enum(['running', 'ended', 'interrupted']),
    startedAt: isoTime,
    endedAt: isoTime.optional(),
    replica: z.string().optional(),
    detail: z.string().optional(),
    concurrency: z.number().int(),
    confirmTimeoutSeconds: z.number(),
    devices: z.array(
      z.object({
        hostname: z.string().min(1),
        phase: z.enum([...PHASES, 'queued', 'bounce']),
        outcome: z.enum(['complete', 'fail', 'skipped', 'not-attempted', 'interrupted']).optional(),
      }),
    ),
    recovery: z.array(cancelResultSchema).optional(),
    recoveryNotes: z.array(z.string()).optional(),
    notes: z.array(z.string()).optional(),
  }),
);

/** Ended runs kept; running and interrupted-but-unrecovered ones are never dropped. */
export const DEFAULT_RUNS_KEPT = 500;

export interface BeginRun {
  id: string;
  kind: RunKind;
  hostnames: string[];
  concurrency: number;
  confirmTimeoutSeconds: number;
  detail?: string;
}

export class RunJournal {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keep = DEFAULT_RUNS_KEPT,
    /** This process's replica id, written on every run it begins. */
    private readonly replica?: string,
  ) {}

  /** Written before the first device is touched. */
  async begin(run: BeginRun): Promise<RunRecord> {
    const record: RunRecord = {
      id: run.id,
      kind: run.kind,
      status: 'running',
      startedAt: this.clock().toISOString(),
      ...(this.replica ? { replica: this.replica } : {}),
      ...(run.detail ? { detail: run.detail } : {}),
      concurrency: run.concurrency,
      confirmTimeoutSeconds: run.confirmTimeoutSeconds,
      devices: run.hostnames.map((hostname) => ({ hostname, phase: run.kind === 'bounce' ? 'bounce' : 'queued' })),
    };
    return this.store.updateRecord('runs', run.id, () => record);
  }

  async phase(id: string, phase: RunPhase, hostnames: string[]): Promise<void> {
    const keys = new Set(hostnames.map((h) => h.toLowerCase()));
    await this.store.updateRecord('runs', id, (r) => ({ ...r!, devices: r!.devices.map((d) => (keys.has(d.hostname.toLowerCase()) ? { ...d, phase } : d)) }));
  }

  async note(id: string, text: string): Promise<void> {
    await this.store.updateRecord('runs', id, (r) => ({ ...r!, notes: [...(r!.notes ?? []), text] }));
  }

  /** The run finished: per-device outcomes from the engine's outcome, or one outcome for every device. */
  async end(id: string, result: TransactionOutcome | RunDeviceOutcome): Promise<void> {
    const results = new Map(typeof result === 'string' ? [] : result['node-results'].map((n) => [n['node-id'].toLowerCase(), n]));
    await this.store.updateRecord('runs', id, (r) => ({
      ...r!,
      status: 'ended',
      endedAt: this.clock().toISOString(),
      devices: r!.devices.map((d) => {
        const node = results.get(d.hostname.toLowerCase());
        if (node) return { ...d, phase: node.phase, outcome: node['configuration-status'] };
        return { ...d, outcome: typeof result === 'string' ? result : 'not-attempted' };
      }),
    }));
    await this.prune();
  }

  async get(id: string): Promise<RunRecord | undefined> {
    return this.store.getRecord('runs', id);
  }

  async list(): Promise<RunRecord[]> {
    return (await this.store.listRecords('runs')).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  /**
   * Every run still marked running whose replica is gone (`gone`; at the start of a single process, every
   * run) was cut off. Marks them interrupted (each device without an outcome too) and returns them as they are now.
   */
  async interrupt(gone: (replica: string | undefined) => boolean = () => true): Promise<RunRecord[]> {
    const cut = (await this.list()).filter((r) => r.status === 'running' && gone(r.replica));
    const at = this.clock().toISOString();
    const out: RunRecord[] = [];
    for (const run of cut) {
      out.push(
        await this.store.updateRecord('runs', run.id, (r) => ({
          ...r!,
          status: r!.status === 'running' ? 'interrupted' : r!.status,
          endedAt: at,
          devices: r!.devices.map((d) => ({ ...d, outcome: d.outcome ?? 'interrupted' })),
        })),
      );
    }
    return out;
  }

  async recovered(id: string, recovery: CancelResult[], notes: string[]): Promise<RunRecord> {
    const run = await this.store.updateRecord('runs', id, (r) => ({ ...r!, recovery, ...(notes.length ? { recoveryNotes: notes } : {}) }));
    await this.prune();
    return run;
  }

  private async prune(): Promise<void> {
    // Each write rewrites the embedded store: only write when there is something to drop.
    if ((await this.store.listRecords('runs')).length <= this.keep) return;
    await this.store.transact((view) => {
      const done = view.records('runs').filter((r) => r.status === 'ended' || (r.status === 'interrupted' && r.recovery));
      const endedAt = (r: RunRecord) => r.endedAt ?? r.startedAt;
      const surplus = done.sort((a, b) => endedAt(b).localeCompare(endedAt(a))).slice(this.keep);
      return { result: undefined, records: surplus.map((r) => ({ collection: 'runs' as const, id: r.id, delete: true as const })) };
    });
  }
}
