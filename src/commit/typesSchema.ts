/** Schemas of the transaction types that the store keeps inside transaction records (checked at every load). */
import { z } from 'zod';
import { PHASES, ROLLBACK_STATUSES } from '../model/transaction.ts';
import { errorCodeSchema, recordSchema } from '../model/schemaKit.ts';
import type { CancelResult } from './cancelPending.ts';
import type { CommitFlags, NodeResult, RestconfError, TransactionOutcome } from './types.ts';

export { PHASES };
export const phaseSchema = z.enum(PHASES);

const configurationStatus = z.enum(['complete', 'fail', 'skipped', 'not-attempted']);
const rollbackStatus = z.enum(ROLLBACK_STATUSES);
const codeAndMessage = z.object({ code: errorCodeSchema, message: z.string() });

export const commitFlagsSchema = recordSchema<CommitFlags>()(
  z.object({
    validate: z.boolean(),
    confirmedCommit: z.boolean(),
    confirmTimeoutSeconds: z.number(),
    rollback: z.boolean(),
    skipUnreachable: z.boolean(),
    concurrency: z.number().int(),
    mode: z.enum(['replace', 'merge']),
    collectDiff: z.boolean(),
  }),
);

const nodeResultSchema = recordSchema<NodeResult>()(
  z.object({
    'node-id': z.string(),
    'configuration-status': configurationStatus,
    'rollback-status': rollbackStatus,
    phase: phaseSchema,
    error: z.object({ code: errorCodeSchema, message: z.string(), phase: phaseSchema }).optional(),
    'rollback-error': codeAndMessage.optional(),
    diff: z.string().optional(),
  }),
);

const restconfErrorSchema = recordSchema<RestconfError>()(
  z.object({
    'error-type': z.enum(['application', 'protocol', 'transport']),
    'error-tag': z.string(),
    'error-message': z.string(),
    'error-info': z.object({ 'node-id': z.string(), 'configuration-status': configurationStatus, 'rollback-status': rollbackStatus, code: errorCodeSchema }),
  }),
);

export const transactionOutcomeSchema = recordSchema<TransactionOutcome>()(
  z.object({
    id: z.string(),
    status: z.enum(['complete', 'fail']),
    'node-results': z.array(nodeResultSchema),
    'unreachable-nodes': z.array(z.string()),
    errors: z.object({ errors: z.object({ error: z.array(restconfErrorSchema) }) }).optional(),
    startedAt: z.string(),
    finishedAt: z.string(),
  }),
);

export const cancelResultSchema = recordSchema<CancelResult>()(
  z.object({
    'node-id': z.string(),
    status: z.enum(['cancelled', 'nothing-pending', 'reverted-on-disconnect', 'fail']),
    error: codeAndMessage.optional(),
  }),
);
