/**
 * The sync-status service: the only place that flips a device's
 * `synchronized` flag. Every flip is recorded as a persisted sync event.
 */
import type { Device } from '../model/device.ts';
import type { NewSyncEvent, SyncCause } from '../model/events.ts';
import type { Clock } from '../model/ports.ts';
import { systemClock } from '../model/ports.ts';
import type { DeviceChange, Store } from '../model/store.ts';

export interface UnsyncContext {
  by: string;
  detail: string;
  commit?: string;
  jobId?: string;
}

export interface SyncedContext {
  by: string;
  configHash?: string | null;
  jobId?: string;
  detail?: string;
}

export class SyncStatusService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Marks devices unsynchronized; `unsyncedSince` keeps the time of the first unsync. */
  async markUnsynced(hostnames: string[], cause: SyncCause, ctx: UnsyncContext): Promise<Device[]> {
    if (hostnames.length === 0) return [];
    return this.store.changeDevices(this.unsyncChange(hostnames, cause, ctx));
  }

  /**
   * Marks several groups of devices unsynchronized, each group with its own context (a push touching many
   * device folders names each device's own path), in one store change: one write, not one per group.
   */
  async markUnsyncedGroups(groups: { hostnames: string[]; ctx: UnsyncContext }[], cause: SyncCause): Promise<Device[]> {
    const changes = groups.filter((g) => g.hostnames.length > 0).map((g) => this.unsyncChange(g.hostnames, cause, g.ctx));
    if (changes.length === 0) return [];
    return this.store.changeDevices({ update: changes.flatMap((c) => c.update ?? []), events: changes.flatMap((c) => c.events ?? []) });
  }

  /** The change `markUnsynced` makes, for callers that must combine it with other writes atomically. */
  unsyncChange(hostnames: string[], cause: SyncCause, ctx: UnsyncContext): DeviceChange {
    const at = this.clock().toISOString();
    const unique = dedupeHostnames(hostnames);
    return {
      update: unique.map((hostname) => ({
        hostname,
        apply: (d: Device): Device => ({
          ...d,
          synchronized: false,
          unsyncedSince: d.unsyncedSince ?? at,
          lastEvent: { cause, by: ctx.by, at, ...(ctx.commit ? { commit: ctx.commit } : {}) },
          updatedAt: at,
        }),
      })),
      events: unique.map((hostname) => eventFor(hostname, cause, ctx, at)),
    };
  }

  /** Marks devices synchronized after a verified push; clears (but keeps) their open events. */
  async markSynced(hostnames: string[], ctx: SyncedContext): Promise<Device[]> {
    if (hostnames.length === 0) return [];
    const at = this.clock().toISOString();
    const unique = dedupeHostnames(hostnames);
    return this.store.changeDevices({
      update: unique.map((hostname) => ({
        hostname,
        apply: (d: Device): Device => ({
          ...d,
          synchronized: true,
          unsyncedSince: null,
          lastSyncedAt: at,
          configHash: ctx.configHash === undefined ? d.configHash : ctx.configHash,
          lastEvent: { cause: 'synchronized', by: ctx.by, at },
          updatedAt: at,
        }),
      })),
      clearEvents: { hostnames: unique, at },
      events: unique.map((hostname) => ({
        hostname,
        cause: 'synchronized' as const,
        by: ctx.by,
        at,
        detail: ctx.detail ?? 'intended configuration verified on the device',
        clearedAt: at,
        ...(ctx.jobId ? { jobId: ctx.jobId } : {}),
      })),
    });
  }
}

function eventFor(hostname: string, cause: SyncCause, ctx: UnsyncContext, at: string): NewSyncEvent {
  return {
    hostname,
    cause,
    by: ctx.by,
    at,
    detail: ctx.detail,
    ...(ctx.commit ? { commit: ctx.commit } : {}),
    ...(ctx.jobId ? { jobId: ctx.jobId } : {}),
  };
}

function dedupeHostnames(hostnames: string[]): string[] {
  const seen = new Map<string, string>();
  for (const h of hostnames) if (!seen.has(h.toLowerCase())) seen.set(h.toLowerCase(), h);
  return [...seen.values()];
}
