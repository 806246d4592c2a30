/**
 * The Store: everything netsync persists. Async and shaped so that a
 * PostgreSQL backend can implement it (docs/design/architecture.md §10): multi-device updates are
 * atomic, device locks fail fast instead of waiting.
 */
import type { Device, DeviceState } from './device.ts';
import type { NewSyncEvent, SyncEvent } from './events.ts';
import type { Job } from './job.ts';
import type { Linknet, MgmtDomain } from './network.ts';

export interface DeviceFilter {
  synchronized?: boolean;
  state?: DeviceState;
  type?: string;
  group?: string;
  hostnames?: string[];
}

/**
 * Keyed record collections. Modules add their own with declaration merging:
 * `declare module '../model/store.ts' { interface Collections { checks: CheckRecord } }`.
 */
export interface Collections {
  jobs: Job;
  linknets: Linknet;
  mgmtdomains: MgmtDomain;
}
export type CollectionName = keyof Collections;

export interface EventQuery {
  hostname?: string;
  openOnly?: boolean;
  limit?: number;
}

/** One atomic change: device updates, new devices, deletions and events, all or nothing. */
export interface DeviceChange {
  create?: Device[];
  update?: { hostname: string; apply: (d: Device) => Device }[];
  /**
   * Devices to delete; their still-open events close at `at` with them (they would otherwise stay open for
   * good, and show on a later device of that name). Their history stays under the hostname.
   */
  remove?: { hostnames: string[]; at: string };
  events?: NewSyncEvent[];
  /** Mark every still-open event of these hostnames as cleared at the given time. */
  clearEvents?: { hostnames: string[]; at: string };
}

export interface Store {
  readonly kind: string;
  init(): Promise<void>;
  close(): Promise<void>;

  listDevices(filter?: DeviceFilter): Promise<Device[]>;
  /**
   * Runs `read` over the current devices without copying them (listDevices copies each one): for read-only
   * views of large inventories, such as a page of the web interface. `read` must neither keep nor change them.
   */
  readDevices<T>(read: (devices: readonly Readonly<Device>[]) => T): Promise<T>;
  /** Case-insensitive lookup. */
  getDevice(hostname: string): Promise<Device | undefined>;
  /**
   * Apply a change atomically. Unknown hostnames in `update`/`remove` raise
   * NOT_FOUND, duplicates in `create` raise CONFLICT; in both cases nothing is written.
   * Returns the devices as they are after the change (created and updated).
   */
  changeDevices(change: DeviceChange): Promise<Device[]>;

  /** Oldest first. Open events are always kept; a store may drop a device's oldest closed ones (docs/guides/storage-reference.md). */
  listEvents(query?: EventQuery): Promise<SyncEvent[]>;

  getRecord<K extends CollectionName>(collection: K, id: string): Promise<Collections[K] | undefined>;
  listRecords<K extends CollectionName>(collection: K): Promise<Collections[K][]>;
  /**
   * Runs `read` over a collection's records without copying them (listRecords copies every one): for the few
   * newest of a long history, such as the jobs a page lists. `read` must neither keep nor change them.
   */
  readRecords<K extends CollectionName, T>(collection: K, read: (records: readonly Readonly<Collections[K]>[]) => T): Promise<T>;
  /** Insert or replace a record; `apply` gets the current one (or undefined) and returns the new one. */
  updateRecord<K extends CollectionName>(collection: K, id: string, apply: (current: Collections[K] | undefined) => Collections[K]): Promise<Collections[K]>;
  deleteRecord(collection: CollectionName, id: string): Promise<boolean>;
  /**
   * Record changes and device changes in one atomic write (e.g. a linknet and the
   * events it causes). Runs `plan` against the current state; throw to change nothing.
   * `plan` must be a pure function of the view: a store may run it more than once and keep only the
   * last run (the PostgreSQL store re-runs it after loading rows an earlier run read but did not have).
   */
  transact<T>(plan: (view: StoreView) => { result: T; records?: RecordWrite[]; devices?: DeviceChange }): Promise<T>;

  /** Small key/value settings such as the last processed commit of a repo. */
  getMeta<T = unknown>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;

  /** Per-device lock for transactions: returns false at once if another owner holds it (never waits). */
  tryLockDevice(hostname: string, owner: string): Promise<boolean>;
  unlockDevice(hostname: string, owner: string): Promise<void>;
  lockHolder(hostname: string): Promise<string | undefined>;
}

/** Read access to current state inside `transact`. */
export interface StoreView {
  device(hostname: string): Device | undefined;
  devices(): Device[];
  record<K extends CollectionName>(collection: K, id: string): Collections[K] | undefined;
  records<K extends CollectionName>(collection: K): Collections[K][];
}

export type RecordWrite =
  { collection: CollectionName; id: string; value: Collections[CollectionName] } | { collection: CollectionName; id: string; delete: true };

export function matchesFilter(device: Device, filter: DeviceFilter): boolean {
  if (filter.synchronized !== undefined && device.synchronized !== filter.synchronized) return false;
  if (filter.state !== undefined && device.state !== filter.state) return false;
  if (filter.type !== undefined && device.type.toUpperCase() !== filter.type.toUpperCase()) return false;
  if (filter.group !== undefined && !device.groups.some((g) => g.toLowerCase() === filter.group!.toLowerCase())) {
    return false;
  }
  if (filter.hostnames !== undefined) {
    const wanted = new Set(filter.hostnames.map((h) => h.toLowerCase()));
    if (!wanted.has(device.hostname.toLowerCase())) return false;
  }
  return true;
}

/** What `transact` runs for `updateRecord`: every backend expresses a one-record write as a transact plan. */
export function updateRecordPlan<K extends CollectionName>(collection: K, id: string, apply: (current: Collections[K] | undefined) => Collections[K]) {
  return (view: StoreView): { result: Collections[K]; records: RecordWrite[] } => {
    const value = apply(view.record(collection, id));
    return { result: structuredClone(value), records: [{ collection, id, value }] };
  };
}

/** What `transact` runs for `deleteRecord`: true when the record existed. */
export function deleteRecordPlan(collection: CollectionName, id: string) {
  return (view: StoreView): { result: boolean; records: RecordWrite[] } => {
    const exists = view.record(collection, id) !== undefined;
    return { result: exists, records: exists ? [{ collection, id, delete: true as const }] : [] };
  };
}
