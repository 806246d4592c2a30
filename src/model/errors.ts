/**
 * One error base for all of netsync. `code` is stable (tests and API clients
 * match on it), `data` carries structured details, and `message` tells a
 * person what to do next. API status codes and CLI exit codes derive from it.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'UNKNOWN_FIELD'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_STATE_TRANSITION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'CONFIG_INVALID'
  | 'STORE_CORRUPT'
  | 'STORE_WRITE_FAILED'
  | 'STORE_LOCKED'
  | 'STORE_LOCK_INVALID'
  | 'STORE_VERSION'
  | 'STORE_MISSING'
  | 'STORE_UNREACHABLE'
  | 'STORE_TIMEOUT'
  | 'STORE_FAILED'
  | 'STORE_NOT_EMPTY'
  | 'LOCKED'
  | 'LISTEN_FAILED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | (string & {});

const HTTP_STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNKNOWN_FIELD: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE_TRANSITION: 409,
  LOCKED: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAVAILABLE: 503,
  // The PostgreSQL store is out of reach or too slow: the request may succeed later.
  STORE_UNREACHABLE: 503,
  STORE_TIMEOUT: 503,
  STORE_NOT_EMPTY: 409,
  // A device the daemon talks to for the caller (interface bounce) failed or refused: a bad gateway, not our bug.
  DEVICE_UNREACHABLE: 502,
  AUTH_FAILED: 502,
  HOST_KEY_MISMATCH: 502,
  CLI_CLOSED: 502,
  CLI_TIMEOUT: 502,
  CLI_COMMAND_REJECTED: 502,
  NETCONF_CLOSED: 502,
  NETCONF_TIMEOUT: 502,
  NETCONF_RPC_ERROR: 502,
  BOUNCE_INCOMPLETE: 502,
  DEVICE_LOCKED: 409,
  EOS_SESSION_LOCKED: 409,
};

export class NetsyncError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetsyncError';
    this.code = code;
    this.data = data;
  }

  /** HTTP status that fits the code; anything unknown is a server-side failure. */
  get httpStatus(): number {
    return HTTP_STATUS[this.code] ?? 500;
  }
}

export function isNetsyncError(err: unknown): err is NetsyncError {
  return err instanceof NetsyncError;
}

export function notFound(what: string, id: string): NetsyncError {
  return new NetsyncError('NOT_FOUND', `${what} '${id}' does not exist`, { [what]: id });
}
