/** Example repos and inventory as in-memory snapshots, and a SnapshotSource/ChangeSource over commits given as file maps. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDirFiles } from '../../src/git/readDirFiles.ts';
import type { ChangeSource } from '../../src/impact/index.ts';
import type { RepoKind, SnapshotSource } from '../../src/render/index.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const EXAMPLES = join(ROOT, 'examples');
export const DEFAULT_RULES = readFileSync(join(ROOT, 'mapping/settings.yml'), 'utf8');

export const EXAMPLE_DEVICES = [
  { hostname: 'eos-access-1', type: 'ACCESS', platform: 'eos', groups: ['campus'] },
  { hostname: 'eos-access-2', type: 'ACCESS', platform: 'eos', groups: ['campus'] },
  { hostname: 'nc-dist-1', type: 'DIST', platform: 'netconf', groups: ['campus'] },
  { hostname: 'nc-core-1', type: 'CORE', platform: 'netconf', groups: [] as string[] },
];

export async function exampleFiles(repo: RepoKind): Promise<Map<string, string>> {
  return readDirFiles(join(EXAMPLES, repo));
}

/** Commits are named maps of files; `head` of each repo is what "in force" means. */
export class MemoryRepos implements SnapshotSource, ChangeSource {
  readonly commits: Record<RepoKind, Map<string, Map<string, string>>> = { settings: new Map(), templates: new Map() };
  readonly head: Record<RepoKind, string> = { settings: '', templates: '' };

  commit(repo: RepoKind, sha: string, files: Map<string, string>): this {
    this.commits[repo].set(sha, files);
    this.head[repo] = sha;
    return this;
  }

  /** A new commit: the previous head's files with some changed (undefined deletes). */
  change(repo: RepoKind, sha: string, edits: Record<string, string | undefined>): this {
    const files = new Map(this.commits[repo].get(this.head[repo]));
    for (const [path, text] of Object.entries(edits)) {
      if (text === undefined) files.delete(path);
      else files.set(path, text);
    }
    return this.commit(repo, sha, files);
  }

  async resolve(repo: RepoKind, commitish?: string): Promise<string> {
    const sha = commitish ?? this.head[repo];
    if (!this.commits[repo].has(sha)) throw new Error(`no commit ${sha} in ${repo}`);
    return sha;
  }

  async files(repo: RepoKind, sha: string): Promise<Map<string, string>> {
    return this.commits[repo].get(sha)!;
  }

  async changedPaths(repo: RepoKind, before: string | null, after: string): Promise<string[]> {
    const a = before ? this.commits[repo].get(before)! : new Map<string, string>();
    const b = this.commits[repo].get(after)!;
    return [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
  }
}

export async function exampleRepos(): Promise<MemoryRepos> {
  return new MemoryRepos().commit('settings', 's0', await exampleFiles('settings')).commit('templates', 't0', await exampleFiles('templates'));
}
