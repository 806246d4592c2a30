/** Turns a zod failure into a NetsyncError naming each bad field; shared by the API, the lab's control API and the CLI. */
import type { z } from 'zod';
import type { ErrorCode } from './errors.ts';
import { NetsyncError } from './errors.ts';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' = 'body'): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const unknownKeys = result.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : []));
  const problems = result.error.issues.map((i) =>
    // Nested unknown fields are named with their path (interfaces.1.colour), so the caller finds them.
    i.code === 'unrecognized_keys'
      ? `unknown field(s) ${i.keys.map((k) => [...i.path, k].join('.')).join(', ')}`
      : `${i.path.join('.') || where}: ${i.message}`,
  );
  return fail(unknownKeys.length ? 'UNKNOWN_FIELD' : 'VALIDATION_FAILED', `invalid ${where}: ${problems.join('; ')}`, { problems });
}

function fail(code: ErrorCode, message: string, data: Record<string, unknown>): never {
  throw new NetsyncError(code, message, data);
}
