/** Each repo's head vs the known-good commit in force, with the latest rejected push spelled out. */
import type { RepoEvent } from '../intake/repoState.ts';
import { readRepoState } from '../intake/repoState.ts';
import { REPO_KINDS } from '../intake/intakeService.ts';
import type { RepoKind } from '../render/index.ts';
import type { Ui } from './deps.ts';

export interface RepoSummary {
  name: RepoKind;
  head: string | null;
  knownGood: string | null;
  updatedAt: string;
  /** The newest push when it was rejected: the head is not in force. */
  rejected?: RepoEvent & { author?: string; message?: string };
}

export async function recentRepoEvents(ui: Ui, limit: number): Promise<RepoEvent[]> {
  const events = await ui.store.listRecords('repoEvents');
  return events.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}

export async function repoSummaries(ui: Ui): Promise<RepoSummary[]> {
  if (!ui.gitops) return [];
  const events = await recentRepoEvents(ui, 200);
  return Promise.all(
    REPO_KINDS.map(async (name) => {
      const state = await readRepoState(ui.store, name);
      const summary: RepoSummary = { name, head: state.lastProcessed, knownGood: state.knownGood, updatedAt: state.updatedAt };
      const latest = events.find((e) => e.repo === name);
      if (latest?.kind === 'rejected' && latest.after) {
        const info = await ui.gitops!.commitInfo(name, latest.after).catch(() => undefined);
        summary.rejected = { ...latest, ...(info ? { author: info.author, message: info.message } : {}) };
      }
      return summary;
    }),
  );
}
