/**
 * Embedded Store on one JSON file (lowdb). Changes are applied copy-on-write
 * in arrival order and written with a group commit: every change queued while
 * a write is in flight goes out in the next single write (lowdb, over an adapter that writes a
 * temp file and renames it, so each write is atomic). A change becomes visible
 * only after its write succeeded; a failed write changes nothing in memory or
 * on disk, and a change that throws is dropped alone.
 */
import { access, constants, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Device } from '../model/device.ts';
import { hostnameKey } from '../model/device.ts';
import { NetsyncError } from '../model/errors.ts';
import type { SyncEvent } from '../model/events.ts';
import { VERSION } from '../version.ts';
import type { CollectionSchemas } from '../model/schemaKit.ts';
import type { CollectionName, Collections, DeviceChange, DeviceFilter, EventQuery, RecordWrite, Store, StoreView } from '../model/store.ts';
import { deleteRecordPlan, matchesFilter, updateRecordPlan } from '../model/store.ts';
import type { StoreData as Data } from './storeFile.ts';
import { decodeStoreFile, emptyStoreData, encodeStoreFile } from './storeFile.ts';
import type { StoreLock } from './storeLock.ts';
import { acquireStoreLock } from './storeLock.ts';
import { Low } from 'lowdb';
import { chmodPrivate, mkdirPrivate, PrivateDataFile } from './privateFile.ts';
import { planDeviceChange } from './planDeviceChange.ts';

/** Closed (cleared) events kept per hostname; open events are never dropped. */
export const DEFAULT_KEEP_CLOSED_EVENTS = 50;

/** Files and folders netsync keeps beside its store: where one exists, a missing store file is a loss, not a first start. */
const STATE_BESIDE_STORE = ['api-token', 'repos'];

export interface LowdbStoreOptions {
  /** The schema of every collection (src/compose/storeCollections.ts): a load checks each record against it. */
  collections: CollectionSchemas;
  /** Newest closed events kept per hostname (the file is rewritten whole on each write, so history is bounded). */
  keepClosedEvents?: number;
  /** For a reader beside a running daemon (CLI render/impact): takes no lock and refuses every write. */
  readOnly?: boolean;
}

/** One queued change: builds the next state from the one before it. */
interface PendingChange {
  apply: (current: Data) => { data: Data; result: unknown };
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

export class LowdbStore implements Store {
  readonly kind = 'lowdb';
  /** lowdb over an owner-only adapter; it holds the file text to write (in pieces), the decoded state lives in `current`. */
  private readonly db: Low<Iterable<string>>;
  private current: Data = emptyStoreData();
  private pending: PendingChange[] = [];
  private flushing = false;
  private readonly locks = new Map<string, string>();
  private readonly collections: CollectionSchemas;
  private readonly keepClosedEvents: number;
  private readonly readOnly: boolean;
  private lock: StoreLock | undefined;

  constructor(
    readonly path: string,
    options: LowdbStoreOptions,
  ) {
    this.collections = options.collections;
    this.keepClosedEvents = options.keepClosedEvents ?? DEFAULT_KEEP_CLOSED_EVENTS;
    this.readOnly = options.readOnly ?? false;
    // Owner-only (0600): the file holds configs, diffs and job records.
    this.db = new Low(new PrivateDataFile<Iterable<string>>(path, { parse: (text) => [text], stringify: (pieces) => pieces }), []);
  }

  /**
   * Loads and checks the file. A file that fails the check stops here (STORE_CORRUPT / STORE_VERSION) and is
   * never written; a missing file starts an empty store only where no other netsync state lies beside it.
   */
  async init(): Promise<void> {
    try {
      await mkdirPrivate(dirname(this.path));
    } catch (err) {
      throw new NetsyncError(
        'STORE_WRITE_FAILED',
        `cannot create the store directory ${dirname(this.path)}: ${(err as Error).message}`,
        {
          path: this.path,
        },
        { cause: err },
      );
    }
    const text = await this.readText();
    if (text !== undefined) this.current = decodeStoreFile(text, this.path, this.collections, VERSION);
    if (this.readOnly) return;
    try {
      await access(dirname(this.path), constants.W_OK);
    } catch (err) {
      throw new NetsyncError(
        'STORE_WRITE_FAILED',
        `store directory ${dirname(this.path)} is not writable`,
        { path: this.path },
        {
          cause: err,
        },
      );
    }
    // A lock left behind is state too, but a live holder is reported as such (STORE_LOCKED) first.
    const leftLock = await exists(`${this.path}.lock`);
    this.lock = await acquireStoreLock(this.path);
    await chmodPrivate(this.path);
    if (text !== undefined) return;
    try {
      await this.refuseMissingFileBesideState(leftLock);
    } catch (err) {
      await this.close();
      throw err;
    }
    // A first start writes the empty store at once, so the next start finds a file and not a gap.
    await this.enqueue((current) => ({ data: current, result: undefined }));
  }

  /** The file's text, or undefined when there is none; bytes that are not UTF-8 are corruption, not U+FFFD. */
  private async readText(): Promise<string | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new NetsyncError('STORE_WRITE_FAILED', `cannot read store file ${this.path}: ${(err as Error).message}`, { path: this.path }, { cause: err });
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (err) {
      throw new NetsyncError(
        'STORE_CORRUPT',
        `store file ${this.path} is not a valid netsync store: (file): not UTF-8 text. It was left untouched: restore it from a backup`,
        { path: this.path, field: '(file)', problem: 'not UTF-8 text' },
        { cause: err },
      );
    }
  }

  private async refuseMissingFileBesideState(leftLock: boolean): Promise<void> {
    const dir = dirname(this.path);
    const found = leftLock ? [`${basename(this.path)}.lock`] : [];
    for (const name of STATE_BESIDE_STORE) if (await exists(join(dir, name))) found.push(name);
    if (found.length === 0) return;
    throw new NetsyncError(
      'STORE_MISSING',
      `store file ${this.path} is missing, but ${dir} holds netsync state (${found.join(', ')}): a new empty store would forget every device's sync status and history. Restore the store file from a backup, or to start afresh on purpose remove ${found.join(' and ')}`,
      { path: this.path, found },
    );
  }

  /** Resolves once every queued change has been written (or refused), then lets another daemon open the file. */
  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) await new Promise((r) => setImmediate(r));
    await this.lock?.release();
    this.lock = undefined;
  }

  private get data(): Data {
    return this.current;
  }

  async listDevices(filter: DeviceFilter = {}): Promise<Device[]> {
    return [...this.data.devices.values()].filter((d) => matchesFilter(d, filter)).map((d) => structuredClone(d));
  }

  async readDevices<T>(read: (devices: readonly Readonly<Device>[]) => T): Promise<T> {
    return read([...this.data.devices.values()]);
  }

  async getDevice(hostname: string): Promise<Device | undefined> {
    const d = this.data.devices.get(hostnameKey(hostname));
    return d ? structuredClone(d) : undefined;
  }

  changeDevices(change: DeviceChange): Promise<Device[]> {
    return this.enqueue((current) => {
      const data: Data = { ...current };
      applyDeviceChange(data, change, this.keepClosedEvents);
      const touched = [...(change.create ?? []).map((d) => d.hostname), ...(change.update ?? []).map((u) => u.hostname)];
      return { data, result: touched.map((h) => structuredClone(data.devices.get(hostnameKey(h))!)) };
    });
  }

  async listEvents(query: EventQuery = {}): Promise<SyncEvent[]> {
    const key = query.hostname ? hostnameKey(query.hostname) : undefined;
    let events = this.data.events.filter((e) => (key === undefined || hostnameKey(e.hostname) === key) && (!query.openOnly || !e.clearedAt));
    if (query.limit !== undefined) events = events.slice(-query.limit);
    return structuredClone(events);
  }

  async getRecord<K extends CollectionName>(collection: K, id: string): Promise<Collections[K] | undefined> {
    const value = this.data.records.get(collection)?.get(id) as Collections[K] | undefined;
    return value === undefined ? undefined : structuredClone(value);
  }

  async listRecords<K extends CollectionName>(collection: K): Promise<Collections[K][]> {
    return structuredClone([...(this.data.records.get(collection)?.values() ?? [])] as Collections[K][]);
  }

  async readRecords<K extends CollectionName, T>(collection: K, read: (records: readonly Readonly<Collections[K]>[]) => T): Promise<T> {
    return read([...(this.data.records.get(collection)?.values() ?? [])] as Collections[K][]);
  }

  async updateRecord<K extends CollectionName>(
    collection: K,
    id: string,
    apply: (current: Collections[K] | undefined) => Collections[K],
  ): Promise<Collections[K]> {
    return this.transact(updateRecordPlan(collection, id, apply));
  }

  async deleteRecord(collection: CollectionName, id: string): Promise<boolean> {
    return this.transact(deleteRecordPlan(collection, id));
  }

  async getMeta<T = unknown>(key: string): Promise<T | undefined> {
    const value = this.data.meta.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await this.enqueue((current) => ({ data: { ...current, meta: new Map(current.meta).set(key, structuredClone(value)) }, result: undefined }));
  }

  transact<T>(plan: (view: StoreView) => { result: T; records?: RecordWrite[]; devices?: DeviceChange }): Promise<T> {
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
      this.db.data = encodeStoreFile(draft, VERSION);
      await this.db.write();
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
    this.current = draft;
    for (const a of applied) a.change.resolve(a.result);
  }
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function viewOf(data: Data): StoreView {
  return {
    device: (h) => {
      const d = data.devices.get(hostnameKey(h));
      return d ? structuredClone(d) : undefined;
    },
    devices: () => structuredClone([...data.devices.values()]),
    record: (c, id) => {
      const v = data.records.get(c)?.get(id);
      return v === undefined ? undefined : structuredClone(v as Collections[typeof c]);
    },
    records: (c) => structuredClone([...(data.records.get(c)?.values() ?? [])] as Collections[typeof c][]),
  };
}

function applyRecordWrites(draft: Data, writes: RecordWrite[]): void {
  if (writes.length === 0) return;
  draft.records = new Map(draft.records);
  const copied = new Set<CollectionName>();
  for (const w of writes) {
    // Copy each touched collection once per change, not once per record.
    if (!copied.has(w.collection)) {
      draft.records.set(w.collection, new Map(draft.records.get(w.collection)));
      copied.add(w.collection);
    }
    const coll = draft.records.get(w.collection)!;
    if ('delete' in w) coll.delete(w.id);
    else coll.set(w.id, structuredClone(w.value));
  }
}

/** Checks the whole change first (planDeviceChange), then applies it to the draft; throws before touching anything. */
function applyDeviceChange(draft: Data, change: DeviceChange, keepClosedEvents: number): void {
  const { after, closing: groups } = planDeviceChange(draft.devices, change);
  const devices = new Map(draft.devices);
  for (const [key, device] of after) {
    if (device) devices.set(key, device);
    else devices.delete(key);
  }
  draft.devices = devices;

  // When each hostname's open events close: the first group naming it sets the time.
  const closing = new Map<string, string>();
  for (const group of groups) for (const key of group.keys) if (!closing.has(key)) closing.set(key, group.at);
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
