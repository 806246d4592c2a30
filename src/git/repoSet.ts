/**
 * The settings and templates repos together, as the render and impact services read them. "No commit
 * given" means the commit in force: the repo's last known-good commit, or its branch head before there is one.
 */
import type { ChangeSource } from '../impact/index.ts';
import type { RepoKind, SnapshotSource } from '../render/index.ts';
import type { GitRepo } from './gitRepo.ts';

export class RepoSet implements SnapshotSource, ChangeSource {
  constructor(
    readonly repos: Record<RepoKind, GitRepo>,
    private readonly inForce: (repo: RepoKind) => Promise<string | null | undefined>,
  ) {}

  async resolve(repo: RepoKind, commitish?: string): Promise<string> {
    if (commitish) return this.repos[repo].resolve(commitish);
    return (await this.inForce(repo)) ?? this.repos[repo].resolve();
  }

  files(repo: RepoKind, sha: string): Promise<Map<string, string>> {
    return this.repos[repo].files(sha);
  }

  changedPaths(repo: RepoKind, before: string | null, after: string): Promise<string[]> {
    return this.repos[repo].changedPaths(before, after);
  }
}
