/**
 * A connection of its own, outside the pool, for session-level advisory locks: a lock lives exactly as long
 * as the session that took it, so it must never be taken through a pool (where the session goes back to
 * other work) or a transaction-mode pooler. An error on the connection (server gone, backend terminated)
 * never crashes the process: the owner is told and treats every lock of that session as lost.
 */
import pg from 'pg';

export interface DedicatedClient {
  client: pg.Client;
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
  return {
    client,
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
