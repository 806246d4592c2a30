/**
 * Per-device transaction locks as PostgreSQL session advisory locks (DESIGN §6 phase 1): `pg_try_advisory_lock`
 * on the device's stable key, never waiting. Every owner (transaction, job, bounce, recovery) gets a dedicated
 * connection for as long as it holds a lock, so the locks end with the owner's work or with its connection
 * (a replica killed -9 releases them when the server notices the socket closed). Who holds a lock is read
 * from pg_locks joined with `netsync_lock_holders`, the row each lock connection writes about itself.
 */
import type pg from 'pg';
import type { DeviceLocks } from '../commit/ports.ts';
import type { Logger } from '../model/ports.ts';
import { silentLogger } from '../model/ports.ts';
import { deviceKey, lockRowOf } from './advisoryKey.ts';
import type { DedicatedClient } from './dedicatedClient.ts';
import { openDedicatedClient } from './dedicatedClient.ts';

interface OwnerSession {
  connection: Promise<DedicatedClient>;
  /** Lock counts by key (session advisory locks stack: each take needs its release). */
  held: Map<bigint, number>;
  /**
   * The owner's lock calls under way (a job may lock one device while it unlocks another): the session ends
   * only when none is and it holds nothing, so no call of it can land on the connection after that.
   */
  busy: number;
}

export interface PgDeviceLocksOptions {
  /** How to connect (the store's URL): one connection per lock owner, outside the pool. */
  connection: pg.ClientConfig;
  /** Used to run the holder queries (any pooled connection will do). */
  pool: pg.Pool;
  replica: string;
  logger?: Logger;
}

/** Lock connections kept open between owners. */
const IDLE_CONNECTIONS = 2;

export class PgDeviceLocks implements DeviceLocks {
  private readonly owners = new Map<string, OwnerSession>();
  private idle: DedicatedClient[] = [];
  /** Whose session each lock connection serves now. */
  private readonly ownerOf = new Map<DedicatedClient, string>();
  private closed = false;
  /** Connections on their way into `idle` (their locks being dropped). */
  private parking = 0;
  private readonly logger: Logger;

  constructor(private readonly options: PgDeviceLocksOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  async tryLockDevice(hostname: string, owner: string): Promise<boolean> {
    const key = deviceKey(hostname);
    return this.use(owner, this.sessionOf(owner), async (conn, session) => {
      const { rows } = await conn.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key.toString()]);
      if (rows[0]?.locked) session.held.set(key, (session.held.get(key) ?? 0) + 1);
      return rows[0]?.locked === true;
    });
  }

  /**
   * All of a transaction's locks in one statement: a recursive query tries the keys in the order given, one
   * after the other, and stops at the first one another session holds (as the one-by-one form would).
   */
  async tryLockDevices(hostnames: string[], owner: string): Promise<{ locked: string[]; refused?: string }> {
    if (hostnames.length === 0) return { locked: [] };
    const keys = hostnames.map(deviceKey);
    return this.use(owner, this.sessionOf(owner), async (conn, session) => {
      const { rows } = await conn.query<{ i: string; ok: boolean }>(
        `WITH RECURSIVE keys AS (SELECT k, i FROM unnest($1::bigint[]) WITH ORDINALITY AS t(k, i)),
         attempt(i, ok) AS (
           SELECT 1::bigint, pg_try_advisory_lock((SELECT k FROM keys WHERE i = 1))
           UNION ALL
           SELECT a.i + 1, pg_try_advisory_lock((SELECT k FROM keys WHERE i = a.i + 1)) FROM attempt a WHERE a.ok AND a.i < $2
         )
         SELECT i, ok FROM attempt ORDER BY i`,
        [keys.map(String), keys.length],
      );
      const taken = rows.filter((r) => r.ok).length;
      for (const key of keys.slice(0, taken)) session.held.set(key, (session.held.get(key) ?? 0) + 1);
      return { locked: hostnames.slice(0, taken), ...(taken < hostnames.length ? { refused: hostnames[taken]! } : {}) };
    });
  }

  /** Several of one owner's locks in one statement. */
  async unlockDevices(hostnames: string[], owner: string): Promise<void> {
    const session = this.owners.get(owner);
    if (!session) return;
    const keys = hostnames.map(deviceKey).filter((key) => forgetOne(session, key));
    await this.use(owner, session, async (conn) => {
      // A connection that died has released every lock of its session already.
      if (keys.length > 0 && conn.isAlive()) await conn.query('SELECT pg_advisory_unlock(k) FROM unnest($1::bigint[]) AS k', [keys.map(String)]);
    });
  }

  async unlockDevice(hostname: string, owner: string): Promise<void> {
    await this.unlockDevices([hostname], owner);
  }

  async lockHolder(hostname: string): Promise<string | undefined> {
    const { classid, objid } = lockRowOf(deviceKey(hostname));
    const { rows } = await this.options.pool.query<{ owner: string | null; replica: string | null }>(
      `SELECT h.owner, h.replica FROM pg_locks l
         LEFT JOIN netsync_lock_holders h ON h.backend_pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = $1::oid AND l.objid = $2::oid
        LIMIT 1`,
      [classid, objid],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.owner ? `${row.owner} (replica ${row.replica})` : '(a session outside netsync)';
  }

  /** Closes every lock connection (shutdown): their locks end with them. */
  async close(): Promise<void> {
    this.closed = true;
    const sessions = [...this.owners.values()];
    this.owners.clear();
    await Promise.all(sessions.map((session) => this.release(session)));
    await Promise.all(this.idle.splice(0).map((conn) => discard(conn)));
  }

  private sessionOf(owner: string): OwnerSession {
    const existing = this.owners.get(owner);
    if (existing) return existing;
    const session: OwnerSession = { connection: this.connect(owner), held: new Map(), busy: 0 };
    this.owners.set(owner, session);
    return session;
  }

  /** Runs one lock call on the owner's session, then ends the session if that left it idle and empty. */
  private async use<T>(owner: string, session: OwnerSession, call: (conn: DedicatedClient, session: OwnerSession) => Promise<T>): Promise<T> {
    session.busy++;
    try {
      return await call(await session.connection, session);
    } finally {
      session.busy--;
      if (session.busy === 0 && session.held.size === 0 && this.owners.get(owner) === session) {
        this.owners.delete(owner);
        await this.release(session);
      }
    }
  }

  /**
   * A lock connection for `owner`: an idle one when there is one (a new connection costs ~10 ms and its close
   * ~8 ms). Taking it also lets go of any lock it might still hold, in the statement that names the new owner.
   */
  private async connect(owner: string): Promise<DedicatedClient> {
    let conn = this.idle.pop();
    while (conn && !conn.isAlive()) conn = this.idle.pop();
    if (!conn) {
      conn = await openDedicatedClient(this.options.connection, 'netsync-device-lock');
      const opened = conn;
      void opened.ended.then(() => {
        this.idle = this.idle.filter((c) => c !== opened);
        const current = this.ownerOf.get(opened);
        if (current !== undefined && (this.owners.get(current)?.held.size ?? 0) > 0) {
          this.logger.warn({ owner: current }, 'the connection holding device locks ended: its locks are released');
        }
      });
    }
    try {
      await conn.query(
        `WITH unlocked AS (SELECT pg_advisory_unlock_all())
         INSERT INTO netsync_lock_holders (backend_pid, replica, owner, since) SELECT pg_backend_pid(), $1, $2, now() FROM unlocked
         ON CONFLICT (backend_pid) DO UPDATE SET replica = EXCLUDED.replica, owner = EXCLUDED.owner, since = EXCLUDED.since`,
        [this.options.replica, owner],
      );
    } catch (err) {
      await conn.close();
      throw err;
    }
    this.ownerOf.set(conn, owner);
    return conn;
  }

  /**
   * Ends a session (already out of `owners`). Its connection is kept for the next owner (up to IDLE_CONNECTIONS,
   * counting those being parked) once pg_advisory_unlock_all has left it holding nothing. Its holder row stays
   * until the next owner overwrites it, but names no lock: holders are only ever read joined with held locks.
   */
  private async release(session: OwnerSession): Promise<void> {
    const conn = await session.connection.catch(() => undefined);
    if (!conn) return;
    this.ownerOf.delete(conn);
    if (!conn.isAlive()) return;
    if (this.closed || this.idle.length + this.parking >= IDLE_CONNECTIONS) return discard(conn);
    this.parking++;
    let clean = false;
    try {
      await conn.query('SELECT pg_advisory_unlock_all()');
      clean = true;
    } catch {
      // A connection that cannot be cleaned is not kept.
    } finally {
      this.parking--;
    }
    // close() may have run meanwhile: it cannot see this connection, so it is closed here.
    if (!clean || this.closed || !conn.isAlive()) return discard(conn);
    this.idle.push(conn);
  }
}

/** Counts one release of `key` by the session; false when the session does not hold it. */
function forgetOne(session: OwnerSession, key: bigint): boolean {
  const count = session.held.get(key);
  if (count === undefined) return false;
  if (count > 1) session.held.set(key, count - 1);
  else session.held.delete(key);
  return true;
}

/** Closes a lock connection and removes its holder row first. */
async function discard(conn: DedicatedClient): Promise<void> {
  if (conn.isAlive()) await conn.query('DELETE FROM netsync_lock_holders WHERE backend_pid = pg_backend_pid()').catch(() => undefined);
  await conn.close();
}
