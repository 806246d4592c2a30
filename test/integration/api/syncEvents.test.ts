/**
 * Every API-driven sync event of docs/design/architecture.md §3: which devices become unsynchronized,
 * with which cause, and which do not change.
 */
import { expect } from 'chai';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { deviceInput, removeDir, startTestDaemon } from '../../helpers/daemon.ts';

describe('API sync events', () => {
  let t: TestDaemon;

  /** Creates devices and marks them all synchronized, as if a sync had just verified them. */
  async function seed(devices: Record<string, unknown>[]) {
    for (const d of devices) expect((await t.call('POST', '/api/v1/devices', d)).status).to.equal(201);
    await t.daemon.syncStatus.markSynced(
      devices.map((d) => String(d.hostname)),
      { by: 'test' },
    );
  }

  async function syncState(): Promise<Record<string, { synchronized: boolean; cause: string | undefined }>> {
    const { body } = await t.call('GET', '/api/v1/devices');
    return Object.fromEntries(
      body.devices.map((d: any) => [d.hostname, { synchronized: d.synchronized, cause: d.synchronized ? undefined : d.lastEvent?.cause }]),
    );
  }

  async function unsynced(): Promise<Record<string, string | undefined>> {
    const state = await syncState();
    return Object.fromEntries(
      Object.entries(state)
        .filter(([, s]) => !s.synchronized)
        .map(([h, s]) => [h, s.cause]),
    );
  }

  beforeEach(async () => {
    t = await startTestDaemon();
    await seed([
      deviceInput('access-1', { managementIp: '10.0.6.11' }),
      deviceInput('access-2', { managementIp: '10.0.6.12' }),
      deviceInput('access-3', { managementIp: '10.0.7.13' }),
      deviceInput('DIST-1', { managementIp: '10.0.0.1', type: 'DIST' }),
      deviceInput('dist-2', { managementIp: '10.0.0.2', type: 'DIST' }),
      deviceInput('core-1', { managementIp: '10.0.0.3', type: 'CORE', platform: 'junos' }),
    ]);
  });
  afterEach(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('starts with every seeded device synchronized', async () => {
    expect(await unsynced()).to.deep.equal({});
  });

  it('PUT interfaces -> interfaces_updated on that device only; an identical PUT changes nothing', async () => {
    const body = { interfaces: [{ name: 'Ethernet1', vlan: 10, description: 'printer' }] };
    expect((await t.call('PUT', '/api/v1/devices/ACCESS-1/interfaces', body)).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({ 'access-1': 'interfaces_updated' });
    await t.daemon.syncStatus.markSynced(['access-1'], { by: 'test' });
    expect((await t.call('PUT', '/api/v1/devices/access-1/interfaces', body)).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({});
  });

  // The bounce itself, against lab devices, is in interfaceBounce.test.ts.
  it('interface bounce contacts the device: without device credentials it fails, records nothing and does not unsync', async () => {
    await t.call('PUT', '/api/v1/devices/access-1/interfaces', { interfaces: [{ name: 'Ethernet1' }] });
    await t.daemon.syncStatus.markSynced(['access-1'], { by: 'test' });
    const res = await t.call('POST', '/api/v1/devices/access-1/interfaces/ethernet1/bounce', {});
    expect(res.status).to.equal(500);
    expect(res.body.error.code).to.equal('CONFIG_INVALID');
    expect(res.body.error.message).to.include("no 'devices' section");
    expect(await unsynced()).to.deep.equal({});
    const events = (await t.call('GET', '/api/v1/devices/access-1/events')).body.events.map((e: any) => e.cause);
    expect(events).not.to.include('interface_bounced');
  });

  it('bouncing an unknown interface is 404 and records nothing', async () => {
    const before = (await t.call('GET', '/api/v1/devices/access-1/events')).body.events.length;
    expect((await t.call('POST', '/api/v1/devices/access-1/interfaces/Ethernet9/bounce', {})).status).to.equal(404);
    expect((await t.call('GET', '/api/v1/devices/access-1/events')).body.events).to.have.length(before);
  });

  it('POST and DELETE linknets -> both end devices linknet_changed', async () => {
    const res = await t.call('POST', '/api/v1/linknets', { deviceA: 'dist-1', interfaceA: 'Ethernet1', deviceB: 'core-1', interfaceB: 'xe-0/0/0' });
    expect(res.status).to.equal(201);
    expect(res.body.linknet.deviceA).to.equal('DIST-1');
    expect(await unsynced()).to.deep.equal({ 'DIST-1': 'linknet_changed', 'core-1': 'linknet_changed' });
    await t.daemon.syncStatus.markSynced(['dist-1', 'core-1'], { by: 'test' });
    expect((await t.call('DELETE', `/api/v1/linknets/${res.body.linknet.id}`)).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({ 'DIST-1': 'linknet_changed', 'core-1': 'linknet_changed' });
    expect((await t.call('GET', '/api/v1/linknets')).body.linknets).to.deep.equal([]);
  });

  it('mgmtdomains -> gateways and devices in the network mgmtdomain_changed (POST, PUT old+new members, DELETE)', async () => {
    const domain = { name: 'campus-a', ipv4Network: '10.0.6.0/24', ipv4Gateway: '10.0.6.1', vlan: 600, deviceA: 'dist-1', deviceB: 'dist-2' };
    const created = await t.call('POST', '/api/v1/mgmtdomains', domain);
    expect(created.status).to.equal(201);
    const expectedA = { 'access-1': 'mgmtdomain_changed', 'access-2': 'mgmtdomain_changed', 'DIST-1': 'mgmtdomain_changed', 'dist-2': 'mgmtdomain_changed' };
    expect(await unsynced()).to.deep.equal(expectedA);

    await t.daemon.syncStatus.markSynced(['access-1', 'access-2', 'dist-1', 'dist-2'], { by: 'test' });
    const id = created.body.mgmtdomain.id;
    expect((await t.call('PUT', `/api/v1/mgmtdomains/${id}`, { ipv4Network: '10.0.7.0/24', ipv4Gateway: '10.0.7.1' })).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({ ...expectedA, 'access-3': 'mgmtdomain_changed' });

    await t.daemon.syncStatus.markSynced(['access-1', 'access-2', 'access-3', 'dist-1', 'dist-2'], { by: 'test' });
    expect((await t.call('DELETE', `/api/v1/mgmtdomains/${id}`)).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({ 'access-3': 'mgmtdomain_changed', 'DIST-1': 'mgmtdomain_changed', 'dist-2': 'mgmtdomain_changed' });
  });

  it('PATCH to UNMANAGED -> unmanaged; back to MANAGED stays unsynchronized', async () => {
    const res = await t.call('PATCH', '/api/v1/devices/core-1', { state: 'UNMANAGED' });
    expect(res.status).to.equal(200);
    expect(res.body.device.state).to.equal('UNMANAGED');
    expect(await unsynced()).to.deep.equal({ 'core-1': 'unmanaged' });
    const back = await t.call('PATCH', '/api/v1/devices/core-1', { state: 'MANAGED' });
    expect(back.body.device.state).to.equal('MANAGED');
    expect(back.body.device.synchronized).to.equal(false);
  });

  it('a PATCH that changes what the device renders from (type, platform, groups, management IP) -> manual, naming the change', async () => {
    expect((await t.call('PATCH', '/api/v1/devices/access-1', { groups: ['floor-2'] })).status).to.equal(200);
    expect((await t.call('PATCH', '/api/v1/devices/access-2', { type: 'dist' })).status).to.equal(200);
    expect((await t.call('PATCH', '/api/v1/devices/core-1', { platform: 'netconf', managementIp: '10.0.0.33' })).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({ 'access-1': 'manual', 'access-2': 'manual', 'core-1': 'manual' });
    const details = async (h: string) => (await t.call('GET', `/api/v1/devices/${h}/events?open=true`)).body.events.map((e: any) => e.detail);
    expect(await details('access-1')).to.deep.equal(['groups [] -> [floor-2]']);
    expect(await details('access-2')).to.deep.equal(['type ACCESS -> DIST']);
    expect(await details('core-1')).to.deep.equal(['platform junos -> netconf; managementIp 10.0.0.3 -> 10.0.0.33']);
  });

  it('a PATCH that changes nothing rendered (port, transport, the same values again, groups reordered) does not unsync', async () => {
    expect((await t.call('PATCH', '/api/v1/devices/DIST-1', { groups: ['b', 'a'] })).status).to.equal(200);
    await t.daemon.syncStatus.markSynced(['DIST-1'], { by: 'test' });
    expect((await t.call('PATCH', '/api/v1/devices/access-1', { port: 2222, transport: 'netconf' })).status).to.equal(200);
    expect((await t.call('PATCH', '/api/v1/devices/access-2', { type: 'access', platform: 'eos', managementIp: '10.0.6.12' })).status).to.equal(200);
    expect((await t.call('PATCH', '/api/v1/devices/dist-1', { groups: ['A', 'b'] })).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({});
  });

  it('upgrade post-flight -> upgrade_post_flight', async () => {
    expect((await t.call('POST', '/api/v1/devices/access-2/upgrade/post-flight', { version: '4.30.1F' })).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({ 'access-2': 'upgrade_post_flight' });
  });

  it('ztp-neighbors of a new DIST -> each neighbour ztp_neighbor; an ACCESS device cannot report them', async () => {
    expect((await t.call('POST', '/api/v1/devices/dist-2/ztp-neighbors', { neighbors: ['core-1', 'Dist-1'] })).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({ 'DIST-1': 'ztp_neighbor', 'core-1': 'ztp_neighbor' });
    expect((await t.call('POST', '/api/v1/devices/access-1/ztp-neighbors', { neighbors: ['core-1'] })).status).to.equal(409);
  });

  it('manual unsync needs a reason and records it', async () => {
    expect((await t.call('POST', '/api/v1/devices/access-3/unsync', {})).status).to.equal(400);
    expect(await unsynced()).to.deep.equal({});
    expect((await t.call('POST', '/api/v1/devices/access-3/unsync', { reason: 'replaced PSU' })).status).to.equal(200);
    expect(await unsynced()).to.deep.equal({ 'access-3': 'manual' });
    const events = (await t.call('GET', '/api/v1/devices/access-3/events?open=true')).body.events;
    expect(events.map((e: any) => [e.cause, e.detail, e.by])).to.deep.equal([['manual', 'replaced PSU', 'api:ops']]);
  });

  it('keeps unsyncedSince from the first event and clears open events on sync (kept in history)', async () => {
    await t.call('POST', '/api/v1/devices/access-1/unsync', { reason: 'first' });
    const first = (await t.call('GET', '/api/v1/devices/access-1')).body.device.unsyncedSince;
    await t.call('POST', '/api/v1/devices/access-1/upgrade/post-flight', {});
    const device = (await t.call('GET', '/api/v1/devices/access-1')).body.device;
    expect(device.unsyncedSince).to.equal(first);
    expect(device.lastEvent.cause).to.equal('upgrade_post_flight');
    await t.daemon.syncStatus.markSynced(['access-1'], { by: 'test' });
    expect((await t.call('GET', '/api/v1/devices/access-1/events?open=true')).body.events).to.deep.equal([]);
    const history = (await t.call('GET', '/api/v1/devices/access-1/events')).body.events.map((e: any) => e.cause);
    expect(history).to.include.members(['manual', 'upgrade_post_flight', 'synchronized']);
    expect((await t.call('GET', '/api/v1/devices/access-1')).body.device.unsyncedSince).to.equal(null);
  });
});
