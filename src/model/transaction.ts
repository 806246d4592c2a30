/**
 * The commit vocabulary shared by transaction outcomes (src/commit/types.ts) and job records (job.ts):
 * one spelling for phases and rollback results everywhere a device result is kept.
 */

/** Transaction engine phases, in order (docs/design/architecture.md, "Transactions"). */
export type Phase = 'lock' | 'connect' | 'fingerprint' | 'write' | 'validate' | 'confirmed-commit' | 'commit' | 'verify' | 'confirm' | 'verify-confirmed' | 'rollback';

/** What happened to a device's rollback: none was needed, it restored the device, or it failed. */
export type RollbackStatus = 'complete' | 'fail' | 'not-needed';
