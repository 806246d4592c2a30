import { expect } from 'chai';
import { join } from 'node:path';
import { buildDevice } from '../../../src/model/device.ts';
import { StoreSource } from '../../../src/sources/storeSource.ts';
import type { DeviceSpec } from '../../../src/sources/types.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

const spec = (name: string): DeviceSpec => ({ name, managementIp: '10.0.0.1', port: 22, platform: 'eos', transport: 'eos-cli', type: 'ACCESS', origin: 'nso' });

describe('sources/StoreSource.addMany', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  it('skips a name created through the API meanwhile instead of failing the whole batch', async () => {
    const store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
    const viaApi = store.changeDevices({ create: [buildDevice({ hostname: 'SW-2', managementIp: '10.0.0.2', platform: 'eos', type: 'ACCESS' }, new Date(0))] });
    await Promise.all([viaApi, new StoreSource(store).addMany([spec('sw-1'), spec('sw-2'), spec('SW-1')])]);
    expect((await store.listDevices()).map((d) => d.hostname).sort()).to.deep.equal(['SW-2', 'sw-1']);
    expect((await store.listEvents({ hostname: 'sw-1' })).map((e) => e.by)).to.deep.equal(['inventory-sync']);
  });
});
