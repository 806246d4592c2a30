/** The lab config model: canonical text for both platforms, and the validation a device applies. */
import { expect } from 'chai';
import { canonicalConfig } from '../../../src/deviceconfig/canonicalConfig.ts';
import { applyEdit } from '../../../src/deviceconfig/netconfConfig.ts';
import { emptyConfig } from '../../../src/deviceconfig/configModel.ts';
import { parseXmlFragment } from '../../../src/deviceconfig/xmlTree.ts';
import { RpcError } from '../../../src/deviceconfig/netconfError.ts';

const NS = 'urn:netsync:lab';

describe('lab config model: canonicalConfig', () => {
  describe('netconf', () => {
    it('gives equal configs equal text whatever the element and entry order, with or without a <config> wrapper', () => {
      const a = `<vlans xmlns="${NS}"><vlan><name>b</name><id>20</id></vlan><vlan><id>3</id></vlan></vlans>
        <interfaces xmlns="${NS}"><interface><vlan>3</vlan><name>Ethernet10</name></interface><interface><name>Ethernet2</name><enabled>false</enabled></interface></interfaces>
        <system xmlns="${NS}"><hostname>sw1</hostname></system>`;
      const b = `<?xml version="1.0"?><config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><system xmlns="${NS}"><hostname>sw1</hostname></system>
        <interfaces xmlns="${NS}"><interface><name>Ethernet2</name><enabled>false</enabled></interface><interface><name>Ethernet10</name><vlan>3</vlan></interface></interfaces>
        <vlans xmlns="${NS}"><vlan><id>3</id></vlan><vlan><id>20</id><name>b</name></vlan></vlans></config>`;
      const ca = canonicalConfig('netconf', a);
      expect(ca).to.equal(canonicalConfig('netconf', b));
      expect(ca.indexOf('Ethernet2')).to.be.lessThan(ca.indexOf('Ethernet10'));
      expect(canonicalConfig('netconf', ca)).to.equal(ca);
    });

    it('escapes text and keeps an empty config empty', () => {
      expect(
        canonicalConfig(
          'netconf',
          `<interfaces xmlns="${NS}"><interface><name>Et1</name><description>a &amp; b &lt;c&gt;</description></interface></interfaces>`,
        ),
      ).to.include('<description>a &amp; b &lt;c&gt;</description>');
      expect(canonicalConfig('netconf', '')).to.equal('');
    });

    for (const [what, xml] of [
      ['an out-of-range vlan', `<vlans xmlns="${NS}"><vlan><id>4095</id></vlan></vlans>`],
      ['a non-numeric access vlan', `<interfaces xmlns="${NS}"><interface><name>Et1</name><vlan>ten</vlan></interface></interfaces>`],
      ['a missing interface name', `<interfaces xmlns="${NS}"><interface><description>x</description></interface></interfaces>`],
      ['a duplicate vlan id', `<vlans xmlns="${NS}"><vlan><id>5</id></vlan><vlan><id>5</id></vlan></vlans>`],
      ['an unknown element', `<routing xmlns="${NS}"/>`],
      ['a foreign namespace', '<system xmlns="urn:example"><hostname>x</hostname></system>'],
      ['malformed XML', `<system xmlns="${NS}"><hostname>x</system>`],
    ] as const) {
      it(`refuses ${what} with VALIDATION_FAILED`, () => {
        expect(() => canonicalConfig('netconf', xml))
          .to.throw()
          .with.property('code', 'VALIDATION_FAILED');
      });
    }
  });

  describe('eos', () => {
    it('normalizes order, interface abbreviations and indentation', () => {
      const messy = 'interface et10\n description up\nvlan 20\n name b\ninterface Eth2\n switchport access vlan 20\n shutdown\nhostname sw1\n';
      const tidy =
        'hostname sw1\n!\nvlan 20\n   name b\n!\ninterface Ethernet2\n   shutdown\n   switchport access vlan 20\n!\ninterface Ethernet10\n   description up\n!\nend\n';
      expect(canonicalConfig('eos', messy)).to.equal(tidy);
      expect(canonicalConfig('eos', tidy)).to.equal(tidy);
    });

    it('applies no-forms and keeps description spacing', () => {
      const text = 'interface Ethernet1\n   description  two  spaces\n   shutdown\n   no shutdown\nvlan 9\nno vlan 9\n';
      expect(canonicalConfig('eos', text)).to.equal('interface Ethernet1\n   description two  spaces\n!\nend\n');
    });

    for (const [what, text] of [
      ['an unknown command', 'hostname sw1\nspanning-tree mode mstp\n'],
      ['an out-of-range vlan', 'vlan 0\n'],
      ['an unknown interface type', 'interface Serial0\n'],
      ['a bad access vlan', 'interface Ethernet1\n   switchport access vlan 5000\n'],
    ] as const) {
      it(`refuses ${what} with VALIDATION_FAILED naming the line`, () => {
        expect(() => canonicalConfig('eos', text))
          .to.throw(/% Invalid input/)
          .with.property('code', 'VALIDATION_FAILED');
      });
    }
  });
});

describe('lab config model: edit-config operations', () => {
  const edit = (base: ReturnType<typeof emptyConfig>, xml: string, op: 'merge' | 'replace' | 'none' = 'merge') => applyEdit(base, parseXmlFragment(xml), op);
  const nc = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"';

  it('merge adds to what is there; replace on an entry drops its other leaves', () => {
    let cfg = edit(emptyConfig(), `<interfaces xmlns="${NS}"><interface><name>Et1</name><description>d</description><vlan>5</vlan></interface></interfaces>`);
    cfg = edit(cfg, `<interfaces xmlns="${NS}"><interface><name>Et1</name><vlan>6</vlan></interface></interfaces>`);
    expect(cfg.interfaces.get('Et1')).to.deep.equal({ name: 'Et1', description: 'd', vlan: 6 });
    cfg = edit(cfg, `<interfaces xmlns="${NS}" ${nc}><interface nc:operation="replace"><name>Et1</name><vlan>7</vlan></interface></interfaces>`);
    expect(cfg.interfaces.get('Et1')).to.deep.equal({ name: 'Et1', vlan: 7 });
  });

  it('default-operation none changes only elements with an explicit operation', () => {
    const base = edit(emptyConfig(), `<system xmlns="${NS}"><hostname>a</hostname></system><vlans xmlns="${NS}"><vlan><id>1</id><name>x</name></vlan></vlans>`);
    const cfg = edit(
      base,
      `<system xmlns="${NS}"><hostname>b</hostname></system><vlans xmlns="${NS}" ${nc}><vlan><id>1</id><name nc:operation="delete"/></vlan></vlans>`,
      'none',
    );
    expect(cfg.hostname).to.equal('a');
    expect(cfg.vlans.get(1)).to.deep.equal({ id: 1 });
  });

  it('an error leaves the base untouched and reports tag and path', () => {
    const base = edit(emptyConfig(), `<vlans xmlns="${NS}"><vlan><id>1</id></vlan></vlans>`);
    let err: unknown;
    try {
      edit(base, `<vlans xmlns="${NS}"><vlan><id>2</id></vlan><vlan><id>9999</id></vlan></vlans>`);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(RpcError);
    expect(err).to.include({ tag: 'invalid-value' });
    expect([...base.vlans.keys()]).to.deep.equal([1]);
  });
});
