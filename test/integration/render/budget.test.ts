/**
 * A runaway template is cut off at the render budget and never stalls the daemon: the API answers while it
 * runs (every /healthz asked during the render is answered before the render is cut off), the push is
 * rejected with RENDER_BUDGET_EXCEEDED naming the template, and the catch-up after a restart does the same.
 */
import { expect } from 'chai';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { startGitOps } from '../../helpers/gitopsDaemon.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { startTestDaemon } from '../../helpers/daemon.ts';

const BUDGET_MS = 1000;
// 10^10 iterations, each range within the sandbox's cap: only the time budget stops it.
const RUNAWAY = '{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% endfor %}{% endfor %}\n';

/**
 * Runs `work` while asking /healthz over and over; returns what `work` returned, how many health answers
 * came back before it finished, and their latencies.
 */
async function healthDuring<T>(url: string, work: () => Promise<T>): Promise<{ result: T; answeredBefore: number; latencies: number[] }> {
  let done = false;
  const latencies: number[] = [];
  let answeredBefore = 0;
  const running = work().finally(() => (done = true));
  while (!done) {
    const start = performance.now();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).to.equal(200);
    await res.text();
    latencies.push(performance.now() - start);
    if (!done) answeredBefore++;
    await new Promise((r) => setTimeout(r, 25));
  }
  return { result: await running, answeredBefore, latencies };
}

describe('render budget: a runaway template (integration)', function () {
  this.timeout(120_000);
  let f: GitOpsFixture;
  let restarted: TestDaemon | undefined;
  const renderSection = { render: { timeoutMs: BUDGET_MS } };

  before(async () => {
    f = await startGitOps({}, undefined, renderSection);
    await f.t.daemon.gitops!.intake.pollAll();
  });
  after(async () => {
    await restarted?.stop();
    await f.cleanup();
  });

  it('is cut off at the budget: the push is rejected naming the template, /healthz answers throughout', async () => {
    const good = f.templates.head();
    f.templates.commitAndPush({ 'eos/access.j2': RUNAWAY }, 'runaway loop');
    const { result, answeredBefore, latencies } = await healthDuring(f.t.url, () => f.t.call('POST', '/api/v1/repositories/templates/refresh'));
    expect(result.body.result.status).to.equal('rejected');
    const problems: string[] = result.body.result.problems;
    expect(problems.join('\n')).to.contain(`eos-access-1: eos/access.j2 took longer than the ${BUDGET_MS} ms render budget`);
    expect(problems.join('\n')).to.contain('eos-access-2: eos/access.j2 took longer than');
    // The render ran at least a budget long, and health requests were answered while it ran.
    expect(answeredBefore).to.be.at.least(3);
    console.log(`      /healthz during the runaway render: ${latencies.length} requests, max ${Math.max(...latencies).toFixed(1)} ms`);
    const repos = (await f.t.call('GET', '/api/v1/repositories')).body;
    expect(repos.repositories.find((r: { name: string }) => r.name === 'templates').knownGood).to.equal(good);
  });

  it('the catch-up after a restart meets the same budget and keeps the API answering', async () => {
    // A runaway pushed while the daemon is down (as when it froze before it could record the push).
    const dir = f.t.dir;
    await f.t.stop();
    const head = f.templates.commitAndPush({ 'eos/access.j2': `! still running\n${RUNAWAY}` }, 'runaway, while the daemon is down');
    restarted = await startTestDaemon({
      dir,
      extra: {
        repos: {
          settings: { path: f.settings.bare, branch: 'main' },
          templates: { path: f.templates.bare, branch: 'main' },
        },
        intake: { poll: false },
        ...renderSection,
      },
    });
    const t = restarted;
    const { answeredBefore } = await healthDuring(t.url, () => t.daemon.gitops!.intake.pollAll());
    expect(answeredBefore).to.be.at.least(3);
    const repos = (await t.call('GET', '/api/v1/repositories')).body;
    const caughtUp = repos.events.find((e: { repo: string; after: string }) => e.repo === 'templates' && e.after === head);
    expect(caughtUp).to.include({ kind: 'rejected' });
    expect(caughtUp.problems.join('\n')).to.contain(`eos-access-1: eos/access.j2 took longer than the ${BUDGET_MS} ms render budget`);
  });
});
