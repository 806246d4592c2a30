/** Every fault does what it says, on both personalities; set in-process and through the HTTP control API. */
import { expect } from 'chai';
import type { LabDevice } from '../../../src/lab/index.ts';
import { EosShellClient, RawNetconf, connect, eosExec } from '../../helpers/labClient.ts';
import { until } from '../../helpers/until.ts';
import { startTestLab, type LabFixture } from '../../helpers/labFixture.ts';

const NS = 'urn:netsync:lab';
const tag = (reply: string) => /<error-tag>([^<]+)<\/error-tag>/.exec(reply)?.[1] ?? null;
const editVlan = (id: number) =>
  `<edit-config><target><candidate/></target><config><vlans xmlns="${NS}"><vlan><id>${id}</id></vlan></vlans></config></edit-config>`;

describe('lab: faults', function () {
  let fx: LabFixture;
  let nc: LabDevice;
  let eos: LabDevice;
  let idle: LabDevice;
  const clients: Array<{ close(): void }> = [];
  const track = <T extends { close(): void }>(c: T) => (clients.push(c), c);

  before(async () => {
    fx = await startTestLab({ devices: 3, platform: 'mixed', controlPort: 0 });
    [nc, eos, idle] = fx.lab.devices as [LabDevice, LabDevice, LabDevice];
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const d of [nc, eos]) {
      d.clearFaults();
      await until(() => d.counters().activeSessions === 0, 'sessions to close');
    }
    const s = await RawNetconf.open(nc.port);
    await s.rpc('<discard-changes/>');
    s.close();
    const { stdout } = await eosExec(eos.port, ['show configuration sessions']);
    const pending = [...stdout.matchAll(/^[ *]\s+(\S+)\s+pending/gm)].map((m) => m[1]!);
    if (pending.length)
      await eosExec(
        eos.port,
        pending.map((n) => `configure session ${n} abort`),
      );
    nc.setRunningConfig(`<system xmlns="${NS}"><hostname>${nc.hostname}</hostname></system>`);
    eos.setRunningConfig(`hostname ${eos.hostname}`);
  });
  after(() => fx.stop());

  const control = async (method: string, path: string, body?: unknown, text?: string) => {
    const res = await fetch(`${fx.lab.controlUrl}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      ...(text !== undefined ? { headers: { 'content-type': 'text/plain' }, body: text } : {}),
    });
    const raw = await res.text();
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(raw) : raw };
  };

  it('unreachable closes the port (connection refused) and reopens it on the same port when cleared', async () => {
    const open = track(await RawNetconf.open(nc.port));
    nc.setFaults({ unreachable: true });
    await until(() => open.closed, 'open sessions to be dropped');
    const err = await connect(nc.port).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err?.code).to.equal('ECONNREFUSED');
    nc.clearFaults();
    await until(
      async () =>
        await connect(nc.port).then(
          (c) => (c.end(), true),
          () => false,
        ),
      'the port to reopen',
    );
  });

  it('authFailure rejects passwords and keys', async () => {
    eos.setFaults({ authFailure: true });
    for (const auth of [{ password: 'netsync' }, { privateKey: fx.lab.clientPrivateKey }]) {
      const err = await connect(eos.port, auth).then(
        () => null,
        (e: Error & { level?: string }) => e,
      );
      expect(err?.level).to.equal('client-authentication');
    }
    eos.clearFaults();
    const ok = await connect(eos.port, { privateKey: fx.lab.clientPrivateKey });
    ok.end();
  });

  it('latencyMs delays every reply', async () => {
    const s = track(await RawNetconf.open(nc.port));
    nc.setFaults({ latencyMs: 1000 });
    const t0 = Date.now();
    await s.rpc('<get/>');
    expect(Date.now() - t0).to.be.at.least(990);
    const sh = track(await EosShellClient.open(eos.port));
    eos.setFaults({ latencyMs: 1000 });
    const t2 = Date.now();
    expect(await sh.cmd('show hostname')).to.include('Hostname:');
    expect(Date.now() - t2).to.be.at.least(990);
  });

  it('holdReplies holds every reply until cleared, then sends them in order; a device without the fault answers meanwhile', async () => {
    const s = track(await RawNetconf.open(nc.port));
    const sh = track(await EosShellClient.open(eos.port));
    const ncRpcs = nc.counters().rpcs;
    nc.setFaults({ holdReplies: true });
    const answered: string[] = [];
    const first = s.rpc('<get-config><source><running/></source></get-config>').then((r) => (answered.push('get-config'), r));
    const second = s.rpc('<get/>').then((r) => (answered.push('get'), r));
    await until(() => nc.counters().rpcs > ncRpcs, 'the first RPC to reach the device');
    // Only the device with the fault holds its replies.
    expect(await sh.cmd('show hostname')).to.include(`Hostname: ${eos.hostname}`);
    expect(answered).to.deep.equal([]);
    nc.setFaults({ holdReplies: false });
    expect(await first).to.include(`<hostname>${nc.hostname}</hostname>`);
    expect(await second).to.include('<data');
    expect(answered).to.deep.equal(['get-config', 'get']);

    const eosRpcs = eos.counters().rpcs;
    eos.setFaults({ holdReplies: true });
    let shown = '';
    const held = sh.cmd('show hostname').then((out) => (shown = out));
    await until(() => eos.counters().rpcs > eosRpcs, 'the command to reach the device');
    expect(await s.rpc('<get/>')).to.include('<data');
    expect(shown).to.equal('');
    eos.clearFaults();
    expect(await held).to.include(`Hostname: ${eos.hostname}`);
  });

  it('holdRequests holds only the named requests, unprocessed, until the list no longer names them', async () => {
    const s = track(await RawNetconf.open(nc.port));
    nc.setFaults({ holdRequests: ['commit confirmed'] });
    await s.rpc('<lock><target><candidate/></target></lock>');
    await s.rpc(editVlan(7));
    const confirmed = s.rpc('<commit><confirmed/><confirm-timeout>77</confirm-timeout><persist>p1</persist></commit>');
    await until(() => nc.counters().heldRequests === 1, 'the confirmed commit to be held');
    // Held before it is applied: running is unchanged, and another session is answered meanwhile.
    const other = track(await RawNetconf.open(nc.port));
    expect(await other.rpc('<get-config><source><running/></source></get-config>')).to.not.include('<id>7</id>');
    expect(nc.counters()).to.include({ commits: 0, lastConfirmTimeoutSeconds: 0 });
    nc.setFaults({ holdRequests: ['commit persist-id'] });
    expect(await confirmed).to.include('<ok/>');
    expect(nc.counters()).to.include({ heldRequests: 0, commits: 1, lastConfirmTimeoutSeconds: 77 });
    const confirming = s.rpc('<commit><persist-id>p1</persist-id></commit>');
    await until(() => nc.counters().heldRequests === 1, 'the confirming commit to be held');
    nc.clearFaults();
    expect(await confirming).to.include('<ok/>');

    // EOS: command lines, `*` for the session name; `commit timer` is not held by a pattern for `configure session * commit`.
    const sh = track(await EosShellClient.open(eos.port));
    eos.setFaults({ holdRequests: ['configure session * commit'] });
    await sh.cmd('configure session s1');
    await sh.cmd('vlan 8');
    expect(await sh.cmd('commit timer 00:01:30')).to.equal('');
    expect(eos.counters().lastConfirmTimeoutSeconds).to.equal(90);
    await sh.cmd('end');
    const commit = sh.cmd('configure session s1 commit');
    await until(() => eos.counters().heldRequests === 1, 'the confirm to be held');
    expect(eos.counters().commits).to.equal(1);
    eos.setFaults({ holdRequests: [] });
    expect(await commit).to.equal('');
    expect(eos.counters()).to.include({ heldRequests: 0, commits: 2 });
    for (const d of [nc, eos]) d.resetCounters();
  });

  it('lockHeld: NETCONF lock-denied naming the holder session; EOS session in use naming the pending session', async () => {
    nc.setFaults({ lockHeld: true });
    eos.setFaults({ lockHeld: true });
    const s = track(await RawNetconf.open(nc.port));
    const denied = await s.rpc('<lock><target><candidate/></target></lock>');
    expect(tag(denied)).to.equal('lock-denied');
    const holder = Number(/<session-id>(\d+)<\/session-id>/.exec(denied)?.[1]);
    expect(holder).to.be.greaterThan(0).and.not.equal(s.sessionId);
    expect(tag(await s.rpc(editVlan(5)))).to.equal('in-use');
    const sh = track(await EosShellClient.open(eos.port));
    expect(await sh.cmd('configure session mine')).to.match(/^% Session is already in use: .*'netsync-lab-held'/);
    nc.clearFaults();
    expect(await s.rpc('<lock><target><candidate/></target></lock>')).to.include('<ok/>');
  });

  it('validationError fails validate and commit; running stays as it was', async () => {
    nc.setFaults({ validationError: 'vlan 5 conflicts with the voice vlan' });
    eos.setFaults({ validationError: 'vlan 5 conflicts with the voice vlan' });
    const s = track(await RawNetconf.open(nc.port));
    await s.rpc(editVlan(5));
    const v = await s.rpc('<validate><source><candidate/></source></validate>');
    expect(tag(v)).to.equal('operation-failed');
    expect(v).to.include('vlan 5 conflicts with the voice vlan');
    expect(tag(await s.rpc('<commit/>'))).to.equal('operation-failed');
    expect(nc.runningConfig()).not.to.include('<id>5</id>');
    const { stdout, code } = await eosExec(eos.port, ['configure session v1', 'vlan 5', 'commit']);
    expect(code).to.equal(1);
    expect(stdout).to.include('% Failed to commit session v1: validation failed: vlan 5 conflicts');
    expect(eos.runningConfig()).not.to.include('vlan 5');
  });

  it('commitError lets validate pass and fails the commit', async () => {
    nc.setFaults({ commitError: 'commit database locked' });
    eos.setFaults({ commitError: 'commit database locked' });
    const s = track(await RawNetconf.open(nc.port));
    await s.rpc(editVlan(6));
    expect(await s.rpc('<validate><source><candidate/></source></validate>')).to.include('<ok/>');
    const c = await s.rpc('<commit><confirmed/></commit>');
    expect(tag(c)).to.equal('operation-failed');
    expect(c).to.include('commit database locked');
    expect(nc.counters().commits).to.equal(0);
    const { stdout } = await eosExec(eos.port, ['configure session c1', 'vlan 6', 'commit timer 00:05:00']);
    expect(stdout).to.include('% Failed to commit session c1: commit database locked');
    expect(eos.runningConfig()).not.to.include('vlan 6');
  });

  it("dropAfter 'write': the candidate is written, then the connection drops before the reply", async () => {
    nc.setFaults({ dropAfter: 'write' });
    eos.setFaults({ dropAfter: 'write' });
    const s = track(await RawNetconf.open(nc.port));
    expect(await s.rpc(editVlan(7))).to.equal('');
    expect(s.closed).to.equal(true);
    nc.clearFaults();
    // The edit was applied: it sits in the (unlocked, so kept) candidate, not in running.
    const again = track(await RawNetconf.open(nc.port));
    expect(await again.rpc('<get-config><source><candidate/></source></get-config>')).to.include('<id>7</id>');
    expect(nc.runningConfig()).not.to.include('<id>7</id>');
    const sh = track(await EosShellClient.open(eos.port));
    await sh.cmd('configure session w1');
    await sh.cmd('vlan 7').catch(() => '');
    await until(() => eos.counters().activeSessions === 0, 'the EOS connection to drop');
    eos.clearFaults();
    expect((await eosExec(eos.port, ['show configuration sessions'])).stdout).to.match(/w1\s+pending/);
    expect((await eosExec(eos.port, ['configure session w1', 'show session-config diffs', 'end'])).stdout).to.include('+vlan 7');
    expect(eos.runningConfig()).not.to.include('vlan 7');
  });

  it("dropAfter 'validate': validate succeeds, then the connection drops", async () => {
    nc.setFaults({ dropAfter: 'validate' });
    eos.setFaults({ dropAfter: 'validate' });
    const s = track(await RawNetconf.open(nc.port));
    expect(await s.rpc(editVlan(8))).to.include('<ok/>');
    expect(await s.rpc('<validate><source><candidate/></source></validate>')).to.equal('');
    const sh = track(await EosShellClient.open(eos.port));
    await sh.cmd('configure session d1');
    await sh.cmd('vlan 8');
    await sh.cmd('show session-config diffs').catch(() => '');
    await until(() => eos.counters().activeSessions === 0, 'the EOS connection to drop');
  });

  it("dropAfter 'confirmed-commit': the commit is applied and pending; with persist it can be confirmed after reconnecting", async () => {
    nc.setFaults({ dropAfter: 'confirmed-commit' });
    eos.setFaults({ dropAfter: 'confirmed-commit' });
    const s = track(await RawNetconf.open(nc.port));
    await s.rpc(editVlan(9));
    expect(await s.rpc('<commit><confirmed/><persist>p9</persist></commit>')).to.equal('');
    expect(nc.runningConfig()).to.include('<id>9</id>');
    nc.clearFaults();
    const again = track(await RawNetconf.open(nc.port));
    expect(await again.rpc('<commit><persist-id>p9</persist-id></commit>')).to.include('<ok/>');
    expect(nc.runningConfig()).to.include('<id>9</id>');
    const { code } = await eosExec(eos.port, ['configure session cc', 'vlan 9', 'commit timer 00:05:00']);
    expect(code).to.equal(null); // dropped: no exit status
    expect(eos.runningConfig()).to.include('vlan 9');
    eos.clearFaults();
    expect((await eosExec(eos.port, ['show configuration sessions'])).stdout).to.match(/cc\s+pending-commit-timer/);
    expect((await eosExec(eos.port, ['configure session cc commit'])).code).to.equal(0);
  });

  it('reportedHostname: the device claims another name in facts', async () => {
    nc.setFaults({ reportedHostname: 'imposter-1' });
    eos.setFaults({ reportedHostname: 'imposter-2' });
    const s = track(await RawNetconf.open(nc.port));
    expect(await s.rpc(`<get-config><source><running/></source><filter type="subtree"><system xmlns="${NS}"/></filter></get-config>`)).to.include(
      '<hostname>imposter-1</hostname>',
    );
    const sh = track(await EosShellClient.open(eos.port));
    expect(await sh.cmd('show hostname')).to.include('Hostname: imposter-2');
    expect(nc.runningConfig()).to.include(`<hostname>${nc.hostname}</hostname>`);
  });

  it('out-of-band change: setRunningConfig shows up over the wire; invalid text changes nothing', async () => {
    nc.setRunningConfig(`<interfaces xmlns="${NS}"><interface><name>Ethernet9</name><description>changed by hand</description></interface></interfaces>`);
    const s = track(await RawNetconf.open(nc.port));
    expect(await s.rpc('<get-config><source><running/></source></get-config>')).to.include('changed by hand');
    const before = eos.runningConfig();
    expect(() => eos.setRunningConfig('hostname x\nfrobnicate\n'))
      .to.throw()
      .with.property('code', 'VALIDATION_FAILED');
    expect(eos.runningConfig()).to.equal(before);
  });

  it('a device nobody talked to shows zero sessions', () => {
    expect(idle.counters()).to.deep.equal({ sessions: 0, rpcs: 0, commits: 0, activeSessions: 0, heldRequests: 0, lastConfirmTimeoutSeconds: 0 });
  });

  describe('through the HTTP control API', () => {
    it('sets and clears faults (hostname case-insensitive), and refuses bad input with a code', async () => {
      const set = await control('PATCH', `/devices/${eos.hostname.toUpperCase()}/faults`, { lockHeld: true, latencyMs: 10 });
      expect(set.status).to.equal(200);
      expect(set.body).to.include({ lockHeld: true, latencyMs: 10 });
      const sh = track(await EosShellClient.open(eos.port));
      expect(await sh.cmd('configure session x')).to.match(/already in use/);
      expect((await control('PATCH', `/devices/${eos.hostname}/faults`, { dropAfter: 'sometime' })).body.error.code).to.equal('VALIDATION_FAILED');
      expect((await control('PATCH', `/devices/${eos.hostname}/faults`, { explode: true })).body.error.code).to.equal('UNKNOWN_FIELD');
      expect((await control('PATCH', `/devices/${eos.hostname}/faults`, { holdReplies: 'until later' })).body.error.code).to.equal('VALIDATION_FAILED');
      expect((await control('PATCH', `/devices/${eos.hostname}/faults`, { holdRequests: 'commit' })).body.error.code).to.equal('VALIDATION_FAILED');
      expect((await control('PATCH', `/devices/${eos.hostname}/faults`, { holdRequests: ['show version'] })).body).to.include({ lockHeld: true });
      expect((await control('PATCH', `/devices/${eos.hostname}/faults`, { holdReplies: true })).body).to.include({ holdReplies: true, lockHeld: true });
      expect((await control('PATCH', '/devices/nope/faults', { lockHeld: true })).status).to.equal(404);
      expect(eos.faults()).to.include({ lockHeld: true, latencyMs: 10, holdReplies: true, dropAfter: null });
      expect((await control('DELETE', `/devices/${eos.hostname}/faults`)).body).to.include({ lockHeld: false, latencyMs: 0, holdReplies: false });
      expect(await sh.cmd('configure session x')).to.equal('');
      await sh.cmd('abort');
    });

    it('reads and changes the running config out of band, and lists devices with counters', async () => {
      const put = await control('PUT', `/devices/${eos.hostname}/config`, undefined, 'hostname renamed\nvlan 99\n');
      expect(put.status).to.equal(200);
      expect((await eosExec(eos.port, ['show running-config'])).stdout).to.include('vlan 99');
      const bad = await control('PUT', `/devices/${eos.hostname}/config`, undefined, 'vlan 99999\n');
      expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
      expect((await control('GET', `/devices/${eos.hostname}/config`)).body).to.equal('hostname renamed\n!\nvlan 99\n!\nend\n');
      const list = await control('GET', '/devices');
      expect(list.body.devices).to.have.length(3);
      expect(list.body.devices[1]).to.include({ hostname: eos.hostname, platform: 'eos', port: eos.port });
      expect(list.body.devices[1].counters.sessions).to.be.greaterThan(0);
      expect((await control('POST', `/devices/${eos.hostname}/counters/reset`)).body).to.include({ sessions: 0, rpcs: 0 });
      expect((await control('GET', '/inventory')).body.devices[0]).to.include({ hostname: nc.hostname, transport: 'netconf' });
    });
  });
});
