/**
 * `netsync store migrate`: copies a lowdb store file into a PostgreSQL store, whole (devices, every event with
 * its id, records of every collection, meta), then counts both sides. The file is read under its lock, so a
 * daemon still running on it is refused (STORE_LOCKED) rather than copied mid-change; it is never written.
 */
import { readFile, stat } from 'node:fs/promises';
import { NetsyncError } from '../model/errors.ts';
import type { Logger } from '../model/ports.ts';
import { VERSION } from '../version.ts';
import type { StoreCounts } from './postgres/importStoreData.ts';
import { countsOf } from './postgres/importStoreData.ts';
import { PostgresStore } from './postgres/postgresStore.ts';
import type { CollectionSchemas } from '../model/schemaKit.ts';
import { decodeStoreFile } from './storeFile.ts';
import { acquireStoreLock } from './storeLock.ts';

export interface CopyOptions {
  /** The lowdb store file. */
  from: string;
  /** postgres://... of the target. */
  to: string;
  /** Replace whatever the target holds (else a non-empty target is refused with STORE_NOT_EMPTY). */
  force: boolean;
  collections: CollectionSchemas;
  logger?: Logger;
}

export interface CopyCount {
  what: string;
  source: number;
  target: number;
}

export interface CopyReport {
  /** Where it went, without the password. */
  target: string;
  counts: CopyCount[];
  /** Every count equal. */
  ok: boolean;
}

export async function copyLowdbToPostgres(options: CopyOptions): Promise<CopyReport> {
  // Checked before the lock, which would otherwise be created beside a file that is not there.
  await stat(options.from).catch((err: unknown) => {
    throw new NetsyncError(
      'STORE_MISSING',
      `there is no lowdb store file at ${options.from} (${(err as NodeJS.ErrnoException).code}): pass --from with its path`,
      { path: options.from },
      { cause: err },
    );
  });
  const lock = await acquireStoreLock(options.from);
  try {
    const text = await readStoreText(options.from);
    const data = decodeStoreFile(text, options.from, options.collections, VERSION);
    const target = new PostgresStore({ url: options.to, collections: options.collections, ...(options.logger ? { logger: options.logger } : {}) });
    try {
      await target.init();
      await target.importData(data, { replace: options.force });
      const counts = compare(countsOf(data), await target.counts());
      return { target: target.where, counts, ok: counts.every((c) => c.source === c.target) };
    } finally {
      await target.close();
    }
  } finally {
    await lock.release();
  }
}

async function readStoreText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new NetsyncError('STORE_MISSING', `cannot read the store file ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new NetsyncError(
      'STORE_CORRUPT',
      `store file ${path} is not a valid netsync store: (file): not UTF-8 text`,
      { path, field: '(file)', problem: 'not UTF-8 text' },
      { cause: err },
    );
  }
}

function compare(source: StoreCounts, target: StoreCounts): CopyCount[] {
  const collections = [...new Set([...Object.keys(source.records), ...Object.keys(target.records)])].sort();
  return [
    { what: 'devices', source: source.devices, target: target.devices },
    { what: 'events (history)', source: source.events, target: target.events },
    ...collections.map((c) => ({ what: `records: ${c}`, source: source.records[c] ?? 0, target: target.records[c] ?? 0 })),
    { what: 'meta', source: source.meta, target: target.meta },
  ];
}
