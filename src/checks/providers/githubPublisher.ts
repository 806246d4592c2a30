/**
 * GitHub (and GitHub Enterprise via `baseUrl`, e.g. https://ghe.example.com/api/v3)
 * through @octokit/rest: repos.createCommitStatus and the issue-comments API
 * (a PR is an issue for comments).
 */
import type { Octokit } from '@octokit/rest';
import { truncate } from '../buildReport.ts';
import { NetsyncError } from '../../model/errors.ts';
import type { PullRequestRef } from '../model.ts';
import { GITHUB_COMMENT_MAX } from '../markdownReport.ts';
import type { CheckPublisher, CommitStatus } from './publisher.ts';
import { ownerAndName } from './publisher.ts';

export interface GithubPublisherOptions {
  token: string;
  baseUrl?: string;
  userAgent?: string;
  /** Per request; a host that hangs must not hold the PR's queue forever. */
  timeoutMs?: number;
}

export class GithubPublisher implements CheckPublisher {
  readonly provider = 'github' as const;
  readonly commentMaxChars = GITHUB_COMMENT_MAX;
  private client: Promise<Octokit> | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly options: GithubPublisherOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** @octokit/rest is loaded at the first status posted, not when the daemon starts (about 10 MB). */
  private get octokitReady(): Promise<Octokit> {
    this.client ??= import('@octokit/rest').then(
      ({ Octokit }) =>
        new Octokit({
          auth: this.options.token,
          userAgent: this.options.userAgent ?? 'netsync',
          ...(this.options.baseUrl ? { baseUrl: this.options.baseUrl.replace(/\/+$/, '') } : {}),
          // Retries and throttling are the caller's business; keep octokit quiet in our logs.
          log: { debug() {}, info() {}, warn() {}, error() {} },
        }),
    );
    return this.client;
  }

  async setStatus(pr: PullRequestRef, status: CommitStatus): Promise<void> {
    const octokit = await this.octokitReady;
    await call('create commit status', () =>
      octokit.rest.repos.createCommitStatus({
        ...ownerAndName(pr.repo),
        sha: pr.headSha,
        state: status.state,
        context: status.context,
        description: truncate(status.description),
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        request: this.request(),
      }),
    );
  }

  private request() {
    return { signal: AbortSignal.timeout(this.timeoutMs) };
  }

  async upsertComment(pr: PullRequestRef, body: string, marker: string): Promise<{ id: string; created: boolean }> {
    const where = { ...ownerAndName(pr.repo), issue_number: pr.number };
    const octokit = await this.octokitReady;
    const comments = await call('list PR comments', () =>
      octokit.paginate(octokit.rest.issues.listComments, { ...where, per_page: 100, request: this.request() }),
    );
    const mine = comments.find((c) => c.body?.startsWith(marker));
    if (mine) {
      await call('update PR comment', () =>
        octokit.rest.issues.updateComment({ ...ownerAndName(pr.repo), comment_id: mine.id, body, request: this.request() }),
      );
      return { id: String(mine.id), created: false };
    }
    const created = await call('create PR comment', () => octokit.rest.issues.createComment({ ...where, body, request: this.request() }));
    return { id: String(created.data.id), created: true };
  }
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const status = (err as { status?: number }).status;
    throw new NetsyncError(
      'CHECK_PUBLISH_FAILED',
      `GitHub: ${what} failed${status ? ` (HTTP ${status})` : ''}: ${(err as Error).message}`,
      {
        provider: 'github',
        ...(status ? { status } : {}),
      },
      { cause: err },
    );
  }
}
