/**
 * One error base for all of netsync. `code` is stable (tests and API clients
 * match on it), `data` carries structured details, and `message` tells a
 * person what to do next. Every code is in the registry (errorCodes.ts), from
 * which API status codes, RFC 6241 error-tags and CLI exit codes derive.
 */
import type { ErrorCode } from './errorCodes.ts';
import { errorInfo } from './errorCodes.ts';

export type { ErrorCode } from './errorCodes.ts';

export class NetsyncError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetsyncError';
    this.code = code;
    this.data = data;
  }

  /** HTTP status that fits the code (from the registry, src/model/errorCodes.ts). */
  get httpStatus(): number {
    return errorInfo(this.code).http;
  }
}

export function isNetsyncError(err: unknown): err is NetsyncError {
  return err instanceof NetsyncError;
}

export function notFound(what: string, id: string): NetsyncError {
  return new NetsyncError('NOT_FOUND', `${what} '${id}' does not exist`, { [what]: id });
}
