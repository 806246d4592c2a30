/** Check records in the Store (collection `checks`, declared in model.ts). */
import { randomBytes } from 'node:crypto';
import type { Store } from '../model/store.ts';
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

  /**
   * Bounds the per-device results kept in the store (they hold the diffs: about 2.4 MB for a change touching
   * 8,000 devices, and the store file is rewritten on every write). Only the newest check of each PR keeps
   * them, and only while those, newest first, stay within `maxChars` together; the check `keepId` (the one
   * just run) always keeps its own. The others keep state, description and counts. Returns how many were trimmed.
   */
  async trimDetails(maxChars: number, keepId: string): Promise<number> {
    const seen = new Set<string>();
    let total = 0;
    let trimmed = 0;
    for (const c of await this.list()) {
      if (!c.report?.devices.length) continue;
      const pr = `${c.provider}:${c.repo}#${c.number}`;
      const size = JSON.stringify(c.report.devices).length;
      const keep = c.id === keepId || (!seen.has(pr) && total + size <= maxChars);
      seen.add(pr);
      if (keep) {
        total += size;
        continue;
      }
      // Applied to the stored record as it is now: a run of that PR may have saved it meanwhile.
      await this.store.updateRecord('checks', c.id, (cur) => (cur?.report ? { ...cur, report: { ...cur.report, devices: [] }, detailsTrimmed: true } : cur!));
      trimmed++;
    }
    return trimmed;
  }

  save(record: CheckRecord): Promise<CheckRecord> {
    return this.store.updateRecord('checks', record.id, () => record);
  }

  /** Ids are unguessable: the HTML page behind a commit status's target_url is readable without a token. */
  static newId(): string {
    return randomBytes(16).toString('hex');
  }
}
