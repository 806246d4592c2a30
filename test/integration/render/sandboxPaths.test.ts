/**
 * The whole escape corpus through each render path, for real: intake (a git push into a repo the daemon
 * tracks, refreshed as a poll does), `netsync render` (the CLI), and the pre-receive hook (a refused
 * `git push`). One device per payload (its own device type -> its own template), so one push or one CLI
 * run covers every payload. Each path must refuse them all, write no canary file and show no environment.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { buildDevice } from '../../../src/model/device.ts';
import { runCli } from '../../helpers/cli.ts';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { startGitOps } from '../../helpers/gitopsDaemon.ts';
import { git } from '../../helpers/gitRepos.ts';
import { EXAMPLES, ROOT } from '../../helpers/repoFixtures.ts';
import { SSTI_CORPUS, payloadText } from '../../helpers/sstiCorpus.ts';

const PROBE = 'probe-51c2e8-daemon-environment';
const hostname = (i: number) => `ssti-${i}`;
const baseMapping = readFileSync(join(EXAMPLES, 'templates/eos/mapping.yml'), 'utf8');
const mapping = `${baseMapping}${SSTI_CORPUS.map((_, i) => `SSTI${i}: { entrypoint: ssti/${i}.j2 }\n`).join('')}`;
const benign = Object.fromEntries(SSTI_CORPUS.map((_, i) => [`eos/ssti/${i}.j2`, `! benign ${i}\n`]));
const payloads = (canaries: string, tag = '') =>
  Object.fromEntries(SSTI_CORPUS.map((p, i) => [`eos/ssti/${i}.j2`, `${payloadText(p, join(canaries, `canary-${i}`))}${tag}`]));
const inventoryYaml = () =>
  `${readFileSync(join(EXAMPLES, 'inventory.yml'), 'utf8')}${SSTI_CORPUS.map((_, i) => `  - { hostname: ${hostname(i)}, managementIp: 127.0.0.1, platform: eos, type: SSTI${i} }\n`).join('')}`;

/** Every payload's device is named as failing, the refused ones with the sandbox's words and their line. */
function expectAllRefused(text: string): void {
  SSTI_CORPUS.forEach((p, i) => {
    const line = text.split('\n').find((l) => l.includes(`${hostname(i)}: `));
    expect(line, `${hostname(i)} (${p.name}) not reported`).to.not.equal(undefined);
    if (p.expect === 'forbidden') expect(line, p.name).to.match(new RegExp(`${hostname(i)}: eos/ssti/${i}\\.j2: .* is refused \\(line 2\\)`));
  });
  expect(text).to.not.contain(PROBE);
}

function expectNoCanary(dir: string): void {
  expect(readdirSync(dir), 'canary files written').to.deep.equal([]);
}

async function push(work: string, files: Record<string, string>, message: string): Promise<{ ok: boolean; stderr: string }> {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
  try {
    const { stderr } = await promisify(execFile)('git', ['push', 'origin', 'HEAD:main'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, NETSYNC_SSTI_PROBE: PROBE },
    });
    return { ok: true, stderr };
  } catch (err) {
    return { ok: false, stderr: String((err as { stderr: string }).stderr) };
  }
}

describe('template sandbox on every render path (integration)', function () {
  this.timeout(300_000);
  let f: GitOpsFixture;
  let canaries: string;

  before(async () => {
    process.env.NETSYNC_SSTI_PROBE = PROBE;
    f = await startGitOps();
    canaries = join(f.dir, 'canaries');
    mkdirSync(canaries);
    const now = new Date();
    await f.t.daemon.store.changeDevices({
      create: SSTI_CORPUS.map((_, i) => buildDevice({ hostname: hostname(i), managementIp: '127.0.0.1', platform: 'eos', type: `SSTI${i}` }, now)),
    });
    await f.t.daemon.gitops!.intake.pollAll();
    // The baseline: every payload device renders a harmless template, so breaking it is a rejected push.
    f.templates.commitAndPush({ 'eos/mapping.yml': mapping, ...benign }, 'benign ssti templates');
    const { body } = await f.t.call('POST', '/api/v1/repositories/templates/refresh');
    expect(body.result.status, JSON.stringify(body.result.problems)).to.equal('applied');
  });
  after(async () => {
    delete process.env.NETSYNC_SSTI_PROBE;
    await f.cleanup();
  });

  it(`intake: one push of all ${SSTI_CORPUS.length} payloads is rejected, every device named; the last known-good commit stays`, async () => {
    const good = f.templates.head();
    f.templates.commitAndPush(payloads(canaries), 'escape attempts');
    const { body } = await f.t.call('POST', '/api/v1/repositories/templates/refresh');
    expect(body.result.status).to.equal('rejected');
    expectAllRefused(body.result.problems.join('\n'));
    const repos = (await f.t.call('GET', '/api/v1/repositories')).body;
    expect(repos.repositories.find((r: { name: string }) => r.name === 'templates').knownGood).to.equal(good);
    expect(JSON.stringify(repos)).to.not.contain(PROBE);
    expectNoCanary(canaries);
  });

  it(`netsync render --all --check: every one of the ${SSTI_CORPUS.length} devices FAILs, exit 1`, async () => {
    const dir = join(f.dir, 'cli-templates');
    cpSync(join(EXAMPLES, 'templates'), dir, { recursive: true });
    for (const [path, text] of Object.entries({ 'eos/mapping.yml': mapping, ...payloads(canaries) })) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const inventory = join(f.dir, 'cli-inventory.yml');
    writeFileSync(inventory, inventoryYaml());
    const config = join(f.dir, 'cli-netsync.yml');
    writeFileSync(config, `dataDir: ${join(f.dir, 'cli-data')}\n`);
    const r = await runCli(
      ['render', '--all', '--check', '--settings-dir', join(EXAMPLES, 'settings'), '--templates-dir', dir, '--inventory', inventory, '-c', config],
      { NETSYNC_SSTI_PROBE: PROBE },
      120_000,
    );
    expect(r.code, r.stderr).to.equal(1);
    expectAllRefused(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('FAIL '))
        .join('\n'),
    );
    expect(r.stdout).to.contain('ok   eos-access-1');
    expect(r.stderr).to.not.contain(PROBE);
    expectNoCanary(canaries);
  });

  it(`pre-receive hook: a push of all ${SSTI_CORPUS.length} payloads is refused, naming every device`, async () => {
    const config = join(f.dir, 'hook-netsync.yml');
    writeFileSync(
      config,
      `dataDir: ${join(f.dir, 'hook-data')}\nrepos:\n  settings: { path: ${f.settings.bare} }\n  templates: { path: ${f.templates.bare} }\n`,
    );
    const inventory = join(f.dir, 'hook-inventory.yml');
    writeFileSync(inventory, inventoryYaml());
    copyFileSync(join(ROOT, 'hooks', 'pre-receive'), join(f.templates.bare, 'hooks', 'pre-receive'));
    for (const [key, value] of Object.entries({
      'netsync.command': `node ${join(ROOT, 'bin/netsync.js')}`,
      'netsync.config': config,
      'netsync.inventory': inventory,
      'netsync.repo': 'templates',
    })) {
      git(f.templates.bare, 'config', key, value);
    }
    // Back to the benign templates first (the intake test left the payloads at the head), then the payloads again.
    const reset = await push(f.templates.work, benign, 'benign again');
    expect(reset.ok, reset.stderr).to.equal(true);
    const head = git(f.templates.bare, 'rev-parse', 'main');
    const result = await push(f.templates.work, payloads(canaries, '\n'), 'escape attempts via the hook');
    expect(result.ok).to.equal(false);
    expect(result.stderr).to.contain('rejected');
    expectAllRefused(
      result.stderr
        .split('\n')
        .filter((l) => l.includes('FAIL '))
        .join('\n'),
    );
    expect(git(f.templates.bare, 'rev-parse', 'main')).to.equal(head);
    expectNoCanary(canaries);
    expect(existsSync(join(canaries, 'canary-0'))).to.equal(false);
  });
});
