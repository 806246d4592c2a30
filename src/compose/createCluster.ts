/**
 * Builds what replicas share (DESIGN §10) for the configured store: on PostgreSQL, presence and leader
 * election, delivery dedupe, refresh claims, the job queue and a health probe over a small pool of
 * their own; on the embedded store, the cluster of one process (always leader, in-memory dedupe; the store's own device locks serve every replica).
 */
import { directWork, embeddedHealth, LocalLeadership, MemoryDeliveryLog } from '../cluster/localCluster.ts';
import type { BackendHealth, DeliveryLog, ExclusiveWork, JobQueue, Leadership, ReplicaRegistry } from '../model/cluster.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { SharedSessions } from '../ui/session.ts';

export interface Cluster {
  replica: string;
  leadership: Leadership;
  registry: ReplicaRegistry;
  deliveries: DeliveryLog;
  exclusive: ExclusiveWork;
  /** Accepted jobs any replica may claim (PostgreSQL); absent for the embedded store, whose process runs what it accepts. */
  jobQueue?: JobQueue;
  /** The web interface's sessions, shared by the replicas (PostgreSQL); absent: each process keeps its own. */
  uiSessions?: () => Promise<SharedSessions>;
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

export async function createCluster(parts: ClusterParts): Promise<Cluster> {
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
  // The PostgreSQL client loads only for a PostgreSQL store (a single embedded-store daemon does not hold it).
  const { createPgCluster } = await import('./createPgCluster.ts');
  return createPgCluster({ ...parts, postgresUrl: parts.postgresUrl });
}
