/** The default rules of docs/design/architecture.md §4, table-driven: each changed path -> exactly the devices it selects. */
import { expect } from 'chai';
import { buildTemplateIndex, globUses, parseSettingsRules, resolveCandidates } from '../../../src/impact/index.ts';
import { parseTemplates } from '../../../src/render/index.ts';
import { DEFAULT_RULES, EXAMPLE_DEVICES, exampleFiles } from '../../helpers/repoFixtures.ts';

const ALL = ['eos-access-1', 'eos-access-2', 'nc-core-1', 'nc-dist-1'];

const settingsCases: { name: string; paths: string[]; expected: string[] }[] = [
  { name: 'global', paths: ['global/vlans.yml'], expected: ALL },
  { name: 'fabric (DIST + CORE)', paths: ['fabric/vlans.yml'], expected: ['nc-core-1', 'nc-dist-1'] },
  { name: 'type access', paths: ['access/interfaces.yml'], expected: ['eos-access-1', 'eos-access-2'] },
  { name: 'type dist', paths: ['dist/interfaces.yml'], expected: ['nc-dist-1'] },
  { name: 'type core', paths: ['core/interfaces.yml'], expected: ['nc-core-1'] },
  { name: 'type folder in upper case', paths: ['ACCESS/x.yml'], expected: ['eos-access-1', 'eos-access-2'] },
  { name: 'group', paths: ['groups/campus/vlans.yml'], expected: ['eos-access-1', 'eos-access-2', 'nc-dist-1'] },
  { name: 'unknown group', paths: ['groups/lab/vlans.yml'], expected: [] },
  { name: 'device', paths: ['devices/eos-access-1/interfaces.yml'], expected: ['eos-access-1'] },
  { name: 'device, other spelling', paths: ['devices/NC-CORE-1/x.yml'], expected: ['nc-core-1'] },
  { name: 'unrelated file', paths: ['README.md'], expected: [] },
  { name: 'several at once', paths: ['core/interfaces.yml', 'devices/eos-access-2/a.yml', 'README.md'], expected: ['eos-access-2', 'nc-core-1'] },
];

const templateCases: { name: string; paths: string[]; expected: string[]; via?: string }[] = [
  { name: 'template entrypoint', paths: ['eos/access.j2'], expected: ['eos-access-1', 'eos-access-2'], via: 'entrypoint' },
  { name: 'declared dependency', paths: ['eos/base.j2'], expected: ['eos-access-1', 'eos-access-2'], via: 'dependency' },
  { name: 'undeclared include', paths: ['eos/interfaces.j2'], expected: ['eos-access-1', 'eos-access-2'], via: 'include' },
  { name: 'glob dependency', paths: ['netconf/parts/vlans.xml.j2'], expected: ['nc-core-1', 'nc-dist-1'], via: 'dependency' },
  { name: 'new file matching a glob dependency', paths: ['netconf/parts/new.xml.j2'], expected: ['nc-core-1', 'nc-dist-1'], via: 'dependency' },
  { name: 'platform mapping.yml', paths: ['netconf/mapping.yml'], expected: ['nc-core-1', 'nc-dist-1'], via: 'mapping' },
  { name: 'unrelated file', paths: ['README.md', 'eos/unused.j2'], expected: [] },
  { name: 'several at once', paths: ['eos/base.j2', 'netconf/device.xml.j2'], expected: ALL },
];

describe('impact: default settings rules (mapping/settings.yml)', () => {
  const rules = parseSettingsRules(DEFAULT_RULES);
  for (const c of settingsCases) {
    it(`${c.name}: ${c.paths.join(', ')} -> ${c.expected.join(', ') || 'nobody'}`, () => {
      const { candidates, unmatchedPaths } = resolveCandidates({ repo: 'settings', changedPaths: c.paths, devices: EXAMPLE_DEVICES, rules });
      expect(candidates.map((x) => x.device.hostname).sort()).to.deep.equal(c.expected);
      for (const x of candidates) expect(x.reasons.length).to.be.greaterThan(0);
      if (c.paths.includes('README.md')) expect(unmatchedPaths).to.include('README.md');
    });
  }

  it('names the rule and path that selected each device', () => {
    const { candidates } = resolveCandidates({ repo: 'settings', changedPaths: ['groups/campus/vlans.yml'], devices: EXAMPLE_DEVICES, rules });
    expect(candidates[0]!.reasons).to.deep.equal([{ path: 'groups/campus/vlans.yml', rule: 'settings rule groups/{group}/**' }]);
  });

  it('rejects a rules file with an unknown selector key', () => {
    expect(() => parseSettingsRules('- {path: a/**, select: {color: red}}'))
      .to.throw()
      .with.property('code', 'CONFIG_INVALID');
  });
});

describe('impact: templates mapping.yml and include graph', () => {
  for (const c of templateCases) {
    it(`${c.name}: ${c.paths.join(', ')} -> ${c.expected.join(', ') || 'nobody'}`, async () => {
      const snapshot = parseTemplates(await exampleFiles('templates'));
      const { candidates } = resolveCandidates({
        repo: 'templates',
        changedPaths: c.paths,
        devices: EXAMPLE_DEVICES,
        templateIndexes: [buildTemplateIndex(snapshot)],
        templateGlobUses: (p) => globUses(snapshot, p),
      });
      expect(candidates.map((x) => x.device.hostname).sort()).to.deep.equal(c.expected);
      if (c.via) for (const x of candidates) expect(x.reasons.map((r) => r.rule).join(' ')).to.contain(c.via);
    });
  }
});
