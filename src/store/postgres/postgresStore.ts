/**
 * The Store on PostgreSQL, for teams and for several netsync processes on one database (issue #15).
 *
 * Every write is one database transaction that first takes the store's write lock (a transaction-level
 * advisory lock, so it ends with the transaction or the connection): writes are serialized across all
 * processes exactly as the lowdb store serializes them in one, which keeps `changeDevices` and `transact`
 * all-or-nothing against the state they read. Reads take no lock and see the last committed state. Rows
 * are checked against the collections' zod schemas as they are read (STORE_CORRUPT naming table, row and
 * field). The schema is migrated at `init` (schemaMigrations.ts).
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import type { z } from 'zod';
import type { Device } from '../../model/device.ts';
import { hostnameKey } from '../../model/device.ts';
import { NetsyncError } from '../../model/errors.ts';
import type { SyncEvent } from '../../model/events.ts';
import type { Logger } from '../../model/ports.ts';
import type { CollectionSchemas } from '../../model/schemaKit.ts';
import type { StoreData } from '../storeFile.ts';
import type { CollectionName, Collections, DeviceChange, DeviceFilter, EventQuery, RecordWrite, Store, StoreView } from '../../model/store.ts';
import { deleteRecordPlan, matchesFilter, updateRecordPlan } from '../../model/store.ts';
import type { PostgresConnectionOptions } from './connection.ts';
import { clientConfig, createPool, describeUrl, storeError } from './connection.ts';
import { RevisionCache } from './revisionCache.ts';
import { DiscoveryView } from './discoveryView.ts';
import type { StoreCounts } from './importStoreData.ts';
import { clearTables, countTables, importStoreData, isEmpty } from './importStoreData.ts';
import { LOCK_NAMESPACE } from './lockKeys.ts';
import { PgDeviceLocks } from '../../postgres/deviceLocks.ts';
import { planDeviceChange, touchedKeys } from '../planDeviceChange.ts';
import type { DeviceRow, EventRow } from './rows.ts';
import { checked, deviceOf, eventData, eventOf, jsonParam } from './rows.ts';
import { appliedMigrations, migrateSchema, refuseNewerSchema, shippedMigrations } from './schemaMigrations.ts';

/** Closed events kept per hostname, as in the lowdb store (README "Storage"). */
export const DEFAULT_KEEP_CLOSED_EVENTS = 50;

export interface PostgresStoreOptions extends PostgresConnectionOptions {
  /** The schema of every collection (src/compose/storeCollections.ts): each row read is checked against it. */
  collections: CollectionSchemas;
  keepClosedEvents?: number;
  logger?: Logger;
  /** For a reader beside running daemons (CLI render/impact): applies no migration and refuses every write. */
  readOnly?: boolean;
  /** This process among the replicas, named as the holder of the device locks it takes (default host:pid). */
  replica?: string;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  /** The database, for messages: URL without the password. */
  readonly where: string;
  private readonly pool: pg.Pool;
  private readonly keepClosedEvents: number;
  private readonly readOnly: boolean;
  /** The per-device transaction locks (one connection per lock owner, outside the pool). */
  private readonly locks: PgDeviceLocks;
  private migrations: string[] = [];
  /** Devices and each collection's records read so far, checked (list reads fetch only rows changed since). */
  private readonly devices: RevisionCache<Device>;
  private readonly records = new Map<CollectionName, RevisionCache<unknown>>();

  constructor(private readonly options: PostgresStoreOptions) {
    this.where = `the PostgreSQL store ${describeUrl(options.url)}`;
    this.keepClosedEvents = options.keepClosedEvents ?? DEFAULT_KEEP_CLOSED_EVENTS;
    this.devices = new RevisionCache({ table: 'devices', key: 'key', where: 'TRUE', params: [], parse: (key, data) => deviceOf({ key, data }, this.where) });
    this.readOnly = options.readOnly ?? false;
    this.pool = createPool(options);
    // An idle connection that breaks must not take the process down; the next query reconnects.
    this.pool.on('error', (err) => options.logger?.warn({ store: describeUrl(options.url), err: err.message }, 'PostgreSQL store: an idle connection failed'));
    this.locks = new PgDeviceLocks({
      connection: clientConfig(options),
      pool: this.pool,
      replica: options.replica ?? `${hostname()}:${process.pid}`,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  /** Connects, refuses a schema newer than this netsync (STORE_VERSION) and applies pending migrations. */
  async init(): Promise<void> {
    const client = await this.connect('starting');
    try {
      if (this.readOnly) {
        const applied = await appliedMigrations(client);
        refuseNewerSchema(applied, this.where);
        const pending = shippedMigrations().filter((m) => !applied.includes(m));
        if (pending.length > 0) {
          throw new NetsyncError(
            'STORE_VERSION',
            `${this.where} has not been migrated to this netsync's schema (pending: ${pending.join(', ')}); start the daemon once to migrate it`,
            {
              pending,
            },
          );
        }
        this.migrations = applied;
      } else {
        const ran = await migrateSchema(client, this.options.logger, this.where);
        if (ran.length > 0) this.options.logger?.info({ store: describeUrl(this.options.url), migrations: ran }, 'PostgreSQL store: schema migrated');
        this.migrations = await appliedMigrations(client);
      }
    } catch (err) {
      throw storeError(err, this.options.url, 'migrating its schema');
    } finally {
      client.release();
    }
  }

  /** The migrations the database has run (after init): its schema version, for /healthz. */
  schemaVersion(): string | undefined {
    return this.migrations.at(-1);
  }

  async close(): Promise<void> {
    await this.locks.close().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  private async connect(doing: string): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw storeError(err, this.options.url, doing);
    }
  }

  private async query<R extends pg.QueryResultRow>(doing: string, text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (err) {
      throw storeError(err, this.options.url, doing);
    }
  }

  /** One write transaction under the store's write lock; nothing of it stays when `body` throws. */
  private async write<T>(doing: string, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.readOnly) throw new NetsyncError('STORE_WRITE_FAILED', `${this.where} was opened read-only`, {});
    const client = await this.connect(doing);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_NAMESPACE.write]);
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => (broken = e as Error));
      throw storeError(err, this.options.url, doing);
    } finally {
      client.release(broken);
    }
  }

  // --- devices

  private async loadDevices(db: Queryable, keys: string[] | 'all', filter: DeviceFilter = {}): Promise<Device[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (keys !== 'all') where.push(`key = ANY($${values.push(keys)})`);
    if (filter.synchronized !== undefined) where.push(`synchronized = $${values.push(filter.synchronized)}`);
    // The keys of printable-ASCII names are folded as JavaScript folds them, and every other name is filed under
    // '*' (0700_device_filters.sql), which each filter also reads: a superset, which matchesFilter then narrows.
    if (filter.type !== undefined) where.push(`type_key IN ($${values.push(filter.type.toUpperCase())}, '*')`);
    if (filter.group !== undefined) where.push(`group_keys && ARRAY[$${values.push(filter.group.toLowerCase())}, '*']`);
    const sql = `SELECT key, data FROM devices${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY position`;
    const rows = (await db.query<DeviceRow>(sql, values)).rows;
    return rows.map((r) => deviceOf(r, this.where));
  }

  async listDevices(filter: DeviceFilter = {}): Promise<Device[]> {
    try {
      // A few named devices, or those of a type or group: read just those rows (indexed). Otherwise the cache,
      // which fetches only what changed.
      const devices = filter.hostnames
        ? await this.loadDevices(this.pool, filter.hostnames.map(hostnameKey), filter)
        : filter.type !== undefined || filter.group !== undefined
          ? await this.loadDevices(this.pool, 'all', filter)
          : await this.devices.all(this.pool);
      return devices.filter((d) => matchesFilter(d, filter)).map((d) => structuredClone(d));
    } catch (err) {
      throw storeError(err, this.options.url, 'listing devices');
    }
  }

  async readDevices<T>(read: (devices: readonly Readonly<Device>[]) => T): Promise<T> {
    let devices: Device[];
    try {
      devices = await this.devices.all(this.pool);
    } catch (err) {
      throw storeError(err, this.options.url, 'listing devices');
    }
    return read(devices);
  }

  async getDevice(hostname: string): Promise<Device | undefined> {
    try {
      return (await this.loadDevices(this.pool, [hostnameKey(hostname)]))[0];
    } catch (err) {
      throw storeError(err, this.options.url, `reading device ${hostname}`);
    }
  }

  changeDevices(change: DeviceChange): Promise<Device[]> {
    return this.write('changing devices', (client) => this.applyDeviceChange(client, change));
  }

  /** Inside a write transaction: checks the change over the rows it touches, then writes devices, events and the history bound. */
  private async applyDeviceChange(client: pg.PoolClient, change: DeviceChange): Promise<Device[]> {
    const keys = touchedKeys(change);
    const current = new Map((keys.length ? await this.loadDevices(client, keys) : []).map((d) => [hostnameKey(d.hostname), d]));
    const { after, closing } = planDeviceChange(current, change);

    const inserts: object[] = [];
    const updates: object[] = [];
    const deletes: string[] = [];
    for (const [key, device] of after) {
      if (!device) {
        if (current.has(key)) deletes.push(key);
      } else if (current.has(key)) updates.push({ key, hostname: device.hostname, data: device });
      else inserts.push({ key, hostname: device.hostname, data: device });
    }
    if (deletes.length) await client.query('DELETE FROM devices WHERE key = ANY($1)', [deletes]);
    if (updates.length) {
      await client.query(
        `UPDATE devices d SET hostname = e.v->>'hostname', data = e.v->'data' FROM jsonb_array_elements($1::jsonb) AS e(v) WHERE d.key = e.v->>'key'`,
        [jsonParam(updates)],
      );
    }
    if (inserts.length) {
      await client.query(
        `INSERT INTO devices (key, hostname, data) SELECT e.v->>'key', e.v->>'hostname', e.v->'data' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n`,
        [jsonParam(inserts)],
      );
    }

    for (const group of closing) {
      await client.query('UPDATE sync_events SET cleared_at = $2 WHERE key = ANY($1) AND cleared_at IS NULL', [group.keys, group.at]);
    }
    const events = change.events ?? [];
    if (events.length) {
      const ids = (await client.query<{ id: string }>(`SELECT nextval('sync_event_ids') AS id FROM generate_series(1, $1)`, [events.length])).rows
        .map((r) => Number(r.id))
        .sort((a, b) => a - b);
      const rows = events.map((e, i) => ({ id: ids[i], key: hostnameKey(e.hostname), data: eventData(e), cleared_at: e.clearedAt ?? null }));
      await client.query(
        `INSERT INTO sync_events (id, key, data, cleared_at) SELECT (e.v->>'id')::bigint, e.v->>'key', e.v->'data', e.v->>'cleared_at' FROM jsonb_array_elements($1::jsonb) AS e(v)`,
        [jsonParam(rows)],
      );
    }
    const historyKeys = [...new Set([...closing.flatMap((g) => g.keys), ...events.map((e) => hostnameKey(e.hostname))])];
    if (historyKeys.length) {
      // The newest `keep` closed events of each hostname whose history just changed stay; open ones always do.
      await client.query(
        `DELETE FROM sync_events WHERE id IN (
           SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY key ORDER BY id DESC) AS n FROM sync_events WHERE key = ANY($1) AND cleared_at IS NOT NULL) c
           WHERE c.n > $2)`,
        [historyKeys, this.keepClosedEvents],
      );
    }
    const returned = [...(change.create ?? []).map((d) => d.hostname), ...(change.update ?? []).map((u) => u.hostname)];
    return returned.flatMap((h) => {
      const d = after.get(hostnameKey(h));
      return d ? [structuredClone(d)] : [];
    });
  }

  // --- events

  async listEvents(query: EventQuery = {}): Promise<SyncEvent[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.hostname !== undefined) where.push(`key = $${values.push(hostnameKey(query.hostname))}`);
    if (query.openOnly) where.push('cleared_at IS NULL');
    const filter = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const sql =
      query.limit !== undefined
        ? `SELECT * FROM (SELECT id, data, cleared_at FROM sync_events${filter} ORDER BY id DESC LIMIT $${values.push(query.limit)}) l ORDER BY id`
        : `SELECT id, data, cleared_at FROM sync_events${filter} ORDER BY id`;
    const rows = await this.query<EventRow>('listing events', sql, values);
    return rows.map((r) => eventOf(r, this.where));
  }

  // --- records

  private schemaOf(collection: CollectionName): z.ZodType<unknown> {
    const schema = this.options.collections[collection] as z.ZodType<unknown> | undefined;
    if (!schema) throw new NetsyncError('INTERNAL', `store collection '${collection}' has no schema (src/compose/storeCollections.ts)`, { collection });
    return schema;
  }

  private async loadRecords(db: Queryable, collection: CollectionName, ids: string[] | 'all'): Promise<{ id: string; value: unknown }[]> {
    const schema = this.schemaOf(collection);
    const rows =
      ids === 'all'
        ? (await db.query<{ id: string; data: unknown }>('SELECT id, data FROM records WHERE collection = $1 ORDER BY position', [collection])).rows
        : (
            await db.query<{ id: string; data: unknown }>('SELECT id, data FROM records WHERE collection = $1 AND id = ANY($2) ORDER BY position', [
              collection,
              ids,
            ])
          ).rows;
    return rows.map((r) => ({ id: r.id, value: checked(schema, r.data, collection, r.id, this.where) }));
  }

  async getRecord<K extends CollectionName>(collection: K, id: string): Promise<Collections[K] | undefined> {
    try {
      return (await this.loadRecords(this.pool, collection, [id]))[0]?.value as Collections[K] | undefined;
    } catch (err) {
      throw storeError(err, this.options.url, `reading ${collection} '${id}'`);
    }
  }

  async listRecords<K extends CollectionName>(collection: K): Promise<Collections[K][]> {
    return structuredClone(await this.cachedRecords(collection));
  }

  async readRecords<K extends CollectionName, T>(collection: K, read: (records: readonly Readonly<Collections[K]>[]) => T): Promise<T> {
    return read(await this.cachedRecords(collection));
  }

  /** A collection's records as the cache holds them (shared: copy before handing out). */
  private async cachedRecords<K extends CollectionName>(collection: K): Promise<Collections[K][]> {
    let cache = this.records.get(collection);
    if (!cache) {
      const schema = this.schemaOf(collection);
      cache = new RevisionCache({
        table: 'records',
        key: 'id',
        where: 'collection = $1',
        params: [collection],
        parse: (id, data) => checked(schema, data, collection, id, this.where),
      });
      this.records.set(collection, cache);
    }
    try {
      return (await cache.all(this.pool)) as Collections[K][];
    } catch (err) {
      throw storeError(err, this.options.url, `listing ${collection}`);
    }
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

  transact<T>(plan: (view: StoreView) => { result: T; records?: RecordWrite[]; devices?: DeviceChange }): Promise<T> {
    return this.write('writing a transaction', async (client) => {
      const view = new DiscoveryView({
        devices: (keys) => (keys === 'all' ? this.devices.all(client) : this.loadDevices(client, keys)),
        records: (collection, ids) => this.loadRecords(client, collection, ids),
        collectionNames: () => Object.keys(this.options.collections) as CollectionName[],
      });
      const { result, records = [], devices } = await view.run(plan);
      await writeRecords(client, records);
      if (devices) await this.applyDeviceChange(client, devices);
      return result;
    });
  }

  // --- meta

  async getMeta<T = unknown>(key: string): Promise<T | undefined> {
    const rows = await this.query<{ value: unknown }>(`reading meta '${key}'`, 'SELECT value FROM meta WHERE key = $1', [key]);
    return rows[0]?.value as T | undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    if (this.readOnly) throw new NetsyncError('STORE_WRITE_FAILED', `${this.where} was opened read-only`, {});
    // undefined reads back as undefined (as from the file), not as JSON null.
    if (value === undefined) {
      await this.query(`writing meta '${key}'`, 'DELETE FROM meta WHERE key = $1', [key]);
      return;
    }
    await this.query(`writing meta '${key}'`, 'INSERT INTO meta (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [
      key,
      jsonParam(value),
    ]);
  }

  // --- whole-store copy (netsync store migrate)

  /**
   * Copies a whole store's content in one transaction. A store that already holds anything is refused
   * (STORE_NOT_EMPTY) unless `replace`, which empties it first.
   */
  async importData(data: StoreData, options: { replace: boolean }): Promise<void> {
    await this.write('copying a store into it', async (client) => {
      const before = await countTables(client);
      if (!isEmpty(before)) {
        if (!options.replace) {
          const held = [
            `${before.devices} devices`,
            `${before.events} events`,
            `${Object.values(before.records).reduce((a, b) => a + b, 0)} records`,
            `${before.meta} meta entries`,
          ];
          throw new NetsyncError(
            'STORE_NOT_EMPTY',
            `${this.where} already holds ${held.join(', ')}; nothing was copied. Use an empty database, or --force to replace its content`,
            {
              ...before,
            },
          );
        }
        await clearTables(client);
      }
      await importStoreData(client, data);
    });
  }

  /** Rows per table and collection, as the database holds them now. */
  async counts(): Promise<StoreCounts> {
    const client = await this.connect('counting rows');
    try {
      return await countTables(client);
    } catch (err) {
      throw storeError(err, this.options.url, 'counting rows');
    } finally {
      client.release();
    }
  }

  // --- device locks: the replicas' one lock service (src/postgres/deviceLocks.ts), so a lock taken through this
  // store and one taken by any replica's cluster are the same advisory lock (64-bit key per device).

  tryLockDevice(hostname: string, owner: string): Promise<boolean> {
    return this.locks.tryLockDevice(hostname, owner).catch((err: unknown) => {
      throw storeError(err, this.options.url, `locking device ${hostname}`);
    });
  }

  tryLockDevices(hostnames: string[], owner: string): Promise<{ locked: string[]; refused?: string }> {
    return this.locks.tryLockDevices(hostnames, owner).catch((err: unknown) => {
      throw storeError(err, this.options.url, `locking devices ${hostnames.join(', ')}`);
    });
  }

  unlockDevice(hostname: string, owner: string): Promise<void> {
    return this.locks.unlockDevice(hostname, owner).catch((err: unknown) => {
      throw storeError(err, this.options.url, `unlocking device ${hostname}`);
    });
  }

  unlockDevices(hostnames: string[], owner: string): Promise<void> {
    return this.locks.unlockDevices(hostnames, owner).catch((err: unknown) => {
      throw storeError(err, this.options.url, `unlocking devices ${hostnames.join(', ')}`);
    });
  }

  lockHolder(hostname: string): Promise<string | undefined> {
    return this.locks.lockHolder(hostname).catch((err: unknown) => {
      throw storeError(err, this.options.url, `reading the lock of device ${hostname}`);
    });
  }
}

/** Record writes in order; the last write of an id wins. */
async function writeRecords(client: pg.PoolClient, writes: RecordWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const last = new Map<string, RecordWrite>();
  for (const w of writes) {
    const k = JSON.stringify([w.collection, w.id]);
    last.delete(k);
    last.set(k, w);
  }
  const upserts: object[] = [];
  const deletes: { collection: string; id: string }[] = [];
  for (const w of last.values()) {
    if ('delete' in w) deletes.push({ collection: w.collection, id: w.id });
    else upserts.push({ collection: w.collection, id: w.id, data: w.value });
  }
  if (deletes.length) {
    await client.query(`DELETE FROM records r USING jsonb_array_elements($1::jsonb) AS e(v) WHERE r.collection = e.v->>'collection' AND r.id = e.v->>'id'`, [
      jsonParam(deletes),
    ]);
  }
  if (upserts.length) {
    await client.query(
      `INSERT INTO records (collection, id, data) SELECT e.v->>'collection', e.v->>'id', e.v->'data' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n
       ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data`,
      [jsonParam(upserts)],
    );
  }
}
