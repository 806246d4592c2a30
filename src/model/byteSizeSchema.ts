/**
 * A size such as `1mb` or `512kb`, as express's body parsers read it. Checked here because
 * the parser throws on a typo only when the daemon builds its routes, without naming the key.
 */
import { z } from 'zod';

export const byteSizeSchema = z
  .string()
  .trim()
  .regex(/^\d+(?:\.\d+)?\s*(?:b|kb|mb|gb)?$/i, 'must be a size such as 512kb, 1mb or 1048576 (bytes)');
