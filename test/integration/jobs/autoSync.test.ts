/** Auto-sync: the scheduler syncs unsynchronized devices by itself, and only inside its windows. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncLoop } from '../../helpers/syncLoop.ts';
import { startSyncLoop } from '../../helpers/syncLoop.ts';

describe('auto-sync (scheduler)', function () {
  this.timeout(60_000);
  let loop: SyncLoop | undefined;
  afterEach(async () => {
    await loop?.stopAll();
    loop = undefined;
  });

  async function pushAccessChange(l: SyncLoop, description: string): Promise<void> {
    const file = 'access/interfaces.yml';
    const text = readFileSync(join(l.settings.work, file), 'utf8').replace(/description: [a-z ]+port/g, `description: ${description}`);
    await l.push('settings', { [file]: text }, `access: ${description}`);
  }

  it('pushes a change without anyone running syncto, recorded as a job by the scheduler', async () => {
    loop = await startSyncLoop({ scheduler: { autoSync: { enabled: true, cron: '* * * * * *' } } });
    const l = loop;
    // The first ticks sync every device; then a push is picked up by a later tick.
    await l.waitFor(async () => (await l.t.daemon.store.listDevices({ synchronized: false })).length === 0, 20_000);
    await pushAccessChange(l, 'auto port');
    await l.waitFor(async () => l.labFixture.lab.device('eos-access-2').runningConfig().includes('auto port'), 20_000);
    await l.waitFor(async () => (await l.t.daemon.store.listDevices({ synchronized: false })).length === 0, 20_000);
    const jobs = await l.t.daemon.jobs.list();
    expect(jobs.every((j) => j.by === 'scheduler')).to.equal(true);
    expect(jobs.some((j) => j.perDevice['eos-access-2']?.status === 'synced')).to.equal(true);
    // Journaled as auto-sync runs (under the job ids), through the same front door as syncto, with the config's defaults.
    const runs = await l.t.daemon.writes.journal.list();
    expect(runs.length).to.be.greaterThan(0);
    for (const run of runs) {
      expect(run).to.deep.include({ kind: 'auto-sync', status: 'ended', confirmTimeoutSeconds: 30 });
      expect(jobs.map((j) => j.id)).to.include(run.id);
    }
  });

  it('does nothing outside its allow window', async () => {
    // A window that opened at 00:00 on 1 January and lasts one second: never open while this test runs.
    loop = await startSyncLoop({
      scheduler: { autoSync: { enabled: true, cron: '* * * * * *', windows: { allow: [{ cron: '0 0 1 1 *', duration: '1s' }] } } },
    });
    const outcome = await loop.t.daemon.scheduler.tick('auto-sync');
    expect(outcome).to.equal('outside-window');
    expect(await loop.t.daemon.jobs.list()).to.deep.equal([]);
    expect((await loop.t.daemon.store.listDevices({ synchronized: false })).length).to.equal(4);
  });
});
