/**
 * GET /api/v1/checks[?repo=&number=] and /api/v1/checks/{id} (JSON, behind token auth), and the plain
 * HTML page GET /checks/{id} that commit statuses link to. The page is public so reviewers can open it
 * from the PR without a netsync token: it shows what the PR comment shows (masked diffs, no secrets,
 * no tokens), and its id is 128 random bits, so pages cannot be listed or guessed.
 */
import { Router } from 'express';
import { notFound } from '../../model/errors.ts';
import type { CheckRecords } from '../../checks/checkRecords.ts';
import { htmlReport } from '../../checks/htmlReport.ts';
import { checkPathIds } from '../params.ts';

export function checksApiRouter(records: CheckRecords): Router {
  const r = checkPathIds(Router(), 'check');
  r.get('/checks', async (req, res) => {
    const number = typeof req.query.number === 'string' ? Number(req.query.number) : undefined;
    const repo = typeof req.query.repo === 'string' ? req.query.repo : undefined;
    const checks = await records.list({ ...(repo ? { repo } : {}), ...(number !== undefined && Number.isInteger(number) ? { number } : {}) });
    // The list leaves out the diffs; fetch one check for its report.
    res.json({ checks: checks.map(({ report, ...rest }) => ({ ...rest, devices: report ? report.changed + report.unchanged + report.failed : 0 })) });
  });
  r.get('/checks/:id', async (req, res) => {
    const check = await records.get(req.params.id);
    if (!check) throw notFound('check', req.params.id);
    res.json({ check });
  });
  return r;
}

export function checkPageRouter(records: CheckRecords): Router {
  const r = checkPathIds(Router(), 'check');
  r.get('/checks/:id', async (req, res) => {
    const check = /^[0-9a-f]{32}$/.test(req.params.id) ? await records.get(req.params.id) : undefined;
    res.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.set('x-content-type-options', 'nosniff');
    if (!check) {
      res.status(404).type('html').send('<!doctype html><title>not found</title><p>No such check.</p>');
      return;
    }
    res.type('html').send(htmlReport(check));
  });
  return r;
}
