/**
 * The daemon's side of a refused store (issue #14): `jq '.devices=[]'` on a store used to be re-seeded from
 * `inventory.seed` and rewritten, losing every sync status. Now the start fails and the file keeps its bytes.
 */
import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NetsyncError } from '../../../src/model/errors.ts';
import { EXAMPLES } from '../../helpers/repoFixtures.ts';
import { deviceInput, removeDir, startTestDaemon, tempDir } from '../../helpers/daemon.ts';

describe('daemon start on a store that fails its checks', function () {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => removeDir(dir));

  for (const [name, edit, code] of [
    ['devices as a list', (f: any) => (f.devices = []), 'STORE_CORRUPT'],
    ['a device port "x"', (f: any) => (f.devices['sw-1'].port = 'x'), 'STORE_CORRUPT'],
    ['format version 999', (f: any) => (f.version = 999), 'STORE_VERSION'],
  ] as const) {
    it(`${name}: the start fails with ${code}, nothing is re-seeded, the bytes stay`, async () => {
      const seed = { inventory: { seed: join(EXAMPLES, 'inventory.yml') } };
      const first = await startTestDaemon({ dir, extra: seed });
      expect((await first.call('POST', '/api/v1/devices', deviceInput('sw-1'))).status).to.equal(201);
      await first.stop();
      const path = join(dir, 'store.json');
      const file = JSON.parse(await readFile(path, 'utf8'));
      edit(file);
      const bytes = JSON.stringify(file);
      await writeFile(path, bytes);
      let err: unknown;
      await startTestDaemon({ dir, extra: seed }).then(
        (t) => t.stop(),
        (e: unknown) => (err = e),
      );
      expect(err).to.be.instanceOf(NetsyncError).with.property('code', code);
      expect((err as Error).message).to.contain(path);
      expect(await readFile(path, 'utf8')).to.equal(bytes);
    });
  }
});
