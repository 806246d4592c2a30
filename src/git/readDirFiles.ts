/** Reads a plain folder (a checkout, a pre-receive export) as path -> text, the same shape a commit snapshot has. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export async function readDirFiles(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(root, full).split(sep).join('/');
    if (path.startsWith('.git/') || path.split('/').some((p) => p.startsWith('.'))) continue;
    out.set(path, await readFile(full, 'utf8'));
  }
  return out;
}
