/** What /healthz reports about PostgreSQL: reachable within a short timeout, and the schema migration in force. */
import type pg from 'pg';
import type { BackendHealth } from '../model/cluster.ts';

export async function pgHealth(pool: pg.Pool, timeoutMs = 2000): Promise<BackendHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const query = latestMigration(pool);
    query.catch(() => undefined);
    const migration = await Promise.race([query, timeout]);
    return { backend: 'postgres', ok: true, ...(migration ? { migration } : {}) };
  } catch (err) {
    return { backend: 'postgres', ok: false, problem: `the database cannot be reached: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The newest migration node-pg-migrate recorded (its `pgmigrations` table), if any. */
async function latestMigration(pool: pg.Pool): Promise<string | undefined> {
  const { rows } = await pool.query<{ present: boolean }>("SELECT to_regclass('pgmigrations') IS NOT NULL AS present");
  if (!rows[0]?.present) return undefined;
  const latest = await pool.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on DESC, id DESC LIMIT 1');
  return latest.rows[0]?.name;
}
