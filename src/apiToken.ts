/**
 * With no tokens in the config, the daemon creates one operator token in the
 * data dir (mode 0600) so a fresh install has no unauthenticated writes and the
 * CLI on the same machine finds the token without copying it around.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TOKEN_FILE = 'api-token';

export async function ensureLocalToken(dataDir: string): Promise<{ path: string; token: string }> {
  const path = join(dataDir, TOKEN_FILE);
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token.length >= 16) return { path, token };
  } catch {
    // no token yet: create one below
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return { path, token };
}

export async function readLocalToken(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dataDir, TOKEN_FILE), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
