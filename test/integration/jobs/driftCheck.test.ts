/**
 * The scheduled drift check against lab devices over SSH: it reads every MANAGED synchronized device,
 * marks only the ones changed by hand (with the diff in their history), never writes to a device, leaves
 * a device another job holds alone, and reports an unreachable one without marking it.
 */
import { expect } from 'chai';
import type { SyncLoop } from '../../helpers/syncLoop.ts';
import { startSyncLoop } from '../../helpers/syncLoop.ts';

describe('drift check (scheduled, lab devices)', function () {
  this.timeout(60_000);
  let loop: SyncLoop;

  before(async () => {
    loop = await startSyncLoop({ scheduler: { driftCheck: { enabled: true, cron: '0 0 1 1 *', concurrency: 2 } } });
    const job = await loop.syncto({ all: true });
    expect(job.status, JSON.stringify(job.perDevice)).to.equal('FINISHED');
  });
  after(() => loop?.stopAll());

  it('is registered as a schedule when enabled', () => {
    expect(loop.t.daemon.scheduler.kinds()).to.include('drift-check');
  });

  it('marks exactly the devices changed by hand, with the diff; writes nothing; skips a held device; reports an unreachable one', async () => {
    const lab = loop.labFixture.lab;
    const eos2 = lab.device('eos-access-2');
    eos2.setRunningConfig(eos2.runningConfig().replace(/\nend\n?$/, '\nvlan 999\n   name hand-made\n!\nend\n'));
    expect(eos2.runningConfig()).to.contain('vlan 999');
    const dist = lab.device('nc-dist-1');
    dist.setRunningConfig(dist.runningConfig().replace(/<hostname>nc-dist-1<\/hostname>/, '<hostname>renamed-by-hand</hostname>'));
    expect(dist.runningConfig()).to.contain('renamed-by-hand');
    lab.device('nc-core-1').setFaults({ unreachable: true });
    expect(await loop.t.daemon.store.tryLockDevice('eos-access-1', 'job:held-by-test')).to.equal(true);
    for (const d of lab.devices) d.resetCounters();
    const before = Object.fromEntries(lab.devices.map((d) => [d.hostname, d.runningConfig()]));

    const report = await loop.t.daemon.driftCheck.run();

    expect(report.drifted).to.deep.equal(['eos-access-2', 'nc-dist-1']);
    expect(report.skipped).to.deep.equal([{ hostname: 'eos-access-1', reason: 'held by job:held-by-test' }]);
    expect(report.failed.map((f) => f.hostname)).to.deep.equal(['nc-core-1']);
    expect(report.checked).to.equal(2);
    for (const d of lab.devices) {
      expect(d.counters().commits, `${d.hostname} commits`).to.equal(0);
      expect(d.runningConfig(), `${d.hostname} running config`).to.equal(before[d.hostname]);
    }
    const unsynced = Object.fromEntries((await loop.t.daemon.store.listDevices({ synchronized: false })).map((d) => [d.hostname, d.lastEvent?.cause]));
    expect(unsynced).to.deep.equal({ 'eos-access-2': 'drift_detected', 'nc-dist-1': 'drift_detected' });
    const [event] = await loop.openEvents('eos-access-2');
    expect(event).to.include({ cause: 'drift_detected', by: 'drift-check' });
    expect(event!.detail).to.contain('scheduled drift check').and.contain('-vlan 999').and.contain('-   name hand-made');
    expect(await loop.t.daemon.store.lockHolder('eos-access-1')).to.equal('job:held-by-test');
  });

  it('a second run does not re-mark devices already unsynchronized, and finds the held device once it is free', async () => {
    const lab = loop.labFixture.lab;
    await loop.t.daemon.store.unlockDevice('eos-access-1', 'job:held-by-test');
    lab.device('nc-core-1').clearFaults();
    const report = await loop.t.daemon.driftCheck.run();
    expect(report).to.deep.include({ drifted: [], skipped: [], failed: [], checked: 2 });
    expect(await loop.openEvents('eos-access-2')).to.have.length(1);
    expect(await loop.t.daemon.store.lockHolder('eos-access-1')).to.equal(undefined);
  });
});
