/** The read-back comparisons: what was sent against the running config a device shows after the commit. */
import { expect } from 'chai';
import { canonicalRunning } from '../../../src/drivers/canonicalRunning.ts';
import { cliNotApplied } from '../../../src/drivers/eos/appliedCheck.ts';
import { xmlNotApplied } from '../../../src/drivers/netconf/appliedCheck.ts';

// What netconfd 2.13 answers to <get-config> on running (whitespace, an empty <nacm/>, another prefix style).
const netconfdRunning = (hostname: string, description = 'uplink') => `
    <nacm xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-acm">
    </nacm>
    <system xmlns="urn:example:config">
      <hostname>${hostname}</hostname>
      <interface>
        <name>eth0</name>
        <description>${description}</description>
        <vlan>10</vlan>
      </interface>
      <interface>
        <name>eth1</name>
        <vlan>11</vlan>
      </interface>
    </system>`;

describe('xmlNotApplied (NETCONF read-back)', () => {
  const sentWhole =
    '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ex:system xmlns:ex="urn:example:config"><ex:interface><ex:name>eth1</ex:name><ex:vlan>11</ex:vlan></ex:interface>' +
    '<ex:hostname>a</ex:hostname><ex:interface><ex:name>eth0</ex:name><ex:vlan>10</ex:vlan><ex:description>uplink</ex:description></ex:interface></ex:system></config>';

  it('replace: the same tree in another order, prefix and indentation is applied; an extra or a changed element is not', () => {
    expect(xmlNotApplied(sentWhole, netconfdRunning('a'), 'replace')).to.equal(undefined);
    expect(xmlNotApplied(sentWhole, netconfdRunning('b'), 'replace')).to.equal("/system/hostname is 'b' on the device, sent 'a'");
    const noEth1 = sentWhole.replace(/<ex:interface><ex:name>eth1<\/ex:name><ex:vlan>11<\/ex:vlan><\/ex:interface>/, '');
    expect(xmlNotApplied(noEth1, netconfdRunning('a'), 'replace')).to.equal('/system/interface[eth1] is on the device but was not sent');
  });

  it('merge: the sent subtree must be there as sent; the rest of the device does not matter', () => {
    const sent = '<system xmlns="urn:example:config"><hostname>a</hostname><interface><name>eth0</name><description>new</description></interface></system>';
    expect(xmlNotApplied(sent, netconfdRunning('a', 'new'), 'merge')).to.equal(undefined);
    // The netconfd quirk: the commit did nothing, the old description is still there.
    expect(xmlNotApplied(sent, netconfdRunning('a', 'uplink'), 'merge')).to.equal("/system/interface[eth0]/description is 'uplink' on the device, sent 'new'");
    expect(
      xmlNotApplied('<system xmlns="urn:example:config"><interface><name>eth7</name><vlan>7</vlan></interface></system>', netconfdRunning('a'), 'merge'),
    ).to.equal('/system/interface[eth7] is missing on the device');
    expect(xmlNotApplied('<other xmlns="urn:x"><a>1</a></other>', netconfdRunning('a'), 'merge')).to.equal('/other is missing on the device');
  });

  it('merge: an element sent with operation="delete" must be gone', () => {
    const del = (name: string) =>
      `<system xmlns="urn:example:config" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><interface nc:operation="delete"><name>${name}</name></interface></system>`;
    expect(xmlNotApplied(del('eth1'), netconfdRunning('a'), 'merge')).to.equal('/system/interface[eth1] was to be deleted but is still there');
    expect(xmlNotApplied(del('eth5'), netconfdRunning('a'), 'merge')).to.equal(undefined);
  });

  it('a value is shown shortened, and unreadable XML is a difference, not a pass', () => {
    const long = 'x'.repeat(200);
    const msg = xmlNotApplied(`<system xmlns="urn:example:config"><hostname>${long}</hostname></system>`, netconfdRunning('a'), 'merge')!;
    expect(msg.length).to.be.below(120);
    expect(xmlNotApplied('<system xmlns="urn:example:config"><hostname>a</hostname></system>', '<system><unclosed>', 'merge')).to.match(
      /could not be compared/,
    );
  });

  it('the lab: canonical running config against a rendered one', () => {
    const sent = '<system xmlns="urn:netsync:lab"><hostname>lab-1</hostname></system><vlans xmlns="urn:netsync:lab"><vlan><id>10</id></vlan></vlans>';
    const running = canonicalRunning('netconf', sent);
    expect(xmlNotApplied(canonicalRunning('netconf', sent), running, 'replace')).to.equal(undefined);
    expect(xmlNotApplied(sent, running, 'merge')).to.equal(undefined);
  });
});

describe('cliNotApplied (EOS read-back)', () => {
  const running =
    'hostname sw1\n!\nvlan 10\n   name users\n!\ninterface Ethernet1\n   description uplink\n   switchport access vlan 10\n!\ninterface Ethernet2\n   shutdown\n!\nend\n';
  const canon = (t: string) => canonicalRunning('eos', t);

  it('merge: every sent line in its section, abbreviations canonicalized', () => {
    expect(cliNotApplied('interface Et1\n description uplink\n', running, 'merge', canon)).to.equal(undefined);
    expect(cliNotApplied('interface Et1\n description new\n', running, 'merge', canon)).to.equal(
      "line 'interface Ethernet1 > description new' is missing on the device",
    );
    // The same line in another section does not count.
    expect(cliNotApplied('interface Et2\n description uplink\n', running, 'merge', canon)).to.equal(
      "line 'interface Ethernet2 > description uplink' is missing on the device",
    );
    expect(cliNotApplied('hostname sw2\n', running, 'merge', canon)).to.equal("line 'hostname sw2' is missing on the device");
  });

  it('merge: a no/default line means the line is gone', () => {
    expect(cliNotApplied('interface Et2\n no shutdown\n', running, 'merge', canon)).to.equal(
      "line 'interface Ethernet2 > shutdown' was to be removed but is still on the device",
    );
    expect(cliNotApplied('interface Et1\n no shutdown\n', running, 'merge', canon)).to.equal(undefined);
    expect(cliNotApplied('no vlan 10\n', running, 'merge', canon)).to.equal("line 'vlan 10' was to be removed but is still on the device");
  });

  it('replace: the whole config, nothing more, nothing less', () => {
    expect(cliNotApplied(running, running, 'replace', canon)).to.equal(undefined);
    const without2 = running.replace('interface Ethernet2\n   shutdown\n!\n', '');
    expect(cliNotApplied(without2, running, 'replace', canon)).to.equal("line 'interface Ethernet2' is on the device but was not sent");
    // Without a canonical form (a real EOS), the texts compare line by line in their sections.
    expect(cliNotApplied('hostname sw1\ninterface Ethernet1\n  description x\n', 'hostname sw1\ninterface Ethernet1\n   description x\n', 'replace')).to.equal(
      undefined,
    );
  });
});
