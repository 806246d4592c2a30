/**
 * GET /commits/{sha}: what one commit did. Which repo holds it (author, message), the pushes it headed or
 * started from, and every device history entry that names it (cause, file and rule). Commits shown anywhere
 * in the interface link here.
 */
import { Router } from 'express';
import { REPO_KINDS } from '../../intake/intakeService.ts';
import { NetsyncError } from '../../model/errors.ts';
import type { Ui } from '../deps.ts';

/** A full SHA-1 or SHA-256 object id, as netsync records them. */
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export function commitPages(ui: Ui): Router {
  const r = Router();
  r.get('/commits/:sha', async (req, res) => {
    const sha = String(req.params.sha).toLowerCase();
    if (!FULL_SHA.test(sha))
      throw new NetsyncError('VALIDATION_FAILED', `'${String(req.params.sha).slice(0, 80)}' is not a full commit id (40 or 64 hex digits)`, { field: 'sha' });
    const found = [];
    for (const repo of ui.gitops ? REPO_KINDS : []) {
      const info = await ui.gitops!.commitInfo(repo, sha).catch(() => undefined);
      if (info) found.push({ repo, ...info });
    }
    const pushes = (await ui.store.listRecords('repoEvents')).filter((e) => e.after === sha || e.before === sha).sort((a, b) => b.at.localeCompare(a.at));
    const events = (await ui.store.listEvents()).filter((e) => e.commit === sha).reverse();
    if (found.length === 0 && pushes.length === 0 && events.length === 0) {
      throw new NetsyncError('NOT_FOUND', `no commit ${sha} in the configured repos, and no push or device history names it`, { sha });
    }
    ui.page(req, res, 'commit.njk', { sha, found, pushes, events });
  });
  return r;
}
