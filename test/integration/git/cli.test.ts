/** `netsync impact` and `netsync render` as a user runs them: the real binary against real repos. */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestRepo } from '../../helpers/gitRepos.ts';
import { makeRepo, makeTmpDir } from '../../helpers/gitRepos.ts';
import { EXAMPLES, ROOT } from '../../helpers/repoFixtures.ts';

async function netsync(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [join(ROOT, 'bin/netsync.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, NETSYNC_SECRET_SNMP: 'community-s3cret' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cli: netsync impact and netsync render (integration)', function () {
  this.timeout(60_000);
  const tmp = makeTmpDir('netsync-cli-');
  let settings: TestRepo;
  let config: string;
  let first: string;
  let second: string;
  before(() => {
    settings = makeRepo(tmp.dir, 'settings', join(EXAMPLES, 'settings'));
    const templates = makeRepo(tmp.dir, 'templates', join(EXAMPLES, 'templates'));
    templates.commitAndPush({ 'eos/access.j2': '{% include "base.j2" %}\n{% include "interfaces.j2" %}\n! snmp {{ secrets.snmp }}\n' });
    first = settings.head();
    second = settings.commitAndPush({ 'groups/campus/vlans.yml': 'vlans:\n  - { id: 30, name: printers-new }\n', 'README.md': 'docs\n' });
    config = join(tmp.dir, 'netsync.yml');
    writeFileSync(
      config,
      `dataDir: ${join(tmp.dir, 'data')}\ninventory: { seed: ${join(EXAMPLES, 'inventory.yml')} }\nrepos:\n  settings: { path: ${settings.bare} }\n  templates: { path: ${templates.bare} }\n`,
    );
  });
  after(() => tmp.cleanup());

  it('impact --json lists the group members with the rule, and the unmatched README', async () => {
    const { code, stdout } = await netsync('impact', '--repo', 'settings', '--from', first.slice(0, 8), '--to', second, '--json', '-c', config);
    expect(code).to.equal(0);
    const result = JSON.parse(stdout);
    expect(result.devices.map((d: { hostname: string; changed: boolean }) => [d.hostname, d.changed])).to.deep.equal([
      ['eos-access-1', true],
      ['eos-access-2', true],
      ['nc-dist-1', true],
    ]);
    expect(result.devices[0].reasons[0]).to.deep.equal({ path: 'groups/campus/vlans.yml', rule: 'settings rule groups/{group}/**' });
    expect(result.unmatchedPaths).to.deep.equal(['README.md']);
  });

  it("impact follows the user's own rules file (repos.rules) instead of the shipped one", async () => {
    const rules = join(tmp.dir, 'my-rules.yml');
    writeFileSync(rules, '- path: groups/{group}/**\n  select: { type: DIST }\n');
    const own = join(tmp.dir, 'netsync-own-rules.yml');
    writeFileSync(own, readFileSync(config, 'utf8').replace('repos:\n', `repos:\n  rules: ${rules}\n`));
    const { code, stdout } = await netsync('impact', '--repo', 'settings', '--from', first, '--to', second, '--json', '-c', own);
    expect(code).to.equal(0);
    const result = JSON.parse(stdout);
    expect(result.devices.map((d: { hostname: string }) => d.hostname)).to.deep.equal(['nc-dist-1']);
    expect(result.devices[0].reasons[0]).to.deep.equal({ path: 'groups/campus/vlans.yml', rule: 'settings rule groups/{group}/**' });
  });

  it('impact prints a table', async () => {
    const { stdout } = await netsync('impact', '--repo', 'settings', '--from', first, '--to', second, '-c', config);
    expect(stdout, stdout).to.match(/eos-access-1[\s│]+changes[\s│]+groups\/campus\/vlans\.yml/);
    expect(stdout).to.contain('3 devices touched, 3 with a changed config');
  });

  it('render shows the config at a commit with secrets masked; --commit picks the older one', async () => {
    const now = await netsync('render', 'EOS-ACCESS-1', '-c', config);
    expect(now.code).to.equal(0);
    expect(now.stdout).to.contain('   name printers-new');
    expect(now.stdout).to.contain('! snmp «secret:snmp»');
    expect(now.stdout).to.not.contain('community-s3cret');
    const then = await netsync('render', 'eos-access-1', '--commit', first, '-c', config);
    expect(then.stdout).to.contain('   name printers\n');
  });

  it('render --check --changed renders only the devices the changed paths affect', async () => {
    const changed = join(tmp.dir, 'changed.txt');
    writeFileSync(changed, 'groups/campus/vlans.yml\nREADME.md\n');
    const { code, stdout } = await netsync('render', '--check', '--changed', changed, '--repo', 'settings', '-c', config);
    expect(code).to.equal(0);
    expect(stdout.match(/^ok +(\S+)/gm)!.map((l) => l.split(/ +/)[1])).to.deep.equal(['eos-access-1', 'eos-access-2', 'nc-dist-1']);
    const noRepo = await netsync('render', '--check', '--changed', changed, '-c', config);
    expect(noRepo.code).to.equal(2);
    expect(noRepo.stderr).to.contain('[BAD_REQUEST]');
  });

  it('render --changed counts a deleted mapping.yml for every device of its platform', async () => {
    const tree = join(tmp.dir, 'templates-tree');
    cpSync(join(EXAMPLES, 'templates'), tree, { recursive: true });
    rmSync(join(tree, 'eos', 'mapping.yml'));
    const changed = join(tmp.dir, 'changed-templates.txt');
    writeFileSync(changed, 'eos/mapping.yml\n');
    const { code, stdout } = await netsync('render', '--check', '--changed', changed, '--repo', 'templates', '--templates-dir', tree, '-c', config);
    expect(code).to.equal(1);
    expect(stdout.match(/^FAIL (\S+):/gm)).to.deep.equal(['FAIL eos-access-1:', 'FAIL eos-access-2:']);
  });

  it('a --settings-dir that does not exist exits 2 naming the flag, not a stack trace', async () => {
    const { code, stderr } = await netsync('render', 'eos-access-1', '--settings-dir', join(tmp.dir, 'no-such-dir'), '-c', config);
    expect(code).to.equal(2);
    expect(stderr).to.contain('--settings-dir').and.contain('[BAD_REQUEST]');
    expect(stderr).to.not.contain('    at ');
  });

  it('render of an unknown device exits 2 with NOT_FOUND', async () => {
    const { code, stderr } = await netsync('render', 'nope', '-c', config);
    expect(code).to.equal(2);
    expect(stderr).to.contain('[NOT_FOUND]');
  });
});
