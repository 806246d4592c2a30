/**
 * A throwaway database on the machine's PostgreSQL (127.0.0.1:5432, trust auth; NETSYNC_TEST_PG_URL overrides
 * the server URL). Each call creates a uniquely named database, so test files and parallel sessions never
 * share one; `drop()` removes it with its connections. Never stops or reconfigures the server: other sessions
 * share it. No server: the test fails and says so (CI has one), nothing is skipped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateSchema } from '../../src/store/postgres/schemaMigrations.ts';

const SERVER_URL = process.env.NETSYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** postgres://... of the new database. */
  url: string;
  name: string;
  /** A pool on the new database, for the test's own queries. */
  pool: pg.Pool;
  /** Runs SQL against the new database (to inspect or damage what the store wrote). */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Runs a statement on the server's admin database (e.g. refusing or terminating a replica's connections). */
  admin(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    const server = new URL(SERVER_URL);
    throw new Error(
      `these tests need PostgreSQL at ${server.host} (trust auth for user ${server.username}; set NETSYNC_TEST_PG_URL for another server): ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The schema as a daemon leaves it at start: every shipped migration, by node-pg-migrate. */
async function migrate(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrateSchema(client, undefined, 'the test database');
  } finally {
    await client.end();
  }
}

/** An empty database by default (a store or daemon migrates it at start); `migrate: true` applies the schema first. */
export async function createTestDatabase(label = 'netsync', options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `${label.replace(/[^a-z0-9_]/g, '_')}_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  if (options.migrate === true) await migrate(url.toString());
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    name,
    pool,
    sql: async (text, values = []) => (await pool.query(text, values)).rows,
    admin: (text, values = []) => withAdmin((c) => c.query(text, values)),
    drop: async () => {
      await pool.end().catch(() => undefined);
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
