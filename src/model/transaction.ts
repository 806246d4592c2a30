/**
 * The commit vocabulary shared by transaction outcomes (src/commit/types.ts) and job records (job.ts):
 * one spelling for phases and rollback results everywhere a device result is kept.
 */

/** Transaction engine phases, in order (docs/design/architecture.md, "Transactions"). */
export const PHASES = [
  'lock',
  'connect',
  'fingerprint',
  'write',
  'validate',
  'confirmed-commit',
  'commit',
  'verify',
  'confirm',
  'verify-confirmed',
  'rollback',
] as const;
export type Phase = (typeof PHASES)[number];

/** What happened to a device's rollback: none was needed, it restored the device, or it failed. */
export const ROLLBACK_STATUSES = ['complete', 'fail', 'not-needed'] as const;
export type RollbackStatus = (typeof ROLLBACK_STATUSES)[number];
