/**
 * A size such as `1mb` or `512kb`, as express's body parsers read it. Checked here because
 * the parser throws on a typo only when the daemon builds its routes, without naming the key.
 */
import { z } from 'zod';

export const byteSizeSchema = z
  .string()
  .trim()
  .regex(/^\d+(?:\.\d+)?\s*(?:b|kb|mb|gb)?$/i, 'must be a size such as 512kb, 1mb or 1048576 (bytes)');

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `1mb` -> 1048576 (binary units, as express reads them); the text must have passed byteSizeSchema. */
export function parseByteSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text}`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}
