/** GitRepo against real repos made with the git CLI. */
import { expect } from 'chai';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GitRepo } from '../../../src/git/gitRepo.ts';
import { git, makeRepo, makeTmpDir } from '../../helpers/gitRepos.ts';
import { EXAMPLES } from '../../helpers/repoFixtures.ts';

describe('git: GitRepo over a local bare repo', () => {
  const tmp = makeTmpDir('netsync-git-');
  after(() => tmp.cleanup());
  const repo = makeRepo(tmp.dir, 'settings', join(EXAMPLES, 'settings'));
  const mirror = new GitRepo({ name: 'settings', path: repo.bare, branch: 'main' }, join(tmp.dir, 'mirror'));

  it('reads the branch head and every file of a commit', async () => {
    const head = await mirror.fetch();
    expect(head).to.equal(repo.head());
    const files = await mirror.files(head!);
    expect(files.get('global/vlans.yml')).to.contain('users');
    expect([...files.keys()]).to.include('devices/eos-access-1/interfaces.yml');
  });

  it('changed paths come from the trees: added, modified, deleted, nested; untouched subtrees skipped', async () => {
    const a = repo.head();
    const b = repo.commitAndPush({ 'global/vlans.yml': 'vlans: []\n', 'groups/new/x.yml': 'a: 1\n', 'core/interfaces.yml': undefined });
    await mirror.fetch();
    expect(await mirror.changedPaths(a, b)).to.deep.equal(['core/interfaces.yml', 'global/vlans.yml', 'groups/new/x.yml']);
    expect(await mirror.changedPaths(b, b)).to.deep.equal([]);
    expect((await mirror.changedPaths(null, b)).length).to.equal((await mirror.files(b)).size);
  });

  it('builds the files of a commit from a cached commit plus the diff, identical to a full read', async () => {
    await mirror.files((await mirror.fetch()) as string);
    repo.commitAndPush({ 'access/interfaces.yml': undefined, 'access/new.yml': 'a: 1\n', notes: 'file\n' });
    git(repo.work, 'rm', '-q', 'notes');
    const last = repo.commitAndPush({ 'notes/inside.yml': 'a folder now\n', 'global/vlans.yml': 'vlans: [{id: 5, name: five}]\n' });
    await mirror.fetch();
    const incremental = await mirror.files(last);
    const full = await new GitRepo({ name: 'settings', path: repo.bare, branch: 'main' }, join(tmp.dir, 'fresh')).files(last);
    expect([...incremental.entries()].sort()).to.deep.equal([...full.entries()].sort());
    expect(incremental.has('access/interfaces.yml')).to.equal(false);
    expect(incremental.get('notes/inside.yml')).to.equal('a folder now\n');
  });

  it('first-parent chains, ancestry and commit info', async () => {
    const a = repo.head();
    const b = repo.commitAndPush({ 'a.yml': '1' }, 'one');
    const c = repo.commitAndPush({ 'a.yml': '2' }, 'two');
    await mirror.fetch();
    expect(await mirror.firstParentChain(a, c)).to.deep.equal([b, c]);
    expect(await mirror.isAncestor(a, c)).to.equal(true);
    expect(await mirror.isAncestor(c, a)).to.equal(false);
    expect(await mirror.commitInfo(c)).to.include({ author: 'Ada Engineer <ada@example.net>', message: 'two' });
    expect(await mirror.resolve(c.slice(0, 8))).to.equal(c);
    expect(await mirror.resolve('main~2')).to.equal(a);
    expect(await mirror.resolve('HEAD^')).to.equal(b);
  });

  it('sees a force push as a non-ancestor and still diffs the trees', async () => {
    const before = repo.head();
    git(repo.work, 'reset', '-q', '--hard', 'HEAD~1');
    git(repo.work, 'commit', '-q', '--allow-empty', '-m', 'rewritten');
    git(repo.work, 'push', '-q', '-f', 'origin', 'HEAD:main');
    const after = await mirror.fetch();
    expect(after).to.equal(repo.head());
    expect(await mirror.firstParentChain(before, after!)).to.equal(null);
    expect(await mirror.changedPaths(before, after!)).to.deep.equal(['a.yml']);
  });

  it('reads a repo given as a file:// URL, and reports a missing branch as null', async () => {
    const byUrl = new GitRepo({ name: 's', url: pathToFileURL(repo.bare).href, branch: 'main' }, join(tmp.dir, 'm2'));
    expect(await byUrl.fetch()).to.equal(repo.head());
    const noBranch = new GitRepo({ name: 's', path: repo.bare, branch: 'production' }, join(tmp.dir, 'm3'));
    expect(await noBranch.fetch()).to.equal(null);
    const err = await mirror.resolve('nope').catch((e: unknown) => e);
    expect(err).to.have.property('code', 'NOT_FOUND');
    const unknownSha = await mirror.resolve('0123456789abcdef0123456789abcdef01234567').catch((e: unknown) => e);
    expect(unknownSha).to.have.property('code', 'NOT_FOUND');
    const blob = git(repo.work, 'rev-parse', 'HEAD:a.yml');
    expect(await mirror.resolve(blob).catch((e: unknown) => e)).to.have.property('code', 'NOT_FOUND');
  });
});
