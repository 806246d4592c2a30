/**
 * Webhook delivery dedupe in the database: the delivery id is the primary key, so of two replicas handed the
 * same delivery (a sender retry, a load balancer sending it twice) exactly one inserts it and processes it.
 */
import type pg from 'pg';
import type { DeliveryLog } from '../model/cluster.ts';

export class PgDeliveryLog implements DeliveryLog {
  constructor(
    private readonly pool: pg.Pool,
    private readonly replica: string,
  ) {}

  async claim(provider: string, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'INSERT INTO netsync_webhook_deliveries (provider, delivery_id, replica) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [provider, id, this.replica],
    );
    return rowCount === 1;
  }

  async release(provider: string, id: string): Promise<void> {
    await this.pool.query('DELETE FROM netsync_webhook_deliveries WHERE provider = $1 AND delivery_id = $2 AND replica = $3', [provider, id, this.replica]);
  }

  /** Drops deliveries older than `days` (the leader's housekeeping): senders do not redeliver that late. */
  async prune(days: number): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM netsync_webhook_deliveries WHERE received_at < now() - make_interval(days => $1)', [days]);
    return rowCount ?? 0;
  }
}
