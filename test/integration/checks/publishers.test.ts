/**
 * The three publishers against local stand-ins for GitHub, Gitea and GitLab that
 * validate every request (GitHub: its published OpenAPI description).
 */
import { expect } from 'chai';
import { Octokit } from '@octokit/rest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GithubPublisher } from '../../../src/checks/providers/githubPublisher.ts';
import { GiteaPublisher } from '../../../src/checks/providers/giteaPublisher.ts';
import { GitlabPublisher } from '../../../src/checks/providers/gitlabPublisher.ts';
import { COMMENT_MARKER } from '../../../src/checks/markdownReport.ts';
import type { PullRequestRef } from '../../../src/checks/model.ts';
import { GithubApiStub } from '../../helpers/codehost/githubApiStub.ts';
import { GiteaApiStub } from '../../helpers/codehost/giteaApiStub.ts';
import { GitlabApiStub } from '../../helpers/codehost/gitlabApiStub.ts';

const TOKEN = 'ghp_test_token_0123456789';
const SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const LONG = `render failed on sw-3: ${'x'.repeat(200)}`;

describe('checks publishers', function () {
  describe('GitHub (validated against @octokit/openapi)', () => {
    let stub: GithubApiStub;
    const pr: PullRequestRef = { provider: 'github', repo: 'Codertocat/Hello-World', number: 2, headSha: SHA };

    beforeEach(async () => {
      stub = new GithubApiStub({ token: TOKEN });
      await stub.start();
    });
    afterEach(async () => {
      await stub.stop();
    });

    it('sets pending then success on the head SHA with the context and target_url', async () => {
      const gh = new GithubPublisher({ token: TOKEN, baseUrl: stub.url });
      await gh.setStatus(pr, { state: 'pending', description: 'computing impact', context: 'netsync/impact', targetUrl: 'http://netsync.test/checks/abc' });
      await gh.setStatus(pr, {
        state: 'success',
        description: '12 devices: 10 ACCESS, 2 DIST',
        context: 'netsync/impact',
        targetUrl: 'http://netsync.test/checks/abc',
      });
      expect(stub.violations).to.deep.equal([]);
      expect(stub.statuses.map((s) => [s.repo, s.sha, s.state, s.context])).to.deep.equal([
        ['Codertocat/Hello-World', SHA, 'pending', 'netsync/impact'],
        ['Codertocat/Hello-World', SHA, 'success', 'netsync/impact'],
      ]);
      expect(stub.statuses[1]!.target_url).to.equal('http://netsync.test/checks/abc');
    });

    it('cuts a long description to 140 characters (the stub rejects 141)', async () => {
      const gh = new GithubPublisher({ token: TOKEN, baseUrl: stub.url });
      await gh.setStatus(pr, { state: 'failure', description: LONG, context: 'netsync/impact' });
      expect(stub.violations).to.deep.equal([]);
      expect([...String(stub.statuses[0]!.description)]).to.have.length(140);

      // The stand-in itself must refuse what GitHub refuses, or the test above proves nothing.
      const raw = new Octokit({ auth: TOKEN, baseUrl: stub.url, log: { debug() {}, info() {}, warn() {}, error() {} } });
      const err = await raw.rest.repos
        .createCommitStatus({ owner: 'o', repo: 'r', sha: SHA, state: 'failure', description: 'y'.repeat(141) })
        .catch((e: unknown) => e);
      expect((err as { status?: number }).status).to.equal(422);
      expect(stub.violations).to.have.length(1);
      stub.violations.length = 0;
    });

    it('rejects requests that do not match the OpenAPI description', async () => {
      const res = await fetch(`${stub.url}/repos/o/r/statuses/${SHA}`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, 'user-agent': 't', 'content-type': 'application/json' },
        body: JSON.stringify({ state: 'done' }),
      });
      expect(res.status).to.equal(422);
      const wrongPath = await fetch(`${stub.url}/repos/o/r/status/${SHA}`, { method: 'POST', headers: { authorization: `token ${TOKEN}`, 'user-agent': 't' } });
      expect(wrongPath.status).to.equal(422);
      const missingBody = await fetch(`${stub.url}/repos/o/r/issues/2/comments`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, 'user-agent': 't', 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi' }),
      });
      expect(missingBody.status).to.equal(422);
      expect(stub.violations).to.have.length(3);
      stub.violations.length = 0;
    });

    it('creates one comment, then updates the same one, leaving other comments alone (across pages)', async () => {
      const gh = new GithubPublisher({ token: TOKEN, baseUrl: stub.url });
      // 150 comments by people push ours onto the second page.
      for (let i = 0; i < 150; i++) stub.seedComment(pr.repo, pr.number, `comment ${i}`);
      stub.seedComment(pr.repo, pr.number, `quoting you: ${COMMENT_MARKER}`);
      const first = await gh.upsertComment(pr, `${COMMENT_MARKER}\nfirst`, COMMENT_MARKER);
      const second = await gh.upsertComment(pr, `${COMMENT_MARKER}\nsecond`, COMMENT_MARKER);
      expect(stub.violations).to.deep.equal([]);
      expect(first.created).to.equal(true);
      expect(second).to.deep.equal({ id: first.id, created: false });
      const ours = stub.commentsOn(pr.repo, pr.number).filter((c) => c.body.startsWith(COMMENT_MARKER));
      expect(ours.map((c) => c.body)).to.deep.equal([`${COMMENT_MARKER}\nsecond`]);
      expect(stub.commentsOn(pr.repo, pr.number)).to.have.length(152);
      expect(stub.calls('issues/list-comments').length).to.be.greaterThan(2);
    });

    it('works against a GitHub Enterprise base URL (/api/v3)', async () => {
      const ghes = new GithubApiStub({ token: TOKEN, prefix: '/api/v3' });
      await ghes.start();
      try {
        const gh = new GithubPublisher({ token: TOKEN, baseUrl: ghes.url });
        await gh.setStatus(pr, { state: 'success', description: 'no devices affected', context: 'netsync/impact' });
        await gh.upsertComment(pr, `${COMMENT_MARKER}\nx`, COMMENT_MARKER);
        expect(ghes.violations).to.deep.equal([]);
        expect(ghes.statuses).to.have.length(1);
        expect(ghes.commentsOn(pr.repo, pr.number)).to.have.length(1);
      } finally {
        await ghes.stop();
      }
    });

    it('reports a wrong token as CHECK_PUBLISH_FAILED', async () => {
      const gh = new GithubPublisher({ token: 'wrong-token-000000000', baseUrl: stub.url });
      const err = await gh.setStatus(pr, { state: 'pending', description: 'x', context: 'c' }).catch((e: unknown) => e);
      expect((err as { code?: string }).code).to.equal('CHECK_PUBLISH_FAILED');
      expect((err as { data?: { status?: number } }).data?.status).to.equal(401);
      stub.violations.length = 0;
    });
  });

  describe('Gitea/Forgejo', () => {
    it('sets statuses and keeps one comment', async () => {
      const stub = new GiteaApiStub({ token: TOKEN });
      await stub.start();
      try {
        const base = stub.url.replace(/\/api\/v1$/, '');
        const gitea = new GiteaPublisher({ baseUrl: base, token: TOKEN });
        const pr: PullRequestRef = { provider: 'gitea', repo: 'netops/settings', number: 7, headSha: SHA };
        for (let i = 0; i < 60; i++) stub.seedComment(pr.repo, pr.number, `review ${i}`);
        await gitea.setStatus(pr, { state: 'pending', description: 'computing impact', context: 'netsync/impact', targetUrl: 'http://n/checks/1' });
        await gitea.setStatus(pr, { state: 'failure', description: LONG, context: 'netsync/impact', targetUrl: 'http://n/checks/1' });
        const a = await gitea.upsertComment(pr, `${COMMENT_MARKER}\none`, COMMENT_MARKER);
        const b = await gitea.upsertComment(pr, `${COMMENT_MARKER}\ntwo`, COMMENT_MARKER);
        expect(stub.violations).to.deep.equal([]);
        expect(stub.statuses.map((s) => s.state)).to.deep.equal(['pending', 'failure']);
        expect([...String(stub.statuses[1]!.description)].length).to.be.at.most(140);
        expect(b).to.deep.equal({ id: a.id, created: false });
        expect(
          stub
            .commentsOn(pr.repo, pr.number)
            .filter((c) => c.body.includes(COMMENT_MARKER))
            .map((c) => c.body),
        ).to.deep.equal([`${COMMENT_MARKER}\ntwo`]);
      } finally {
        await stub.stop();
      }
    });
  });

  // The stand-ins must refuse what the documented shapes refuse, or the tests above prove nothing.
  it('the Gitea and GitLab stand-ins refuse requests outside their documented shapes', async () => {
    const gitea = new GiteaApiStub({ token: TOKEN });
    const gitlab = new GitlabApiStub({ token: TOKEN });
    await Promise.all([gitea.start(), gitlab.start()]);
    try {
      const send = (url: string, method: string, headers: Record<string, string>, body?: unknown) =>
        fetch(url, { method, headers: { ...headers, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }).then(
          (r) => r.status,
        );
      const gt = { authorization: `token ${TOKEN}` };
      expect(await send(`${gitea.url}/repos/o/r/issues/7/comments?page=2&limit=50`, 'GET', gt)).to.equal(422); // issueGetComments takes no paging
      expect(await send(`${gitea.url}/repos/o/r/issues/7/comments`, 'POST', gt, { text: 'hi' })).to.equal(422);
      expect(await send(`${gitea.url}/repos/o/r/statuses/${SHA}`, 'POST', gt, { state: 'running' })).to.equal(422);
      expect(gitea.violations).to.have.length(3);
      const gl = { 'private-token': TOKEN };
      expect(await send(`${gitlab.url}/projects/o%2Fr/statuses/${SHA}`, 'POST', gl, { state: 'failure' })).to.equal(422); // GitLab says "failed"
      expect(await send(`${gitlab.url}/projects/o%2Fr/statuses/${SHA}`, 'POST', gl, { name: 'netsync/impact' })).to.equal(422);
      expect(await send(`${gitlab.url}/projects/o%2Fr/merge_requests/3/notes?per_page=500`, 'GET', gl)).to.equal(422);
      expect(gitlab.violations).to.have.length(3);
    } finally {
      await Promise.all([gitea.stop(), gitlab.stop()]);
    }
  });

  describe('GitLab', () => {
    it('sets statuses (running, failed) and keeps one MR note, ignoring system notes', async () => {
      const stub = new GitlabApiStub({ token: TOKEN });
      await stub.start();
      try {
        const gitlab = new GitlabPublisher({ baseUrl: stub.url.replace(/\/api\/v4$/, ''), token: TOKEN });
        const pr: PullRequestRef = { provider: 'gitlab', repo: 'netops/infra/settings', number: 3, headSha: SHA };
        stub.seedNote(pr.repo, pr.number, `${COMMENT_MARKER} (system note)`, true);
        await gitlab.setStatus(pr, { state: 'pending', description: 'computing impact', context: 'netsync/impact', targetUrl: 'http://n/checks/1' });
        await gitlab.setStatus(pr, { state: 'failure', description: LONG, context: 'netsync/impact' });
        const a = await gitlab.upsertComment(pr, `${COMMENT_MARKER}\none`, COMMENT_MARKER);
        const b = await gitlab.upsertComment(pr, `${COMMENT_MARKER}\ntwo`, COMMENT_MARKER);
        expect(stub.violations).to.deep.equal([]);
        expect(stub.statuses.map((s) => [s.project, s.state, s.name])).to.deep.equal([
          ['netops/infra/settings', 'running', 'netsync/impact'],
          ['netops/infra/settings', 'failed', 'netsync/impact'],
        ]);
        expect(b).to.deep.equal({ id: a.id, created: false });
        expect(stub.notesOn(pr.repo, pr.number).map((n) => n.body)).to.deep.equal([`${COMMENT_MARKER} (system note)`, `${COMMENT_MARKER}\ntwo`]);
      } finally {
        await stub.stop();
      }
    });
  });

  it('Gitea: an HTML answer (baseUrl not the API) is CHECK_PUBLISH_FAILED, not a JSON parser error', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const gitea = new GiteaPublisher({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: TOKEN });
      const pr: PullRequestRef = { provider: 'gitea', repo: 'netops/settings', number: 7, headSha: SHA };
      const err = await gitea.upsertComment(pr, `${COMMENT_MARKER}\none`, COMMENT_MARKER).catch((e: unknown) => e);
      expect(err).to.have.property('code', 'CHECK_PUBLISH_FAILED');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
