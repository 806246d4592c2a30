/**
 * Auto-sync (the scheduler's `auto-sync` run): syncto on every unsynchronized MANAGED device, waiting for the
 * job so the scheduler skips the next tick while it runs. With nothing unsynchronized no job is started at all.
 */
import type { Store } from '../model/store.ts';
import type { JobRunner } from './jobRunner.ts';
import type { SynctoService } from './syncto.ts';

export async function runAutoSync(parts: { store: Store; syncto: SynctoService; jobs: JobRunner }, comment: string): Promise<void> {
  if ((await parts.store.listDevices({ synchronized: false, state: 'MANAGED' })).length === 0) return;
  const job = await parts.syncto.start({
    kind: 'auto-sync',
    target: { kind: 'all' },
    dryRun: false,
    resync: false,
    force: false,
    flags: {},
    by: 'scheduler',
    comment,
  });
  await parts.jobs.wait(job.id);
}
