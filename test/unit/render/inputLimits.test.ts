/** Input limits in the parsers: each over-limit file is a problem naming the file, the limit and its key. */
import { expect } from 'chai';
import { parseSettings, parseTemplates } from '../../../src/render/index.ts';
import { DEFAULT_INPUT_LIMITS, tooLargeMarker, yamlDepth } from '../../../src/render/inputLimits.ts';

const limits = { ...DEFAULT_INPUT_LIMITS, fileBytes: 1000, repoBytes: 5000, yamlAliases: 10, yamlDepth: 8 };

describe('render: input limits', () => {
  it('refuses a settings file over the size limit, or one a reader left unread (marker), without parsing it', () => {
    const s = parseSettings(
      new Map([
        ['global/a.yml', `x: "${'y'.repeat(1200)}"`],
        ['global/b.yml', tooLargeMarker(5_000_000)],
        ['global/ok.yml', 'x: 1'],
        ['README.md', 'z'.repeat(2000)],
      ]),
      undefined,
      { ...limits, repoBytes: 10_000_000 },
    );
    expect(s.problems.map((p) => [p.path, p.kind])).to.deep.equal([
      ['README.md', 'too_large'],
      ['global/a.yml', 'too_large'],
      ['global/b.yml', 'too_large'],
    ]);
    expect(s.problems[2]!.message).to.equal('file is 4.8 MB, over the file size limit of 1000 bytes (repos.limits.fileSize)');
    expect(s.docs.get('global/ok.yml')).to.deep.equal({ x: 1 });
  });

  it('refuses a repo over its size limit as a whole, parsing nothing', () => {
    const files = new Map(Array.from({ length: 8 }, (_, i) => [`global/f${i}.yml`, `x: "${'y'.repeat(900)}"`] as [string, string]));
    const s = parseSettings(files, undefined, limits);
    expect(s.problems).to.have.length(1);
    expect(s.problems[0]!.message).to.match(/over the repo size limit of 4\.9 KB \(repos\.limits\.repoSize\)/);
    expect(s.docs.size).to.equal(0);
    expect(parseTemplates(files, limits).problems[0]!.path).to.equal('(all files)');
  });

  it('refuses alias expansion (billion laughs) and deep nesting, naming the limit', () => {
    let laughs = 'a0: &a0 [x, x, x, x]\n';
    for (let i = 1; i < 6; i++) laughs += `a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]\n`;
    const s = parseSettings(
      new Map([
        ['global/laughs.yml', laughs],
        ['global/deep.yml', `d: ${'['.repeat(9)}${']'.repeat(9)}`],
        ['global/fine.yml', `d: ${'['.repeat(6)}${']'.repeat(6)}`],
      ]),
      undefined,
      limits,
    );
    expect(s.problems.map((p) => [p.path, p.kind])).to.deep.equal([
      ['global/deep.yml', 'too_deep'],
      ['global/laughs.yml', 'too_many_aliases'],
    ]);
    expect(s.problems[0]!.message).to.contain('repos.limits.yamlDepth');
    expect(s.problems[1]!.message).to.contain('repos.limits.yamlAliases');
  });

  it('estimates YAML depth across block, flow and multi-line flow nesting, ignoring quotes and block scalars', () => {
    expect(yamlDepth('a:\n  b:\n    - c: [1, {d: 2}]\n')).to.equal(6);
    expect(yamlDepth(`a: ${'[\n'.repeat(50)}`)).to.equal(51);
    expect(yamlDepth('a: "[[[[[[[["\nb: |\n  {{{{{{{{{\n')).to.equal(1);
    expect(yamlDepth("a: it's [fine]\n")).to.equal(2);
  });

  it('a template over the size limit is a snapshot problem and fails the render that includes it, naming it', () => {
    const t = parseTemplates(
      new Map([
        ['eos/mapping.yml', 'ACCESS: {entrypoint: a.j2}'],
        ['eos/a.j2', '{% include "big.j2" %}'],
        ['eos/big.j2', 'x'.repeat(1500)],
      ]),
      limits,
    );
    expect(t.problems).to.deep.equal([{ path: 'eos/big.j2', message: 'file is 1.5 KB, over the file size limit of 1000 bytes (repos.limits.fileSize)' }]);
    expect(() => t.environment('eos').render('a.j2', {})).to.throw(/eos\/big\.j2: file is 1\.5 KB, over the file size limit/);
    const bad = parseTemplates(new Map([['eos/mapping.yml', `ACCESS: ${'['.repeat(20)}${']'.repeat(20)}`]]), limits);
    expect(bad.platforms.get('eos')!.problem).to.contain('repos.limits.yamlDepth');
  });
});
