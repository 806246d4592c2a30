/**
 * `netsync store migrate`: the real executable copies a lowdb store with data into a real PostgreSQL database;
 * every count matches, a device's history reads back identical (ids, open and cleared), and a target that
 * already holds data, a daemon still on the file, or a missing file are refused with their codes.
 */
import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { buildDevice } from '../../../src/model/device.ts';
import type { Job } from '../../../src/model/job.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { PostgresStore } from '../../../src/store/postgres/postgresStore.ts';
import type { CollectionName } from '../../../src/model/store.ts';
import { runCli } from '../../helpers/cli.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import type { TestDatabase } from '../../helpers/postgres.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';

const dev = (hostname: string) => buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(0));
const job = (id: string): Job => ({
  id,
  kind: 'syncto',
  status: 'FINISHED',
  args: { all: true },
  by: 't',
  progress: { done: 1, total: 1 },
  perDevice: { 'SW-1': { status: 'synced', changed: true, diff: '+x' } },
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('netsync store migrate (lowdb -> PostgreSQL)', function () {
  this.timeout(90_000);
  let db: TestDatabase;
  let dir: string;
  let file: string;
  let source: LowdbStore;

  before(async () => {
    db = await createTestDatabase('store_migrate');
    dir = await tempDir('netsync-migrate-');
    file = join(dir, 'store.json');
    source = new LowdbStore(file, { collections: storeCollections });
    await source.init();
    await source.changeDevices({ create: [dev('SW-1'), dev('sw-2'), dev('gone')] });
    for (let i = 1; i <= 4; i++) {
      await source.changeDevices({
        events: [{ hostname: 'SW-1', cause: 'templates_changed', by: 'push', at: `2026-01-0${i}T00:00:00.000Z`, commit: `c${i}`, detail: `push ${i}` }],
      });
      if (i % 2 === 0) await source.changeDevices({ clearEvents: { hostnames: ['sw-1'], at: `2026-01-0${i}T01:00:00.000Z` } });
    }
    await source.changeDevices({ events: [{ hostname: 'gone', cause: 'manual', by: 't', at: 'x', detail: 'open when removed' }] });
    await source.changeDevices({ remove: { hostnames: ['gone'], at: '2026-02-01T00:00:00.000Z' } });
    await source.changeDevices({ update: [{ hostname: 'sw-2', apply: (d) => ({ ...d, synchronized: true, groups: ['edge'] }) }] });
    await source.updateRecord('jobs', 'j1', () => job('j1'));
    await source.updateRecord('jobs', 'j2', () => job('j2'));
    await source.updateRecord('linknets', 'l1', () => ({
      id: 'l1',
      deviceA: 'SW-1',
      interfaceA: 'Ethernet1',
      deviceB: 'sw-2',
      interfaceB: 'Ethernet1',
      createdAt: 'x',
    }));
    await source.setMeta('repo:settings:commit', { sha: 'abc123' });
    await source.setMeta('__proto__', 'data like any other');
    await source.close();
  });
  after(async () => {
    await removeDir(dir);
    await db.drop();
  });

  it('copies every record, history included, and prints matching counts', async () => {
    const run = await runCli(['store', 'migrate', '--from', file], { NETSYNC_DATABASE_URL: db.url });
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/devices\s*│\s*2\s*│\s*2\s*│\s*ok/);
    expect(run.stdout).to.match(/records: jobs\s*│\s*2\s*│\s*2\s*│\s*ok/);
    expect(run.stdout).to.contain('every count matches');

    const lowdb = new LowdbStore(file, { collections: storeCollections, readOnly: true });
    await lowdb.init();
    const pg = new PostgresStore({ url: db.url, collections: storeCollections });
    await pg.init();
    try {
      expect(await pg.listDevices()).to.deep.equal(await lowdb.listDevices());
      expect(await pg.listEvents({ hostname: 'sw-1' })).to.deep.equal(await lowdb.listEvents({ hostname: 'sw-1' }));
      expect((await pg.listEvents({ hostname: 'gone' }))[0]?.clearedAt).to.equal('2026-02-01T00:00:00.000Z');
      expect(await pg.listEvents()).to.deep.equal(await lowdb.listEvents());
      for (const c of Object.keys(storeCollections) as CollectionName[]) expect(await pg.listRecords(c), c).to.deep.equal(await lowdb.listRecords(c));
      expect(await pg.getMeta('repo:settings:commit')).to.deep.equal({ sha: 'abc123' });
      expect(await pg.getMeta('__proto__')).to.equal('data like any other');
      // The next event takes the id the file would have given it.
      const highest = Math.max(...(await lowdb.listEvents()).map((e) => e.id));
      await pg.changeDevices({ events: [{ hostname: 'sw-2', cause: 'manual', by: 't', at: 'y', detail: 'after the copy' }] });
      expect((await pg.listEvents({ hostname: 'sw-2' })).at(-1)?.id).to.equal(highest + 1);
    } finally {
      await lowdb.close();
      await pg.close();
    }
  });

  it('refuses a target that holds data unless --force, and then replaces it', async () => {
    const refused = await runCli(['store', 'migrate', '--from', file, '--to', db.url]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('STORE_NOT_EMPTY').and.contain('--force');
    expect((await db.sql(`SELECT count(*)::int AS n FROM sync_events WHERE data->>'detail' = 'after the copy'`))[0]!.n).to.equal(1);

    const forced = await runCli(['store', 'migrate', '--from', file, '--to', db.url, '--force', '--json']);
    expect(forced.code).to.equal(0);
    expect(JSON.parse(forced.stdout)).to.include({ ok: true });
    expect((await db.sql(`SELECT count(*)::int AS n FROM sync_events WHERE data->>'detail' = 'after the copy'`))[0]!.n).to.equal(0);
  });

  it('refuses a file a live daemon holds, a missing file, and a URL that is not PostgreSQL', async () => {
    await writeFile(`${file}.lock`, JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname(), since: 'earlier', id: 'x' }));
    try {
      const locked = await runCli(['store', 'migrate', '--from', file, '--to', db.url, '--force']);
      expect(locked.code).to.equal(1);
      expect(locked.stderr).to.contain('STORE_LOCKED');
    } finally {
      await (await import('node:fs/promises')).rm(`${file}.lock`);
    }
    const missing = await runCli(['store', 'migrate', '--from', join(dir, 'nope.json'), '--to', db.url]);
    expect(missing.stderr).to.contain('STORE_MISSING').and.contain('nope.json');
    const mysql = await runCli(['store', 'migrate', '--from', file, '--to', 'mysql://u:hidden-pw@127.0.0.1/x']);
    expect(mysql.code).to.equal(2);
    expect(mysql.stderr).to.contain('CONFIG_INVALID').and.not.contain('hidden-pw');
    // The file itself is never written.
    expect(JSON.parse(await readFile(file, 'utf8')).devices).to.have.keys('sw-1', 'sw-2');
  });
});
