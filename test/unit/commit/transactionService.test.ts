import { expect } from 'chai';
import { join } from 'node:path';
import type { DeviceSession, SessionFactory } from '../../../src/commit/session.ts';
import { TransactionService } from '../../../src/commit/transactionService.ts';
import { buildDevice } from '../../../src/model/device.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

/** A device that accepts everything (the engine's phases are tested in engine.test.ts). */
const agreeable: SessionFactory = {
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
      diff: async () => '',
      validate: ok,
      commitConfirmed: ok,
      confirm: ok,
      commit: ok,
      cancelCommit: ok,
      discard: ok,
      close: ok,
    };
  },
};

describe('commit/TransactionService', () => {
  let dir: string;
  let store: LowdbStore;
  beforeEach(async () => {
    dir = await tempDir();
    store = new LowdbStore(join(dir, 'store.json'));
    await store.init();
    await store.changeDevices({ create: [buildDevice({ hostname: 'a', managementIp: '127.0.0.1', platform: 'netconf', type: 'ACCESS' }, new Date())] });
  });
  afterEach(() => removeDir(dir));

  it('keeps only the newest ended transactions, never a staged one', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const tx = new TransactionService({ store, sessions: agreeable, hashConfig: (c) => c, keep: 2, clock: () => new Date((t += 1000)) });
    const waiting = await tx.create([{ hostname: 'a', config: 'staged only' }], 'test');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const staged = await tx.create([{ hostname: 'a', config: `c${i}` }], 'test');
      expect((await tx.commit(staged.id, {}, 'test')).status).to.equal('complete');
      ids.push(staged.id);
    }
    expect((await tx.list()).map((r) => r.id).sort()).to.deep.equal([waiting.id, ids[2], ids[3]].sort());
  });
});
