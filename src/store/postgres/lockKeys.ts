/**
 * Advisory lock keys of the PostgreSQL store, in the two-int4 form (`pg_advisory_lock(namespace, key)`), which
 * PostgreSQL keeps apart from single-bigint keys such as node-pg-migrate's. Each purpose has its own namespace;
 * add new ones here so no two purposes share one.
 */
/** 'nets' in ASCII: the namespaces below count up from it. */
const BASE = 0x6e657473;

export const LOCK_NAMESPACE = {
  /** Every store write (changeDevices, transact, records) holds (WRITE, 0) for its database transaction. */
  write: BASE,
  // BASE + 1 was the store's own per-device locks; they are now the replicas' 64-bit keys (src/postgres/advisoryKey.ts).
} as const;
