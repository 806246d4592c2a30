/** Check records in the Store (collection `checks`, declared in model.ts). */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { CheckRecord } from './model.ts';

export class CheckRecords {
  constructor(private readonly store: Store) {}

  get(id: string): Promise<CheckRecord | undefined> {
    return this.store.getRecord('checks', id);
  }

  /** The check of one PR at one head commit (a redelivered webhook reuses it). */
  async find(provider: string, repo: string, number: number, headSha: string): Promise<CheckRecord | undefined> {
    const all = await this.store.listRecords('checks');
    return all.find((c) => c.provider === provider && c.repo === repo && c.number === number && c.headSha === headSha);
  }

  async list(filter: { repo?: string; number?: number } = {}): Promise<CheckRecord[]> {
    const all = await this.store.listRecords('checks');
    return all
      .filter((c) => (filter.repo === undefined || c.repo === filter.repo) && (filter.number === undefined || c.number === filter.number))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Keeps the newest `keep` checks of a PR (each holds its diffs); returns how many were deleted. */
  async prune(provider: string, repo: string, number: number, keep: number): Promise<number> {
    const old = (await this.list({ repo, number })).filter((c) => c.provider === provider).slice(keep);
    for (const c of old) await this.store.deleteRecord('checks', c.id);
    return old.length;
  }

  save(record: CheckRecord): Promise<CheckRecord> {
    return this.store.updateRecord('checks', record.id, () => record);
  }

  /** Ids are unguessable: the HTML page behind a commit status's target_url is readable without a token. */
  static newId(): string {
    return randomBytes(16).toString('hex');
  }
}
