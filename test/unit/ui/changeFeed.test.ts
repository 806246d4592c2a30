import { expect } from 'chai';
import { join } from 'node:path';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { buildDevice } from '../../../src/model/device.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { ChangeFeed } from '../../../src/ui/changeFeed.ts';
import { inventoryVersion, parseVersion } from '../../../src/ui/liveVersion.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

const dev = (hostname: string) => buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(0));

describe('ui/ChangeFeed', () => {
  let dir: string;
  let store: LowdbStore;
  // The interval never fires within a test: check() is called as the timer would.
  let feed: ChangeFeed;
  beforeEach(async () => {
    dir = await tempDir();
    store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
    await store.changeDevices({ create: [dev('sw-1'), dev('sw-2')] });
    feed = new ChangeFeed('devices', () => store.readDevices(inventoryVersion), 3_600_000);
  });
  afterEach(async () => {
    await store.close();
    await removeDir(dir);
  });
  const unsync = (hostname: string) =>
    store.changeDevices({ update: [{ hostname, apply: (d) => ({ ...d, synchronized: false, updatedAt: new Date(Date.now() + 1000).toISOString() }) }] });

  it('tells a page of a change made after its stream started, once', async () => {
    const heard: string[] = [];
    const stop = feed.subscribe((e) => heard.push(e), await store.readDevices(inventoryVersion));
    await feed.check();
    expect(heard).to.deep.equal([]);
    await unsync('sw-1');
    await feed.check();
    await feed.check();
    expect(heard).to.deep.equal(['devices']);
    stop();
  });

  it('tells a page at once of a change made between rendering it and its stream starting (the page sends the version it shows)', async () => {
    const rendered = await store.readDevices(inventoryVersion);
    await unsync('sw-2');
    const heard: string[] = [];
    const stop = feed.subscribe((e) => heard.push(e), rendered);
    await feed.check();
    expect(heard).to.deep.equal(['devices']);
    stop();
  });

  it('without a version, a listener hears only of later changes; a deleted device is a change', async () => {
    const heard: string[] = [];
    const stop = feed.subscribe((e) => heard.push(e));
    await feed.check();
    expect(heard).to.deep.equal([]);
    await store.changeDevices({ remove: { hostnames: ['sw-2'], at: new Date().toISOString() } });
    await feed.check();
    expect(heard).to.deep.equal(['devices']);
    stop();
  });

  it('a listener that left hears nothing more; others still do', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const seen = await store.readDevices(inventoryVersion);
    const stopFirst = feed.subscribe((e) => first.push(e), seen);
    const stopSecond = feed.subscribe((e) => second.push(e), seen);
    stopFirst();
    await unsync('sw-1');
    await feed.check();
    expect(first).to.deep.equal([]);
    expect(second).to.deep.equal(['devices']);
    stopSecond();
  });

  it('takes only well-formed versions from a query', () => {
    expect(parseVersion('abc_DEF-123')).to.equal('abc_DEF-123');
    for (const bad of [undefined, '', 'a b', '<script>', ['x'], 'x'.repeat(65)]) expect(parseVersion(bad)).to.equal(undefined);
  });
});
