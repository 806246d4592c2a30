/**
 * The store file holds configs, diffs and job records, so it is written owner-only (0600) in a directory
 * netsync creates owner-only (0700). Atomic like lowdb's own writer (a temp file renamed into place), but
 * the temp file is created 0600 before any byte goes in, so no moment exists where others could read it.
 */
import type { FileHandle } from 'node:fs/promises';
import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** lowdb adapter: `read` gives null for a missing file; `write` replaces the file atomically, mode 0600. */
export class PrivateDataFile<T> {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly codec: { parse: (text: string) => T; stringify: (data: T) => string | Iterable<string> },
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return this.codec.parse(text);
  }

  /** Writes are serialised, so two never share the temp file. */
  write(data: T): Promise<void> {
    const text = this.codec.stringify(data);
    const next = this.chain.then(() => writePrivateFile(this.path, text));
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** Text handed over in pieces goes out in writes of about this many characters, never as one whole string. */
const WRITE_CHUNK = 64 * 1024;

export async function writePrivateFile(path: string, text: string | Iterable<string>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp`);
  const handle = await open(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    // A temp file left by a crash keeps its old mode through open(); fix it before writing.
    await handle.chmod(PRIVATE_FILE_MODE);
    if (typeof text === 'string') await handle.writeFile(text, 'utf8');
    else await writeInChunks(handle, text);
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

async function writeInChunks(handle: FileHandle, pieces: Iterable<string>): Promise<void> {
  const chunk: string[] = [];
  let size = 0;
  // writeFile, unlike write, loops until every byte is out; on a handle it goes on from where the last one ended.
  const flush = () => handle.writeFile(chunk.splice(0).join(''), 'utf8');
  for (const piece of pieces) {
    chunk.push(piece);
    size += piece.length;
    if (size < WRITE_CHUNK) continue;
    await flush();
    size = 0;
  }
  if (size > 0) await flush();
}

/** Creates a directory (and parents) owner-only; an existing directory is left as its owner set it. */
export async function mkdirPrivate(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Tightens an existing file netsync owns (a store written by an older version was 0644). */
export async function chmodPrivate(path: string): Promise<void> {
  await chmod(path, PRIVATE_FILE_MODE).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
