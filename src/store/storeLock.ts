/**
 * One writer per store file. Each daemon keeps the whole store in memory and rewrites the file, so a
 * second daemon on the same file would silently overwrite the first one's changes. The lock file names
 * its holder; a lock whose process is gone (a crash, a killed container) is taken over. A lock file that
 * does not say who holds it was not written by netsync (it writes locks whole, see tryCreate): it is reported
 * (STORE_LOCK_INVALID), never taken over, since whatever wrote it may still be using the store.
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { NetsyncError } from '../model/errors.ts';

interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** Tells two stores of one process apart, so one's release never removes the other's lock. */
  id: string;
}

export interface StoreLock {
  path: string;
  release(): Promise<void>;
}

export async function acquireStoreLock(storePath: string): Promise<StoreLock> {
  const path = `${storePath}.lock`;
  const mine: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), id: randomUUID() };
  // Two rounds: the second follows the removal of a stale lock.
  for (let round = 0; round < 2; round++) {
    if (await tryCreate(path, mine)) return { path, release: () => release(path, mine) };
    const holder = await readHolder(path, storePath);
    if (!holder) continue; // removed between our attempt and the read: try again
    if (heldByAnotherLiveProcess(holder)) {
      throw new NetsyncError(
        'STORE_LOCKED',
        `store file ${storePath} is in use by another netsync (pid ${holder.pid} since ${holder.since}); stop it, or give this one another dataDir / store.path (if pid ${holder.pid} is not netsync, delete ${path})`,
        { path: storePath, pid: holder.pid },
      );
    }
    await unlink(path).catch(() => undefined);
  }
  throw new NetsyncError('STORE_LOCKED', `could not take the lock ${path}: another netsync is starting on the same store`, { path: storePath });
}

/** Written aside and hard-linked into place, so the lock file appears whole or not at all. */
async function tryCreate(path: string, mine: LockHolder): Promise<boolean> {
  const aside = `${path}.${mine.id}`;
  try {
    await writeFile(aside, JSON.stringify(mine), { mode: 0o644 });
    await link(aside, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new NetsyncError('STORE_WRITE_FAILED', `cannot create the store lock ${path}: ${(err as Error).message}`, { path }, { cause: err });
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/** The holder named in the lock file; undefined when the file is gone; STORE_LOCK_INVALID when it names nobody. */
async function readHolder(path: string, storePath: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new NetsyncError('STORE_LOCKED', `cannot read the store lock ${path}: ${(err as Error).message}`, { path: storePath }, { cause: err });
  }
  let holder: Partial<LockHolder> | null = null;
  try {
    holder = JSON.parse(text) as Partial<LockHolder> | null;
  } catch {
    // reported below
  }
  if (!holder || typeof holder !== 'object' || typeof holder.pid !== 'number' || typeof holder.host !== 'string') {
    throw new NetsyncError(
      'STORE_LOCK_INVALID',
      `the store lock ${path} does not name a netsync process (${JSON.stringify(text.slice(0, 80))}); it was left in place. If no netsync uses ${storePath}, delete ${path} and start again`,
      { path: storePath, lock: path },
    );
  }
  return { pid: holder.pid, host: holder.host, since: String(holder.since), id: String(holder.id) };
}

/**
 * Only a process on this machine can be checked. A lock of this very process (a daemon re-created in
 * one process, or pid 1 of a restarted container) and one from another host (a new container on the
 * same volume) count as stale.
 */
function heldByAnotherLiveProcess(holder: LockHolder): boolean {
  if (holder.host !== hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock only while it is still ours (it may have been taken over after a long stall). */
async function release(path: string, mine: LockHolder): Promise<void> {
  const holder = await readHolder(path, path).catch(() => undefined);
  if (holder?.id === mine.id) await unlink(path).catch(() => undefined);
}
