/**
 * The shared job queue (model/cluster.ts JobQueue) as a plain table: a claim takes the oldest waiting row
 * with `FOR UPDATE SKIP LOCKED` and marks it claimed in the same statement, so two replicas claiming at once
 * get different jobs and no job twice. Claimed rows older than a day are dropped by housekeeping.
 */
import type pg from 'pg';
import type { JobQueue } from '../model/cluster.ts';

export class PgJobQueue implements JobQueue {
  constructor(
    private readonly pool: pg.Pool,
    private readonly replica: string,
  ) {}

  async enqueue(id: string): Promise<void> {
    await this.pool.query('INSERT INTO netsync_job_queue (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [id]);
  }

  async claim(): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE netsync_job_queue SET claimed_by = $1, claimed_at = clock_timestamp()
        WHERE id = (SELECT id FROM netsync_job_queue WHERE claimed_by IS NULL ORDER BY enqueued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [this.replica],
    );
    return rows[0]?.id;
  }

  /** Forgets claims older than a day (their jobs have records of their own). */
  async prune(): Promise<void> {
    await this.pool.query("DELETE FROM netsync_job_queue WHERE claimed_at < now() - interval '1 day'");
  }
}
