import { expect } from 'chai';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDaemon } from '../../../src/compose/daemon.ts';
import { silentLogger } from '../../../src/model/ports.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { deviceInput, removeDir, startTestDaemon, tempDir, testConfig } from '../../helpers/daemon.ts';

describe('API concurrency, restart and a corrupt store', () => {
  let t: TestDaemon | undefined;
  afterEach(async () => {
    if (t) {
      await t.stop();
      await removeDir(t.dir);
      t = undefined;
    }
  });

  it('loses none of 200 parallel PATCHes to 200 devices, nor of 200 parallel unsyncs of one device', async () => {
    t = await startTestDaemon();
    const devices = Array.from({ length: 200 }, (_, i) => deviceInput(`sw-${i}`));
    expect((await t.call('POST', '/api/v1/devices/import', { devices })).body.created).to.have.length(200);
    const patches = await Promise.all(devices.map((d, i) => t!.call('PATCH', `/api/v1/devices/${d.hostname}`, { groups: [`g${i}`] })));
    expect(patches.every((r) => r.status === 200)).to.equal(true);
    const unsyncs = await Promise.all(Array.from({ length: 200 }, (_, i) => t!.call('POST', '/api/v1/devices/sw-0/unsync', { reason: `r${i}` })));
    expect(unsyncs.every((r) => r.status === 200)).to.equal(true);

    await t.stop();
    const restarted = await startTestDaemon({ dir: t.dir });
    t = restarted;
    const listed = (await t.call('GET', '/api/v1/devices')).body.devices as { hostname: string; groups: string[] }[];
    for (const [i, d] of devices.entries()) expect(listed.find((x) => x.hostname === d.hostname)?.groups).to.deep.equal([`g${i}`]);
    const reasons = (await t.call('GET', '/api/v1/devices/sw-0/events?open=true')).body.events.filter((e: any) => e.detail.startsWith('r'));
    expect(reasons).to.have.length(200);
  });

  it('keeps events and unsyncedSince across a restart', async () => {
    t = await startTestDaemon();
    await t.call('POST', '/api/v1/devices', deviceInput('sw-1'));
    await t.daemon.syncStatus.markSynced(['sw-1'], { by: 'test' });
    await t.call('POST', '/api/v1/devices/sw-1/unsync', { reason: 'cabling' });
    const before = (await t.call('GET', '/api/v1/devices/sw-1')).body.device;
    await t.stop();
    t = await startTestDaemon({ dir: t.dir });
    const after = (await t.call('GET', '/api/v1/devices/sw-1')).body.device;
    expect(after.unsyncedSince).to.equal(before.unsyncedSince).and.not.equal(null);
    const causes = (await t.call('GET', '/api/v1/devices/sw-1/events?open=true')).body.events.map((e: any) => e.cause);
    expect(causes).to.deep.equal(['manual']);
  });

  it('refuses to start on a corrupt store file with STORE_CORRUPT and keeps the file', async () => {
    const dir = await tempDir();
    const good = await startTestDaemon({ dir });
    await good.call('POST', '/api/v1/devices', deviceInput('sw-1'));
    await good.stop();
    const path = join(dir, 'store.json');
    await copyFile(path, `${path}.bak`);
    const truncated = (await readFile(path, 'utf8')).slice(0, 40);
    await writeFile(path, truncated);
    let code: string | undefined;
    try {
      await createDaemon(testConfig(dir), { logger: silentLogger });
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).to.equal('STORE_CORRUPT');
    expect(await readFile(path, 'utf8')).to.equal(truncated);
    await removeDir(dir);
  });
});
