/**
 * A throwaway database on the machine's PostgreSQL (127.0.0.1:5432, trust auth; NETSYNC_TEST_PG_URL overrides
 * the server URL). Each call creates a uniquely named database, so test files and parallel sessions never
 * share one; `drop()` removes it. No server: the test fails and says so (CI has one), nothing is skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const SERVER_URL = process.env.NETSYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** postgres://... of the new database. */
  url: string;
  name: string;
  /** Runs SQL against the new database (to inspect or damage what the store wrote). */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `these tests need PostgreSQL at ${new URL(SERVER_URL).host} (trust auth for user ${new URL(SERVER_URL).username}; set NETSYNC_TEST_PG_URL for another server): ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label = 'netsync'): Promise<TestDatabase> {
  const name = `${label.replace(/[^a-z0-9_]/g, '_')}_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    name,
    sql: async (text, values = []) => (await pool.query(text, values)).rows,
    drop: async () => {
      await pool.end();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
