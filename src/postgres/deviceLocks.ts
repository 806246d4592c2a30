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
  private readonly logger: Logger;

  constructor(private readonly options: PgDeviceLocksOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  async tryLockDevice(hostname: string, owner: string): Promise<boolean> {
    const session = this.sessionOf(owner);
    let conn: DedicatedClient;
    try {
      conn = await session.connection;
    } catch (err) {
      this.forget(owner, session);
      throw err;
    }
    const key = deviceKey(hostname);
    const { rows } = await conn.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key.toString()]);
    if (rows[0]?.locked) {
      session.held.set(key, (session.held.get(key) ?? 0) + 1);
      return true;
    }
    if (session.held.size === 0) await this.release(owner, session);
    return false;
  }

  /**
   * All of a transaction's locks in one statement: a recursive query tries the keys in the order given, one
   * after the other, and stops at the first one another session holds (as the one-by-one form would).
   */
  async tryLockDevices(hostnames: string[], owner: string): Promise<{ locked: string[]; refused?: string }> {
    if (hostnames.length === 0) return { locked: [] };
    const session = this.sessionOf(owner);
    let conn: DedicatedClient;
    try {
      conn = await session.connection;
    } catch (err) {
      this.forget(owner, session);
      throw err;
    }
    const keys = hostnames.map(deviceKey);
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
    if (session.held.size === 0) await this.release(owner, session);
    return { locked: hostnames.slice(0, taken), ...(taken < hostnames.length ? { refused: hostnames[taken]! } : {}) };
  }

  /** Several of one owner's locks in one statement. */
  async unlockDevices(hostnames: string[], owner: string): Promise<void> {
    const session = this.owners.get(owner);
    if (!session) return;
    const keys: bigint[] = [];
    for (const key of hostnames.map(deviceKey)) {
      const count = session.held.get(key);
      if (count === undefined) continue;
      if (count > 1) session.held.set(key, count - 1);
      else session.held.delete(key);
      keys.push(key);
    }
    const conn = await session.connection;
    if (keys.length > 0 && conn.isAlive()) await conn.query('SELECT pg_advisory_unlock(k) FROM unnest($1::bigint[]) AS k', [keys.map(String)]);
    if (session.held.size === 0) await this.release(owner, session);
  }

  async unlockDevice(hostname: string, owner: string): Promise<void> {
    const session = this.owners.get(owner);
    const key = deviceKey(hostname);
    const count = session?.held.get(key);
    if (!session || count === undefined) return;
    if (count > 1) session.held.set(key, count - 1);
    else session.held.delete(key);
    const conn = await session.connection;
    // A connection that died has released every lock of its session already.
    if (conn.isAlive()) await conn.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]);
    if (session.held.size === 0) await this.release(owner, session);
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
    await Promise.all([...this.owners.entries()].map(([owner, session]) => this.release(owner, session)));
    await Promise.all(this.idle.splice(0).map((conn) => discard(conn)));
  }

  private sessionOf(owner: string): OwnerSession {
    const existing = this.owners.get(owner);
    if (existing) return existing;
    const session: OwnerSession = { connection: this.connect(owner), held: new Map() };
    this.owners.set(owner, session);
    return session;
  }

  /** A lock connection for `owner`: an idle one when there is one (a new connection costs ~10 ms and its close ~8 ms). */
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
        `INSERT INTO netsync_lock_holders (backend_pid, replica, owner, since) VALUES (pg_backend_pid(), $1, $2, now())
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

  private forget(owner: string, session: OwnerSession): void {
    if (this.owners.get(owner) === session) this.owners.delete(owner);
  }

  /**
   * Ends an owner's session. Its connection is kept for the next owner (up to IDLE_CONNECTIONS) once
   * pg_advisory_unlock_all has left it holding nothing. Its holder row stays until the next owner overwrites it,
   * but names no lock: holders are only ever read joined with the locks a session holds.
   */
  private async release(owner: string, session: OwnerSession): Promise<void> {
    this.forget(owner, session);
    const conn = await session.connection.catch(() => undefined);
    if (conn) this.ownerOf.delete(conn);
    if (!conn?.isAlive()) return;
    if (this.closed || this.idle.length >= IDLE_CONNECTIONS) return discard(conn);
    try {
      await conn.query('SELECT pg_advisory_unlock_all()');
      this.idle.push(conn);
    } catch {
      await conn.close();
    }
  }
}

/** Closes a lock connection and removes its holder row first. */
async function discard(conn: DedicatedClient): Promise<void> {
  if (conn.isAlive()) await conn.query('DELETE FROM netsync_lock_holders WHERE backend_pid = pg_backend_pid()').catch(() => undefined);
  await conn.close();
}
