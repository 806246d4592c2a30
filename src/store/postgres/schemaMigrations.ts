/**
 * The PostgreSQL store's schema: versioned SQL migrations in ./migrations, applied at start by node-pg-migrate
 * (which takes its own advisory lock, so replicas starting together apply each migration once). A database
 * that has run a migration this netsync does not ship was set up by a newer netsync: it is refused
 * (STORE_VERSION) before anything runs, never "migrated" by an older binary.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { runner } from 'node-pg-migrate';
import { NetsyncError } from '../../model/errors.ts';
import type { Logger } from '../../model/ports.ts';
import { VERSION } from '../../version.ts';

/** Shipped with the package (copied to dist/ by scripts/copyAssets.mjs). Numbered in hundreds: 0100, 0200, ... */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));
export const MIGRATIONS_TABLE = 'pgmigrations';

/** The migrations this netsync ships, in the order they run (node-pg-migrate's: numeric prefix). */
export function shippedMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -'.sql'.length))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b));
}

/** Names of the migrations the database has run, oldest first; [] for a database netsync never used. */
export async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const table = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [MIGRATIONS_TABLE]);
  if (!table.rows[0]?.t) return [];
  const rows = await client.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY run_on, id`);
  return rows.rows.map((r) => r.name);
}

/** STORE_VERSION when the database has run migrations this netsync does not know. */
export function refuseNewerSchema(applied: string[], where: string): void {
  const shipped = new Set(shippedMigrations());
  const unknown = applied.filter((name) => !shipped.has(name));
  if (unknown.length === 0) return;
  throw new NetsyncError(
    'STORE_VERSION',
    `${where} has a newer schema than this netsync ${VERSION} knows (migrations ${unknown.join(', ')}): it was left untouched. Run the netsync that migrated it (or newer)`,
    { unknownMigrations: unknown, knownMigrations: [...shipped] },
  );
}

/** Applies every pending migration in one transaction, waiting for another process that is migrating. Returns the names it ran. */
export async function migrateSchema(client: pg.ClientBase, logger: Logger | undefined, where: string): Promise<string[]> {
  refuseNewerSchema(await appliedMigrations(client), where);
  const ran = await runner({
    dbClient: client,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    // node-pg-migrate writes to the console unless given a logger.
    logger: {
      debug: (message: string) => logger?.debug({ store: where }, `schema migration: ${message}`),
      info: (message: string) => logger?.info({ store: where }, `schema migration: ${message}`),
      warn: (message: string) => logger?.warn({ store: where }, `schema migration: ${message}`),
      error: (message: string) => logger?.error({ store: where }, `schema migration: ${message}`),
    },
  });
  // Another process may have migrated between our check and its lock: check again under what it left.
  refuseNewerSchema(await appliedMigrations(client), where);
  return ran.map((m) => m.name);
}
