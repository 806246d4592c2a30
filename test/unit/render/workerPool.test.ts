/**
 * The render budgets, enforced on real worker threads: time and output; the rest of a batch still renders.
 * The heap cap is not exercised here: on Node 20 a worker that hits its cap can abort the whole process
 * (nodejs/node#47224), which would take mocha down with it (docs/guides/rendering.md).
 */
import { expect } from 'chai';
import { NetsyncError } from '../../../src/model/errors.ts';
import { Renderer } from '../../../src/render/index.ts';
import type { RenderBudget } from '../../../src/render/index.ts';

const devices = ['a', 'b', 'c', 'd'].map((h) => ({ hostname: `sw-${h}`, type: h === 'b' ? 'BAD' : 'OK', platform: 'eos', groups: [] }));

function renderer(bad: string, budget: Partial<RenderBudget>): Renderer {
  const files = {
    settings: new Map([['global/x.yml', 'name: lab\n']]),
    templates: new Map([
      ['eos/mapping.yml', 'OK: { entrypoint: ok.j2 }\nBAD: { entrypoint: bad.j2 }\n'],
      ['eos/ok.j2', 'hostname {{ device.hostname }}\n'],
      ['eos/bad.j2', bad],
    ]),
  };
  return new Renderer({ resolve: async (repo) => `${repo}-1`, files: async (repo) => files[repo] }, { budget, threads: 1 });
}

async function outcome(bad: string, budget: Partial<RenderBudget>) {
  const r = renderer(bad, budget);
  try {
    return await (await r.context()).renderMany(devices);
  } finally {
    await r.close();
  }
}

describe('render: budgets on worker threads', function () {
  this.timeout(60_000);

  it('time: a runaway loop is stopped at the budget, naming the template; the rest of the batch renders', async () => {
    const results = await outcome('{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% endfor %}{% endfor %}', { timeoutMs: 300 });
    const failed = results[1] as NetsyncError;
    expect(failed).to.be.instanceOf(NetsyncError);
    expect(failed.code).to.equal('RENDER_BUDGET_EXCEEDED');
    expect(failed.data).to.include({ hostname: 'sw-b', template: 'eos/bad.j2', budget: 'time' });
    expect(failed.message).to.equal('sw-b: eos/bad.j2 took longer than the 300 ms render budget; the render was stopped');
    expect(results.filter((r, i) => i !== 1).map((r) => (r as { config: string }).config)).to.deep.equal(['hostname sw-a\n', 'hostname sw-c\n', 'hostname sw-d\n']);
  });

  it('output: a config over the cap fails, naming the template', async () => {
    const results = await outcome('{% for i in range(0, 1000) %}0123456789{% endfor %}', { maxOutputBytes: 5000 });
    const failed = results[1] as NetsyncError;
    expect(failed.code).to.equal('RENDER_BUDGET_EXCEEDED');
    expect(failed.data).to.include({ template: 'eos/bad.j2', budget: 'output' });
    expect(failed.message).to.contain('produced 10001 bytes, over the 5000-byte output cap');
  });
});
