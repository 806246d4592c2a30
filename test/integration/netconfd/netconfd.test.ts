/**
 * The NETCONF driver and the commit engine against a real agent: Debian's
 * netconfd (yuma123) behind OpenSSH's netconf subsystem, several instances.
 */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTransaction } from '../../../src/commit/engine.ts';
import type { DeviceSession, DeviceTarget, SessionFactory } from '../../../src/commit/session.ts';
import { deviceTarget } from '../../../src/commit/target.ts';
import { storeHostKeys } from '../../../src/drivers/hostKeys.ts';
import { createSessionFactory } from '../../../src/drivers/sessionFactory.ts';
import { buildDevice } from '../../../src/model/device.ts';
import type { NetsyncError } from '../../../src/model/errors.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import type { NetconfdPeers } from '../../peers/netconfdPeers.ts';
import { netconfdAvailable, startNetconfd } from '../../peers/netconfdPeers.ts';

const cfg = (hostname: string, vlan = 10) =>
  `<system xmlns="urn:example:config"><hostname>${hostname}</hostname><interface><name>eth0</name><description>uplink</description><vlan>${vlan}</vlan></interface></system>`;

async function failure(p: Promise<unknown>): Promise<NetsyncError> {
  try {
    await p;
  } catch (err) {
    return err as NetsyncError;
  }
  throw new Error('expected a failure');
}

describe('NETCONF against real netconfd', function () {
  this.timeout(60_000);
  let peers: NetconfdPeers;
  let store: LowdbStore;
  let storeDir: string;
  let factory: SessionFactory;
  const names = ['nc-a', 'nc-b', 'nc-c', 'nc-down'];

  before(async function () {
    if (!netconfdAvailable()) this.skip();
    peers = await startNetconfd(names.length);
    storeDir = await mkdtemp(join(tmpdir(), 'netsync-nc-store-'));
    store = new LowdbStore(join(storeDir, 'store.json'), { collections: storeCollections });
    await store.init();
    await store.changeDevices({
      create: names.map((hostname, i) =>
        buildDevice({ hostname, managementIp: '127.0.0.1', port: peers.ports[i]!, platform: 'netconf', transport: 'netconf', type: 'ACCESS' }, new Date()),
      ),
    });
    factory = createSessionFactory({
      credentials: { username: peers.username, privateKey: peers.privateKey },
      hostKeys: storeHostKeys(store),
      timeouts: { rpcMs: 5000, connectMs: 5000, helloMs: 5000 },
    });
  });

  after(async () => {
    await peers?.stop();
    if (storeDir) await rm(storeDir, { recursive: true, force: true });
  });

  const target = async (hostname: string): Promise<DeviceTarget> => deviceTarget((await store.getDevice(hostname))!);
  const withSession = async <T>(hostname: string, fn: (s: DeviceSession) => Promise<T>): Promise<T> => {
    const s = await factory.open(await target(hostname));
    try {
      return await fn(s);
    } finally {
      await s.close();
    }
  };
  const running = (hostname: string) => withSession(hostname, (s) => s.getRunningConfig());

  it('pins the host key on first contact and refuses a changed one', async () => {
    expect((await store.getDevice('nc-a'))!.hostKeyFingerprint).to.equal(null);
    const caps = await withSession('nc-a', async (s) => s.capabilities);
    expect(caps).to.deep.equal({ candidate: true, validate: true, confirmedCommit: true, persist: true, rollbackOnError: true });
    const pinned = (await store.getDevice('nc-a'))!.hostKeyFingerprint;
    expect(pinned).to.match(/^SHA256:[A-Za-z0-9+/]{43}$/);
    await withSession('nc-a', async () => undefined); // the pinned key is accepted
    const wrong = { ...(await target('nc-a')), hostKeyFingerprint: 'SHA256:' + 'A'.repeat(43) };
    const err = await failure(factory.open(wrong));
    expect(err.code).to.equal('HOST_KEY_MISMATCH');
    expect(err.data).to.include({ expected: wrong.hostKeyFingerprint, presented: pinned });
    expect((await store.getDevice('nc-a'))!.hostKeyFingerprint).to.equal(pinned);
  });

  it('turns data errors at edit-config into typed rpc-errors, several per reply', async () => {
    const bad = '<system xmlns="urn:example:config"><hostname>9bad</hostname><mtu>5</mtu><interface><name>bad</name><vlan>1</vlan></interface></system>';
    const err = await failure(withSession('nc-a', (s) => s.loadCandidate(bad, 'merge')));
    expect(err.code).to.equal('NETCONF_RPC_ERROR');
    const errors = err.data.errors as { tag: string; appTag?: string; path?: string; info: Record<string, string> }[];
    expect(errors.map((e) => `${e.tag}/${e.appTag}`)).to.deep.equal([
      'invalid-value/pattern-test-failed',
      'invalid-value/not-in-range',
      'invalid-value/pattern-test-failed',
    ]);
    expect(errors[0]!.path).to.match(/ex:hostname$/);
    expect(errors[0]!.info['bad-value']).to.equal('9bad');
    const missing = await failure(
      withSession('nc-a', (s) => s.loadCandidate('<system xmlns="urn:example:config"><interface><name>eth1</name></interface></system>', 'merge')),
    );
    expect(missing.data.errors).to.have.length(1);
    expect(missing.data).to.include({ errorTag: 'data-missing' });
  });

  it('reports lock-denied with the holder session', async () => {
    await withSession('nc-b', async (first) => {
      await first.lock();
      const err = await failure(withSession('nc-b', (second) => second.lock()));
      expect(err.code).to.equal('DEVICE_LOCKED');
      expect(err.data.holderSession).to.match(/^\d+$/);
      await first.unlock();
    });
  });

  it('commits one transaction on several devices (validate + confirmed commit + confirm) and applies it', async () => {
    const outcome = await runTransaction(
      { id: 'tx-ok', items: await Promise.all(['nc-a', 'nc-b', 'nc-c'].map(async (h) => ({ target: await target(h), config: cfg(h) }))) },
      { sessions: factory, locks: store },
    );
    expect(outcome.status, JSON.stringify(outcome.errors)).to.equal('complete');
    expect(outcome['node-results'].map((r) => r['configuration-status'])).to.deep.equal(['complete', 'complete', 'complete']);
    for (const h of ['nc-a', 'nc-b', 'nc-c']) {
      expect(await withSession(h, (s) => s.facts())).to.include({ hostname: h });
      expect(await running(h)).to.contain('<vlan>10</vlan>');
    }
  });

  it('leaves every device as it was when one config is invalid', async () => {
    const before = await Promise.all(['nc-a', 'nc-b', 'nc-c'].map(running));
    const items = await Promise.all(['nc-a', 'nc-b', 'nc-c'].map(async (h) => ({ target: await target(h), config: h === 'nc-b' ? cfg(h, 5000) : cfg(h, 20) })));
    const outcome = await runTransaction({ id: 'tx-bad', items }, { sessions: factory, locks: store });
    expect(outcome.status).to.equal('fail');
    const byHost = Object.fromEntries(outcome['node-results'].map((r) => [r['node-id'], r]));
    expect(byHost['nc-b']!.error).to.include({ code: 'NETCONF_RPC_ERROR', phase: 'write' });
    expect(outcome.errors!.errors.error[0]).to.deep.include({ 'error-tag': 'invalid-value' });
    expect(outcome.errors!.errors.error[0]!['error-info']).to.include({ 'node-id': 'nc-b', 'configuration-status': 'fail' });
    expect(byHost['nc-a']!['rollback-status']).to.equal('complete');
    expect(await Promise.all(['nc-a', 'nc-b', 'nc-c'].map(running))).to.deep.equal(before);
    expect(await store.lockHolder('nc-a')).to.equal(undefined);
  });

  it('do_rollback=false with plain commits: the valid devices are committed, the invalid one is left as it was', async () => {
    const before = await running('nc-b');
    const items = await Promise.all(
      ['nc-a', 'nc-b', 'nc-c'].map(async (h) => ({ target: await target(h), config: h === 'nc-b' ? cfg('9bad', 30) : cfg(h, 30) })),
    );
    const outcome = await runTransaction({ id: 'tx-partial', items, flags: { confirmedCommit: false, rollback: false } }, { sessions: factory, locks: store });
    expect(outcome.status).to.equal('fail');
    expect(outcome['node-results'].map((r) => r['configuration-status'])).to.deep.equal(['complete', 'fail', 'complete']);
    expect(await running('nc-a')).to.contain('<vlan>30</vlan>');
    expect(await running('nc-c')).to.contain('<vlan>30</vlan>');
    expect(await running('nc-b')).to.equal(before);
  });

  it('a confirmed commit that is never confirmed (daemon crash) reverts on the device by itself', async () => {
    const before = await running('nc-c');
    const s = await factory.open(await target('nc-c'));
    await s.lock();
    await s.loadCandidate(cfg('nc-c', 99), 'replace');
    await s.commitConfirmed(1, 'netsync-crash');
    expect(await running('nc-c')).to.contain('<vlan>99</vlan>');
    // The daemon "dies": the SSH connection goes away without a confirming commit.
    await s.close();
    const deadline = Date.now() + 20_000;
    let now = '';
    // netconfd's timer fires only after ~1 s without traffic, so look rarely.
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1500));
      now = await running('nc-c');
      if (now === before) break;
    }
    expect(now).to.equal(before);
  });

  it('reports a channel that closes before the hello (netconfd down behind sshd), an unreachable port and bad credentials', async () => {
    await peers.stopAgent(peers.ports[3]!);
    expect((await failure(factory.open(await target('nc-down')))).code).to.equal('NETCONF_NO_HELLO');
    const closed = { ...(await target('nc-down')), port: 1, hostKeyFingerprint: null };
    expect((await failure(factory.open(closed))).code).to.equal('DEVICE_UNREACHABLE');
    const badLogin = createSessionFactory({ credentials: { username: peers.username, password: 'not-the-password' }, timeouts: { connectMs: 5000 } });
    expect((await failure(badLogin.open(await target('nc-a')))).code).to.equal('AUTH_FAILED');
  });
});
