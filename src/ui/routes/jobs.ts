/** Jobs: the list, starting a sync job, and a job's page with live per-device progress, results, diffs and errors. */
import { Router } from 'express';
import { z } from 'zod';
import type { SyncTarget } from '../../jobs/selection.ts';
import { NetsyncError } from '../../model/errors.ts';
import type { Ui } from '../deps.ts';
import { jobVersion } from '../liveVersion.ts';
import { requireOperator, uiActor } from '../session.ts';

const TARGET_KINDS = ['all', 'group', 'device_type', 'hostname'] as const;

const startForm = z.object({
  target: z.enum(TARGET_KINDS, { error: 'choose what to sync: all, a group, a type or a hostname' }),
  value: z.string().trim().max(100).default(''),
  dry_run: z.literal('on').optional(),
  resync: z.literal('on').optional(),
  force: z.literal('on').optional(),
  comment: z.string().trim().max(500).default(''),
});

function targetOf(kind: (typeof TARGET_KINDS)[number], value: string): SyncTarget {
  if (kind === 'all') return { kind: 'all' };
  if (!value) throw new NetsyncError('VALIDATION_FAILED', `give the ${kind === 'device_type' ? 'type' : kind} to sync`, { field: 'value' });
  if (kind === 'group') return { kind: 'group', group: value };
  if (kind === 'device_type') return { kind: 'device_type', type: value };
  return { kind: 'hostname', hostname: value };
}

export function jobsPages(ui: Ui): Router {
  const r = Router();

  r.get('/jobs', async (req, res) => {
    ui.page(req, res, 'jobs.njk', { jobs: await ui.jobs.list(100) });
  });

  r.post('/jobs', requireOperator, async (req, res) => {
    const parsed = startForm.safeParse(req.body);
    if (!parsed.success) throw new NetsyncError('VALIDATION_FAILED', parsed.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; '));
    const f = parsed.data;
    const job = await ui.syncto.start({
      target: targetOf(f.target, f.value),
      dryRun: f.dry_run === 'on',
      resync: f.resync === 'on',
      force: f.force === 'on',
      flags: {},
      by: uiActor(req),
      ...(f.comment ? { comment: f.comment } : {}),
    });
    res.redirect(303, `/jobs/${job.id}`);
  });

  r.get('/jobs/:id', async (req, res) => {
    const job = await ui.jobs.get(req.params.id);
    ui.page(req, res, 'job.njk', { job, version: jobVersion(job) });
  });

  r.get('/fragments/jobs/:id', async (req, res) => {
    ui.page(req, res, 'job-progress.njk', { job: await ui.jobs.get(req.params.id) });
  });

  r.post('/jobs/:id/abort', requireOperator, async (req, res) => {
    const job = await ui.jobs.requestAbort(String(req.params.id), uiActor(req));
    res.redirect(303, `/jobs/${job.id}`);
  });

  return r;
}
