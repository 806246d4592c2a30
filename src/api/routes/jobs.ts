/** /api/v1/syncto and /api/v1/jobs: start a sync job, follow it, abort it. */
import { Router } from 'express';
import { z } from 'zod';
import type { JobRunner } from '../../jobs/jobRunner.ts';
import type { SyncTarget } from '../../jobs/selection.ts';
import type { SynctoService } from '../../jobs/syncto.ts';
import { NetsyncError } from '../../model/errors.ts';
import { actor } from '../auth.ts';
import { emptyBodySchema } from '../schemas.ts';
import { checkPathIds } from '../params.ts';
import { hostnameSchema } from '../../inventory/deviceSchema.ts';
import { parseInput } from '../../model/parseInput.ts';

/** CNaaS-compatible request: exactly one of hostname, device_type, group or all. */
export const synctoSchema = z
  .object({
    hostname: hostnameSchema.optional(),
    device_type: z.string().min(1).max(32).optional(),
    group: z.string().min(1).max(64).optional(),
    all: z.literal(true).optional(),
    dry_run: z.boolean().default(false),
    resync: z.boolean().default(false),
    force: z.boolean().default(false),
    comment: z.string().max(500).optional(),
    ticket_ref: z.string().max(100).optional(),
    do_validate: z.boolean().optional(),
    do_confirmed_commit: z.boolean().optional(),
    confirm_timeout: z.number().int().min(1).max(86_400).optional(),
    do_rollback: z.boolean().optional(),
    skip_unreachable: z.boolean().optional(),
  })
  .strict();

export type SynctoBody = z.infer<typeof synctoSchema>;

export function targetOf(body: SynctoBody): SyncTarget {
  const given = [body.hostname && 'hostname', body.device_type && 'device_type', body.group && 'group', body.all && 'all'].filter(Boolean);
  if (given.length !== 1) {
    throw new NetsyncError('VALIDATION_FAILED', 'give exactly one target: hostname, device_type, group or all: true', { given });
  }
  if (body.hostname) return { kind: 'hostname', hostname: body.hostname };
  if (body.device_type) return { kind: 'device_type', type: body.device_type };
  if (body.group) return { kind: 'group', group: body.group };
  return { kind: 'all' };
}

export function flagsOf(body: SynctoBody) {
  return {
    ...(body.do_validate !== undefined ? { validate: body.do_validate } : {}),
    ...(body.do_confirmed_commit !== undefined ? { confirmedCommit: body.do_confirmed_commit } : {}),
    ...(body.confirm_timeout !== undefined ? { confirmTimeoutSeconds: body.confirm_timeout } : {}),
    ...(body.do_rollback !== undefined ? { rollback: body.do_rollback } : {}),
    ...(body.skip_unreachable !== undefined ? { skipUnreachable: body.skip_unreachable } : {}),
  };
}

const jobListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) }).strict();

export function jobsRouter(syncto: SynctoService, runner: JobRunner): Router {
  const r = checkPathIds(Router(), 'job');

  r.post('/syncto', async (req, res) => {
    const body = parseInput(synctoSchema, req.body);
    const job = await syncto.start({
      target: targetOf(body),
      dryRun: body.dry_run,
      resync: body.resync,
      force: body.force,
      flags: flagsOf(body),
      by: actor(res),
      ...(body.comment ? { comment: body.comment } : {}),
      ...(body.ticket_ref ? { ticketRef: body.ticket_ref } : {}),
    });
    res.status(202).json({ job_id: job.id, job });
  });

  r.get('/jobs', async (req, res) => {
    const { limit } = parseInput(jobListQuery, req.query, 'query');
    res.json({ jobs: await runner.list(limit) });
  });

  r.get('/jobs/:id', async (req, res) => {
    res.json({ job: await runner.get(req.params.id) });
  });

  r.post('/jobs/:id/abort', async (req, res) => {
    parseInput(emptyBodySchema, req.body);
    res.status(202).json({ job: await runner.requestAbort(req.params.id, actor(res)) });
  });

  return r;
}
