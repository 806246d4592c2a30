/** Runs the inventory sync on a cron (node-cron); a run still going when the next is due is skipped. */
import cron from 'node-cron';
import { NetsyncError } from '../model/errors.ts';
import type { Logger } from '../model/ports.ts';
import type { InventorySync } from './inventorySync.ts';

export interface ScheduledSync {
  stop(): Promise<void>;
}

export function scheduleInventorySync(expression: string, sync: InventorySync, logger: Logger): ScheduledSync {
  if (!cron.validate(expression)) {
    throw new NetsyncError('CONFIG_INVALID', `sources.schedule '${expression}' is not a valid cron expression`, { key: 'sources.schedule', value: expression });
  }
  const task = cron.schedule(
    expression,
    async () => {
      try {
        await sync.run({ dryRun: false, by: 'schedule' });
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'scheduled inventory sync did not run');
      }
    },
    { name: 'inventory-sync', noOverlap: true },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy();
    },
  };
}
