import { expect } from 'chai';
import { child, parseXmlFragment, type XmlNode } from '../../../src/deviceconfig/xmlTree.ts';
import {
  MASK,
  Renderer,
  configHash,
  maskSecrets,
  mergeSettings,
  parseSettings,
  parseTemplates,
  renderConfig,
  secretsFromEnv,
} from '../../../src/render/index.ts';
import { EXAMPLE_DEVICES, exampleFiles, exampleRepos } from '../../helpers/repoFixtures.ts';
import { renderProcesses } from '../../../src/renderhost/index.ts';

const [access1, , dist1, core1] = EXAMPLE_DEVICES as [(typeof EXAMPLE_DEVICES)[0], unknown, (typeof EXAMPLE_DEVICES)[0], (typeof EXAMPLE_DEVICES)[0]];

describe('render: settings merge', () => {
  it('merges defaults -> global -> fabric -> type -> groups -> device, lists by id/name', async () => {
    const snapshot = parseSettings(await exampleFiles('settings'));
    expect(snapshot.problems).to.deep.equal([]);
    const { settings, sources } = mergeSettings(access1, snapshot);
    expect(sources).to.deep.equal([
      'global/groups.yml',
      'global/vlans.yml',
      'access/interfaces.yml',
      'groups/campus/vlans.yml',
      'devices/eos-access-1/interfaces.yml',
    ]);
    expect(settings.vlans).to.deep.equal([
      { id: 10, name: 'users' },
      { id: 20, name: 'voice' },
      { id: 30, name: 'printers' },
    ]);
    // The device file overrides Ethernet2 field by field and keeps `enabled` from access/.
    expect(settings.interfaces).to.deep.include({ name: 'Ethernet2', description: 'phone', vlan: 20, enabled: true });
    expect(mergeSettings(core1, snapshot).sources).to.deep.equal(['global/groups.yml', 'global/vlans.yml', 'fabric/vlans.yml', 'core/interfaces.yml']);
  });

  it('orders groups by group_priority (higher wins), not by name', () => {
    const snapshot = parseSettings(
      new Map([
        ['global/groups.yml', 'groups:\n  - group: {name: zeta, group_priority: 1}\n  - group: {name: alpha, group_priority: 5}\n'],
        ['groups/alpha/x.yml', 'snmp_location: alpha'],
        ['groups/zeta/x.yml', 'snmp_location: zeta'],
      ]),
    );
    const merged = mergeSettings({ hostname: 'sw', type: 'ACCESS', groups: ['alpha', 'zeta'] }, snapshot);
    expect(merged.settings.snmp_location).to.equal('alpha');
  });
});

describe('render: validation', () => {
  const cases: [string, string, string][] = [
    ['YAML syntax', 'vlans: [', 'yaml_syntax'],
    ['schema: VLAN id out of range', 'vlans: [{id: 5000, name: x}]', 'schema'],
    ['schema: VLAN name missing', 'vlans: [{id: 5}]', 'schema'],
    ['duplicate VLAN id', 'vlans: [{id: 5, name: a}, {id: 5, name: b}]', 'duplicate_vlan'],
    ['duplicate interface', 'interfaces: [{name: Ethernet1}, {name: ethernet1}]', 'duplicate_interface'],
    ['duplicate key', 'a: 1\na: 2', 'yaml_syntax'],
    ['not a mapping', '- 1', 'not_a_mapping'],
  ];
  for (const [name, text, kind] of cases) {
    it(`reports ${name} with the file`, () => {
      const snapshot = parseSettings(new Map([['global/x.yml', text]]));
      expect(snapshot.problems[0]).to.include({ path: 'global/x.yml', kind });
    });
  }

  it('renderDevice refuses invalid settings with SETTINGS_INVALID', async () => {
    const repos = (await exampleRepos()).change('settings', 's1', { 'access/bad.yml': 'vlans: [{id: 1, name: a}, {id: 1, name: b}]' });
    const err = await new Renderer(repos, { executor: renderProcesses() }).renderDevice(access1).catch((e: unknown) => e);
    expect(err).to.have.property('code', 'SETTINGS_INVALID');
  });
});

describe('render: device configs', () => {
  it('renders EOS CLI for eos devices', async () => {
    const out = await new Renderer(await exampleRepos(), { executor: renderProcesses() }).renderDevice(access1);
    expect(out.config).to.equal(
      [
        'hostname eos-access-1',
        'vlan 10',
        '   name users',
        'vlan 20',
        '   name voice',
        'vlan 30',
        '   name printers',
        'interface Ethernet1',
        '   description user port',
        '   switchport access vlan 10',
        'interface Ethernet2',
        '   description phone',
        '   switchport access vlan 20',
        '',
      ].join('\n'),
    );
    expect(out.hash).to.equal(configHash(out.config));
    expect(out).to.include({ settingsCommit: 's0', templatesCommit: 't0', entrypoint: 'access.j2' });
  });

  it('renders urn:netsync:lab XML for netconf devices, escaped', async () => {
    const repos = (await exampleRepos()).change('settings', 's1', {
      'devices/nc-dist-1/x.yml': 'interfaces: [{name: ge-0/0/9, description: "R&D <lab>", vlan: 30}]',
    });
    const out = await new Renderer(repos, { executor: renderProcesses() }).renderDevice(dist1);
    const top = parseXmlFragment(out.config);
    const el = (local: string) => top.find((n) => n.local === local)!;
    const leaves = (n: XmlNode) => Object.fromEntries(n.children.map((c) => [c.local, c.text]));
    expect(leaves(el('system'))).to.deep.equal({ hostname: 'nc-dist-1' });
    expect([el('system').uri, el('interfaces').uri]).to.deep.equal(['urn:netsync:lab', 'urn:netsync:lab']);
    expect(el('interfaces').children.map(leaves)).to.deep.include({ name: 'ge-0/0/9', description: 'R&D <lab>', vlan: '30', enabled: 'true' });
    expect(el('vlans').children.map((v) => Number(child(v, 'id')!.text))).to.deep.equal([10, 20, 30, 100]);
  });

  it('same inputs give the same hash; a change gives another', async () => {
    const repos = await exampleRepos();
    const a = await new Renderer(repos, { executor: renderProcesses() }).renderDevice(core1);
    const b = await new Renderer(repos, { executor: renderProcesses() }).renderDevice(core1);
    repos.change('settings', 's1', { 'core/interfaces.yml': 'interfaces: [{name: ge-0/0/1, description: changed}]' });
    const c = await new Renderer(repos, { executor: renderProcesses() }).renderDevice(core1);
    expect(a.hash).to.equal(b.hash);
    expect(c.hash).to.not.equal(a.hash);
    expect(configHash('a  \r\n\r\nb')).to.equal(configHash('a\nb\n'));
  });

  it('fails with a stable code and reason for an unknown platform, type, or a broken template', async () => {
    const repos = await exampleRepos();
    const r = new Renderer(repos, { executor: renderProcesses() });
    const reason = async (d: object) =>
      (await r.renderDevice(d as typeof access1).catch((e: { data: { reason: string }; code: string }) => e)) as { code: string; data: { reason: string } };
    expect((await reason({ ...access1, platform: 'junos' })).data.reason).to.equal('no_platform');
    expect((await reason({ ...access1, type: 'LEAF' })).data.reason).to.equal('no_type');
    repos.change('templates', 't1', { 'eos/interfaces.j2': '{% if %}' });
    const broken = await reason(access1);
    expect(broken.code).to.equal('RENDER_FAILED');
    expect(broken.data.reason).to.equal('template_error');
  });

  it('an include loop fails at once, naming the loop (nunjucks would recurse until the stack runs out)', async () => {
    const repos = await exampleRepos();
    repos.change('templates', 't1', { 'eos/base.j2': '{% include "interfaces.j2" %}\n', 'eos/interfaces.j2': '{% include "base.j2" %}\n' });
    const err = (await new Renderer(repos, { executor: renderProcesses() }).renderDevice(access1).catch((e: unknown) => e)) as {
      code: string;
      message: string;
      data: { reason: string };
    };
    expect(err.code).to.equal('RENDER_FAILED');
    expect(err.data.reason).to.equal('include_cycle');
    expect(err.message).to.contain('eos/base.j2 -> eos/interfaces.j2 -> eos/base.j2');
  });
});

describe('render: undefined values', () => {
  const failure = async (files: Record<string, string>) => {
    const repos = await exampleRepos();
    repos.change('templates', 't1', files);
    return (await new Renderer(repos, { executor: renderProcesses() }).renderDevice(access1).catch((e: unknown) => e)) as {
      code: string;
      message: string;
      data: { reason: string };
    };
  };

  it('a misspelt variable fails the render, naming it and where it is (it would otherwise drop a config line)', async () => {
    const err = await failure({ 'eos/interfaces.j2': 'interface Ethernet1\n   description {{ vlna }}\n' });
    expect(err.code).to.equal('RENDER_FAILED');
    expect(err.data.reason).to.equal('template_error');
    expect(err.message).to.equal("eos-access-1: rendering eos/access.j2 failed: (eos/interfaces.j2) [Line 2, Column 16] undefined variable 'vlna'");
  });

  it('names the template the expression is in, not the include nunjucks blames', async () => {
    const err = await failure({ 'eos/access.j2': '{% include "base.j2" %}\nx {{ nosuch.field }}\n' });
    expect(err.message).to.match(/\(eos\/access\.j2\) \[Line 2, Column 3\] undefined variable 'nosuch\.field'$/);
  });

  it('an expression that is not a plain name is quoted whole; default() and if keep optional values working', async () => {
    const err = await failure({ 'eos/interfaces.j2': '{{- vlans[99].name -}}\n' });
    expect(err.message).to.match(/\[Line 1, Column 1\] undefined variable 'vlans\[99\]\.name'$/);
    const call = await failure({ 'eos/interfaces.j2': '{{ (nosuch or none) }}\n' });
    expect(call.message).to.match(/undefined or null value from \{\{ \(nosuch or none\) \}\}$/);
    const repos = await exampleRepos();
    repos.change('templates', 't1', { 'eos/interfaces.j2': 'a {{ nosuch | default("none") }}\n{% if nosuch %}b{% endif %}\n' });
    expect((await new Renderer(repos, { executor: renderProcesses() }).renderDevice(access1)).config).to.contain('a none\n');
  });
});

describe('render: secrets', () => {
  it('passes NETSYNC_SECRET_* as secrets.* and masks them in `masked` and in errors', async () => {
    const secrets = secretsFromEnv({ NETSYNC_SECRET_SNMP_COMMUNITY: 's3cr3t-community', PATH: '/bin' });
    expect(secrets).to.deep.equal({ snmp_community: 's3cr3t-community' });
    const templates = parseTemplates(
      new Map([
        ['eos/mapping.yml', 'ACCESS: {entrypoint: a.j2}'],
        ['eos/a.j2', 'hostname {{ hostname }}\nsnmp-server community {{ secrets.snmp_community }} ro\n'],
      ]),
    );
    const out = renderConfig(access1, { settings: parseSettings(new Map()), templates, secrets });
    expect(out.config).to.contain('s3cr3t-community');
    expect(out.masked).to.equal('hostname eos-access-1\nsnmp-server community «secret:snmp_community» ro\n');
    expect(maskSecrets('x s3cr3t-community y', secrets)).to.equal(`x ${MASK} y`);
  });

  it('masks a secret that contains another one whole, whatever order the secrets come in', () => {
    // The shorter secret first, as an operator may well define them: masking it first would leave 'wrap-' and '-tail' in clear.
    const nested = { inner: 'p4ssw0rd', outer: 'wrap-p4ssw0rd-tail' };
    const text = 'key1 wrap-p4ssw0rd-tail\nkey2 p4ssw0rd\n';
    const expected = `key1 ${MASK}\nkey2 ${MASK}\n`;
    expect(maskSecrets(text, nested)).to.equal(expected);
    expect(maskSecrets(text, ['p4ssw0rd', 'wrap-p4ssw0rd-tail'])).to.equal(expected);
    expect(maskSecrets(text, ['wrap-p4ssw0rd-tail', 'p4ssw0rd'])).to.equal(expected);
  });
});

describe('render: incremental settings parse', () => {
  it('reuses the parse of unchanged files and re-parses changed ones, problems included', async () => {
    const files = await exampleFiles('settings');
    const first = parseSettings(new Map([...files, ['core/bad.yml', 'vlans: [{id: 0, name: x}]']]));
    const next = new Map(first.files);
    next.set('access/interfaces.yml', 'interfaces: [{name: Ethernet9}]');
    const second = parseSettings(next, first);
    expect(second.docs.get('global/vlans.yml')).to.equal(first.docs.get('global/vlans.yml'));
    expect(second.docs.get('access/interfaces.yml')).to.deep.equal({ interfaces: [{ name: 'Ethernet9' }] });
    expect(second.problems.map((p) => p.path)).to.deep.equal(['core/bad.yml']);
    expect(second).to.deep.equal(parseSettings(next));
  });
});
