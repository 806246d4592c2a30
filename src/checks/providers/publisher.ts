/**
 * What a code host must offer for PR checks: a commit status on the head SHA
 * and one comment on the PR that we find again by a hidden marker and edit.
 * One adapter per host (GitHub, Gitea/Forgejo, GitLab), each a thin mapping.
 */
import type { CheckState, ProviderName, PullRequestRef } from '../model.ts';

export interface CommitStatus {
  state: CheckState;
  /** Within 140 characters (GitHub's limit); adapters cut longer text. */
  description: string;
  context: string;
  targetUrl?: string;
}

export interface CheckPublisher {
  readonly provider: ProviderName;
  /** Largest comment body the host accepts, in characters. */
  readonly commentMaxChars: number;
  setStatus(pr: PullRequestRef, status: CommitStatus): Promise<void>;
  /** Updates the comment whose body starts with `marker` (so a quote of it elsewhere never matches), or creates one. */
  upsertComment(pr: PullRequestRef, body: string, marker: string): Promise<{ id: string; created: boolean }>;
}

/** Splits `owner/name`; GitHub and Gitea address a repo by both parts. */
export function ownerAndName(repo: string): { owner: string; repo: string } {
  const slash = repo.indexOf('/');
  return { owner: repo.slice(0, slash), repo: repo.slice(slash + 1) };
}

/**
 * Find-then-edit for hosts that page comments by number (GitLab): walks the pages until our comment
 * turns up, then edits it, or creates one when none is ours.
 */
export async function upsertPaged<C extends { id: number; body: string }>(steps: {
  pageSize: number;
  page: (n: number) => Promise<C[]>;
  isMine: (c: C) => boolean;
  update: (c: C) => Promise<unknown>;
  create: () => Promise<C>;
}): Promise<{ id: string; created: boolean }> {
  for (let n = 1; ; n++) {
    const page = await steps.page(n);
    const mine = page.find(steps.isMine);
    if (mine) {
      await steps.update(mine);
      return { id: String(mine.id), created: false };
    }
    if (page.length < steps.pageSize) break;
  }
  return { id: String((await steps.create()).id), created: true };
}
