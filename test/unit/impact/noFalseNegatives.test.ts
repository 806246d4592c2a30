/**
 * A corpus of pushes over templates that use every form of include (concatenated names, inline ifs, variable
 * names resolved from the repo root, `ignore missing`, commented-out and raw includes), checked against the
 * ground truth: every device rendered in full at both commits, with no help from the file rules or the
 * include graph. Impact must never miss a device, in precise mode or in path mode.
 */
import { expect } from 'chai';
import { ImpactService, parseSettingsRules } from '../../../src/impact/index.ts';
import type { RepoKind } from '../../../src/render/index.ts';
import { Renderer } from '../../../src/render/index.ts';
import { DEFAULT_RULES, MemoryRepos } from '../../helpers/repoFixtures.ts';
import { renderProcesses } from '../../../src/renderhost/index.ts';

const ACL = ['staff', 'guest', 'corp'];
const BANNERS = ['shared/banner_corp.j2', 'banner_lab.j2'];
const PARTS = ['vlans', 'ntp'];

const DEVICES = Array.from({ length: 36 }, (_, i) => {
  const platform = i % 3 === 2 ? 'netconf' : 'eos';
  const type = platform === 'netconf' ? (i % 2 === 0 ? 'DIST' : 'CORE') : 'ACCESS';
  return { hostname: `${platform}-${i}`, type, platform, groups: i % 4 === 0 ? ['campus'] : [] };
});

function settingsFiles(): Map<string, string> {
  const files = new Map<string, string>([
    ['global/base.yml', 'domain: example.net\nvlans:\n  - { id: 10, name: users }\n'],
    ['groups/campus/ntp.yml', 'ntp_server: 192.0.2.1\n'],
    ['docs/examples/list.yml', '- not settings\n- a list\n'],
  ]);
  DEVICES.forEach((d, i) =>
    files.set(
      `devices/${d.hostname}/profile.yml`,
      `acl_profile: ${ACL[i % 3]}\nvoice_vlan: ${i % 2 === 0}\nbanner_template: ${BANNERS[i % 2]}\npart: ${PARTS[i % 2]}\n`,
    ),
  );
  return files;
}

const TEMPLATES = new Map<string, string>([
  ['eos/mapping.yml', 'ACCESS: {entrypoint: access.j2, dependencies: [base.j2]}\n'],
  ['eos/base.j2', 'hostname {{ hostname }}\nip domain-name {{ domain }}\n'],
  [
    'eos/access.j2',
    [
      '{% include "base.j2" %}',
      '{# {% include "commented.j2" %} #}',
      '{% raw %}{% include "raw.j2" %}{% endraw %}',
      '{% include "acl/" ~ acl_profile ~ ".j2" %}',
      '{% include "qos/voice.j2" if voice_vlan else "qos/default.j2" %}',
      '{% include banner_template %}',
      '{% include "optional.j2" ignore missing %}',
      '{% from "macros/" + "std.j2" import iface %}{{ iface("Ethernet1") }}',
      '',
    ].join('\n'),
  ],
  ['eos/acl/staff.j2', 'ip access-list staff\n'],
  ['eos/acl/guest.j2', 'ip access-list guest\n'],
  ['acl/corp.j2', 'ip access-list corp\n'],
  ['eos/qos/voice.j2', 'qos voice\n'],
  ['eos/qos/default.j2', 'qos default\n'],
  ['shared/banner_corp.j2', 'banner corp\n'],
  ['eos/banner_lab.j2', 'banner lab\n'],
  ['eos/macros/std.j2', '{% macro iface(n) %}interface {{ n }}\n{% endmacro %}'],
  ['eos/commented.j2', 'never used\n'],
  ['eos/raw.j2', 'never used either\n'],
  ['netconf/mapping.yml', 'DIST: {entrypoint: device.xml.j2}\nCORE: {entrypoint: device.xml.j2}\n'],
  [
    'netconf/device.xml.j2',
    '<config>{% include "parts/" ~ part ~ ".xml.j2" %}{% include "shared/banner_corp.j2" if ntp_server else "parts/none.xml.j2" %}</config>\n',
  ],
  ['netconf/parts/vlans.xml.j2', '<vlans/>'],
  ['netconf/parts/ntp.xml.j2', '<ntp/>'],
  ['netconf/parts/none.xml.j2', '<none/>'],
]);

type Push = [RepoKind, Record<string, string | undefined>];
const PUSHES: Push[] = [
  ['templates', { 'eos/acl/staff.j2': 'ip access-list staff-v2\n' }],
  ['templates', { 'acl/corp.j2': 'ip access-list corp-v2\n' }],
  ['templates', { 'eos/acl/new.j2': 'ip access-list new\n' }],
  ['templates', { 'eos/qos/default.j2': 'qos default-v2\n' }],
  ['templates', { 'eos/qos/voice.j2': 'qos voice-v2\n' }],
  ['templates', { 'shared/banner_corp.j2': 'banner corp v2\n' }],
  ['templates', { 'eos/banner_lab.j2': 'banner lab v2\n' }],
  ['templates', { 'eos/optional.j2': 'optional appears\n' }],
  ['templates', { 'eos/optional.j2': undefined }],
  ['templates', { 'eos/macros/std.j2': '{% macro iface(n) %}interface {{ n }}\n shutdown\n{% endmacro %}' }],
  ['templates', { 'eos/commented.j2': 'still never used\n', 'eos/raw.j2': 'nor this\n' }],
  ['templates', { 'netconf/parts/ntp.xml.j2': '<ntp><server/></ntp>' }],
  ['templates', { 'netconf/parts/none.xml.j2': '<none2/>' }],
  ['templates', { 'eos/banner_lab.j2': undefined, 'banner_lab.j2': 'banner lab at the root\n' }],
  ['settings', { 'devices/eos-0/profile.yml': 'acl_profile: guest\nvoice_vlan: true\nbanner_template: shared/banner_corp.j2\npart: vlans\n' }],
  ['settings', { 'groups/campus/ntp.yml': 'ntp_server: 192.0.2.2\n' }],
  ['settings', { 'global/base.yml': 'domain: example.org\n' }],
  ['settings', { 'docs/examples/other.yml': '- still not settings\n' }],
];

describe('impact: no false negatives over a corpus of include forms', () => {
  it(`${PUSHES.length} pushes: every device whose full render changes is found, in precise and in path mode`, async () => {
    const repos = new MemoryRepos().commit('settings', 's0', settingsFiles()).commit('templates', 't0', TEMPLATES);
    const renderer = new Renderer(repos, { executor: renderProcesses() });
    const impact = new ImpactService(repos, renderer, parseSettingsRules(DEFAULT_RULES));
    let falsePositives = 0;
    let affected = 0;
    for (const [n, [repo, edits]] of PUSHES.entries()) {
      const before = repos.head[repo];
      const after = `${repo[0]}${n + 1}`;
      repos.change(repo, after, edits);
      const truth = await groundTruth(renderer, repo, before, after);
      affected += truth.size;
      const precise = await impact.computeImpact({ repo, before, after, devices: DEVICES });
      const path = await impact.computeImpact({ repo, before, after, devices: DEVICES, precise: false });
      const changed = new Set(precise.devices.filter((d) => d.changed).map((d) => d.hostname));
      const candidates = new Set(path.devices.map((d) => d.hostname));
      const push = `push ${n + 1} (${Object.keys(edits).join(', ')})`;
      expect(
        [...truth].filter((h) => !changed.has(h)),
        `${push}: missed in precise mode`,
      ).to.deep.equal([]);
      expect(
        [...truth].filter((h) => !candidates.has(h)),
        `${push}: missed in path mode`,
      ).to.deep.equal([]);
      expect(
        precise.devices.every((d) => !d.error),
        `${push}: no render error`,
      ).to.equal(true);
      falsePositives += [...changed].filter((h) => !truth.has(h)).length;
    }
    expect(affected, 'the corpus changes real configs').to.be.greaterThan(100);
    expect(falsePositives / (PUSHES.length * DEVICES.length), 'precise-mode false positives').to.be.at.most(0.01);
  });

  it('settings YAML that no rule can merge (a top-level list under docs/) is not judged', async () => {
    const repos = new MemoryRepos().commit('settings', 's0', settingsFiles()).commit('templates', 't0', TEMPLATES);
    const snapshot = await new Renderer(repos, { executor: renderProcesses() }).settingsAt('s0');
    expect(snapshot.problems).to.deep.equal([]);
    repos.change('settings', 's1', { 'access/list.yml': '- a list where a type folder file goes\n' });
    const bad = await new Renderer(repos, { executor: renderProcesses() }).settingsAt('s1');
    expect(bad.problems.map((p) => [p.path, p.kind])).to.deep.equal([['access/list.yml', 'not_a_mapping']]);
  });
});

/** Devices whose intended config differs between the two commits, rendering every device in full. */
async function groundTruth(renderer: Renderer, repo: RepoKind, before: string, after: string): Promise<Set<string>> {
  const [a, b] = await Promise.all([renderer.context({ [repo]: before }), renderer.context({ [repo]: after })]);
  const out = new Set<string>();
  for (const d of DEVICES) {
    if ((await outcome(() => a.render(d))) !== (await outcome(() => b.render(d)))) out.add(d.hostname);
  }
  return out;
}

async function outcome(render: () => Promise<{ config: string }>): Promise<string> {
  try {
    return `ok:${(await render()).config}`;
  } catch (err) {
    return `error:${(err as Error).message}`;
  }
}
