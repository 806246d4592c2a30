/**
 * What only the PostgreSQL store has: a server that may be away or slow, a schema with versions, rows that
 * other tools can damage, and several processes (here: several stores, each with its own connections) on
 * one database. The contract both backends share: storeContract.test.ts.
 */
import { expect } from 'chai';
import { createServer } from 'node:net';
import { once } from 'node:events';
import pg from 'pg';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { buildDevice } from '../../../src/model/device.ts';
import { LOCK_NAMESPACE } from '../../../src/store/postgres/lockKeys.ts';
import { PgDeviceLocks } from '../../../src/postgres/deviceLocks.ts';
import type { PostgresStoreOptions } from '../../../src/store/postgres/postgresStore.ts';
import { PostgresStore } from '../../../src/store/postgres/postgresStore.ts';
import { MIGRATIONS_DIR, MIGRATIONS_TABLE, shippedMigrations } from '../../../src/store/postgres/schemaMigrations.ts';
import { runner } from 'node-pg-migrate';
import type { TestDatabase } from '../../helpers/postgres.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';
import { until } from '../../helpers/until.ts';
import { refusal } from '../../helpers/storeRefusal.ts';

const dev = (hostname: string) => buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(0));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

describe('store/PostgresStore', function () {
  let db: TestDatabase;
  const opened: PostgresStore[] = [];
  const store = (options: Partial<PostgresStoreOptions> = {}) => {
    const s = new PostgresStore({ url: db.url, collections: storeCollections, ...options });
    opened.push(s);
    return s;
  };

  before(async () => {
    db = await createTestDatabase('pgstore');
  });
  after(() => db.drop());
  beforeEach(async () => {
    await db.sql('DROP SCHEMA public CASCADE');
    await db.sql('CREATE SCHEMA public');
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  it('names the unreachable server, never the password', async () => {
    const port = await closedPort();
    const err = await refusal(store({ url: `postgres://netsync:s3cret-pw@127.0.0.1:${port}/netsync`, connectTimeoutMs: 2000 }).init());
    expect(err.code).to.equal('STORE_UNREACHABLE');
    expect(err.message).to.contain(`127.0.0.1:${port}/netsync`);
    expect(err.httpStatus).to.equal(503);
    expect(`${err.message} ${JSON.stringify(err.data)} ${err.stack}`).not.to.contain('s3cret-pw');
  });

  it('names a database that does not exist', async () => {
    const url = new URL(db.url);
    url.pathname = `/${db.name}_missing`;
    url.password = 'pw-not-shown';
    const err = await refusal(store({ url: url.toString() }).init());
    expect(err.code).to.equal('STORE_UNREACHABLE');
    expect(err.data).to.include({ database: `${db.name}_missing`, sqlState: '3D000' });
    expect(err.message).not.to.contain('pw-not-shown');
  });

  it('migrates an empty database at start, once even when several processes start together', async () => {
    await Promise.all([store().init(), store().init(), store().init()]);
    const applied = await db.sql<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
    const shipped = shippedMigrations();
    expect(shipped[0]).to.equal('0100_store');
    expect(applied.map((r) => r.name)).to.deep.equal(shipped);
    expect(opened[0]!.schemaVersion()).to.equal(shipped.at(-1));
  });

  it('refuses a schema newer than this netsync with STORE_VERSION and changes nothing', async () => {
    await store().init();
    await db.sql(`INSERT INTO pgmigrations (name, run_on) VALUES ('9900_from_the_future', now())`);
    const err = await refusal(store().init());
    expect(err.code).to.equal('STORE_VERSION');
    expect(err.data.unknownMigrations).to.deep.equal(['9900_from_the_future']);
    expect(err.message).to.contain('9900_from_the_future');
    expect((await db.sql('SELECT name FROM pgmigrations')).length).to.equal(shippedMigrations().length + 1);
  });

  it('refuses a damaged row with STORE_CORRUPT naming table, row and field', async () => {
    const s = store();
    await s.init();
    await s.changeDevices({ create: [dev('sw-1')] });
    await s.updateRecord('linknets', 'l1', () => ({ id: 'l1', deviceA: 'a', interfaceA: 'e1', deviceB: 'b', interfaceB: 'e2', createdAt: 'x' }));
    await db.sql(`UPDATE devices SET data = jsonb_set(data, '{port}', '"ssh"')`);
    await db.sql(`UPDATE records SET data = data - 'deviceB'`);
    const device = await refusal(s.getDevice('sw-1'));
    expect(device.code).to.equal('STORE_CORRUPT');
    expect(device.data).to.include({ table: 'devices', id: 'sw-1', field: 'port' });
    const record = await refusal(s.listRecords('linknets'));
    expect(record.data).to.include({ table: 'linknets', id: 'l1', field: 'deviceB' });
    // A write that would read the damaged row is refused the same way and writes nothing.
    expect((await refusal(s.changeDevices({ update: [{ hostname: 'sw-1', apply: (d) => d }] }))).code).to.equal('STORE_CORRUPT');
  });

  it('a device lock held by one process is refused to another, names its holder, and ends with its connection', async () => {
    const one = store({ replica: 'replica-one' });
    const two = store({ replica: 'replica-two' });
    await one.init();
    await two.init();
    expect(await one.tryLockDevice('SW-1', 'tx-one')).to.equal(true);
    expect(await two.tryLockDevice('sw-1', 'tx-two')).to.equal(false);
    // Two owners in one process are told apart as well (each owner has its own lock connection).
    expect(await one.tryLockDevice('sw-1', 'tx-three')).to.equal(false);
    expect(await two.lockHolder('sw-1')).to.equal('tx-one (replica replica-one)');
    await one.unlockDevice('sw-1', 'tx-one');
    expect(await two.lockHolder('sw-1')).to.equal(undefined);
    expect(await one.tryLockDevice('sw-1', 'tx-one')).to.equal(true);
    // The holder's process goes away without unlocking: the lock ends with its connection.
    await one.close();
    await until(async () => (await two.lockHolder('sw-1')) === undefined, "the closed connection's lock to end");
    expect(await two.tryLockDevice('sw-1', 'tx-two')).to.equal(true);
    expect(await two.lockHolder('SW-1')).to.equal('tx-two (replica replica-two)');
  });

  it("the store's device locks and the replicas' lock service are one lock: each excludes the other", async () => {
    const s = store({ replica: 'via-store' });
    await s.init();
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const service = new PgDeviceLocks({ connection: { connectionString: db.url }, pool, replica: 'via-service' });
    try {
      expect(await s.tryLockDevice('sw-1', 'tx-store')).to.equal(true);
      expect(await service.tryLockDevice('SW-1', 'tx-service')).to.equal(false);
      expect(await service.lockHolder('sw-1')).to.equal('tx-store (replica via-store)');
      expect(await service.tryLockDevice('sw-2', 'tx-service')).to.equal(true);
      expect(await s.tryLockDevices(['sw-3', 'sw-2'], 'tx-store')).to.deep.equal({ locked: ['sw-3'], refused: 'sw-2' });
      expect(await s.lockHolder('sw-2')).to.equal('tx-service (replica via-service)');
      await s.unlockDevices(['sw-1', 'sw-3'], 'tx-store');
      expect(await service.tryLockDevice('sw-1', 'tx-service')).to.equal(true);
    } finally {
      await service.close();
      await pool.end();
    }
  });

  it('serializes writes of several processes: no update is lost', async () => {
    const one = store();
    const two = store();
    await one.init();
    await two.init();
    await one.changeDevices({ create: [dev('a')] });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? one : two).changeDevices({ update: [{ hostname: 'a', apply: (d) => ({ ...d, groups: [...d.groups, `g${i}`] }) }] }),
      ),
    );
    expect((await one.getDevice('a'))?.groups).to.have.length(40);
  });

  it("a full listing sees every change since the last one: another process's writes, removals and hand edits", async () => {
    const one = store();
    const two = store();
    await one.init();
    await two.init();
    await one.changeDevices({ create: [dev('a'), dev('b'), dev('c')] });
    const names = async () => (await one.listDevices()).map((d) => `${d.hostname}:${d.groups.join('+')}`);
    expect(await names()).to.deep.equal(['a:', 'b:', 'c:']);
    await two.changeDevices({
      update: [{ hostname: 'b', apply: (d) => ({ ...d, groups: ['two'] }) }],
      remove: { hostnames: ['c'], at: 'x' },
      create: [dev('d')],
    });
    expect(await names()).to.deep.equal(['a:', 'b:two', 'd:']);
    await db.sql(`UPDATE devices SET data = jsonb_set(data, '{groups}', '["psql"]') WHERE key = 'a'`);
    expect(await names()).to.deep.equal(['a:psql', 'b:two', 'd:']);
    expect(await one.readDevices((ds) => ds.map((d) => d.hostname))).to.deep.equal(['a', 'b', 'd']);
    // A hand edit that breaks a row is caught by the next listing, not hidden by what was read before.
    await db.sql(`UPDATE devices SET data = data - 'state' WHERE key = 'b'`);
    expect((await refusal(one.listDevices())).data).to.include({ table: 'devices', id: 'b', field: 'state' });
  });

  it('finds devices by type and group through indexed keys: also after a hand edit, for names outside ASCII and rows from before 0700', async () => {
    const s = store();
    await s.init();
    const typed = (hostname: string, type: string, groups: string[]) => ({ ...dev(hostname), type, groups });
    await s.changeDevices({ create: [typed('a', 'Core', ['Edge']), typed('b', 'ACCESS', ['Ünï']), typed('c', 'ſ', [])] });
    const names = async (filter: { type?: string; group?: string }) => (await s.listDevices(filter)).map((d) => d.hostname);
    expect(await names({ type: 'CORE' })).to.deep.equal(['a']);
    expect(await names({ group: 'edge' })).to.deep.equal(['a']);
    // 'ſ' (long s) upper-cases to 'S' in JavaScript: the device filed under '*' is read and matched.
    expect(await names({ type: 's' })).to.deep.equal(['c']);
    expect(await names({ group: 'üNÏ' })).to.deep.equal(['b']);
    await db.sql(`UPDATE devices SET data = jsonb_set(data, '{groups}', '["Psql"]') WHERE key = 'c'`);
    expect(await names({ group: 'PSQL' })).to.deep.equal(['c']);
    // Rows written before the migration get their keys when it runs: back to 0600 with the down migrations, then up.
    const client = await db.pool.connect();
    try {
      const after0600 = shippedMigrations().filter((m) => m > '0600_jobs_queue').length;
      await runner({ dbClient: client, dir: MIGRATIONS_DIR, migrationsTable: MIGRATIONS_TABLE, direction: 'down', count: after0600, log: () => undefined });
    } finally {
      client.release();
    }
    expect((await db.sql<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id')).at(-1)!.name).to.equal('0600_jobs_queue');
    const again = store();
    await again.init();
    expect((await again.listDevices({ type: 'core' })).map((d) => d.hostname)).to.deep.equal(['a']);
    expect((await again.listDevices({ group: 'psql' })).map((d) => d.hostname)).to.deep.equal(['c']);
  });

  it("a record listing sees every change since the last one: another process's writes, removals and hand edits", async () => {
    const one = store();
    const two = store();
    await one.init();
    await two.init();
    const linknet = (id: string, deviceA: string) => ({ id, deviceA, interfaceA: 'e1', deviceB: 'b', interfaceB: 'e2', createdAt: 'x' });
    for (const id of ['l1', 'l2', 'l3']) await one.updateRecord('linknets', id, () => linknet(id, 'a'));
    const listed = async () => (await one.listRecords('linknets')).map((l) => `${l.id}:${l.deviceA}`);
    expect(await listed()).to.deep.equal(['l1:a', 'l2:a', 'l3:a']);
    await two.updateRecord('linknets', 'l2', (l) => ({ ...l!, deviceA: 'two' }));
    await two.deleteRecord('linknets', 'l3');
    await two.updateRecord('linknets', 'l4', () => linknet('l4', 'new'));
    expect(await listed()).to.deep.equal(['l1:a', 'l2:two', 'l4:new']);
    await db.sql(`UPDATE records SET data = jsonb_set(data, '{deviceA}', '"psql"') WHERE id = 'l1'`);
    expect(await listed()).to.deep.equal(['l1:psql', 'l2:two', 'l4:new']);
    // What a listing returned is a copy: changing it changes nothing the next one gives.
    (await one.listRecords('linknets'))[0]!.deviceA = 'changed';
    expect(await one.readRecords('linknets', (ls) => ls.map((l) => l.deviceA))).to.deep.equal(['psql', 'two', 'new']);
    await db.sql(`UPDATE records SET data = data - 'deviceA' WHERE id = 'l2'`);
    expect((await refusal(one.listRecords('linknets'))).data).to.include({ table: 'linknets', id: 'l2', field: 'deviceA' });
  });

  it('stores text with U+0000 (which PostgreSQL text refuses) as U+FFFD instead of failing the write', async () => {
    const s = store();
    await s.init();
    await s.updateRecord('jobs', 'j', () => ({
      id: 'j',
      kind: 'syncto',
      status: 'FINISHED',
      args: {},
      by: 't',
      progress: { done: 1, total: 1 },
      perDevice: { 'sw-1': { status: 'synced', diff: '+line\u0000with nul' } },
      createdAt: 'x',
    }));
    expect((await s.getRecord('jobs', 'j'))?.perDevice['sw-1']?.diff).to.equal('+line\uFFFDwith nul');
  });

  it('a write that waits longer than the statement timeout fails with STORE_TIMEOUT and writes nothing', async () => {
    const s = store({ statementTimeoutMs: 300 });
    await s.init();
    // Another session holds the store's write lock in an open transaction.
    const pg = (await import('pg')).default;
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_NAMESPACE.write]);
      const err = await refusal(s.changeDevices({ create: [dev('a')] }));
      expect(err.code).to.equal('STORE_TIMEOUT');
      expect(err.httpStatus).to.equal(503);
    } finally {
      await blocker.end();
    }
    expect(await s.listDevices()).to.deep.equal([]);
  });

  it('a read-only store (CLI beside the daemons) reads, refuses writes and an unmigrated database', async () => {
    expect((await refusal(store({ readOnly: true }).init())).code).to.equal('STORE_VERSION');
    const writer = store();
    await writer.init();
    await writer.changeDevices({ create: [dev('a')] });
    const reader = store({ readOnly: true });
    await reader.init();
    expect((await reader.listDevices()).map((d) => d.hostname)).to.deep.equal(['a']);
    expect((await refusal(reader.changeDevices({ create: [dev('b')] }))).code).to.equal('STORE_WRITE_FAILED');
    expect((await refusal(reader.setMeta('k', 1))).code).to.equal('STORE_WRITE_FAILED');
  });
});
