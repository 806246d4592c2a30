/**
 * Stable 64-bit advisory-lock keys. A key is the first 8 bytes of SHA-256 over a namespace and a name, read
 * as a signed bigint (PostgreSQL's `bigint`): the same device gets the same key in every replica and every
 * version, and devices never share one with the leader lock or each other in practice (2^-64 per pair).
 */
import { createHash } from 'node:crypto';

export type KeyNamespace = 'device' | 'leader' | 'work';

export function advisoryKey(namespace: KeyNamespace, name: string): bigint {
  const digest = createHash('sha256').update(`netsync:${namespace}:${name}`).digest();
  return digest.readBigInt64BE(0);
}

/** Devices are matched case-insensitively (DESIGN §3): the key is over the lower-cased hostname. */
export function deviceKey(hostname: string): bigint {
  return advisoryKey('device', hostname.toLowerCase());
}

/** How pg_locks shows a bigint advisory key: high and low 32 bits as unsigned oids (objsubid 1). */
export function lockRowOf(key: bigint): { classid: string; objid: string } {
  const unsigned = BigInt.asUintN(64, key);
  return { classid: (unsigned >> 32n).toString(), objid: (unsigned & 0xffffffffn).toString() };
}
