/**
 * PR checks end to end below the HTTP intake, all of netsync's own parts real: real webhook payloads
 * (@octokit/webhooks-examples), real git repos with the PR commits pushed to branches, the daemon's mirrors,
 * impact and renderer, the PR source that reads the commits from git, the devices from the daemon's store, a
 * real lowdb store, and the GitHub API stand-in (the one service that cannot run here) that validates every
 * request against GitHub's OpenAPI description.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CheckRecords } from '../../../src/checks/checkRecords.ts';
import { CheckService } from '../../../src/checks/checkService.ts';
import { GitPullRequestSource } from '../../../src/checks/gitPullRequestSource.ts';
import { ImpactAnalyzer } from '../../../src/checks/impactAnalyzer.ts';
import { COMMENT_MARKER } from '../../../src/checks/markdownReport.ts';
import { GithubPublisher } from '../../../src/checks/providers/githubPublisher.ts';
import { parsePullRequestEvent } from '../../../src/checks/pullRequestEvent.ts';
import type { PullRequestEvent } from '../../../src/checks/pullRequestEvent.ts';
import { silentLogger } from '../../../src/model/ports.ts';
import type { RepoKind } from '../../../src/render/index.ts';
import { GithubApiStub } from '../../helpers/codehost/githubApiStub.ts';
import { githubPullRequestPayload } from '../../helpers/codehost/webhookExamples.ts';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { startGitOps } from '../../helpers/gitopsDaemon.ts';
import { git } from '../../helpers/gitRepos.ts';

const TOKEN = 'ghs_checks_test_token_0123';
const prPayload = (action: string, head: string, base: string) => githubPullRequestPayload(action, { head, base });
/** The example payloads name Codertocat/Hello-World; the daemon's webhook route would say which repo it is. */
const event = (payload: unknown, repoKind: RepoKind = 'templates'): PullRequestEvent => ({ ...parsePullRequestEvent('github', payload)!, repoKind });

describe('checks: CheckService with impact + render and the GitHub stand-in', function () {
  this.timeout(60_000);
  let stub: GithubApiStub;
  let f: GitOpsFixture;
  let service: CheckService;
  let makeService: (extra?: Partial<ConstructorParameters<typeof CheckService>[0]>) => CheckService;
  let base: string;
  let branches = 0;

  beforeEach(async () => {
    stub = new GithubApiStub({ token: TOKEN });
    await stub.start();
    process.env.NETSYNC_SECRET_ENABLE = 'hunter2-enable';
    f = await startGitOps();
    delete process.env.NETSYNC_SECRET_ENABLE;
    const gitops = f.t.daemon.gitops!;
    base = f.templates.head();
    makeService = (extra = {}) =>
      new CheckService({
        records: new CheckRecords(f.t.daemon.store),
        analyzer: new ImpactAnalyzer({
          impact: gitops.impact,
          renderer: gitops.renderer,
          source: new GitPullRequestSource(gitops.gitRepos),
          devices: () => f.t.daemon.store.listDevices({ state: 'MANAGED' }),
        }),
        differ: gitops.renderer.differ,
        publishers: { github: new GithubPublisher({ token: TOKEN, baseUrl: stub.url }) },
        logger: silentLogger,
        clock: () => new Date(),
        publicUrl: 'http://netsync.test:8080',
        ...extra,
      });
    service = makeService();
  });

  afterEach(async () => {
    await stub.stop();
    await f.cleanup();
    expect(stub.violations, "requests that do not match GitHub's OpenAPI description").to.deep.equal([]);
  });

  /** Commits `edits` on a new branch off `from` in a repo and pushes the branch (a PR head); returns its sha. */
  function pushBranch(repo: 'settings' | 'templates', from: string, edits: Record<string, string | undefined>): string {
    const work = f[repo].work;
    const branch = `pr-${++branches}`;
    git(work, 'checkout', '-q', '-b', branch, from);
    for (const [path, text] of Object.entries(edits)) {
      if (text === undefined) execFileSync('git', ['rm', '-q', path], { cwd: work });
      else {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), text);
      }
    }
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '--allow-empty', '-m', branch);
    git(work, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
    const head = git(work, 'rev-parse', 'HEAD');
    git(work, 'checkout', '-q', 'main');
    return head;
  }
  const push = (_name: string, edits: Record<string, string | undefined>) => pushBranch('templates', base, edits);

  const accessTemplate = () => git(f.templates.work, 'show', `${base}:eos/access.j2`) + '\n';

  it('opened, then synchronize: pending then success, one comment updated in place', async () => {
    const head1 = push('h1', { 'eos/access.j2': `${accessTemplate()}ip routing\n` });
    const pr1 = event(prPayload('opened', head1, base));
    expect(service.enqueue(pr1)).to.include({ queued: true });
    await service.idle();

    expect(stub.statuses.map((s) => [s.sha, s.state, s.context])).to.deep.equal([
      [head1, 'pending', 'netsync/impact'],
      [head1, 'success', 'netsync/impact'],
    ]);
    const final = stub.statuses[1]!;
    expect(final.description).to.equal('2 devices: 2 ACCESS');
    const check = (await new CheckRecords(f.t.daemon.store).find('github', 'Codertocat/Hello-World', 2, head1))!;
    expect(final.target_url).to.equal(`http://netsync.test:8080/checks/${check.id}`);
    expect(check.report!.devices.map((d) => [d.hostname, d.outcome, d.added])).to.deep.equal([
      ['eos-access-1', 'changed', 1],
      ['eos-access-2', 'changed', 1],
    ]);
    let comments = stub.commentsOn('Codertocat/Hello-World', 2);
    expect(comments).to.have.length(1);
    expect(comments[0]!.body.startsWith(COMMENT_MARKER)).to.equal(true);
    expect(comments[0]!.body).to.contain('| eos-access-1 | ACCESS | templates eos/access.j2 | +1 −0 |').and.contain('+ip routing');
    expect(comments[0]!.body).to.not.contain('hunter2-enable');

    const head2 = push('h2', { 'eos/access.j2': `${accessTemplate()}ip routing\nip name-server 10.0.0.53\n` });
    service.enqueue(event(prPayload('synchronize', head2, base)));
    await service.idle();
    comments = stub.commentsOn('Codertocat/Hello-World', 2);
    expect(comments, 'the second push updates the same comment').to.have.length(1);
    expect(comments[0]!.body).to.contain('+ip name-server 10.0.0.53').and.contain(head2.slice(0, 12));
    expect(stub.calls('issues/create-comment')).to.have.length(1);
    expect(stub.calls('issues/update-comment')).to.have.length(1);
    expect(stub.statuses.filter((s) => s.sha === head2).map((s) => s.state)).to.deep.equal(['pending', 'success']);
  });

  it('a PR touching nothing relevant: success "no devices affected"', async () => {
    const head = push('readme', { 'README.md': 'just docs\n' });
    service.enqueue(event(prPayload('reopened', head, base)));
    await service.idle();
    expect(stub.statuses.map((s) => [s.state, s.description])).to.deep.equal([
      ['pending', 'computing the devices this change affects'],
      ['success', 'no devices affected'],
    ]);
  });

  it('a failing render: failure naming the device and the template line', async () => {
    const lines = accessTemplate().split('\n');
    lines.splice(3, 0, '{{ vlans | nosuchfilter }}');
    const head = push('broken', { 'eos/access.j2': lines.join('\n') });
    service.enqueue(event(prPayload('ready_for_review', head, base)));
    await service.idle();
    const final = stub.statuses.at(-1)!;
    expect(final.state).to.equal('failure');
    expect(final.description).to.match(/^render failed on eos-access-1 \(\+1 more\): .*nosuchfilter.* \(eos\/access\.j2 line 4\)$/);
    expect([...String(final.description)].length).to.be.at.most(140);
    expect(stub.commentsOn('Codertocat/Hello-World', 2)[0]!.body).to.contain('render failed on eos-access-2');
  });

  it('settings that do not validate fail the check, naming the file', async () => {
    const settingsBase = f.settings.head();
    const head = pushBranch('settings', settingsBase, { 'access/interfaces.yml': 'interfaces: [ {name: x' });
    const payload = prPayload('opened', head, settingsBase);
    payload.repository.full_name = 'netops/settings';
    service.enqueue(event(payload, 'settings'));
    await service.idle();
    const final = stub.statuses.at(-1)!;
    expect(final.state).to.equal('failure');
    expect(final.description).to.match(/^settings at [0-9a-f]{10} are invalid: access\/interfaces\.yml: /);
    expect([...String(final.description)].length).to.be.at.most(140);
    expect(stub.commentsOn('netops/settings', 2)[0]!.body).to.contain('are invalid: access/interfaces.yml');
  });

  it('keeps only the newest checks of a PR', async () => {
    service = makeService({ keepPerPullRequest: 1 });
    const heads = ['k1', 'k2'].map((name) => push(name, { 'eos/access.j2': `${accessTemplate()}! ${name}\n` }));
    for (const head of heads) {
      service.enqueue(event(prPayload('synchronize', head, base)));
      await service.idle();
    }
    const left = await new CheckRecords(f.t.daemon.store).list({ repo: 'Codertocat/Hello-World', number: 2 });
    expect(left.map((c) => c.headSha)).to.deep.equal([heads[1]]);
  });

  it('bounds the stored diffs: only the newest check of each PR keeps them, within the budget', async () => {
    const records = new CheckRecords(f.t.daemon.store);
    const run = async (name: string, number: number, extra: Parameters<typeof makeService>[0] = {}) => {
      const head = push(name, { 'eos/access.j2': `${accessTemplate()}! ${name}\n` });
      service = makeService(extra);
      service.enqueue(event(githubPullRequestPayload('synchronize', { head, base, number })));
      await service.idle();
      return (await records.find('github', 'Codertocat/Hello-World', number, head))!;
    };
    const first = await run('d1', 2);
    const second = await run('d2', 2);
    const older = (await records.get(first.id))!;
    expect(older).to.include({ state: 'success', detailsTrimmed: true });
    expect(older.report!.devices).to.deep.equal([]);
    expect(older.report!.changed).to.equal(2);
    expect((await records.get(second.id))!.report!.devices.map((d) => d.hostname)).to.deep.equal(['eos-access-1', 'eos-access-2']);
    // Another PR over a budget of one character: the check just run keeps its diffs, the other PR's newest loses them.
    const third = await run('d3', 3, { maxDetailChars: 1 });
    expect((await records.get(third.id))!.report!.devices).to.have.length(2);
    expect((await records.get(second.id))!).to.include({ detailsTrimmed: true });
    expect(stub.statuses.at(-1)).to.include({ state: 'success' });
  });

  it('re-runs checks a stopped daemon left pending, newest head of a PR last', async () => {
    const records = new CheckRecords(f.t.daemon.store);
    const heads = ['r1', 'r2'].map((name) => push(name, { 'eos/access.j2': `${accessTemplate()}! ${name}\n` }));
    const pr = event(prPayload('synchronize', heads[0]!, base));
    for (const [i, head] of heads.entries()) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
      await records.save({
        id: CheckRecords.newId(),
        provider: 'github',
        repo: pr.repo,
        number: pr.number,
        action: 'synchronize',
        repoKind: 'templates',
        baseSha: base,
        headSha: head,
        baseRef: 'main',
        headRef: 'feature',
        context: 'netsync/impact',
        state: 'pending',
        description: 'computing',
        publishErrors: [],
        createdAt: at,
        updatedAt: at,
      });
    }
    expect(await service.resumeInterrupted()).to.equal(2);
    await service.idle();
    // The older head was overtaken: only the newest one is reported.
    expect(stub.statuses.map((s) => [s.sha, s.state])).to.deep.equal([
      [heads[1], 'pending'],
      [heads[1], 'success'],
    ]);
    expect((await records.find('github', pr.repo, pr.number, heads[1]!))!.state).to.equal('success');
    expect((await records.find('github', pr.repo, pr.number, heads[0]!))!.state).to.equal('error');
    expect(await service.resumeInterrupted()).to.equal(0);
  });

  it('ignores actions that do not change code, and drafts', async () => {
    const head = push('h3', { 'eos/access.j2': `${accessTemplate()}!\n` });
    expect(service.enqueue(event(prPayload('labeled', head, base)))).to.deep.include({ queued: false });
    const draft = event(prPayload('converted_to_draft', head, base));
    expect(service.enqueue({ ...draft, action: 'synchronize' })).to.deep.equal({ queued: false, reason: 'draft pull request' });
    await service.idle();
    expect(stub.requests).to.have.length(0);
  });
});
