/**
 * Builds what replicas share (DESIGN §10) for the configured store: on PostgreSQL, presence and leader
 * election, advisory device locks, delivery dedupe, refresh claims and a health probe over a small pool of
 * their own; on the embedded store, the cluster of one process (always leader, in-memory locks and dedupe).
 */
import { directWork, embeddedHealth, LocalLeadership, MemoryDeliveryLog } from '../cluster/localCluster.ts';
import type { DeviceLocks } from '../commit/ports.ts';
import type { BackendHealth, DeliveryLog, ExclusiveWork, Leadership, ReplicaRegistry } from '../model/cluster.ts';
import type { Clock, Logger } from '../model/ports.ts';

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
