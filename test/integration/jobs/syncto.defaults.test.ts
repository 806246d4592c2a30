/**
 * syncto goes through the one front door to the commit engine, so the config's defaults apply to it as they
 * do to northbound transactions: `devices.concurrency` (seen as how many devices hold a lock request at once)
 * and `devices.confirmTimeoutSeconds` (the timer each device's confirmed commit got). Each run is journaled.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabDevice } from '../../../src/lab/index.ts';
import { eosExec } from '../../helpers/labClient.ts';
import { until } from '../../helpers/until.ts';
import type { SyncLoop } from '../../helpers/syncLoop.ts';
import { startSyncLoop } from '../../helpers/syncLoop.ts';

describe('syncto: the config defaults apply (devices.concurrency, devices.confirmTimeoutSeconds)', function () {
  this.timeout(90_000);
  let loop: SyncLoop;
  let devices: LabDevice[];
  const held = () => devices.filter((d) => d.counters().heldRequests > 0);

  before(async () => {
    loop = await startSyncLoop({ devices: { username: 'netsync', password: 'netsync', concurrency: 2, confirmTimeoutSeconds: 77 } });
    devices = loop.labFixture.lab.devices;
  });
  after(() => loop?.stopAll());

  it('locks at most 2 devices at once and confirms with a 77 s timer', async () => {
    // The device-lock request of each platform is held, so a device that reached the lock phase stays there.
    for (const d of devices) d.setFaults({ holdRequests: [d.platform === 'eos' ? 'show configuration sessions' : 'lock'] });
    const res = await loop.t.call('POST', '/api/v1/syncto', { all: true });
    expect(res.status).to.equal(202);
    await until(() => held().length === 2, 'two devices to be in the lock phase', 30_000);
    const first = held();
    // Let one go: only then may a third device start (all four would have sent their lock at once with 50).
    first[0]!.setFaults({ holdRequests: [] });
    await until(() => held().some((d) => !first.includes(d)), 'a third device to reach the lock phase', 30_000);
    expect(held(), 'devices in the lock phase at once').to.have.length(2);
    for (const d of devices) d.clearFaults();

    const job = await loop.t.daemon.jobs.wait(res.body.job_id);
    expect(job.status, JSON.stringify(job.perDevice)).to.equal('FINISHED');
    for (const d of devices) {
      expect(job.perDevice[d.hostname]!.status, d.hostname).to.equal('synced');
      expect(d.counters().lastConfirmTimeoutSeconds, d.hostname).to.equal(77);
    }
    // The run was journaled under the job's id, with the config's defaults and each device's outcome.
    const run = await loop.t.daemon.writes.journal.get(job.id);
    expect(run).to.deep.include({ kind: 'syncto', status: 'ended', concurrency: 2, confirmTimeoutSeconds: 77 });
    expect(run!.devices.map((d) => [d.hostname, d.phase, d.outcome]).sort()).to.deep.equal(
      devices.map((d) => [d.hostname, 'verify-confirmed', 'complete']).sort(),
    );
  });

  it("aborts a pending netsync-<id> session of a run that no longer runs at lock time, and says so in the job's log", async () => {
    const eos = loop.labFixture.lab.device('eos-access-1');
    const leftover = `netsync-${randomUUID()}`;
    // What a daemon killed after its write leaves behind: a pending config session under its run's name.
    await eosExec(eos.port, [`configure session ${leftover}`, 'vlan 3999', 'end']);
    expect((await eosExec(eos.port, ['show configuration sessions'])).stdout).to.match(new RegExp(`${leftover}\\s+pending`));
    const file = 'access/interfaces.yml';
    await loop.push('settings', { [file]: readFileSync(join(loop.settings.work, file), 'utf8').replace(/user port/g, 'desk port') }, 'access: desk ports');
    await loop.waitFor(async () => !(await loop.device('eos-access-1')).synchronized);

    const job = await loop.syncto({ hostname: 'eos-access-1' });
    expect(job.status, JSON.stringify(job.perDevice)).to.equal('FINISHED');
    expect(job.perDevice['eos-access-1']!.status).to.equal('synced');
    expect(job.log).to.have.length(1);
    expect(job.log![0]).to.include(`aborted configuration session '${leftover}'`).and.include('no longer running');
    expect((await eosExec(eos.port, ['show configuration sessions'])).stdout).to.not.include(leftover);
    expect(eos.runningConfig()).to.equal(await loop.intended('eos-access-1'));
  });
});
