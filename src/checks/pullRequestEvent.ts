/**
 * Pull-request webhooks from the three hosts, reduced to what a check needs.
 * GitHub: `pull_request` event; Gitea/Forgejo: `pull_request` (same shape,
 * `synchronized` instead of `synchronize`); GitLab: `Merge Request Hook`
 * (object_kind merge_request, actions open/reopen/update).
 */
import type { RepoKind } from '../render/index.ts';
import type { ProviderName } from './model.ts';

export interface PullRequestEvent {
  provider: ProviderName;
  /** `owner/name`, or the project's full path on GitLab. */
  repo: string;
  number: number;
  title: string;
  /** Normalised to GitHub's words: opened, synchronize, reopened, ready_for_review, ... */
  action: string;
  /** Base branch tip as the host reports it (GitLab sends none: resolved from `baseRef`). */
  baseSha?: string;
  baseRef: string;
  headSha: string;
  headRef: string;
  draft: boolean;
  /** Clone URL of the repo the PR targets, as the host gives it. */
  cloneUrl?: string;
  /** Which of our repos this is, as intake matched it (signature + repo names). */
  repoKind?: RepoKind;
}

/** The actions that may change what a PR would do to the network. */
export const CHECKED_ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review'] as const;

/* The payloads are the hosts' JSON; read them defensively. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Returns undefined for payloads that are not a pull request event we understand. */
export function parsePullRequestEvent(provider: ProviderName, payload: unknown): PullRequestEvent | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Json;
  return provider === 'gitlab' ? fromGitlab(p) : fromGithubLike(provider, p);
}

function fromGithubLike(provider: ProviderName, p: Json): PullRequestEvent | undefined {
  const pr = p.pull_request as Json | undefined;
  if (!pr || typeof p.action !== 'string' || typeof pr.head?.sha !== 'string') return undefined;
  const repo = (p.repository?.full_name as string | undefined) ?? (pr.base?.repo?.full_name as string | undefined);
  if (!repo) return undefined;
  // Gitea says "synchronized" where GitHub says "synchronize".
  const action = p.action === 'synchronized' ? 'synchronize' : (p.action as string);
  return {
    provider,
    repo,
    number: Number(pr.number ?? p.number),
    title: String(pr.title ?? ''),
    action,
    ...(typeof pr.base?.sha === 'string' ? { baseSha: pr.base.sha as string } : {}),
    baseRef: String(pr.base?.ref ?? ''),
    headSha: pr.head.sha as string,
    headRef: String(pr.head?.ref ?? ''),
    draft: pr.draft === true,
    ...(typeof p.repository?.clone_url === 'string' ? { cloneUrl: p.repository.clone_url as string } : {}),
  };
}

const GITLAB_ACTIONS: Record<string, string> = { open: 'opened', reopen: 'reopened', update: 'synchronize' };

function fromGitlab(p: Json): PullRequestEvent | undefined {
  const mr = p.object_attributes as Json | undefined;
  if (p.object_kind !== 'merge_request' || !mr || typeof mr.last_commit?.id !== 'string') return undefined;
  const repo = (p.project?.path_with_namespace as string | undefined) ?? (mr.target?.path_with_namespace as string | undefined);
  if (!repo) return undefined;
  // An "update" without `oldrev` changed only the title, labels, ...: not the code.
  const action =
    mr.action === 'update' && !mr.oldrev
      ? 'edited'
      : ((Object.hasOwn(GITLAB_ACTIONS, String(mr.action)) ? GITLAB_ACTIONS[String(mr.action)] : undefined) ?? String(mr.action));
  const draftFlipped = mr.action === 'update' && p.changes?.draft?.previous === true && p.changes?.draft?.current === false;
  return {
    provider: 'gitlab',
    repo,
    number: Number(mr.iid),
    title: String(mr.title ?? ''),
    action: draftFlipped ? 'ready_for_review' : action,
    baseRef: String(mr.target_branch ?? ''),
    headSha: mr.last_commit.id as string,
    headRef: String(mr.source_branch ?? ''),
    draft: mr.draft === true || mr.work_in_progress === true,
    ...(typeof p.project?.git_http_url === 'string' ? { cloneUrl: p.project.git_http_url as string } : {}),
  };
}
