/** /api/v1/inventory/sync: reconcile the inventory with NSO, NetBox and the BSS (dry run or apply), and its last report. */
import { Router } from 'express';
import { z } from 'zod';
import type { InventorySync } from '../../sources/inventorySync.ts';
import { actor } from '../auth.ts';
import { parseInput } from '../../model/parseInput.ts';

const syncBodySchema = z
  .object({
    dry_run: z.boolean().default(false),
    /** false: answer 202 at once and let the caller poll GET /inventory/sync (syncs that probe many devices take a while). */
    wait: z.boolean().default(true),
  })
  .strict();

export function inventoryRouter(sync: InventorySync): Router {
  const r = Router();
  r.post('/inventory/sync', async (req, res) => {
    const { dry_run, wait } = parseInput(syncBodySchema, req.body);
    const started = await sync.start({ dryRun: dry_run, by: actor(res) });
    if (wait) res.json(await started.done);
    else res.status(202).json({ id: started.id, startedAt: started.startedAt });
  });
  r.get('/inventory/sync', async (_req, res) => {
    res.json(await sync.status());
  });
  return r;
}
