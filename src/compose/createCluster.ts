/**
 * Builds what replicas share (DESIGN §10) for the configured store: on PostgreSQL, presence and leader
 * election, advisory device locks, delivery dedupe, refresh claims and a health probe over a small pool of
 * their own; on the embedded store, the cluster of one process (always leader, in-memory locks and dedupe).
 */
import pg from 'pg';
import { directWork, embeddedHealth, LocalLeadership, MemoryDeliveryLog } from '../cluster/localCluster.ts';
import type { DeviceLocks } from '../commit/ports.ts';
import type { BackendHealth, DeliveryLog, ExclusiveWork, Leadership, ReplicaRegistry } from '../model/cluster.ts';
import type { Clock, Logger } from '../model/ports.ts';
import { PgDeliveryLog } from '../postgres/pgDeliveryLog.ts';
import { PgDeviceLocks } from '../postgres/deviceLocks.ts';
import { PgExclusiveWork } from '../postgres/pgExclusiveWork.ts';
import { pgHealth } from '../postgres/pgHealth.ts';
import { PgLeadership } from '../postgres/pgLeadership.ts';

export interface Cluster {
  replica: string;
  leadership: Leadership;
  registry: ReplicaRegistry;
  deliveries: DeliveryLog;
  exclusive: ExclusiveWork;
  /** Device locks shared by the replicas; absent for the embedded store, whose own in-memory locks serve. */
  locks?: DeviceLocks;
  health(): Promise<BackendHealth>;
  housekeeping(): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterParts {
  replica: string;
  /** `postgres://...` when the store is PostgreSQL. */
  postgresUrl?: string;
  logger: Logger;
  clock: Clock;
  /** How often presence is refreshed and the leader lock tried (ms). */
  leaderIntervalMs?: number;
}

/** Webhook deliveries are remembered this long in the database (senders retry within hours, not days). */
const DELIVERY_DAYS = 7;

export function createCluster(parts: ClusterParts): Cluster {
  if (!parts.postgresUrl) {
    const leadership = new LocalLeadership(parts.replica, parts.clock());
    return {
      replica: parts.replica,
      leadership,
      registry: leadership,
      deliveries: new MemoryDeliveryLog(),
      exclusive: directWork,
      health: embeddedHealth,
      housekeeping: async () => undefined,
      close: () => leadership.stop(),
    };
  }
  // Every query of ours is short (the refresh claim sets its own longer bound for its wait).
  const connection: pg.ClientConfig = { connectionString: parts.postgresUrl, connectionTimeoutMillis: 5000, statement_timeout: 10_000 };
  const pool = new pg.Pool({ ...connection, max: 4, idleTimeoutMillis: 30_000, application_name: 'netsync-cluster' });
  // An idle pooled connection that the server ends (restart, pg_terminate_backend) must not end the process.
  pool.on('error', (err) => parts.logger.warn({ err: err.message }, 'a pooled database connection ended; the next query opens a new one'));
  const log = parts.logger.child({ replica: parts.replica });
  const leadership = new PgLeadership({ connection, pool, replica: parts.replica, logger: log, ...(parts.leaderIntervalMs ? { intervalMs: parts.leaderIntervalMs } : {}) });
  const locks = new PgDeviceLocks({ connection, pool, replica: parts.replica, logger: log });
  const deliveries = new PgDeliveryLog(pool, parts.replica);
  return {
    replica: parts.replica,
    leadership,
    registry: leadership,
    deliveries,
    exclusive: new PgExclusiveWork(pool, parts.replica),
    locks,
    health: async () => {
      const health = await pgHealth(pool);
      if (health.ok && !leadership.connected()) return { ...health, ok: false, problem: "this replica's presence connection to the database is down; reconnecting" };
      return health;
    },
    housekeeping: async () => {
      const dropped = await deliveries.prune(DELIVERY_DAYS);
      if (dropped) log.info({ dropped }, 'forgot old webhook deliveries');
      await pool.query(
        `DELETE FROM netsync_replicas r WHERE r.heartbeat_at < now() - interval '1 day'
           AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid AND a.backend_start = r.backend_start)`,
      );
      // Rows of lock connections that ended without removing theirs (a replica killed mid-transaction).
      await pool.query('DELETE FROM netsync_lock_holders h WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = h.backend_pid)');
    },
    close: async () => {
      await leadership.stop();
      await locks.close();
      await pool.end();
    },
  };
}
