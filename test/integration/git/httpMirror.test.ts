/** A repo fetched over smart HTTP (git http-backend) into a mirror, with a token, as for GitHub/Gitea/GitLab. */
import { expect } from 'chai';
import { join } from 'node:path';
import { GitRepo } from '../../../src/git/gitRepo.ts';
import type { GitHttpServer } from '../../helpers/gitHttpServer.ts';
import { startGitHttpServer } from '../../helpers/gitHttpServer.ts';
import { makeRepo, makeTmpDir } from '../../helpers/gitRepos.ts';
import { EXAMPLES } from '../../helpers/repoFixtures.ts';

describe('git: http(s) mirror (integration)', () => {
  const tmp = makeTmpDir('netsync-http-');
  let server: GitHttpServer;
  const repo = makeRepo(tmp.dir, 'settings', join(EXAMPLES, 'settings'));
  const TOKEN = 'glpat-test-token-123';
  before(async () => {
    server = await startGitHttpServer(tmp.dir, TOKEN);
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('clones into the data dir with the token, then fetches new commits and diffs them', async () => {
    const mirror = new GitRepo({ name: 'settings', url: `${server.url}/settings.git`, branch: 'main', token: TOKEN }, join(tmp.dir, 'data', 'settings.git'));
    const first = await mirror.fetch();
    expect(first).to.equal(repo.head());
    expect((await mirror.files(first!)).get('global/vlans.yml')).to.contain('users');
    const second = repo.commitAndPush({ 'core/interfaces.yml': 'interfaces: []\n' });
    expect(await mirror.fetch()).to.equal(second);
    expect(await mirror.changedPaths(first, second)).to.deep.equal(['core/interfaces.yml']);
    expect(await mirror.resolve()).to.equal(second);
  });

  it('a wrong token fails with GIT_FETCH_FAILED and the error does not carry the token', async () => {
    const before = server.refused;
    const mirror = new GitRepo(
      { name: 'settings', url: `${server.url}/settings.git`, branch: 'main', token: 'wrong-token-456' },
      join(tmp.dir, 'data2', 'settings.git'),
    );
    const err = (await mirror.fetch().catch((e: unknown) => e)) as { code: string; message: string };
    expect(err.code).to.equal('GIT_FETCH_FAILED');
    expect(err.message).to.not.contain('wrong-token-456');
    expect(server.refused).to.be.greaterThan(before);
  });

  it('a branch the remote does not have is null, not an error', async () => {
    const mirror = new GitRepo(
      { name: 'settings', url: `${server.url}/settings.git`, branch: 'release', token: TOKEN },
      join(tmp.dir, 'data3', 'settings.git'),
    );
    expect(await mirror.fetch()).to.equal(null);
  });
});
