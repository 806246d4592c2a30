/**
 * Verified commits against a real agent (Debian netconfd 2.13 behind OpenSSH): merge and replace, with and
 * without validate, each checked by an independent read (Debian's python3-ncclient, not netsync's client),
 * so a transaction that says `complete` while the devices are unchanged cannot pass. netconfd turns a commit
 * right after <validate> into a silent no-op; this is where netsync's workaround and its read-back meet it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { runTransaction } from '../../../src/commit/engine.ts';
import type { DeviceLocks } from '../../../src/commit/ports.ts';
import type { DeviceTarget, LoadMode, SessionFactory } from '../../../src/commit/session.ts';
import { createSessionFactory } from '../../../src/drivers/sessionFactory.ts';
import type { NetconfdPeers } from '../../peers/netconfdPeers.ts';
import { netconfdAvailable, startNetconfd } from '../../peers/netconfdPeers.ts';

const run = promisify(execFile);
// Debian's interpreter: python3-ncclient is installed for it, not for any other python on PATH.
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'scripts', 'ncclient_get_running.py');

const NS = 'urn:example:config';
const whole = (hostname: string, description: string) =>
  `<system xmlns="${NS}"><hostname>${hostname}</hostname><interface><name>eth0</name><description>${description}</description><vlan>10</vlan></interface></system>`;
/** Only the hostname and eth0's description: everything else on the device stays. */
const partial = (hostname: string, description: string) =>
  `<system xmlns="${NS}"><hostname>${hostname}</hostname><interface><name>eth0</name><description>${description}</description></interface></system>`;

const memoryLocks = (): DeviceLocks => {
  const held = new Map<string, string>();
  return {
    tryLockDevice: async (h, o) => (held.has(h) && held.get(h) !== o ? false : (held.set(h, o), true)),
    unlockDevice: async (h) => void held.delete(h),
    lockHolder: async (h) => held.get(h),
  };
};

describe('verified commits against real netconfd (read back independently with ncclient)', function () {
  this.timeout(120_000);
  let peers: NetconfdPeers;
  let factory: SessionFactory;
  let targets: DeviceTarget[];

  before(async function () {
    if (!netconfdAvailable()) this.skip();
    peers = await startNetconfd(2);
    factory = createSessionFactory({
      credentials: { username: peers.username, privateKey: peers.privateKey },
      timeouts: { rpcMs: 10_000, connectMs: 10_000, helloMs: 10_000 },
    });
    targets = peers.ports.map((port, i) => ({
      hostname: `ncv-${i}`,
      host: '127.0.0.1',
      port,
      platform: 'netconf',
      transport: 'netconf',
      hostKeyFingerprint: null,
    }));
  });
  after(async () => {
    await peers?.stop();
  });

  /** Running config of every device as ncclient reads it: hostname, and eth0's description and vlan. */
  async function readIndependently(): Promise<{ hostname?: string; description?: string; vlan?: string; interfaces: number }[]> {
    const { stdout } = await run(PYTHON, [SCRIPT, peers.username, join(peers.dir, 'client_ed25519'), ...peers.ports.map(String)], { timeout: 60_000 });
    const byPort = JSON.parse(stdout) as Record<string, string>;
    return peers.ports.map((port) => {
      const xml = byPort[String(port)]!;
      const eth0 = /<interface>\s*<name>eth0<\/name>([\s\S]*?)<\/interface>/.exec(xml)?.[1] ?? '';
      return {
        hostname: /<hostname>([^<]*)<\/hostname>/.exec(xml)?.[1],
        description: /<description>([^<]*)<\/description>/.exec(eth0)?.[1],
        vlan: /<vlan>([^<]*)<\/vlan>/.exec(eth0)?.[1],
        interfaces: (xml.match(/<interface>/g) ?? []).length,
      };
    });
  }

  async function commit(id: string, mode: LoadMode, validate: boolean, config: (hostname: string, description: string) => string, tag: string) {
    const items = targets.map((target, i) => ({ target, config: config(`h${tag}${i}`, `d-${tag}-${i}`) }));
    const outcome = await runTransaction({ id, items, flags: { mode, validate } }, { sessions: factory, locks: memoryLocks() });
    expect(outcome.status, JSON.stringify(outcome.errors)).to.equal('complete');
    expect(outcome['node-results'].map((n) => n.phase)).to.deep.equal(['verify-confirmed', 'verify-confirmed']);
    return readIndependently();
  }

  it('replace, with validate: the devices run the new config', async () => {
    const read = await commit('ncv-r-v', 'replace', true, whole, 'rv');
    expect(read).to.deep.equal([0, 1].map((i) => ({ hostname: `hrv${i}`, description: `d-rv-${i}`, vlan: '10', interfaces: 1 })));
  });

  it('merge, with validate (the netconfd quirk): the devices run the new hostname and description, the rest kept', async () => {
    // An interface the merges below do not mention, put there by a replace: it must survive them.
    const twoInterfaces = (h: string, d: string) => whole(h, d).replace('</system>', `<interface><name>eth1</name><vlan>11</vlan></interface></system>`);
    await commit('ncv-setup', 'replace', false, twoInterfaces, 'base');
    const read = await commit('ncv-m-v', 'merge', true, partial, 'mv');
    expect(read).to.deep.equal([0, 1].map((i) => ({ hostname: `hmv${i}`, description: `d-mv-${i}`, vlan: '10', interfaces: 2 })));
  });

  it('merge, without validate', async () => {
    const read = await commit('ncv-m-n', 'merge', false, partial, 'mn');
    expect(read).to.deep.equal([0, 1].map((i) => ({ hostname: `hmn${i}`, description: `d-mn-${i}`, vlan: '10', interfaces: 2 })));
  });

  it('replace, without validate', async () => {
    const read = await commit('ncv-r-n', 'replace', false, whole, 'rn');
    expect(read).to.deep.equal([0, 1].map((i) => ({ hostname: `hrn${i}`, description: `d-rn-${i}`, vlan: '10', interfaces: 1 })));
  });

  it('the same merge twice in a row (validate on): the second changes nothing and still verifies', async () => {
    await commit('ncv-m-1', 'merge', true, partial, 'same');
    const read = await commit('ncv-m-2', 'merge', true, partial, 'same');
    expect(read.map((r) => r.hostname)).to.deep.equal(['hsame0', 'hsame1']);
  });
});
