/**
 * A connection of its own, outside the pool, for session-level advisory locks: a lock lives exactly as long
 * as the session that took it, so it must never be taken through a pool (where the session goes back to
 * other work) or a transaction-mode pooler. An error on the connection (server gone, backend terminated)
 * never crashes the process: the owner is told and treats every lock of that session as lost.
 */
import pg from 'pg';

export interface DedicatedClient {
  client: pg.Client;
  /**
   * Runs one statement after the ones asked for before it: a session's lock calls may come concurrently (a job
   * releasing its devices at once), and pg runs one query at a time per connection (pg 9 refuses overlap).
   */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Resolves when the connection has died or been closed. */
  readonly ended: Promise<void>;
  isAlive(): boolean;
  close(): Promise<void>;
}

export async function openDedicatedClient(config: pg.ClientConfig, applicationName: string): Promise<DedicatedClient> {
  const client = new pg.Client({ ...config, application_name: applicationName });
  let alive = true;
  let markEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (markEnded = resolve));
  const end = () => {
    alive = false;
    markEnded();
  };
  client.on('error', end);
  client.on('end', end);
  try {
    await client.connect();
  } catch (err) {
    end();
    await client.end().catch(() => undefined);
    throw err;
  }
  let queue: Promise<unknown> = Promise.resolve();
  return {
    client,
    query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
      const next = queue.then(() => client.query<R>(text, values));
      queue = next.catch(() => undefined);
      return next;
    },
    ended,
    isAlive: () => alive,
    close: async () => {
      if (!alive) return;
      alive = false;
      await client.end().catch(() => undefined);
      markEnded();
    },
  };
}
