/**
 * The render budgets and the second wall, on real render processes: time, memory and output budgets (the
 * rest of a batch still renders, and a process that runs out of heap takes only itself down: this mocha
 * process survives it, round after round), the process's empty environment, and the configured input limits
 * applying inside the render process; commits parsed there (not on the daemon's main thread).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { NetsyncError } from '../../../src/model/errors.ts';
import { Renderer } from '../../../src/render/index.ts';
import type { InputLimits, RenderBudget, RenderTarget } from '../../../src/render/index.ts';
import { DEFAULT_INPUT_LIMITS } from '../../../src/render/inputLimits.ts';
import { parseSettings } from '../../../src/render/settingsSnapshot.ts';
import { DEFAULT_RENDER_BUDGET } from '../../../src/render/renderJob.ts';
import { RenderPool, renderProcesses } from '../../../src/renderhost/index.ts';

const devices = ['a', 'b', 'c', 'd'].map((h) => ({ hostname: `sw-${h}`, type: h === 'b' ? 'BAD' : 'OK', platform: 'eos', groups: [] }));

function repos(bad: string, settings: Record<string, string> = { 'global/x.yml': 'name: lab\n' }) {
  return {
    settings: new Map(Object.entries(settings)),
    templates: new Map([
      ['eos/mapping.yml', 'OK: { entrypoint: ok.j2 }\nBAD: { entrypoint: bad.j2 }\n'],
      ['eos/ok.j2', 'hostname {{ device.hostname }}\n'],
      ['eos/bad.j2', bad],
    ]),
  };
}

function renderer(bad: string, budget: Partial<RenderBudget>, limits?: InputLimits, settings?: Record<string, string>): Renderer {
  const files = repos(bad, settings);
  return new Renderer(
    { resolve: async (repo) => `${repo}-1`, files: async (repo) => files[repo] },
    { executor: renderProcesses(budget, 1), ...(limits ? { limits } : {}) },
  );
}

async function outcome(bad: string, budget: Partial<RenderBudget>, limits?: InputLimits, settings?: Record<string, string>) {
  const r = renderer(bad, budget, limits, settings);
  try {
    return await (await r.context()).renderMany(devices);
  } finally {
    await r.close();
  }
}

const configs = (results: unknown[]) => results.map((r) => (r instanceof NetsyncError ? r.code : (r as { config: string }).config));

describe('render: budgets and the second wall on render processes', function () {
  this.timeout(120_000);

  it('time: a runaway loop is stopped at the budget, naming the template; the rest of the batch renders', async () => {
    const results = await outcome('{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% endfor %}{% endfor %}', { timeoutMs: 300 });
    const failed = results[1] as NetsyncError;
    expect(failed).to.be.instanceOf(NetsyncError);
    expect(failed.code).to.equal('RENDER_BUDGET_EXCEEDED');
    expect(failed.data).to.include({ hostname: 'sw-b', template: 'eos/bad.j2', budget: 'time' });
    expect(failed.message).to.equal('sw-b: eos/bad.j2 took longer than the 300 ms render budget; the render was stopped');
    expect(results.filter((r, i) => i !== 1).map((r) => (r as { config: string }).config)).to.deep.equal([
      'hostname sw-a\n',
      'hostname sw-c\n',
      'hostname sw-d\n',
    ]);
  });

  it('output: a config over the cap fails, naming the template', async () => {
    const results = await outcome('{% for i in range(0, 1000) %}0123456789{% endfor %}', { maxOutputBytes: 5000 });
    const failed = results[1] as NetsyncError;
    expect(failed.code).to.equal('RENDER_BUDGET_EXCEEDED');
    expect(failed.data).to.include({ template: 'eos/bad.j2', budget: 'output' });
    expect(failed.message).to.contain('produced 10001 bytes, over the 5000-byte output cap');
  });

  // nodejs/node#47224: in a worker thread with resourceLimits these aborted the whole process (mocha with it).
  const doubled = (n: number) => `{% set s = "xxxxxxxx" %}${'{% set s = s ~ s %}'.repeat(n)}`;
  for (const [what, bad] of [
    ['a string split into a 128M-element list (a V8 fatal size error)', `${doubled(24)}{{ s.split("") | length }}\n`],
    [
      'four 16M-element lists kept at once (out of heap)',
      `${doubled(21)}{% set a = s.split("") %}{% set b = s.split("") %}{% set c = s.split("") %}{% set d = s.split("") %}{{ a | length + b | length + c | length + d | length }}\n`,
    ],
  ] as const) {
    it(`memory: ${what} fails that device at the cap, round after round; this process and the other devices carry on`, async () => {
      const r = renderer(bad, { memoryMb: 48, timeoutMs: 60_000 });
      try {
        for (let round = 0; round < 3; round++) {
          const results = await (await r.context()).renderMany(devices);
          const failed = results[1] as NetsyncError;
          expect(failed.code, `round ${round}: ${JSON.stringify(failed).slice(0, 300)}`).to.equal('RENDER_BUDGET_EXCEEDED');
          expect(failed.data).to.include({ hostname: 'sw-b', template: 'eos/bad.j2', budget: 'memory' });
          expect(failed.message).to.equal('sw-b: eos/bad.j2 went over the 48 MB render memory cap; the render was stopped');
          expect(configs(results.filter((_, i) => i !== 1))).to.deep.equal(['hostname sw-a\n', 'hostname sw-c\n', 'hostname sw-d\n']);
        }
      } finally {
        await r.close();
      }
    });
  }

  it("environment: a render process holds none of the daemon's variables, and a template reaching for them gets nothing", async function () {
    if (process.platform !== 'linux') this.skip();
    process.env.NETSYNC_API_TOKEN_TEST = 'tok-must-not-leak-4711';
    const pool = new RenderPool({ ...DEFAULT_RENDER_BUDGET }, 1);
    try {
      const attempts = [
        '{{ process.env.NETSYNC_API_TOKEN_TEST }}',
        '{{ range.constructor("return process.env")().NETSYNC_API_TOKEN_TEST }}',
        '{% set e = "env" %}{{ process[e] | dump }}',
      ];
      const files = repos('');
      for (const [i, attempt] of attempts.entries()) files.templates.set(`eos/t${i}.j2`, `${attempt}\n`);
      files.templates.set('eos/mapping.yml', attempts.map((_, i) => `T${i}: { entrypoint: t${i}.j2 }`).join('\n'));
      const targets: RenderTarget[] = attempts.map((_, i) => ({ hostname: `sw-${i}`, type: `T${i}`, platform: 'eos', groups: [] }));
      const results = await pool.renderMany({
        settings: { sha: 'env-s', files: files.settings },
        templates: { sha: 'env-t', files: files.templates },
        devices: targets,
        secrets: {},
        limits: DEFAULT_INPUT_LIMITS,
        templateOf: (d) => d.type,
      });
      for (const r of results) {
        expect(JSON.stringify(r instanceof NetsyncError ? { code: r.code, message: r.message } : r)).not.to.contain('tok-must-not-leak');
      }
      expect(results.map((r) => (r instanceof NetsyncError ? r.code : 'rendered'))).to.not.include('rendered');
      // The process itself: its environment holds only the IPC channel Node sets up, its command line names no secret.
      expect(pool.pids).to.have.length(1);
      const pid = pool.pids[0]!;
      expect(pid).to.not.equal(process.pid);
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      expect(environ.map((v) => v.split('=')[0]).sort()).to.deep.equal(['NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE']);
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.to.contain('tok-must-not-leak');
    } finally {
      delete process.env.NETSYNC_API_TOKEN_TEST;
      await pool.close();
    }
  });

  it('input limits: the render process parses settings under the configured limits, not the defaults', async () => {
    const settings = {
      'global/x.yml': 'name: lab\n',
      // 300 bytes: under the default 1 MB limit, over the configured 256 bytes.
      'global/big.yml': `marker: from-big-file\nfiller: "${'x'.repeat(270)}"\n`,
    };
    const template = '{% if marker is defined %}marker {{ marker }}{% else %}marker absent{% endif %}\n';
    const limited = await outcome(template, {}, { ...DEFAULT_INPUT_LIMITS, fileBytes: 256 }, settings);
    expect(configs(limited)[1]).to.equal('marker absent\n');
    // The same commit under the default limits: the file is read (so the limit above is what left it out).
    const unlimited = await outcome(template, {}, undefined, settings);
    expect(configs(unlimited)[1]).to.equal('marker from-big-file\n');
  });

  it('parsing: a commit parsed in a render process is what parsing it here gives, problems included', async () => {
    const files = new Map([
      ['global/groups.yml', 'groups:\n  - group: { name: ACCESS, group_priority: 5 }\n'],
      ['devices/sw-a/interfaces.yml', 'interfaces:\n  - { name: Ethernet1, vlan: 10 }\n'],
      ['devices/sw-b/interfaces.yml', 'interfaces:\n  - { name: Ethernet1, vlan: 99999 }\n'],
      ['access/broken.yml', 'a: [\n'],
    ]);
    const pool = new RenderPool({ ...DEFAULT_RENDER_BUDGET }, 1);
    try {
      const there = await pool.parseSettings('parse-1', files, DEFAULT_INPUT_LIMITS);
      const here = parseSettings(files);
      expect(there.problems).to.deep.equal(here.problems);
      expect(there.problems.map((p) => p.kind).sort()).to.deep.equal(['schema', 'yaml_syntax']);
      expect([...there.docs]).to.deep.equal([...here.docs]);
      expect([...there.groupPriority]).to.deep.equal([['access', 5]]);
    } finally {
      await pool.close();
    }
  });

  it('parsing: a parse over ten render budgets is a problem of the whole repo, naming the budget; the pool renders on', async () => {
    const lines = ['interfaces:'];
    for (let i = 0; i < 11_000; i++) lines.push(`  - { name: Ethernet${i}, description: "port ${i}", vlan: ${1 + (i % 4000)} }`);
    // Eight files of 0.6 MB: seconds of YAML parsing, ten budgets of 100 ms are one second.
    const files = new Map(Array.from({ length: 8 }, (_, i) => [`devices/sw-${i}/interfaces.yml`, `${lines.join('\n')}\n`]));
    const pool = new RenderPool({ ...DEFAULT_RENDER_BUDGET, timeoutMs: 100 }, 1);
    try {
      const parsed = await pool.parseSettings('parse-2', files, DEFAULT_INPUT_LIMITS);
      expect(parsed.problems).to.deep.equal([
        { path: '(all files)', kind: 'over_budget', message: 'parsing took longer than 1000 ms (ten render budgets, render.timeoutMs)' },
      ]);
      const small = repos('');
      const results = await pool.renderMany({
        settings: { sha: 's', files: small.settings },
        templates: { sha: 't', files: small.templates },
        devices: [devices[0]!],
        secrets: {},
        templateOf: () => 'eos/ok.j2',
      });
      expect(configs(results)).to.deep.equal(['hostname sw-a\n']);
    } finally {
      await pool.close();
    }
  });

  it('a render process killed from outside while idle is replaced: the next render succeeds', async () => {
    const pool = new RenderPool({ ...DEFAULT_RENDER_BUDGET }, 1);
    const small = repos('');
    const job = {
      settings: { sha: 'k-s', files: small.settings },
      templates: { sha: 'k-t', files: small.templates },
      devices: [devices[0]!],
      secrets: {},
      templateOf: () => 'eos/ok.j2',
    };
    try {
      expect(configs(await pool.renderMany(job))).to.deep.equal(['hostname sw-a\n']);
      const [pid] = pool.pids;
      process.kill(pid!, 'SIGKILL');
      await new Promise<void>((resolve) => {
        const poll = () => (pool.pids.length === 1 && isAlive(pid!) ? setTimeout(poll, 10) : resolve());
        poll();
      });
      expect(configs(await pool.renderMany(job))).to.deep.equal(['hostname sw-a\n']);
      expect(pool.pids).to.not.include(pid);
    } finally {
      await pool.close();
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
