import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DeviceWrites } from '../../../src/commit/deviceWrites.ts';
import type { DeviceSession, SessionFactory } from '../../../src/commit/session.ts';
import { buildDevice } from '../../../src/model/device.ts';
import { NetsyncError } from '../../../src/model/errors.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

/** A scripted device: records the calls it gets; `pending` lists EOS-style pending sessions that block lock. */
function scripted(
  log: string[],
  opts: { pending?: string[]; running?: string; onOpen?: () => Promise<void>; onCall?: (name: string) => Promise<void> } = {},
): SessionFactory {
  const pending = opts.pending ?? [];
  return {
    open: async (target): Promise<DeviceSession> => {
      await opts.onOpen?.();
      const call = (name: string) => async () => {
        log.push(`${target.hostname}:${name}`);
        await opts.onCall?.(name);
      };
      return {
        hostname: target.hostname,
        capabilities: { candidate: true, validate: true, confirmedCommit: true, persist: true, rollbackOnError: false },
        facts: async () => ({ hostname: target.hostname, platform: 'eos', version: '1' }),
        getRunningConfig: async () => opts.running ?? 'running',
        notApplied: () => undefined,
        lock: async () => {
          log.push(`${target.hostname}:lock`);
          await opts.onCall?.('lock');
          if (pending.length)
            throw new NetsyncError('EOS_SESSION_LOCKED', `${target.hostname}: configuration session '${pending[0]}' is pending`, {
              hostname: target.hostname,
              session: pending[0],
            });
        },
        unlock: call('unlock'),
        loadCandidate: call('write'),
        diff: async () => '',
        validate: call('validate'),
        commitConfirmed: call('commit-confirmed'),
        confirm: call('confirm'),
        commit: call('commit'),
        cancelCommit: call('cancel'),
        discard: call('discard'),
        abortSession: async (name) => {
          log.push(`${target.hostname}:abort ${name}`);
          pending.splice(pending.indexOf(name), 1);
        },
        close: async () => undefined,
      };
    },
  };
}

describe('commit/DeviceWrites (the front door)', () => {
  let dir: string;
  let store: LowdbStore;
  const marked: { hostnames: string[]; detail: string }[] = [];
  const writes = (sessions: SessionFactory, defaults = {}) =>
    new DeviceWrites({
      store,
      sessions,
      defaults,
      hashConfig: (c) => `h:${c}`,
      markChanged: async (hostnames, detail) => void marked.push({ hostnames, detail }),
    });
  const item = (hostname: string) => ({
    target: { hostname, host: '127.0.0.1', port: 22, platform: 'eos', transport: 'eos-cli' as const, hostKeyFingerprint: null },
    config: 'hostname x',
  });

  beforeEach(async () => {
    marked.length = 0;
    dir = await tempDir();
    store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
    const now = new Date();
    await store.changeDevices({ create: ['a', 'b'].map((h) => buildDevice({ hostname: h, managementIp: '127.0.0.1', platform: 'eos', type: 'ACCESS' }, now)) });
  });
  afterEach(async () => {
    await store.close();
    await removeDir(dir);
  });

  it('gives each run the config defaults under its own flags', () => {
    const w = writes(scripted([]), { concurrency: 3, confirmTimeoutSeconds: 30 });
    expect(w.flags()).to.include({ concurrency: 3, confirmTimeoutSeconds: 30, validate: true });
    expect(w.flags({ confirmTimeoutSeconds: 5 })).to.include({ concurrency: 3, confirmTimeoutSeconds: 5 });
  });

  it('journals the run before the first device is touched, then each phase, then the outcome', async () => {
    const id = randomUUID();
    const seen: string[] = [];
    const phases: string[] = [];
    const w2 = writes(
      scripted([], {
        onOpen: async () =>
          void seen.push(`${(await store.getRecord('runs', id))?.status}:${(await store.getRecord('runs', id))?.devices.map((d) => d.phase).join(',')}`),
        onCall: async (name) => void phases.push(`${name}:${(await store.getRecord('runs', id))!.devices[0]!.phase}`),
      }),
      { confirmTimeoutSeconds: 40 },
    );
    const outcome = await w2.transaction({ id, kind: 'syncto', items: [item('a'), item('b')] });
    expect(outcome.status).to.equal('complete');
    expect(seen).to.deep.equal(['running:connect,connect', 'running:connect,connect']);
    // Each device call happens with its phase already in the journal.
    expect([...new Set(phases)]).to.deep.equal(['lock:lock', 'write:write', 'validate:validate', 'commit-confirmed:confirmed-commit', 'confirm:confirm']);
    const run = (await w2.journal.get(id))!;
    expect(run).to.deep.include({ kind: 'syncto', status: 'ended', confirmTimeoutSeconds: 40 });
    expect(run.devices).to.deep.equal([
      { hostname: 'a', phase: 'verify-confirmed', outcome: 'complete' },
      { hostname: 'b', phase: 'verify-confirmed', outcome: 'complete' },
    ]);
  });

  it("aborts netsync's own left-over session at lock time and says so; a live run's or a foreign session stays", async () => {
    const dead = randomUUID();
    await store.updateRecord('runs', dead, () => ({
      id: dead,
      kind: 'syncto',
      status: 'interrupted',
      startedAt: 'x',
      concurrency: 1,
      confirmTimeoutSeconds: 1,
      devices: [],
    }));
    const log: string[] = [];
    const notes: string[] = [];
    const w = writes(scripted(log, { pending: [`netsync-${dead}`] }));
    const id = randomUUID();
    const outcome = await w.transaction({ id, kind: 'syncto', items: [item('a')], onNote: async (t) => void notes.push(t) });
    expect(outcome.status).to.equal('complete');
    expect(log.slice(0, 3)).to.deep.equal(['a:lock', `a:abort netsync-${dead}`, 'a:lock']);
    expect(notes).to.have.length(1);
    expect(notes[0]).to.include(`netsync-${dead}`).and.include('no longer running');
    expect((await w.journal.get(id))!.notes).to.deep.equal(notes);

    const live = randomUUID();
    await store.updateRecord('runs', live, () => ({
      id: live,
      kind: 'transaction',
      status: 'running',
      startedAt: 'x',
      concurrency: 1,
      confirmTimeoutSeconds: 1,
      devices: [],
    }));
    for (const name of [`netsync-${live}`, 'netsync-lab-held', 'someone-else']) {
      const refused = await writes(scripted([], { pending: [name] })).transaction({ id: randomUUID(), kind: 'syncto', items: [item('a')] });
      expect(refused['node-results'][0]!.error?.code, name).to.equal('EOS_SESSION_LOCKED');
    }
  });

  it('recovers every interrupted run alike: cancels where it wrote, marks changed devices unsynchronized, under the device lock', async () => {
    const run = (id: string, kind: 'syncto' | 'transaction' | 'bounce', devices: { hostname: string; phase: string }[]) =>
      store.updateRecord('runs', id, () => ({
        id,
        kind,
        status: 'running',
        startedAt: 'x',
        concurrency: 2,
        confirmTimeoutSeconds: 60,
        devices: devices as never,
      }));
    const [sync, tx, ended] = [randomUUID(), randomUUID(), randomUUID()];
    await run(sync, 'syncto', [
      { hostname: 'a', phase: 'confirm' },
      { hostname: 'b', phase: 'lock' },
    ]);
    await run(tx, 'transaction', [{ hostname: 'b', phase: 'write' }]);
    await run(ended, 'syncto', [{ hostname: 'a', phase: 'confirm' }]);
    const bounce = randomUUID();
    await run(bounce, 'bounce', [{ hostname: 'b', phase: 'bounce' }]);
    await store.updateRecord('runs', ended, (r) => ({ ...r!, status: 'ended' }));
    await store.changeDevices({ update: [{ hostname: 'a', apply: (d) => ({ ...d, configHash: 'h:old' }) }] });

    const log: string[] = [];
    const recovered: string[] = [];
    const w = writes(scripted(log, { running: 'new' }));
    const cut = await w.recover(async (r) => void recovered.push(r.id));
    expect(cut.map((r) => r.id).sort()).to.deep.equal([sync, tx, bounce].sort());
    expect(cut.every((r) => r.status === 'interrupted' && r.devices.every((d) => d.outcome === 'interrupted'))).to.equal(true);
    await w.recovery;
    expect(recovered.sort()).to.deep.equal([sync, tx, bounce].sort());
    // a: reached confirm -> cancelled; b of the syncto run never wrote -> untouched; b of the transaction -> cancelled.
    expect(log.filter((l) => l.endsWith(':cancel')).sort()).to.deep.equal(['a:cancel', 'b:cancel']);
    expect((await w.journal.get(sync))!.recovery!.map((r) => r['node-id'])).to.deep.equal(['a']);
    // a runs something other than its recorded hash: unsynchronized, with why; b of the transaction (write only) is
    // not read back, b of the cut-off bounce is (an interface may be left shut): nothing to cancel, but changed.
    expect(marked.map((m) => m.hostnames[0]).sort()).to.deep.equal(['a', 'b']);
    expect(marked.find((m) => m.hostnames[0] === 'a')!.detail).to.include(sync);
    expect(marked.find((m) => m.hostnames[0] === 'b')!.detail)
      .to.include(bounce)
      .and.include('bounce');
    expect((await w.journal.get(bounce))!.recovery).to.deep.equal([]);
    expect((await w.journal.get(sync))!.recoveryNotes![0]).to.include('a');
    expect(await store.lockHolder('a')).to.equal(undefined);
    expect((await w.journal.get(ended))!.recovery).to.equal(undefined);
  });
});
