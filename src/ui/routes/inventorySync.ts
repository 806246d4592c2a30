/** Inventory sync with NSO, NetBox and the BSS: the last report, a plan preview (dry run) and apply. */
import { Router } from 'express';
import { NetsyncError } from '../../model/errors.ts';
import type { Ui } from '../deps.ts';
import { field } from '../page.ts';
import { requireOperator, uiActor } from '../session.ts';

export function inventorySyncPages(ui: Ui): Router {
  const r = Router();
  r.get('/inventory-sync', async (req, res) => {
    ui.page(req, res, 'inventory-sync.njk', { status: await ui.inventorySync.status(), sources: ui.inventorySync.configuredSources });
  });
  r.post('/inventory-sync', requireOperator, async (req, res) => {
    const mode = field(req, 'mode');
    if (mode !== 'preview' && mode !== 'apply') throw new NetsyncError('VALIDATION_FAILED', `unknown mode '${mode}' (preview, apply)`);
    const started = await ui.inventorySync.start({ dryRun: mode === 'preview', by: uiActor(req) });
    // Waited for: the page then shows the new report. A long sync keeps running if the browser gives up.
    await started.done.catch(() => undefined);
    res.redirect(303, '/inventory-sync');
  });
  return r;
}
