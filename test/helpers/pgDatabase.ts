/**
 * A PostgreSQL database of its own for one test run, on the server at NETSYNC_TEST_PG (default
 * postgres://postgres@127.0.0.1:5432/postgres; see also postgres.ts): created with a unique name, migrated, dropped at the end
 * (with its connections). Never stops or reconfigures the server: other sessions share it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateSchema } from '../../src/store/postgres/schemaMigrations.ts';

export const ADMIN_URL = process.env.NETSYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  /** A pool on the test database, for the test's own queries. */
  pool: pg.Pool;
  /** Runs a statement on the server's admin database (e.g. terminating a replica's connections). */
  admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

function urlFor(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql, params);
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

/** `migrate: false` leaves the database empty (a daemon migrates it at start). */
export async function createTestDatabase(prefix = 'netsync_test', options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  if (options.migrate !== false) await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  return {
    name,
    url,
    pool,
    admin: adminQuery,
    drop: async () => {
      await pool.end().catch(() => undefined);
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
