/** markUnsynced / markSynced with a stepped clock, so "kept from the first event" is told apart from "set again". */
import { expect } from 'chai';
import { join } from 'node:path';
import { SyncStatusService } from '../../../src/inventory/syncStatus.ts';
import { buildDevice } from '../../../src/model/device.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

describe('inventory/SyncStatusService', () => {
  let dir: string;
  let store: LowdbStore;
  let now: number;
  let sync: SyncStatusService;
  const at = (ms: number) => new Date(ms).toISOString();

  beforeEach(async () => {
    dir = await tempDir();
    store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
    now = 1_000_000;
    sync = new SyncStatusService(store, () => new Date(now));
    const device = (hostname: string) => buildDevice({ hostname, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(0));
    await store.changeDevices({ create: [device('SW-1'), device('sw-2')] });
    await sync.markSynced(['SW-1', 'sw-2'], { by: 'test', configHash: 'h0' });
  });
  afterEach(() => removeDir(dir));

  it('sets unsyncedSince at the first unsync and keeps it through later ones; a sync clears it', async () => {
    now += 1000;
    await sync.markUnsynced(['sw-1'], 'manual', { by: 'ops', detail: 'first' });
    now += 60_000;
    const [later] = await sync.markUnsynced(['SW-1'], 'settings_changed', { by: 'git', detail: 'second', commit: 'abc' });
    expect(later).to.include({ synchronized: false, unsyncedSince: at(1_001_000) });
    expect(later!.lastEvent).to.deep.include({ cause: 'settings_changed', by: 'git', at: at(1_061_000), commit: 'abc' });
    expect((await store.getDevice('sw-2'))?.synchronized).to.equal(true);

    now += 1000;
    const [synced] = await sync.markSynced(['sw-1'], { by: 'job:1', configHash: 'h1' });
    expect(synced).to.include({ synchronized: true, unsyncedSince: null, lastSyncedAt: at(1_062_000), configHash: 'h1' });
    now += 1000;
    const [again] = await sync.markUnsynced(['sw-1'], 'manual', { by: 'ops', detail: 'third' });
    expect(again!.unsyncedSince).to.equal(at(1_063_000));
  });

  it('records one event per device even when a hostname is given in two spellings, and a sync closes them', async () => {
    await sync.markUnsynced(['sw-1', 'SW-1', 'sw-2'], 'linknet_changed', { by: 'api', detail: 'linknet added' });
    const open = await store.listEvents({ openOnly: true });
    expect(open.map((e) => [e.hostname, e.cause])).to.deep.equal([
      ['sw-1', 'linknet_changed'],
      ['sw-2', 'linknet_changed'],
    ]);
    await sync.markSynced(['sw-1', 'sw-2'], { by: 'job:2' });
    expect(await store.listEvents({ openOnly: true })).to.deep.equal([]);
    const history = await store.listEvents({ hostname: 'SW-1' });
    expect(history.map((e) => e.cause)).to.deep.equal(['synchronized', 'linknet_changed', 'synchronized']);
    expect(history.every((e) => e.clearedAt !== undefined)).to.equal(true);
  });
});
