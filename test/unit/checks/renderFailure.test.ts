/** Template and line of a render failure, from real nunjucks errors over the example templates. */
import { expect } from 'chai';
import { renderFailure } from '../../../src/checks/impactAnalyzer.ts';
import { Renderer } from '../../../src/render/index.ts';
import { EXAMPLE_DEVICES, exampleRepos } from '../../helpers/repoFixtures.ts';
import { renderProcesses } from '../../../src/renderhost/index.ts';

async function failureFor(badLine: string) {
  const repos = await exampleRepos();
  const lines = repos.commits.templates.get('t0')!.get('eos/access.j2')!.split('\n');
  lines.splice(3, 0, badLine); // becomes line 4
  repos.change('templates', 't1', { 'eos/access.j2': lines.join('\n') });
  const ctx = await new Renderer(repos, { executor: renderProcesses() }).context({ templates: 't1' });
  try {
    await ctx.render(EXAMPLE_DEVICES[0]!);
  } catch (err) {
    return renderFailure(err, 'eos', ctx.templates.files);
  }
  throw new Error('expected the render to fail');
}

describe('checks renderFailure', () => {
  it('a parse error: template and line as nunjucks gives them', async () => {
    expect(await failureFor('{% if %}')).to.deep.equal({ message: 'unexpected token: %}', template: 'eos/access.j2', line: 4 });
  });
  it('a runtime error: nunjucks counts from 0, we report from 1', async () => {
    const f = await failureFor('{{ nosuch() }}');
    expect(f).to.include({ template: 'eos/access.j2', line: 4 });
    expect(f.message).to.match(/^Unable to call `nosuch`/);
  });
  it('an undefined variable: named, with the template and line (as the PR status shows it)', async () => {
    expect(await failureFor('description {{ vlan }}')).to.deep.equal({ message: "undefined variable 'vlan'", template: 'eos/access.j2', line: 4 });
  });
  it('an unknown filter (no line from nunjucks): found in the templates', async () => {
    expect(await failureFor('{{ vlans | nosuchfilter }}')).to.deep.equal({ message: 'filter not found: nosuchfilter', template: 'eos/access.j2', line: 4 });
  });
});
