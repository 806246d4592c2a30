import { expect } from 'chai';
import { join } from 'node:path';
import { JobRunner } from '../../../src/jobs/jobRunner.ts';
import { silentLogger } from '../../../src/model/ports.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

describe('jobs/JobRunner', () => {
  let dir: string;
  let store: LowdbStore;
  let runner: JobRunner;
  beforeEach(async () => {
    dir = await tempDir();
    store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
    runner = new JobRunner(store, () => new Date(), silentLogger);
  });
  afterEach(() => removeDir(dir));

  it('persists progress and per-device results and ends FINISHED', async () => {
    const job = await runner.start({ kind: 'syncto', args: {}, by: 't' }, async (ctx) => {
      await ctx.setTotal(2);
      await ctx.deviceResult('a', { status: 'running' });
      await ctx.deviceResult('a', { status: 'synced', changed: true });
      await ctx.deviceResult('b', { status: 'unchanged' });
      return 'FINISHED';
    });
    expect(job.status).to.equal('RUNNING');
    const done = await runner.wait(job.id);
    expect(done.status).to.equal('FINISHED');
    expect(done.progress).to.deep.equal({ done: 2, total: 2 });
    expect(done.perDevice.a!.status).to.equal('synced');
    expect((await store.getRecord('jobs', job.id))!.finishedAt).to.be.a('string');
  });

  it('turns an exception into a FAILED job with the message', async () => {
    const job = await runner.start({ kind: 'syncto', args: {}, by: 't' }, async () => {
      throw new Error('render failed');
    });
    const done = await runner.wait(job.id);
    expect([done.status, done.error]).to.deep.equal(['FAILED', 'render failed']);
  });

  it('aborts a running job through its signal and refuses to abort an ended one', async () => {
    let started!: () => void;
    const ready = new Promise<void>((r) => (started = r));
    const job = await runner.start({ kind: 'syncto', args: {}, by: 't' }, async (ctx) => {
      started();
      await new Promise((r) => ctx.signal.addEventListener('abort', r));
      return 'FINISHED';
    });
    await ready;
    const aborted = await runner.abort(job.id, 'ops');
    expect(aborted.status).to.equal('ABORTED');
    try {
      await runner.abort(job.id, 'ops');
      expect.fail('expected CONFLICT');
    } catch (err) {
      expect((err as { code: string }).code).to.equal('CONFLICT');
    }
  });

  it('marks jobs left RUNNING by a previous process as ABORTED', async () => {
    await store.updateRecord('jobs', 'old', () => ({
      id: 'old',
      kind: 'syncto',
      status: 'RUNNING',
      args: {},
      by: 't',
      progress: { done: 1, total: 3 },
      perDevice: {},
      createdAt: 'x',
    }));
    const fresh = new JobRunner(store, () => new Date(), silentLogger);
    expect(await fresh.abortInterrupted()).to.deep.equal(['old']);
    expect((await fresh.get('old')).status).to.equal('ABORTED');
  });

  it('gives every device of a cut-off job a final result, with the phase the journal last saw, then records the recovery in its log', async () => {
    await store.updateRecord('jobs', 'cut', () => ({
      id: 'cut',
      kind: 'syncto',
      status: 'RUNNING',
      args: { devices: ['a', 'b', 'c', 'd'] },
      by: 't',
      progress: { done: 1, total: 4 },
      perDevice: { a: { status: 'running' }, b: { status: 'running' }, c: { status: 'synced', changed: true } },
      createdAt: 'x',
    }));
    const fresh = new JobRunner(store, () => new Date(), silentLogger);
    const run = {
      id: 'cut',
      kind: 'syncto' as const,
      status: 'interrupted' as const,
      startedAt: 'x',
      concurrency: 1,
      confirmTimeoutSeconds: 60,
      devices: [
        { hostname: 'a', phase: 'confirm' as const },
        { hostname: 'b', phase: 'queued' as const },
      ],
    };
    await fresh.abortInterrupted([run]);
    const job = await fresh.get('cut');
    expect(job.status).to.equal('ABORTED');
    expect(Object.fromEntries(Object.entries(job.perDevice).map(([h, r]) => [h, r.status]))).to.deep.equal({
      a: 'failed',
      b: 'failed',
      c: 'synced',
      d: 'failed',
    });
    expect(job.perDevice.a!.error).to.include("phase 'confirm'");
    expect(job.perDevice.d!.error).to.include('before this device was changed');
    expect(job.progress.done).to.equal(4);
    await fresh.recordRecovery({ ...run, recovery: [{ 'node-id': 'a', status: 'cancelled' }], recoveryNotes: ['marked unsynchronized: a'] });
    expect((await fresh.get('cut')).log).to.deep.equal(['recovery: a: cancelled', 'recovery: marked unsynchronized: a']);
  });

  it('list(n): the newest n jobs, newest first, as copies the caller may change', async () => {
    let clock = 0;
    const runner = new JobRunner(store, () => new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)), silentLogger);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const job = await runner.start({ kind: 'syncto', args: { i }, by: 't' }, async () => 'FINISHED');
      await runner.wait(job.id);
      ids.push(job.id);
    }
    const listed = await runner.list(2);
    expect(listed.map((j) => j.id)).to.deep.equal([ids[2], ids[1]]);
    listed[0]!.by = 'changed by the caller';
    expect((await runner.get(ids[2]!)).by).to.equal('t');
  });

  it('keeps only the newest ended jobs, never a running one', async () => {
    let clock = 0;
    const small = new JobRunner(store, () => new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)), silentLogger, 2);
    let release!: () => void;
    const running = await small.start({ kind: 'syncto', args: {}, by: 't' }, () => new Promise((r) => (release = () => r('FINISHED'))));
    const ended: string[] = [];
    for (let i = 0; i < 4; i++) {
      const job = await small.start({ kind: 'syncto', args: { i }, by: 't' }, async () => 'FINISHED');
      await small.wait(job.id);
      ended.push(job.id);
    }
    const kept = (await small.list(100)).map((j) => j.id);
    expect(kept).to.have.members([running.id, ended[2], ended[3]]);
    release();
    await small.wait(running.id);
    // The long job ended last, so it is the newest ended one now.
    expect((await small.list(100)).map((j) => j.id)).to.have.members([running.id, ended[3]]);
  });
});
