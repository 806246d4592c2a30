/**
 * Daemon wiring of the inventory sync: without `sources.ssh` it verifies devices with the `devices` login
 * every session uses, and `sources.schedule` runs it from the scheduler.
 */
import { expect } from 'chai';
import type { SyncReport } from '../../../src/sources/inventorySync.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { removeDir, startTestDaemon } from '../../helpers/daemon.ts';
import type { LabFixture } from '../../helpers/labFixture.ts';
import { startTestLab } from '../../helpers/labFixture.ts';
import { BssStub } from './stubs/bssStub.ts';
import { bssSettings } from './stubs/fixtures.ts';

describe('inventory sync wiring: SSH login from the devices section, sources.schedule', function () {
  let fx: LabFixture;
  let bss: BssStub;
  let t: TestDaemon;
  before(async () => {
    fx = await startTestLab({ devices: [{ hostname: 'lab-101', platform: 'eos' }] });
    bss = new BssStub();
    await bss.start();
    t = await startTestDaemon({
      extra: {
        devices: { username: fx.lab.username, password: fx.lab.password },
        sources: {
          schedule: '0 3 * * *',
          timeoutMs: 3000,
          bss: { ...bssSettings(bss), fields: { name: 'hostname', managementIp: 'mgmt.ipv4', port: 'mgmt.port', platform: 'vendorOs' } },
        },
      },
    });
    bss.add('lab-101', '127.0.0.1', { vendorOs: 'eos', mgmt: { ipv4: '127.0.0.1', port: fx.lab.device('lab-101').port } } as never);
  });
  after(async () => {
    await t?.stop();
    await bss?.stop();
    await fx?.stop();
    if (t) await removeDir(t.dir);
  });

  it('logs in with devices.username/password and adds the verified device', async () => {
    const r = await t.call('POST', '/api/v1/inventory/sync', { dry_run: false });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    const report = r.body as SyncReport;
    const entry = report.devices.find((d) => d.hostname === 'lab-101');
    expect(entry, JSON.stringify(report)).to.not.equal(undefined);
    expect(JSON.stringify(entry)).to.contain("answers as 'lab-101'");
    expect((await t.call('GET', '/api/v1/devices/lab-101')).status).to.equal(200);
  });

  it('sources.schedule registers the sync with the scheduler; a tick runs it, recorded as by "schedule"', async () => {
    const scheduler = t.daemon.scheduler;
    expect(scheduler.kinds()).to.include('inventory-sync');
    bss.add('lab-101-alias', '127.0.0.1', { vendorOs: 'eos', mgmt: { ipv4: '127.0.0.1', port: fx.lab.device('lab-101').port } } as never);
    expect(await scheduler.tick('inventory-sync')).to.equal('ran');
    const status = (await t.call('GET', '/api/v1/inventory/sync')).body as { last: SyncReport };
    expect(status.last).to.include({ by: 'schedule', dryRun: false });
    expect(status.last.devices.find((d) => d.hostname === 'lab-101-alias')).to.include({ action: 'conflict', conflict: 'same_ip' });
  });
});
