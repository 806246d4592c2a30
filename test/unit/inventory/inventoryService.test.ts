import { expect } from 'chai';
import { join } from 'node:path';
import { InventoryService } from '../../../src/inventory/inventoryService.ts';
import { SyncStatusService } from '../../../src/inventory/syncStatus.ts';
import { NetsyncError } from '../../../src/model/errors.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

describe('inventory/InventoryService.update', () => {
  let dir: string;
  let store: LowdbStore;
  let inventory: InventoryService;
  beforeEach(async () => {
    dir = await tempDir();
    store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
    inventory = new InventoryService(store, new SyncStatusService(store));
    await inventory.create({ hostname: 'sw-1', managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS', state: 'INIT' }, 'test');
  });
  afterEach(() => removeDir(dir));

  it('checks the state move against the state at write time: of two racing PATCHes only the valid one passes', async () => {
    // INIT -> MANAGED is allowed, and so is INIT -> DISCOVERED; MANAGED -> DISCOVERED is not.
    const [first, second] = await Promise.allSettled([
      inventory.update('sw-1', { state: 'MANAGED' }, 'a'),
      inventory.update('sw-1', { state: 'DISCOVERED' }, 'b'),
    ]);
    expect(first.status).to.equal('fulfilled');
    expect(second.status).to.equal('rejected');
    expect((second as PromiseRejectedResult).reason)
      .to.be.instanceOf(NetsyncError)
      .with.property('code', 'INVALID_STATE_TRANSITION');
    expect((await store.getDevice('sw-1'))?.state).to.equal('MANAGED');
  });

  it('going UNMANAGED unsyncs the device with one event, and returns the device as written', async () => {
    await inventory.update('sw-1', { state: 'MANAGED' }, 'test');
    const device = await inventory.update('SW-1', { state: 'UNMANAGED', groups: ['lab'] }, 'ops');
    expect(device).to.deep.equal(await store.getDevice('sw-1'));
    expect(device).to.include({ state: 'UNMANAGED', synchronized: false });
    expect(device.lastEvent).to.include({ cause: 'unmanaged', by: 'ops' });
    expect((await store.listEvents({ hostname: 'sw-1', openOnly: true })).map((e) => e.cause)).to.deep.equal(['manual', 'unmanaged']);
  });
});
