/**
 * The Store contract (src/store/store.ts), run against both backends from this one file: the lowdb file and
 * a real PostgreSQL (a database of its own, created and dropped by this run). What one backend accepts,
 * refuses or keeps, the other must too.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { buildDevice } from '../../../src/model/device.ts';
import type { Device } from '../../../src/model/device.ts';
import { NetsyncError } from '../../../src/model/errors.ts';
import type { Job } from '../../../src/model/job.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { PostgresStore } from '../../../src/store/postgres/postgresStore.ts';
import type { Store } from '../../../src/model/store.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import type { TestDatabase } from '../../helpers/postgres.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';
import { codeOf } from '../../helpers/storeRefusal.ts';

const dev = (hostname: string, type = 'ACCESS') => buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type }, new Date(0));
const job = (id: string, status: Job['status'] = 'SCHEDULED'): Job => ({
  id,
  kind: 'syncto',
  status,
  args: {},
  by: 't',
  progress: { done: 0, total: 1 },
  perDevice: {},
  createdAt: '2026-01-01T00:00:00.000Z',
});
const ev = (hostname: string, detail: string, closed = false) => ({
  hostname,
  cause: 'manual' as const,
  by: 't',
  at: detail,
  detail,
  ...(closed ? { clearedAt: detail } : {}),
});

interface Backend {
  name: string;
  before(): Promise<void>;
  after(): Promise<void>;
  /** A clean, empty store location for the next test. */
  reset(): Promise<void>;
  /** A store on the current location (call init); several opens share its data. */
  open(options?: { keepClosedEvents?: number }): Store;
}

function lowdbBackend(): Backend {
  let dir = '';
  return {
    name: 'lowdb',
    before: async () => undefined,
    after: () => removeDir(dir),
    reset: async () => {
      if (dir) await removeDir(dir);
      dir = await tempDir();
    },
    open: (options = {}) => new LowdbStore(join(dir, 'store.json'), { collections: storeCollections, ...options }),
  };
}

function postgresBackend(): Backend {
  let db: TestDatabase | undefined;
  return {
    name: 'postgres',
    before: async () => {
      db = await createTestDatabase('store_contract');
    },
    after: async () => db?.drop(),
    reset: async () => {
      await db!.sql('DROP SCHEMA public CASCADE');
      await db!.sql('CREATE SCHEMA public');
    },
    open: (options = {}) => new PostgresStore({ url: db!.url, collections: storeCollections, ...options }),
  };
}

for (const backend of [lowdbBackend(), postgresBackend()]) {
  describe(`store contract: ${backend.name}`, function () {
    const opened: Store[] = [];
    const open = async (options?: { keepClosedEvents?: number }) => {
      const store = backend.open(options);
      opened.push(store);
      await store.init();
      return store;
    };
    before(() => backend.before());
    after(() => backend.after());
    beforeEach(() => backend.reset());
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('finds devices case-insensitively and refuses a second spelling', async () => {
      const store = await open();
      await store.changeDevices({ create: [dev('SW-1')] });
      expect((await store.getDevice('sw-1'))?.hostname).to.equal('SW-1');
      expect(await codeOf(store.changeDevices({ create: [dev('sw-1')] }))).to.equal('CONFLICT');
      expect(await codeOf(store.changeDevices({ create: [dev('x'), dev('X')] }))).to.equal('CONFLICT');
      expect((await store.listDevices()).map((d) => d.hostname)).to.deep.equal(['SW-1']);
      expect((await store.listDevices({ hostnames: ['SW-1', 'nope'] })).map((d) => d.hostname)).to.deep.equal(['SW-1']);
    });

    it('applies a change all or nothing', async () => {
      const store = await open();
      await store.changeDevices({ create: [dev('a')] });
      const failing = store.changeDevices({
        create: [dev('new')],
        update: [
          { hostname: 'a', apply: (d) => ({ ...d, groups: ['x'] }) },
          { hostname: 'missing', apply: (d) => d },
        ],
        events: [{ hostname: 'a', cause: 'manual', by: 't', at: 'now', detail: '' }],
      });
      expect(await codeOf(failing)).to.equal('NOT_FOUND');
      expect((await store.getDevice('a'))?.groups).to.deep.equal([]);
      expect(await store.getDevice('new')).to.equal(undefined);
      expect(await store.listEvents()).to.have.length(0);
      expect(await codeOf(store.changeDevices({ remove: { hostnames: ['ghost'], at: 'x' } }))).to.equal('NOT_FOUND');
    });

    it('returns the devices as they are after the change, updates applied in order', async () => {
      const store = await open();
      const [created] = await store.changeDevices({ create: [dev('a')] });
      expect(created?.hostname).to.equal('a');
      const after = await store.changeDevices({
        update: [
          { hostname: 'A', apply: (d) => ({ ...d, groups: [...d.groups, 'one'] }) },
          { hostname: 'a', apply: (d) => ({ ...d, groups: [...d.groups, 'two'] }) },
        ],
      });
      // One entry per update, each the device after the whole change.
      expect(after.map((d) => d.groups)).to.deep.equal([
        ['one', 'two'],
        ['one', 'two'],
      ]);
      expect((await store.getDevice('a'))?.groups).to.deep.equal(['one', 'two']);
    });

    it('lists devices in the order they were added, with filters', async () => {
      const store = await open();
      await store.changeDevices({ create: [dev('c', 'CORE'), dev('a'), dev('b')] });
      await store.changeDevices({ update: [{ hostname: 'a', apply: (d) => ({ ...d, synchronized: true, groups: ['Edge'] }) }] });
      expect((await store.listDevices()).map((d) => d.hostname)).to.deep.equal(['c', 'a', 'b']);
      expect((await store.listDevices({ synchronized: false })).map((d) => d.hostname)).to.deep.equal(['c', 'b']);
      expect((await store.listDevices({ type: 'core' })).map((d) => d.hostname)).to.deep.equal(['c']);
      expect((await store.listDevices({ group: 'edge' })).map((d) => d.hostname)).to.deep.equal(['a']);
      expect(await store.readDevices((devices) => devices.map((d) => d.hostname).join(','))).to.equal('c,a,b');
    });

    it('keeps devices, events, records and meta across a restart', async () => {
      const first = await open();
      await first.changeDevices({ create: [dev('a')], events: [{ hostname: 'a', cause: 'manual', by: 't', at: 'x', detail: 'd' }] });
      await first.setMeta('repo', { commit: 'abc' });
      await first.updateRecord('jobs', 'j1', () => job('j1'));
      await first.close();
      const second = await open();
      expect((await second.getDevice('A'))?.unsyncedSince).to.equal(new Date(0).toISOString());
      expect((await second.listEvents({ hostname: 'a' })).map((e) => e.cause)).to.deep.equal(['manual']);
      expect(await second.getMeta('repo')).to.deep.equal({ commit: 'abc' });
      expect(await second.getMeta('nothing')).to.equal(undefined);
      await second.setMeta('repo', undefined);
      expect(await second.getMeta('repo')).to.equal(undefined);
      await second.setMeta('zero', 0);
      expect(await second.getMeta('zero')).to.equal(0);
      expect((await second.getRecord('jobs', 'j1'))?.status).to.equal('SCHEDULED');
    });

    it('keeps every open event and only the newest closed ones per device', async () => {
      const store = await open({ keepClosedEvents: 2 });
      await store.changeDevices({ create: [dev('a'), dev('b')] });
      await store.changeDevices({ events: [ev('b', 'b1', true), ev('b', 'b2', true), ev('b', 'b3', true)] });
      for (const n of [1, 2, 3]) {
        await store.changeDevices({ events: [ev('a', `open${n}`)] });
        await store.changeDevices({ clearEvents: { hostnames: ['A'], at: `c${n}` } });
      }
      await store.changeDevices({ events: [ev('a', 'open4'), ev('a', 'open5')] });
      const details = async (h: string) => (await store.listEvents({ hostname: h })).map((e) => e.detail);
      expect(await details('a')).to.deep.equal(['open2', 'open3', 'open4', 'open5']);
      expect(await details('b')).to.deep.equal(['b2', 'b3']);
      expect((await store.listEvents({ hostname: 'a', openOnly: true })).map((e) => e.detail)).to.deep.equal(['open4', 'open5']);
      expect((await store.listEvents({ hostname: 'a', limit: 2 })).map((e) => e.detail)).to.deep.equal(['open4', 'open5']);
      const all = await store.listEvents();
      expect(all.map((e) => e.id)).to.deep.equal([...all.map((e) => e.id)].sort((x, y) => x - y));
      await store.close();
      const reopened = await open({ keepClosedEvents: 2 });
      expect((await reopened.listEvents()).map((e) => e.id)).to.deep.equal(all.map((e) => e.id));
    });

    it("closes a removed device's open events with it and keeps its history under the hostname", async () => {
      const store = await open();
      await store.changeDevices({ create: [dev('a')], events: [ev('a', 'open'), ev('a', 'old', true)] });
      await store.changeDevices({ remove: { hostnames: ['A'], at: 'gone' } });
      expect(await store.getDevice('a')).to.equal(undefined);
      const history = await store.listEvents({ hostname: 'a' });
      expect(history.map((e) => [e.detail, e.clearedAt])).to.deep.equal([
        ['open', 'gone'],
        ['old', 'old'],
      ]);
      // A later device of that name starts with no open event.
      await store.changeDevices({ create: [dev('a')] });
      expect(await store.listEvents({ hostname: 'a', openOnly: true })).to.deep.equal([]);
    });

    it("clears open events before adding the change's new ones", async () => {
      const store = await open();
      await store.changeDevices({ create: [dev('a')], events: [ev('a', 'before')] });
      await store.changeDevices({ clearEvents: { hostnames: ['a'], at: 'now' }, events: [ev('a', 'after')] });
      expect((await store.listEvents({ hostname: 'a' })).map((e) => [e.detail, e.clearedAt ?? null])).to.deep.equal([
        ['before', 'now'],
        ['after', null],
      ]);
    });

    it('loses no update under 200 concurrent read-modify-writes', async () => {
      const store = await open();
      await store.changeDevices({ create: [dev('a')] });
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.changeDevices({ update: [{ hostname: 'a', apply: (d) => ({ ...d, groups: [...d.groups, `g${i}`] }) }] })),
      );
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.updateRecord('jobs', 'j', (j) => ({ ...(j ?? job('j')), log: [...(j?.log ?? []), `l${i}`] }))),
      );
      await store.close();
      const reopened = await open();
      expect((await reopened.getDevice('a'))?.groups).to.have.length(200);
      expect((await reopened.getRecord('jobs', 'j'))?.log).to.have.length(50);
    });

    it('keeps records per collection, in the order they were added', async () => {
      const store = await open();
      await store.updateRecord('jobs', 'b', () => job('b'));
      await store.updateRecord('jobs', 'a', () => job('a'));
      await store.updateRecord('jobs', 'b', (j) => ({ ...j!, status: 'RUNNING' }));
      expect((await store.listRecords('jobs')).map((j) => [j.id, j.status])).to.deep.equal([
        ['b', 'RUNNING'],
        ['a', 'SCHEDULED'],
      ]);
      expect(await store.listRecords('linknets')).to.deep.equal([]);
      expect(await store.readRecords('jobs', (jobs) => jobs.map((j) => j.id).join(','))).to.equal('b,a');
      expect(await store.readRecords('linknets', (l) => l.length)).to.equal(0);
      expect(await store.deleteRecord('jobs', 'b')).to.equal(true);
      expect(await store.deleteRecord('jobs', 'b')).to.equal(false);
      expect(await store.getRecord('jobs', 'b')).to.equal(undefined);
      // Ids from clients are data, never object keys of the store's own.
      await store.updateRecord('jobs', '__proto__', () => job('__proto__'));
      expect((await store.getRecord('jobs', '__proto__'))?.id).to.equal('__proto__');
    });

    it('gives a copy: changing what a read returned changes nothing stored', async () => {
      const store = await open();
      await store.changeDevices({ create: [dev('a')] });
      const d = (await store.getDevice('a')) as Device;
      d.groups.push('mutated');
      (await store.listDevices())[0]!.groups.push('mutated');
      expect((await store.getDevice('a'))?.groups).to.deep.equal([]);
    });

    it('transact: reads devices and records, writes both at once, or nothing when the plan throws', async () => {
      const store = await open();
      await store.changeDevices({ create: [dev('a'), dev('b')] });
      await store.updateRecord('jobs', 'j1', () => job('j1'));
      const result = await store.transact((view) => {
        const j = view.record('jobs', 'j1')!;
        const a = view.device('A')!;
        const all = view.devices().map((d) => d.hostname);
        const jobs = view.records('jobs').map((x) => x.id);
        return {
          result: { all, jobs, missing: view.device('zzz') === undefined && view.record('jobs', 'nope') === undefined },
          records: [
            { collection: 'jobs' as const, id: 'j1', value: { ...j, status: 'RUNNING' as const } },
            { collection: 'jobs' as const, id: 'j2', value: job('j2') },
          ],
          devices: { update: [{ hostname: a.hostname, apply: (d: Device) => ({ ...d, groups: ['t'] }) }], events: [ev('a', 'tx')] },
        };
      });
      expect(result).to.deep.equal({ all: ['a', 'b'], jobs: ['j1'], missing: true });
      expect((await store.getRecord('jobs', 'j1'))?.status).to.equal('RUNNING');
      expect((await store.getDevice('a'))?.groups).to.deep.equal(['t']);
      expect(await store.listEvents({ hostname: 'a' })).to.have.length(1);

      expect(
        await codeOf(
          store.transact((view) => {
            if (view.record('jobs', 'j2')) throw new NetsyncError('CONFLICT', 'j2 exists');
            return { result: 1 };
          }),
        ),
      ).to.equal('CONFLICT');
      // A device change the store refuses undoes the plan's record writes too.
      expect(
        await codeOf(
          store.transact(() => ({
            result: 1,
            records: [{ collection: 'jobs' as const, id: 'j3', value: job('j3') }],
            devices: { create: [dev('A')] },
          })),
        ),
      ).to.equal('CONFLICT');
      expect(await store.getRecord('jobs', 'j3')).to.equal(undefined);
      expect((await store.listRecords('jobs')).map((j) => j.id)).to.deep.equal(['j1', 'j2']);
    });

    it('transact: a plan sees the writes committed before it, even many at once', async () => {
      const store = await open();
      await store.changeDevices({ create: [dev('a')] });
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.transact((view) => {
            const current = view.record('jobs', 'counter');
            const next = { ...(current ?? job('counter')), progress: { done: (current?.progress.done ?? 0) + 1, total: 30 } };
            const d = view.device('a')!;
            return {
              result: undefined,
              records: [{ collection: 'jobs' as const, id: 'counter', value: next }],
              devices: { update: [{ hostname: d.hostname, apply: (x: Device) => ({ ...x, groups: [...x.groups, `t${i}`] }) }] },
            };
          }),
        ),
      );
      expect((await store.getRecord('jobs', 'counter'))?.progress.done).to.equal(30);
      expect((await store.getDevice('a'))?.groups).to.have.length(30);
    });

    it('gives a device lock to one owner at a time without waiting', async () => {
      const store = await open();
      expect(await store.tryLockDevice('SW-1', 'tx1')).to.equal(true);
      expect(await store.tryLockDevice('sw-1', 'tx1')).to.equal(true);
      expect(await store.tryLockDevice('sw-1', 'tx2')).to.equal(false);
      // The holder is named by its owner (PostgreSQL adds the replica that holds it).
      expect(await store.lockHolder('sw-1')).to.match(/^tx1\b/);
      await store.unlockDevice('sw-1', 'tx2');
      expect(await store.lockHolder('sw-1')).to.match(/^tx1\b/);
      // Taken twice by one owner: two releases free it on every backend (PostgreSQL's locks stack per owner,
      // so a job's lock outlives the transaction it runs on the same device).
      await store.unlockDevice('sw-1', 'tx1');
      await store.unlockDevice('sw-1', 'tx1');
      expect(await store.lockHolder('sw-1')).to.equal(undefined);
      const both = await Promise.all([store.tryLockDevice('sw-2', 'tx3'), store.tryLockDevice('sw-2', 'tx4')]);
      expect(both.filter(Boolean)).to.have.length(1);
      expect(await store.tryLockDevice('sw-1', 'tx2')).to.equal(true);
    });
  });
}
