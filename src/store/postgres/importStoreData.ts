/**
 * Bulk copy of a whole store's content (a decoded lowdb file) into the PostgreSQL tables, inside the caller's
 * write transaction: devices in their order, every event with its id and clearedAt (so history reads the
 * same), the event counter, every record of every collection, and meta. Rows go in batches of one statement
 * per table and batch, so 10k devices and their history take a few statements, not tens of thousands.
 */
import type pg from 'pg';
import { hostnameKey } from '../../model/device.ts';
import type { StoreData } from '../storeFile.ts';
import { eventData, jsonParam } from './rows.ts';

const BATCH = 2_000;

export interface StoreCounts {
  devices: number;
  events: number;
  meta: number;
  /** Records per collection. */
  records: Record<string, number>;
}

export function countsOf(data: StoreData): StoreCounts {
  const records: Record<string, number> = {};
  for (const [name, entries] of data.records) records[name] = entries.size;
  return { devices: data.devices.size, events: data.events.length, meta: data.meta.size, records };
}

/** What the tables hold now. */
export async function countTables(db: Pick<pg.ClientBase, 'query'>): Promise<StoreCounts> {
  const one = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
  const records: Record<string, number> = {};
  for (const r of (await db.query<{ collection: string; n: string }>('SELECT collection, count(*) AS n FROM records GROUP BY collection ORDER BY collection'))
    .rows) {
    records[r.collection] = Number(r.n);
  }
  return {
    devices: await one('SELECT count(*) AS n FROM devices'),
    events: await one('SELECT count(*) AS n FROM sync_events'),
    meta: await one('SELECT count(*) AS n FROM meta'),
    records,
  };
}

export function isEmpty(counts: StoreCounts): boolean {
  return counts.devices === 0 && counts.events === 0 && counts.meta === 0 && Object.values(counts.records).every((n) => n === 0);
}

/** Removes every device, event, record, meta entry and lock row (for `store migrate --force`). */
export async function clearTables(client: pg.ClientBase): Promise<void> {
  await client.query('TRUNCATE devices, sync_events, records, meta');
  await client.query('ALTER SEQUENCE sync_event_ids RESTART WITH 1');
}

async function insertBatches(client: pg.ClientBase, rows: object[], sql: string): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await client.query(sql, [jsonParam(rows.slice(i, i + BATCH))]);
}

export async function importStoreData(client: pg.ClientBase, data: StoreData): Promise<void> {
  await insertBatches(
    client,
    [...data.devices.values()].map((d) => ({ key: hostnameKey(d.hostname), hostname: d.hostname, data: d })),
    `INSERT INTO devices (key, hostname, data) SELECT e.v->>'key', e.v->>'hostname', e.v->'data' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n`,
  );
  await insertBatches(
    client,
    data.events.map((e) => ({ id: e.id, key: hostnameKey(e.hostname), data: eventData(e), cleared_at: e.clearedAt ?? null })),
    `INSERT INTO sync_events (id, key, data, cleared_at) SELECT (e.v->>'id')::bigint, e.v->>'key', e.v->'data', e.v->>'cleared_at' FROM jsonb_array_elements($1::jsonb) AS e(v)`,
  );
  // The next event gets the id the file would have given it.
  await client.query('SELECT setval($1::regclass, $2, false)', ['sync_event_ids', data.nextEventId]);
  const records = [...data.records].flatMap(([collection, entries]) => [...entries].map(([id, value]) => ({ collection, id, data: value })));
  await insertBatches(
    client,
    records,
    `INSERT INTO records (collection, id, data) SELECT e.v->>'collection', e.v->>'id', e.v->'data' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n) ORDER BY e.n`,
  );
  await insertBatches(
    client,
    [...data.meta].map(([key, value]) => ({ key, value: value ?? null })),
    `INSERT INTO meta (key, value) SELECT e.v->>'key', e.v->'value' FROM jsonb_array_elements($1::jsonb) AS e(v)`,
  );
}
