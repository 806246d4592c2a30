/**
 * The devices this process has read, checked, by key and revision. Every write gives a device row a new
 * revision (a sequence, taken under the store's write lock or by an UPDATE trigger), so a full read asks the
 * database for each row's key and revision and for the data of rows above the highest revision seen: at
 * 10k devices a listing moves a few changed rows instead of every device's JSON, and checks only those.
 * Before that, one small query (the highest revision and the number of rows) tells whether anything changed
 * at all: any write raises the highest revision or, a removal alone, lowers the count.
 */
import type pg from 'pg';
import type { Device } from '../../model/device.ts';
import type { DeviceRow } from './rows.ts';
import { deviceOf } from './rows.ts';

interface Entry {
  rev: number;
  device: Device;
}

export class DeviceCache {
  private byKey = new Map<string, Entry>();
  private maxRev = 0;
  /** The list as of `maxRev` and `count`, in order. */
  private ordered: Device[] = [];
  private count = -1;

  constructor(private readonly where: string) {}

  /** Every device in list order (shared objects: the caller copies before handing them out or changing them). */
  async all(db: Pick<pg.ClientBase, 'query'>): Promise<Device[]> {
    const probe = (await db.query<{ rev: string | null; n: string }>('SELECT max(rev) AS rev, count(*) AS n FROM devices')).rows[0]!;
    if (Number(probe.rev ?? 0) === this.maxRev && Number(probe.n) === this.count) return this.ordered;
    const seen = this.maxRev;
    const rows = (
      await db.query<{ key: string; rev: string; data: unknown }>('SELECT key, rev, CASE WHEN rev > $1 THEN data END AS data FROM devices ORDER BY position', [
        seen,
      ])
    ).rows;
    const next = new Map<string, Entry>();
    const stale: string[] = [];
    for (const r of rows) {
      const rev = Number(r.rev);
      if (r.data !== null) next.set(r.key, { rev, device: deviceOf({ key: r.key, data: r.data }, this.where) });
      else {
        const known = this.byKey.get(r.key);
        if (known && known.rev === rev) next.set(r.key, known);
        else stale.push(r.key); // a concurrent read replaced the cache under us: fetch these rows whole
      }
    }
    if (stale.length > 0) {
      const fetched = await db.query<DeviceRow & { rev: string }>('SELECT key, rev, data FROM devices WHERE key = ANY($1)', [stale]);
      for (const r of fetched.rows) next.set(r.key, { rev: Number(r.rev), device: deviceOf(r, this.where) });
    }
    const max = rows.reduce((m, r) => Math.max(m, Number(r.rev)), seen);
    const ordered = rows.flatMap((r) => {
      const e = next.get(r.key);
      return e ? [e.device] : [];
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
