/** `netsync impact --render --format markdown`: the PR check's report from the real binary, for any CI system. */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMENT_MARKER } from '../../../src/checks/markdownReport.ts';
import { runCli } from '../../helpers/cli.ts';
import type { TestRepo } from '../../helpers/gitRepos.ts';
import { git, makeRepo, makeTmpDir } from '../../helpers/gitRepos.ts';
import { EXAMPLES } from '../../helpers/repoFixtures.ts';

describe('checks: netsync impact --render (CLI)', function () {
  this.timeout(60_000);
  const tmp = makeTmpDir('netsync-impact-render-');
  const env = { NETSYNC_SECRET_SNMP: 'community-s3cret' };
  let settings: TestRepo;
  let templates: TestRepo;
  let config: string;

  before(() => {
    settings = makeRepo(tmp.dir, 'settings', join(EXAMPLES, 'settings'));
    templates = makeRepo(tmp.dir, 'templates', join(EXAMPLES, 'templates'));
    config = join(tmp.dir, 'netsync.yml');
    writeFileSync(
      config,
      `dataDir: ${join(tmp.dir, 'data')}\ninventory: { seed: ${join(EXAMPLES, 'inventory.yml')} }\nrepos:\n  settings: { path: ${settings.bare} }\n  templates: { path: ${templates.bare} }\n`,
    );
  });
  after(() => tmp.cleanup());

  const impact = (...args: string[]) => runCli(['impact', ...args, '-c', config], env);

  it('markdown: the PR comment with the table and diffs, secrets masked', async () => {
    const base = templates.head();
    const head = templates.commitAndPush({
      'eos/base.j2': `${'{# EOS: hostname and VLANs #}'}\nhostname {{ hostname }}\nsnmp-server community {{ secrets.snmp }} ro\n`,
    });
    const { code, stdout, stderr } = await impact('--repo', 'templates', '--from', base, '--to', head, '--render', '--format', 'markdown');
    expect(code, stderr).to.equal(0);
    expect(stdout.startsWith(COMMENT_MARKER)).to.equal(true);
    expect(stdout).to.match(/\| eos-access-1 \| ACCESS \| templates eos\/base\.j2 \| \+1 −\d+ \|/);
    expect(stdout).to.contain('<details><summary>eos-access-1');
    expect(stdout).to.contain('+snmp-server community ');
    expect(stdout).to.not.contain('community-s3cret');
  });

  it('text and json; "no devices affected" for a README change', async () => {
    const base = settings.head();
    const head = settings.commitAndPush({ 'README.md': 'only docs\n' });
    const text = await impact('--repo', 'settings', '--from', base, '--to', head, '--render');
    expect(text.code).to.equal(0);
    expect(text.stdout).to.match(/^OK: no devices affected/);
    const json = await impact('--repo', 'settings', '--from', base, '--to', head, '--render', '--json');
    expect(JSON.parse(json.stdout)).to.include({ conclusion: 'success', description: 'no devices affected' });
  });

  it('a template that fails to render: exit 1, naming the device and the line', async () => {
    const base = templates.head();
    const head = templates.commitAndPush({ 'eos/access.j2': '{% include "base.j2" %}\n{% include "interfaces.j2" %}\n{% for x in %}\n' });
    const { code, stdout } = await impact('--repo', 'templates', '--from', base, '--to', head, '--render', '--format', 'markdown');
    expect(code).to.equal(1);
    expect(stdout).to.contain('**render failed on eos-access-1**: unexpected token: %} (eos/access.j2 line 3)');
  });

  it('in a CI checkout of a PR branch, --to HEAD is the checked-out commit, not the tracked branch (the README command)', async () => {
    const ci = join(tmp.dir, 'ci-checkout');
    git(tmp.dir, 'clone', '-q', settings.bare, ci);
    git(ci, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(ci, 'access', 'interfaces.yml'), 'interfaces:\n  - { name: Ethernet2, description: phone, vlan: 20 }\n');
    git(ci, 'commit', '-q', '-am', 'voice VLAN');
    git(ci, 'checkout', '-q', '--detach');
    // Templates as shipped (the tests above leave a broken one at the head of theirs).
    const ciTemplates = makeRepo(tmp.dir, 'templates-ci', join(EXAMPLES, 'templates'));
    const ciConfig = join(tmp.dir, 'netsync-ci.yml');
    writeFileSync(
      ciConfig,
      `dataDir: ${join(tmp.dir, 'ci-data')}\ninventory: { seed: ${join(EXAMPLES, 'inventory.yml')} }\nrepos:\n  settings: { path: ${ci} }\n  templates: { path: ${ciTemplates.bare} }\n`,
    );
    const mergeBase = git(ci, 'merge-base', 'origin/main', 'HEAD');
    const { code, stdout, stderr } = await runCli(
      ['impact', '-c', ciConfig, '--repo', 'settings', '--from', mergeBase, '--to', 'HEAD', '--render', '--format', 'markdown'],
      env,
    );
    expect(code, stderr).to.equal(0);
    expect(stdout).to.contain(`→ head \`${git(ci, 'rev-parse', 'HEAD').slice(0, 12)}\``);
    expect(stdout).to.match(/\| eos-access-2 \| ACCESS \| settings access\/interfaces\.yml \|/);
  });

  it('judges a push as the daemon would: invalid settings are REJECTED with exit 1, a YAML list outside the merge is not judged', async () => {
    const base = settings.head();
    const docs = settings.commitAndPush({ 'docs/examples/list.yml': '- not settings\n- a list\n' });
    const ok = await impact('--repo', 'settings', '--from', base, '--to', docs);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.not.contain('REJECTED');
    const bad = settings.commitAndPush({ 'access/interfaces.yml': 'interfaces:\n  - { name: Ethernet1, vlan: 5000 }\n' });
    const text = await impact('--repo', 'settings', '--from', docs, '--to', bad);
    expect(text.code).to.equal(1);
    expect(text.stdout).to.contain('REJECTED: netsync would refuse this push (1 problem):').and.contain('access/interfaces.yml: interfaces.0.vlan');
    expect(text.stdout).to.contain(`the last known-good commit ${docs.slice(0, 10)} would stay in force`);
    const json = await impact('--repo', 'settings', '--from', docs, '--to', bad, '--json');
    expect(json.code).to.equal(1);
    expect(JSON.parse(json.stdout)).to.include({ verdict: 'rejected' });
  });

  it('a bad --format exits 2', async () => {
    const { code, stderr } = await impact('--repo', 'settings', '--render', '--format', 'html');
    expect(code).to.equal(2);
    expect(stderr).to.contain('[BAD_REQUEST]');
  });
});
