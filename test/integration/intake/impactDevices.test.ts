/** The narrow device read for a settings change, against the real lowdb store. */
import { expect } from 'chai';
import { join } from 'node:path';
import { parseSettingsRules } from '../../../src/impact/index.ts';
import { devicesForChange } from '../../../src/intake/impactDevices.ts';
import { buildDevice } from '../../../src/model/device.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { makeTmpDir } from '../../helpers/gitRepos.ts';
import { DEFAULT_RULES, EXAMPLE_DEVICES } from '../../helpers/repoFixtures.ts';

describe('intake: devices read for a change (integration, lowdb)', () => {
  const tmp = makeTmpDir('netsync-devs-');
  const store = new LowdbStore(join(tmp.dir, 'store.json'), { collections: storeCollections });
  const rules = parseSettingsRules(DEFAULT_RULES);
  before(async () => {
    await store.init();
    const now = new Date();
    await store.changeDevices({ create: EXAMPLE_DEVICES.map((d) => buildDevice({ ...d, managementIp: '10.0.0.1' }, now)) });
  });
  after(async () => {
    await store.close();
    tmp.cleanup();
  });

  const cases: [string, string[], 'settings' | 'templates', string[]][] = [
    ['one device folder reads one device', ['devices/EOS-ACCESS-2/x.yml'], 'settings', ['eos-access-2']],
    ['a group reads its members', ['groups/campus/x.yml'], 'settings', ['eos-access-1', 'eos-access-2', 'nc-dist-1']],
    ['a type folder reads that type', ['core/x.yml', 'dist/y.yml'], 'settings', ['nc-core-1', 'nc-dist-1']],
    ['global reads everything', ['global/x.yml'], 'settings', ['eos-access-1', 'eos-access-2', 'nc-core-1', 'nc-dist-1']],
    ['a file no rule covers reads nothing', ['README.md'], 'settings', []],
    ['templates read everything', ['eos/base.j2'], 'templates', ['eos-access-1', 'eos-access-2', 'nc-core-1', 'nc-dist-1']],
  ];
  for (const [name, paths, repo, expected] of cases) {
    it(name, async () => {
      const devices = await devicesForChange(store, repo, paths, rules);
      expect(devices.map((d) => d.hostname).sort()).to.deep.equal(expected);
    });
  }
});
