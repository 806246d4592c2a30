/** The EOS-like CLI personality driven by our own ssh2 client code: shell and exec, config sessions, commit timer. */
import { expect } from 'chai';
import type { LabDevice } from '../../../src/lab/index.ts';
import { EosShellClient, eosExec } from '../../helpers/labClient.ts';
import { until } from '../../helpers/until.ts';
import { startTestLab, type LabFixture } from '../../helpers/labFixture.ts';

describe('lab: EOS CLI personality (ssh2 client)', function () {
  let fx: LabFixture;
  let dev: LabDevice;
  const shells: EosShellClient[] = [];
  const shell = async () => {
    const s = await EosShellClient.open(dev.port);
    shells.push(s);
    return s;
  };

  before(async () => {
    fx = await startTestLab({ devices: 1, platform: 'eos', hostnamePrefix: 'eos' });
    dev = fx.lab.devices[0]!;
  });
  afterEach(async () => {
    for (const s of shells.splice(0)) s.close();
    await until(() => dev.counters().activeSessions === 0, 'sessions to close');
    dev.clearFaults();
    // Pending sessions outlive connections (as on EOS): abort whatever a test left behind.
    const { stdout } = await eosExec(dev.port, ['show configuration sessions']);
    const pending = [...stdout.matchAll(/^[ *]\s+(\S+)\s+pending/gm)].map((m) => m[1]!);
    if (pending.length)
      await eosExec(
        dev.port,
        pending.map((n) => `configure session ${n} abort`),
      );
    dev.setRunningConfig(`hostname ${dev.hostname}\n`);
  });
  after(() => fx.stop());

  it('answers show hostname and show version (text and json)', async () => {
    const { stdout, code } = await eosExec(dev.port, ['show hostname', 'show version | json']);
    expect(code).to.equal(0);
    expect(stdout).to.include(`Hostname: ${dev.hostname}`);
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).to.include({ modelName: 'vEOS-lab' });
  });

  it('configures in a session: diffs, commit, running config in canonical form', async () => {
    const sh = await shell();
    expect(await sh.cmd('configure session s1')).to.equal('');
    await sh.cmd('rollback clean-config');
    for (const line of [
      `hostname ${dev.hostname}`,
      'vlan 10',
      '   name users',
      'interface Et1',
      '   description to pc',
      '   switchport access vlan 10',
      'shutdown',
    ]) {
      expect(await sh.cmd(line)).to.equal('');
    }
    const diffs = await sh.cmd('show session-config diffs');
    expect(diffs).to.include('+++ session:/s1-session-config').and.include('+interface Ethernet1').and.include('+   switchport access vlan 10');
    expect(dev.runningConfig()).not.to.include('vlan 10');
    expect(await sh.cmd('commit')).to.equal('');
    expect(dev.runningConfig()).to.equal(
      `hostname ${dev.hostname}\n!\nvlan 10\n   name users\n!\ninterface Ethernet1\n   description to pc\n   shutdown\n   switchport access vlan 10\n!\nend\n`,
    );
    expect(await sh.cmd('show running-config')).to.equal(dev.runningConfig().trimEnd());
  });

  it('commit refuses an interface whose access vlan is not configured, naming it; the session stays pending', async () => {
    const sh = await shell();
    await sh.cmd('configure session x1');
    expect(await sh.cmd('interface Ethernet4')).to.equal('');
    expect(await sh.cmd('switchport access vlan 40')).to.equal(''); // accepted line by line, checked at commit
    expect(await sh.cmd('commit')).to.equal(
      "% Failed to commit session x1: validation failed: interface Ethernet4: access vlan 40 is not configured (add 'vlan 40')",
    );
    expect(dev.runningConfig()).not.to.include('Ethernet4');
    await sh.cmd('exit');
    expect(await sh.cmd('vlan 40')).to.equal('');
    expect(await sh.cmd('commit')).to.equal('');
    expect(dev.runningConfig()).to.include('interface Ethernet4\n   switchport access vlan 40');
  });

  it('rejects unknown commands and bad values with % Invalid input, leaving the session unchanged', async () => {
    const sh = await shell();
    expect(await sh.cmd('frobnicate')).to.match(/^% Invalid input/);
    await sh.cmd('configure session s2');
    expect(await sh.cmd('vlan 5000')).to.match(/^% Invalid input/);
    expect(await sh.cmd('interface Bogus7')).to.match(/^% Invalid input/);
    expect(await sh.cmd('show session-config diffs')).to.equal('');
    await sh.cmd('abort');
    const { code } = await eosExec(dev.port, ['show hostname', 'nonsense']);
    expect(code).to.equal(1);
  });

  it('abort throws the session away', async () => {
    const sh = await shell();
    await sh.cmd('configure session s3');
    await sh.cmd('vlan 30');
    expect(await sh.cmd('abort')).to.equal('');
    expect(await sh.cmd('show configuration sessions')).not.to.include('s3');
    expect(dev.runningConfig()).not.to.include('vlan 30');
  });

  it('commit timer reverts unless confirmed', async () => {
    const sh = await shell();
    await sh.cmd('configure session t1');
    await sh.cmd('vlan 40');
    expect(await sh.cmd('commit timer 00:00:01')).to.equal('');
    expect(dev.runningConfig()).to.include('vlan 40');
    expect(await sh.cmd('show configuration sessions')).to.match(/t1\s+pending-commit-timer/);
    await until(() => !dev.runningConfig().includes('vlan 40'), 'the commit timer to revert', 20_000);
  });

  it('commit timer is confirmed with configure session NAME commit, from another connection', async () => {
    const sh = await shell();
    await sh.cmd('configure session t2');
    await sh.cmd('vlan 41');
    await sh.cmd('commit timer 00:00:01');
    sh.close();
    const { code } = await eosExec(dev.port, ['configure session t2 commit']);
    expect(code).to.equal(0);
    // Past the timer: the change must stay. Ordered, not hoped: the lab's 1 s timer was armed earlier in this
    // process, and Node runs due timers in expiry order, so it has run (and reverted, if it was left armed) first.
    await new Promise((r) => setTimeout(r, 1300));
    expect(dev.runningConfig()).to.include('vlan 41');
  });

  it('a pending session of another user makes a new session fail, naming the pending one', async () => {
    const a = await shell();
    await a.cmd('configure session alice');
    await a.cmd('vlan 50');
    await a.cmd('end'); // leaves the session pending
    const b = await shell();
    expect(await b.cmd('configure session bob')).to.match(/^% Session is already in use: .*'alice'/);
    expect(await b.cmd('show configuration sessions')).to.match(/alice\s+pending/);
    // Entering the pending session by name is allowed (that is how someone cleans up).
    expect(await b.cmd('configure session alice')).to.equal('');
    expect(await b.cmd('abort')).to.equal('');
    expect(await b.cmd('configure session bob')).to.equal('');
  });

  it('configure (without a session) changes running line by line', async () => {
    const { code } = await eosExec(dev.port, ['configure', 'vlan 60', 'name direct', 'end']);
    expect(code).to.equal(0);
    expect(dev.runningConfig()).to.include('vlan 60\n   name direct\n');
  });

  it('counts sessions, commands and commits', async () => {
    dev.resetCounters();
    await eosExec(dev.port, ['configure session c1', 'vlan 70', 'commit']);
    expect(dev.counters()).to.include({ sessions: 1, rpcs: 3, commits: 1 });
  });

  it('counts link flaps (shut then no shut) per interface and shows them in show interfaces', async () => {
    await eosExec(dev.port, ['configure', 'interface Ethernet1', 'description uplink', 'interface Ethernet2', 'end']);
    const before = dev.linkStatusChanges('Ethernet1');
    await eosExec(dev.port, ['configure', 'interface Ethernet1', 'shutdown', 'end']);
    const down = (await eosExec(dev.port, ['show interfaces Ethernet1'])).stdout;
    expect(down).to.include('Ethernet1 is administratively down, line protocol is down (disabled)');
    expect(dev.linkStatusChanges('Ethernet1')).to.equal(before);
    await eosExec(dev.port, ['configure', 'interface Ethernet1', 'no shutdown', 'end']);
    expect(dev.linkStatusChanges('Ethernet1')).to.equal(before + 1);
    expect(dev.linkStatusChanges('Ethernet2')).to.equal(0);
    const { stdout } = await eosExec(dev.port, ['show interfaces Et1', 'show interfaces Ethernet9']);
    expect(stdout).to.include('Ethernet1 is up, line protocol is up (connected)').and.include('  Description: uplink');
    expect(stdout).to.include(`  ${before + 1} link status changes since last clear`);
    expect(stdout).to.include('% Interface Ethernet9 does not exist');
  });
});
