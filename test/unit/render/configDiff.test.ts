/** Config diffs run under a time budget: a diff that cannot finish in time is reported, not waited for. */
import { expect } from 'chai';
import { boundedTwoFilesPatch, inThreadDiffer } from '../../../src/render/configDiff.ts';
import { deviceDiff } from '../../../src/checks/deviceDiff.ts';

const unrelated = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i} ${(i * 7919) % 10007}`).join('\n') + '\n';

describe('render: config diff budget', () => {
  it('a small change diffs as before', async () => {
    const p = await boundedTwoFilesPatch(inThreadDiffer(), 'a', 'b', 'x\ny\n', 'x\nz\n');
    expect(p.tooLarge).to.equal(false);
    expect(p.text).to.contain('-y\n+z\n');
  });

  it('two unrelated 20,000-line configs: stopped at the budget and reported as too large', async () => {
    const p = await boundedTwoFilesPatch(inThreadDiffer(50), 'a', 'b', unrelated(20_000, 'old'), unrelated(20_000, 'new'));
    expect(p.tooLarge).to.equal(true);
    expect(p.text).to.equal('# diff not shown: the configs (20000 and 20000 lines) differ too much to compare within 50 ms\n');
  });

  it('the PR check diff says the same and counts every line as changed', async () => {
    const d = await deviceDiff(inThreadDiffer(50), 'sw1', unrelated(20_000, 'old'), unrelated(20_000, 'new'), { base: 'b', head: 'h' }, true);
    expect(d.diff).to.match(/^# diff not shown/);
    expect(d.added).to.be.at.least(20_000);
  });
});
