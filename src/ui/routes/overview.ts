/** GET /: device counts, the alarm as Nagios sees it, each repo's head vs known-good, running jobs, recent transactions. */
import { Router } from 'express';
import type { Ui } from '../deps.ts';
import { overviewContent, overviewVersion } from '../overviewContent.ts';

export function overviewPage(ui: Ui): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const content = await overviewContent(ui);
    ui.page(req, res, 'overview.njk', { ...content, version: overviewVersion(content) });
  });
  // The live part, re-fetched when something it shows changes.
  r.get('/overview/live', async (req, res) => {
    ui.page(req, res, 'overview-live.njk', await overviewContent(ui));
  });
  return r;
}
