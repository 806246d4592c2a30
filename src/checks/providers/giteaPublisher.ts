/**
 * Gitea and Forgejo (same API, /api/v1): commit statuses on the head SHA and
 * issue comments on the PR. `baseUrl` is the server root, e.g. https://gitea.example.com.
 */
import { truncate } from '../buildReport.ts';
import { GITHUB_COMMENT_MAX } from '../markdownReport.ts';
import type { PullRequestRef } from '../model.ts';
import type { CheckPublisher, CommitStatus } from './publisher.ts';
import { ownerAndName } from './publisher.ts';
import { RestClient } from './restClient.ts';

interface GiteaComment {
  id: number;
  body: string;
}

export class GiteaPublisher implements CheckPublisher {
  readonly provider = 'gitea' as const;
  /** Gitea stores comments as TEXT; stay within GitHub's limit to be safe on every database. */
  readonly commentMaxChars = GITHUB_COMMENT_MAX;
  private readonly client: RestClient;

  constructor(options: { baseUrl: string; token: string }) {
    this.client = new RestClient({
      provider: 'gitea',
      baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/api/v1`,
      headers: { authorization: `token ${options.token}` },
    });
  }

  async setStatus(pr: PullRequestRef, status: CommitStatus): Promise<void> {
    await this.client.request('create commit status', 'POST', `${repoPath(pr)}/statuses/${encodeURIComponent(pr.headSha)}`, {
      state: status.state,
      context: status.context,
      description: truncate(status.description),
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
    });
  }

  async upsertComment(pr: PullRequestRef, body: string, marker: string): Promise<{ id: string; created: boolean }> {
    const comments = `${repoPath(pr)}/issues/${pr.number}/comments`;
    // issueGetComments takes no page/limit (Gitea ignores them and always answers every comment): one call.
    const all = (await this.client.request<GiteaComment[]>('list PR comments', 'GET', comments)).data;
    const mine = all.find((c) => c.body.startsWith(marker));
    if (mine) {
      await this.client.request('update PR comment', 'PATCH', `${repoPath(pr)}/issues/comments/${mine.id}`, { body });
      return { id: String(mine.id), created: false };
    }
    const created = (await this.client.request<GiteaComment>('create PR comment', 'POST', comments, { body })).data;
    return { id: String(created.id), created: true };
  }
}

function repoPath(pr: PullRequestRef): string {
  const { owner, repo } = ownerAndName(pr.repo);
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}
