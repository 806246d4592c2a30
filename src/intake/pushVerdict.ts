/**
 * netsync's verdict on one pushed commit, for the sender that asked to wait for it (the post-receive hook):
 * applied (with the devices marked), rejected (with each problem; the known-good commit stays in force),
 * or still checking when the wait ran out. Built from the refresh's result or, when another trigger
 * processed the commit first, from the repo event recorded for it.
 */
import type { RepoKind } from '../render/index.ts';
import type { RefreshResult } from './refreshRepo.ts';
import type { RepoEvent } from './repoState.ts';

export type VerdictStatus = 'applied' | 'rejected' | 'baseline' | 'checking' | 'failed';

export interface PushVerdict {
  repo: RepoKind;
  /** The commit the sender pushed. */
  commit: string;
  status: VerdictStatus;
  /** The head netsync judged: the pushed commit, or a newer one pushed meanwhile and processed with it. */
  judged: string | null;
  /** What renders use now. */
  knownGood: string | null;
  marked: string[];
  unchanged: string[];
  problems: string[];
}

export interface VerdictSources {
  /** The latest repo event whose head was `commit`, if any. */
  eventFor(repo: RepoKind, commit: string): Promise<RepoEvent | undefined>;
  knownGood(repo: RepoKind): Promise<string | null>;
}

/**
 * Waits at most `waitMs` for `refreshing` (the refresh the push queued), then says what became of `commit`.
 * Never throws: a failed refresh is a 'failed' verdict, a slow one 'checking'.
 */
export async function awaitVerdict(
  repo: RepoKind,
  commit: string,
  refreshing: Promise<RefreshResult>,
  waitMs: number,
  sources: VerdictSources,
): Promise<PushVerdict> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
  const outcome = await Promise.race([
    refreshing.then(
      (r) => r,
      () => 'failed' as const,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
  const empty = { repo, commit, judged: null, marked: [], unchanged: [], problems: [] };
  if (outcome === 'timeout') return { ...empty, status: 'checking', knownGood: await sources.knownGood(repo) };
  if (outcome === 'failed')
    return {
      ...empty,
      status: 'failed',
      knownGood: await sources.knownGood(repo),
      problems: ['netsync could not read the repo (see the daemon log); the next poll retries'],
    };
  const judged = outcome.status === 'up_to_date' ? await sources.eventFor(repo, commit) : undefined;
  if (judged) return fromEvent(repo, commit, judged, await sources.knownGood(repo));
  if (outcome.status === 'up_to_date' || outcome.status === 'branch_missing') {
    // Processed before without an event of its own (e.g. a re-push of the head): the head stands as it was.
    return { ...empty, status: 'applied', judged: outcome.after, knownGood: await sources.knownGood(repo) };
  }
  return {
    repo,
    commit,
    status: outcome.status,
    judged: outcome.after,
    knownGood: await sources.knownGood(repo),
    marked: outcome.marked.map((m) => m.hostname),
    unchanged: outcome.unchanged,
    problems: outcome.problems,
  };
}

function fromEvent(repo: RepoKind, commit: string, e: RepoEvent, knownGood: string | null): PushVerdict {
  const status: VerdictStatus = e.kind === 'rejected' ? 'rejected' : e.kind === 'baseline' ? 'baseline' : 'applied';
  return { repo, commit, status, judged: e.after, knownGood, marked: e.marked, unchanged: e.unchanged, problems: e.problems };
}
