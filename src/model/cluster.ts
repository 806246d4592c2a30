/**
 * What several netsync replicas on one database share (DESIGN §10), as interfaces: the domain code depends on
 * these, an embedded (single-process) and a PostgreSQL implementation provide them (src/cluster/, src/postgres/).
 */

/** One running netsync process. */
export interface ReplicaIdentity {
  /** Unique per process start (a restarted replica is a new one): records name the replica that works on them. */
  readonly id: string;
}

/** The replicas alive right now; a record owned by any other replica was left behind by a dead process. */
export interface ReplicaRegistry {
  liveReplicas(): Promise<Set<string>>;
}

export interface LeaderStatus {
  replica: string;
  leader: boolean;
  /** When this replica became leader (ISO time). */
  leaderSince?: string;
  /**
   * How long the leadership was vacant before this replica took it, by the daemons' own clocks: from the last
   * heartbeat the previous leader recorded to the moment this one holds the lock (ms). Absent on a first start.
   */
  takeoverMs?: number;
  /** The replica that led before this one, when known. */
  previousLeader?: string;
}

/** Periodic work and crash recovery run on one replica, the leader. */
export interface Leadership {
  readonly replica: string;
  isLeader(): boolean;
  status(): LeaderStatus;
  /** Called with true when this replica becomes leader and false when it stops being leader. */
  onChange(listener: (leader: boolean) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Webhook deliveries already received, by provider and delivery id: a redelivery (or the same one at two replicas) is processed once. */
export interface DeliveryLog {
  /** True when this is the first time the delivery is seen; it is then recorded. */
  claim(provider: string, id: string): Promise<boolean>;
  /** Forgets a claim whose delivery was refused (queue full, 503): the sender's retry must be processed. */
  release(provider: string, id: string): Promise<void>;
}

/** Runs work under a claim on a key shared by every replica: one holder at a time, the others wait for it. */
export interface ExclusiveWork {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** What /healthz tells about the backend. */
export interface BackendHealth {
  backend: string;
  ok: boolean;
  /** The schema migration in force (PostgreSQL), when known. */
  migration?: string;
  /** Why the backend is not usable right now. */
  problem?: string;
}

/**
 * Accepted jobs waiting for a replica to run them: any live replica claims the oldest waiting one, each job
 * exactly once. Only PostgreSQL has one (src/postgres/pgJobQueue.ts); with the embedded store the process
 * that accepts a job runs it at once.
 */
export interface JobQueue {
  /** Puts an accepted job (its record already written) in the queue. */
  enqueue(id: string): Promise<void>;
  /** Claims one waiting job for this replica; undefined when none waits. No two claims return the same job. */
  claim(): Promise<string | undefined>;
}
