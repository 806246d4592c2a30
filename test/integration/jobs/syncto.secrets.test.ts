/** Secrets reach the device but never a job record, a diff or the API. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncLoop } from '../../helpers/syncLoop.ts';
import { startSyncLoop } from '../../helpers/syncLoop.ts';

const SECRET = 'circuit-s3cr3t-4711';

describe('syncto and secrets', function () {
  this.timeout(60_000);
  let loop: SyncLoop | undefined;
  before(async () => {
    process.env.NETSYNC_SECRET_CIRCUIT = SECRET;
    loop = await startSyncLoop();
  });
  after(async () => {
    delete process.env.NETSYNC_SECRET_CIRCUIT;
    await loop?.stopAll();
  });

  it('masks a secret the templates put in the config, in the job, its diff and the API', async () => {
    const l = loop!;
    const file = 'eos/interfaces.j2';
    const text = readFileSync(join(l.templates.work, file), 'utf8');
    const withSecret = text.replace('   description {{ intf.description }}', '   description {{ intf.description }} {{ secrets.circuit }}');
    expect(withSecret).not.to.equal(text);
    const sha = await l.push('templates', { [file]: withSecret }, 'eos: circuit id in descriptions');
    await l.waitFor(async () => (await l.t.call('GET', '/api/v1/repositories')).body.repositories.find((r: any) => r.name === 'templates').knownGood === sha);

    const res = await l.t.call('POST', '/api/v1/syncto', { all: true });
    const job = await l.t.daemon.jobs.wait(res.body.job_id);
    expect(job.status, JSON.stringify(job.perDevice)).to.equal('FINISHED');
    expect(l.labFixture.lab.device('eos-access-2').runningConfig(), 'the device gets the real value').to.contain(SECRET);

    const fromApi = JSON.stringify((await l.t.call('GET', `/api/v1/jobs/${job.id}`)).body);
    expect(fromApi).not.to.contain(SECRET);
    expect(job.perDevice['eos-access-2']!.diff).to.contain('description user port «secret:circuit»');
    expect(JSON.stringify(await l.t.daemon.store.listRecords('jobs'))).not.to.contain(SECRET);
  });
});
