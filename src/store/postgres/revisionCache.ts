/**
 * The rows of one table (or one collection of `records`) this process has read, checked, by key and revision.
 * Every write gives a row a new revision (a sequence, taken under the store's write lock or by an UPDATE
 * trigger), so a full read asks the database for each row's key and revision and for the data of rows above
 * the highest revision seen: at 10k devices (or 500 jobs with their diffs) a listing moves a few changed rows
 * instead of every row's JSON, and checks only those. Before that, one small query (the highest revision and
 * the number of rows) tells whether anything changed at all: any write raises the highest revision or, a
 * removal alone, lowers the count.
 */
import type pg from 'pg';

/** Where the rows are: `table` has columns rev, position, data and `key`; `where` may use $1 ... $n = `params`. */
export interface CachedRows<T> {
  table: string;
  key: string;
  where: string;
  params: unknown[];
  /** Checks a row (STORE_CORRUPT when it does not fit) and gives the value to keep. */
  parse(key: string, data: unknown): T;
}

interface Entry<T> {
  rev: number;
  value: T;
}

export class RevisionCache<T> {
  private byKey = new Map<string, Entry<T>>();
  private maxRev = 0;
  /** The list as of `maxRev` and `count`, in order. */
  private ordered: T[] = [];
  private count = -1;

  constructor(private readonly rows: CachedRows<T>) {}

  /** Every row's value in list order (shared objects: the caller copies before handing them out or changing them). */
  async all(db: Pick<pg.ClientBase, 'query'>): Promise<T[]> {
    const { table, key, where, params, parse } = this.rows;
    const seenAt = `$${params.length + 1}`;
    const probe = (await db.query<{ rev: string | null; n: string }>(`SELECT max(rev) AS rev, count(*) AS n FROM ${table} WHERE ${where}`, params)).rows[0]!;
    if (Number(probe.rev ?? 0) === this.maxRev && Number(probe.n) === this.count) return this.ordered;
    const seen = this.maxRev;
    const rows = (
      await db.query<{ key: string; rev: string; data: unknown }>(
        `SELECT ${key} AS key, rev, CASE WHEN rev > ${seenAt} THEN data END AS data FROM ${table} WHERE ${where} ORDER BY position`,
        [...params, seen],
      )
    ).rows;
    const next = new Map<string, Entry<T>>();
    const stale: string[] = [];
    for (const r of rows) {
      const rev = Number(r.rev);
      if (r.data !== null) next.set(r.key, { rev, value: parse(r.key, r.data) });
      else {
        const known = this.byKey.get(r.key);
        if (known && known.rev === rev) next.set(r.key, known);
        else stale.push(r.key); // a concurrent read replaced the cache under us: fetch these rows whole
      }
    }
    if (stale.length > 0) {
      const fetched = await db.query<{ key: string; rev: string; data: unknown }>(
        `SELECT ${key} AS key, rev, data FROM ${table} WHERE ${where} AND ${key} = ANY(${seenAt})`,
        [...params, stale],
      );
      for (const r of fetched.rows) next.set(r.key, { rev: Number(r.rev), value: parse(r.key, r.data) });
    }
    const max = rows.reduce((m, r) => Math.max(m, Number(r.rev)), seen);
    const ordered = rows.flatMap((r) => {
      const e = next.get(r.key);
      return e ? [e.value] : [];
    });
    // An older read finishing late must not replace a newer cache.
    if (max >= this.maxRev) {
      this.byKey = next;
      this.maxRev = max;
      this.ordered = ordered;
      this.count = rows.length;
    }
    return ordered;
  }
}
