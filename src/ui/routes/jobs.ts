/** Jobs: the list, starting a sync job, and a job's page with live per-device progress, results, diffs and errors. */
import { Router } from 'express';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { SyncTarget } from '../../jobs/selection.ts';
import { isNetsyncError } from '../../model/errors.ts';
import type { Ui } from '../deps.ts';
import { jobListVersion, jobVersion } from '../liveVersion.ts';
import { field } from '../page.ts';
import { requireOperator, uiActor } from '../session.ts';

/** How many jobs the list shows, newest first. */
export const JOB_LIST_SIZE = 100;

const TARGET_KINDS = ['all', 'group', 'device_type', 'hostname'] as const;

const startForm = z.object({
  target: z.enum(TARGET_KINDS, { error: 'choose what to sync: all, a group, a type or a hostname' }),
  value: z.string().trim().max(100).default(''),
  dry_run: z.literal('on').optional(),
  resync: z.literal('on').optional(),
  force: z.literal('on').optional(),
  comment: z.string().trim().max(500).default(''),
});

/** The devices a form asks for, or the problem with the field that names them. */
function targetOf(kind: (typeof TARGET_KINDS)[number], value: string): SyncTarget | { error: string } {
  if (kind === 'all') return { kind: 'all' };
  if (!value) return { error: `give the ${kind === 'device_type' ? 'type' : kind} to sync` };
  if (kind === 'group') return { kind: 'group', group: value };
  if (kind === 'device_type') return { kind: 'device_type', type: value };
  return { kind: 'hostname', hostname: value };
}

type FormValues = Record<'target' | 'value' | 'comment', string> & Partial<Record<'dry_run' | 'resync' | 'force', string>>;

export function jobsPages(ui: Ui): Router {
  const r = Router();

  const listPage = async (req: Request, res: Response, values: FormValues, errors: Record<string, string> = {}, status = 200) => {
    const jobs = await ui.jobs.list(JOB_LIST_SIZE);
    ui.page(req, res, 'jobs.njk', { jobs, version: jobListVersion(jobs), values, errors }, status);
  };

  r.get('/jobs', async (req, res) => {
    await listPage(req, res, { target: 'all', value: '', comment: '', dry_run: 'on' });
  });

  r.post('/jobs', requireOperator, async (req, res) => {
    const values: FormValues = { target: field(req, 'target'), value: field(req, 'value'), comment: field(req, 'comment') };
    for (const flag of ['dry_run', 'resync', 'force'] as const) if (field(req, flag)) values[flag] = field(req, flag);
    const parsed = startForm.safeParse(req.body);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
      return listPage(req, res, values, errors, 422);
    }
    const f = parsed.data;
    const target = targetOf(f.target, f.value);
    if ('error' in target) return listPage(req, res, values, { value: target.error }, 422);
    let job;
    try {
      job = await ui.syncto.start({
        target,
        dryRun: f.dry_run === 'on',
        resync: f.resync === 'on',
        force: f.force === 'on',
        flags: {},
        by: uiActor(req),
        ...(f.comment ? { comment: f.comment } : {}),
      });
    } catch (err) {
      // The named device does not exist or is not MANAGED: said next to the field that named it.
      if (target.kind === 'hostname' && isNetsyncError(err) && (err.code === 'NOT_FOUND' || err.code === 'CONFLICT')) {
        return listPage(req, res, values, { value: err.message }, err.httpStatus);
      }
      throw err;
    }
    res.redirect(303, `/jobs/${job.id}`);
  });

  // The live part of the list, re-fetched when a job starts, moves on or ends.
  r.get('/fragments/jobs', async (req, res) => {
    ui.page(req, res, 'jobs-rows.njk', { jobs: await ui.jobs.list(JOB_LIST_SIZE) });
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
