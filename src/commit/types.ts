/** Transaction inputs and outputs (docs/design/architecture.md §6). Output keys follow UniConfig/RFC 8040 spelling. */
import type { ErrorCode } from '../model/errorCodes.ts';
import type { Phase, RollbackStatus } from '../model/transaction.ts';
import type { DeviceTarget, LoadMode } from './session.ts';

export type { Phase, RollbackStatus } from '../model/transaction.ts';

export interface CommitFlags {
  /** do_validate: validate the candidate where the device supports it. */
  validate: boolean;
  /** do_confirmed_commit: commit with a confirm timeout first, then confirm. */
  confirmedCommit: boolean;
  /** confirm_timeout in seconds: how long a device waits for the confirming commit before reverting by itself. */
  confirmTimeoutSeconds: number;
  /** do_rollback: on any failure restore every touched device; false = only the failed ones. */
  rollback: boolean;
  /** skip_unreachable: leave unreachable devices out (reported) instead of failing the transaction. */
  skipUnreachable: boolean;
  /** How many devices are worked on at once. */
  concurrency: number;
  mode: LoadMode;
  /** Ask each device for its candidate-vs-running diff (one extra round trip or two). */
  collectDiff: boolean;
}

export const DEFAULT_FLAGS: CommitFlags = {
  validate: true,
  confirmedCommit: true,
  confirmTimeoutSeconds: 600,
  rollback: true,
  skipUnreachable: false,
  concurrency: 50,
  mode: 'replace',
  collectDiff: false,
};

export interface TransactionItem {
  target: DeviceTarget;
  config: string;
  /** Config hash the change was planned against (store and device must still match); null/undefined skips the check. */
  expectedHash?: string | null;
}

export type ConfigurationStatus = 'complete' | 'fail' | 'skipped' | 'not-attempted';

export interface NodeResult {
  'node-id': string;
  'configuration-status': ConfigurationStatus;
  'rollback-status': RollbackStatus;
  /** Last phase the device reached (or failed in). */
  phase: Phase;
  error?: { code: ErrorCode; message: string; phase: Phase };
  'rollback-error'?: { code: ErrorCode; message: string };
  diff?: string;
}

export interface RestconfError {
  'error-type': 'application' | 'protocol' | 'transport';
  'error-tag': string;
  'error-message': string;
  'error-info': { 'node-id': string; 'configuration-status': ConfigurationStatus; 'rollback-status': RollbackStatus; code: ErrorCode };
}

export interface TransactionOutcome {
  id: string;
  status: 'complete' | 'fail';
  'node-results': NodeResult[];
  'unreachable-nodes': string[];
  errors?: { errors: { error: RestconfError[] } };
  startedAt: string;
  finishedAt: string;
}
