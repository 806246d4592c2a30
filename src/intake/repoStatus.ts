/**
 * Where each repo stands, from its state and its event history: the head netsync last looked at, the
 * known-good commit renders use, and whether the head is rejected (then since when and why). The network
 * silently runs on the known-good commit while the head is rejected, so the CLI, the API and the alarms
 * all show it.
 */
import type { RepoKind } from '../render/index.ts';
import type { Store } from '../model/store.ts';
import type { RepoEvent, RepoState } from './repoState.ts';
import { readRepoState } from './repoState.ts';

export const REPOS: RepoKind[] = ['settings', 'templates'];
const RECENT = 10;

export interface RepoStatus {
  name: RepoKind;
  head: string | null;
  knownGood: string | null;
  /** The head failed validation: renders keep using knownGood. */
  rejected: boolean;
  /** First rejection of the current run of rejected pushes. */
  rejectedSince: string | null;
  /** The problems of the latest rejected push, while the head is rejected. */
  problems: string[];
  /** The latest pushes (and polls) with their verdicts, newest first. */
  recent: RepoEvent[];
}

/** Pure: one repo's status from its state and its events (any order). */
export function repoStatus(name: RepoKind, state: RepoState, events: readonly RepoEvent[]): RepoStatus {
  const mine = events.filter((e) => e.repo === name).sort((a, b) => b.at.localeCompare(a.at));
  const rejected = state.lastProcessed !== null && state.lastProcessed !== state.knownGood;
  let since: string | null = null;
  if (rejected) {
    for (const e of mine) {
      if (e.kind !== 'rejected') break;
      since = e.at;
    }
    since ??= state.updatedAt; // history pruned: the state's last change is the best we know
  }
  const latestRejected = rejected ? mine.find((e) => e.kind === 'rejected') : undefined;
  return {
    name,
    head: state.lastProcessed,
    knownGood: state.knownGood,
    rejected,
    rejectedSince: since,
    problems: latestRejected?.problems ?? [],
    recent: mine.slice(0, RECENT),
  };
}

export async function readRepoStatuses(store: Store): Promise<RepoStatus[]> {
  const events = await store.listRecords('repoEvents');
  return Promise.all(REPOS.map(async (name) => repoStatus(name, await readRepoState(store, name), events)));
}
