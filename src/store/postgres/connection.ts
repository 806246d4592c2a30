/**
 * The PostgreSQL connection: a bounded pool with statement timeouts, the URL shown without its password, and
 * driver errors turned into NetsyncErrors that name the server (never the password) and say what to do.
 */
import pg from 'pg';
import { NetsyncError } from '../../model/errors.ts';

export interface PostgresConnectionOptions {
  /** postgres://user:password@host:port/database?sslmode=... */
  url: string;
  /** Connections this process opens at most (the pool's size). */
  maxConnections?: number;
  /** A statement running longer is cancelled (STORE_TIMEOUT); also bounds the wait for the store's write lock. */
  statementTimeoutMs?: number;
  /** How long opening a connection may take before the database counts as unreachable. */
  connectTimeoutMs?: number;
}

export const POSTGRES_DEFAULTS = { maxConnections: 10, statementTimeoutMs: 15_000, connectTimeoutMs: 5_000 } as const;

/** Where the store is, for messages and logs: `postgres://netsync@db.example.net:5432/netsync`, no password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return '(an unparsable database URL)';
  }
}

/** The parts of the URL errors may name. */
export function urlTarget(url: string): { host: string; port: number; database: string } {
  try {
    const u = new URL(url);
    return { host: u.hostname || 'localhost', port: Number(u.port || 5432), database: decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)' };
  } catch {
    return { host: '(unknown)', port: 5432, database: '(unknown)' };
  }
}

export function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NetsyncError('CONFIG_INVALID', 'the database URL (store.url, or --to) is not a URL; expected postgres://user:password@host:5432/database', {
      key: 'store.url',
    });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new NetsyncError('CONFIG_INVALID', `the database URL (store.url, or --to) must start with postgres:// or postgresql://, not ${u.protocol}//`, {
      key: 'store.url',
    });
  }
}

export function createPool(options: PostgresConnectionOptions): pg.Pool {
  checkUrl(options.url);
  const statementTimeout = options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs;
  return new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? POSTGRES_DEFAULTS.maxConnections,
    connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_DEFAULTS.connectTimeoutMs,
    statement_timeout: statementTimeout,
    // A transaction left open by a stalled process must not hold the store's write lock for good.
    idle_in_transaction_session_timeout: statementTimeout * 2,
    application_name: 'netsync',
    // TCP keepalive: a connection to a server that vanished (host down, network cut) is noticed and replaced.
    keepAlive: true,
  });
}

/** How to open a dedicated connection (session advisory locks live as long as it does). */
export function clientConfig(options: PostgresConnectionOptions): pg.ClientConfig {
  checkUrl(options.url);
  return {
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_DEFAULTS.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs,
    keepAlive: true,
  };
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * A driver error as a NetsyncError: the database out of reach (STORE_UNREACHABLE, 503), a statement over its
 * timeout (STORE_TIMEOUT, 503), anything else STORE_FAILED. NetsyncErrors pass through unchanged.
 */
export function storeError(err: unknown, url: string, doing: string): unknown {
  if (err instanceof NetsyncError) return err;
  const e = err as { code?: string; message?: string };
  const target = urlTarget(url);
  const where = `the PostgreSQL store at ${target.host}:${target.port}/${target.database}`;
  const message = scrub(String(e.message ?? err), url);
  if (
    (e.code && CONNECTION_CODES.has(e.code)) ||
    /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)
  ) {
    return new NetsyncError(
      'STORE_UNREACHABLE',
      `cannot reach ${where} while ${doing}: ${message}. Check that the server runs and store.url names it`,
      { ...target, cause: e.code ?? message },
      { cause: err },
    );
  }
  // Class 28: authentication; 3D000: no such database; 57P0x: server shutting down.
  if (e.code && (e.code.startsWith('28') || e.code === '3D000' || e.code.startsWith('57P0'))) {
    return new NetsyncError('STORE_UNREACHABLE', `cannot use ${where} while ${doing}: ${message}`, { ...target, sqlState: e.code }, { cause: err });
  }
  if (e.code === '57014') {
    return new NetsyncError(
      'STORE_TIMEOUT',
      `${where} did not answer in time while ${doing} (statement timeout): ${message}`,
      { ...target, sqlState: e.code },
      { cause: err },
    );
  }
  return new NetsyncError('STORE_FAILED', `${where} failed while ${doing}: ${message}`, { ...target, ...(e.code ? { sqlState: e.code } : {}) }, { cause: err });
}

/** Never let the password reach a message, even if a driver quotes the URL. */
function scrub(message: string, url: string): string {
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) return message.split(password).join('***');
  } catch {
    // not a URL: nothing to hide beyond what checkUrl refused
  }
  return message;
}
