/**
 * A PostgreSQL database of its own for one test run, on the server at NETSYNC_TEST_PG (default
 * postgres://postgres@127.0.0.1:5432/postgres): created with a unique name, migrated, dropped at the end
 * (with its connections). Never stops or reconfigures the server: other sessions share it.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ADMIN_URL = process.env.NETSYNC_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MIGRATIONS = fileURLToPath(new URL('../../src/store/postgres/migrations/', import.meta.url));

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

/** The "Up Migration" part of every SQL migration, in name order. */
async function migrate(url: string): Promise<void> {
  const files = (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const f of files) {
      const text = await readFile(join(MIGRATIONS, f), 'utf8');
      const up = text.split(/^-- Down Migration/m)[0]!.split(/^-- Up Migration/m)[1] ?? text;
      await client.query(up);
    }
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
