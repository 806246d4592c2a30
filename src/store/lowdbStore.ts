/**
 * Embedded Store on one JSON file (lowdb). Writes are serialized through a
 * queue and applied copy-on-write: a change is built on a shallow copy, written
 * atomically (lowdb/steno write a temp file and rename it), and only then made
 * current, so a failed write changes nothing in memory or on disk.
 */
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
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
} from './store.ts';
import { matchesFilter } from './store.ts';

interface Data {
  version: 1;
  devices: Record<string, Device>;
  events: SyncEvent[];
  nextEventId: number;
  records: Partial<Record<CollectionName, Record<string, unknown>>>;
  meta: Record<string, unknown>;
}

function emptyData(): Data {
  return { version: 1, devices: {}, events: [], nextEventId: 1, records: {}, meta: {} };
}

export class LowdbStore implements Store {
  readonly kind = 'lowdb';
  private readonly db: Low<Data>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly locks = new Map<string, string>();

  constructor(readonly path: string) {
    this.db = new Low<Data>(new JSONFile<Data>(path), emptyData());
  }

  async init(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
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
    try {
      await access(dirname(this.path), constants.W_OK);
    } catch (err) {
      throw new NetsyncError('STORE_WRITE_FAILED', `store directory ${dirname(this.path)} is not writable`, { path: this.path }, {
        cause: err,
      });
    }
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
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

  async changeDevices(change: DeviceChange): Promise<Device[]> {
    return this.serialized(async () => {
      const draft: Data = { ...this.data };
      applyDeviceChange(draft, change);
      await this.commit(draft);
      const touched = [...(change.create ?? []).map((d) => d.hostname), ...(change.update ?? []).map((u) => u.hostname)];
      return touched.map((h) => structuredClone(draft.devices[hostnameKey(h)]!));
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
    await this.serialized(async () => {
      const draft = { ...this.data, meta: { ...this.data.meta, [key]: structuredClone(value) } };
      await this.commit(draft);
    });
  }

  transact<T>(
    plan: (view: StoreView) => { result: T; records?: RecordWrite[]; devices?: DeviceChange },
  ): Promise<T> {
    return this.serialized(async () => {
      const { result, records = [], devices } = plan(this.view());
      const draft: Data = { ...this.data };
      applyRecordWrites(draft, records);
      if (devices) applyDeviceChange(draft, devices);
      await this.commit(draft);
      return result;
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

  private view(): StoreView {
    const data = this.data;
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

  /** Runs one read-modify-write at a time, in arrival order. */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async commit(draft: Data): Promise<void> {
    try {
      await this.db.adapter.write(draft);
    } catch (err) {
      throw new NetsyncError(
        'STORE_WRITE_FAILED',
        `could not write store file ${this.path}: ${(err as Error).message}; the change was not applied`,
        { path: this.path },
        { cause: err },
      );
    }
    this.db.data = draft;
  }
}

function applyRecordWrites(draft: Data, writes: RecordWrite[]): void {
  if (writes.length === 0) return;
  draft.records = { ...draft.records };
  for (const w of writes) {
    const coll = { ...(draft.records[w.collection] ?? {}) };
    if ('delete' in w) delete coll[w.id];
    else coll[w.id] = structuredClone(w.value);
    draft.records[w.collection] = coll;
  }
}

/** Validates the whole change first, then applies it to the draft; throws before touching anything. */
function applyDeviceChange(draft: Data, change: DeviceChange): void {
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
  for (const h of change.remove ?? []) {
    const key = hostnameKey(h);
    if (!devices[key]) throw notFound('device', h);
    delete devices[key];
  }
  draft.devices = devices;

  const clear = change.clearEvents;
  const newEvents = change.events ?? [];
  if (!clear && newEvents.length === 0) return;
  let events = draft.events;
  if (clear) {
    const keys = new Set(clear.hostnames.map(hostnameKey));
    events = events.map((e) => (!e.clearedAt && keys.has(hostnameKey(e.hostname)) ? { ...e, clearedAt: clear.at } : e));
  }
  let nextId = draft.nextEventId;
  events = [...events, ...newEvents.map((e) => ({ ...e, id: nextId++ }))];
  draft.events = events;
  draft.nextEventId = nextId;
}
