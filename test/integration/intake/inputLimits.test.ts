/**
 * Input limits, through real `git push`es: a file over the size limit, a "billion laughs" YAML and a deeply
 * nested one are refused naming the file and the limit (the last known-good commit stays in force), while
 * the daemon keeps answering /healthz; the same pushes are refused by the pre-receive hook, and
 * `netsync render --check` names them too.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../helpers/cli.ts';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { SECRET, startGitOps } from '../../helpers/gitopsDaemon.ts';
import { git } from '../../helpers/gitRepos.ts';
import { EXAMPLES, ROOT } from '../../helpers/repoFixtures.ts';

const MB = 1024 * 1024;

/** 1.5 MB of valid settings (the default file limit is 1 MB). */
const bigSettings = () => `vlans:\n${Array.from({ length: 30_000 }, (_, i) => `  - { id: ${(i % 4000) + 1}, name: v${i}xxxxxxxxxxxxxxxxxxxxx }`).join('\n')}\n`;
/** Nine levels of nine aliases: 387 million strings once expanded. */
const billionLaughs = () => {
  let text = 'lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
  for (let i = 1; i <= 8; i++)
    text += `lol${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  return text;
};
/** 5,000 levels in 10 KB: the YAML parser recurses once per level. */
const deepYaml = () => `deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;

const CASES: { name: string; repo: 'settings' | 'templates'; path: string; text: () => string; limit: RegExp }[] = [
  {
    name: 'a file over the size limit',
    repo: 'settings',
    path: 'devices/eos-access-1/big.yml',
    text: bigSettings,
    limit: /over the file size limit of 1 MB \(repos\.limits\.fileSize\)/,
  },
  { name: 'a billion-laughs YAML', repo: 'settings', path: 'global/laughs.yml', text: billionLaughs, limit: /limit of 100 .*repos\.limits\.yamlAliases/ },
  {
    name: 'a deeply nested YAML',
    repo: 'settings',
    path: 'global/deep.yml',
    text: deepYaml,
    limit: /over the nesting limit of 64 \(repos\.limits\.yamlDepth\)/,
  },
  {
    name: 'a template over the size limit',
    repo: 'templates',
    path: 'eos/huge.j2',
    text: () => `{# ${'x'.repeat(1.5 * MB)} #}\n`,
    limit: /over the file size limit of 1 MB/,
  },
];

async function push(work: string, files: Record<string, string | null>, message: string): Promise<{ ok: boolean; stderr: string }> {
  for (const [path, text] of Object.entries(files)) {
    if (text === null) rmSync(join(work, path));
    else {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
  try {
    const { stderr } = await promisify(execFile)('git', ['push', 'origin', 'HEAD:main'], { cwd: work, encoding: 'utf8', maxBuffer: 16 * MB });
    return { ok: true, stderr };
  } catch (err) {
    return { ok: false, stderr: String((err as { stderr: string }).stderr) };
  }
}

describe('input limits: oversized, billion-laughs and deeply nested files in a push', function () {
  this.timeout(240_000);
  let f: GitOpsFixture;
  before(async () => {
    f = await startGitOps();
    await f.t.daemon.gitops!.intake.pollAll();
    for (const [repo, bare] of [
      ['settings', f.settings.bare],
      ['templates', f.templates.bare],
    ] as const) {
      copyFileSync(join(ROOT, 'hooks', 'post-receive'), join(bare, 'hooks', 'post-receive'));
      git(bare, 'config', 'netsync.url', f.t.url);
      git(bare, 'config', 'netsync.repo', repo);
      git(bare, 'config', 'netsync.secret', SECRET);
    }
  });
  after(async () => f.cleanup());

  const repoState = async (name: string) => {
    const body = (await f.t.call('GET', '/api/v1/repositories')).body;
    return {
      state: body.repositories.find((r: { name: string }) => r.name === name),
      events: body.events as { after: string; kind: string; problems: string[] }[],
    };
  };

  for (const c of CASES) {
    it(`${c.name}: the push is refused naming ${c.path} and the limit; /healthz answers meanwhile`, async () => {
      const repo = c.repo === 'settings' ? f.settings : f.templates;
      const before = (await repoState(c.repo)).state.knownGood;
      let processed = false;
      const health: number[] = [];
      // Health checks run the whole time the push is being taken in, one after another.
      const probing = (async () => {
        while (!processed) {
          const res = await fetch(`${f.t.url}/healthz`);
          health.push(res.status);
        }
      })();
      const pushed = await push(repo.work, { [c.path]: c.text() }, c.name);
      expect(pushed.ok, pushed.stderr).to.equal(true);
      const sha = git(repo.work, 'rev-parse', 'HEAD');
      const event = await f.waitFor(async () => (await repoState(c.repo)).events.find((e) => e.after === sha), 120_000);
      processed = true;
      await probing;
      expect(event.kind).to.equal('rejected');
      const problem = event.problems.find((p) => p.startsWith(`${c.path}: `));
      expect(problem, event.problems.join('\n')).to.match(c.limit);
      expect((await repoState(c.repo)).state.knownGood, 'the last known-good commit stays in force').to.equal(before);
      expect(health.length).to.be.greaterThan(0);
      expect(health.every((s) => s === 200)).to.equal(true);
      // Removing the file is accepted again.
      await push(repo.work, { [c.path]: null }, `remove ${c.path}`);
      const fixed = git(repo.work, 'rev-parse', 'HEAD');
      await f.waitFor(async () => (await repoState(c.repo)).state.knownGood === fixed, 60_000);
    });
  }

  it('`netsync render --check` on a folder names the file and the limit (exit 1)', async () => {
    const dir = join(f.dir, 'settings-folder');
    for (const rel of ['global/vlans.yml', 'global/groups.yml']) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      copyFileSync(join(EXAMPLES, 'settings', rel), join(dir, rel));
    }
    writeFileSync(join(dir, 'global/laughs.yml'), billionLaughs());
    writeFileSync(join(dir, 'global/deep.yml'), deepYaml());
    writeFileSync(join(dir, 'global/big.yml'), bigSettings());
    const config = join(f.dir, 'cli-netsync.yml');
    writeFileSync(
      config,
      `dataDir: ${join(f.dir, 'cli-data')}\ninventory: { seed: ${join(EXAMPLES, 'inventory.yml')} }\nrepos:\n  settings: { path: ${f.settings.bare} }\n  templates: { path: ${f.templates.bare} }\n`,
    );
    const r = await runCli(['render', '--all', '--check', '--settings-dir', dir, '-c', config], {}, 120_000);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/INVALID settings global\/big\.yml: .*repos\.limits\.fileSize/);
    expect(r.stdout).to.match(/INVALID settings global\/laughs\.yml: .*repos\.limits\.yamlAliases/);
    expect(r.stdout).to.match(/INVALID settings global\/deep\.yml: .*repos\.limits\.yamlDepth/);
  });

  it('`netsync impact --render` (the PR check) refuses a head over a limit, naming the file and the limit', async () => {
    const base = git(f.settings.bare, 'rev-parse', 'main');
    writeFileSync(join(f.settings.work, 'global/laughs.yml'), billionLaughs());
    git(f.settings.work, 'add', '-A');
    git(f.settings.work, 'commit', '-q', '-m', 'laughs on a branch');
    await promisify(execFile)('git', ['push', '-q', 'origin', 'HEAD:refs/heads/hostile'], { cwd: f.settings.work });
    const head = git(f.settings.work, 'rev-parse', 'HEAD');
    git(f.settings.work, 'reset', '-q', '--hard', 'origin/main');
    const config = join(f.dir, 'cli-netsync.yml');
    const r = await runCli(['impact', '--repo', 'settings', '--from', base, '--to', head, '--render', '-c', config], {}, 120_000);
    expect(r.code, r.stdout).to.not.equal(0);
    expect(r.stderr + r.stdout)
      .to.contain('SETTINGS_INVALID')
      .and.match(/global\/laughs\.yml: .*repos\.limits\.yamlAliases/);
  });

  it('pre-receive refuses the same pushes before they land, naming the file and the limit', async () => {
    const config = join(f.dir, 'hook-netsync.yml');
    writeFileSync(
      config,
      `dataDir: ${join(f.dir, 'hook-data')}\nrepos:\n  settings: { path: ${f.settings.bare} }\n  templates: { path: ${f.templates.bare} }\n`,
    );
    copyFileSync(join(ROOT, 'hooks', 'pre-receive'), join(f.settings.bare, 'hooks', 'pre-receive'));
    for (const [k, v] of Object.entries({
      'netsync.command': `node ${join(ROOT, 'bin/netsync.js')}`,
      'netsync.config': config,
      'netsync.inventory': join(EXAMPLES, 'inventory.yml'),
      'netsync.repo': 'settings',
    })) {
      git(f.settings.bare, 'config', k, v);
    }
    const head = git(f.settings.bare, 'rev-parse', 'main');
    const result = await push(f.settings.work, { 'global/laughs.yml': billionLaughs(), 'global/deep.yml': deepYaml() }, 'hostile yaml');
    expect(result.ok).to.equal(false);
    expect(result.stderr).to.match(/global\/laughs\.yml: .*repos\.limits\.yamlAliases/);
    expect(result.stderr).to.match(/global\/deep\.yml: .*repos\.limits\.yamlDepth/);
    expect(git(f.settings.bare, 'rev-parse', 'main')).to.equal(head);
    git(f.settings.work, 'reset', '-q', '--hard', 'origin/main');
    expect(readFileSync(join(f.settings.bare, 'HEAD'), 'utf8')).to.contain('main');
  });
});
