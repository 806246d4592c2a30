/** syncto options and job control against the lab: dry run, abort, overlapping jobs, restart, the CLI. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDaemon } from '../../../src/compose/daemon.ts';
import { silentLogger } from '../../../src/model/ports.ts';
import { runCli } from '../../helpers/cli.ts';
import { OPERATOR_TOKEN, testConfig } from '../../helpers/daemon.ts';
import type { SyncLoop } from '../../helpers/syncLoop.ts';
import { startSyncLoop } from '../../helpers/syncLoop.ts';

describe('syncto behaviour', function () {
  this.timeout(60_000);
  let loop: SyncLoop;
  const running = () => Object.fromEntries(loop.labFixture.lab.devices.map((d) => [d.hostname, d.runningConfig()]));
  const commits = () => loop.labFixture.lab.devices.reduce((n, d) => n + d.counters().commits, 0);

  /** Pushes a change to the ACCESS devices' settings and waits until both are unsynchronized. */
  async function changeAccess(description: string): Promise<void> {
    const file = 'access/interfaces.yml';
    const text = readFileSync(join(loop.settings.work, file), 'utf8').replace(/description: [a-z ]+port/g, `description: ${description}`);
    await loop.push('settings', { [file]: text }, `access: ${description}`);
    await loop.waitFor(async () => (await loop.t.daemon.store.listDevices({ synchronized: false })).length === 2);
  }

  before(async () => {
    loop = await startSyncLoop();
    expect((await loop.syncto({ all: true })).status).to.equal('FINISHED');
  });
  after(() => loop?.stopAll());
  afterEach(() => {
    for (const d of loop.labFixture.lab.devices) d.clearFaults();
  });

  it('dry run: per-device diff and change score, nothing committed, status unchanged', async () => {
    await changeAccess('lab port');
    const before = running();
    const commitsBefore = commits();
    const job = await loop.syncto({ all: true, dry_run: true });
    expect(job.status).to.equal('FINISHED');
    expect(job.perDevice['eos-access-1']!.status).to.equal('would-change');
    expect(job.perDevice['eos-access-1']!.diff).to.contain('+   description lab port');
    expect(job.changeScore).to.be.greaterThan(0);
    expect(running()).to.deep.equal(before);
    expect(commits()).to.equal(commitsBefore);
    expect((await loop.t.daemon.store.listDevices({ synchronized: false })).map((d) => d.hostname).sort()).to.deep.equal(['eos-access-1', 'eos-access-2']);
  });

  it('dry run on a device with nothing to change marks it synchronized', async () => {
    await loop.t.call('POST', '/api/v1/devices/nc-core-1/unsync', { reason: 'check after maintenance' });
    const job = await loop.syncto({ hostname: 'nc-core-1', dry_run: true });
    expect(job.perDevice['nc-core-1']!.status).to.equal('unchanged');
    expect((await loop.device('nc-core-1')).synchronized).to.equal(true);
  });

  /** Resolves once the job has started reading every one of `hostnames` (the read is then in flight on the device). */
  async function waitUntilReading(jobId: string, hostnames: string[], sessionsBefore: Record<string, number>): Promise<void> {
    await loop.waitFor(async () => {
      const job = await loop.t.daemon.jobs.get(jobId);
      return hostnames.every((h) => job.perDevice[h]?.status === 'running' && loop.labFixture.lab.device(h).counters().sessions > sessionsBefore[h]!);
    }, 20_000);
  }
  const sessionsNow = () => Object.fromEntries(loop.labFixture.lab.devices.map((d) => [d.hostname, d.counters().sessions]));

  it('abort: no device is pushed once the abort is in, and the job ends ABORTED', async () => {
    // The devices hold every reply: the job gets as far as reading the running configs and no further until released.
    for (const d of loop.labFixture.lab.devices) d.setFaults({ holdReplies: true });
    const before = running();
    const commitsBefore = commits();
    const sessionsBefore = sessionsNow();
    const res = await loop.t.call('POST', '/api/v1/syncto', { all: true });
    expect(res.status).to.equal(202);
    await waitUntilReading(res.body.job_id, ['eos-access-1', 'eos-access-2'], sessionsBefore);
    const abort = await loop.t.call('POST', `/api/v1/jobs/${res.body.job_id}/abort`, {});
    expect(abort.status).to.equal(202);
    for (const d of loop.labFixture.lab.devices) d.setFaults({ holdReplies: false });
    const job = await loop.t.daemon.jobs.wait(res.body.job_id);
    expect(job.status).to.equal('ABORTED');
    expect(Object.keys(job.perDevice).sort()).to.deep.equal(['eos-access-1', 'eos-access-2']);
    expect(Object.values(job.perDevice).every((r) => r.status === 'skipped')).to.equal(true);
    expect(commits()).to.equal(commitsBefore);
    expect(running()).to.deep.equal(before);
    expect((await loop.t.daemon.store.listDevices({ synchronized: false })).length).to.equal(2);
    const again = await loop.t.call('POST', `/api/v1/jobs/${res.body.job_id}/abort`, {});
    expect([again.status, again.body.error.code]).to.deep.equal([409, 'CONFLICT']);
  });

  it('two overlapping syncto jobs never push the same device twice', async () => {
    for (const d of loop.labFixture.lab.devices) d.resetCounters();
    // Held replies keep whichever job locked the devices first from finishing until both jobs have tried to lock them.
    for (const d of loop.labFixture.lab.devices) d.setFaults({ holdReplies: true });
    const [a, b] = await Promise.all([loop.t.call('POST', '/api/v1/syncto', { all: true }), loop.t.call('POST', '/api/v1/syncto', { all: true })]);
    expect([a.status, b.status]).to.deep.equal([202, 202]);
    await loop.waitFor(async () => {
      const both = await Promise.all([loop.t.daemon.jobs.get(a.body.job_id), loop.t.daemon.jobs.get(b.body.job_id)]);
      return ['eos-access-1', 'eos-access-2'].every((h) => both.every((j) => j.perDevice[h] !== undefined));
    }, 20_000);
    for (const d of loop.labFixture.lab.devices) d.setFaults({ holdReplies: false });
    const jobs = await Promise.all([loop.t.daemon.jobs.wait(a.body.job_id), loop.t.daemon.jobs.wait(b.body.job_id)]);
    const statuses = jobs.map((j) => j.perDevice['eos-access-1']!.status).sort();
    expect(statuses).to.deep.equal(['skipped', 'synced']);
    expect(jobs.some((j) => j.perDevice['eos-access-1']!.error?.includes('being configured by'))).to.equal(true);
    for (const h of ['eos-access-1', 'eos-access-2']) expect(loop.labFixture.lab.device(h).counters().commits, h).to.be.within(1, 2);
    expect(await loop.t.daemon.store.listDevices({ synchronized: false })).to.deep.equal([]);
    for (const h of ['eos-access-1', 'eos-access-2']) expect(loop.labFixture.lab.device(h).runningConfig()).to.equal(await loop.intended(h));
  });

  it('CLI: netsync sync --wait prints a per-device summary; --dry-run --json is machine-readable; bad targets exit 2', async () => {
    await changeAccess('cli port');
    const env = { NETSYNC_URL: loop.t.url, NETSYNC_TOKEN: OPERATOR_TOKEN };
    const dry = await runCli(['sync', '--type', 'access', '--dry-run', '--wait', '--json'], env);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(JSON.parse(dry.stdout).job.perDevice['eos-access-2'].diff).to.contain('+   description cli port');
    // On a terminal a dry run shows each diff, then the table.
    const shown = await runCli(['sync', '--all', '--dry-run', '--wait'], env);
    expect(shown.code, shown.stderr).to.equal(0);
    expect(shown.stdout).to.contain('eos-access-2: would change\n--- eos-access-2 (running)').and.contain('+   description cli port');
    expect(shown.stdout)
      .to.match(/│ eos-access-2 +│ would-change +│ 4 /)
      .and.contain('FINISHED (dry run): 2 would-change');
    const none = await runCli(['sync', '--type', 'core', '--wait'], env);
    expect(none.stdout).to.contain('no devices selected (only unsynchronized MANAGED devices are synced; --resync includes synchronized ones)');
    const live = await runCli(['sync', '--all', '--wait'], env);
    expect(live.code, live.stderr).to.equal(0);
    expect(live.stdout)
      .to.match(/│ eos-access-1 +│ synced +│ 2 /)
      .and.match(/│ eos-access-2 +│ synced +│ 4 /);
    expect(live.stdout).to.contain('FINISHED: 2 synced');
    // Everything synchronized now: --all has nothing to take, so no job is started.
    const jobsBefore = (await loop.t.call('GET', '/api/v1/jobs?limit=1000')).body.jobs.length;
    const idle = await runCli(['sync', '--all', '--wait'], env);
    expect(idle.code, idle.stderr).to.equal(0);
    expect(idle.stdout).to.contain('nothing to sync: every MANAGED device is synchronized (--resync pushes them anyway); no job started');
    expect((await loop.t.call('GET', '/api/v1/jobs?limit=1000')).body.jobs.length).to.equal(jobsBefore);
    expect((await runCli(['sync', '--help'], env)).stdout).to.contain('every unsynchronized MANAGED device');
    const bad = await runCli(['sync', '--all', '--group', 'x'], env);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('exactly one of');
    const unknown = await runCli(['sync', '--hostname', 'ghost', '--wait'], env);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('NOT_FOUND');
  });

  it('a device that fails keeps its unsynchronized status and fails the job (exit 1 from the CLI)', async () => {
    await changeAccess('failing port');
    loop.labFixture.lab.device('eos-access-2').setFaults({ commitError: 'simulated commit failure' });
    const r = await runCli(['sync', '--all', '--wait'], { NETSYNC_URL: loop.t.url, NETSYNC_TOKEN: OPERATOR_TOKEN });
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain('failed');
    // One transaction: the other device was rolled back, and neither claims to be synchronized.
    expect((await loop.t.daemon.store.listDevices({ synchronized: false })).map((d) => d.hostname).sort()).to.deep.equal(['eos-access-1', 'eos-access-2']);
    expect(loop.labFixture.lab.device('eos-access-1').runningConfig()).not.to.contain('failing port');
    // The job record keeps the failure's code and phase per device, and the rollback in the engine's words.
    const job = (await loop.t.call('GET', '/api/v1/jobs?limit=1')).body.jobs[0];
    expect(job.perDevice['eos-access-2']).to.deep.include({
      status: 'failed',
      code: 'CLI_COMMAND_REJECTED',
      phase: 'confirmed-commit',
      rollbackStatus: 'complete',
    });
    expect(job.perDevice['eos-access-1']).to.deep.include({ status: 'failed', rollbackStatus: 'complete' });
    expect(job.perDevice['eos-access-1']).not.to.have.property('code');
  });

  it('GET /api/v1/jobs lists the newest jobs first with progress and results; an unknown job is NOT_FOUND', async () => {
    const a = await loop.syncto({ all: true, dry_run: true, resync: true });
    const b = await loop.syncto({ hostname: 'nc-dist-1', dry_run: true, comment: 'look only', ticket_ref: 'CHG-1' });
    const list = await loop.t.call('GET', '/api/v1/jobs?limit=2');
    expect(list.status).to.equal(200);
    expect(list.body.jobs.map((j: { id: string }) => j.id)).to.deep.equal([b.id, a.id]);
    expect(list.body.jobs[0]).to.include({ status: 'FINISHED', comment: 'look only', ticketRef: 'CHG-1' });
    expect(list.body.jobs[0].progress).to.deep.equal({ done: 1, total: 1 });
    expect(list.body.jobs[1].progress).to.deep.equal({ done: 4, total: 4 });
    const one = await loop.t.call('GET', `/api/v1/jobs/${a.id}`);
    expect(Object.keys(one.body.job.perDevice).sort()).to.deep.equal(['eos-access-1', 'eos-access-2', 'nc-core-1', 'nc-dist-1']);
    const missing = await loop.t.call('GET', '/api/v1/jobs/no-such-job');
    expect([missing.status, missing.body.error.code]).to.deep.equal([404, 'NOT_FOUND']);
    expect((await loop.t.call('GET', '/api/v1/jobs?limit=0')).status).to.equal(400);
  });

  it('a restart marks a job left RUNNING as ABORTED and marks no device synchronized', async () => {
    const { store } = loop.t.daemon;
    await store.updateRecord('jobs', 'cut-off', () => ({
      id: 'cut-off',
      kind: 'syncto',
      status: 'RUNNING',
      args: {},
      by: 'test',
      progress: { done: 0, total: 2 },
      perDevice: {},
      createdAt: new Date().toISOString(),
    }));
    const unsyncedBefore = (await store.listDevices({ synchronized: false })).map((d) => d.hostname).sort();
    await loop.t.stop();
    const restarted = await createDaemon(testConfig(loop.t.dir), { logger: silentLogger });
    try {
      const job = await restarted.jobs.get('cut-off');
      expect(job.status).to.equal('ABORTED');
      expect(job.error).to.contain('restarted');
      expect((await restarted.store.listDevices({ synchronized: false })).map((d) => d.hostname).sort()).to.deep.equal(unsyncedBefore);
    } finally {
      await restarted.stop();
    }
  });
});

describe('auto-sync configuration', () => {
  it('refuses auto-sync without repos (CONFIG_INVALID), before anything starts', async () => {
    const { tempDir, removeDir } = await import('../../helpers/daemon.ts');
    const dir = await tempDir();
    try {
      await createDaemon(testConfig(dir, { scheduler: { autoSync: { enabled: true } } }), { logger: silentLogger });
      expect.fail('expected CONFIG_INVALID');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('CONFIG_INVALID');
    } finally {
      await removeDir(dir);
    }
  });
});
