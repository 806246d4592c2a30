import { expect } from 'chai';
import { hasConfigContent } from '../../../src/commit/configContent.ts';
import { runTransaction } from '../../../src/commit/engine.ts';
import type { DeviceLocks } from '../../../src/commit/ports.ts';
import type { DeviceSession, DeviceTarget, SessionCapabilities, SessionFactory } from '../../../src/commit/session.ts';
import type { CommitFlags, TransactionItem } from '../../../src/commit/types.ts';
import { NetsyncError } from '../../../src/model/errors.ts';

/** A device in memory: running, candidate, a pending confirmed commit. Faults make one operation throw. */
interface FakeDevice {
  running: string;
  candidate: string | null;
  pending: { persistId: string; previous: string } | null;
  caps: SessionCapabilities;
  fail: Partial<Record<string, string>>;
  /** What the device runs after the confirming commit, if not what it was confirming (an agent gone wrong). */
  afterConfirm?: string;
  /** Operations acknowledged without taking effect (a device that says ok to a commit it did not apply). */
  ignore?: string[];
  /** Operation after which the session is lost (the operation itself took effect). */
  dropAfter?: string;
  unreachable?: boolean;
  calls: string[];
}

const FULL: SessionCapabilities = { candidate: true, validate: true, confirmedCommit: true, persist: true, rollbackOnError: true };

function device(running: string, over: Partial<FakeDevice> = {}): FakeDevice {
  return { running, candidate: null, pending: null, caps: FULL, fail: {}, calls: [], ...over };
}

function fakeNetwork(devices: Record<string, FakeDevice>) {
  let inFlight = 0;
  let maxInFlight = 0;
  const factory: SessionFactory = {
    async open(target: DeviceTarget): Promise<DeviceSession> {
      const d = devices[target.hostname]!;
      d.calls.push('open');
      if (d.unreachable) throw new NetsyncError('DEVICE_UNREACHABLE', `${target.hostname} is unreachable`, {});
      let lost = false;
      const op = async (name: string, fn: () => void) => {
        if (lost) throw new NetsyncError('NETCONF_CLOSED', 'session closed', {});
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        d.calls.push(name);
        if (d.fail[name]) throw new NetsyncError('NETCONF_RPC_ERROR', `${target.hostname}: ${d.fail[name]}`, { errorTag: 'operation-failed' });
        if (!d.ignore?.includes(name)) fn();
        if (d.dropAfter === name) {
          lost = true;
          d.dropAfter = undefined;
          throw new NetsyncError('NETCONF_CLOSED', 'session dropped', {});
        }
      };
      return {
        hostname: target.hostname,
        capabilities: d.caps,
        facts: async () => ({ hostname: target.hostname, platform: 'x', version: '1' }),
        getRunningConfig: async () => (await op('get', () => undefined), d.running),
        lock: () => op('lock', () => undefined),
        unlock: () => op('unlock', () => undefined),
        loadCandidate: (config) => op('write', () => void (d.candidate = config)),
        diff: async () => '',
        validate: () => op('validate', () => undefined),
        commitConfirmed: (_t, persistId) =>
          op('confirmed-commit', () => {
            d.pending = { persistId, previous: d.running };
            d.running = d.candidate!;
          }),
        confirm: () =>
          op('confirm', () => {
            d.pending = null;
            if (d.afterConfirm !== undefined) d.running = d.afterConfirm;
          }),
        commit: () => op('commit', () => void (d.running = d.candidate!)),
        cancelCommit: (persistId) =>
          op('cancel', () => {
            if (!d.pending || d.pending.persistId !== persistId) throw new NetsyncError('NETCONF_RPC_ERROR', 'no pending commit', {});
            d.running = d.pending.previous;
            d.pending = null;
          }),
        discard: () => op('discard', () => void (d.candidate = null)),
        notApplied: (sent, _mode, running) => (running === sent ? undefined : `runs '${running}', sent '${sent}'`),
        close: async () => void d.calls.push('close'),
      };
    },
  };
  return { factory, maxInFlight: () => maxInFlight };
}

function memoryLocks(): DeviceLocks & { held: Map<string, string> } {
  const held = new Map<string, string>();
  return {
    held,
    tryLockDevice: async (h, o) => (held.has(h) && held.get(h) !== o ? false : (held.set(h, o), true)),
    unlockDevice: async (h, o) => void (held.get(h) === o && held.delete(h)),
    lockHolder: async (h) => held.get(h),
  };
}

const target = (hostname: string): DeviceTarget => ({
  hostname,
  host: '127.0.0.1',
  port: 830,
  platform: 'netconf',
  transport: 'netconf',
  hostKeyFingerprint: null,
});
const items = (configs: Record<string, string>): TransactionItem[] => Object.entries(configs).map(([h, config]) => ({ target: target(h), config }));

async function run(devices: Record<string, FakeDevice>, configs: Record<string, string>, flags: Partial<CommitFlags> = {}, locks = memoryLocks()) {
  const net = fakeNetwork(devices);
  const outcome = await runTransaction({ id: 't1', items: items(configs), flags }, { sessions: net.factory, locks });
  return { outcome, locks, net, byHost: Object.fromEntries(outcome['node-results'].map((r) => [r['node-id'], r])) };
}

describe('commit engine', () => {
  it('runs lock, write, validate, confirmed commit, confirm on every device and releases all locks', async () => {
    const devs = { a: device('old-a'), b: device('old-b') };
    const { outcome, locks } = await run(devs, { a: 'new-a', b: 'new-b' });
    expect(outcome.status).to.equal('complete');
    expect(outcome['unreachable-nodes']).to.deep.equal([]);
    expect(outcome.errors).to.equal(undefined);
    expect(devs.a.calls).to.deep.equal(['open', 'lock', 'get', 'write', 'validate', 'confirmed-commit', 'get', 'confirm', 'get', 'close']);
    expect([devs.a.running, devs.b.running]).to.deep.equal(['new-a', 'new-b']);
    expect(devs.a.pending).to.equal(null);
    expect(locks.held.size).to.equal(0);
  });

  it('skips validate and confirmed commit where the device lacks them, saving running for a rollback', async () => {
    const plain = { ...FULL, validate: false, confirmedCommit: false, persist: false };
    const devs = { a: device('old-a', { caps: plain }), b: device('old-b') };
    const { outcome } = await run(devs, { a: 'new-a', b: 'new-b' });
    expect(outcome.status).to.equal('complete');
    expect(devs.a.calls).to.deep.equal(['open', 'lock', 'get', 'write', 'commit', 'get', 'close']);
  });

  it('flags off: no validate, plain commit', async () => {
    const devs = { a: device('old-a') };
    await run(devs, { a: 'new-a' }, { validate: false, confirmedCommit: false });
    expect(devs.a.calls).to.deep.equal(['open', 'lock', 'get', 'write', 'commit', 'get', 'close']);
    expect(devs.a.running).to.equal('new-a');
  });

  it('a validation error on one device rolls back every touched device and reports RFC 8040 errors', async () => {
    const devs = { a: device('old-a'), b: device('old-b', { fail: { validate: 'bad vlan' } }), c: device('old-c') };
    const { outcome, byHost } = await run(devs, { a: 'new-a', b: 'new-b', c: 'new-c' });
    expect(outcome.status).to.equal('fail');
    expect([devs.a.running, devs.b.running, devs.c.running]).to.deep.equal(['old-a', 'old-b', 'old-c']);
    expect([devs.a.candidate, devs.b.candidate, devs.c.candidate]).to.deep.equal([null, null, null]);
    expect(byHost.b).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete', phase: 'validate' });
    expect(byHost.a).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete' });
    expect(devs.a.calls).to.not.include('confirmed-commit');
    const [err] = outcome.errors!.errors.error;
    expect(err).to.deep.include({ 'error-type': 'protocol', 'error-tag': 'operation-failed' });
    expect(err!['error-message']).to.match(/^b: validate failed: /);
    expect(err!['error-info']).to.deep.equal({ 'node-id': 'b', 'configuration-status': 'fail', 'rollback-status': 'complete', code: 'NETCONF_RPC_ERROR' });
  });

  it('do_rollback=false: only the failed device is rolled back, the others are committed', async () => {
    const devs = { a: device('old-a'), b: device('old-b', { fail: { 'confirmed-commit': 'commit failed' } }) };
    const { outcome, byHost } = await run(devs, { a: 'new-a', b: 'new-b' }, { rollback: false });
    expect(outcome.status).to.equal('fail');
    expect(byHost.a).to.deep.include({ 'configuration-status': 'complete', 'rollback-status': 'not-needed' });
    expect(byHost.b).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete' });
    expect([devs.a.running, devs.b.running, devs.b.candidate]).to.deep.equal(['new-a', 'old-b', null]);
  });

  it('a failing confirm rolls back the device still pending and cancels nothing twice', async () => {
    const devs = { a: device('old-a', { fail: { confirm: 'boom' } }) };
    const { byHost } = await run(devs, { a: 'new-a' });
    expect(byHost.a).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete', phase: 'confirm' });
    expect(devs.a.running).to.equal('old-a');
  });

  it('a confirm failing on one device after another confirmed restores that one from its saved config', async () => {
    const devs = { a: device('old-a'), b: device('old-b', { fail: { confirm: 'boom' } }) };
    const { outcome, byHost } = await run(devs, { a: 'new-a', b: 'new-b' }, { concurrency: 1 });
    expect(outcome.status).to.equal('fail');
    expect(byHost.a).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete' });
    expect([devs.a.running, devs.b.running, devs.b.pending]).to.deep.equal(['old-a', 'old-b', null]);
    expect(devs.a.calls.slice(devs.a.calls.indexOf('confirm'))).to.deep.equal(['confirm', 'write', 'commit', 'close']);
  });

  it('without do_rollback the running config is still saved (a device failing the read-back is checked against it) and read back', async () => {
    const devs = { a: device('old-a') };
    await run(devs, { a: 'new-a' }, { rollback: false });
    expect(devs.a.calls).to.deep.equal(['open', 'lock', 'get', 'write', 'validate', 'confirmed-commit', 'get', 'confirm', 'get', 'close']);
  });

  it('a device that acknowledges the confirmed commit without applying it fails with COMMIT_NOT_APPLIED; every device is cancelled before any confirm', async () => {
    const devs = { a: device('old-a'), b: device('old-b', { ignore: ['confirmed-commit'] }), c: device('old-c') };
    const net = fakeNetwork(devs);
    const outcome = await runTransaction(
      { id: 't1', items: items({ a: 'new-a', b: 'new-b', c: 'new-c' }) },
      { sessions: net.factory, locks: memoryLocks(), mask: (t) => t.replace(/new-b/g, '***') },
    );
    expect(outcome.status).to.equal('fail');
    const byHost = Object.fromEntries(outcome['node-results'].map((r) => [r['node-id'], r]));
    expect(byHost.b).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete', phase: 'verify' });
    expect(byHost.b!.error!.code).to.equal('COMMIT_NOT_APPLIED');
    expect(byHost.b!.error!.message).to.contain("runs 'old-b', sent '***'").and.not.contain('new-b');
    expect(byHost.a).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete' });
    expect([devs.a.running, devs.b.running, devs.c.running]).to.deep.equal(['old-a', 'old-b', 'old-c']);
    for (const d of [devs.a, devs.b, devs.c]) expect(d.calls).to.not.include('confirm');
    // b had nothing pending (its cancel is refused): it runs its saved config, so its rollback is complete.
    expect(devs.a.calls).to.include('cancel');
  });

  it('a device whose running config is not what was sent after the confirming commit fails (verify-confirmed) and every device is restored', async () => {
    const devs = { a: device('old-a'), b: device('old-b', { afterConfirm: 'something else' }) };
    const { outcome, byHost } = await run(devs, { a: 'new-a', b: 'new-b' });
    expect(outcome.status).to.equal('fail');
    expect(byHost.b!.error).to.include({ code: 'COMMIT_NOT_APPLIED', phase: 'verify-confirmed' });
    expect(byHost.a).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete' });
    expect(byHost.b).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete' });
    expect([devs.a.running, devs.b.running]).to.deep.equal(['old-a', 'old-b']);
  });

  it('a plain commit that is acknowledged but not applied fails the same way and is never complete', async () => {
    const devs = { a: device('old-a'), b: device('old-b', { ignore: ['commit'] }) };
    const { outcome, byHost } = await run(devs, { a: 'new-a', b: 'new-b' }, { confirmedCommit: false });
    expect(outcome.status).to.equal('fail');
    expect(byHost.b!.error).to.include({ code: 'COMMIT_NOT_APPLIED', phase: 'verify' });
    expect(byHost.a).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete' });
    expect([devs.a.running, devs.b.running]).to.deep.equal(['old-a', 'old-b']);
  });

  it('a session dropped right after the confirmed commit is cancelled by persist-id from a new session', async () => {
    const devs = { a: device('old-a'), b: device('old-b', { dropAfter: 'confirmed-commit' }) };
    const { outcome, byHost } = await run(devs, { a: 'new-a', b: 'new-b' });
    expect(outcome.status).to.equal('fail');
    expect(byHost.b).to.deep.include({ 'rollback-status': 'complete' });
    expect(devs.b.calls.filter((c) => c === 'open')).to.have.length(2);
    expect([devs.a.running, devs.b.running, devs.b.pending]).to.deep.equal(['old-a', 'old-b', null]);
  });

  it('a session dropped after write needs no undo for NETCONF (the agent drops the candidate)', async () => {
    const devs = { a: device('old-a'), b: device('old-b', { dropAfter: 'write' }) };
    const { byHost } = await run(devs, { a: 'new-a', b: 'new-b' });
    expect(byHost.b).to.deep.include({ 'configuration-status': 'fail', 'rollback-status': 'complete', phase: 'write' });
    expect(devs.a.running).to.equal('old-a');
  });

  it('unreachable devices fail the transaction before anything is written, or are skipped with skip_unreachable', async () => {
    const devs = { a: device('old-a'), b: device('old-b', { unreachable: true }) };
    const failed = await run(devs, { a: 'new-a', b: 'new-b' });
    expect(failed.outcome.status).to.equal('fail');
    expect(devs.a.calls).to.not.include('write');
    expect(failed.outcome.errors!.errors.error[0]).to.deep.include({ 'error-type': 'transport', 'error-tag': 'resource-denied' });

    const devs2 = { a: device('old-a'), b: device('old-b', { unreachable: true }) };
    const skipped = await run(devs2, { a: 'new-a', b: 'new-b' }, { skipUnreachable: true });
    expect(skipped.outcome.status).to.equal('complete');
    expect(skipped.outcome['unreachable-nodes']).to.deep.equal(['b']);
    expect(skipped.byHost.b!['configuration-status']).to.equal('skipped');
    expect(devs2.a.running).to.equal('new-a');
  });

  it('a device locked by another transaction fails fast and no device is contacted', async () => {
    const locks = memoryLocks();
    await locks.tryLockDevice('b', 'other-tx');
    const devs = { a: device('old-a'), b: device('old-b') };
    const { outcome, byHost } = await run(devs, { a: 'new-a', b: 'new-b' }, {}, locks);
    expect(outcome.status).to.equal('fail');
    expect(byHost.b!.error).to.deep.include({ code: 'LOCKED', phase: 'lock' });
    expect(outcome.errors!.errors.error[0]!['error-tag']).to.equal('lock-denied');
    expect(devs.a.calls).to.deep.equal([]);
    expect(locks.held.get('b')).to.equal('other-tx');
    expect(locks.held.has('a')).to.equal(false);
  });

  it('refuses bad input before touching anything: duplicate hostnames (any case), empty config, no devices', async () => {
    const devs = { a: device('old-a'), A: device('old-A') };
    const net = fakeNetwork(devs);
    const locks = memoryLocks();
    // Comments and wrappers alone are empty too: loaded with replace, they would wipe the device.
    const empties = [
      '  \n',
      '<!-- to do -->',
      '<?xml version="1.0"?>\n<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"/>',
      '<nc:config>\n</nc:config>',
      '!\n! nothing\nend\n',
    ];
    for (const bad of [items({ a: 'x', A: 'y' }), ...empties.map((c) => items({ a: c })), []]) {
      const err = await runTransaction({ id: 't', items: bad }, { sessions: net.factory, locks }).catch((e: unknown) => e as NetsyncError);
      expect((err as NetsyncError).code).to.equal('BAD_REQUEST');
    }
    expect(devs.a.calls).to.deep.equal([]);
    expect(locks.held.size).to.equal(0);
  });

  it('counts any element or CLI line as content, comments around it included', () => {
    for (const config of ['<!-- vlans --><vlans xmlns="urn:netsync:lab"/>', '<config><system/></config>', '!\nhostname sw-1\nend\n', 'x']) {
      expect(hasConfigContent(config), config).to.equal(true);
    }
  });

  for (const flags of [{}, { rollback: false }, { rollback: false, confirmedCommit: false }]) {
    it(`refuses a device whose running config drifted from the planned fingerprint (flags ${JSON.stringify(flags)})`, async () => {
      // do_rollback=false needs no snapshot for a rollback, but the fingerprint must be read and checked all the same.
      const devs = { a: device('changed-by-hand') };
      const net = fakeNetwork(devs);
      const outcome = await runTransaction(
        { id: 't', items: [{ target: target('a'), config: 'new', expectedHash: 'h:old' }], flags },
        { sessions: net.factory, locks: memoryLocks(), fingerprints: { storedHash: async () => 'h:old', hashOf: (t) => `h:${t}` } },
      );
      expect(outcome['node-results'][0]!.error).to.deep.include({ code: 'FINGERPRINT_MISMATCH', phase: 'fingerprint' });
      expect(devs.a.calls).to.not.include('write');
      expect(devs.a.running).to.equal('changed-by-hand');
    });
  }

  it('a failure outside the devices (progress cannot be recorded) rolls back every touched device', async () => {
    const devs = { a: device('old-a'), b: device('old-b') };
    const net = fakeNetwork(devs);
    const outcome = await runTransaction(
      { id: 't', items: items({ a: 'new-a', b: 'new-b' }) },
      {
        sessions: net.factory,
        locks: memoryLocks(),
        onPhase: (phase) => {
          if (phase === 'confirm') throw new NetsyncError('STORE_WRITE_FAILED', 'disk full', {});
        },
      },
    );
    expect(outcome.status).to.equal('fail');
    expect(outcome['node-results'].map((r) => [r.error?.code, r['rollback-status']])).to.deep.equal([
      ['STORE_WRITE_FAILED', 'complete'],
      ['STORE_WRITE_FAILED', 'complete'],
    ]);
    expect([devs.a.running, devs.b.running, devs.a.pending, devs.b.pending]).to.deep.equal(['old-a', 'old-b', null, null]);
    expect(devs.a.calls.at(-1)).to.equal('close');
  });

  it('a store error while taking the locks releases the ones already taken and contacts no device', async () => {
    const devs = { a: device('old-a'), b: device('old-b') };
    const net = fakeNetwork(devs);
    const locks = memoryLocks();
    const take = locks.tryLockDevice;
    locks.tryLockDevice = async (h, o) => {
      if (h === 'b') throw new NetsyncError('STORE_WRITE_FAILED', 'disk full', {});
      return take(h, o);
    };
    const err = await runTransaction({ id: 't', items: items({ a: 'new-a', b: 'new-b' }) }, { sessions: net.factory, locks }).catch(
      (e: unknown) => e as NetsyncError,
    );
    expect((err as NetsyncError).code).to.equal('STORE_WRITE_FAILED');
    expect(locks.held.size).to.equal(0);
    expect([devs.a.calls, devs.b.calls]).to.deep.equal([[], []]);
  });

  it('keeps at most `concurrency` device operations in flight', async () => {
    const devs = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`d${i}`, device('old')]));
    const { outcome, net } = await run(devs, Object.fromEntries(Object.keys(devs).map((h) => [h, 'new'])), { concurrency: 4 });
    expect(outcome.status).to.equal('complete');
    expect(net.maxInFlight()).to.be.at.most(4).and.at.least(2);
  });
});
