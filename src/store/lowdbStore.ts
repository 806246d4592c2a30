/**
 * Embedded Store on one JSON file (lowdb). Changes are applied copy-on-write
 * in arrival order and written with a group commit: every change queued while
 * a write is in flight goes out in the next single write (lowdb/steno write a
 * temp file and rename it, so each write is atomic). A change becomes visible
 * only after its write succeeded; a failed write changes nothing in memory or
 * on disk, and a change that throws is dropped alone.
 */
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { access, constants, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Device } from '../model/device.ts';
import { hostnameKey } from '../model/device.ts';
import { NetsyncError, notFound } from '../model/errors.ts';
import type { SyncEvent } from '../model/events.ts';
import type {
  CollectionName,
  Collections,
  DeviceChange,
  DeviceFilter,
  EventQuery,
  RecordWrite,
  Store,
  StoreView,
} from '../model/store.ts';
import { matchesFilter } from '../model/store.ts';
import type { StoreLock } from './storeLock.ts';
import { acquireStoreLock } from './storeLock.ts';

interface Data {
  version: 1;
  devices: Record<string, Device>;
  events: SyncEvent[];
  nextEventId: number;
  records: Partial<Record<CollectionName, Record<string, unknown>>>;
  meta: Record<string, unknown>;
}

/** Closed (cleared) events kept per hostname; open events are never dropped. */
export const DEFAULT_KEEP_CLOSED_EVENTS = 50;

export interface LowdbStoreOptions {
  /** Newest closed events kept per hostname (the file is rewritten whole on each write, so history is bounded). */
  keepClosedEvents?: number;
  /** For a reader beside a running daemon (CLI render/impact): takes no lock and refuses every write. */
  readOnly?: boolean;
}

function emptyData(): Data {
  return { version: 1, devices: {}, events: [], nextEventId: 1, records: {}, meta: {} };
}

/** One queued change: builds the next state from the one before it. */
interface PendingChange {
  apply: (current: Data) => { data: Data; result: unknown };
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

export class LowdbStore implements Store {
  readonly kind = 'lowdb';
  private readonly db: Low<Data>;
  private pending: PendingChange[] = [];
  private flushing = false;
  private readonly locks = new Map<string, string>();
  private readonly keepClosedEvents: number;
  private readonly readOnly: boolean;
  private lock: StoreLock | undefined;

  constructor(
    readonly path: string,
    options: LowdbStoreOptions = {},
  ) {
    this.keepClosedEvents = options.keepClosedEvents ?? DEFAULT_KEEP_CLOSED_EVENTS;
    this.readOnly = options.readOnly ?? false;
    // Compact JSON: the file is for netsync, and pretty-printing a large inventory doubles the write time.
    this.db = new Low<Data>(new DataFile<Data>(path, { parse: JSON.parse, stringify: (d) => JSON.stringify(d) }), emptyData());
  }

  async init(): Promise<void> {
    try {
      await mkdir(dirname(this.path), { recursive: true });
    } catch (err) {
      throw new NetsyncError('STORE_WRITE_FAILED', `cannot create the store directory ${dirname(this.path)}: ${(err as Error).message}`, {
        path: this.path,
      }, { cause: err });
    }
    try {
      await this.db.read();
    } catch (err) {
      if (err instanceof SyntaxError) {
        throw new NetsyncError(
          'STORE_CORRUPT',
          `store file ${this.path} is not valid JSON (${err.message}); it was left untouched — restore it from a backup or move it aside to start empty`,
          { path: this.path },
          { cause: err },
        );
      }
      throw new NetsyncError('STORE_WRITE_FAILED', `cannot read store file ${this.path}: ${(err as Error).message}`, {
        path: this.path,
      }, { cause: err });
    }
    const data = this.db.data as Partial<Data> | null;
    if (!data || typeof data !== 'object' || data.version !== 1 || typeof data.devices !== 'object') {
      throw new NetsyncError('STORE_CORRUPT', `store file ${this.path} does not hold a netsync store (version 1); it was left untouched`, {
        path: this.path,
      });
    }
    this.db.data = { ...emptyData(), ...data } as Data;
    if (this.readOnly) return;
    try {
      await access(dirname(this.path), constants.W_OK);
    } catch (err) {
      throw new NetsyncError('STORE_WRITE_FAILED', `store directory ${dirname(this.path)} is not writable`, { path: this.path }, {
        cause: err,
      });
    }
    this.lock = await acquireStoreLock(this.path);
  }

  /** Resolves once every queued change has been written (or refused), then lets another daemon open the file. */
  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) await new Promise((r) => setImmediate(r));
    await this.lock?.release();
    this.lock = undefined;
  }

  private get data(): Data {
    return this.db.data;
  }

  async listDevices(filter: DeviceFilter = {}): Promise<Device[]> {
    return Object.values(this.data.devices)
      .filter((d) => matchesFilter(d, filter))
      .map((d) => structuredClone(d));
  }

  async getDevice(hostname: string): Promise<Device | undefined> {
    const d = this.data.devices[hostnameKey(hostname)];
    return d ? structuredClone(d) : undefined;
  }

  changeDevices(change: DeviceChange): Promise<Device[]> {
    return this.enqueue((current) => {
      const data: Data = { ...current };
      applyDeviceChange(data, change, this.keepClosedEvents);
      const touched = [...(change.create ?? []).map((d) => d.hostname), ...(change.update ?? []).map((u) => u.hostname)];
      return { data, result: touched.map((h) => structuredClone(data.devices[hostnameKey(h)]!)) };
    });
  }

  async listEvents(query: EventQuery = {}): Promise<SyncEvent[]> {
    const key = query.hostname ? hostnameKey(query.hostname) : undefined;
    let events = this.data.events.filter(
      (e) => (key === undefined || hostnameKey(e.hostname) === key) && (!query.openOnly || !e.clearedAt),
    );
    if (query.limit !== undefined) events = events.slice(-query.limit);
    return structuredClone(events);
  }

  async getRecord<K extends CollectionName>(collection: K, id: string): Promise<Collections[K] | undefined> {
    const value = this.data.records[collection]?.[id] as Collections[K] | undefined;
    return value === undefined ? undefined : structuredClone(value);
  }

  async listRecords<K extends CollectionName>(collection: K): Promise<Collections[K][]> {
    return structuredClone(Object.values(this.data.records[collection] ?? {}) as Collections[K][]);
  }

  async updateRecord<K extends CollectionName>(
    collection: K,
    id: string,
    apply: (current: Collections[K] | undefined) => Collections[K],
  ): Promise<Collections[K]> {
    return this.transact((view) => {
      const value = apply(view.record(collection, id));
      return { result: structuredClone(value), records: [{ collection, id, value }] };
    });
  }

  async deleteRecord(collection: CollectionName, id: string): Promise<boolean> {
    return this.transact((view) => {
      const exists = view.record(collection, id) !== undefined;
      return { result: exists, records: exists ? [{ collection, id, delete: true as const }] : [] };
    });
  }

  async getMeta<T = unknown>(key: string): Promise<T | undefined> {
    const value = this.data.meta[key];
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.enqueue((current) => ({ data: { ...current, meta: { ...current.meta, [key]: structuredClone(value) } }, result: undefined }));
  }

  transact<T>(
    plan: (view: StoreView) => { result: T; records?: RecordWrite[]; devices?: DeviceChange },
  ): Promise<T> {
    return this.enqueue((current) => {
      const { result, records = [], devices } = plan(viewOf(current));
      const data: Data = { ...current };
      applyRecordWrites(data, records);
      if (devices) applyDeviceChange(data, devices, this.keepClosedEvents);
      return { data, result };
    });
  }

  async tryLockDevice(hostname: string, owner: string): Promise<boolean> {
    const key = hostnameKey(hostname);
    const holder = this.locks.get(key);
    if (holder !== undefined && holder !== owner) return false;
    this.locks.set(key, owner);
    return true;
  }

  async unlockDevice(hostname: string, owner: string): Promise<void> {
    const key = hostnameKey(hostname);
    if (this.locks.get(key) === owner) this.locks.delete(key);
  }

  async lockHolder(hostname: string): Promise<string | undefined> {
    return this.locks.get(hostnameKey(hostname));
  }

  private enqueue<T>(apply: (current: Data) => { data: Data; result: T }): Promise<T> {
    if (this.readOnly) {
      return Promise.reject(new NetsyncError('STORE_WRITE_FAILED', `store file ${this.path} was opened read-only`, { path: this.path }));
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ apply, resolve: resolve as (r: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /**
   * Applies everything queued to one draft, writes it once, then settles each change.
   * The flag is cleared in the same synchronous step as the last empty-queue check,
   * so a change can never be queued without a flush to take it.
   */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) await this.writeBatch(this.pending.splice(0));
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: PendingChange[]): Promise<void> {
    let draft = this.data;
    const applied: { change: PendingChange; result: unknown }[] = [];
    for (const change of batch) {
      try {
        const next = change.apply(draft);
        draft = next.data;
        applied.push({ change, result: next.result });
      } catch (err) {
        change.reject(err);
      }
    }
    if (applied.length === 0) return;
    try {
      await this.db.adapter.write(draft);
    } catch (err) {
      const failure = new NetsyncError(
        'STORE_WRITE_FAILED',
        `could not write store file ${this.path}: ${(err as Error).message}; the change was not applied`,
        { path: this.path },
        { cause: err },
      );
      for (const a of applied) a.change.reject(failure);
      return;
    }
    this.db.data = draft;
    for (const a of applied) a.change.resolve(a.result);
  }
}

function viewOf(data: Data): StoreView {
  return {
    device: (h) => {
      const d = data.devices[hostnameKey(h)];
      return d ? structuredClone(d) : undefined;
    },
    devices: () => structuredClone(Object.values(data.devices)),
    record: (c, id) => {
      const v = data.records[c]?.[id];
      return v === undefined ? undefined : structuredClone(v as Collections[typeof c]);
    },
    records: (c) => structuredClone(Object.values(data.records[c] ?? {}) as Collections[typeof c][]),
  };
}

function applyRecordWrites(draft: Data, writes: RecordWrite[]): void {
  if (writes.length === 0) return;
  draft.records = { ...draft.records };
  const copied = new Set<CollectionName>();
  for (const w of writes) {
    // Copy each touched collection once per change, not once per record.
    if (!copied.has(w.collection)) {
      draft.records[w.collection] = { ...(draft.records[w.collection] ?? {}) };
      copied.add(w.collection);
    }
    const coll = draft.records[w.collection]!;
    if ('delete' in w) delete coll[w.id];
    else coll[w.id] = structuredClone(w.value);
  }
}

/** Validates the whole change first, then applies it to the draft; throws before touching anything. */
function applyDeviceChange(draft: Data, change: DeviceChange, keepClosedEvents: number): void {
  const devices = { ...draft.devices };
  for (const d of change.create ?? []) {
    const key = hostnameKey(d.hostname);
    if (devices[key]) {
      throw new NetsyncError('CONFLICT', `device '${d.hostname}' already exists as '${devices[key].hostname}' (hostnames are case-insensitive)`, {
        hostname: d.hostname,
        existing: devices[key].hostname,
      });
    }
    devices[key] = structuredClone(d);
  }
  for (const u of change.update ?? []) {
    const key = hostnameKey(u.hostname);
    const current = devices[key];
    if (!current) throw notFound('device', u.hostname);
    devices[key] = u.apply(structuredClone(current));
  }
  for (const h of change.remove?.hostnames ?? []) {
    const key = hostnameKey(h);
    if (!devices[key]) throw notFound('device', h);
    delete devices[key];
  }
  draft.devices = devices;

  // When each hostname's open events close: those cleared by the change and those of removed devices.
  const closing = new Map<string, string>();
  for (const group of [change.clearEvents, change.remove]) {
    if (group) for (const h of group.hostnames) closing.set(hostnameKey(h), group.at);
  }
  const newEvents = change.events ?? [];
  if (closing.size === 0 && newEvents.length === 0) return;
  let events = draft.events;
  if (closing.size > 0) {
    events = events.map((e) => {
      const at = e.clearedAt ? undefined : closing.get(hostnameKey(e.hostname));
      return at ? { ...e, clearedAt: at } : e;
    });
  }
  let nextId = draft.nextEventId;
  events = [...events, ...newEvents.map((e) => ({ ...e, id: nextId++ }))];
  const touched = new Set([...closing.keys(), ...newEvents.map((e) => hostnameKey(e.hostname))]);
  draft.events = dropOldClosedEvents(events, touched, keepClosedEvents);
  draft.nextEventId = nextId;
}

/**
 * Keeps every open event and the newest `keep` closed ones of each touched hostname.
 * Only hostnames whose history just grew are looked at, so a file from before the
 * bound existed shrinks device by device as they change.
 */
function dropOldClosedEvents(events: SyncEvent[], touched: Set<string>, keep: number): SyncEvent[] {
  const closedSeen = new Map<string, number>();
  const dropped = new Set<number>();
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (!e.clearedAt) continue;
    const key = hostnameKey(e.hostname);
    if (!touched.has(key)) continue;
    const seen = (closedSeen.get(key) ?? 0) + 1;
    closedSeen.set(key, seen);
    if (seen > keep) dropped.add(i);
  }
  return dropped.size === 0 ? events : events.filter((_, i) => !dropped.has(i));
}
