/**
 * Building blocks for the schemas a store file is checked against at load (docs/guides/storage-reference.md). Every
 * collection's record schema is declared with `recordSchema<T>()`, which fails to compile when the schema's
 * fields drift from the TypeScript type (a field added to the type but not to the schema would otherwise be
 * dropped silently at the next load).
 */
import { z } from 'zod';
import type { CollectionName, Collections } from './store.ts';
import type { ErrorCode } from './errorCodes.ts';
import { isErrorCode } from './errorCodes.ts';

type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Mismatch<T, O> = { schemaMissesOrAddsFields: Exclude<keyof T, keyof O> | Exclude<keyof O, keyof T> };

/**
 * `recordSchema<Job>()(z.object({...}))`: the schema's output must have exactly the fields of `T`, and `T`
 * and that output must be assignable both ways.
 */
export function recordSchema<T>() {
  return <S extends z.ZodType<T>>(
    schema: S & (SameKeys<T, z.output<S>> extends true ? (T extends z.output<S> ? unknown : { typeNotAssignableToSchemaOutput: T }) : Mismatch<T, z.output<S>>),
  ): z.ZodType<T> => schema;
}

/**
 * An object used as a map (keys are hostnames or ids from clients): checked entry by entry and read back
 * without a prototype, so no key ("constructor", "__proto__") can reach Object.prototype.
 */
export function keyedRecord<V extends z.ZodType>(value: V): z.ZodType<Record<string, z.output<V>>> {
  return z.unknown().transform((input, ctx) => {
    const out = Object.create(null) as Record<string, z.output<V>>;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      ctx.issues.push({ code: 'custom', message: `expected an object, got ${describe(input)}`, input });
      return out;
    }
    for (const [key, entry] of Object.entries(input)) {
      const parsed = value.safeParse(entry);
      if (parsed.success) out[key] = parsed.data;
      else for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, path: [key, ...issue.path] } as never);
    }
    return out;
  });
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string` : typeof value;
}

/** One schema per collection; a collection declared without one fails to compile where the list is built. */
export type CollectionSchemas = { readonly [K in CollectionName]: z.ZodType<Collections[K]> };

export const isoTime = z.string().min(1);

/** A code of the error registry (model/errorCodes.ts). */
export const errorCodeSchema = z.custom<ErrorCode>((v) => typeof v === 'string' && isErrorCode(v), { message: 'not a registered error code' });
