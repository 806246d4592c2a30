import { expect } from 'chai';
import { parseConfig } from '../../../src/config/load.ts';

describe('checks config section', () => {
  it('defaults, and the GitHub API URL when only a token is given (from the environment)', () => {
    expect(parseConfig({}).checks).to.deep.equal({
      enabled: true,
      context: 'netsync/impact',
      comment: true,
      drafts: false,
      maxQueued: 100,
      keepPerPullRequest: 10,
      detailMB: 8,
    });
    const c = parseConfig({ checks: { github: { token: '${GH_TOKEN}' } } }, { GH_TOKEN: 'ghs_abc' }).checks;
    expect(c.github).to.deep.equal({ token: 'ghs_abc', baseUrl: 'https://api.github.com' });
  });

  it('names a misspelt key, a missing Gitea URL and a bad public URL', () => {
    const problems = (raw: unknown) => {
      try {
        parseConfig(raw);
      } catch (err) {
        return { code: (err as { code: string }).code, problems: (err as { data: { problems: string[] } }).data.problems };
      }
      throw new Error('expected CONFIG_INVALID');
    };
    expect(problems({ checks: { contxt: 'x' } })).to.deep.equal({ code: 'CONFIG_INVALID', problems: ["unknown key 'checks.contxt'"] });
    expect(problems({ checks: { gitea: { token: 't' } } }).problems[0]).to.match(/^'checks\.gitea\.baseUrl'/);
    expect(problems({ checks: { publicUrl: 'not a url' } }).problems[0]).to.match(/^'checks\.publicUrl'/);
  });
});
