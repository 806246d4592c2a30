/**
 * Every error code netsync raises, in one closed registry: a `NetsyncError` with a code missing here does not
 * typecheck. The API's HTTP status, the transaction engine's RFC 6241 error-tag, "the session is gone" and the
 * CLI's exit code all derive from these entries, and the errors reference (docs/reference/errors.md) is
 * generated from them.
 */

/** RFC 6241 appendix A error-tags the transaction engine reports (RFC 8040 `error-tag`). */
export type RpcErrorTag =
  | 'in-use'
  | 'invalid-value'
  | 'too-big'
  | 'missing-element'
  | 'bad-element'
  | 'unknown-element'
  | 'access-denied'
  | 'lock-denied'
  | 'resource-denied'
  | 'rollback-failed'
  | 'data-exists'
  | 'data-missing'
  | 'operation-not-supported'
  | 'operation-failed'
  | 'malformed-message';

export interface ErrorCodeInfo {
  /** HTTP status the API answers with. */
  http: number;
  /** error-tag in a transaction's RFC 8040 error list (unless the device sent its own). */
  rpcErrorTag: RpcErrorTag;
  /** error-type there: the layer that failed (default application). */
  rpcErrorType?: 'transport' | 'protocol';
  /** Trying the same thing again later may succeed without anyone changing anything. */
  retryable: boolean;
  /** The device session itself was lost (as opposed to the device refusing something): the outcome on the device is unknown. */
  sessionLost?: true;
  /** One line for the reference: what happened and what to do. */
  summary: string;
}

const client = (http: number, rpcErrorTag: RpcErrorTag, summary: string): ErrorCodeInfo => ({ http, rpcErrorTag, retryable: false, summary });
const device = (rpcErrorTag: RpcErrorTag, retryable: boolean, summary: string): ErrorCodeInfo => ({ http: 502, rpcErrorTag, retryable, summary });
const lost = (summary: string, rpcErrorTag: RpcErrorTag = 'operation-failed'): ErrorCodeInfo => ({
  http: 502,
  rpcErrorTag,
  retryable: true,
  sessionLost: true,
  summary,
});
const server = (http: number, retryable: boolean, summary: string): ErrorCodeInfo => ({ http, rpcErrorTag: 'operation-failed', retryable, summary });

export const ERROR_CODES = {
  // The caller's request
  BAD_REQUEST: client(400, 'invalid-value', 'The request is malformed or asks for something impossible; the message names what to fix.'),
  VALIDATION_FAILED: client(400, 'invalid-value', 'A field has a wrong value; `data` names the field.'),
  UNKNOWN_FIELD: client(400, 'unknown-element', 'The request has a field netsync does not know (a typo?).'),
  NOT_FOUND: client(404, 'data-missing', 'No such device, job, transaction, repository or endpoint.'),
  CONFLICT: client(409, 'data-exists', 'The request contradicts the current state (e.g. the device already exists).'),
  INVALID_STATE_TRANSITION: client(409, 'invalid-value', 'The device cannot move from its current state to the one asked for.'),
  UNAUTHENTICATED: client(401, 'access-denied', 'No or an unknown API token; send `Authorization: Bearer <token>`.'),
  FORBIDDEN: client(403, 'access-denied', "The token's role does not allow this operation."),
  PAYLOAD_TOO_LARGE: client(413, 'too-big', 'The request body is larger than the limit.'),
  UNSUPPORTED_MEDIA_TYPE: client(415, 'invalid-value', 'Send `Content-Type: application/json`.'),
  RATE_LIMITED: { http: 429, rpcErrorTag: 'resource-denied', retryable: true, summary: 'Too many requests; wait and try again.' },
  ID_TOO_LONG: client(400, 'too-big', 'An identifier in the path or body is longer than the limit.'),
  CSRF_FAILED: client(403, 'access-denied', 'The form lacked a valid CSRF token; reload the page and try again.'),

  // Configuration, repositories and rendering
  CONFIG_INVALID: server(500, false, 'netsync.yml (or a file it names) is invalid; the message names the key.'),
  NO_REPOS: server(500, false, 'No settings/templates repositories are configured.'),
  GIT_FETCH_FAILED: server(500, true, 'Fetching a repository failed; the last known-good commit stays in force.'),
  REPO_REJECTED: client(422, 'invalid-value', 'A push was refused because its settings or templates do not render.'),
  RENDER_FAILED: server(500, false, "A device's config did not render (template or settings error); the message names the file."),
  SETTINGS_INVALID: server(500, false, 'Settings files the device merges are invalid; the message names the file and key.'),
  TEMPLATES_INVALID: server(500, false, 'Templates at a commit are refused (a file or the repository over the input limits); the message names the file.'),
  TEMPLATE_FORBIDDEN: client(422, 'access-denied', 'A template reached for something templates may not use (constructors, prototypes, functions).'),
  RENDER_BUDGET_EXCEEDED: client(422, 'too-big', 'A render took longer or used more memory than its budget.'),
  DIFF_BUDGET_EXCEEDED: client(422, 'too-big', 'A config diff was larger or slower than its budget.'),
  INPUT_TOO_LARGE: client(413, 'too-big', 'A settings/templates file or repository is larger than the limit.'),
  YAML_INVALID: client(422, 'invalid-value', 'A YAML file is invalid (syntax, or aliases beyond the limit).'),

  // Store and process
  STORE_CORRUPT: server(
    500,
    false,
    'The store file (or a PostgreSQL store row) does not parse or fails its schema; the message names the field, and the store never rewrites it.',
  ),
  STORE_VERSION: server(500, false, 'The store was written by a newer netsync (unknown file format or PostgreSQL migrations).'),
  STORE_WRITE_FAILED: server(500, true, 'Writing the store failed (disk full, permissions); nothing was changed.'),
  STORE_LOCKED: server(500, true, 'Another netsync process holds the store; stop it or point this one elsewhere.'),
  STORE_LOCK_INVALID: server(500, false, 'The store lock file does not name a netsync process; it is left in place (delete it if no netsync uses the store).'),
  STORE_MISSING: server(
    500,
    false,
    'The store file is missing but its directory holds netsync state; restore it from a backup (a new empty store would forget every device).',
  ),
  STORE_UNREACHABLE: server(
    503,
    true,
    'The PostgreSQL store cannot be reached (server down, wrong host, role or database); the message names host:port/database, never the password.',
  ),
  STORE_TIMEOUT: server(503, true, 'A PostgreSQL store statement (or the wait for its write lock) ran over store.statementTimeoutMs; nothing was changed.'),
  STORE_FAILED: server(500, false, 'The PostgreSQL store failed otherwise; `data.sqlState` holds the SQLSTATE.'),
  STORE_NOT_EMPTY: client(409, 'data-exists', '`netsync store migrate` found data in the target database; use an empty one, or --force to replace it.'),
  LISTEN_FAILED: server(500, false, 'The daemon could not listen on its address (in use, not permitted).'),
  LAB_STATE_INVALID: server(500, false, "The lab's state directory holds something it cannot read."),
  JOURNAL_CORRUPT: server(500, false, 'The write journal does not parse; recovery stops and reports it.'),
  RECOVERY_FAILED: server(500, true, 'Crash recovery could not confirm or cancel what a dead process left pending.'),
  UNAVAILABLE: server(503, true, 'The daemon is busy or not ready (queue full, starting, shutting down).'),
  TIMEOUT: server(500, true, 'An operation took longer than its limit.'),
  ABORTED: server(500, false, 'The job was aborted before it finished.'),
  INTERNAL: server(500, false, 'A bug: see the daemon log.'),

  // Transactions
  LOCKED: { http: 409, rpcErrorTag: 'lock-denied', retryable: true, summary: 'Another transaction or job holds the device; try again when it ends.' },
  FINGERPRINT_MISMATCH: {
    http: 500,
    rpcErrorTag: 'data-exists',
    retryable: false,
    summary: 'The device or store changed since the change was planned (drift); re-plan or force.',
  },
  CONFIRM_TIMEOUT: device(
    'operation-failed',
    false,
    'The confirm timeout passed before the confirming commit: the device reverted by itself; raise confirm_timeout or lower concurrency.',
  ),
  ROLLBACK_IMPOSSIBLE: server(500, false, 'The device cannot be restored to its previous config.'),
  COMMIT_NOT_APPLIED: device('operation-failed', false, 'The device accepted the commit but reading it back shows a different config.'),

  // Devices
  DEVICE_UNREACHABLE: { ...lost('The device did not answer (connection refused or timed out).', 'resource-denied'), rpcErrorType: 'transport' },
  AUTH_FAILED: device('access-denied', false, 'The device rejected the SSH credentials.'),
  HOST_KEY_MISMATCH: device('access-denied', false, 'The device presented a host key other than the pinned one (a new device or an attack).'),
  DEVICE_LOCKED: { http: 409, rpcErrorTag: 'lock-denied', retryable: true, summary: 'The device is locked by another session; the message names the holder.' },
  EOS_SESSION_LOCKED: {
    http: 409,
    rpcErrorTag: 'lock-denied',
    retryable: true,
    summary: 'A pending EOS configure session of someone else is in the way; the message names it.',
  },
  CLI_CLOSED: lost('The CLI session closed unexpectedly.'),
  CLI_TIMEOUT: lost('The device CLI did not answer in time.'),
  CLI_COMMAND_REJECTED: device('operation-failed', false, 'The device CLI rejected a command; the message quotes its answer.'),
  CLI_OUTPUT_TOO_LARGE: device('too-big', false, 'The device sent more output than the limit.'),
  NETCONF_NO_HELLO: device('malformed-message', false, 'The NETCONF peer sent no usable <hello>.'),
  NETCONF_CLOSED: lost('The NETCONF session closed unexpectedly.'),
  NETCONF_TIMEOUT: lost('A NETCONF RPC got no reply in time.'),
  NETCONF_FRAMING: device('malformed-message', false, 'The NETCONF peer broke RFC 6242 framing.'),
  NETCONF_BAD_XML: device('malformed-message', false, 'The NETCONF peer sent XML that does not parse.'),
  NETCONF_RPC_ERROR: {
    ...device('operation-failed', false, 'The device answered an RPC with <rpc-error>; its tag and message are kept.'),
    rpcErrorType: 'protocol',
  },
  BOUNCE_INCOMPLETE: device('operation-failed', false, 'An interface bounce shut the interface but could not bring it back up.'),

  // External systems
  SOURCE_NOT_CONFIGURED: server(500, false, 'The inventory source is not configured.'),
  SOURCE_UNAVAILABLE: server(500, true, 'An inventory source (NSO, NetBox, BSS) did not answer.'),
  SOURCE_TIMEOUT: server(500, true, 'An inventory source did not answer in time.'),
  SOURCE_AUTH_FAILED: server(500, false, 'An inventory source rejected the credentials.'),
  SOURCE_REJECTED: server(500, false, 'An inventory source refused the change; the message quotes its answer.'),
  SOURCE_BAD_RESPONSE: server(500, false, 'An inventory source answered with something netsync cannot read.'),
  CHECK_PUBLISH_FAILED: server(500, true, 'Publishing a PR check (status or comment) to the git host failed.'),
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** The registry entry; a code from outside (e.g. a daemon answering the CLI) that is unknown reads as INTERNAL. */
export function errorInfo(code: string): ErrorCodeInfo {
  return isErrorCode(code) ? ERROR_CODES[code] : ERROR_CODES.INTERNAL;
}

/** The device session is gone (dropped connection, no answer), as opposed to the device refusing something. */
export function isSessionLost(code: string): boolean {
  return errorInfo(code).sessionLost === true;
}

/**
 * CLI exit code for a failure: 2 for input the user can fix (a 4xx other than auth, or a bad config file),
 * 1 for anything else.
 */
export function exitCodeOf(code: string): 1 | 2 {
  if (code === 'CONFIG_INVALID') return 2;
  const { http } = errorInfo(code);
  return http >= 400 && http < 500 && http !== 401 && http !== 403 ? 2 : 1;
}
