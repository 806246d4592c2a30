/** Reads a plain folder (a checkout, a pre-receive export) as path -> text, the same shape a commit snapshot has. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { tooLargeMarker } from '../render/inputLimits.ts';

/** A file larger than `maxFileBytes` is not read: its text is tooLargeMarker(size), which the parsers refuse. */
export async function readDirFiles(root: string, maxFileBytes = Infinity): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(root, full).split(sep).join('/');
    if (path.startsWith('.git/') || path.split('/').some((p) => p.startsWith('.'))) continue;
    const { size } = await stat(full);
    out.set(path, size > maxFileBytes ? tooLargeMarker(size) : await readFile(full, 'utf8'));
  }
  return out;
}
