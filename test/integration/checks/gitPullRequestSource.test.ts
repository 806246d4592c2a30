/**
 * PR heads from a mirrored repo over real smart HTTP (git http-backend): the head of a PR lives only
 * under refs/pull/N/head (GitHub, Gitea) or refs/merge-requests/N/head (GitLab), not on any branch.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitPullRequestSource } from '../../../src/checks/gitPullRequestSource.ts';
import type { PullRequestEvent } from '../../../src/checks/pullRequestEvent.ts';
import { GitRepo } from '../../../src/git/gitRepo.ts';
import { startGitHttpServer } from '../../helpers/gitHttpServer.ts';
import type { GitHttpServer } from '../../helpers/gitHttpServer.ts';
import { git, makeRepo, makeTmpDir } from '../../helpers/gitRepos.ts';

describe('checks: GitPullRequestSource over smart HTTP', function () {
  let tmp: { dir: string; cleanup(): void };
  let server: GitHttpServer;

  beforeEach(async () => {
    tmp = makeTmpDir('netsync-prsource-');
    server = await startGitHttpServer(tmp.dir, 'repo-token-123');
  });
  afterEach(async () => {
    await server.close();
    tmp.cleanup();
  });

  for (const provider of ['github', 'gitlab'] as const) {
    it(`${provider}: fetches the PR head ref and returns the merge base`, async () => {
      const repo = makeRepo(tmp.dir, 'templates');
      const base = repo.head();
      git(repo.work, 'checkout', '-q', '-b', 'feature');
      writeFileSync(join(repo.work, 'x.j2'), 'x\n');
      git(repo.work, 'add', '-A');
      git(repo.work, 'commit', '-q', '-m', 'pr');
      const head = repo.head();
      const ref = provider === 'gitlab' ? 'refs/merge-requests/3/head' : 'refs/pull/3/head';
      git(repo.work, 'push', '-q', 'origin', `HEAD:${ref}`);
      // main moves on after the PR branched off.
      git(repo.work, 'checkout', '-q', 'main');
      const newMain = repo.commitAndPush({ 'y.j2': 'y\n' });

      const url = `${server.url}/templates.git`;
      const mirror = new GitRepo({ name: 'templates', url, branch: 'main', token: 'repo-token-123' }, join(tmp.dir, 'mirror.git'));
      expect(await mirror.fetch()).to.equal(newMain);
      const missing = await mirror.commitInfo(head).then(
        () => 'present',
        () => 'missing',
      );
      expect(missing, 'the PR head is on no branch, so a branch fetch does not bring it').to.equal('missing');

      const other = new GitRepo({ name: 'settings', path: repo.bare, branch: 'main' }, join(tmp.dir, 'unused'));
      const source = new GitPullRequestSource({ templates: mirror, settings: other }, { templates: { url, token: 'repo-token-123' } });
      const pr: PullRequestEvent = {
        provider,
        repo: 'netops/templates',
        number: 3,
        title: 't',
        action: 'opened',
        baseRef: 'main',
        headSha: head,
        headRef: 'feature',
        draft: false,
        repoKind: 'templates',
        ...(provider === 'github' ? { baseSha: newMain } : {}),
      };
      expect(source.repoOf(pr)).to.equal('templates');
      expect(await source.prepare('templates', pr)).to.deep.equal({ baseSha: base });
      expect((await mirror.commitInfo(head)).sha).to.equal(head);
    });
  }

  it('a wrong token fails with GIT_FETCH_FAILED', async () => {
    const repo = makeRepo(tmp.dir, 'settings');
    const url = `${server.url}/settings.git`;
    const mirror = new GitRepo({ name: 'settings', url, branch: 'main', token: 'repo-token-123' }, join(tmp.dir, 'm.git'));
    const source = new GitPullRequestSource({ settings: mirror, templates: mirror }, { settings: { url, token: 'wrong' } });
    const pr: PullRequestEvent = {
      provider: 'github',
      repo: 'netops/settings',
      number: 1,
      title: 't',
      action: 'opened',
      baseRef: 'main',
      headSha: 'a'.repeat(40),
      headRef: 'f',
      draft: false,
      repoKind: 'settings',
    };
    const err = await source.prepare('settings', pr).catch((e: { code?: string }) => e);
    expect((err as { code?: string }).code).to.equal('GIT_FETCH_FAILED');
    expect(server.refused).to.be.greaterThan(0);
    expect(repo.head()).to.be.a('string');
  });
});
