/** Precise mode: candidates are rendered at both commits; only real config changes are marked. */
import { expect } from 'chai';
import { ImpactService, parseSettingsRules } from '../../../src/impact/index.ts';
import { Renderer } from '../../../src/render/index.ts';
import { DEFAULT_RULES, EXAMPLE_DEVICES, exampleRepos } from '../../helpers/repoFixtures.ts';
import { renderProcesses } from '../../../src/renderhost/index.ts';

async function setup() {
  const repos = await exampleRepos();
  const impact = new ImpactService(repos, new Renderer(repos, { executor: renderProcesses() }), parseSettingsRules(DEFAULT_RULES));
  return { repos, impact };
}

describe('impact: precise mode', () => {
  it('a comment-only settings change touches every device and marks nobody', async () => {
    const { repos, impact } = await setup();
    const before = repos.commits.settings.get('s0')!.get('global/vlans.yml')!;
    repos.change('settings', 's1', { 'global/vlans.yml': `# reviewed by the NOC\n${before}` });
    const result = await impact.computeImpact({ repo: 'settings', before: 's0', after: 's1', devices: EXAMPLE_DEVICES });
    expect(result.devices.map((d) => d.hostname)).to.have.length(4);
    expect(result.devices.filter((d) => d.changed)).to.deep.equal([]);
  });

  it('a VLAN renamed in a group marks exactly the group members, with hashes', async () => {
    const { repos, impact } = await setup();
    repos.change('settings', 's1', { 'groups/campus/vlans.yml': 'vlans:\n  - { id: 30, name: printers-2 }\n' });
    const result = await impact.computeImpact({ repo: 'settings', before: 's0', after: 's1', devices: EXAMPLE_DEVICES });
    expect(result.devices.filter((d) => d.changed).map((d) => d.hostname)).to.deep.equal(['eos-access-1', 'eos-access-2', 'nc-dist-1']);
    for (const d of result.devices) expect(d.hash).to.match(/^sha256:[0-9a-f]{64}$/);
  });

  it('a device override equal to the inherited value changes nothing', async () => {
    const { repos, impact } = await setup();
    repos.change('settings', 's1', { 'devices/eos-access-2/interfaces.yml': 'interfaces:\n  - { name: Ethernet1, vlan: 10 }\n' });
    const result = await impact.computeImpact({ repo: 'settings', before: 's0', after: 's1', devices: EXAMPLE_DEVICES });
    expect(result.devices.map((d) => [d.hostname, d.changed])).to.deep.equal([['eos-access-2', false]]);
  });

  it('a template whitespace-only edit marks nobody; a real edit marks the platform', async () => {
    const { repos, impact } = await setup();
    const base = repos.commits.templates.get('t0')!.get('eos/base.j2')!;
    repos.change('templates', 't1', { 'eos/base.j2': `${base}\n\n` });
    let result = await impact.computeImpact({ repo: 'templates', before: 't0', after: 't1', devices: EXAMPLE_DEVICES });
    expect(result.devices.map((d) => [d.hostname, d.changed])).to.deep.equal([
      ['eos-access-1', false],
      ['eos-access-2', false],
    ]);
    repos.change('templates', 't2', { 'eos/base.j2': base.replace('hostname {{ hostname }}', 'hostname {{ hostname | upper }}') });
    result = await impact.computeImpact({ repo: 'templates', before: 't1', after: 't2', devices: EXAMPLE_DEVICES });
    expect(result.devices.filter((d) => d.changed).map((d) => d.hostname)).to.deep.equal(['eos-access-1', 'eos-access-2']);
  });

  it('a template that no longer renders counts as changed and carries the error', async () => {
    const { repos, impact } = await setup();
    repos.change('templates', 't1', { 'eos/interfaces.j2': '{% for x in %}' });
    const result = await impact.computeImpact({ repo: 'templates', before: 't0', after: 't1', devices: EXAMPLE_DEVICES });
    expect(result.devices.every((d) => d.changed && d.error)).to.equal(true);
    expect(result.devices).to.have.length(2);
  });

  it('without precise mode every candidate is reported changed', async () => {
    const { repos, impact } = await setup();
    repos.change('settings', 's1', { 'global/vlans.yml': '# only a comment\nvlans: [{id: 10, name: users}, {id: 20, name: voice}]\n' });
    const result = await impact.computeImpact({ repo: 'settings', before: 's0', after: 's1', devices: EXAMPLE_DEVICES, precise: false });
    expect(result.devices.every((d) => d.changed)).to.equal(true);
  });
});

describe('impact: reasons', () => {
  it('names the file whose content changed before a comment-only edit in the same push', async () => {
    const { repos, impact } = await setup();
    const global = repos.commits.settings.get('s0')!.get('global/vlans.yml')!;
    repos.change('settings', 's1', { 'global/vlans.yml': `# comment\n${global}`, 'groups/campus/vlans.yml': 'vlans:\n  - { id: 30, name: printers-2 }\n' });
    const result = await impact.computeImpact({ repo: 'settings', before: 's0', after: 's1', devices: EXAMPLE_DEVICES });
    const access1 = result.devices.find((d) => d.hostname === 'eos-access-1')!;
    expect(access1.changed).to.equal(true);
    expect(access1.reasons.map((r) => r.path)).to.deep.equal(['groups/campus/vlans.yml', 'global/vlans.yml']);
  });
});
