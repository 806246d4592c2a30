/** The polling fallback: a lost webhook delays an update but never loses it. */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { startGitOps } from '../../helpers/gitopsDaemon.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import { git } from '../../helpers/gitRepos.ts';
import { EXAMPLES } from '../../helpers/repoFixtures.ts';

const HOSTS = ['eos-access-1', 'eos-access-2', 'nc-dist-1', 'nc-core-1'];

describe('intake: polling (integration)', () => {
  let f: GitOpsFixture | undefined;
  afterEach(async () => f?.cleanup());

  it('lost webhooks: 20 pushes without any webhook are all reflected after one poll, each device blamed on its last commit', async () => {
    f = await startGitOps();
    await f.t.daemon.gitops!.intake.pollAll();
    await f.syncAll();
    const lastCommitFor = new Map<string, string>();
    for (let i = 1; i <= 20; i++) {
      const host = HOSTS[i % HOSTS.length]!;
      const sha = f.settings.commitAndPush({ [`devices/${host}/vlans.yml`]: `vlans:\n  - { id: ${100 + i}, name: v${i} }\n` }, `push ${i}`);
      lastCommitFor.set(host, sha);
    }
    expect((await f.t.daemon.store.listDevices({ synchronized: false })).length).to.equal(0);

    await f.t.daemon.gitops!.intake.pollAll();

    for (const host of HOSTS) {
      const events = await f.openEvents(host);
      expect(events, host).to.have.length(1);
      expect(events[0]).to.include({ cause: 'settings_changed', commit: lastCommitFor.get(host) });
      expect(events[0]!.detail).to.contain(`devices/${host}/vlans.yml`);
    }
    const { body } = await f.t.call('GET', '/api/v1/repositories');
    const settings = body.repositories.find((r: { name: string }) => r.name === 'settings');
    expect(settings).to.include({ knownGood: f.settings.head(), lastProcessed: f.settings.head() });
    expect(body.events[0]).to.include({ kind: 'applied', trigger: 'poll', commits: 20 });
  });

  it('a device that never rendered does not keep the repos from their baseline, nor block later pushes', async () => {
    // eos/mapping.yml has no BORDER entry: this device fails to render at every commit.
    const seedDir = await tempDir('netsync-seed-');
    const seed = join(seedDir, 'inventory.yml');
    writeFileSync(
      seed,
      `${readFileSync(join(EXAMPLES, 'inventory.yml'), 'utf8')}  - { hostname: eos-border-1, managementIp: 127.0.0.1, port: 10024, platform: eos, type: BORDER }\n`,
    );
    f = await startGitOps({}, undefined, { inventory: { seed } }).finally(() => removeDir(seedDir));
    await f.t.daemon.gitops!.intake.pollAll();
    const { body } = await f.t.call('GET', '/api/v1/repositories');
    expect(body.repositories.map((r: { knownGood: string | null }) => r.knownGood)).to.deep.equal([f.settings.head(), f.templates.head()]);
    await f.syncAll();
    f.settings.commitAndPush({ 'global/vlans.yml': 'vlans:\n  - { id: 10, name: users }\n  - { id: 99, name: new }\n' });
    const applied = (await f.t.call('POST', '/api/v1/repositories/settings/refresh')).body.result;
    expect(applied.status).to.equal('applied');
    expect(applied.marked.map((m: { hostname: string }) => m.hostname)).to.include('eos-access-1');
    // Failing at both commits is a state, not a change: one open render_failed event, however many pushes touch it.
    expect(applied.marked.map((m: { hostname: string }) => m.hostname)).to.not.include('eos-border-1');
    const renderFailed = async () => (await f!.openEvents('eos-border-1')).map((e) => [e.cause, e.by]);
    expect(await renderFailed()).to.deep.equal([['render_failed', 'netsync']]);
    expect((await f.device('eos-border-1')).synchronized).to.equal(false);
    f.settings.commitAndPush({ 'global/vlans.yml': 'vlans:\n  - { id: 10, name: users }\n  - { id: 98, name: newer }\n' });
    expect((await f.t.call('POST', '/api/v1/repositories/settings/refresh')).body.result.status).to.equal('applied');
    expect(await renderFailed()).to.deep.equal([['render_failed', 'netsync']]);
  });

  it('the cron schedule polls on its own', async () => {
    f = await startGitOps({ poll: '* * * * * *' });
    const fx = f;
    await fx.waitFor(async () => (await fx.t.call('GET', '/api/v1/repositories')).body.repositories.every((r: { knownGood: string | null }) => r.knownGood));
    await fx.syncAll();
    fx.settings.commitAndPush({ 'core/interfaces.yml': 'interfaces:\n  - { name: ge-0/0/1, description: polled, vlan: 100 }\n' });
    await fx.waitFor(async () => !(await fx.device('nc-core-1')).synchronized);
  });

  it('a force push is diffed against the last known-good commit; a deleted branch keeps it in force', async () => {
    f = await startGitOps();
    await f.t.daemon.gitops!.intake.pollAll();
    f.settings.commitAndPush({ 'dist/interfaces.yml': 'interfaces:\n  - { name: ge-0/0/1, description: one, vlan: 10 }\n' });
    await f.t.daemon.gitops!.intake.pollAll();
    await f.syncAll();
    // Rewrite history: drop that commit and change core instead.
    git(f.settings.work, 'reset', '-q', '--hard', 'HEAD~1');
    f.settings.commitAndPush({ 'core/interfaces.yml': 'interfaces: []\n' }, 'rewritten', { force: true });
    const forced = (await f.t.call('POST', '/api/v1/repositories/settings/refresh')).body.result;
    expect(forced.status).to.equal('applied');
    // dist/ went back to its old content and core/ changed: both are real changes against the known-good commit.
    expect(forced.marked.map((m: { hostname: string }) => m.hostname).sort()).to.deep.equal(['nc-core-1', 'nc-dist-1']);

    const good = f.settings.head();
    git(f.settings.bare, 'update-ref', '-d', 'refs/heads/main');
    const gone = (await f.t.call('POST', '/api/v1/repositories/settings/refresh')).body.result;
    expect(gone.status).to.equal('branch_missing');
    expect((await f.t.call('POST', '/api/v1/repositories/settings/refresh')).body.result.status).to.equal('branch_missing');
    const { body } = await f.t.call('GET', '/api/v1/repositories');
    expect(body.repositories[0].knownGood).to.equal(good);
    // Recorded once, not once per poll that finds the branch still gone.
    expect(body.events.filter((e: { kind: string }) => e.kind === 'branch_missing')).to.have.length(1);

    // Re-creating the branch (before = 0000...) is diffed against the same known-good commit.
    await f.syncAll();
    const recreated = f.settings.commitAndPush({ 'devices/nc-dist-1/vlans.yml': 'vlans:\n  - { id: 77, name: back }\n' }, 'branch is back');
    const back = (await f.t.call('POST', '/api/v1/repositories/settings/refresh')).body.result;
    expect(back).to.deep.include({ status: 'applied', before: good, after: recreated });
    expect(back.marked.map((m: { hostname: string }) => m.hostname)).to.deep.equal(['nc-dist-1']);
  });
});
