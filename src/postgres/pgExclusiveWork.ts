/**
 * One holder at a time per key across replicas, for repo refreshes: the holder keeps the key's row in
 * `netsync_work_claims` row-locked (taken by updating it, as `SELECT ... FOR UPDATE` would) in a transaction
 * for the length of the work, and records who runs it. A second replica's refresh of the same repo waits for the row instead of skipping it
 * (SKIP LOCKED would let it return while the running refresh may have fetched the branch before this push
 * arrived); once it gets the row, its refresh finds the head already processed and writes nothing, so a push
 * delivered to two replicas marks its devices once. A replica that dies mid-work loses its connection, which
 * ends the transaction and frees the row.
 */
import type pg from 'pg';
import type { ExclusiveWork } from '../model/cluster.ts';

export class PgExclusiveWork implements ExclusiveWork {
  constructor(
    private readonly pool: pg.Pool,
    private readonly replica: string,
    /** Longest wait for another replica's work on the same key before failing (ms). */
    private readonly waitMs = 120_000,
  ) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const waitMs = Math.max(1, Math.round(this.waitMs));
      await client.query(`BEGIN; SET LOCAL lock_timeout = ${waitMs}; SET LOCAL statement_timeout = ${waitMs + 5000}`);
      await client.query('INSERT INTO netsync_work_claims (key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
      // Takes the row's lock (waiting for another replica's work on the key) and says who holds it.
      await client.query('UPDATE netsync_work_claims SET replica = $2, claimed_at = clock_timestamp(), released_at = NULL WHERE key = $1', [key, this.replica]);
      let result: T;
      try {
        result = await work();
      } finally {
        await client.query('UPDATE netsync_work_claims SET released_at = clock_timestamp() WHERE key = $1', [key]).catch((err: Error) => (broken = err));
        await client.query(broken ? 'ROLLBACK' : 'COMMIT').catch((err: Error) => (broken = err));
      }
      return result;
    } catch (err) {
      broken ??= err as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
