/**
 * The web interface's sessions in PostgreSQL (connect-pg-simple over the cluster's pool), so a browser signed in
 * on one replica is signed in on every one, and the cookie-signing secret they share: made by whichever replica
 * asks first (an insert that loses the race keeps the winner's). Expired sessions are removed by the leader's
 * housekeeping (createPgCluster), not by a timer in every replica.
 */
import { randomBytes } from 'node:crypto';
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import type { Logger } from '../model/ports.ts';

const TABLE = 'netsync_ui_sessions';

/** What the web interface's session middleware takes (its SharedSessions): the cookie secret and a store per middleware. */
export async function pgUiSessions(pool: pg.Pool, logger: Logger): Promise<{ secret: string; newStore(): session.Store }> {
  const PgStore = connectPgSimple(session);
  return {
    secret: await sharedSecret(pool, 'ui-session'),
    newStore: () =>
      new PgStore({
        pool,
        tableName: TABLE,
        createTableIfMissing: false,
        pruneSessionInterval: false,
        errorLog: (...args: unknown[]) => logger.warn({ problem: args.map(String).join(' ') }, 'web interface session store'),
      }),
  };
}

async function sharedSecret(pool: pg.Pool, name: string): Promise<string> {
  await pool.query('INSERT INTO netsync_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32).toString('hex')]);
  const { rows } = await pool.query<{ value: string }>('SELECT value FROM netsync_secrets WHERE name = $1', [name]);
  return rows[0]!.value;
}
