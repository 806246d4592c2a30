/** The store the config names: the lowdb file in the data dir, or PostgreSQL. */
import { join } from 'node:path';
import type { Logger } from '../model/ports.ts';
import type { StoreConfig } from '../store/configSchema.ts';
import { LowdbStore } from '../store/lowdbStore.ts';
import type { Store } from '../model/store.ts';
import { storeCollections } from './storeCollections.ts';

export interface OpenStoreOptions {
  dataDir: string;
  resolvePath: (path: string) => string;
  logger?: Logger;
  /** A reader beside running daemons: no lock, no migration, every write refused. */
  readOnly?: boolean;
  /** This process among the replicas: the holder named on the PostgreSQL device locks it takes. */
  replica?: string;
}

/** The lowdb store file the config names (store.path, else <dataDir>/store.json). */
export function lowdbStorePath(config: Extract<StoreConfig, { kind: 'lowdb' }>, options: Pick<OpenStoreOptions, 'dataDir' | 'resolvePath'>): string {
  return config.path ? options.resolvePath(config.path) : join(options.dataDir, 'store.json');
}

/** Builds the store (not yet initialised: call `init()`). */
export async function buildStore(config: StoreConfig, options: OpenStoreOptions): Promise<Store> {
  const readOnly = options.readOnly ?? false;
  if (config.kind === 'postgres') {
    // The PostgreSQL client and migrations load only for a PostgreSQL store (~5 MB a lowdb daemon does not hold).
    const { PostgresStore } = await import('../store/postgres/postgresStore.ts');
    return new PostgresStore({
      url: config.url,
      maxConnections: config.maxConnections,
      statementTimeoutMs: config.statementTimeoutMs,
      connectTimeoutMs: config.connectTimeoutMs,
      collections: storeCollections,
      readOnly,
      ...(options.replica ? { replica: options.replica } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  return new LowdbStore(lowdbStorePath(config, options), { collections: storeCollections, readOnly });
}
