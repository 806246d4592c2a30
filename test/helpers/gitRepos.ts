/** Real git repos for tests, made with the git CLI: a bare "server" repo and a working clone that pushes to it. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Ada Engineer',
      GIT_AUTHOR_EMAIL: 'ada@example.net',
      GIT_COMMITTER_NAME: 'Ada Engineer',
      GIT_COMMITTER_EMAIL: 'ada@example.net',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: cwd,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export interface TestRepo {
  /** The bare repo the daemon reads (what a git server holds). */
  bare: string;
  /** A working clone engineers commit in. */
  work: string;
  /** Writes files (undefined deletes), commits and pushes; returns the new sha. */
  commitAndPush(files: Record<string, string | undefined>, message?: string, opts?: { force?: boolean }): string;
  head(): string;
}

export function makeTmpDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A bare repo on branch main seeded with the files of `seedDir` (if given), and a clone of it. */
export function makeRepo(root: string, name: string, seedDir?: string): TestRepo {
  const bare = join(root, `${name}.git`);
  const work = join(root, `${name}-work`);
  mkdirSync(bare, { recursive: true });
  git(bare, 'init', '--bare', '-q', '-b', 'main');
  mkdirSync(work, { recursive: true });
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'remote', 'add', 'origin', bare);
  if (seedDir) cpSync(seedDir, work, { recursive: true });
  else writeFileSync(join(work, 'README.md'), `# ${name}\n`);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'initial');
  git(work, 'push', '-q', 'origin', 'main');
  const repo: TestRepo = {
    bare,
    work,
    commitAndPush(files, message = 'change', opts = {}) {
      for (const [path, text] of Object.entries(files)) {
        const full = join(work, path);
        if (text === undefined) rmSync(full, { force: true });
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, text);
        }
      }
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '--allow-empty', '-m', message);
      git(work, 'push', '-q', ...(opts.force ? ['-f'] : []), 'origin', 'HEAD:main');
      return repo.head();
    },
    head: () => git(work, 'rev-parse', 'HEAD'),
  };
  return repo;
}
