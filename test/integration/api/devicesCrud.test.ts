/** Devices CRUD over HTTP with the list filters, and hostname identity in every route. */
import { expect } from 'chai';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { deviceInput, removeDir, startTestDaemon } from '../../helpers/daemon.ts';

describe('API devices CRUD and filters', () => {
  let t: TestDaemon;
  const hostnames = async (query: string): Promise<string[]> => {
    const res = await t.call('GET', `/api/v1/devices${query}`);
    expect(res.status, query).to.equal(200);
    return res.body.devices.map((d: { hostname: string }) => d.hostname).sort();
  };

  before(async () => {
    t = await startTestDaemon();
    const devices = [
      deviceInput('Access-1', { groups: ['Campus', 'floor-1'] }),
      deviceInput('access-2', { groups: ['campus'], state: 'INIT' }),
      deviceInput('dist-1', { type: 'dist', platform: 'junos' }),
      deviceInput('core-1', { type: 'CORE', platform: 'junos', groups: ['dc'] }),
    ];
    for (const d of devices) expect((await t.call('POST', '/api/v1/devices', d)).status).to.equal(201);
    await t.daemon.syncStatus.markSynced(['dist-1', 'core-1'], { by: 'test' });
  });
  after(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('filters by synchronized, state, type and group (type and group case-insensitively), combined with AND', async () => {
    expect(await hostnames('')).to.deep.equal(['Access-1', 'access-2', 'core-1', 'dist-1']);
    expect(await hostnames('?synchronized=false')).to.deep.equal(['Access-1', 'access-2']);
    expect(await hostnames('?synchronized=true')).to.deep.equal(['core-1', 'dist-1']);
    expect(await hostnames('?state=INIT')).to.deep.equal(['access-2']);
    expect(await hostnames('?type=access')).to.deep.equal(['Access-1', 'access-2']);
    expect(await hostnames('?type=DIST')).to.deep.equal(['dist-1']);
    expect(await hostnames('?group=CAMPUS')).to.deep.equal(['Access-1', 'access-2']);
    expect(await hostnames('?group=campus&state=MANAGED&synchronized=false')).to.deep.equal(['Access-1']);
    expect(await hostnames('?type=CORE&synchronized=false')).to.deep.equal([]);
  });

  it('reads, patches and deletes a device under any spelling, keeping the spelling it was created with', async () => {
    const got = await t.call('GET', '/api/v1/devices/ACCESS-1');
    expect(got.status).to.equal(200);
    expect(got.body.device).to.include({ hostname: 'Access-1', type: 'ACCESS', transport: 'eos-cli', port: 22, synchronized: false });
    const patched = await t.call('PATCH', '/api/v1/devices/access-1', { managementIp: '10.9.9.9', groups: ['lab'] });
    expect(patched.status).to.equal(200);
    expect(patched.body.device).to.include({ hostname: 'Access-1', managementIp: '10.9.9.9' });
    expect((await t.call('GET', '/api/v1/devices/access-1')).body.device.groups).to.deep.equal(['lab']);

    const created = await t.call('POST', '/api/v1/devices', deviceInput('tmp-1'));
    expect(created.status).to.equal(201);
    expect((await t.call('DELETE', '/api/v1/devices/TMP-1')).body.device.hostname).to.equal('tmp-1');
    expect((await t.call('GET', '/api/v1/devices/tmp-1')).status).to.equal(404);
    // Its history stays readable under the hostname, every event closed; a name never seen is 404.
    const history = await t.call('GET', '/api/v1/devices/Tmp-1/events');
    expect(history.status).to.equal(200);
    expect(history.body.events.map((e: any) => e.detail)).to.deep.equal(['added to the inventory; not yet synchronized']);
    expect(history.body.events.every((e: any) => typeof e.clearedAt === 'string')).to.equal(true);
    expect((await t.call('GET', '/api/v1/devices/tmp-1/events?open=true')).body.events).to.deep.equal([]);
    expect((await t.call('GET', '/api/v1/devices/never-seen/events')).status).to.equal(404);
    // Once deleted, the name is free again in any spelling.
    expect((await t.call('POST', '/api/v1/devices', deviceInput('TMP-1'))).status).to.equal(201);
    // The deleted device's open events were closed with it; only the new device's own is open.
    const open = (await t.call('GET', '/api/v1/devices/tmp-1/events?open=true')).body.events;
    expect(open.map((e: any) => e.detail)).to.deep.equal(['added to the inventory; not yet synchronized']);
  });
});
