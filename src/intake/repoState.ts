/**
 * What netsync remembers per repo (Store meta `repo:<name>`): the last commit it processed and the last
 * known-good commit, which stays in force while newer pushes fail validation. And the repo event history.
 */
import type { RepoKind } from '../render/index.ts';
import type { Store } from '../model/store.ts';
import { z } from 'zod';
import { isoTime, recordSchema } from '../model/schemaKit.ts';

export interface RepoState {
  /** Last branch head looked at (valid or not): a head equal to it needs no work. */
  lastProcessed: string | null;
  /** Last commit that passed validation: what renders use. */
  knownGood: string | null;
  updatedAt: string;
}

export type RepoEventKind = 'baseline' | 'applied' | 'rejected' | 'branch_missing';

/** One processed push (or poll finding new commits), kept as history. */
export interface RepoEvent {
  id: string;
  repo: RepoKind;
  kind: RepoEventKind;
  at: string;
  trigger: string;
  before: string | null;
  after: string | null;
  commits: number;
  marked: string[];
  unchanged: string[];
  problems: string[];
}

declare module '../model/store.ts' {
  interface Collections {
    repoEvents: RepoEvent;
  }
}

/** Checked at every store load (listed in src/compose/storeCollections.ts). */
export const repoEventSchema = recordSchema<RepoEvent>()(
  z.object({
    id: z.string().min(1),
    repo: z.enum(['settings', 'templates']),
    kind: z.enum(['baseline', 'applied', 'rejected', 'branch_missing']),
    at: isoTime,
    trigger: z.string(),
    before: z.string().nullable(),
    after: z.string().nullable(),
    commits: z.number().int().min(0),
    marked: z.array(z.string()),
    unchanged: z.array(z.string()),
    problems: z.array(z.string()),
  }),
);

const EMPTY: RepoState = { lastProcessed: null, knownGood: null, updatedAt: new Date(0).toISOString() };

export function repoStateKey(repo: RepoKind): string {
  return `repo:${repo}`;
}

export async function readRepoState(store: Store, repo: RepoKind): Promise<RepoState> {
  return (await store.getMeta<RepoState>(repoStateKey(repo))) ?? EMPTY;
}

export async function writeRepoState(store: Store, repo: RepoKind, state: RepoState): Promise<void> {
  await store.setMeta(repoStateKey(repo), state);
}
