/**
 * The git server hooks, fired for real by `git push` into a bare repo: post-receive notifies the daemon
 * (signed), pre-receive refuses a push whose settings are invalid or whose templates do not render.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { SECRET, startGitOps } from '../../helpers/gitopsDaemon.ts';
import { git } from '../../helpers/gitRepos.ts';
import { EXAMPLES, ROOT } from '../../helpers/repoFixtures.ts';
import { readRepoState } from '../../../src/intake/repoState.ts';

function install(bare: string, hook: 'post-receive' | 'pre-receive', config: Record<string, string>): void {
  copyFileSync(join(ROOT, 'hooks', hook), join(bare, 'hooks', hook));
  for (const [key, value] of Object.entries(config)) git(bare, 'config', key, value);
}

/**
 * Commits and runs `git push` asynchronously (the daemon under test shares this process: a synchronous
 * push would block it from answering the hook), returning the push's stderr, where hook output arrives.
 */
async function push(work: string, files: Record<string, string>, message: string): Promise<{ ok: boolean; stderr: string }> {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
  try {
    const { stderr } = await promisify(execFile)('git', ['push', 'origin', 'HEAD:main'], { cwd: work, encoding: 'utf8' });
    return { ok: true, stderr };
  } catch (err) {
    return { ok: false, stderr: String((err as { stderr: string }).stderr) };
  }
}

describe('git server hooks (integration)', function () {
  this.timeout(60_000);
  let f: GitOpsFixture;
  before(async () => {
    f = await startGitOps();
    await f.t.daemon.gitops!.intake.pollAll();
    await f.syncAll();
  });
  after(async () => f.cleanup());

  it('post-receive: a real git push notifies the daemon, which marks the device at once', async () => {
    install(f.settings.bare, 'post-receive', { 'netsync.url': f.t.url, 'netsync.repo': 'settings', 'netsync.secret': SECRET });
    const pushed = await push(f.settings.work, { 'devices/nc-core-1/vlans.yml': 'vlans:\n  - { id: 70, name: hooked }\n' }, 'via hook');
    // The hook waited for the verdict: by the time `git push` returns, the device is marked and the pusher told.
    expect(pushed.stderr).to.contain(`netsync: refs/heads/main ${f.settings.head().slice(0, 10)} accepted: 1 device marked unsynchronized: nc-core-1`);
    const events = await f.openEvents('nc-core-1');
    expect(events[0]).to.include({ cause: 'settings_changed', commit: f.settings.head(), by: 'Ada Engineer <ada@example.net>' });
    expect(events[0]!.detail).to.contain('devices/nc-core-1/vlans.yml');
  });

  it('post-receive with a wrong secret is refused (401) and changes nothing; the push itself still succeeds', async () => {
    git(f.settings.bare, 'config', 'netsync.secret', 'not-the-secret');
    await f.syncAll();
    const result = await push(f.settings.work, { 'core/extra.yml': 'snmp_location: lab\n' }, 'wrong secret');
    expect(result.ok).to.equal(true);
    expect(result.stderr, result.stderr).to.contain('401');
    await f.t.daemon.gitops!.intake.idle();
    expect((await f.t.daemon.store.listDevices({ synchronized: false })).length).to.equal(0);
    git(f.settings.bare, 'config', 'netsync.secret', SECRET);
  });

  it('post-receive: a push netsync rejects (invalid YAML) says REJECTED, each problem and the known-good commit in force', async () => {
    const knownGood = (await readRepoState(f.t.daemon.store, 'settings')).knownGood!;
    const result = await push(f.settings.work, { 'access/broken.yml': 'key: value\n  bad indent: x\n' }, 'broken yaml');
    expect(result.ok, 'post-receive never fails the push').to.equal(true);
    expect(result.stderr).to.contain(`netsync: refs/heads/main ${f.settings.head().slice(0, 10)} REJECTED:`);
    expect(result.stderr).to.contain('netsync:   - access/broken.yml: Nested mappings are not allowed in compact mappings at line 1, column 6 ("key: value")');
    expect(result.stderr, 'no dangling colon').to.not.match(/column \d+:\s*$/m);
    expect(result.stderr).to.contain(`the last known-good commit ${knownGood.slice(0, 10)} stays in force`);
    expect((await f.t.daemon.store.listDevices({ synchronized: false })).length).to.equal(0);
    // The fix is accepted again, and the hook says so.
    git(f.settings.work, 'rm', '-q', 'access/broken.yml');
    const fixed = await push(f.settings.work, {}, 'fix yaml');
    expect(fixed.stderr)
      .to.match(/ accepted(:|$)/m)
      .and.not.contain('REJECTED');
  });

  it('post-receive: a template with an undefined variable is REJECTED, naming each device', async () => {
    install(f.templates.bare, 'post-receive', { 'netsync.url': f.t.url, 'netsync.repo': 'templates', 'netsync.secret': SECRET });
    const result = await push(f.templates.work, { 'eos/base.j2': 'hostname {{ hostname }}\nsnmp-server location {{ snmp_locaton }}\n' }, 'typo');
    expect(result.ok).to.equal(true);
    expect(result.stderr).to.contain('REJECTED:');
    expect(result.stderr).to.match(/- .*eos-access-1.*snmp_locaton/);
    expect(result.stderr).to.match(/- .*eos-access-2.*snmp_locaton/);
    expect(result.stderr).to.contain('stays in force');
    const fixed = await push(f.templates.work, { 'eos/base.j2': readFileSync(join(EXAMPLES, 'templates/eos/base.j2'), 'utf8') }, 'fix typo');
    expect(fixed.stderr)
      .to.match(/ accepted(:|$)/m)
      .and.not.contain('REJECTED');
  });

  it('post-receive: netsync.wait 0 does not wait (the old one-line answer)', async () => {
    git(f.settings.bare, 'config', 'netsync.wait', '0');
    const pushed = await push(f.settings.work, { 'core/extra.yml': 'snmp_location: wait0\n' }, 'no wait');
    expect(pushed.stderr).to.match(/netsync: refs\/heads\/main \w+ -> 202 accepted/);
    git(f.settings.bare, 'config', '--unset', 'netsync.wait');
    await f.t.daemon.gitops!.intake.idle();
  });

  describe('pre-receive', () => {
    before(() => {
      const config = join(f.dir, 'hook-netsync.yml');
      writeFileSync(
        config,
        `dataDir: ${join(f.dir, 'hook-data')}\nrepos:\n  settings: { path: ${f.settings.bare} }\n  templates: { path: ${f.templates.bare} }\n`,
      );
      // The example devices plus one that never renders (no BORDER entry in eos/mapping.yml): it must only
      // block pushes that affect it.
      const inventory = join(f.dir, 'hook-inventory.yml');
      writeFileSync(
        inventory,
        `${readFileSync(join(EXAMPLES, 'inventory.yml'), 'utf8')}  - { hostname: eos-border-1, managementIp: 127.0.0.1, port: 10024, platform: eos, type: BORDER }\n`,
      );
      const common = { 'netsync.command': `node ${join(ROOT, 'bin/netsync.js')}`, 'netsync.config': config, 'netsync.inventory': inventory };
      install(f.settings.bare, 'pre-receive', { ...common, 'netsync.repo': 'settings' });
      install(f.templates.bare, 'pre-receive', { ...common, 'netsync.repo': 'templates' });
    });

    it('refuses settings with a duplicate VLAN id, naming the file', async () => {
      const head = git(f.settings.bare, 'rev-parse', 'main');
      const result = await push(f.settings.work, { 'access/vlans.yml': 'vlans:\n  - { id: 80, name: a }\n  - { id: 80, name: b }\n' }, 'dup vlan');
      expect(result.ok).to.equal(false);
      expect(result.stderr).to.match(/rejected/);
      expect(result.stderr).to.contain('access/vlans.yml: VLAN id 80 is defined twice');
      expect(git(f.settings.bare, 'rev-parse', 'main')).to.equal(head);
      git(f.settings.work, 'reset', '-q', '--hard', 'origin/main');
    });

    it('refuses a template that does not render, naming each device and why', async () => {
      const result = await push(f.templates.work, { 'eos/interfaces.j2': '{% for intf in interfaces %}\ninterface {{ intf.name }}\n' }, 'unclosed for');
      expect(result.ok).to.equal(false);
      expect(result.stderr).to.contain('FAIL eos-access-1');
      expect(result.stderr).to.contain('FAIL eos-access-2');
      expect(result.stderr).to.not.contain('nc-dist-1');
      expect(result.stderr).to.not.contain('eos-border-1');
      git(f.templates.work, 'reset', '-q', '--hard', 'origin/main');
    });

    it('a device that was already broken blocks only the pushes that affect it', async () => {
      const head = git(f.settings.bare, 'rev-parse', 'main');
      const result = await push(f.settings.work, { 'global/snmp.yml': 'snmp_location: lab\n' }, 'every device');
      expect(result.ok).to.equal(false);
      expect(result.stderr).to.contain('FAIL eos-border-1');
      expect(result.stderr).to.not.contain('eos-access-1');
      expect(git(f.settings.bare, 'rev-parse', 'main')).to.equal(head);
      git(f.settings.work, 'reset', '-q', '--hard', 'origin/main');
    });

    it('accepts a valid push (eos-border-1 is not affected by access/)', async () => {
      const result = await push(f.settings.work, { 'access/vlans.yml': 'vlans:\n  - { id: 80, name: cameras }\n' }, 'valid');
      expect(result.ok, result.stderr).to.equal(true);
      expect(git(f.settings.bare, 'rev-parse', 'main')).to.equal(git(f.settings.work, 'rev-parse', 'HEAD'));
    });
  });
});
