/** The cluster of replicas on PostgreSQL (see createCluster.ts): presence and leader election, delivery dedupe, refresh claims, the job queue and a health probe over a small pool of their own. */
import pg from 'pg';
import { PgDeliveryLog } from '../postgres/pgDeliveryLog.ts';
import { PgExclusiveWork } from '../postgres/pgExclusiveWork.ts';
import { PgJobQueue } from '../postgres/pgJobQueue.ts';
import { pgHealth } from '../postgres/pgHealth.ts';
import { PgLeadership } from '../postgres/pgLeadership.ts';
import type { Cluster, ClusterParts } from './createCluster.ts';

/** Webhook deliveries are remembered this long in the database (senders retry within hours, not days). */
const DELIVERY_DAYS = 7;

export function createPgCluster(parts: ClusterParts & { postgresUrl: string }): Cluster {
  // Every query of ours is short (the refresh claim sets its own longer bound for its wait).
  const connection: pg.ClientConfig = { connectionString: parts.postgresUrl, connectionTimeoutMillis: 5000, statement_timeout: 10_000 };
  const pool = new pg.Pool({ ...connection, max: 4, idleTimeoutMillis: 30_000, application_name: 'netsync-cluster' });
  // An idle pooled connection that the server ends (restart, pg_terminate_backend) must not end the process.
  const onIdleError = (err: Error) => parts.logger.warn({ err: err.message }, 'a pooled database connection ended; the next query opens a new one');
  pool.on('error', onIdleError);
  // The web interface's sessions (a read and a touch per page) get a pool of their own, made on the first page,
  // so a busy browser never holds up the job queue, delivery claims or /healthz.
  let sessionPool: pg.Pool | undefined;
  const log = parts.logger.child({ replica: parts.replica });
  const leadership = new PgLeadership({
    connection,
    pool,
    replica: parts.replica,
    logger: log,
    ...(parts.leaderIntervalMs ? { intervalMs: parts.leaderIntervalMs } : {}),
  });
  const deliveries = new PgDeliveryLog(pool, parts.replica);
  const jobQueue = new PgJobQueue(pool, parts.replica);
  return {
    replica: parts.replica,
    leadership,
    registry: leadership,
    deliveries,
    exclusive: new PgExclusiveWork(pool, parts.replica),
    jobQueue,
    // connect-pg-simple loads with the web interface, on its first page.
    uiSessions: async () => {
      sessionPool ??= new pg.Pool({ ...connection, max: 3, idleTimeoutMillis: 30_000, application_name: 'netsync-ui-sessions' }).on('error', onIdleError);
      return (await import('../postgres/pgUiSessions.ts')).pgUiSessions(sessionPool, log);
    },
    health: async () => {
      const health = await pgHealth(pool);
      if (health.ok && !leadership.connected())
        return { ...health, ok: false, problem: "this replica's presence connection to the database is down; reconnecting" };
      return health;
    },
    housekeeping: async () => {
      const dropped = await deliveries.prune(DELIVERY_DAYS);
      if (dropped) log.info({ dropped }, 'forgot old webhook deliveries');
      await jobQueue.prune();
      // Web interface sessions past their end (connect-pg-simple's own pruning timer is off: this runs once, on the leader).
      await pool.query('DELETE FROM netsync_ui_sessions WHERE expire < now()');
      await pool.query(
        `DELETE FROM netsync_replicas r WHERE r.heartbeat_at < now() - interval '1 day'
           AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid AND a.backend_start = r.backend_start)`,
      );
      // Rows of lock connections that ended without removing theirs (a replica killed mid-transaction).
      await pool.query('DELETE FROM netsync_lock_holders h WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = h.backend_pid)');
    },
    close: async () => {
      await leadership.stop();
      await pool.end();
      await sessionPool?.end();
    },
  };
}
