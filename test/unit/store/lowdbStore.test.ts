import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildDevice } from '../../../src/model/device.ts';
import { NetsyncError } from '../../../src/model/errors.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import { codeOf } from '../../helpers/storeRefusal.ts';

const dev = (hostname: string) => buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(0));

/** What only the file backend has (the file, its lock); the Store contract itself: test/integration/store/storeContract.test.ts. */
describe('store/LowdbStore', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await tempDir();
    path = join(dir, 'store.json');
  });
  afterEach(() => removeDir(dir));

  it('refuses a corrupt file with STORE_CORRUPT and leaves it untouched', async () => {
    await writeFile(path, '{"version":1,"devices":{"a":');
    const store = new LowdbStore(path, { collections: storeCollections });
    expect(await codeOf(store.init())).to.equal('STORE_CORRUPT');
    expect(await readFile(path, 'utf8')).to.equal('{"version":1,"devices":{"a":');
  });

  it('refuses a JSON file that is not a netsync store', async () => {
    await writeFile(path, '[1,2,3]');
    expect(await codeOf(new LowdbStore(path, { collections: storeCollections }).init())).to.equal('STORE_CORRUPT');
    expect(await readFile(path, 'utf8')).to.equal('[1,2,3]');
  });

  it('reports an unwritable store and keeps memory and disk as they were', async () => {
    const store = new LowdbStore(path, { collections: storeCollections });
    await store.init();
    await store.changeDevices({ create: [dev('a')] });
    const before = await readFile(path, 'utf8');
    // lowdb writes a temp file beside the store and renames it; a directory in its place makes every
    // write fail, even for root (who ignores file modes).
    await mkdir(join(dir, '.store.json.tmp'));
    expect(await codeOf(store.changeDevices({ create: [dev('b')] }))).to.equal('STORE_WRITE_FAILED');
    expect((await store.listDevices()).map((d) => d.hostname)).to.deep.equal(['a']);
    expect(await readFile(path, 'utf8')).to.equal(before);
  });

  it('reports a store directory it cannot create as STORE_WRITE_FAILED naming it', async () => {
    await writeFile(join(dir, 'not-a-dir'), '');
    const store = new LowdbStore(join(dir, 'not-a-dir', 'data', 'store.json'), { collections: storeCollections });
    let err: unknown;
    await store.init().catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(NetsyncError).with.property('code', 'STORE_WRITE_FAILED');
    expect((err as Error).message).to.contain(join(dir, 'not-a-dir', 'data'));
  });

  it('lets one process at a time write the file: another live holder is STORE_LOCKED, a dead one is taken over', async () => {
    const lockPath = `${path}.lock`;
    const first = new LowdbStore(path, { collections: storeCollections });
    await first.init();
    await first.close();
    // Our parent process is alive, on this host, and not us: a stand-in for a second daemon.
    await writeFile(lockPath, JSON.stringify({ pid: process.ppid, host: hostname(), since: 'earlier' }));
    expect(await codeOf(new LowdbStore(path, { collections: storeCollections }).init())).to.equal('STORE_LOCKED');
    const reader = new LowdbStore(path, { collections: storeCollections, readOnly: true });
    await reader.init();
    expect(await codeOf(reader.setMeta('k', 1))).to.equal('STORE_WRITE_FAILED');
    await reader.close();
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).to.equal(process.ppid);

    const gone = spawn(process.execPath, ['-e', '']);
    await once(gone, 'exit');
    await writeFile(lockPath, JSON.stringify({ pid: gone.pid, host: hostname(), since: 'earlier' }));
    const store = new LowdbStore(path, { collections: storeCollections });
    await store.init();
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).to.equal(process.pid);
    await store.close();
    expect(existsSync(lockPath)).to.equal(false);
  });
});
