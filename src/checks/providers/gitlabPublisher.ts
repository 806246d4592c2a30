/**
 * GitLab (/api/v4): a commit status (`name` is the context) on the MR's head
 * SHA and one MR note. `baseUrl` is the server root, e.g. https://gitlab.example.com.
 */
import { truncate } from '../buildReport.ts';
import type { CheckState, PullRequestRef } from '../model.ts';
import type { CheckPublisher, CommitStatus } from './publisher.ts';
import { upsertPaged } from './publisher.ts';
import { RestClient } from './restClient.ts';

interface GitlabNote {
  id: number;
  body: string;
  system?: boolean;
}

/** GitLab's note limit is 1,000,000 characters. */
const GITLAB_NOTE_MAX = 1_000_000;
const PAGE_SIZE = 100;

/** GitLab names the states differently and has no `error`. */
const GITLAB_STATE: Record<CheckState, string> = { pending: 'running', success: 'success', failure: 'failed', error: 'failed' };

export class GitlabPublisher implements CheckPublisher {
  readonly provider = 'gitlab' as const;
  readonly commentMaxChars = GITLAB_NOTE_MAX;
  private readonly client: RestClient;

  constructor(options: { baseUrl: string; token: string }) {
    this.client = new RestClient({
      provider: 'gitlab',
      baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/api/v4`,
      headers: { 'private-token': options.token },
    });
  }

  async setStatus(pr: PullRequestRef, status: CommitStatus): Promise<void> {
    await this.client.request('create commit status', 'POST', `${projectPath(pr)}/statuses/${encodeURIComponent(pr.headSha)}`, {
      state: GITLAB_STATE[status.state],
      name: status.context,
      description: truncate(status.description),
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
    });
  }

  async upsertComment(pr: PullRequestRef, body: string, marker: string): Promise<{ id: string; created: boolean }> {
    const notes = `${projectPath(pr)}/merge_requests/${pr.number}/notes`;
    return upsertPaged<GitlabNote>({
      pageSize: PAGE_SIZE,
      page: async (n) =>
        (await this.client.request<GitlabNote[]>('list MR notes', 'GET', `${notes}?per_page=${PAGE_SIZE}&page=${n}&sort=asc&order_by=created_at`)).data,
      // System notes ("added 1 commit") may quote text but are never ours.
      isMine: (n) => !n.system && n.body.startsWith(marker),
      update: (n) => this.client.request('update MR note', 'PUT', `${notes}/${n.id}`, { body }),
      create: async () => (await this.client.request<GitlabNote>('create MR note', 'POST', notes, { body })).data,
    });
  }
}

/** GitLab takes the project's full path URL-encoded as its id. */
function projectPath(pr: PullRequestRef): string {
  return `/projects/${encodeURIComponent(pr.repo)}`;
}
