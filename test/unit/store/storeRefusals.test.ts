/**
 * A store file that exists but is not what netsync wrote stops the store with a code naming the file and
 * the first bad field, and is never rewritten (issue #14: `jq '.devices=[]'` used to be re-seeded).
 */
import { expect } from 'chai';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { buildDevice } from '../../../src/model/device.ts';
import type { NetsyncError } from '../../../src/model/errors.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import { refusal } from '../../helpers/storeRefusal.ts';

const dev = (hostname: string) => buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(0));

describe('store/LowdbStore refuses bad data', () => {
  let dir: string;
  let path: string;
  let pristine: string;
  const open = () => new LowdbStore(path, { collections: storeCollections });

  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir, 'store.json');
    const store = open();
    await store.init();
    await store.changeDevices({ create: [dev('sw-1')], events: [{ hostname: 'sw-1', cause: 'manual', by: 't', at: 'x', detail: 'd' }] });
    await store.updateRecord('jobs', 'j1', () => ({
      id: 'j1',
      kind: 'syncto',
      status: 'FINISHED',
      args: {},
      by: 't',
      progress: { done: 1, total: 1 },
      perDevice: { 'sw-1': { status: 'synced' } },
      createdAt: 'x',
    }));
    await store.close();
    pristine = await readFile(path, 'utf8');
  });
  afterEach(() => removeDir(dir));

  /** Rewrites the valid file with `edit`, opens it, expects `code`, and checks the bytes were left alone. */
  async function refused(edit: (file: any) => void, code: string): Promise<NetsyncError> {
    const file = JSON.parse(pristine);
    edit(file);
    const bytes = JSON.stringify(file);
    await writeFile(path, bytes);
    const err = await refusal(open().init());
    expect(err.code).to.equal(code);
    expect(err.message).to.contain(path);
    expect(await readFile(path, 'utf8')).to.equal(bytes);
    return err;
  }

  it('refuses devices given as a list (the jq .devices=[] case) instead of starting empty', async () => {
    const err = await refused((f) => (f.devices = []), 'STORE_CORRUPT');
    expect(err.data.field).to.equal('devices');
  });

  it('refuses devices: null', async () => {
    expect((await refused((f) => (f.devices = null), 'STORE_CORRUPT')).data.field).to.equal('devices');
  });

  it('names the first bad field of a device: synchronized "yes", port "x"', async () => {
    expect((await refused((f) => (f.devices['sw-1'].synchronized = 'yes'), 'STORE_CORRUPT')).data.field).to.equal('devices.sw-1.synchronized');
    expect((await refused((f) => (f.devices['sw-1'].port = 'x'), 'STORE_CORRUPT')).data.field).to.equal('devices.sw-1.port');
  });

  it('refuses a record that breaks its collection schema, and a collection nobody declared', async () => {
    expect((await refused((f) => (f.records.jobs.j1.status = 'DONE'), 'STORE_CORRUPT')).data.field).to.equal('records.jobs.j1.status');
    expect((await refused((f) => (f.records.gadgets = {}), 'STORE_CORRUPT')).data.field).to.equal('records.gadgets');
  });

  it('refuses a device filed under another hostname and an event id counter that would repeat ids', async () => {
    expect((await refused((f) => (f.devices['sw-1'].hostname = 'sw-2'), 'STORE_CORRUPT')).data.field).to.equal('devices.sw-1');
    expect((await refused((f) => (f.nextEventId = 1), 'STORE_CORRUPT')).data.field).to.equal('nextEventId');
  });

  it('tells a newer format apart from corruption: version 999 is STORE_VERSION naming both versions', async () => {
    const err = await refused((f) => {
      f.version = 999;
      f.writtenBy = '9.9.9';
    }, 'STORE_VERSION');
    expect(err.message).to.match(/written by netsync 9\.9\.9 \(store format v999\).*reads store format v1/);
    expect((await refused((f) => delete f.version, 'STORE_CORRUPT')).data.field).to.equal('version');
  });

  it('refuses bytes that are not UTF-8', async () => {
    const good = await readFile(path);
    const bad = Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([0xff, 0xfe]), good.subarray(good.length - 1)]);
    await writeFile(path, bad);
    expect((await refusal(open().init())).code).to.equal('STORE_CORRUPT');
    expect((await readFile(path)).equals(bad)).to.equal(true);
  });

  it('reports a lock file that names no process instead of taking it over', async () => {
    const before = await readFile(path, 'utf8');
    await writeFile(`${path}.lock`, 'garbage\n');
    const err = await refusal(open().init());
    expect(err.code).to.equal('STORE_LOCK_INVALID');
    expect(err.message).to.contain(`${path}.lock`);
    expect(await readFile(`${path}.lock`, 'utf8')).to.equal('garbage\n');
    expect(await readFile(path, 'utf8')).to.equal(before);
  });

  describe('a missing store file', () => {
    beforeEach(async () => {
      dir = await tempDir();
      path = join(dir, 'store.json');
    });

    for (const [what, make] of [
      ['an api-token', () => writeFile(join(dir, 'api-token'), 'x'.repeat(32))],
      ['repo mirrors', () => mkdir(join(dir, 'repos'))],
      ['a lock left by a crash', () => writeFile(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 1, host: 'gone', since: 'x', id: 'y' }))],
    ] as const) {
      it(`beside ${what} is STORE_MISSING, and no store is created`, async () => {
        await make();
        const err = await refusal(open().init());
        expect(err.code).to.equal('STORE_MISSING');
        expect(err.message).to.contain(path);
        expect(await readFile(path).catch(() => 'none')).to.equal('none');
      });
    }

    it('in an empty data dir starts an empty store and writes it at once', async () => {
      const store = open();
      await store.init();
      await store.close();
      expect(JSON.parse(await readFile(path, 'utf8'))).to.include({ version: 1, nextEventId: 1 });
      const again = open();
      await again.init();
      expect(await again.listDevices()).to.deep.equal([]);
      await again.close();
    });
  });

  it('keeps hostnames and ids such as constructor and __proto__ as plain data', async () => {
    const store = open();
    await store.init();
    expect(await store.getDevice('constructor')).to.equal(undefined);
    expect(await store.getRecord('jobs', 'toString')).to.equal(undefined);
    expect(await store.getMeta('hasOwnProperty')).to.equal(undefined);
    await store.changeDevices({ create: [dev('constructor')] });
    await store.updateRecord('jobs', '__proto__', (j) => ({
      ...(j ?? { id: '__proto__', kind: 'k', status: 'RUNNING', args: {}, by: 't', progress: { done: 0, total: 0 }, perDevice: {}, createdAt: 'x' }),
    }));
    await store.setMeta('__proto__', { polluted: true });
    await store.close();
    const again = open();
    await again.init();
    expect((await again.getDevice('Constructor'))?.hostname).to.equal('constructor');
    expect((await again.getRecord('jobs', '__proto__'))?.kind).to.equal('k');
    expect(await again.getMeta('__proto__')).to.deep.equal({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect((await again.listDevices()).map((d) => d.hostname).sort()).to.deep.equal(['constructor', 'sw-1']);
    await again.close();
  });
});
