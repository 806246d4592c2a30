/** How the drivers find an interface and its admin state before a bounce, and the NETCONF edits that restore it. */
import { expect } from 'chai';
import { interfaceBlock } from '../../../src/drivers/eos/eosSession.ts';
import { enabledEdit, findInterface } from '../../../src/drivers/netconf/interfaceEdit.ts';

describe('interface bounce helpers', () => {
  it('EOS: the block of one interface, matched case-insensitively, spelled as the device does', () => {
    const running = 'hostname a\n!\ninterface Ethernet1\n   description x\n   shutdown\n!\ninterface Ethernet10\n   switchport access vlan 10\n!\nend\n';
    expect(interfaceBlock(running, 'ethernet1')).to.deep.equal({ name: 'Ethernet1', lines: ['description x', 'shutdown'] });
    expect(interfaceBlock(running, 'Ethernet10')).to.deep.equal({ name: 'Ethernet10', lines: ['switchport access vlan 10'] });
    expect(interfaceBlock(running, 'Ethernet2')).to.equal(undefined);
  });

  it('NETCONF: finds the entry with its enabled leaf (absent, true, false) and the container namespace, prefixed or not', () => {
    const data =
      '<interfaces xmlns="urn:netsync:lab"><interface><name>Ethernet1</name></interface>' +
      '<interface><name>Ethernet2</name><enabled>false</enabled></interface></interfaces>';
    expect(findInterface(data, 'ethernet1')).to.deep.equal({ name: 'Ethernet1', ns: 'urn:netsync:lab', enabled: undefined });
    expect(findInterface(data, 'Ethernet2')).to.deep.include({ enabled: 'false' });
    expect(findInterface(data, 'Ethernet3')).to.equal(undefined);
    const ietf =
      '<if:interfaces xmlns:if="urn:ietf:params:xml:ns:yang:ietf-interfaces"><if:interface><if:name>ge0</if:name><if:enabled>true</if:enabled></if:interface></if:interfaces>';
    expect(findInterface(ietf, 'ge0')).to.deep.equal({ name: 'ge0', ns: 'urn:ietf:params:xml:ns:yang:ietf-interfaces', enabled: 'true' });
  });

  it('NETCONF: sets the leaf, or removes it with the base-namespace operation attribute', () => {
    const intf = { name: 'Et<1>', ns: 'urn:netsync:lab', enabled: undefined };
    expect(enabledEdit(intf, 'false')).to.equal(
      '<interfaces xmlns="urn:netsync:lab"><interface><name>Et&lt;1&gt;</name><enabled>false</enabled></interface></interfaces>',
    );
    expect(enabledEdit(intf, undefined)).to.include('<enabled xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"/>');
  });
});
