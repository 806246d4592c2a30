/**
 * Replica presence and leader election on PostgreSQL (DESIGN §10). Each replica keeps one dedicated
 * connection: its row in `netsync_replicas` names that connection's backend (pid + start time), so the
 * replica counts as alive exactly while the connection does. Every `intervalMs` the replica refreshes its
 * heartbeat and, unless it leads, tries the leader lock (`pg_try_advisory_lock`, session level, never
 * waiting). The leader refreshes `netsync_leader`'s heartbeat; a new leader reads the last one there to
 * record how long the leadership was vacant. A connection that fails ends the leadership at once and is
 * opened again on the next tick.
 */
import type pg from 'pg';
import type { Leadership, LeaderStatus, ReplicaRegistry } from '../model/cluster.ts';
import type { Logger } from '../model/ports.ts';
import { silentLogger } from '../model/ports.ts';
import { advisoryKey } from './advisoryKey.ts';
import type { DedicatedClient } from './dedicatedClient.ts';
import { openDedicatedClient } from './dedicatedClient.ts';

export const LEADER_KEY = advisoryKey('leader', 'netsync');

export interface PgLeadershipOptions {
  connection: pg.ClientConfig;
  pool: pg.Pool;
  replica: string;
  /** How often presence is refreshed and a follower tries the leader lock (default 1000 ms). */
  intervalMs?: number;
  logger?: Logger;
}

export class PgLeadership implements Leadership, ReplicaRegistry {
  readonly replica: string;
  private conn: DedicatedClient | undefined;
  private leading = false;
  private current: LeaderStatus;
  private readonly listeners: ((leader: boolean) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly logger: Logger;
  private readonly intervalMs: number;

  constructor(private readonly options: PgLeadershipOptions) {
    this.replica = options.replica;
    this.current = { replica: options.replica, leader: false };
    this.logger = (options.logger ?? silentLogger).child({ component: 'leader', replica: options.replica });
    this.intervalMs = options.intervalMs ?? 1000;
  }

  isLeader(): boolean {
    return this.leading;
  }

  status(): LeaderStatus {
    return { ...this.current };
  }

  /** Whether the presence connection is up (health). */
  connected(): boolean {
    return this.conn?.isAlive() ?? false;
  }

  onChange(listener: (leader: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Registers this replica (so no other replica takes its work for a dead one's) and runs the first election round. */
  async start(): Promise<void> {
    await this.tick(true);
    this.timer = setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick(false));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    this.setLeading(false);
    if (this.conn?.isAlive()) {
      await this.conn.query('DELETE FROM netsync_replicas WHERE id = $1', [this.replica]).catch(() => undefined);
    }
    await this.conn?.close();
  }

  async liveReplicas(): Promise<Set<string>> {
    const { rows } = await this.options.pool.query<{ id: string }>(
      `SELECT r.id FROM netsync_replicas r
         JOIN pg_stat_activity a ON a.pid = r.backend_pid AND a.backend_start = r.backend_start`,
    );
    return new Set(rows.map((r) => r.id));
  }

  /** One round: connect if needed, heartbeat, try to lead. The first round's errors are thrown (start fails). */
  private async tick(first: boolean): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.conn?.isAlive()) {
        this.setLeading(false);
        this.conn = await this.connect();
      }
      const q = this.conn.client;
      await q.query('UPDATE netsync_replicas SET heartbeat_at = clock_timestamp() WHERE id = $1', [this.replica]);
      if (this.leading) {
        await q.query('UPDATE netsync_leader SET heartbeat_at = clock_timestamp() WHERE replica = $1', [this.replica]);
        return;
      }
      const { rows } = await q.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [LEADER_KEY.toString()]);
      if (rows[0]?.locked) await this.becomeLeader(q);
    } catch (err) {
      if (first) throw err;
      if (this.conn?.isAlive()) {
        // A query failed on a live connection: its session state is unknown, so start over with a new one.
        await this.conn.close();
      }
      this.setLeading(false);
      this.logger.warn({ err: (err as Error).message }, 'lost the database connection of this replica; retrying');
    }
  }

  private async connect(): Promise<DedicatedClient> {
    const conn = await openDedicatedClient(this.options.connection, 'netsync-replica');
    void conn.ended.then(() => this.setLeading(false));
    await conn.query(
      `INSERT INTO netsync_replicas (id, backend_pid, backend_start, started_at, heartbeat_at)
       SELECT $1, a.pid, a.backend_start, clock_timestamp(), clock_timestamp() FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()
       ON CONFLICT (id) DO UPDATE SET backend_pid = EXCLUDED.backend_pid, backend_start = EXCLUDED.backend_start, heartbeat_at = EXCLUDED.heartbeat_at`,
      [this.replica],
    );
    return conn;
  }

  private async becomeLeader(q: pg.Client): Promise<void> {
    const { rows } = await q.query<{ previous: string | null; vacant_ms: string | null; since: Date }>(
      `WITH prev AS (SELECT replica, heartbeat_at FROM netsync_leader WHERE id),
            now AS (SELECT clock_timestamp() AS at),
            up AS (
              INSERT INTO netsync_leader (id, replica, since, heartbeat_at) SELECT true, $1, at, at FROM now
              ON CONFLICT (id) DO UPDATE SET replica = EXCLUDED.replica, since = EXCLUDED.since, heartbeat_at = EXCLUDED.heartbeat_at)
       SELECT (SELECT replica FROM prev) AS previous,
              (SELECT round(extract(epoch FROM (now.at - prev.heartbeat_at)) * 1000) FROM prev) AS vacant_ms,
              now.at AS since
         FROM now`,
      [this.replica],
    );
    const row = rows[0]!;
    const takeoverMs = row.previous !== null && row.previous !== this.replica && row.vacant_ms !== null ? Number(row.vacant_ms) : undefined;
    await q.query('UPDATE netsync_replicas SET leader_since = $2, takeover_ms = $3, previous_leader = $4 WHERE id = $1', [
      this.replica,
      row.since,
      takeoverMs ?? null,
      row.previous,
    ]);
    this.current = {
      replica: this.replica,
      leader: true,
      leaderSince: row.since.toISOString(),
      ...(takeoverMs !== undefined ? { takeoverMs } : {}),
      ...(row.previous && row.previous !== this.replica ? { previousLeader: row.previous } : {}),
    };
    this.logger.info({ previousLeader: row.previous, takeoverMs }, 'this replica is now the leader');
    this.setLeading(true);
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    if (!leading) {
      this.current = { replica: this.replica, leader: false };
      if (!this.stopped) this.logger.warn('this replica is no longer the leader');
    }
    for (const l of this.listeners) {
      try {
        l(leading);
      } catch (err) {
        this.logger.error({ err }, 'a leadership listener failed');
      }
    }
  }
}
