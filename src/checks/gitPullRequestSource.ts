/**
 * Makes a PR's commits readable in the repo mirror and picks the commit to
 * compare with. A mirrored (http) repo fetches the tracked branch and the PR's
 * head ref (GitHub/Gitea `refs/pull/N/head`, GitLab
 * `refs/merge-requests/N/head`, which also covers PRs from forks); a local
 * repo is read in place. The base is the merge base of the base branch and the
 * head, as the host's "files changed" view shows, so commits merged to the base
 * branch after the PR was opened are not reported as the PR's changes.
 */
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import type { GitRepo } from '../git/gitRepo.ts';
import { NetsyncError } from '../model/errors.ts';
import type { RepoKind } from '../render/index.ts';
import type { PullRequestSource } from './impactAnalyzer.ts';
import type { PullRequestEvent } from './pullRequestEvent.ts';

export interface RemoteSpec {
  /** http(s) URL of a mirrored repo; undefined for a local one. */
  url?: string;
  token?: string;
}

export class GitPullRequestSource implements PullRequestSource {
  constructor(
    private readonly repos: Record<RepoKind, GitRepo>,
    private readonly remotes: Partial<Record<RepoKind, RemoteSpec>> = {},
  ) {}

  repoOf(pr: PullRequestEvent): RepoKind | undefined {
    return pr.repoKind;
  }

  async prepare(kind: RepoKind, pr: PullRequestEvent): Promise<{ baseSha: string }> {
    const repo = this.repos[kind];
    const branchHead = await repo.fetch();
    const remote = this.remotes[kind];
    if (remote?.url && /^https?:/i.test(remote.url) && !(await this.has(repo, pr.headSha))) {
      await this.fetchPullRef(repo, remote, pr);
    }
    if (!(await this.has(repo, pr.headSha))) {
      throw new NetsyncError('NOT_FOUND', `the ${kind} repo has no commit ${pr.headSha.slice(0, 12)} (head of ${pr.repo} #${pr.number})`, {
        repo: kind,
        commit: pr.headSha,
      });
    }
    const base = pr.baseSha && (await this.has(repo, pr.baseSha)) ? pr.baseSha : (branchHead ?? (await repo.resolve(pr.baseRef || undefined)));
    const [mergeBase] = await git.findMergeBase({ fs, gitdir: repo.dir, oids: [base, pr.headSha] });
    return { baseSha: (mergeBase as string | undefined) ?? base };
  }

  /** Whether the commit object is there (a PR head may not be fetched yet). */
  private async has(repo: GitRepo, sha: string): Promise<boolean> {
    return repo.commitInfo(sha).then(
      () => true,
      () => false,
    );
  }

  private async fetchPullRef(repo: GitRepo, remote: RemoteSpec, pr: PullRequestEvent): Promise<void> {
    const ref = pr.provider === 'gitlab' ? `refs/merge-requests/${pr.number}/head` : `refs/pull/${pr.number}/head`;
    try {
      await git.fetch({
        fs,
        http,
        gitdir: repo.dir,
        url: remote.url!,
        ref,
        remoteRef: ref,
        singleBranch: true,
        tags: false,
        ...(remote.token ? { onAuth: () => ({ username: 'x-access-token', password: remote.token! }) } : {}),
      });
    } catch (err) {
      throw new NetsyncError('GIT_FETCH_FAILED', `fetching ${ref} of the PR's repo failed: ${(err as { code?: string }).code ?? (err as Error).message}`, {
        ref,
      });
    }
  }
}
