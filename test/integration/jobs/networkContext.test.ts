/**
 * The inventory's network data reaches the templates: interface settings from the API (merged over the
 * settings repo's), linknets and the management domain, end to end through a sync to lab devices. Each
 * event goes through precise impact: a change that alters no config marks nobody, and the history says so.
 */
import { expect } from 'chai';
import type { SyncLoop } from '../../helpers/syncLoop.ts';
import { startSyncLoop } from '../../helpers/syncLoop.ts';

describe('network data in the templates (API events, precise impact, lab devices)', function () {
  this.timeout(90_000);
  let loop: SyncLoop;
  const unsynced = async () =>
    Object.fromEntries((await loop.t.daemon.store.listDevices({ synchronized: false })).map((d) => [d.hostname, d.lastEvent?.cause]));
  const syncAll = async () => {
    const job = await loop.syncto({ all: true });
    expect(job.status, JSON.stringify(job.perDevice)).to.equal('FINISHED');
    expect(await unsynced()).to.deep.equal({});
  };
  const history = async (h: string) => (await loop.t.daemon.store.listEvents({ hostname: h })).map((e) => e.cause);

  before(async () => {
    loop = await startSyncLoop();
    await syncAll();
  });
  after(() => loop?.stopAll());

  it('interfaces from the API go over the settings repo: a real change marks the device, an identical one only writes history', async () => {
    let r = await loop.t.call('PUT', '/api/v1/devices/eos-access-1/interfaces', { interfaces: [{ name: 'Ethernet1', description: 'api port' }] });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    // The same values the settings repo gives: the intended config does not change.
    r = await loop.t.call('PUT', '/api/v1/devices/eos-access-2/interfaces', { interfaces: [{ name: 'Ethernet1', description: 'user port', vlan: 10 }] });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(await unsynced()).to.deep.equal({ 'eos-access-1': 'interfaces_updated' });
    expect((await history('eos-access-2')).slice(-1)).to.deep.equal(['config_unchanged']);
    await syncAll();
    const running = loop.labFixture.lab.device('eos-access-1').runningConfig();
    expect(running).to.contain('interface Ethernet1\n   description api port\n   switchport access vlan 10\n');
    expect(running).to.equal(await loop.intended('eos-access-1'));
  });

  it('a linknet reaches both ends (peer, interface) on both platforms', async () => {
    const r = await loop.t.call('POST', '/api/v1/linknets', {
      deviceA: 'eos-access-1',
      interfaceA: 'Ethernet49',
      deviceB: 'nc-dist-1',
      interfaceB: 'eth49',
      ipv4Network: '10.0.0.0/31',
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    expect(r.body.unsynced.sort()).to.deep.equal(['eos-access-1', 'nc-dist-1']);
    expect(await unsynced()).to.deep.equal({ 'eos-access-1': 'linknet_changed', 'nc-dist-1': 'linknet_changed' });
    await syncAll();
    expect(loop.labFixture.lab.device('eos-access-1').runningConfig()).to.contain('interface Ethernet49\n   description linknet to nc-dist-1 eth49\n');
    expect(loop.labFixture.lab.device('nc-dist-1').runningConfig()).to.match(
      /<name>eth49<\/name>\s*<description>linknet to eos-access-1 Ethernet49<\/description>/,
    );
    for (const h of ['eos-access-1', 'nc-dist-1']) expect(loop.labFixture.lab.device(h).runningConfig()).to.equal(await loop.intended(h));
  });

  it('a management domain reaches its members; a change the templates do not use (the gateway) marks nobody', async () => {
    // Every lab device has management IP 127.0.0.1.
    const created = await loop.t.call('POST', '/api/v1/mgmtdomains', {
      name: 'lab',
      ipv4Network: '127.0.0.0/8',
      ipv4Gateway: '127.0.0.254',
      vlan: 600,
      deviceA: 'nc-dist-1',
      deviceB: 'nc-core-1',
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(Object.values(await unsynced())).to.deep.equal(['mgmtdomain_changed', 'mgmtdomain_changed', 'mgmtdomain_changed', 'mgmtdomain_changed']);
    await syncAll();
    expect(loop.labFixture.lab.device('eos-access-2').runningConfig()).to.contain('vlan 600\n   name mgmt-lab\n');
    expect(loop.labFixture.lab.device('nc-core-1').runningConfig()).to.match(/<vlan>\s*<id>600<\/id>\s*<name>mgmt-lab<\/name>\s*<\/vlan>/);

    const moved = await loop.t.call('PUT', `/api/v1/mgmtdomains/${created.body.mgmtdomain.id}`, { ipv4Gateway: '127.0.0.253' });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    expect(moved.body.unsynced).to.deep.equal([]);
    expect(await unsynced()).to.deep.equal({});
    expect((await history('nc-core-1')).slice(-1)).to.deep.equal(['config_unchanged']);
  });
});
