/** /api/v1/inventory/sync: reconcile the inventory with NSO, NetBox and the BSS (dry run or apply). */
import { Router } from 'express';
import { z } from 'zod';
import type { InventorySync } from '../../sources/inventorySync.ts';
import { actor } from '../auth.ts';
import { parseInput } from '../validate.ts';

const syncBodySchema = z.object({ dry_run: z.boolean().default(false) }).strict();

export function inventoryRouter(sync: InventorySync): Router {
  const r = Router();
  r.post('/inventory/sync', async (req, res) => {
    const { dry_run } = parseInput(syncBodySchema, req.body);
    res.json(await sync.run({ dryRun: dry_run, by: actor(res) }));
  });
  return r;
}
