/**
 * A pull request whose configs cannot be compared in time (two unrelated 20,000-line renders per device):
 * the PR check's diffs run in the render processes under the configured render.diffTimeoutMs, are reported as
 * too large, and /healthz keeps answering while they run. Real daemon, real git, real render processes; the
 * GitHub API stand-in is the only stand-in.
 */
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CheckRecords } from '../../../src/checks/checkRecords.ts';
import { parsePullRequestEvent } from '../../../src/checks/pullRequestEvent.ts';
import type { PullRequestEvent } from '../../../src/checks/pullRequestEvent.ts';
import { GithubApiStub } from '../../helpers/codehost/githubApiStub.ts';
import { githubPullRequestPayload } from '../../helpers/codehost/webhookExamples.ts';
import { git } from '../../helpers/gitRepos.ts';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { startGitOps } from '../../helpers/gitopsDaemon.ts';

const TOKEN = 'ghs_hostile_diff_token_01';
const event = (head: string, base: string): PullRequestEvent => ({
  ...parsePullRequestEvent('github', githubPullRequestPayload('opened', { head, base }))!,
  repoKind: 'templates',
});
/** An access template rendering 20,000 lines that share none with another `tag`'s. */
const hostile = (tag: string) => `{% for i in range(0, 20000) %}${tag} line {{ i }} {{ (i * 7919) % 10007 }}\n{% endfor %}`;

describe('checks: a PR whose configs are too different to diff in time', function () {
  this.timeout(120_000);
  let stub: GithubApiStub;
  let f: GitOpsFixture | undefined;
  let branches = 0;

  beforeEach(async () => {
    stub = new GithubApiStub({ token: TOKEN });
    await stub.start();
  });

  afterEach(async () => {
    await f?.cleanup();
    f = undefined;
    await stub.stop();
  });

  async function start(render: Record<string, unknown>) {
    f = await startGitOps({}, undefined, { render, checks: { github: { token: TOKEN, baseUrl: stub.url } } });
    return f;
  }

  /** Commits the access template on a new branch off `from` and pushes it; returns the commit. */
  function pushBranch(fx: GitOpsFixture, from: string, template: string): string {
    const work = fx.templates.work;
    git(work, 'checkout', '-q', '-b', `hostile-${++branches}`, from);
    mkdirSync(dirname(join(work, 'eos/access.j2')), { recursive: true });
    writeFileSync(join(work, 'eos/access.j2'), template);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'hostile');
    git(work, 'push', '-q', 'origin', `HEAD:refs/heads/hostile-${branches}`);
    const head = git(work, 'rev-parse', 'HEAD');
    git(work, 'checkout', '-q', 'main');
    return head;
  }

  async function runCheck(fx: GitOpsFixture) {
    const base = pushBranch(fx, fx.templates.head(), hostile('old'));
    const head = pushBranch(fx, base, hostile('new'));
    const service = fx.t.daemon.checks.service!;
    expect(service.enqueue(event(head, base))).to.include({ queued: true });
    return { head, service };
  }

  it('the configured render.diffTimeoutMs reaches the PR check: the diff is reported over that budget', async () => {
    const fx = await start({ diffTimeoutMs: 10 });
    const { head, service } = await runCheck(fx);
    await service.idle();
    const check = (await new CheckRecords(fx.t.daemon.store).find('github', 'Codertocat/Hello-World', 2, head))!;
    const devices = check.report!.devices.filter((d) => d.hostname.startsWith('eos-access'));
    expect(devices.map((d) => [d.hostname, d.outcome])).to.deep.equal([
      ['eos-access-1', 'changed'],
      ['eos-access-2', 'changed'],
    ]);
    for (const d of devices) {
      expect(d.diff).to.equal('# diff not shown: the configs (20000 and 20000 lines) differ too much to compare within 10 ms\n');
      expect(d.added).to.be.at.least(20_000);
    }
  });

  it('/healthz answers while the check diffs the hostile pair (default 2,000 ms budget)', async () => {
    const fx = await start({});
    const { head, service } = await runCheck(fx);
    let done = false;
    const finished = service.idle().finally(() => (done = true));
    let answered = 0;
    while (!done) {
      const res = await fetch(`${fx.t.url}/healthz`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.include({ status: 'ok' });
      if (!done) answered++;
      await new Promise((r) => setTimeout(r, 25));
    }
    await finished;
    expect(answered, '/healthz answers while the check runs').to.be.at.least(1);
    const check = (await new CheckRecords(fx.t.daemon.store).find('github', 'Codertocat/Hello-World', 2, head))!;
    const diffs = check.report!.devices.filter((d) => d.hostname.startsWith('eos-access')).map((d) => d.diff);
    expect(diffs).to.have.length(2);
    for (const diff of diffs) expect(diff).to.equal('# diff not shown: the configs (20000 and 20000 lines) differ too much to compare within 2000 ms\n');
  });
});
