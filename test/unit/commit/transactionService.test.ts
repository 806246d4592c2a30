import { expect } from 'chai';
import { join } from 'node:path';
import type { DeviceSession, SessionFactory } from '../../../src/commit/session.ts';
import { DeviceWrites } from '../../../src/commit/deviceWrites.ts';
import { TransactionService } from '../../../src/commit/transactionService.ts';
import { buildDevice } from '../../../src/model/device.ts';
import { NetsyncError } from '../../../src/model/errors.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

/** A device that accepts everything (the engine's phases are tested in engine.test.ts); `refuse` fails the commit. */
const agreeable = (opts: { diff?: string; refuse?: string } = {}): SessionFactory => ({
  open: async (target): Promise<DeviceSession> => {
    const ok = async () => undefined;
    return {
      hostname: target.hostname,
      capabilities: { candidate: true, validate: true, confirmedCommit: true, persist: true, rollbackOnError: true },
      facts: async () => ({ hostname: target.hostname, platform: 'x', version: '1' }),
      getRunningConfig: async () => 'running',
      lock: ok,
      unlock: ok,
      loadCandidate: ok,
      diff: async () => opts.diff ?? '',
      validate: ok,
      commitConfirmed: async () => {
        if (opts.refuse) throw new NetsyncError('CLI_COMMAND_REJECTED', `${target.hostname}: ${opts.refuse}`, {});
      },
      confirm: ok,
      commit: ok,
      cancelCommit: ok,
      discard: ok,
      notApplied: () => undefined,
      close: ok,
    };
  },
});

describe('commit/TransactionService', () => {
  let dir: string;
  let store: LowdbStore;
  const writes = (sessions: SessionFactory) => new DeviceWrites({ store, sessions, hashConfig: (c) => c, markChanged: async () => undefined });
  beforeEach(async () => {
    dir = await tempDir();
    store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
    await store.changeDevices({ create: [buildDevice({ hostname: 'a', managementIp: '127.0.0.1', platform: 'netconf', type: 'ACCESS' }, new Date())] });
  });
  afterEach(() => removeDir(dir));

  it('keeps only the newest ended transactions, never a staged one', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const tx = new TransactionService({ store, writes: writes(agreeable()), keep: 2, clock: () => new Date((t += 1000)) });
    const waiting = await tx.create([{ hostname: 'a', config: 'staged only' }], 'test');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const staged = await tx.create([{ hostname: 'a', config: `c${i}` }], 'test');
      expect((await tx.commit(staged.id, {}, 'test')).status).to.equal('complete');
      ids.push(staged.id);
    }
    expect((await tx.list()).map((r) => r.id).sort()).to.deep.equal([waiting.id, ids[2], ids[3]].sort());
  });

  it('recent(n): the newest n, newest first, as copies the caller may change', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const tx = new TransactionService({ store, writes: writes(agreeable()), clock: () => new Date((t += 1000)) });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await tx.create([{ hostname: 'a', config: `c${i}` }], 'test')).id);
    const recent = await tx.recent(2);
    expect(recent.map((r) => r.id)).to.deep.equal([ids[2], ids[1]]);
    recent[0]!.devices[0]!.config = 'changed by the caller';
    expect((await tx.get(ids[2]!)).devices[0]!.config).to.equal('c2');
  });

  it('masks secrets in device diffs and device error messages before storing or returning the outcome', async () => {
    const mask = (t: string) => t.split('S3cret-community').join('***');
    const diffing = new TransactionService({ store, writes: writes(agreeable({ diff: '+snmp community S3cret-community ro' })), mask });
    const staged = await diffing.create([{ hostname: 'a', config: 'snmp community S3cret-community ro' }], 'test');
    const done = await diffing.commit(staged.id, { collectDiff: true }, 'test');
    expect(done.outcome!['node-results'][0]!.diff).to.equal('+snmp community *** ro');

    const refusing = new TransactionService({ store, writes: writes(agreeable({ refuse: '% Invalid input: snmp community S3cret-community' })), mask });
    const failed = await refusing.commit((await refusing.create([{ hostname: 'a', config: 'x' }], 'test')).id, {}, 'test');
    expect(failed.status).to.equal('fail');
    const stored = JSON.stringify((await store.getRecord('transactions', failed.id))!.outcome);
    expect(stored).to.include('% Invalid input: snmp community ***').and.not.include('S3cret-community');
  });
});
