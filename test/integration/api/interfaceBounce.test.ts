/**
 * POST /devices/{h}/interfaces/{name}/bounce against lab devices: the interface really flaps on the
 * device (its link status counter), running config ends byte-identical, the device stays synchronized
 * and `interface_bounced` is recorded; every refusal changes nothing and records nothing.
 */
import { expect } from 'chai';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { runCli } from '../../helpers/cli.ts';
import { OPERATOR_TOKEN, removeDir, startTestDaemon, tempDir } from '../../helpers/daemon.ts';
import { eosExec } from '../../helpers/labClient.ts';
import type { LabSuite } from '../commit/labConfigs.ts';
import { startLabSuite } from '../commit/labConfigs.ts';

const EOS_CONFIG = (h: string) => `hostname ${h}\n!\ninterface Ethernet1\n   description uplink\n!\ninterface Ethernet2\n   shutdown\n!\nend\n`;
const NS = 'xmlns="urn:netsync:lab"';
const NETCONF_CONFIG = (h: string) =>
  `<system ${NS}><hostname>${h}</hostname></system><interfaces ${NS}>` +
  '<interface><name>Ethernet1</name><description>uplink</description></interface>' +
  '<interface><name>Ethernet2</name><enabled>false</enabled></interface>' +
  '<interface><name>Ethernet3</name><enabled>true</enabled></interface></interfaces>';

const DEVICES = [
  { hostname: 'bn-eos-1', platform: 'eos' as const, initialConfig: EOS_CONFIG('bn-eos-1') },
  { hostname: 'bn-eos-2', platform: 'eos' as const, initialConfig: EOS_CONFIG('bn-eos-2') },
  { hostname: 'bn-nc-1', platform: 'netconf' as const, initialConfig: NETCONF_CONFIG('bn-nc-1') },
];
/** Ethernet7 is in netsync's inventory but not on any device. */
const INVENTORY_INTERFACES = ['Ethernet1', 'Ethernet2', 'Ethernet3', 'Ethernet7'].map((name) => ({ name }));

describe('interface bounce (daemon + lab)', function () {
  this.timeout(60_000);
  let suite: LabSuite;
  let t: TestDaemon;
  let dir: string;

  const lab = (h: string) => suite.lab.device(h);
  /** Running config as a session reads it over SSH. */
  async function readRunning(h: string): Promise<string> {
    const session = await suite.factory.open(suite.target(h));
    try {
      return await session.getRunningConfig();
    } finally {
      await session.close();
    }
  }
  const bounce = (h: string, name: string) => t.call('POST', `/api/v1/devices/${h}/interfaces/${name}/bounce`, {});
  const bounces = async (h: string) =>
    (await t.call('GET', `/api/v1/devices/${h}/events`)).body.events.filter((e: { cause: string }) => e.cause === 'interface_bounced');
  const device = async (h: string) => (await t.call('GET', `/api/v1/devices/${h}`)).body.device;

  /** A refusal: this status and code, and the device, its flap counters and netsync's history unchanged. */
  async function expectRefused(h: string, name: string, status: number, code: string): Promise<{ message: string }> {
    const running = lab(h).runningConfig();
    const flaps = INVENTORY_INTERFACES.map((i) => lab(h).linkStatusChanges(i.name));
    const recorded = (await bounces(h)).length;
    const synchronized = (await device(h)).synchronized;
    const res = await bounce(h, name);
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.code).to.equal(code);
    expect(lab(h).runningConfig()).to.equal(running);
    expect(INVENTORY_INTERFACES.map((i) => lab(h).linkStatusChanges(i.name))).to.deep.equal(flaps);
    expect(await bounces(h)).to.have.length(recorded);
    expect((await device(h)).synchronized).to.equal(synchronized);
    return res.body.error;
  }

  before(async () => {
    suite = await startLabSuite(DEVICES);
    dir = await tempDir('netsync-bounce-');
    t = await startTestDaemon({
      dir,
      extra: { devices: { username: suite.lab.username, password: suite.lab.password, connectTimeoutMs: 5000, rpcTimeoutMs: 5000 } },
    });
    for (const x of DEVICES) {
      const res = await t.call('POST', '/api/v1/devices', {
        hostname: x.hostname,
        managementIp: '127.0.0.1',
        port: lab(x.hostname).port,
        platform: x.platform,
        transport: x.platform === 'eos' ? 'eos-cli' : 'netconf',
        type: 'ACCESS',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect((await t.call('PUT', `/api/v1/devices/${x.hostname}/interfaces`, { interfaces: INVENTORY_INTERFACES })).status).to.equal(200);
    }
    await t.daemon.syncStatus.markSynced(
      DEVICES.map((x) => x.hostname),
      { by: 'test' },
    );
  });

  afterEach(() => {
    for (const x of DEVICES) lab(x.hostname).clearFaults();
  });

  after(async () => {
    await t?.stop();
    await suite?.stop();
    if (dir) await removeDir(dir);
  });

  it('EOS: the interface flaps once, running config is unchanged, the device stays synchronized, the bounce is recorded', async () => {
    const before = await readRunning('bn-eos-1');
    const res = await bounce('bn-eos-1', 'ethernet1');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.event).to.include({ hostname: 'bn-eos-1', cause: 'interface_bounced', by: 'api:ops', detail: 'interface Ethernet1 bounced' });
    expect(lab('bn-eos-1').linkStatusChanges('Ethernet1')).to.equal(1);
    expect(lab('bn-eos-1').linkStatusChanges('Ethernet2')).to.equal(0);
    expect(await readRunning('bn-eos-1')).to.equal(before);
    const { stdout } = await eosExec(lab('bn-eos-1').port, ['show interfaces Ethernet1']);
    expect(stdout).to.include('Ethernet1 is up').and.include('  1 link status changes since last clear');
    const d = await device('bn-eos-1');
    expect(d.synchronized).to.equal(true);
    // The session came from the daemon's factory, which pins the host key on first contact.
    expect(d.hostKeyFingerprint).to.equal(lab('bn-eos-1').hostKeyFingerprint);
    expect((await bounces('bn-eos-1')).map((e: { detail: string }) => e.detail)).to.deep.equal(['interface Ethernet1 bounced']);
    expect((await t.call('GET', '/api/v1/devices/bn-eos-1/events?open=true')).body.events).to.deep.equal([]);
    // A device write like any other: journaled, so a restart during it would be recovered.
    const runs = (await t.daemon.writes.journal.list()).filter((r) => r.kind === 'bounce');
    expect(runs).to.have.length(1);
    expect(runs[0]).to.deep.include({
      status: 'ended',
      detail: 'interface Ethernet1',
      devices: [{ hostname: 'bn-eos-1', phase: 'bounce', outcome: 'complete' }],
    });
  });

  it('NETCONF: enabled absent and enabled=true both come back exactly; each interface flaps once', async () => {
    const before = await readRunning('bn-nc-1');
    expect((await bounce('bn-nc-1', 'Ethernet1')).status).to.equal(200);
    expect((await bounce('bn-nc-1', 'Ethernet3')).status).to.equal(200);
    expect(['Ethernet1', 'Ethernet2', 'Ethernet3'].map((n) => lab('bn-nc-1').linkStatusChanges(n))).to.deep.equal([1, 0, 1]);
    expect(await readRunning('bn-nc-1')).to.equal(before);
    expect(lab('bn-nc-1').runningConfig()).to.include('<name>Ethernet3</name>\n    <enabled>true</enabled>');
    expect((await device('bn-nc-1')).synchronized).to.equal(true);
    expect((await bounces('bn-nc-1')).map((e: { detail: string }) => e.detail)).to.deep.equal(['interface Ethernet1 bounced', 'interface Ethernet3 bounced']);
    // Lock released, candidate clean: a transaction can lock the device right after.
    const session = await suite.factory.open(suite.target('bn-nc-1'));
    try {
      await session.lock();
    } finally {
      await session.close();
    }
  });

  it('refuses an interface netsync does not know (404) without contacting the device', async () => {
    const sessions = lab('bn-eos-1').counters().sessions;
    const err = await expectRefused('bn-eos-1', 'Ethernet9', 404, 'NOT_FOUND');
    expect(err.message).to.include("bn-eos-1 has no interface 'Ethernet9' in netsync's inventory (it has Ethernet1, Ethernet2, Ethernet3, Ethernet7)");
    expect(lab('bn-eos-1').counters().sessions).to.equal(sessions);
  });

  it('refuses an interface the device does not have (404), on both drivers', async () => {
    for (const h of ['bn-eos-1', 'bn-nc-1']) {
      const err = await expectRefused(h, 'Ethernet7', 404, 'NOT_FOUND');
      expect(err.message).to.include(`${h}: interface Ethernet7 is not in the device's running config`);
    }
  });

  it('refuses an administratively down interface (409, nothing to bounce), on both drivers', async () => {
    for (const h of ['bn-eos-1', 'bn-nc-1']) {
      const err = await expectRefused(h, 'Ethernet2', 409, 'CONFLICT');
      expect(err.message).to.include('administratively down').and.include('nothing to bounce');
    }
  });

  it('refuses an UNMANAGED device (409) without contacting it', async () => {
    expect((await t.call('PATCH', '/api/v1/devices/bn-eos-2', { state: 'UNMANAGED' })).status).to.equal(200);
    const sessions = lab('bn-eos-2').counters().sessions;
    const err = await expectRefused('bn-eos-2', 'Ethernet1', 409, 'CONFLICT');
    expect(err.message).to.include('UNMANAGED');
    expect(lab('bn-eos-2').counters().sessions).to.equal(sessions);
  });

  it('an unreachable device is 502 DEVICE_UNREACHABLE and records nothing', async () => {
    for (const h of ['bn-eos-1', 'bn-nc-1']) {
      lab(h).setFaults({ unreachable: true });
      const err = await expectRefused(h, 'Ethernet1', 502, 'DEVICE_UNREACHABLE');
      expect(err.message).to.include(h);
    }
  });

  it('a device a transaction is configuring is 409 LOCKED naming the holder, and is not contacted', async () => {
    const sessions = lab('bn-nc-1').counters().sessions;
    expect(await t.daemon.store.tryLockDevice('bn-nc-1', 'tx-holding')).to.equal(true);
    try {
      const err = await expectRefused('bn-nc-1', 'Ethernet1', 409, 'LOCKED');
      expect(err.message).to.include('tx-holding');
    } finally {
      await t.daemon.store.unlockDevice('bn-nc-1', 'tx-holding');
    }
    expect(lab('bn-nc-1').counters().sessions).to.equal(sessions);
    // The bounce's own lock is released whatever happened: a transaction gets it now.
    expect(await t.daemon.store.tryLockDevice('bn-nc-1', 'tx-next')).to.equal(true);
    await t.daemon.store.unlockDevice('bn-nc-1', 'tx-next');
  });

  it('netsync devices bounce: exit 0 and the flap on the device; a refusal exits 2 with the reason', async () => {
    const env = { NETSYNC_URL: t.url, NETSYNC_TOKEN: OPERATOR_TOKEN };
    const flaps = lab('bn-nc-1').linkStatusChanges('Ethernet1');
    const ok = await runCli(['devices', 'bounce', 'bn-nc-1', 'Ethernet1'], env);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.equal('bn-nc-1: interface Ethernet1 bounced\n');
    expect(lab('bn-nc-1').linkStatusChanges('Ethernet1')).to.equal(flaps + 1);
    const refused = await runCli(['devices', 'bounce', 'bn-nc-1', 'Ethernet2'], env);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include('administratively down');
  });
});
