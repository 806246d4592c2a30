/** Jobs (docs/design/architecture.md, "Vocabulary"): persisted records of work such as syncto. */
import type { ErrorCode } from './errorCodes.ts';
import type { Phase, RollbackStatus } from './transaction.ts';

export const JOB_STATUSES = ['SCHEDULED', 'RUNNING', 'FINISHED', 'FAILED', 'ABORTED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** `would-change`: a dry run found a change to push (the diff is in the result); nothing was committed. */
export type DeviceResultStatus = 'pending' | 'running' | 'synced' | 'unchanged' | 'would-change' | 'failed' | 'skipped' | 'drift';

/** Where a device's part of a job failed: before the push (render, reading the device), in a transaction phase, or in the read-back. */
export type JobPhase = 'render' | 'read-running' | Phase | 'verify';

export interface DeviceJobResult {
  status: DeviceResultStatus;
  changed?: boolean;
  diff?: string;
  /** What went wrong, for a person. */
  error?: string;
  /** The failure's stable code: tells "could not connect" (DEVICE_UNREACHABLE) from "device refused" (NETCONF_RPC_ERROR). */
  code?: ErrorCode;
  /** Where it failed. */
  phase?: JobPhase;
  rollbackStatus?: RollbackStatus;
}

export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  args: Record<string, unknown>;
  by: string;
  comment?: string;
  ticketRef?: string;
  progress: { done: number; total: number };
  perDevice: Record<string, DeviceJobResult>;
  changeScore?: number;
  error?: string;
  /** What the job did besides its devices' changes, oldest first (e.g. a left-over session it aborted, recovery after a restart). */
  log?: string[];
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The replica (process) running it; when that replica is gone, the leader marks the job ABORTED. */
  replica?: string;
  /**
   * An abort asked for on any replica: recorded here, in the store every replica shares, and seen by the
   * replica running the job between devices.
   */
  abortRequested?: { by: string; at: string };
}

export function isFinished(status: JobStatus): boolean {
  return status === 'FINISHED' || status === 'FAILED' || status === 'ABORTED';
}
