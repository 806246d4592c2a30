/**
 * A transaction's outcome from its run state: per-device results and the RFC 8040 error list (UniConfig
 * spelling), the error-tag and error-type coming from the error registry unless the device sent its own.
 */
import type { ErrorCode } from '../model/errorCodes.ts';
import { errorInfo } from '../model/errorCodes.ts';
import type { DeviceRun, RunState } from './runState.ts';
import type { NodeResult, RestconfError, TransactionOutcome } from './types.ts';

export function buildOutcome(state: RunState): TransactionOutcome {
  const { runs } = state;
  const status = runs.every((r) => r.result === 'complete' || r.result === 'skipped') ? 'complete' : 'fail';
  const errors = runs.flatMap(restconfErrors);
  return {
    id: state.id,
    status,
    'node-results': runs.map(nodeResult),
    'unreachable-nodes': runs.filter((r) => r.unreachable).map((r) => r.hostname),
    ...(errors.length ? { errors: { errors: { error: errors } } } : {}),
    startedAt: state.startedAt,
    finishedAt: state.clock().toISOString(),
  };
}

function nodeResult(run: DeviceRun): NodeResult {
  return {
    'node-id': run.hostname,
    'configuration-status': run.result ?? 'not-attempted',
    'rollback-status': run.rollback,
    phase: run.phase,
    ...(run.error ? { error: { code: run.error.code, message: run.error.message, phase: run.error.phase } } : {}),
    ...(run.rollbackError ? { 'rollback-error': run.rollbackError } : {}),
    ...(run.diff !== undefined ? { diff: run.diff } : {}),
  };
}

/** The device's error and its rollback error, if any; a skipped (unreachable) device is listed apart, not here. */
function restconfErrors(run: DeviceRun): RestconfError[] {
  if (run.result === 'skipped') return [];
  const entries: { code: ErrorCode; message: string; tag?: string }[] = [];
  if (run.error) entries.push({ ...run.error, message: `${run.hostname}: ${run.error.phase} failed: ${stripHost(run.error.message, run.hostname)}` });
  if (run.rollbackError)
    entries.push({ ...run.rollbackError, message: `${run.hostname}: rollback failed: ${stripHost(run.rollbackError.message, run.hostname)}` });
  return entries.map((e) => ({
    'error-type': errorInfo(e.code).rpcErrorType ?? 'application',
    'error-tag': e.tag ?? errorInfo(e.code).rpcErrorTag,
    'error-message': e.message,
    'error-info': { 'node-id': run.hostname, 'configuration-status': run.result ?? 'not-attempted', 'rollback-status': run.rollback, code: e.code },
  }));
}

function stripHost(message: string, hostname: string): string {
  return message.startsWith(`${hostname}: `) ? message.slice(hostname.length + 2) : message;
}
