/**
 * One inventory sync: read every system, plan (verified over SSH), and unless
 * it is a dry run apply the plan and record the new membership and each
 * device's per-system presence. Runs one at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Device, SourceName } from '../model/device.ts';
import { hostnameKey } from '../model/device.ts';
import { NetsyncError, isNetsyncError } from '../model/errors.ts';
import type { Clock, Logger } from '../model/ports.ts';
import { silentLogger, systemClock } from '../model/ports.ts';
import type { RecordWrite, Store } from '../model/store.ts';
import { applyPlan } from './reconcile/apply.ts';
import type { IdentityProbe, ProbeResult } from './reconcile/identityProbe.ts';
import type { ItemResult, StepResult } from './reconcile/membership.ts';
import { nextMembership, presenceAfter } from './reconcile/membership.ts';
import type { ConflictKind, Intent, KnownDevice, PlanAction, PlanItem, Presence, SourceRead, SourceSummary } from './reconcile/plan.ts';
import { planReconcile } from './reconcile/plan.ts';
import type { InventorySource } from './types.ts';
import { z } from 'zod';
import { SOURCE_NAMES, TRANSPORTS } from '../model/device.ts';
import { isoTime, recordSchema } from '../model/schemaKit.ts';

const LAST_REPORT_KEY = 'inventorySync.lastReport';
const MEMBERSHIP_ID = 'current';

export interface MembershipSnapshot {
  at: string;
  devices: KnownDevice[];
}

declare module '../model/store.ts' {
  interface Collections {
    /** One record ('current'): which systems held each device at the last sync. One record, so a sync is one write. */
    inventoryMembership: MembershipSnapshot;
  }
}

const knownDeviceSchema = recordSchema<KnownDevice>()(
  z.object({
    key: z.string().min(1),
    hostname: z.string().min(1),
    sources: z.partialRecord(z.enum(SOURCE_NAMES), z.object({ name: z.string() })),
    managementIp: z.string().optional(),
    port: z.number().int().optional(),
    platform: z.string().optional(),
    transport: z.enum(TRANSPORTS).optional(),
    type: z.string().optional(),
    deleting: z.object({ reason: z.string(), since: isoTime }).optional(),
  }),
);

/** Checked at every store load (listed in src/compose/storeCollections.ts). */
export const membershipSnapshotSchema = recordSchema<MembershipSnapshot>()(z.object({ at: isoTime, devices: z.array(knownDeviceSchema) }));

export interface InventorySyncDeps {
  store: Store;
  sources: InventorySource[];
  probe: IdentityProbe;
  defaults: { platform: string; type: string };
  probeConcurrency?: number;
  applyConcurrency?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface DeviceReport {
  hostname: string;
  intent: Intent;
  action: PlanAction;
  /** done/partial/failed once applied; planned in a dry run; none when there was nothing to do. */
  status: 'planned' | 'done' | 'partial' | 'failed' | 'none';
  reason: string;
  conflict?: ConflictKind;
  presence: Partial<Record<SourceName, Presence>>;
  deferred: SourceName[];
  probe?: ProbeResult;
  steps: (Omit<StepResult, 'status'> & { status: StepResult['status'] | 'planned' })[];
}

export interface SyncReport {
  id: string;
  dryRun: boolean;
  by: string;
  startedAt: string;
  finishedAt: string;
  sources: SourceSummary[];
  summary: Record<PlanAction, number> & { failedSteps: number };
  /** Every device with something to do or to report; devices already in sync are only counted (summary.none). */
  devices: DeviceReport[];
}

export class InventorySync {
  private current: { id: string; by: string; dryRun: boolean; startedAt: string; done: Promise<SyncReport> } | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly deps: InventorySyncDeps) {
    this.clock = deps.clock ?? systemClock;
    this.logger = (deps.logger ?? silentLogger).child({ module: 'inventory-sync' });
  }

  get configuredSources(): SourceName[] {
    return this.deps.sources.map((s) => s.name);
  }

  /** Runs a sync and resolves with its report. */
  async run(options: { dryRun: boolean; by: string }): Promise<SyncReport> {
    return (await this.start(options)).done;
  }

  /**
   * Starts a sync in the background (one at a time: LOCKED while one runs). The
   * report is kept as the last one (`status()`), so a caller may poll instead of holding a request open.
   */
  async start(options: { dryRun: boolean; by: string }): Promise<{ id: string; startedAt: string; done: Promise<SyncReport> }> {
    if (this.current) {
      throw new NetsyncError(
        'LOCKED',
        `an inventory sync started by ${this.current.by} is running since ${this.current.startedAt}; try again when it has finished`,
        {
          id: this.current.id,
        },
      );
    }
    const id = randomUUID();
    const startedAt = this.clock().toISOString();
    const done = this.runOnce(id, options).finally(() => {
      this.current = undefined;
    });
    this.current = { id, by: options.by, dryRun: options.dryRun, startedAt, done };
    // The caller may not wait; a failure is still logged and the promise never goes unhandled.
    done.catch((err: unknown) => this.logger.error({ err: (err as Error).message, id }, 'inventory sync failed'));
    return { id, startedAt, done };
  }

  /** The sync running now, if any, and the report of the last one that finished (kept in the store). */
  async status(): Promise<{ running: { id: string; by: string; dryRun: boolean; startedAt: string } | null; last: SyncReport | null }> {
    const c = this.current;
    return {
      running: c ? { id: c.id, by: c.by, dryRun: c.dryRun, startedAt: c.startedAt } : null,
      last: (await this.deps.store.getMeta<SyncReport>(LAST_REPORT_KEY)) ?? null,
    };
  }

  private async runOnce(id: string, { dryRun, by }: { dryRun: boolean; by: string }): Promise<SyncReport> {
    const startedAt = this.clock();
    const reads = await Promise.all(this.deps.sources.map((s) => read(s)));
    for (const r of reads) if (!r.ok) this.logger.warn({ source: r.source, code: r.error.code }, r.error.message);
    const known = (await this.deps.store.getRecord('inventoryMembership', MEMBERSHIP_ID))?.devices ?? [];
    const plan = await planReconcile(
      { reads, known, defaults: this.deps.defaults },
      { probe: this.deps.probe, ...(this.deps.probeConcurrency ? { concurrency: this.deps.probeConcurrency } : {}) },
    );
    let results: ItemResult[] = [];
    if (!dryRun) {
      const systems = Object.fromEntries(this.deps.sources.map((s) => [s.name, s]));
      results = await applyPlan(plan.items, systems, this.deps.applyConcurrency);
      await this.record(plan.items, results, known);
    }
    const byKey = new Map(results.map((r) => [r.key, r]));
    const devices = plan.items.filter((i) => i.action !== 'none' || i.intent !== 'none').map((i) => report(i, dryRun, byKey.get(i.key)));
    const failedSteps = results.reduce((n, r) => n + r.steps.filter((s) => s.status === 'failed').length, 0);
    const out: SyncReport = {
      id,
      dryRun,
      by,
      startedAt: startedAt.toISOString(),
      finishedAt: this.clock().toISOString(),
      sources: plan.sources,
      summary: { ...plan.summary, failedSteps },
      devices,
    };
    this.logger.info({ dryRun, by, summary: out.summary, sources: plan.sources.map((s) => `${s.source}:${s.status}`) }, 'inventory sync finished');
    await this.deps.store.setMeta(LAST_REPORT_KEY, out);
    return out;
  }

  /** Membership and each netsync device's per-system presence, in one write; nothing is written when nothing changed. */
  private async record(items: PlanItem[], results: ItemResult[], known: KnownDevice[]): Promise<void> {
    const change = nextMembership(items, results, known, this.clock());
    const byKey = new Map(results.map((r) => [r.key, r]));
    const itemByKey = new Map(items.map((i) => [i.key, i]));
    const at = this.clock().toISOString();
    const membership = new Map(known.map((k) => [k.key, k]));
    for (const key of change.drop) membership.delete(key);
    for (const k of change.put) membership.set(k.key, k);
    const devices = [...membership.values()].sort((a, b) => a.key.localeCompare(b.key));
    const membershipChanged = !same(
      devices,
      [...known].sort((a, b) => a.key.localeCompare(b.key)),
    );
    await this.deps.store.transact((view) => {
      const update = view.devices().flatMap((d) => {
        const item = itemByKey.get(hostnameKey(d.hostname));
        if (!item) return [];
        const sources = { ...d.sources, ...presenceAfter(item, byKey.get(item.key)) };
        return same(d.sources, sources) ? [] : [{ hostname: d.hostname, apply: (dev: Device): Device => ({ ...dev, sources, updatedAt: at }) }];
      });
      const records: RecordWrite[] = membershipChanged ? [{ collection: 'inventoryMembership', id: MEMBERSHIP_ID, value: { at, devices } }] : [];
      return { result: undefined, records, ...(update.length > 0 ? { devices: { update } } : {}) };
    });
  }
}

async function read(source: InventorySource): Promise<SourceRead> {
  try {
    return { source: source.name, ok: true, devices: await source.list() };
  } catch (err) {
    const code = isNetsyncError(err) ? err.code : 'INTERNAL';
    return { source: source.name, ok: false, error: { code, message: (err as Error).message } };
  }
}

function report(item: PlanItem, dryRun: boolean, result: ItemResult | undefined): DeviceReport {
  const steps: DeviceReport['steps'] = result ? result.steps : item.steps.map((s) => ({ source: s.source, op: s.op, name: s.name, status: 'planned' }));
  const status: DeviceReport['status'] = item.steps.length === 0 ? 'none' : dryRun ? 'planned' : ((result?.status as DeviceReport['status']) ?? 'none');
  return {
    hostname: item.hostname,
    intent: item.intent,
    action: item.action,
    status,
    reason: item.reason,
    ...(item.conflict ? { conflict: item.conflict } : {}),
    presence: item.presence,
    deferred: item.deferred,
    ...(item.probe ? { probe: item.probe } : {}),
    steps,
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
