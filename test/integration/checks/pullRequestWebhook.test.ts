/**
 * The daemon end to end: real bare git repos, a signed `pull_request` webhook built from
 * @octokit/webhooks-examples, intake -> checks -> impact + render at base and head, and the
 * GitHub stand-in that checks every request against GitHub's OpenAPI description. Then the
 * JSON API and the HTML page the status links to.
 */
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git } from '../../helpers/gitRepos.ts';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { sendGithub, startGitOps } from '../../helpers/gitopsDaemon.ts';
import { OPERATOR_TOKEN } from '../../helpers/daemon.ts';
import { GithubApiStub } from '../../helpers/codehost/githubApiStub.ts';
import { githubPullRequestPayload } from '../../helpers/codehost/webhookExamples.ts';
import { COMMENT_MARKER } from '../../../src/checks/markdownReport.ts';

const TOKEN = 'ghs_daemon_checks_token_01';
const REPO = 'netops/templates';
/** A real example payload, pointed at our templates repo and commits. */
const prPayload = (action: string, head: string, base: string) => githubPullRequestPayload(action, { head, base, number: 2, repo: REPO });

describe('checks: pull_request webhooks through the daemon', function () {
  this.timeout(60_000);
  let stub: GithubApiStub;
  let f: GitOpsFixture;
  let base: string;

  beforeEach(async () => {
    stub = new GithubApiStub({ token: TOKEN, prefix: '/api/v3' });
    await stub.start();
    f = await startGitOps({}, undefined, { checks: { github: { token: TOKEN, baseUrl: stub.url }, publicUrl: 'http://netsync.test:8080' } });
    base = f.templates.head();
    git(f.templates.work, 'checkout', '-q', '-b', 'feature');
  });

  afterEach(async () => {
    await f.cleanup();
    await stub.stop();
    expect(stub.violations, "requests that do not match GitHub's OpenAPI description").to.deep.equal([]);
  });

  /** Commits on the feature branch and pushes it where GitHub keeps PR heads (main does not move). */
  function pushToPr(files: Record<string, string>, number = 2): string {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(f.templates.work, path)), { recursive: true });
      writeFileSync(join(f.templates.work, path), text);
    }
    git(f.templates.work, 'add', '-A');
    git(f.templates.work, 'commit', '-q', '-m', 'pr change');
    git(f.templates.work, 'push', '-q', '-f', 'origin', `HEAD:refs/pull/${number}/head`);
    return f.templates.head();
  }
  const access = () => git(f.templates.work, 'show', `${base}:eos/access.j2`) + '\n';

  /** The webhook queued the check before answering; wait for the queue to drain. */
  async function finished(head: string) {
    await f.t.daemon.checks.service!.idle();
    expect(stub.statuses.filter((s) => s.sha === head).map((s) => s.state)).to.have.length(2);
  }

  it('opened then synchronize: statuses, one comment updated, the API and the page', async () => {
    const head1 = pushToPr({ 'eos/access.j2': `${access()}ip routing\n` });

    const res = await sendGithub(f.t.url, 'pull_request', prPayload('opened', head1, base));
    expect(res.status).to.equal(202);
    expect(res.body).to.include({ accepted: true, repo: 'templates' });
    await finished(head1);
    expect(stub.statuses.map((s) => [s.sha, s.state, s.context, s.description])).to.deep.equal([
      [head1, 'pending', 'netsync/impact', 'computing the devices this change affects'],
      [head1, 'success', 'netsync/impact', '2 devices: 2 ACCESS'],
    ]);
    const targetUrl = String(stub.statuses[1]!.target_url);
    const id = /\/checks\/([0-9a-f]{32})$/.exec(targetUrl)![1]!;
    expect(targetUrl).to.equal(`http://netsync.test:8080/checks/${id}`);

    const api = await f.t.call('GET', `/api/v1/checks/${id}`);
    expect(api.status).to.equal(200);
    expect(api.body.check).to.include({ id, state: 'success', repo: REPO, number: 2, headSha: head1, baseSha: base });
    expect(api.body.check.report.devices.map((d: any) => d.hostname)).to.deep.equal(['eos-access-1', 'eos-access-2']);
    expect((await f.t.call('GET', `/api/v1/checks/${id}`, undefined, null)).status).to.equal(401);
    const list = await f.t.call('GET', `/api/v1/checks?repo=${encodeURIComponent(REPO)}&number=2`);
    expect(list.body.checks.map((c: any) => [c.id, c.state, c.devices, 'report' in c])).to.deep.equal([[id, 'success', 2, false]]);
    expect((await f.t.call('GET', '/api/v1/checks/0123456789abcdef0123456789abcdef')).body.error.code).to.equal('NOT_FOUND');

    const page = await fetch(`${f.t.url}/checks/${id}`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const html = await page.text();
    expect(html).to.contain('eos-access-1').and.contain('<span class="add">+ip routing</span>');
    expect(html).to.not.contain(OPERATOR_TOKEN).and.not.contain(TOKEN);
    expect((await fetch(`${f.t.url}/checks/nope`)).status).to.equal(404);

    const head2 = pushToPr({ 'eos/access.j2': `${access()}ip routing\nip name-server 10.0.0.53\n` });
    expect((await sendGithub(f.t.url, 'pull_request', prPayload('synchronize', head2, base))).status).to.equal(202);
    await finished(head2);
    const comments = stub.commentsOn(REPO, 2);
    expect(comments, 'the second push updates the same comment').to.have.length(1);
    expect(comments[0]!.body.startsWith(COMMENT_MARKER)).to.equal(true);
    expect(comments[0]!.body).to.contain('+ip name-server 10.0.0.53');
    expect(stub.calls('issues/create-comment')).to.have.length(1);
    expect(stub.calls('issues/update-comment')).to.have.length(1);
  });

  it('the base branch moving on does not count as the PR changing things (merge base)', async () => {
    const head = pushToPr({ 'README.md': 'docs only\n' });
    // Meanwhile main gets a template change the PR does not have.
    git(f.templates.work, 'checkout', '-q', '-b', 'other', base);
    const newMain = f.templates.commitAndPush({ 'eos/access.j2': `${access()}ip routing\n` });
    const res = await sendGithub(f.t.url, 'pull_request', prPayload('reopened', head, newMain));
    expect(res.status).to.equal(202);
    await finished(head);
    expect(stub.statuses.at(-1)).to.include({ state: 'success', description: 'no devices affected' });
  });

  it('a failing render: failure naming the device and the template line', async () => {
    const lines = access().split('\n');
    lines.splice(3, 0, '{% if %}');
    const head = pushToPr({ 'eos/access.j2': lines.join('\n') });
    expect((await sendGithub(f.t.url, 'pull_request', prPayload('ready_for_review', head, base))).status).to.equal(202);
    await finished(head);
    const final = stub.statuses.at(-1)!;
    expect(final.state).to.equal('failure');
    expect(final.description).to.equal('render failed on eos-access-1 (+1 more): unexpected token: %} (eos/access.j2 line 4)');
  });

  it('refuses a badly signed webhook and ignores other actions', async () => {
    const head = pushToPr({ 'eos/access.j2': `${access()}!\n` });
    const bad = await sendGithub(f.t.url, 'pull_request', prPayload('opened', head, base), { secret: 'not-the-secret' });
    expect(bad.status).to.equal(401);
    const labeled = await sendGithub(f.t.url, 'pull_request', prPayload('labeled', head, base));
    expect(labeled.body).to.include({ accepted: false });
    expect(labeled.body.ignored).to.match(/action labeled/);
    await f.t.daemon.checks.service!.idle();
    expect(stub.requests).to.have.length(0);
  });
});
