/** Repos and pushes: head vs known-good per repo, and the processed pushes (accepted, rejected) with their devices. */
import { Router } from 'express';
import type { Ui } from '../deps.ts';
import { recentRepoEvents, repoSummaries } from '../repoSummary.ts';

export function reposPages(ui: Ui): Router {
  const r = Router();
  r.get('/repos', async (req, res) => {
    ui.page(req, res, 'repos.njk', { repos: await repoSummaries(ui), events: await recentRepoEvents(ui, 100), configured: Boolean(ui.gitops) });
  });
  return r;
}
