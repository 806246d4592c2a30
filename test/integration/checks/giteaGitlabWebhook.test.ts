/**
 * Gitea/Forgejo `pull_request` and GitLab `Merge Request Hook` webhooks through the daemon, with the
 * payload shapes those hosts document, against stand-ins that validate every request they receive.
 */
import { expect } from 'chai';
import { createHmac, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../../helpers/gitRepos.ts';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { SECRET, startGitOps } from '../../helpers/gitopsDaemon.ts';
import { GiteaApiStub } from '../../helpers/codehost/giteaApiStub.ts';
import { GitlabApiStub } from '../../helpers/codehost/gitlabApiStub.ts';
import { COMMENT_MARKER } from '../../../src/checks/markdownReport.ts';

const TOKEN = 'host-api-token-0123456789';
const REPO = 'netops/templates';

async function post(url: string, headers: Record<string, string>, payload: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
  return { status: res.status, body: await res.json() };
}

describe('checks: Gitea and GitLab webhooks through the daemon', function () {
  this.timeout(60_000);
  let gitea: GiteaApiStub;
  let gitlab: GitlabApiStub;
  let f: GitOpsFixture;
  let base: string;

  beforeEach(async () => {
    gitea = new GiteaApiStub({ token: TOKEN });
    gitlab = new GitlabApiStub({ token: TOKEN });
    await Promise.all([gitea.start(), gitlab.start()]);
    f = await startGitOps({}, undefined, {
      checks: {
        gitea: { token: TOKEN, baseUrl: gitea.url.replace(/\/api\/v1$/, '') },
        gitlab: { token: TOKEN, baseUrl: gitlab.url.replace(/\/api\/v4$/, '') },
        publicUrl: 'https://netsync.example.net',
      },
    });
    base = f.templates.head();
    git(f.templates.work, 'checkout', '-q', '-b', 'feature');
  });

  afterEach(async () => {
    await f.cleanup();
    await Promise.all([gitea.stop(), gitlab.stop()]);
    expect([...gitea.violations, ...gitlab.violations]).to.deep.equal([]);
  });

  function pushTo(ref: string, line: string): string {
    const path = join(f.templates.work, 'eos/access.j2');
    writeFileSync(path, `${git(f.templates.work, 'show', `${base}:eos/access.j2`)}\n${line}\n`);
    git(f.templates.work, 'commit', '-q', '-am', line);
    git(f.templates.work, 'push', '-q', '-f', 'origin', `HEAD:${ref}`);
    return f.templates.head();
  }

  it('Gitea: opened then synchronized -> statuses and one comment', async () => {
    const payload = (action: string, head: string) => ({
      action,
      number: 5,
      pull_request: { id: 77, number: 5, title: 'Enable routing', draft: false, head: { ref: 'feature', sha: head }, base: { ref: 'main', sha: base } },
      repository: { id: 9, name: 'templates', full_name: REPO, clone_url: 'https://gitea.example.net/netops/templates.git' },
      sender: { login: 'ada' },
    });
    const send = (body: unknown) => {
      const raw = JSON.stringify(body);
      const signature = createHmac('sha256', SECRET).update(raw).digest('hex');
      return post(`${f.t.url}/webhooks/gitea`, { 'x-gitea-event': 'pull_request', 'x-gitea-delivery': randomUUID(), 'x-gitea-signature': signature }, body);
    };
    const head1 = pushTo('refs/pull/5/head', 'ip routing');
    expect((await send(payload('opened', head1))).body).to.include({ accepted: true, repo: 'templates' });
    await f.t.daemon.checks.service!.idle();
    const head2 = pushTo('refs/pull/5/head', 'ip name-server 10.0.0.53');
    expect((await send(payload('synchronized', head2))).body).to.include({ accepted: true });
    await f.t.daemon.checks.service!.idle();

    expect(gitea.statuses.map((s) => [s.sha, s.state, s.context])).to.deep.equal([
      [head1, 'pending', 'netsync/impact'],
      [head1, 'success', 'netsync/impact'],
      [head2, 'pending', 'netsync/impact'],
      [head2, 'success', 'netsync/impact'],
    ]);
    expect(gitea.statuses[1]!.description).to.equal('2 devices: 2 ACCESS');
    expect(String(gitea.statuses[1]!.target_url)).to.match(/^https:\/\/netsync\.example\.net\/checks\/[0-9a-f]{32}$/);
    const comments = gitea.commentsOn(REPO, 5);
    expect(comments).to.have.length(1);
    expect(comments[0]!.body.startsWith(COMMENT_MARKER)).to.equal(true);
    expect(comments[0]!.body).to.contain('+ip name-server 10.0.0.53');
  });

  it('GitLab: open, then update with new commits -> statuses and one MR note', async () => {
    const payload = (action: string, head: string, oldrev?: string) => ({
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user: { username: 'ada' },
      project: {
        id: 12,
        path_with_namespace: REPO,
        git_http_url: 'https://gitlab.example.net/netops/templates.git',
        web_url: 'https://gitlab.example.net/netops/templates',
      },
      object_attributes: {
        iid: 3,
        title: 'Enable routing',
        action,
        source_branch: 'feature',
        target_branch: 'main',
        draft: false,
        last_commit: { id: head },
        ...(oldrev ? { oldrev } : {}),
      },
    });
    const send = (body: unknown) => post(`${f.t.url}/webhooks/gitlab`, { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': SECRET }, body);
    const head1 = pushTo('refs/merge-requests/3/head', 'ip routing');
    expect((await send(payload('open', head1))).body).to.include({ accepted: true, repo: 'templates' });
    await f.t.daemon.checks.service!.idle();
    // An update without oldrev only edited the title: no new run.
    expect((await send(payload('update', head1))).body).to.include({ accepted: false });
    const head2 = pushTo('refs/merge-requests/3/head', 'ip name-server 10.0.0.53');
    expect((await send(payload('update', head2, head1))).body).to.include({ accepted: true });
    await f.t.daemon.checks.service!.idle();

    expect(gitlab.statuses.map((s) => [s.project, s.sha, s.state, s.name])).to.deep.equal([
      [REPO, head1, 'running', 'netsync/impact'],
      [REPO, head1, 'success', 'netsync/impact'],
      [REPO, head2, 'running', 'netsync/impact'],
      [REPO, head2, 'success', 'netsync/impact'],
    ]);
    const notes = gitlab.notesOn(REPO, 3);
    expect(notes).to.have.length(1);
    expect(notes[0]!.body).to.contain('+ip name-server 10.0.0.53');
  });
});
