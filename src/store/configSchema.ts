/**
 * `store:` in netsync.yml: the embedded lowdb file (the default) or PostgreSQL (docs/guides/storage.md).
 * A `store:` without `kind` is lowdb, as before PostgreSQL existed.
 */
import { z } from 'zod';

const lowdbStoreSchema = z
  .object({
    kind: z.literal('lowdb'),
    /** The store file; default <dataDir>/store.json. */
    path: z.string().optional(),
  })
  .strict();

const postgresStoreSchema = z
  .object({
    kind: z.literal('postgres'),
    /** postgres://user:password@host:5432/database; take it from the environment: url: ${NETSYNC_DATABASE_URL}. */
    url: z
      .string()
      .min(1)
      // The message never repeats the value: it holds the password.
      .refine((v) => /^postgres(ql)?:\/\/./.test(v), { message: 'expected a URL starting with postgres:// or postgresql://' }),
    /** Connections each netsync process opens at most. */
    maxConnections: z.number().int().min(2).max(200).default(10),
    /** A statement running longer is cancelled (STORE_TIMEOUT); also bounds the wait for the store's write lock. */
    statementTimeoutMs: z.number().int().min(100).default(15_000),
    /** Opening a connection for longer than this counts as the database being unreachable (STORE_UNREACHABLE). */
    connectTimeoutMs: z.number().int().min(100).default(5_000),
  })
  .strict();

export const storeConfigSchema = z.preprocess(
  (value) => (value && typeof value === 'object' && !Array.isArray(value) && !('kind' in value) ? { ...value, kind: 'lowdb' } : value),
  z.discriminatedUnion('kind', [lowdbStoreSchema, postgresStoreSchema]),
);

export type StoreConfig = z.output<typeof storeConfigSchema>;
export type PostgresStoreConfig = Extract<StoreConfig, { kind: 'postgres' }>;
