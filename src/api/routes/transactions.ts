/** /api/v1/transactions: stage configs per hostname, commit them as one transaction, read, discard. */
import { Router } from 'express';
import { z } from 'zod';
import type { TransactionService } from '../../commit/transactionService.ts';
import { viewOf } from '../../commit/transactionService.ts';
import type { CommitFlags } from '../../commit/types.ts';
import { CONFIG_HASH_PATTERN } from '../../render/configHash.ts';
import { actor } from '../auth.ts';
import { checkPathIds } from '../params.ts';
import { hostnameSchema } from '../../inventory/deviceSchema.ts';
import { parseInput } from '../../model/parseInput.ts';

const stageSchema = z
  .object({
    devices: z
      .array(
        z
          .object({
            hostname: hostnameSchema,
            config: z.string(),
            // The device's `configHash` the client planned against; the commit fails for that device if the store or the device moved on.
            expected_hash: z.string().regex(CONFIG_HASH_PATTERN, 'a config hash as the device record shows it: sha256:<64 hex digits>').optional(),
          })
          .strict(),
      )
      .min(1, 'give at least one device'),
    comment: z.string().max(500).optional(),
  })
  .strict();

/** Flag names as UniConfig and docs/design/architecture.md §6 spell them. */
const commitSchema = z
  .object({
    do_validate: z.boolean().optional(),
    do_confirmed_commit: z.boolean().optional(),
    confirm_timeout: z.number().int().min(1).max(86_400).optional(),
    do_rollback: z.boolean().optional(),
    skip_unreachable: z.boolean().optional(),
    concurrency: z.number().int().min(1).max(1000).optional(),
    mode: z.enum(['replace', 'merge']).optional(),
    diff: z.boolean().optional(),
  })
  .strict();

export function commitFlagsFrom(body: z.infer<typeof commitSchema>): Partial<CommitFlags> {
  const flags: Partial<CommitFlags> = {};
  if (body.do_validate !== undefined) flags.validate = body.do_validate;
  if (body.do_confirmed_commit !== undefined) flags.confirmedCommit = body.do_confirmed_commit;
  if (body.confirm_timeout !== undefined) flags.confirmTimeoutSeconds = body.confirm_timeout;
  if (body.do_rollback !== undefined) flags.rollback = body.do_rollback;
  if (body.skip_unreachable !== undefined) flags.skipUnreachable = body.skip_unreachable;
  if (body.concurrency !== undefined) flags.concurrency = body.concurrency;
  if (body.mode !== undefined) flags.mode = body.mode;
  if (body.diff !== undefined) flags.collectDiff = body.diff;
  return flags;
}

export function transactionsRouter(transactions: TransactionService): Router {
  const r = checkPathIds(Router(), 'transaction');

  r.post('/transactions', async (req, res) => {
    const body = parseInput(stageSchema, req.body);
    const devices = body.devices.map((d) => ({ hostname: d.hostname, config: d.config, ...(d.expected_hash ? { expectedHash: d.expected_hash } : {}) }));
    const record = await transactions.create(devices, actor(res), body.comment);
    res.status(201).json({ transaction: viewOf(record) });
  });

  r.get('/transactions', async (_req, res) => {
    res.json({ transactions: (await transactions.list()).map(viewOf) });
  });

  r.get('/transactions/:id', async (req, res) => {
    res.json({ transaction: viewOf(await transactions.get(req.params.id)) });
  });

  r.post('/transactions/:id/commit', async (req, res) => {
    const flags = commitFlagsFrom(parseInput(commitSchema, req.body));
    const record = await transactions.commit(req.params.id, flags, actor(res));
    res.json({ transaction: viewOf(record) });
  });

  r.delete('/transactions/:id', async (req, res) => {
    res.json({ transaction: viewOf(await transactions.discard(req.params.id)) });
  });

  return r;
}
