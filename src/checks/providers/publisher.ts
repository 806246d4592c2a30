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
